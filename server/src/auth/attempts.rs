//! Shares of the hashing pool. The pool sheds load for everyone once it is
//! full; these keep a flood of logins against one account to a few of its
//! places, and a flood from one client address (over any number of
//! accounts) to half of them, so other users still log in.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::error::Error;

/// Password checks of one account that may run at once: more than a person
/// or a deployment logging in at the same moment needs, a small share of the
/// pool's admission (16 a hashing thread).
pub const PER_ACCOUNT: usize = 4;

/// The password checks running, by key (an account's normalized email, or a
/// client's address), each key at most `limit` at once.
#[derive(Debug)]
pub struct InFlight {
    limit: usize,
    counts: Mutex<HashMap<String, usize>>,
}

/// One running check; its place is given back when it is dropped.
#[derive(Debug)]
pub struct Attempt<'a> {
    owner: &'a InFlight,
    account: String,
}

impl InFlight {
    /// At most `limit` checks of each key at once.
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            counts: Mutex::default(),
        }
    }

    /// A place for one more check of `account`, or `Overloaded` when it has
    /// its limit running.
    pub fn enter(&self, account: &str) -> Result<Attempt<'_>, Error> {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let running = counts.entry(account.to_owned()).or_insert(0);
        if *running >= self.limit {
            return Err(Error::Overloaded);
        }
        *running += 1;
        Ok(Attempt {
            owner: self,
            account: account.to_owned(),
        })
    }

    /// How many keys have a check running.
    pub fn accounts(&self) -> usize {
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        let mut counts = (self.owner.counts.lock()).unwrap_or_else(PoisonError::into_inner);
        if let Some(running) = counts.get_mut(&self.account) {
            *running -= 1;
            if *running == 0 {
                counts.remove(&self.account);
            }
        }
    }
}

/// How long it takes one failed login to be forgotten: an account that
/// reached its limit may try once more a minute.
pub const FORGET_EVERY: Duration = Duration::from_secs(60);

/// Failed password checks by account, forgotten one at a time (a leaky
/// bucket): once an account has `limit` not yet forgotten, its logins are
/// refused before any check, for the right password too, until one more is
/// forgotten. Guessing one account's password then goes at one try a minute,
/// not at the pool's hashing rate. A successful login forgets them all.
#[derive(Debug)]
pub struct Failures {
    /// 0: no limit.
    limit: u32,
    forget_every: Duration,
    buckets: Mutex<Buckets>,
}

#[derive(Debug, Default)]
struct Buckets {
    by_account: HashMap<String, Bucket>,
    /// The map's size at which the forgotten are swept out.
    sweep_at: usize,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// Failures not yet forgotten as of `since`.
    level: u32,
    since: Instant,
}

impl Bucket {
    /// As of `now`: the level, and when the next failure is forgotten.
    fn at(self, now: Instant, forget_every: Duration) -> Self {
        let periods =
            now.saturating_duration_since(self.since).as_nanos() / forget_every.as_nanos().max(1);
        let forgotten = u32::try_from(periods).unwrap_or(u32::MAX);
        if forgotten >= self.level {
            return Self {
                level: 0,
                since: now,
            };
        }
        Self {
            level: self.level - forgotten,
            since: self.since + forget_every * forgotten,
        }
    }
}

impl Failures {
    /// At most `limit` failures of an account not yet forgotten (0: none
    /// counted), one forgotten every `forget_every`.
    pub fn new(limit: u32, forget_every: Duration) -> Self {
        Self {
            limit,
            forget_every,
            buckets: Mutex::default(),
        }
    }

    fn buckets(&self) -> std::sync::MutexGuard<'_, Buckets> {
        self.buckets.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `TooManyAttempts` if `account` has reached the limit, with the time
    /// until it may try again.
    pub fn check(&self, account: &str, now: Instant) -> Result<(), Error> {
        if self.limit == 0 {
            return Ok(());
        }
        let Some(bucket) = self.buckets().by_account.get(account).copied() else {
            return Ok(());
        };
        let bucket = bucket.at(now, self.forget_every);
        if bucket.level < self.limit {
            return Ok(());
        }
        let retry_after = (bucket.since + self.forget_every).saturating_duration_since(now);
        Err(Error::TooManyAttempts { retry_after })
    }

    /// Counts a failed check of `account`.
    pub fn failed(&self, account: &str, now: Instant) {
        if self.limit == 0 {
            return;
        }
        let mut buckets = self.buckets();
        let bucket = buckets
            .by_account
            .entry(account.to_owned())
            .or_insert(Bucket {
                level: 0,
                since: now,
            });
        let mut next = bucket.at(now, self.forget_every);
        next.level = (next.level + 1).min(self.limit);
        *bucket = next;
        // Accounts whose failures are all forgotten are dropped now and then,
        // so the map holds about the accounts of the last few minutes.
        if buckets.by_account.len() >= buckets.sweep_at {
            let forget_every = self.forget_every;
            buckets
                .by_account
                .retain(|_, b| b.at(now, forget_every).level > 0);
            buckets.sweep_at = (buckets.by_account.len() * 2).max(1024);
        }
    }

    /// A successful check of `account`: its failures are forgotten.
    pub fn succeeded(&self, account: &str) {
        if self.limit > 0 {
            self.buckets().by_account.remove(account);
        }
    }

    /// How many accounts have failures counted (some possibly forgotten).
    pub fn accounts(&self) -> usize {
        self.buckets().by_account.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_account_gets_a_few_places_and_the_others_theirs() {
        let in_flight = InFlight::new(PER_ACCOUNT);
        let mut held: Vec<_> = (0..PER_ACCOUNT)
            .map(|_| in_flight.enter("victim@example.com").unwrap())
            .collect();
        assert!(matches!(
            in_flight.enter("victim@example.com"),
            Err(Error::Overloaded)
        ));
        // Everyone else is untouched.
        let other = in_flight.enter("alice@example.com").unwrap();
        assert_eq!(in_flight.accounts(), 2);
        // A place given back is a place to take.
        held.pop();
        let again = in_flight.enter("victim@example.com").unwrap();
        drop((held, again, other));
        assert_eq!(in_flight.accounts(), 0, "nothing is kept for idle accounts");
    }

    #[test]
    fn the_limit_is_per_key() {
        let clients = InFlight::new(2);
        let held = [
            clients.enter("10.0.0.1").unwrap(),
            clients.enter("10.0.0.1").unwrap(),
        ];
        assert!(matches!(clients.enter("10.0.0.1"), Err(Error::Overloaded)));
        let other = clients.enter("10.0.0.2").unwrap();
        drop((held, other));
        assert_eq!(clients.accounts(), 0);
    }

    #[test]
    fn failures_refuse_an_account_at_its_limit_until_one_is_forgotten() {
        let minute = Duration::from_secs(60);
        let failures = Failures::new(3, minute);
        let t0 = Instant::now();
        for i in 0..3 {
            failures.check("victim@example.com", t0).unwrap();
            failures.failed("victim@example.com", t0 + Duration::from_secs(i));
        }
        let refused = failures.check("victim@example.com", t0 + Duration::from_secs(10));
        let Err(Error::TooManyAttempts { retry_after }) = refused else {
            panic!("not refused: {refused:?}");
        };
        // The first failure (at t0) is forgotten at t0 + 60 s.
        assert_eq!(retry_after, Duration::from_secs(50));
        // Other accounts are untouched.
        failures.check("alice@example.com", t0).unwrap();
        // One forgotten: one more try; failing it refuses again.
        let later = t0 + minute + Duration::from_secs(1);
        failures.check("victim@example.com", later).unwrap();
        failures.failed("victim@example.com", later);
        assert!(failures.check("victim@example.com", later).is_err());
        // All forgotten after three more minutes.
        failures
            .check("victim@example.com", later + minute * 3)
            .unwrap();
        // A success forgets them at once.
        failures.succeeded("victim@example.com");
        failures.check("victim@example.com", later).unwrap();
        assert_eq!(failures.accounts(), 0);
    }

    #[test]
    fn no_limit_counts_nothing_and_forgotten_accounts_are_swept() {
        let off = Failures::new(0, Duration::from_secs(60));
        for _ in 0..100 {
            off.failed("a@example.com", Instant::now());
        }
        off.check("a@example.com", Instant::now()).unwrap();
        assert_eq!(off.accounts(), 0);

        let failures = Failures::new(10, Duration::from_secs(60));
        let t0 = Instant::now();
        // A sweep at 1,024 accounts (none forgotten yet) sets the next at 2,048.
        for i in 0..2047 {
            failures.failed(&format!("u{i}@example.com"), t0);
        }
        assert_eq!(failures.accounts(), 2047);
        // An hour later the next failure sweeps out every forgotten account.
        failures.failed("late@example.com", t0 + Duration::from_secs(3600));
        assert_eq!(failures.accounts(), 1);
    }
}
