//! argon2id password hashing, run on the blocking pool so it never stalls the async workers.

use std::sync::{
    Arc, OnceLock,
    atomic::{AtomicU64, Ordering},
};

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::{SaltString, rand_core::OsRng},
};

use tokio::sync::Semaphore;

use crate::error::{AppError, AppResult};

/// Shortest accepted password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest accepted password, in characters (bounds the hashing cost an attacker can ask for).
pub const MAX_PASSWORD_CHARS: usize = 128;

/// OWASP's minimum for argon2id: 19 MiB of memory, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A valid hash of a password nobody knows: verifying against it costs what a real check costs, so
/// a login for an unknown user takes as long as one with a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(b"no user has this password: it only makes timing uniform", &salt)
            .map(|hash| hash.to_string())
            .unwrap_or_default()
    })
}

/// Checks the length rules of a new password; `field` names the input field in the error.
pub fn check_new_password(password: &str, field: &str) -> AppResult<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("the password must have at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("the password must have at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Hashes and verifies passwords, counting verifications (tests assert that an unknown user costs one).
///
/// At most one hash per core runs at a time: each takes 19 MiB, so a storm of logins queues here
/// instead of taking a gigabyte, and the async workers stay free for other requests either way.
#[derive(Debug)]
pub struct Passwords {
    verifications: AtomicU64,
    running: Semaphore,
}

impl Passwords {
    /// A new hasher.
    pub fn new() -> Arc<Self> {
        // Made now so the first login does not pay for it.
        let _ = dummy_hash();
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Arc::new(Self { verifications: AtomicU64::new(0), running: Semaphore::new(cores) })
    }

    /// Runs `work` on the blocking pool once a hashing slot is free.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
        let _slot = self.running.acquire().await.map_err(AppError::internal)?;
        tokio::task::spawn_blocking(work).await.map_err(AppError::internal)
    }

    /// How many verifications have run.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    /// The argon2id PHC string of `password`.
    pub async fn hash(&self, password: &str) -> AppResult<String> {
        let password = password.to_owned();
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
        })
        .await?
        .map_err(AppError::internal)
    }

    /// Whether `password` matches `stored`; with no stored hash (unknown user) it verifies against the
    /// dummy hash and answers false, at the same cost.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> AppResult<bool> {
        self.verifications.fetch_add(1, Ordering::Relaxed);
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash()).to_owned();
        let password = password.to_owned();
        let matches = self
            .run(move || {
                PasswordHash::new(&stored)
                    .is_ok_and(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
            })
            .await?;
        Ok(known && matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let passwords = Passwords::new();
        let hash = passwords.hash("correct horse battery").await.expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(passwords.verify("correct horse battery", Some(&hash)).await.expect("verify"));
        assert!(!passwords.verify("wrong horse battery", Some(&hash)).await.expect("verify"));
        assert!(!passwords.verify("correct horse battery", None).await.expect("verify"));
        assert_eq!(passwords.verifications(), 3);
    }

    #[test]
    fn new_passwords_have_bounded_length() {
        assert!(check_new_password("123456789", "password").is_err());
        assert!(check_new_password("1234567890", "password").is_ok());
        assert!(check_new_password(&"x".repeat(128), "password").is_ok());
        assert!(check_new_password(&"x".repeat(129), "password").is_err());
    }
}
