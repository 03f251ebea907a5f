//! Shares of the hashing pool. The pool sheds load for everyone once it is
//! full; these keep a flood of logins against one account to a few of its
//! places, and a flood from one client address (over any number of
//! accounts) to half of them, so other users still log in.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

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
}
