//! Request rate limits per client address and per bearer token (GCRA, from `governor`), checked before a
//! request is read or authenticated. A refusal answers 429 with `Retry-After` and a GraphQL error
//! `RATE_LIMITED` carrying `extensions.retryAfterSeconds`.

use std::{
    hash::{DefaultHasher, Hash, Hasher},
    net::IpAddr,
    sync::Arc,
    time::Duration,
};

use axum::{
    Extension,
    extract::{Request, State},
    http::header::AUTHORIZATION,
    middleware::Next,
    response::Response,
};
use governor::{
    DefaultKeyedRateLimiter, Quota,
    clock::{Clock, DefaultClock},
};

use super::ClientAddress;
use crate::error::{AppError, Limited};
use crate::{config::RateLimit, metrics};
use axum::response::IntoResponse;

/// The limiters of one server.
pub struct RateLimiter {
    per_address: Option<DefaultKeyedRateLimiter<IpAddr>>,
    per_token: Option<DefaultKeyedRateLimiter<u64>>,
    /// Made once: making a clock calibrates it, which cost more than the check itself.
    clock: DefaultClock,
}

fn limiter<K: Hash + Eq + Clone>(limit: Option<RateLimit>) -> Option<DefaultKeyedRateLimiter<K>> {
    limit.map(|l| governor::RateLimiter::keyed(Quota::per_second(l.per_second).allow_burst(l.burst)))
}

impl RateLimiter {
    /// Limiters for the given limits, with a task that forgets idle keys every minute.
    pub fn start(per_address: Option<RateLimit>, per_token: Option<RateLimit>) -> Arc<Self> {
        let limiter = Arc::new(Self {
            per_address: limiter(per_address),
            per_token: limiter(per_token),
            clock: DefaultClock::default(),
        });
        let weak = Arc::downgrade(&limiter);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                let Some(limiter) = weak.upgrade() else { break };
                limiter.per_address.iter().for_each(|l| l.retain_recent());
                limiter.per_token.iter().for_each(|l| l.retain_recent());
            }
        });
        limiter
    }

    /// Seconds to wait when `address` or `token` is over its limit.
    fn refuse(&self, address: IpAddr, token: Option<&[u8]>) -> Option<u64> {
        let wait = |until: governor::NotUntil<_>| {
            until.wait_time_from(self.clock.now()).as_secs_f64().ceil().max(1.0) as u64
        };
        if let Some(Err(until)) = self.per_address.as_ref().map(|l| l.check_key(&address)) {
            return Some(wait(until));
        }
        let (per_token, token) = (self.per_token.as_ref()?, token?);
        // The token itself is never kept: only a hash of it, as the key.
        let mut hasher = DefaultHasher::new();
        token.hash(&mut hasher);
        per_token.check_key(&hasher.finish()).err().map(wait)
    }
}

/// Middleware: refuses a request over its address's or token's limit.
pub async fn enforce(
    State(limiter): State<Arc<RateLimiter>>,
    Extension(client): Extension<ClientAddress>,
    request: Request,
    next: Next,
) -> Response {
    let token = request.headers().get(AUTHORIZATION).map(|value| value.as_bytes());
    if let Some(seconds) = limiter.refuse(client.0, token) {
        metrics::refused("rate_limited");
        return AppError::RateLimited { retry_after_seconds: seconds, what: Limited::Requests }
            .into_response();
    }
    next.run(request).await
}
