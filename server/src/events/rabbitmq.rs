//! RabbitMQ bus (lapin) with a transactional outbox: `publish` stores the
//! event in the SQL outbox; a relay task publishes outbox rows to the durable
//! topic exchange `warden.events` with publisher confirms and deletes them once
//! the broker confirmed. A broker outage delays events, never loses them; a
//! crash between publish and delete re-sends the same `message_id`.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use futures::StreamExt;
use lapin::options::{
    BasicConsumeOptions, BasicPublishOptions, BasicQosOptions, BasicRejectOptions,
    ConfirmSelectOptions, ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::publisher_confirm::Confirmation;
use lapin::types::{FieldTable, ShortString};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, ExchangeKind};
use tokio::sync::{broadcast, mpsc, watch, Notify};

use super::{Delivery, Event, EventBus, EXCHANGE};
use crate::error::Error;
use crate::store::{Outbox, OutboxEntry};

/// How long a relay holds outbox rows it is publishing.
const LEASE: Duration = Duration::from_secs(10);
/// Outbox rows published per round.
const BATCH: u32 = 256;

/// The durable queues of this process's consumers, with their routing keys.
/// The relay declares and binds each before it publishes anything, so no
/// event is routed while a consumer's queue does not exist yet (it would be
/// dropped by the broker).
type DurableQueues = Arc<std::sync::Mutex<Vec<(String, &'static str)>>>;

/// Events through the outbox to RabbitMQ.
pub struct RabbitMqBus {
    url: String,
    durable: DurableQueues,
    outbox: Arc<dyn Outbox>,
    wake: Arc<Notify>,
    local: broadcast::Sender<Event>,
    shutdown: watch::Receiver<bool>,
}

impl RabbitMqBus {
    /// Starts the relay to `url`; it runs until `shutdown` turns true.
    pub fn start(url: String, outbox: Arc<dyn Outbox>, shutdown: watch::Receiver<bool>) -> Self {
        let wake = Arc::new(Notify::new());
        let durable = DurableQueues::default();
        tokio::spawn(relay(
            url.clone(),
            outbox.clone(),
            wake.clone(),
            durable.clone(),
            shutdown.clone(),
        ));
        Self {
            url,
            durable,
            shutdown,
            outbox,
            wake,
            local: broadcast::channel(4096).0,
        }
    }
}

#[async_trait]
impl EventBus for RabbitMqBus {
    async fn publish(&self, event: Event) -> Result<(), Error> {
        self.outbox.enqueue(&event.to_outbox_entry()).await?;
        self.wake.notify_one();
        let _ = self.local.send(event);
        Ok(())
    }

    fn subscribe_local(&self) -> broadcast::Receiver<Event> {
        self.local.subscribe()
    }

    fn consume(
        &self,
        queue: String,
        routing_key: &'static str,
    ) -> mpsc::UnboundedReceiver<Delivery> {
        if let Ok(mut durable) = self.durable.lock() {
            durable.push((queue.clone(), routing_key));
        }
        self.wake.notify_one();
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(consume_forever(
            self.url.clone(),
            Some(queue),
            routing_key,
            tx,
            self.shutdown.clone(),
        ));
        rx
    }

    fn follow(&self, routing_key: &'static str) -> mpsc::UnboundedReceiver<Delivery> {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(consume_forever(
            self.url.clone(),
            None,
            routing_key,
            tx,
            self.shutdown.clone(),
        ));
        rx
    }
}

/// Unacknowledged deliveries a durable consumer holds at once.
const PREFETCH: u16 = 64;

/// Keeps a consumer attached, reconnecting after a broker or connection
/// loss: of the durable `queue` (unacknowledged deliveries are redelivered),
/// or for `None` of a queue of this process alone (exclusive, no acks).
async fn consume_forever(
    url: String,
    queue: Option<String>,
    routing_key: &'static str,
    tx: mpsc::UnboundedSender<Delivery>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut backoff = Duration::from_millis(100);
    while !*shutdown.borrow() && !tx.is_closed() {
        let attached = tokio::select! {
            result = consume_once(&url, queue.as_deref(), routing_key, &tx) => result,
            _ = shutdown.changed() => return,
        };
        match attached {
            Ok(()) => backoff = Duration::from_millis(100),
            Err(e) => {
                tracing::warn!(queue = queue.as_deref().unwrap_or("(exclusive)"), error = %e, retry_in = ?backoff, "event consumer lost RabbitMQ; reconnecting")
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = shutdown.changed() => return,
        }
        backoff = (backoff * 2).min(Duration::from_secs(2));
    }
}

async fn consume_once(
    url: &str,
    durable: Option<&str>,
    routing_key: &'static str,
    tx: &mpsc::UnboundedSender<Delivery>,
) -> Result<(), lapin::Error> {
    let (connection, channel) = connect(url).await?;
    let options = match durable {
        Some(_) => QueueDeclareOptions {
            durable: true,
            ..Default::default()
        },
        None => QueueDeclareOptions {
            exclusive: true,
            auto_delete: true,
            ..Default::default()
        },
    };
    let declared = channel
        .queue_declare(durable.unwrap_or(""), options, FieldTable::default())
        .await?;
    let queue = declared.name().as_str();
    channel
        .queue_bind(
            queue,
            EXCHANGE,
            routing_key,
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
    channel
        .basic_qos(PREFETCH, BasicQosOptions::default())
        .await?;
    let mut consumer = channel
        .basic_consume(
            queue,
            "",
            BasicConsumeOptions {
                no_ack: durable.is_none(),
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await?;
    tracing::info!(queue, "event consumer attached");
    while let Some(delivery) = consumer.next().await {
        let delivery = delivery?;
        let type_name = delivery
            .properties
            .kind()
            .as_ref()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default();
        match Event::decode(&type_name, &delivery.data) {
            Ok(event) => {
                let handed = Delivery {
                    event,
                    acker: durable.is_some().then_some(delivery.acker),
                };
                if tx.send(handed).is_err() {
                    break; // the consumer is gone; the broker redelivers
                }
            }
            Err(e) => {
                // A message no Warden version could handle: drop it rather
                // than redeliver it forever.
                tracing::warn!(queue, error = %e, "dropping an undecodable event");
                if durable.is_some() {
                    let _ = delivery
                        .acker
                        .reject(BasicRejectOptions { requeue: false })
                        .await;
                }
            }
        }
    }
    let _ = connection.close(200, "consumer closed").await;
    Ok(())
}

/// Connects, declares the exchange and enables publisher confirms.
pub async fn connect(url: &str) -> Result<(Connection, Channel), lapin::Error> {
    let connection = Connection::connect(url, ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    channel
        .exchange_declare(
            EXCHANGE,
            ExchangeKind::Topic,
            ExchangeDeclareOptions {
                durable: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await?;
    Ok((connection, channel))
}

fn properties(entry: &OutboxEntry) -> BasicProperties {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    BasicProperties::default()
        .with_type(ShortString::from(entry.type_name.clone()))
        .with_message_id(ShortString::from(entry.event_id.clone()))
        .with_content_type(ShortString::from("application/protobuf"))
        .with_delivery_mode(2)
        .with_timestamp(now)
}

/// Publishes a batch and waits for the confirms; returns the confirmed row ids.
async fn publish_batch(channel: &Channel, batch: &[OutboxEntry]) -> Result<Vec<i64>, lapin::Error> {
    let mut pending = Vec::with_capacity(batch.len());
    for entry in batch {
        let confirm = channel
            .basic_publish(
                EXCHANGE,
                &entry.routing_key,
                BasicPublishOptions::default(),
                &entry.payload,
                properties(entry),
            )
            .await?;
        pending.push((entry.id, confirm));
    }
    let mut confirmed = Vec::with_capacity(pending.len());
    for (id, confirm) in pending {
        match confirm.await? {
            Confirmation::Ack(_) | Confirmation::NotRequested => confirmed.push(id),
            Confirmation::Nack(_) => {
                tracing::warn!(id, "broker refused an event; it stays in the outbox")
            }
        }
    }
    Ok(confirmed)
}

/// Declares and binds the durable queues registered since the last call.
async fn declare_durable(
    channel: &Channel,
    durable: &DurableQueues,
    declared: &mut usize,
) -> Result<(), lapin::Error> {
    let pending: Vec<(String, &'static str)> = match durable.lock() {
        Ok(list) => list.iter().skip(*declared).cloned().collect(),
        Err(_) => Vec::new(),
    };
    for (queue, routing_key) in pending {
        channel
            .queue_declare(
                &queue,
                QueueDeclareOptions {
                    durable: true,
                    ..Default::default()
                },
                FieldTable::default(),
            )
            .await?;
        channel
            .queue_bind(
                &queue,
                EXCHANGE,
                routing_key,
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
        *declared += 1;
    }
    Ok(())
}

async fn relay(
    url: String,
    outbox: Arc<dyn Outbox>,
    wake: Arc<Notify>,
    durable: DurableQueues,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut link: Option<(Connection, Channel)> = None;
    let mut declared = 0;
    let mut backoff = Duration::from_millis(100);
    while !*shutdown.borrow() {
        if link
            .as_ref()
            .is_some_and(|(c, ch)| !c.status().connected() || !ch.status().connected())
        {
            link = None;
        }
        if link.is_none() {
            match connect(&url).await {
                Ok(l) => {
                    tracing::info!("event relay connected to RabbitMQ");
                    link = Some(l);
                    declared = 0;
                    backoff = Duration::from_millis(100);
                }
                Err(e) => {
                    tracing::warn!(error = %e, retry_in = ?backoff, "RabbitMQ unreachable; events wait in the outbox");
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = shutdown.changed() => {}
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(2));
                    continue;
                }
            }
        }
        let batch = match outbox.claim(BATCH, LEASE).await {
            Ok(batch) => batch,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the event outbox");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if batch.is_empty() {
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = shutdown.changed() => {}
            }
            continue;
        }
        let Some((_, channel)) = &link else { continue };
        let published = match declare_durable(channel, &durable, &mut declared).await {
            Ok(()) => publish_batch(channel, &batch).await,
            Err(e) => Err(e),
        };
        match published {
            Ok(confirmed) => {
                if let Err(e) = outbox.remove(&confirmed).await {
                    tracing::warn!(error = %e, "published events could not be removed from the outbox; they will be re-sent");
                }
                if confirmed.len() < batch.len() {
                    tokio::time::sleep(backoff).await;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "publishing to RabbitMQ failed; retrying");
                if let Err(e) = outbox
                    .release(&batch.iter().map(|e| e.id).collect::<Vec<_>>())
                    .await
                {
                    tracing::warn!(error = %e, "cannot release outbox lease");
                }
                link = None;
            }
        }
    }
    if let Some((connection, _)) = link {
        let _ = connection.close(200, "shutdown").await;
    }
}
