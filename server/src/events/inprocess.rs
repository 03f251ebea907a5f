//! The embedded default bus: a broadcast channel inside the process.

use async_trait::async_trait;
use std::sync::Mutex;

use tokio::sync::{broadcast, mpsc};

use super::{Delivery, Event, EventBus};
use crate::error::Error;

/// Events delivered to the subscribers of this process only.
pub struct InProcessBus {
    sender: broadcast::Sender<Event>,
    consumers: Mutex<Vec<(&'static str, mpsc::UnboundedSender<Delivery>)>>,
}

impl InProcessBus {
    /// A bus whose slow subscribers may lag by up to 4096 events.
    pub fn new() -> Self {
        Self {
            sender: broadcast::channel(4096).0,
            consumers: Mutex::new(Vec::new()),
        }
    }
}

impl Default for InProcessBus {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl EventBus for InProcessBus {
    async fn publish(&self, event: Event) -> Result<(), Error> {
        tracing::debug!(
            routing_key = event.routing_key(),
            event_id = event.event_id(),
            "event"
        );
        if let Ok(mut consumers) = self.consumers.lock() {
            consumers.retain(|(key, tx)| {
                *key != event.routing_key() || tx.send(Delivery::local(event.clone())).is_ok()
            });
        }
        // No subscriber is not an error: nobody is listening yet.
        let _ = self.sender.send(event);
        Ok(())
    }

    fn subscribe_local(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }

    fn follow(&self, routing_key: &'static str) -> mpsc::UnboundedReceiver<Delivery> {
        self.consume(String::new(), routing_key)
    }

    fn consume(
        &self,
        _queue: String,
        routing_key: &'static str,
    ) -> mpsc::UnboundedReceiver<Delivery> {
        let (tx, rx) = mpsc::unbounded_channel();
        if let Ok(mut consumers) = self.consumers.lock() {
            consumers.push((routing_key, tx));
        }
        rx
    }
}
