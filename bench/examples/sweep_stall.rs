//! How long calls on the in-memory session store wait while its sweep
//! removes expired sessions: 200,000 sessions, one in ten expired, and a
//! thread creating a session every 100 µs while `sweep_expired` runs.
//! Prints the sweep's time and the longest create.
//!
//! `cargo run --release -p warden-bench --example sweep_stall`

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use futures::executor::block_on;
use warden_proto::session::v1::Session;
use warden_server::store::memory::MemorySessionStore;
use warden_server::store::{timestamp_from_ms, unix_ms, SessionStore};

const SESSIONS: usize = 200_000;

fn session(id: String, user: usize, expires_in_s: i64) -> Session {
    let expires_at = unix_ms(SystemTime::now()) + expires_in_s * 1000;
    Session {
        session_id: id,
        user_id: format!("u{user}"),
        expires_at: Some(timestamp_from_ms(expires_at)),
        ..Default::default()
    }
}

fn main() {
    let store = Arc::new(MemorySessionStore::new());
    let made = Instant::now();
    for i in 0..SESSIONS {
        let expires_in = if i % 10 == 0 { -1 } else { 600 };
        block_on(store.create(&session(format!("s{i}"), i % 50_000, expires_in), "h"))
            .expect("create");
    }
    println!("{SESSIONS} sessions created in {:?}", made.elapsed());
    let stop = Arc::new(AtomicBool::new(false));
    let creator = {
        let (store, stop) = (store.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut longest = Duration::ZERO;
            for i in 0.. {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let started = Instant::now();
                block_on(store.create(&session(format!("new{i}"), i, 600), "h")).expect("create");
                longest = longest.max(started.elapsed());
                std::thread::sleep(Duration::from_micros(100));
            }
            longest
        })
    };
    std::thread::sleep(Duration::from_millis(50));
    let started = Instant::now();
    store.sweep_expired();
    let sweep = started.elapsed();
    std::thread::sleep(Duration::from_millis(50));
    stop.store(true, Ordering::Relaxed);
    let longest = creator.join().expect("creator");
    println!(
        "sweep of {} expired: {sweep:?}; longest create meanwhile: {longest:?}",
        SESSIONS / 10
    );
}
