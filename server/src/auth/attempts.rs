//! At most a few password checks of one account at a time. The hashing pool
//! sheds load for everyone once it is full; this keeps a flood of logins
//! against one account to a few of its places, so other users still log in.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use crate::error::Error;

/// Password checks of one account that may run at once: more than a person
/// or a deployment logging in at the same moment needs, a small share of the
/// pool's admission (16 a hashing thread).
pub const PER_ACCOUNT: usize = 4;

/// The password checks running, by account (normalized email).
#[derive(Debug, Default)]
pub struct InFlight {
    counts: Mutex<HashMap<String, usize>>,
}

/// One running check; its place is given back when it is dropped.
#[derive(Debug)]
pub struct Attempt<'a> {
    owner: &'a InFlight,
    account: String,
}

impl InFlight {
    /// A place for one more check of `account`, or `Overloaded` when it has
    /// [`PER_ACCOUNT`] running.
    pub fn enter(&self, account: &str) -> Result<Attempt<'_>, Error> {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let running = counts.entry(account.to_owned()).or_insert(0);
        if *running >= PER_ACCOUNT {
            return Err(Error::Overloaded);
        }
        *running += 1;
        Ok(Attempt {
            owner: self,
            account: account.to_owned(),
        })
    }

    /// How many accounts have a check running.
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
        let in_flight = InFlight::default();
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
}
