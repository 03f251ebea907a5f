//! How long checks wait while a replica applies a large write, in process:
//! two reader threads check in a loop (a check every 200 µs each) against
//! the 1,000,000-relationship data set behind an `RwLock`, as the server's
//! replica holds it, while every `document#viewer` relationship (116,161)
//! is removed, either in place under the write lock or in a copy made under
//! the read lock and swapped in (what `Replica` does past 4,096 changes).
//! Prints the phases and each reader's longest gap between two checks.
//!
//! `cargo run --release -p warden-bench --example apply_stall -- in-place`
//! `cargo run --release -p warden-bench --example apply_stall -- copy`

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use warden_bench::dataset::{document, Dataset, SCHEMA};
use warden_server::authz::engine::{Checker, Index, Subject};
use warden_server::authz::schema::parse;

fn main() {
    let in_place = match std::env::args().nth(1).as_deref() {
        Some("in-place") => true,
        Some("copy") => false,
        _ => {
            eprintln!("usage: apply_stall in-place|copy");
            std::process::exit(2);
        }
    };
    let data = Dataset::generate(1_000_000, 7);
    let mut index = Index::default();
    index.set_schema(&parse(SCHEMA).expect("schema"));
    for t in &data.tuples {
        index.insert(t.clone(), None);
    }
    let viewers: Vec<_> = (data.tuples.iter())
        .filter(|t| t.resource_type == "document" && t.relation == "viewer")
        .cloned()
        .collect();
    let lock = Arc::new(RwLock::new(index));
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|r| {
            let (lock, stop) = (lock.clone(), stop.clone());
            let documents = data.documents;
            let subject = Subject::object("user", "u1");
            std::thread::spawn(move || {
                let (mut longest, mut checks, mut last) = (Duration::ZERO, 0_usize, Instant::now());
                while !stop.load(Ordering::Relaxed) {
                    let d = document((checks * 7919 + r) % documents);
                    let index = lock.read().expect("lock");
                    let _ = Checker::new(&index, 0).check("document", &d, "view", &subject);
                    drop(index);
                    checks += 1;
                    std::thread::sleep(Duration::from_micros(200));
                    longest = longest.max(last.elapsed());
                    last = Instant::now();
                }
                (longest, checks)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(1));
    let started = Instant::now();
    if in_place {
        let mut index = lock.write().expect("lock");
        for t in &viewers {
            index.remove(t);
        }
    } else {
        let mut next = lock.read().expect("lock").clone();
        let copied = started.elapsed();
        for t in &viewers {
            next.remove(t);
        }
        let applied = started.elapsed();
        let previous = std::mem::replace(&mut *lock.write().expect("lock"), next);
        drop(previous);
        println!(
            "copied in {copied:?}, applied by {applied:?}, old copy dropped by {:?}",
            started.elapsed()
        );
    }
    let how = if in_place { "in place" } else { "to a copy" };
    println!("{} removed {how} in {:?}", viewers.len(), started.elapsed());
    std::thread::sleep(Duration::from_secs(1));
    stop.store(true, Ordering::Relaxed);
    for reader in readers {
        let (longest, checks) = reader.join().expect("reader");
        println!("reader: longest gap between checks {longest:?} ({checks} checks)");
    }
}
