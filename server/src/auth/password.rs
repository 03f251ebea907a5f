//! Password rules and argon2id hashing on a bounded pool of dedicated,
//! low-priority threads, so that a login flood never stalls the async workers.

use std::cell::RefCell;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Argon2, Block, Params, Version};
use subtle::ConstantTimeEq;
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
    /// The admission's size.
    places: usize,
}

impl PasswordHasher {
    /// Starts the pool. Its threads run at a lower priority (nice 10) than the
    /// async workers, so RPCs stay responsive while hashing.
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
        // Made with the crate's allocating API, so the calling (async) thread
        // does not keep a hashing buffer.
        let dummy_hash = argon2::PasswordHasher::hash_password(
            &argon2,
            b"warden-dummy-password-for-unknown-users",
            &SaltString::generate(&mut OsRng),
        )
        .map_err(|e| Error::Internal(format!("dummy hash: {e}")))?
        .to_string();
        Ok(Self {
            argon2,
            dummy_hash,
            jobs: Mutex::new(tx),
            admission: Arc::new(Semaphore::new(threads * 16)),
            places: threads * 16,
        })
    }

    /// How many hashing jobs the pool admits at once (running and queued);
    /// past that it answers `Overloaded`.
    pub fn places(&self) -> usize {
        self.places
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
        self.run(move || hash_with_reused_memory(&argon2, password.as_bytes()))
            .await?
            .map_err(|e| Error::Internal(format!("hash: {e}")))
    }

    /// Verifies a password against a stored PHC string. With `None` (unknown
    /// user) it verifies against a dummy hash so the time spent is the same,
    /// and answers `false`.
    pub async fn verify(&self, password: String, phc: Option<String>) -> Result<bool, Error> {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| self.dummy_hash.clone());
        let ok = self
            .run(move || verify_with_reused_memory(password.as_bytes(), &phc))
            .await?
            .map_err(|e| Error::Internal(format!("stored hash unreadable: {e}")))?;
        Ok(known && ok)
    }
}

thread_local! {
    /// The argon2 working memory of a hashing thread, reused from one hash to
    /// the next: no 19 MiB allocation, page faults and unmapping per login.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Largest memory cost a stored hash may ask for (1 GiB), so that a corrupt
/// or hostile PHC string cannot exhaust memory.
const MAX_MEMORY_KIB: u32 = 1 << 20;

fn with_blocks<T>(count: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
    BLOCKS.with(|cell| {
        let mut blocks = cell.borrow_mut();
        if blocks.len() < count {
            blocks.resize(count, Block::default());
        }
        f(&mut blocks[..count])
    })
}

/// Hashes a password with a fresh 16-byte salt into a PHC string.
fn hash_with_reused_memory(
    argon2: &Argon2<'_>,
    password: &[u8],
) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
    let params = argon2.params().clone();
    let mut out = vec![0u8; params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
    with_blocks(params.block_count(), |blocks| {
        argon2.hash_password_into_with_memory(password, salt_bytes, &mut out, blocks)
    })?;
    let phc = PasswordHash {
        algorithm: argon2::Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out)?),
    };
    Ok(phc.to_string())
}

/// Verifies a password against an argon2id PHC string, with the parameters
/// the string names, comparing in constant time.
fn verify_with_reused_memory(
    password: &[u8],
    phc: &str,
) -> Result<bool, argon2::password_hash::Error> {
    use argon2::password_hash::Error as E;
    let parsed = PasswordHash::new(phc)?;
    if parsed.algorithm != argon2::Algorithm::Argon2id.ident() {
        return Err(E::Algorithm);
    }
    let params = Params::try_from(&parsed)?;
    if params.m_cost() > MAX_MEMORY_KIB {
        return Err(E::ParamValueInvalid(
            argon2::password_hash::errors::InvalidValue::TooLong,
        ));
    }
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()?
        .unwrap_or_default();
    let expected = parsed.hash.ok_or(E::Crypto)?;
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = parsed.salt.ok_or(E::Crypto)?.decode_b64(&mut salt_bytes)?;
    let argon2 = Argon2::new(argon2::Algorithm::Argon2id, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    with_blocks(params.block_count(), |blocks| {
        argon2.hash_password_into_with_memory(password, salt_bytes, &mut out, blocks)
    })?;
    Ok(bool::from(out.as_slice().ct_eq(expected.as_bytes())))
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

/// Lowers the calling thread's priority to nice 10 (on Linux, nice is per
/// thread), so the async workers serving RPCs win the CPU while hashing runs.
/// The idle class would starve hashing threads holding process-wide locks.
fn lower_thread_priority() {
    // SAFETY: setpriority takes plain integers; `who = 0` is the calling thread
    // on Linux, and failure just leaves the default priority.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 10) };
    if rc != 0 {
        tracing::debug!("could not lower the priority of a hashing thread");
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

    #[test]
    fn reused_memory_hashes_match_the_argon2_crate_both_ways() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let argon2 = argon2_with(cheap()).unwrap();
        let ours = hash_with_reused_memory(&argon2, b"pw-123456").unwrap();
        argon2
            .verify_password(b"pw-123456", &PasswordHash::new(&ours).unwrap())
            .expect("the crate verifies our hash");
        let theirs = argon2
            .hash_password(b"pw-123456", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert!(verify_with_reused_memory(b"pw-123456", &theirs).unwrap());
        assert!(!verify_with_reused_memory(b"pw-1234567", &theirs).unwrap());
        // A hash made with other parameters verifies with its own parameters.
        let other = argon2_with(Argon2Params {
            memory_kib: 128,
            iterations: 3,
            parallelism: 2,
        })
        .unwrap();
        let with_other = hash_with_reused_memory(&other, b"pw-123456").unwrap();
        assert!(verify_with_reused_memory(b"pw-123456", &with_other).unwrap());
        // Not argon2id, or absurd memory: an error, never a match.
        assert!(verify_with_reused_memory(b"pw", &theirs.replace("argon2id", "argon2i")).is_err());
        assert!(verify_with_reused_memory(b"pw", &theirs.replace("m=64", "m=4194304")).is_err());
    }

    #[tokio::test]
    async fn unknown_user_verifies_against_the_dummy_and_fails() {
        let hasher = PasswordHasher::new(cheap(), 1).unwrap();
        assert!(!hasher
            .verify("warden-dummy-password-for-unknown-users".into(), None)
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn a_full_pool_refuses_at_once_and_recovers() {
        let hasher = Arc::new(PasswordHasher::new(cheap(), 1).unwrap());
        // Hold the only thread, so that admitted work waits for it.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let blocker = tokio::spawn({
            let hasher = hasher.clone();
            async move { hasher.run(move || held.recv()).await }
        });
        while hasher.admission.available_permits() == 16 {
            tokio::task::yield_now().await;
        }
        let waiting: Vec<_> = (0..15)
            .map(|_| {
                let hasher = hasher.clone();
                tokio::spawn(async move { hasher.verify("pw".into(), None).await })
            })
            .collect();
        while hasher.admission.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let err = hasher.verify("pw".into(), None).await.unwrap_err();
        assert!(matches!(err, Error::Overloaded), "{err:?}");
        assert_eq!(
            tonic::Status::from(err).code(),
            tonic::Code::ResourceExhausted
        );

        release.send(()).unwrap();
        blocker.await.unwrap().unwrap().unwrap();
        for w in waiting {
            assert!(!w.await.unwrap().unwrap(), "admitted work completes");
        }
        assert!(
            !hasher.verify("pw".into(), None).await.unwrap(),
            "and the pool takes more"
        );
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
