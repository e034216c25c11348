//! Access tokens: HS256 JWTs with issuer, audience, expiry, the user's token version and the session
//! they belong to (a request is accepted only while that session lives).
//! The algorithm is pinned; a token signed any other way (or not at all) is refused.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{config::Secret, error::AppError};

/// Who issues and who accepts our tokens.
pub const ISSUER: &str = "pledge-api";
/// The audience our tokens are for.
pub const AUDIENCE: &str = "pledge-api";
/// How long an access token lives.
pub const ACCESS_TOKEN_MINUTES: i64 = 15;

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: Uuid,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
    /// Token id.
    pub jti: Uuid,
    /// The user's token version when issued.
    pub ver: i32,
    /// The session (the sign-in, carried on by its refresh tokens) the token belongs to.
    pub sid: Uuid,
}

/// Signs and checks access tokens.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    lifetime: Duration,
}

impl TokenKeys {
    /// Keys from a shared secret (at least 32 bytes, checked by the settings).
    pub fn new(secret: &Secret) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Expiry is checked against our injectable clock in `verify`, not the library's system time.
        validation.validate_exp = false;
        Self {
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
            validation,
            lifetime: Duration::minutes(ACCESS_TOKEN_MINUTES),
        }
    }

    /// The same keys, issuing tokens that live `lifetime`.
    pub fn with_lifetime(mut self, lifetime: std::time::Duration) -> Self {
        self.lifetime = Duration::from_std(lifetime).unwrap_or(self.lifetime);
        self
    }

    /// A fresh access token for `user_id` and its expiry.
    pub fn issue(
        &self,
        user_id: Uuid,
        token_version: i32,
        session_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), AppError> {
        // Whole seconds: what the client is told is exactly the `exp` claim.
        let expires_at = (now + self.lifetime).trunc_subsecs(0);
        let claims = Claims {
            sub: user_id,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            jti: Uuid::now_v7(),
            ver: token_version,
            sid: session_id,
        };
        let token =
            encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(AppError::internal)?;
        Ok((token, expires_at))
    }

    /// The claims of a well-signed, unexpired token of ours; `None` for anything else.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Option<Claims> {
        let claims = decode::<Claims>(token, &self.decoding, &self.validation).ok()?.claims;
        (claims.exp > now.timestamp()).then_some(claims)
    }
}

#[cfg(test)]
mod tests {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

    use super::*;

    fn keys(secret: &str) -> TokenKeys {
        TokenKeys::new(&Secret::new(secret))
    }

    #[test]
    fn an_issued_token_verifies_until_it_expires() {
        let keys = keys("a-test-secret-that-is-long-enough-0123");
        let now = Utc::now();
        let user = Uuid::now_v7();
        let (token, expires_at) = keys.issue(user, 3, Uuid::now_v7(), now).expect("issue");
        let claims = keys.verify(&token, now).expect("valid");
        assert_eq!((claims.sub, claims.ver), (user, 3));
        assert!(keys.verify(&token, expires_at - Duration::seconds(1)).is_some());
        assert!(keys.verify(&token, expires_at).is_none());
    }

    #[test]
    fn tokens_signed_otherwise_are_refused() {
        let keys = keys("a-test-secret-that-is-long-enough-0123");
        let other = TokenKeys::new(&Secret::new("another-secret-that-is-long-enough-456"));
        let now = Utc::now();
        let (token, _) = other.issue(Uuid::now_v7(), 1, Uuid::now_v7(), now).expect("issue");
        assert!(keys.verify(&token, now).is_none(), "wrong secret");

        let (token, _) = keys.issue(Uuid::now_v7(), 1, Uuid::now_v7(), now).expect("issue");
        let (header_and_claims, _signature) = token.rsplit_once('.').expect("three parts");
        let (_, claims) = header_and_claims.split_once('.').expect("three parts");
        let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        assert!(keys.verify(&format!("{none_header}.{claims}."), now).is_none(), "alg none");
        let hs512 = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS512","typ":"JWT"}"#);
        assert!(keys.verify(&format!("{hs512}.{claims}.AAAA"), now).is_none(), "other algorithm");
        assert!(keys.verify("garbage", now).is_none());
    }
}
