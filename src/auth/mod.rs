//! Who is calling and what they may touch: passwords, tokens, login throttling, and the `Actor` every
//! service function takes, so scope is applied where the data is read.

pub mod actor;
pub mod clock;
pub mod jwt;
pub mod password;

use std::sync::Arc;

pub use actor::{Actor, Role};

use crate::config::Secret;

/// Everything authentication needs, shared by the request handlers.
pub struct Auth {
    /// Signs and checks access tokens.
    pub keys: jwt::TokenKeys,
    /// Hashes and verifies passwords.
    pub passwords: Arc<password::Passwords>,
    /// The time.
    pub clock: Arc<dyn clock::Clock>,
}

impl Auth {
    /// Authentication state with the given secret and clock.
    pub fn new(secret: &Secret, clock: Arc<dyn clock::Clock>) -> Self {
        Self { keys: jwt::TokenKeys::new(secret), passwords: password::Passwords::new(), clock }
    }

    /// The same state, issuing access tokens that live `lifetime`.
    pub fn with_access_lifetime(mut self, lifetime: std::time::Duration) -> Self {
        self.keys = self.keys.with_lifetime(lifetime);
        self
    }
}
