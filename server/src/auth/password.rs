//! Password rules and argon2id hashing on a bounded pool of dedicated,
//! low-priority threads, so that a login flood never stalls the async workers.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Argon2, Params, Version};
use tokio::sync::{oneshot, Semaphore};

use crate::config::Argon2Params;
use crate::error::{Error, FieldViolation};

/// Fewest characters a password may have (NIST SP 800-63B).
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Most bytes a password may have; longer ones are rejected before any hashing.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Checks a new password: 8 or more characters, at most 1 KiB, no composition rules.
pub fn check_new_password(field: &'static str, password: &str) -> Option<FieldViolation> {
    if password.is_empty() {
        Some(FieldViolation::new(field, "must not be empty"))
    } else if password.len() > MAX_PASSWORD_BYTES {
        Some(FieldViolation::new(
            field,
            format!("must be at most {MAX_PASSWORD_BYTES} bytes"),
        ))
    } else if password.chars().count() < MIN_PASSWORD_CHARS {
        Some(FieldViolation::new(
            field,
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ))
    } else {
        None
    }
}

/// Checks a presented password before it is verified: present and not oversized.
pub fn check_presented_password(field: &'static str, password: &str) -> Option<FieldViolation> {
    if password.is_empty() {
        Some(FieldViolation::new(field, "must not be empty"))
    } else if password.len() > MAX_PASSWORD_BYTES {
        Some(FieldViolation::new(
            field,
            format!("must be at most {MAX_PASSWORD_BYTES} bytes"),
        ))
    } else {
        None
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// Hashes and verifies passwords with argon2id on `threads` dedicated threads.
/// At most `threads * 16` jobs wait; beyond that callers get `Overloaded`.
pub struct PasswordHasher {
    argon2: Argon2<'static>,
    dummy_hash: String,
    jobs: Mutex<mpsc::Sender<Job>>,
    admission: Arc<Semaphore>,
}

impl PasswordHasher {
    /// Starts the pool. Its threads run at a lower scheduling priority (nice
    /// 10) than the async workers, so RPCs stay responsive while hashing.
    pub fn new(params: Argon2Params, threads: usize) -> Result<Self, Error> {
        let argon2 = argon2_with(params)?;
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("warden-hash-{i}"))
                .spawn(move || {
                    lower_thread_priority();
                    loop {
                        let job = match rx.lock() {
                            Ok(guard) => guard.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return, // the hasher was dropped
                        }
                    }
                })
                .map_err(|e| Error::Internal(format!("spawn hash thread: {e}")))?;
        }
        let salt = SaltString::generate(&mut OsRng);
        let dummy_hash = argon2
            .hash_password(b"warden-dummy-password-for-unknown-users", &salt)
            .map_err(|e| Error::Internal(format!("dummy hash: {e}")))?
            .to_string();
        Ok(Self {
            argon2,
            dummy_hash,
            jobs: Mutex::new(tx),
            admission: Arc::new(Semaphore::new(threads * 16)),
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Error> {
        let _permit = self
            .admission
            .clone()
            .try_acquire_owned()
            .map_err(|_| Error::Overloaded)?;
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        self.jobs
            .lock()
            .map_err(|_| Error::Internal("hash pool poisoned".into()))?
            .send(job)
            .map_err(|_| Error::Internal("hash pool stopped".into()))?;
        rx.await
            .map_err(|_| Error::Internal("hash job dropped".into()))
    }

    /// Hashes a password into a PHC string (`$argon2id$v=19$m=...`).
    pub async fn hash(&self, password: String) -> Result<String, Error> {
        let argon2 = self.argon2.clone();
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
        })
        .await?
        .map_err(|e| Error::Internal(format!("hash: {e}")))
    }

    /// Verifies a password against a stored PHC string. With `None` (unknown
    /// user) it verifies against a dummy hash so the time spent is the same,
    /// and answers `false`.
    pub async fn verify(&self, password: String, phc: Option<String>) -> Result<bool, Error> {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| self.dummy_hash.clone());
        let argon2 = self.argon2.clone();
        let ok = self
            .run(move || {
                PasswordHash::new(&phc)
                    .map(|parsed| argon2.verify_password(password.as_bytes(), &parsed).is_ok())
                    .map_err(|e| format!("stored hash unreadable: {e}"))
            })
            .await?
            .map_err(Error::Internal)?;
        Ok(known && ok)
    }
}

fn argon2_with(p: Argon2Params) -> Result<Argon2<'static>, Error> {
    let params = Params::new(p.memory_kib, p.iterations, p.parallelism, None)
        .map_err(|e| Error::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(
        argon2::Algorithm::Argon2id,
        Version::V0x13,
        params,
    ))
}

/// Lowers the calling thread's priority (Linux: nice is per thread).
fn lower_thread_priority() {
    // SAFETY-free: `nice` only affects the calling thread on Linux and cannot fail in a harmful way.
    #[allow(unsafe_code)]
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> Argon2Params {
        Argon2Params {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
        }
    }

    #[tokio::test]
    async fn hashes_are_argon2id_phc_strings_and_verify() {
        let hasher = PasswordHasher::new(Argon2Params::default(), 1).unwrap();
        let phc = hasher.hash("correct horse battery".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(hasher
            .verify("correct horse battery".into(), Some(phc.clone()))
            .await
            .unwrap());
        assert!(!hasher
            .verify("wrong horse battery".into(), Some(phc))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn unknown_user_verifies_against_the_dummy_and_fails() {
        let hasher = PasswordHasher::new(cheap(), 1).unwrap();
        assert!(!hasher
            .verify("warden-dummy-password-for-unknown-users".into(), None)
            .await
            .unwrap());
    }

    #[test]
    fn password_rules_follow_nist() {
        assert!(check_new_password("p", "").is_some());
        assert!(check_new_password("p", "1234567").is_some());
        assert!(check_new_password("p", "12345678").is_none());
        assert!(
            check_new_password("p", "ééééééé").is_some(),
            "7 characters even if 14 bytes"
        );
        assert!(check_new_password("p", &"x".repeat(64)).is_none());
        assert!(check_new_password("p", &"x".repeat(1024)).is_none());
        assert!(check_new_password("p", &"x".repeat(1025)).is_some());
        assert!(check_presented_password("p", &"x".repeat(1025)).is_some());
    }
}
