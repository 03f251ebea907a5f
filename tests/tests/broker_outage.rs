//! RabbitMQ stopped during a run of logins, then restarted: logins keep
//! working, every `SessionCreated` arrives, each exactly once per event id,
//! and every session gets enriched; connections killed mid-stream lose no
//! enrichment.
//!
//! This test stops and starts the local RabbitMQ application with
//! `rabbitmqctl`, so it lives in its own test binary (cargo runs test
//! binaries one after another).

use std::collections::{HashMap, HashSet};
use std::process::Command;
use std::time::Duration;

use warden_e2e::{eventually, redis_client, register_and_login, Backend, EventTap, TestWarden};
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
    // Durable, so it keeps the events published when the broker comes back.
    drop(EventTap::bind_durable(&queue, "session.created").await);

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

    let mut tap = EventTap::bind_durable(&queue, "session.created").await;
    let mut seen_events: HashSet<String> = HashSet::new();
    let mut seen_sessions: HashMap<String, usize> = HashMap::new();
    while !sessions.iter().all(|s| seen_sessions.contains_key(s)) {
        let Some((event, props)) = tap
            .next::<SessionCreated>(Duration::from_secs(60), |_| true)
            .await
        else {
            panic!(
                "{} of {} SessionCreated events arrived after the outage",
                sessions
                    .iter()
                    .filter(|s| seen_sessions.contains_key(*s))
                    .count(),
                sessions.len()
            );
        };
        let message_id = props
            .message_id()
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_default();
        assert_eq!(message_id, event.event_id);
        assert!(
            seen_events.insert(event.event_id.clone()),
            "event {} delivered twice",
            event.event_id
        );
        *seen_sessions.entry(event.session_id).or_default() += 1;
    }
    // Nothing more is waiting: no duplicate under another id.
    let extra = tap
        .next::<SessionCreated>(Duration::from_millis(500), |_| true)
        .await;
    assert!(
        extra.is_none(),
        "an unexpected extra event arrived: {extra:?}"
    );
    for s in &sessions {
        assert_eq!(seen_sessions[s], 1, "session {s} announced once");
    }
    tap.delete().await;
    // Enrichment consumed the same events from its durable queue once the
    // broker was back: every session carries its roles.
    assert_all_enriched(&sessions).await;

    // Connections killed in the middle of a stream of logins (the enrichment
    // consumer's among them): unacknowledged deliveries come back, and no
    // session is left without enrichment.
    let mut more = HashSet::new();
    for i in 0..20 {
        if i == 5 || i == 12 {
            tokio::task::spawn_blocking(|| {
                rabbitmqctl(&["close_all_connections", "warden test: connection killed"])
            })
            .await
            .unwrap();
        }
        let (_, tokens) = register_and_login(&mut auth).await;
        more.insert(tokens.session_id);
    }
    assert_all_enriched(&more).await;
    warden.stop().await;
}

/// Waits until every session in Redis has `enriched_at`.
async fn assert_all_enriched(sessions: &HashSet<String>) {
    use fred::prelude::*;
    let redis = redis_client().await;
    let done = eventually(Duration::from_secs(30), || {
        let redis = redis.clone();
        async move {
            for sid in sessions {
                let json: Option<String> = redis.get(format!("warden:session:{sid}")).await.ok()?;
                if !json?.contains("\"enrichedAt\"") {
                    return None;
                }
            }
            Some(())
        }
    })
    .await;
    assert!(
        done.is_some(),
        "every session enriched after the broker trouble"
    );
}
