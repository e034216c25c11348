//! Callers remembered by session, so that a request with a known access token costs no query.
//!
//! An entry is the actor (user and scope) read for one (user, session, token version); it is reused
//! until its session would expire, and forgotten as soon as any session of the user ends (logout,
//! refresh-token reuse, password change, deactivation: every change to a user's standing ends their
//! sessions), in this process before the revoker is answered and in the others when they hear it.
//! Whether reuse is safe at all (this process hears every revocation) is the event bus's call.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{auth::Actor, auth::jwt::Claims, events::SessionEnded};

/// How many sessions are remembered; past it the cache starts again empty.
const CAPACITY: usize = 50_000;

type Key = (Uuid, Uuid, i32);

#[derive(Clone)]
struct Entry {
    actor: Arc<Actor>,
    session_expires: DateTime<Utc>,
}

/// Callers by session.
#[derive(Default)]
pub(super) struct CallerCache {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    entries: HashMap<Key, Entry>,
    /// Bumped by every forgetting: a caller read before it may already be revoked, and is not kept.
    epoch: u64,
}

/// Where a reading of the database started, to keep its result only if nothing was forgotten since.
#[derive(Debug, Clone, Copy)]
pub(super) struct Reading(u64);

impl CallerCache {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave a half-written entry behind.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The remembered caller of a token with `claims`, while its session lasts.
    pub(super) fn get(&self, claims: &Claims, now: DateTime<Utc>) -> Option<Arc<Actor>> {
        let state = self.state();
        let entry = state.entries.get(&(claims.sub, claims.sid, claims.ver))?;
        (now < entry.session_expires).then(|| entry.actor.clone())
    }

    /// Call before reading a caller from the database.
    pub(super) fn reading(&self) -> Reading {
        Reading(self.state().epoch)
    }

    /// Remembers a caller read since `reading`, unless a session ended meanwhile.
    pub(super) fn keep(
        &self,
        reading: Reading,
        claims: &Claims,
        actor: Arc<Actor>,
        session_expires: DateTime<Utc>,
    ) {
        let mut state = self.state();
        if state.epoch != reading.0 {
            return;
        }
        if state.entries.len() >= CAPACITY {
            state.entries.clear();
        }
        state.entries.insert((claims.sub, claims.sid, claims.ver), Entry { actor, session_expires });
    }

    /// Forgets the user's callers (every one, if the event says anything may have ended).
    pub(super) fn session_ended(&self, end: &SessionEnded) {
        let mut state = self.state();
        state.epoch += 1;
        if end.is_unknown() {
            state.entries.clear();
        } else {
            state.entries.retain(|(user, _, _), _| *user != end.user_id);
        }
    }

    /// Forgets every caller.
    pub(super) fn clear(&self) {
        self.session_ended(&SessionEnded::unknown());
    }
}
