//! Sessions: login, refresh-token rotation with reuse detection, logout and password change.

use std::net::IpAddr;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Written, audit::AuditEntry};
use crate::{
    auth::{Actor, Auth, password::check_new_password},
    entities::{app_user, refresh_token},
    error::{AppError, AppResult, Limited, Unauthenticated},
    events::SessionEnded,
};

/// How long a refresh token may be used.
pub const REFRESH_TOKEN_DAYS: i64 = 30;

/// A signed-in session: what `login`, `refreshSession` and `changePassword` return.
#[derive(Debug)]
pub struct Session {
    /// Short-lived JWT for the `Authorization: Bearer` header.
    pub access_token: String,
    /// When the access token expires.
    pub access_expires_at: DateTime<Utc>,
    /// Opaque token for `refreshSession`; shown once.
    pub refresh_token: String,
    /// When the refresh token expires.
    pub refresh_expires_at: DateTime<Utc>,
    /// Who signed in.
    pub user: app_user::Model,
}

/// Hex SHA-256 of a secret or an identifier that must not be stored in clear.
pub(super) fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Stores a new refresh token of `family_id` and returns it (the only time it exists in clear).
async fn issue_refresh_token(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    family_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(Uuid, String, DateTime<Utc>)> {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let id = Uuid::now_v7();
    let expires_at = (now + Duration::days(REFRESH_TOKEN_DAYS)).trunc_subsecs(0);
    refresh_token::Entity::insert(refresh_token::ActiveModel {
        id: Set(id),
        user_id: Set(user_id),
        family_id: Set(family_id),
        token_hash: Set(hash_token(&token)),
        expires_at: Set(expires_at),
        created_at: Set(now),
        revoked_at: Set(None),
        replaced_by: Set(None),
    })
    .exec(db)
    .await?;
    Ok((id, token, expires_at))
}

async fn new_session(
    db: &impl ConnectionTrait,
    auth: &Auth,
    user: app_user::Model,
    family_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Session> {
    let (access_token, access_expires_at) = auth.keys.issue(user.id, user.token_version, family_id, now)?;
    let (_, refresh_token, refresh_expires_at) = issue_refresh_token(db, user.id, family_id, now).await?;
    Ok(Session { access_token, access_expires_at, refresh_token, refresh_expires_at, user })
}

/// Signs in. Unknown user, wrong password and inactive user all answer the same `UNAUTHENTICATED`
/// after one password verification; a username throttled from this address, or a throttled address,
/// answers `RATE_LIMITED` before any.
#[tracing::instrument(skip_all)]
pub(in crate::service) async fn login(
    db: &DatabaseConnection,
    auth: &Auth,
    username: &str,
    password: &str,
    address: IpAddr,
) -> AppResult<Session> {
    let username_key = username.trim().to_ascii_lowercase();
    let now = auth.clock.now();
    let attempt = match super::throttle::claim(db, &username_key, address, now).await? {
        Ok(attempt) => attempt,
        Err(retry_after_seconds) => {
            crate::metrics::login_failed("throttled");
            return Err(AppError::RateLimited { retry_after_seconds, what: Limited::Attempts });
        }
    };
    let user =
        app_user::Entity::find().filter(app_user::Column::UsernameKey.eq(&username_key)).one(db).await?;
    let matches = auth.passwords.verify(password, user.as_ref().map(|u| u.password_hash.as_str())).await?;
    let user = match user {
        Some(user) if matches && user.active => user,
        _ => {
            // The attempt written before the check stays, as this failure.
            crate::metrics::login_failed("credentials");
            tracing::info!("login refused");
            return Err(AppError::Unauthenticated(Unauthenticated::BadCredentials));
        }
    };
    super::throttle::succeeded(db, attempt).await?;
    let (_turn, txn) = super::begin_write(db).await?;
    let session = new_session(&txn, auth, user, Uuid::now_v7(), now).await?;
    audit_session(&txn, "session.login", &session.user).await?;
    txn.commit().await?;
    Ok(session)
}

/// Records a session event of `user` (who is also the actor).
async fn audit_session(
    db: &impl ConnectionTrait,
    action: &'static str,
    user: &app_user::Model,
) -> AppResult<()> {
    let entry = AuditEntry {
        action,
        target_type: "user",
        target_id: Some(user.id),
        ward_id: super::user::home_ward(db, user.id).await?,
        summary: json!({ "username": user.username }),
    };
    super::audit::record(db, Some(user.id), entry).await
}

/// Revokes every token of a family (stolen-token detection, logout).
async fn revoke_family(db: &impl ConnectionTrait, family_id: Uuid, now: DateTime<Utc>) -> AppResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Announces, in the transaction that ends them, sessions that end: every process hears it if and when
/// the transaction commits.
pub(in crate::service) async fn announce(
    txn: &impl ConnectionTrait,
    end: SessionEnded,
) -> AppResult<SessionEnded> {
    crate::events::announce_session_end(txn, &end).await?;
    Ok(end)
}

/// Revokes every refresh token of a user (deactivation, password change).
pub(in crate::service) async fn revoke_all(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Exchanges a refresh token for a new session, rotating it. Presenting a token that was already
/// rotated revokes its whole family: someone else holds a copy.
#[tracing::instrument(skip_all)]
pub(in crate::service) async fn refresh(
    db: &DatabaseConnection,
    auth: &Auth,
    token: &str,
) -> AppResult<Written<AppResult<Session>>> {
    let now = auth.clock.now();
    let (turn, txn) = super::begin_write(db).await?;
    let stored = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash_token(token)))
        .one(&txn)
        .await?
        .ok_or(AppError::Unauthenticated(Unauthenticated::SessionEnded))?;
    if stored.replaced_by.is_some() {
        return end_reused_family((turn, txn), &stored, now).await;
    }
    if stored.revoked_at.is_some() || stored.expires_at <= now {
        return Err(AppError::Unauthenticated(Unauthenticated::SessionEnded));
    }
    let user = app_user::Entity::find_by_id(stored.user_id)
        .one(&txn)
        .await?
        .filter(|u| u.active)
        .ok_or(AppError::Unauthenticated(Unauthenticated::SessionEnded))?;
    let (access_token, access_expires_at) =
        auth.keys.issue(user.id, user.token_version, stored.family_id, now)?;
    let (new_id, refresh_token, refresh_expires_at) =
        issue_refresh_token(&txn, user.id, stored.family_id, now).await?;
    // Conditional on the token still being current: of two refreshes racing with one token, the
    // second matches no row and is treated as reuse.
    let rotated = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::ReplacedBy, Expr::value(new_id))
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(stored.id))
        .filter(refresh_token::Column::ReplacedBy.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if rotated.rows_affected != 1 {
        // Another refresh with the same token won: two holders of one token is reuse.
        txn.rollback().await?;
        drop(turn);
        return end_reused_family(super::begin_write(db).await?, &stored, now).await;
    }
    audit_session(&txn, "session.refresh", &user).await?;
    txn.commit().await?;
    Ok(Written::quiet(Ok(Session {
        access_token,
        access_expires_at,
        refresh_token,
        refresh_expires_at,
        user,
    })))
}

/// A rotated refresh token came back: someone else holds a copy. Its whole session ends, everywhere,
/// and the presenter is refused.
async fn end_reused_family(
    (_turn, txn): (super::WriteTurn, sea_orm::DatabaseTransaction),
    stored: &refresh_token::Model,
    now: DateTime<Utc>,
) -> AppResult<Written<AppResult<Session>>> {
    tracing::warn!(family = %stored.family_id, "rotated refresh token reused: revoking the family");
    revoke_family(&txn, stored.family_id, now).await?;
    // A security event, recorded although the request fails: the revocation is its purpose.
    let entry = AuditEntry {
        action: "session.refresh_token_reused",
        target_type: "user",
        target_id: Some(stored.user_id),
        ward_id: super::user::home_ward(&txn, stored.user_id).await?,
        summary: json!({ "family": stored.family_id }),
    };
    super::audit::record(&txn, None, entry).await?;
    let ended = announce(&txn, SessionEnded::one(stored.user_id, stored.family_id)).await?;
    txn.commit().await?;
    Ok(Written::quiet(Err(AppError::Unauthenticated(Unauthenticated::SessionEnded))).ending(ended))
}

/// Ends the session a refresh token belongs to (its whole family). Unknown tokens, or another user's,
/// change nothing: logging out twice is not an error.
#[tracing::instrument(skip_all)]
pub(in crate::service) async fn logout(
    db: &DatabaseConnection,
    auth: &Auth,
    actor: &Actor,
    token: &str,
) -> AppResult<Written<bool>> {
    let (_turn, txn) = super::begin_write(db).await?;
    let stored = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash_token(token)))
        .filter(refresh_token::Column::UserId.eq(actor.user_id))
        .one(&txn)
        .await?;
    let mut written = Written::quiet(true);
    if let Some(stored) = stored {
        revoke_family(&txn, stored.family_id, auth.clock.now()).await?;
        let user = app_user::Entity::find_by_id(actor.user_id)
            .one(&txn)
            .await?
            .ok_or(AppError::Unauthenticated(Unauthenticated::SessionEnded))?;
        audit_session(&txn, "session.logout", &user).await?;
        written = written.ending(announce(&txn, SessionEnded::one(user.id, stored.family_id)).await?);
    }
    txn.commit().await?;
    Ok(written)
}

/// Changes the caller's password, ends every session of theirs (access tokens included) and returns
/// a fresh session for this device.
#[tracing::instrument(skip_all)]
pub(in crate::service) async fn change_password(
    db: &DatabaseConnection,
    auth: &Auth,
    actor: &Actor,
    current_password: &str,
    new_password: &str,
) -> AppResult<Written<Session>> {
    check_new_password(new_password, "newPassword")?;
    let user = app_user::Entity::find_by_id(actor.user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated(Unauthenticated::SessionEnded))?;
    if !auth.passwords.verify(current_password, Some(&user.password_hash)).await? {
        return Err(AppError::bad_input("currentPassword", "the current password is wrong"));
    }
    if current_password == new_password {
        return Err(AppError::bad_input("newPassword", "the new password must differ from the current one"));
    }
    let password_hash = auth.passwords.hash(new_password).await?;
    let now = auth.clock.now();
    let (_turn, txn) = super::begin_write(db).await?;
    let changed = app_user::Entity::update_many()
        .col_expr(app_user::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(app_user::Column::TokenVersion, Expr::col(app_user::Column::TokenVersion).add(1))
        .col_expr(app_user::Column::UpdatedAt, Expr::value(super::now()))
        .filter(app_user::Column::Id.eq(user.id))
        // Two password changes racing from the same state: only the first wins.
        .filter(app_user::Column::TokenVersion.eq(user.token_version))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(AppError::Unauthenticated(Unauthenticated::SessionEnded));
    }
    revoke_all(&txn, user.id, now).await?;
    let user = app_user::Entity::find_by_id(user.id)
        .one(&txn)
        .await?
        .ok_or(AppError::Unauthenticated(Unauthenticated::SessionEnded))?;
    let session_id = Uuid::now_v7();
    let session = new_session(&txn, auth, user, session_id, now).await?;
    audit_session(&txn, "user.change_password", &session.user).await?;
    // Every earlier session of the user ended with the password; the new one goes on.
    let ended = announce(&txn, SessionEnded::all_but(session.user.id, session_id)).await?;
    txn.commit().await?;
    Ok(Written::quiet(session).ending(ended))
}
