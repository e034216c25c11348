//! Login throttling that protects without locking anyone out: failures are counted per (username,
//! client address) and per client address over a sliding window, in the database, so every server
//! process sees the same counts. Failures from one address never stop the same user signing in from
//! another, so a stranger who knows a leader's username cannot keep them out of the app.
//!
//! There is deliberately no limit per username alone: it is exactly what lets a stranger lock a user
//! out. Guessing from many addresses is slowed by argon2id (every attempt costs a hash), by the 20
//! failures allowed per address, and by passwords of at least 10 characters.
//!
//! Each attempt is written before its password is checked, so a burst of concurrent attempts counts
//! itself. IPv4-mapped IPv6 addresses count as the IPv4 address, and an IPv6 client by its /64.
//!
//! The counts live in the database the login reads anyway: when it is unavailable, logins answer
//! `SERVICE_UNAVAILABLE` rather than going unthrottled.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::{entities::login_failure, error::AppResult};

/// Failures allowed for one username from one address in the window.
pub const MAX_FAILURES_PER_USERNAME_AND_ADDRESS: u64 = 5;
/// Failures allowed from one address, whatever the usernames, in the window.
pub const MAX_FAILURES_PER_ADDRESS: u64 = 20;
/// The sliding window.
pub const WINDOW_MINUTES: i64 = 15;

fn username_hash(username_key: &str) -> String {
    super::session::hash_token(username_key)
}

/// The key of a client address: an IPv4 address as it is (IPv4-mapped IPv6 folded to it), an IPv6
/// address by its /64, which one client holds whole.
fn address_key(address: IpAddr) -> String {
    match address.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let [a, b, c, d, ..] = v6.segments();
            format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
        }
    }
}

/// A login attempt, written before the password is checked so that concurrent attempts count each
/// other: it stays as a failure unless the login succeeds.
pub(in crate::service) struct Attempt {
    id: Uuid,
    username_hash: String,
    address: String,
}

/// Claims an attempt for `username_key` from `address`: `Err(seconds)` when the earlier attempts in
/// the window already reach a limit (the claim is then withdrawn: a refused attempt checks no
/// password and does not count), else the attempt to settle with `succeeded`.
pub(in crate::service) async fn claim(
    db: &impl ConnectionTrait,
    username_key: &str,
    address: IpAddr,
    now: DateTime<Utc>,
) -> AppResult<Result<Attempt, u64>> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    // Failures that left the window are forgotten here, whatever their address, so the table holds only
    // the last 15 minutes however many addresses an attacker rotates through.
    login_failure::Entity::delete_many().filter(login_failure::Column::FailedAt.lte(since)).exec(db).await?;
    let attempt = Attempt {
        id: Uuid::now_v7(),
        username_hash: username_hash(username_key),
        address: address_key(address),
    };
    let row = login_failure::ActiveModel {
        id: Set(attempt.id),
        username_hash: Set(attempt.username_hash.clone()),
        address: Set(attempt.address.clone()),
        failed_at: Set(now),
    };
    login_failure::Entity::insert(row).exec(db).await?;
    // Every other attempt in the window, concurrent ones included: each attempt counts after its own
    // row is written, so of a burst, the k-th to be written sees at least k rows, and at most the limit
    // pass (a refused attempt may see rows of later ones: it errs on the side of refusing).
    let earlier = || {
        login_failure::Entity::find()
            .select_only()
            .column(login_failure::Column::FailedAt)
            .filter(login_failure::Column::Address.eq(attempt.address.clone()))
            .filter(login_failure::Column::FailedAt.gt(since))
            .filter(login_failure::Column::Id.ne(attempt.id))
            .order_by_desc(login_failure::Column::FailedAt)
    };
    let of_user: Vec<DateTime<Utc>> = earlier()
        .filter(login_failure::Column::UsernameHash.eq(attempt.username_hash.clone()))
        .limit(MAX_FAILURES_PER_USERNAME_AND_ADDRESS)
        .into_tuple()
        .all(db)
        .await?;
    let of_address: Vec<DateTime<Utc>> =
        earlier().limit(MAX_FAILURES_PER_ADDRESS).into_tuple().all(db).await?;
    let wait = |times: &[DateTime<Utc>], limit: u64| {
        let oldest = times.get(usize::try_from(limit).ok()? - 1)?;
        Some((*oldest + Duration::minutes(WINDOW_MINUTES) - now).num_seconds().max(1) as u64)
    };
    match wait(&of_user, MAX_FAILURES_PER_USERNAME_AND_ADDRESS)
        .max(wait(&of_address, MAX_FAILURES_PER_ADDRESS))
    {
        None => Ok(Ok(attempt)),
        Some(seconds) => {
            login_failure::Entity::delete_by_id(attempt.id).exec(db).await?;
            Ok(Err(seconds))
        }
    }
}

/// A successful login clears this attempt and the earlier failures of this username from this address
/// (the address keeps its count of other usernames' failures).
pub(in crate::service) async fn succeeded(db: &impl ConnectionTrait, attempt: Attempt) -> AppResult<()> {
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::UsernameHash.eq(attempt.username_hash))
        .filter(login_failure::Column::Address.eq(attempt.address))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(address: &str) -> String {
        address_key(address.parse().expect("an address"))
    }

    #[test]
    fn an_ipv4_client_counts_by_its_address_and_an_ipv6_client_by_its_64() {
        assert_eq!(key("203.0.113.9"), "203.0.113.9");
        assert_eq!(key("::ffff:203.0.113.9"), "203.0.113.9", "an IPv4-mapped address is the IPv4 one");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:bbbb:cccc:dddd:eeee"), key("2001:db8:1:2::1"), "one /64, one count");
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
    }
}
