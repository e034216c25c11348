//! Login throttling that protects without locking anyone out: failures are counted per (username,
//! client address) and per client address over a sliding window, in the database, so every server
//! process sees the same counts. Failures from one address never stop the same user signing in from
//! another, so a stranger who knows a leader's username cannot keep them out of the app.
//!
//! There is deliberately no limit per username alone: it is exactly what lets a stranger lock a user
//! out. Guessing from many addresses is slowed by argon2id (every attempt costs a hash), by the 20
//! failures allowed per address, and by passwords of at least 10 characters.
//!
//! The counts live in the database the login reads anyway: when it is unavailable, logins answer
//! `SERVICE_UNAVAILABLE` rather than going unthrottled.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{entities::login_failure, error::AppResult};

/// Failures allowed for one username from one address in the window.
pub const MAX_FAILURES_PER_USERNAME_AND_ADDRESS: u64 = 5;
/// Failures allowed from one address, whatever the usernames, in the window.
pub const MAX_FAILURES_PER_ADDRESS: u64 = 20;
/// The sliding window.
pub const WINDOW_MINUTES: i64 = 15;

fn username_hash(username_key: &str) -> String {
    Sha256::digest(username_key.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// `Some(seconds)` when a login for `username_key` from `address` must be refused now: how long until
/// the oldest failure of the full window leaves it.
pub(in crate::service) async fn check(
    db: &impl ConnectionTrait,
    username_key: &str,
    address: IpAddr,
    now: DateTime<Utc>,
) -> AppResult<Option<u64>> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let address = address.to_string();
    let recent = || {
        login_failure::Entity::find()
            .select_only()
            .column(login_failure::Column::FailedAt)
            .filter(login_failure::Column::Address.eq(address.clone()))
            .filter(login_failure::Column::FailedAt.gt(since))
            .order_by_desc(login_failure::Column::FailedAt)
    };
    let of_user: Vec<DateTime<Utc>> = recent()
        .filter(login_failure::Column::UsernameHash.eq(username_hash(username_key)))
        .limit(MAX_FAILURES_PER_USERNAME_AND_ADDRESS)
        .into_tuple()
        .all(db)
        .await?;
    let of_address: Vec<DateTime<Utc>> =
        recent().limit(MAX_FAILURES_PER_ADDRESS).into_tuple().all(db).await?;
    let wait = |times: &[DateTime<Utc>], limit: u64| {
        let oldest = times.get(usize::try_from(limit).ok()? - 1)?;
        Some((*oldest + Duration::minutes(WINDOW_MINUTES) - now).num_seconds().max(1) as u64)
    };
    Ok(wait(&of_user, MAX_FAILURES_PER_USERNAME_AND_ADDRESS).max(wait(&of_address, MAX_FAILURES_PER_ADDRESS)))
}

/// Records a failed login, and forgets every failure that left the window (so the table holds only
/// the last 15 minutes, however many addresses an attacker rotates through).
pub(in crate::service) async fn record_failure(
    db: &impl ConnectionTrait,
    username_key: &str,
    address: IpAddr,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let address = address.to_string();
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::FailedAt.lte(now - Duration::minutes(WINDOW_MINUTES)))
        .exec(db)
        .await?;
    let failure = login_failure::ActiveModel {
        id: Set(Uuid::now_v7()),
        username_hash: Set(username_hash(username_key)),
        address: Set(address),
        failed_at: Set(now),
    };
    login_failure::Entity::insert(failure).exec(db).await?;
    Ok(())
}

/// A successful login clears the failures of this username from this address (the address keeps its
/// count of other usernames' failures).
pub(in crate::service) async fn record_success(
    db: &impl ConnectionTrait,
    username_key: &str,
    address: IpAddr,
) -> AppResult<()> {
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::UsernameHash.eq(username_hash(username_key)))
        .filter(login_failure::Column::Address.eq(address.to_string()))
        .exec(db)
        .await?;
    Ok(())
}
