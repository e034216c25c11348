//! Accounts: signing in and checking tokens (before there is a caller), users and their roles, the audit
//! trail and the change feed (as one actor may see them).

use std::{collections::HashMap, net::IpAddr, sync::Arc};

use uuid::Uuid;

use super::{Scope, Services};
use crate::{
    auth::{Actor, jwt::Claims},
    error::AppResult,
    service::{
        audit::{self, AuditFilter},
        changes::{self, ChangePage, FeedCursor},
        page::{Page, Paging},
        records::{AuditEventRecord, RoleAssignmentRecord, UserRecord},
        session::{self, Session},
        user::{self, NewUser},
    },
};

/// Signing in and checking tokens: what runs before there is a caller.
pub struct Sessions<'a>(pub(super) &'a Services);

impl Sessions<'_> {
    /// The user a bearer access token speaks for: `None` when the token fails any check (format,
    /// signature, algorithm, issuer, audience, expiry) or names an inactive user, an old token version
    /// or an ended session. The caller of a session is read once and then remembered until the
    /// session ends.
    pub async fn authenticate(&self, token: &str) -> AppResult<Option<Arc<Actor>>> {
        Ok(self.authenticate_with_claims(token).await?.map(|(actor, _)| actor))
    }

    /// Like `authenticate`, with the token's claims (its session and expiry), for a connection that
    /// watches them.
    pub async fn authenticate_with_claims(&self, token: &str) -> AppResult<Option<(Arc<Actor>, Claims)>> {
        let auth = &self.0.auth;
        let now = auth.clock.now();
        let Some(claims) = auth.keys.verify(token, now) else { return Ok(None) };
        let callers = &self.0.caches.callers;
        let reusable = self.0.bus.callers_reusable();
        if reusable && let Some(actor) = callers.get(&claims, now) {
            return Ok(Some((actor, claims)));
        }
        let reading = callers.reading();
        let Some((actor, session_expires)) = user::load_actor(&self.0.db, &claims, now).await? else {
            return Ok(None);
        };
        let actor = Arc::new(actor);
        if reusable {
            callers.keep(reading, &claims, actor.clone(), session_expires);
        }
        Ok(Some((actor, claims)))
    }

    /// Like `authenticate`, always asking the database: what an open connection's periodic check uses,
    /// in case an announcement was lost.
    pub async fn authenticate_in_database(&self, token: &str) -> AppResult<Option<Arc<Actor>>> {
        let auth = &self.0.auth;
        let now = auth.clock.now();
        let Some(claims) = auth.keys.verify(token, now) else { return Ok(None) };
        Ok(user::load_actor(&self.0.db, &claims, now).await?.map(|(actor, _)| Arc::new(actor)))
    }

    /// The claims of a well-signed, unexpired access token, without asking the database: what an open
    /// WebSocket connection watches (its session and expiry).
    pub fn claims(&self, token: &str) -> Option<Claims> {
        self.0.auth.keys.verify(token, self.0.auth.clock.now())
    }

    /// Signs in with a password; throttled per username and client address.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        address: IpAddr,
    ) -> AppResult<(Session, Actor)> {
        let session = session::login(&self.0.db, &self.0.auth, username, password, address).await?;
        let actor = user::actor_of(&self.0.db, &session.user).await?;
        Ok((session, actor))
    }

    /// Rotates a refresh token into a new session. A token already rotated ends its whole session,
    /// everywhere, and is refused.
    pub async fn refresh(&self, refresh_token: &str) -> AppResult<(Session, Actor)> {
        let written = session::refresh(&self.0.db, &self.0.auth, refresh_token).await?;
        let session = self.0.publish(written).await?;
        let actor = user::actor_of(&self.0.db, &session.user).await?;
        Ok((session, actor))
    }
}

/// Users in the actor's scope, and the actor's own account.
pub struct Users<'a>(pub(super) &'a Scope);

impl Users<'_> {
    /// The caller's own account.
    pub async fn me(&self) -> AppResult<UserRecord> {
        user::get(self.0.db(), self.0.actor(), self.0.actor().user_id).await
    }

    /// One page of the users the actor may see.
    pub async fn list(&self, request: &Paging) -> AppResult<Page<UserRecord>> {
        user::list(self.0.db(), self.0.actor(), request).await
    }

    /// The role assignments of each of `user_ids` the actor may see (the caller always sees their own).
    pub async fn assignments(
        &self,
        user_ids: &[Uuid],
    ) -> AppResult<HashMap<Uuid, Vec<RoleAssignmentRecord>>> {
        user::visible_assignments(self.0.db(), self.0.actor(), user_ids).await
    }

    /// The display names of users who recorded or verified rows the actor sees: a row shows who wrote
    /// it, even when that user (an administrator, an official) lies outside the actor's scope.
    pub async fn display_names(&self, user_ids: &[Uuid]) -> AppResult<HashMap<Uuid, String>> {
        user::display_names(self.0.db(), user_ids).await
    }

    /// Creates a user with roles the actor may grant.
    pub async fn create(&self, input: NewUser) -> AppResult<UserRecord> {
        user::create(self.0.db(), &self.0.services.auth.passwords, self.0.actor(), input).await
    }

    /// Activates or deactivates a user in scope; deactivation ends their sessions everywhere.
    pub async fn set_active(&self, id: Uuid, active: bool) -> AppResult<UserRecord> {
        let now = self.0.services.auth.clock.now();
        let written = user::set_active(self.0.db(), self.0.actor(), id, active, now).await?;
        Ok(self.0.published(written).await)
    }

    /// Ends the caller's session of `refresh_token`, everywhere.
    pub async fn logout(&self, refresh_token: &str) -> AppResult<bool> {
        let written =
            session::logout(self.0.db(), &self.0.services.auth, self.0.actor(), refresh_token).await?;
        Ok(self.0.published(written).await)
    }

    /// Changes the caller's password and ends their other sessions; returns a new one.
    pub async fn change_password(&self, current: &str, new: &str) -> AppResult<(Session, Actor)> {
        let db = self.0.db();
        let written =
            session::change_password(db, &self.0.services.auth, self.0.actor(), current, new).await?;
        let session = self.0.published(written).await;
        let actor = user::actor_of(db, &session.user).await?;
        Ok((session, actor))
    }
}

/// The audit trail in the actor's scope.
pub struct Audit<'a>(pub(super) &'a Scope);

impl Audit<'_> {
    /// One page of audit events, newest first, filtered.
    pub async fn list(&self, filter: &AuditFilter, request: &Paging) -> AppResult<Page<AuditEventRecord>> {
        audit::list(self.0.db(), self.0.actor(), filter, request).await
    }
}

/// The change feed of mobile delta sync, in the actor's scope.
pub struct Changes<'a>(pub(super) &'a Scope);

impl Changes<'_> {
    /// The changes after `since`, at most `first`.
    pub async fn feed(&self, since: Option<FeedCursor>, first: u64) -> AppResult<ChangePage> {
        changes::feed(self.0.db(), self.0.actor(), since, first).await
    }
}
