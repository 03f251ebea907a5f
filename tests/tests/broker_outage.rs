//! RabbitMQ stopped during a run of logins, then restarted: logins keep
//! working and every `SessionCreated` arrives, each exactly once per event id.
//!
//! This test stops and starts the local RabbitMQ application with
//! `rabbitmqctl`, so it lives in its own test binary (cargo runs test
//! binaries one after another).

use std::collections::{HashMap, HashSet};
use std::process::Command;
use std::time::Duration;

use futures::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, QueueBindOptions, QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::FieldTable;
use prost::Message;
use warden_e2e::{amqp_channel, register_and_login, Backend, TestWarden};
use warden_proto::events::v1::SessionCreated;

fn rabbitmqctl(args: &[&str]) {
    let status = Command::new("rabbitmqctl")
        .args(args)
        .status()
        .unwrap_or_else(|e| panic!("rabbitmqctl {args:?}: {e}; this test needs the local RabbitMQ (scripts/backends.sh)"));
    assert!(status.success(), "rabbitmqctl {args:?} failed");
}

/// Starts the RabbitMQ application again if the test fails while it is stopped,
/// so later tests find the broker up.
struct RestartOnDrop;

impl Drop for RestartOnDrop {
    fn drop(&mut self) {
        let _ = Command::new("rabbitmqctl").arg("start_app").status();
    }
}

#[tokio::test]
async fn session_created_survives_a_broker_outage_exactly_once() {
    let queue = format!("warden-test-outage-{}", uuid::Uuid::new_v4().simple());
    {
        let (conn, channel) = amqp_channel().await;
        channel
            .exchange_declare(
                "warden.events",
                lapin::ExchangeKind::Topic,
                lapin::options::ExchangeDeclareOptions {
                    durable: true,
                    ..Default::default()
                },
                FieldTable::default(),
            )
            .await
            .unwrap();
        channel
            .queue_declare(
                &queue,
                QueueDeclareOptions {
                    durable: true,
                    ..Default::default()
                },
                FieldTable::default(),
            )
            .await
            .unwrap();
        channel
            .queue_bind(
                &queue,
                "warden.events",
                "session.created",
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await
            .unwrap();
        conn.close(200, "bound").await.unwrap();
    }

    let warden = TestWarden::start(Backend::Real).await;
    let mut auth = warden.auth().await;
    let mut sessions = HashSet::new();
    let _restart = RestartOnDrop;
    for i in 0..30 {
        if i == 10 {
            tokio::task::spawn_blocking(|| rabbitmqctl(&["stop_app"]))
                .await
                .unwrap();
        }
        if i == 20 {
            tokio::task::spawn_blocking(|| rabbitmqctl(&["start_app"]))
                .await
                .unwrap();
            tokio::task::spawn_blocking(|| rabbitmqctl(&["await_startup"]))
                .await
                .unwrap();
        }
        // Logins succeed whether or not the broker is up.
        let (_, tokens) = register_and_login(&mut auth).await;
        sessions.insert(tokens.session_id);
    }

    let (conn, channel) = amqp_channel().await;
    let mut consumer = channel
        .basic_consume(
            &queue,
            "outage-test",
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await
        .unwrap();
    let mut seen_events: HashMap<String, String> = HashMap::new();
    let mut seen_sessions: HashMap<String, usize> = HashMap::new();
    let all_arrived = tokio::time::timeout(Duration::from_secs(60), async {
        while !sessions.iter().all(|s| seen_sessions.contains_key(s)) {
            let delivery = consumer
                .next()
                .await
                .expect("consumer open")
                .expect("delivery");
            delivery.ack(BasicAckOptions::default()).await.unwrap();
            let event = SessionCreated::decode(delivery.data.as_slice()).unwrap();
            let message_id = delivery
                .properties
                .message_id()
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_default();
            assert_eq!(message_id, event.event_id);
            assert!(
                seen_events
                    .insert(event.event_id.clone(), event.session_id.clone())
                    .is_none(),
                "event {} delivered twice",
                event.event_id
            );
            *seen_sessions.entry(event.session_id).or_default() += 1;
        }
    })
    .await;
    assert!(
        all_arrived.is_ok(),
        "{} of {} SessionCreated events arrived after the outage",
        sessions
            .iter()
            .filter(|s| seen_sessions.contains_key(*s))
            .count(),
        sessions.len()
    );
    // Nothing more is waiting: no duplicate under another id.
    let extra = tokio::time::timeout(Duration::from_millis(500), consumer.next()).await;
    assert!(extra.is_err(), "an unexpected extra event arrived");
    for s in &sessions {
        assert_eq!(seen_sessions[s], 1, "session {s} announced once");
    }
    channel
        .queue_delete(&queue, QueueDeleteOptions::default())
        .await
        .unwrap();
    conn.close(200, "done").await.unwrap();
    warden.stop().await;
}
