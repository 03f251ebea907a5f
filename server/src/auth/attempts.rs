//! Limits on password checks. Shares of the hashing pool: the pool sheds
//! load for everyone once it is full; these keep a flood of logins against
//! one account to a few of its places, and a flood from one client address
//! (over any number of accounts) to half of them, so other users still log
//! in. And the count of failed logins by account ([`Failures`]), which slows
//! the guessing of one account's password to one try a minute.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;

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
/// not at the pool's hashing rate. A successful login forgets them all. The
/// count lives in a [`FailureStore`]: Redis where sessions are, so servers
/// sharing it share the count.
pub struct Failures {
    /// 0: no limit.
    limit: u32,
    forget_every_ms: i64,
    store: Arc<dyn FailureStore>,
}

impl Failures {
    /// At most `limit` failures of an account not yet forgotten (0: none
    /// counted), one forgotten every `forget_every`, counted in `store`.
    pub fn new(limit: u32, forget_every: Duration, store: Arc<dyn FailureStore>) -> Self {
        Self {
            limit,
            forget_every_ms: i64::try_from(forget_every.as_millis())
                .unwrap_or(i64::MAX)
                .max(1),
            store,
        }
    }

    /// `TooManyAttempts` if `account` has reached the limit, with the time
    /// until it may try again; else whether it has failures to forget on a
    /// success ([`Failures::succeeded`]).
    pub async fn check(&self, account: &str, now_ms: i64) -> Result<bool, Error> {
        if self.limit == 0 {
            return Ok(false);
        }
        let bucket = self.store.failures(account).await?;
        if let Some(retry_after) = self.refused(bucket, now_ms) {
            return Err(Error::TooManyAttempts { retry_after });
        }
        Ok(bucket.is_some_and(|b| b.at(now_ms, self.forget_every_ms).level > 0))
    }

    /// How long logins stay refused with `bucket` at `now_ms`, if they are.
    fn refused(&self, bucket: Option<Bucket>, now_ms: i64) -> Option<Duration> {
        let b = bucket?.at(now_ms, self.forget_every_ms);
        (b.level >= self.limit).then(|| {
            let wait = (b.since_ms + self.forget_every_ms - now_ms).max(0);
            Duration::from_millis(wait.unsigned_abs())
        })
    }

    /// For each of `accounts`, how long its password logins stay refused
    /// (`None`: not refused): what [`Failures::check`] would answer, read in
    /// one round trip where the store allows.
    pub async fn refused_for(
        &self,
        accounts: &[&str],
        now_ms: i64,
    ) -> Result<Vec<Option<Duration>>, Error> {
        if self.limit == 0 {
            return Ok(vec![None; accounts.len()]);
        }
        let buckets = self.store.failures_of(accounts).await?;
        Ok(buckets
            .into_iter()
            .map(|bucket| self.refused(bucket, now_ms))
            .collect())
    }

    /// Counts a failed check of `account`.
    pub async fn failed(&self, account: &str, now_ms: i64) -> Result<(), Error> {
        if self.limit == 0 {
            return Ok(());
        }
        (self.store)
            .add_failure(account, now_ms, self.forget_every_ms, self.limit)
            .await
    }

    /// A successful check of `account`: its failures are forgotten.
    pub async fn succeeded(&self, account: &str) -> Result<(), Error> {
        if self.limit == 0 {
            return Ok(());
        }
        self.store.clear_failures(account).await
    }
}

/// An account's failures not yet forgotten, as of `since_ms` (Unix ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    /// Failures not yet forgotten.
    pub level: u32,
    /// When the oldest of them began to be forgotten.
    pub since_ms: i64,
}

impl Bucket {
    /// As of `now_ms`, one failure forgotten every `every_ms`. (The Redis
    /// store's script computes the same.)
    pub fn at(self, now_ms: i64, every_ms: i64) -> Self {
        let periods = (now_ms - self.since_ms).max(0) / every_ms.max(1);
        let forgotten = u32::try_from(periods).unwrap_or(u32::MAX);
        if forgotten >= self.level {
            return Self {
                level: 0,
                since_ms: now_ms,
            };
        }
        Self {
            level: self.level - forgotten,
            since_ms: self.since_ms + every_ms * i64::from(forgotten),
        }
    }

    /// One more failure at `now_ms`, at most `limit`.
    pub fn add(bucket: Option<Self>, now_ms: i64, every_ms: i64, limit: u32) -> Self {
        let mut next = bucket.map_or(
            Self {
                level: 0,
                since_ms: now_ms,
            },
            |b| b.at(now_ms, every_ms),
        );
        next.level = (next.level + 1).min(limit);
        next
    }
}

/// Where failed logins are counted.
#[async_trait]
pub trait FailureStore: Send + Sync {
    /// The bucket of `account`, if one is kept.
    async fn failures(&self, account: &str) -> Result<Option<Bucket>, Error>;
    /// The buckets of `accounts`, in their order. The default asks one at a
    /// time; a remote store answers all in one round trip.
    async fn failures_of(&self, accounts: &[&str]) -> Result<Vec<Option<Bucket>>, Error> {
        let mut buckets = Vec::with_capacity(accounts.len());
        for account in accounts {
            buckets.push(self.failures(account).await?);
        }
        Ok(buckets)
    }
    /// Adds a failure at `now_ms` ([`Bucket::add`]) atomically, and keeps the
    /// bucket until all of it is forgotten.
    async fn add_failure(
        &self,
        account: &str,
        now_ms: i64,
        every_ms: i64,
        limit: u32,
    ) -> Result<(), Error>;
    /// Forgets `account`'s failures.
    async fn clear_failures(&self, account: &str) -> Result<(), Error>;
}

/// Failed logins counted in this server's memory (embedded mode).
#[derive(Debug, Default)]
pub struct MemoryFailures {
    buckets: Mutex<Buckets>,
}

#[derive(Debug, Default)]
struct Buckets {
    by_account: HashMap<String, Bucket>,
    /// The map's size at which the forgotten are swept out.
    sweep_at: usize,
}

impl MemoryFailures {
    fn buckets(&self) -> std::sync::MutexGuard<'_, Buckets> {
        self.buckets.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many accounts have failures kept (some possibly forgotten).
    pub fn accounts(&self) -> usize {
        self.buckets().by_account.len()
    }
}

#[async_trait]
impl FailureStore for MemoryFailures {
    async fn failures(&self, account: &str) -> Result<Option<Bucket>, Error> {
        Ok(self.buckets().by_account.get(account).copied())
    }

    async fn add_failure(
        &self,
        account: &str,
        now_ms: i64,
        every_ms: i64,
        limit: u32,
    ) -> Result<(), Error> {
        let mut buckets = self.buckets();
        let bucket = buckets.by_account.get(account).copied();
        let next = Bucket::add(bucket, now_ms, every_ms, limit);
        buckets.by_account.insert(account.to_owned(), next);
        // Accounts whose failures are all forgotten are dropped now and then,
        // so the map holds about the accounts of the last few minutes.
        if buckets.by_account.len() >= buckets.sweep_at {
            buckets
                .by_account
                .retain(|_, b| b.at(now_ms, every_ms).level > 0);
            buckets.sweep_at = (buckets.by_account.len() * 2).max(1024);
        }
        Ok(())
    }

    async fn clear_failures(&self, account: &str) -> Result<(), Error> {
        self.buckets().by_account.remove(account);
        Ok(())
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

    #[tokio::test]
    async fn failures_refuse_an_account_at_its_limit_until_one_is_forgotten() {
        let minute = 60_000;
        let store = Arc::new(MemoryFailures::default());
        let failures = Failures::new(3, Duration::from_secs(60), store.clone());
        let t0 = 1_700_000_000_000;
        for i in 0..3 {
            failures.check("victim@example.com", t0).await.unwrap();
            failures
                .failed("victim@example.com", t0 + i * 1000)
                .await
                .unwrap();
        }
        let refused = failures.check("victim@example.com", t0 + 10_000).await;
        let Err(Error::TooManyAttempts { retry_after }) = refused else {
            panic!("not refused: {refused:?}");
        };
        // The first failure (at t0) is forgotten at t0 + 60 s.
        assert_eq!(retry_after, Duration::from_secs(50));
        // Other accounts are untouched.
        failures.check("alice@example.com", t0).await.unwrap();
        // Read for many accounts at once, the same answer.
        failures.failed("alice@example.com", t0).await.unwrap();
        let accounts = [
            "victim@example.com",
            "alice@example.com",
            "nobody@example.com",
        ];
        assert_eq!(
            failures.refused_for(&accounts, t0 + 10_000).await.unwrap(),
            [Some(Duration::from_secs(50)), None, None]
        );
        let unlimited = Failures::new(0, Duration::from_secs(60), store.clone());
        assert_eq!(
            unlimited.refused_for(&accounts, t0 + 10_000).await.unwrap(),
            [None, None, None]
        );
        failures.succeeded("alice@example.com").await.unwrap();
        // One forgotten: one more try; failing it refuses again.
        let later = t0 + minute + 1000;
        failures.check("victim@example.com", later).await.unwrap();
        failures.failed("victim@example.com", later).await.unwrap();
        assert!(failures.check("victim@example.com", later).await.is_err());
        // All forgotten after three more minutes.
        let much_later = later + 3 * minute;
        failures
            .check("victim@example.com", much_later)
            .await
            .unwrap();
        // A success forgets them at once.
        failures.succeeded("victim@example.com").await.unwrap();
        failures.check("victim@example.com", later).await.unwrap();
        assert_eq!(store.accounts(), 0);
    }

    #[tokio::test]
    async fn no_limit_counts_nothing_and_forgotten_accounts_are_swept() {
        let store = Arc::new(MemoryFailures::default());
        let off = Failures::new(0, Duration::from_secs(60), store.clone());
        for _ in 0..100 {
            off.failed("a@example.com", 0).await.unwrap();
        }
        off.check("a@example.com", 0).await.unwrap();
        assert_eq!(store.accounts(), 0);

        let failures = Failures::new(10, Duration::from_secs(60), store.clone());
        // A sweep at 1,024 accounts (none forgotten yet) sets the next at 2,048.
        for i in 0..2047 {
            failures
                .failed(&format!("u{i}@example.com"), 0)
                .await
                .unwrap();
        }
        assert_eq!(store.accounts(), 2047);
        // An hour later the next failure sweeps out every forgotten account.
        failures
            .failed("late@example.com", 3_600_000)
            .await
            .unwrap();
        assert_eq!(store.accounts(), 1);
    }

    #[test]
    fn a_bucket_forgets_one_failure_a_period_and_holds_at_most_the_limit() {
        let b = Bucket::add(None, 0, 100, 3);
        assert_eq!(
            b,
            Bucket {
                level: 1,
                since_ms: 0
            }
        );
        let b = Bucket::add(Some(Bucket::add(Some(b), 10, 100, 3)), 20, 100, 3);
        assert_eq!(b.level, 3);
        assert_eq!(Bucket::add(Some(b), 30, 100, 3).level, 3, "capped");
        // 250 ms on: two forgotten, the next at 300.
        assert_eq!(
            b.at(250, 100),
            Bucket {
                level: 1,
                since_ms: 200
            }
        );
        assert_eq!(
            b.at(300, 100),
            Bucket {
                level: 0,
                since_ms: 300
            }
        );
    }
}
