//! The embedded default bus: a broadcast channel inside the process.

use async_trait::async_trait;
use tokio::sync::broadcast;

use super::{Event, EventBus};
use crate::error::Error;

/// Events delivered to the subscribers of this process only.
pub struct InProcessBus {
    sender: broadcast::Sender<Event>,
}

impl InProcessBus {
    /// A bus whose slow subscribers may lag by up to 4096 events.
    pub fn new() -> Self {
        Self {
            sender: broadcast::channel(4096).0,
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
        // No subscriber is not an error: nobody is listening yet.
        let _ = self.sender.send(event);
        Ok(())
    }

    fn subscribe_local(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }
}
