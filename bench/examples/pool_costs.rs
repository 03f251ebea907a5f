//! The cost of each check in the RPC benchmark's pool, one at a time, in
//! process: the distribution, so that a p99 over the network can be read
//! against the checks' own.
//!
//! `WARDEN_BENCH_RELATIONSHIPS=1000000 cargo run --release -p warden-bench --example pool_costs`

use std::time::Instant;

use warden_bench::dataset::{bench_index, check_pool};
use warden_server::authz::engine::{Checker, Subject};

fn main() {
    let (data, index) = bench_index();
    let checker = Checker::new(&index, 0);
    let pool: Vec<(String, Subject)> = check_pool(&data.owner_sample(), data.documents, data.users)
        .into_iter()
        .map(|(doc, who)| (doc, Subject::object("user", &who)))
        .collect();
    let mut costs: Vec<(u128, usize)> = Vec::new();
    for round in 0..5 {
        for (i, (doc, who)) in pool.iter().enumerate() {
            let start = Instant::now();
            let _ = checker.check("document", doc, "view", who);
            let ns = start.elapsed().as_nanos();
            if round > 0 {
                costs.push((ns, i));
            }
        }
    }
    costs.sort();
    let at = |q: f64| costs[((costs.len() as f64 * q) as usize).min(costs.len() - 1)].0;
    println!(
        "{{\"checks\": {}, \"p50_ns\": {}, \"p90_ns\": {}, \"p99_ns\": {}, \"p999_ns\": {}, \"max_ns\": {}}}",
        costs.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(0.999),
        costs.last().unwrap().0
    );
    let mut slowest: Vec<_> = costs.iter().rev().take(8).collect();
    slowest.sort_by_key(|c| std::cmp::Reverse(c.0));
    for (ns, i) in slowest {
        println!("{ns} ns: {:?} {:?}", pool[*i].0, pool[*i].1.object_id);
    }
}
