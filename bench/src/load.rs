//! Load generation shared by the scenarios: a closed loop for the maximum
//! rate, an open loop for latency at a given rate, and percentiles.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Closed loop: `concurrency` callers, each starting its next call as soon as
/// the last one returns, for `duration`; calls per second. Caller `w` passes
/// `w`, `w + concurrency`, `w + 2 * concurrency`, … to `call`.
pub async fn max_rate<F, Fut>(concurrency: usize, duration: Duration, call: F) -> f64
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send,
{
    let call = Arc::new(call);
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|w| {
            let (call, stop, count) = (call.clone(), stop.clone(), count.clone());
            tokio::spawn(async move {
                let mut i = w;
                while !stop.load(Ordering::Relaxed) {
                    call(i).await;
                    i += concurrency;
                    count.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = start.elapsed();
    for w in workers {
        let _ = w.await;
    }
    count.load(Ordering::Relaxed) as f64 / elapsed.as_secs_f64()
}

/// One closed-loop round with its CPU cost: calls per second, and the CPU
/// microseconds per call of the threads `is_server` picks (by name) and of
/// the rest (the load generator).
#[derive(Debug, Clone, Copy)]
pub struct Round {
    /// Calls per second.
    pub rps: f64,
    /// Server CPU per call, microseconds.
    pub server_cpu_us: f64,
    /// Client (load generator) CPU per call, microseconds.
    pub client_cpu_us: f64,
}

/// [`max_rate`], with the CPU each side spent per call.
pub async fn max_rate_with_cpu<F, Fut>(
    concurrency: usize,
    duration: Duration,
    call: F,
    is_server: fn(&str) -> bool,
) -> Round
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send,
{
    let (server_before, client_before) = thread_cpu_seconds(is_server);
    let started = Instant::now();
    let rps = max_rate(concurrency, duration, call).await;
    let calls = rps * started.elapsed().as_secs_f64();
    let (server_after, client_after) = thread_cpu_seconds(is_server);
    Round {
        rps,
        server_cpu_us: (server_after - server_before) * 1e6 / calls,
        client_cpu_us: (client_after - client_before) * 1e6 / calls,
    }
}

/// Latencies of an [`open_loop`] run, in microseconds, each sorted.
#[derive(Default)]
pub struct Latencies {
    /// From when each call was due: what a caller arriving then waits.
    pub from_due: Vec<f64>,
    /// From when the load generator got to start it: `from_due` less the
    /// generator's own lag (its pacing thread waking, the call's task being
    /// scheduled), which a client on another machine would not add to the
    /// server's.
    pub from_start: Vec<f64>,
}

impl Latencies {
    /// Pools `other` into these, keeping both sorted.
    pub fn extend(&mut self, other: Latencies) {
        self.from_due.extend(other.from_due);
        self.from_start.extend(other.from_start);
        self.from_due.sort_by(f64::total_cmp);
        self.from_start.sort_by(f64::total_cmp);
    }
}

/// Open loop: call `i` is due at `start + i / rate`, whether or not earlier
/// calls have returned, for `duration`. Returns each call's latency measured
/// from when it was due (so a call the generator itself started late still
/// counts its wait: no coordinated omission), and from when it started.
///
/// Calls are started by a dedicated thread that sleeps until each is due
/// (Linux timers: tens of microseconds late at most) and hands it to the
/// current runtime. `tokio::time::interval` cannot pace this: its timer has
/// millisecond resolution, so at 10,000 calls a second it releases bursts
/// of ten, and the burst's queueing shows up as tail latency that no real
/// client arrival pattern would cause.
pub async fn open_loop<F, Fut>(rate: f64, duration: Duration, call: F) -> Latencies
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let runtime = tokio::runtime::Handle::current();
    let interval = Duration::from_secs_f64(1.0 / rate);
    let calls = (duration.as_secs_f64() * rate).round() as usize;
    // Each call reports its latencies and is detached: a finished task held
    // by its join handle would keep its memory until the end of the run.
    let (done, mut latencies_rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        let _runtime = runtime.enter();
        let start = Instant::now();
        for i in 0..calls {
            let due = start + interval.mul_f64(i as f64);
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
            let work = call(i);
            let done = done.clone();
            runtime.spawn(async move {
                let started = Instant::now();
                work.await;
                let micros = |since: Instant| since.elapsed().as_secs_f64() * 1e6;
                let _ = done.send((micros(due), micros(started)));
            });
        }
    });
    let mut latencies = Latencies::default();
    // Ends when the pacer and every call have dropped their senders.
    while let Some((from_due, from_start)) = latencies_rx.recv().await {
        latencies.from_due.push(from_due);
        latencies.from_start.push(from_start);
    }
    assert_eq!(
        latencies.from_due.len(),
        calls,
        "some open-loop calls failed"
    );
    latencies.from_due.sort_by(f64::total_cmp);
    latencies.from_start.sort_by(f64::total_cmp);
    latencies
}

/// The `p` quantile (0 to 1) of sorted samples, nearest rank; NaN when empty.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// `x` rounded to one decimal, for the JSON lines.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// CPU time (user + system, seconds) this process's threads have used so
/// far, split into those `is_server` picks by thread name and the rest.
/// Per-call CPU is a steadier measure than calls per second on a shared
/// machine: it does not move when a neighbour takes a core.
pub fn thread_cpu_seconds(is_server: impl Fn(&str) -> bool) -> (f64, f64) {
    let ticks_per_second = 100.0; // USER_HZ on Linux
    let (mut server, mut other) = (0u64, 0u64);
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return (f64::NAN, f64::NAN);
    };
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue; // the thread ended meanwhile
        };
        // `pid (name) state ...`: the name may hold spaces and parentheses.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = &stat[open + 1..close];
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        // utime and stime are fields 14 and 15 of the line, 11 and 12 here.
        let ticks: u64 = fields
            .get(11..13)
            .map_or(0, |f| f.iter().filter_map(|v| v.parse::<u64>().ok()).sum());
        if is_server(name) {
            server += ticks;
        } else {
            other += ticks;
        }
    }
    (
        server as f64 / ticks_per_second,
        other as f64 / ticks_per_second,
    )
}
