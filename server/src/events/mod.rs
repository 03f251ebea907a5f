//! The event port: Warden's events (`warden.events.v1`), their AMQP routing,
//! and the buses that carry them (in-process by default, RabbitMQ with a
//! durable outbox in production).

use async_trait::async_trait;
use prost::Message;
use tokio::sync::{broadcast, mpsc};
use warden_proto::events::v1 as pb;

use crate::error::Error;
use crate::store::OutboxEntry;

pub mod inprocess;
pub mod rabbitmq;

/// Name of the durable topic exchange every event is published to.
pub const EXCHANGE: &str = "warden.events";

/// One Warden event.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A session was created (routing key `session.created`).
    SessionCreated(pb::SessionCreated),
    /// A session ended early (routing key `session.revoked`).
    SessionRevoked(pb::SessionRevoked),
    /// A session's roles or attributes changed (routing key `session.updated`).
    SessionUpdated(pb::SessionUpdated),
    /// A user was suspended (routing key `user.suspended`).
    UserSuspended(pb::UserSuspended),
    /// A user was deleted (routing key `user.deleted`).
    UserDeleted(pb::UserDeleted),
    /// Relationships were written (routing key `authz.relationships.changed`).
    RelationshipsChanged(pb::RelationshipsChanged),
}

impl Event {
    /// The AMQP routing key.
    pub fn routing_key(&self) -> &'static str {
        match self {
            Self::SessionCreated(_) => "session.created",
            Self::SessionRevoked(_) => "session.revoked",
            Self::SessionUpdated(_) => "session.updated",
            Self::UserSuspended(_) => "user.suspended",
            Self::UserDeleted(_) => "user.deleted",
            Self::RelationshipsChanged(_) => "authz.relationships.changed",
        }
    }

    /// The full protobuf message name, sent as the AMQP `type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::SessionCreated(_) => "warden.events.v1.SessionCreated",
            Self::SessionRevoked(_) => "warden.events.v1.SessionRevoked",
            Self::SessionUpdated(_) => "warden.events.v1.SessionUpdated",
            Self::UserSuspended(_) => "warden.events.v1.UserSuspended",
            Self::UserDeleted(_) => "warden.events.v1.UserDeleted",
            Self::RelationshipsChanged(_) => "warden.events.v1.RelationshipsChanged",
        }
    }

    /// The event id, sent as the AMQP `message_id`.
    pub fn event_id(&self) -> &str {
        match self {
            Self::SessionCreated(e) => &e.event_id,
            Self::SessionRevoked(e) => &e.event_id,
            Self::SessionUpdated(e) => &e.event_id,
            Self::UserSuspended(e) => &e.event_id,
            Self::UserDeleted(e) => &e.event_id,
            Self::RelationshipsChanged(e) => &e.event_id,
        }
    }

    /// The protobuf encoding of the message.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Self::SessionCreated(e) => e.encode_to_vec(),
            Self::SessionRevoked(e) => e.encode_to_vec(),
            Self::SessionUpdated(e) => e.encode_to_vec(),
            Self::UserSuspended(e) => e.encode_to_vec(),
            Self::UserDeleted(e) => e.encode_to_vec(),
            Self::RelationshipsChanged(e) => e.encode_to_vec(),
        }
    }

    /// Decodes an event from its AMQP `type` and body.
    pub fn decode(type_name: &str, body: &[u8]) -> Result<Self, Error> {
        let bad = |e: prost::DecodeError| Error::Internal(format!("decode {type_name}: {e}"));
        Ok(match type_name {
            "warden.events.v1.SessionCreated" => {
                Self::SessionCreated(pb::SessionCreated::decode(body).map_err(bad)?)
            }
            "warden.events.v1.SessionRevoked" => {
                Self::SessionRevoked(pb::SessionRevoked::decode(body).map_err(bad)?)
            }
            "warden.events.v1.SessionUpdated" => {
                Self::SessionUpdated(pb::SessionUpdated::decode(body).map_err(bad)?)
            }
            "warden.events.v1.UserSuspended" => {
                Self::UserSuspended(pb::UserSuspended::decode(body).map_err(bad)?)
            }
            "warden.events.v1.UserDeleted" => {
                Self::UserDeleted(pb::UserDeleted::decode(body).map_err(bad)?)
            }
            "warden.events.v1.RelationshipsChanged" => {
                Self::RelationshipsChanged(pb::RelationshipsChanged::decode(body).map_err(bad)?)
            }
            other => return Err(Error::Internal(format!("unknown event type {other:?}"))),
        })
    }

    /// The outbox row that carries this event to the broker.
    pub fn to_outbox_entry(&self) -> OutboxEntry {
        OutboxEntry {
            id: 0,
            event_id: self.event_id().to_owned(),
            routing_key: self.routing_key().to_owned(),
            type_name: self.type_name().to_owned(),
            payload: self.encode(),
        }
    }
}

/// Publishes events and lets in-process consumers follow them.
#[async_trait]
pub trait EventBus: Send + Sync {
    /// Publishes an event. On RabbitMQ it returns once the event is durably
    /// queued in the outbox; delivery to the broker follows (at least once).
    async fn publish(&self, event: Event) -> Result<(), Error>;

    /// Events published by this process, for in-process consumers.
    fn subscribe_local(&self) -> broadcast::Receiver<Event>;

    /// Events with `routing_key` for a durable consumer named `queue`. On
    /// RabbitMQ that is a durable queue bound to the key, shared by every
    /// server: a delivery not acknowledged (the process died) is redelivered,
    /// and events published while the consumer was away wait for it. In
    /// process, every matching event published by this process, none dropped.
    fn consume(
        &self,
        queue: String,
        routing_key: &'static str,
    ) -> mpsc::UnboundedReceiver<Delivery>;

    /// Every event with `routing_key`, for this process alone (on RabbitMQ an
    /// exclusive queue: what is published while disconnected is missed, so
    /// followers also poll the state they follow).
    fn follow(&self, routing_key: &'static str) -> mpsc::UnboundedReceiver<Delivery>;
}

/// One event handed to a durable consumer.
pub struct Delivery {
    /// The event.
    pub event: Event,
    acker: Option<lapin::acker::Acker>,
}

impl Delivery {
    /// A delivery that needs no acknowledgement (in process).
    pub fn local(event: Event) -> Self {
        Self { event, acker: None }
    }

    /// Acknowledges the event once it is fully handled: the broker forgets it.
    pub async fn ack(self) {
        if let Some(acker) = self.acker {
            if let Err(e) = acker.ack(lapin::options::BasicAckOptions::default()).await {
                // The channel is gone: the broker redelivers the event and the
                // consumer (idempotent) handles it again.
                tracing::warn!(error = %e, "cannot acknowledge an event; it will be redelivered");
            }
        }
    }
}

/// A new random event id.
pub fn new_event_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_through_their_type_name() {
        let event = Event::SessionCreated(pb::SessionCreated {
            event_id: "e1".into(),
            session_id: "s1".into(),
            user_id: "u1".into(),
            ..Default::default()
        });
        let entry = event.to_outbox_entry();
        assert_eq!(entry.routing_key, "session.created");
        assert_eq!(entry.type_name, "warden.events.v1.SessionCreated");
        assert_eq!(entry.event_id, "e1");
        assert_eq!(
            Event::decode(&entry.type_name, &entry.payload).unwrap(),
            event
        );
        assert!(Event::decode("warden.events.v1.Nope", &entry.payload).is_err());
    }
}
