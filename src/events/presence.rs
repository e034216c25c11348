//! How up to date this process's hearing is, and whether other server processes share the database.
//!
//! Caches that others' writes can make wrong (the caller of a token, the coverage figures) may only be
//! reused while this process provably hears every event. PostgreSQL delivers notifications to each
//! listener in commit order, so the process pings itself through the database every `PING_EVERY`: when
//! a ping sent at `t` comes back, every event committed before `t` has been heard. Reuse is allowed
//! while the last ping that came back was sent less than `LEASE` ago (and `LEASE` after the listener
//! connected, so that the others have heard of this process before it starts reusing).
//!
//! That gives a rule for whoever ends a session: once its announcement has committed, waiting `LEASE`
//! guarantees every other process has either heard it or stopped reusing cached callers. A process
//! that hears no other process (the others ping too, on the same channel) need not wait: its own cache
//! is cleared before the writer is answered.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use uuid::Uuid;

/// How often a process pings itself through the database.
pub const PING_EVERY: Duration = Duration::from_millis(50);

/// How long a returned ping vouches for this process's hearing.
pub const LEASE: Duration = Duration::from_millis(200);

/// How long another process counts as present after it was last heard. Longer than any stall after
/// which a process still reuses its caches: a process that stops hearing its own pings for `LEASE`
/// clears them.
const PEER_TTL: Duration = Duration::from_secs(5);

/// The PostgreSQL channel of pings.
pub const CHANNEL: &str = "pledge_presence";

/// This process's hearing, and the other processes it heard.
pub struct Presence {
    id: Uuid,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Pings sent and not yet heard back, by number: when each was sent.
    in_flight: HashMap<u64, Instant>,
    next: u64,
    /// When the latest ping that came back was sent: everything committed before it was heard.
    heard_as_of: Option<Instant>,
    /// When reuse may start, after the listener (re)connected.
    reuse_from: Option<Instant>,
    /// Other processes, when each was last heard.
    peers: HashMap<Uuid, Instant>,
}

impl Default for Presence {
    fn default() -> Self {
        Self { id: Uuid::new_v4(), state: Mutex::new(State::default()) }
    }
}

impl Presence {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The payload of the next ping; it is sent now.
    pub fn next_ping(&self) -> String {
        let mut state = self.state();
        let number = state.next;
        state.next += 1;
        // Pings that never came back (the listener away) are given up, so the map stays small.
        state.in_flight.retain(|_, sent| sent.elapsed() < PEER_TTL);
        state.in_flight.insert(number, Instant::now());
        format!("{}:{number}", self.id)
    }

    /// A ping was heard: this process's own (its hearing is current up to when it was sent) or another
    /// process's (that process is present).
    pub fn heard(&self, payload: &str) {
        let Some((id, number)) = payload.split_once(':') else { return };
        let (Ok(id), Ok(number)) = (id.parse::<Uuid>(), number.parse::<u64>()) else { return };
        let now = Instant::now();
        let mut state = self.state();
        if id != self.id {
            state.peers.insert(id, now);
            return;
        }
        let Some(sent) = state.in_flight.remove(&number) else { return };
        // Older pings still in flight were overtaken: they vouch for less.
        state.in_flight.retain(|n, _| *n > number);
        if state.heard_as_of.is_none() {
            state.reuse_from = Some(now + LEASE);
        }
        state.heard_as_of = Some(state.heard_as_of.map_or(sent, |t| t.max(sent)));
    }

    /// The listener lost the database, or its pings stopped coming back: nothing is vouched for until a
    /// ping comes back, and reuse waits `LEASE` more after that.
    pub fn lost(&self) {
        let mut state = self.state();
        state.in_flight.clear();
        state.heard_as_of = None;
        state.reuse_from = None;
    }

    /// Whether a ping of this process's own came back since the listener (re)connected.
    pub fn vouched(&self) -> bool {
        self.state().heard_as_of.is_some()
    }

    /// Whether the hearing lapsed: a ping came back once, but none sent in the last `LEASE` has.
    pub fn lapsed(&self) -> bool {
        self.state().heard_as_of.is_some_and(|t| t.elapsed() >= LEASE)
    }

    /// Whether this process hears every event committed more than `LEASE` ago, and has for `LEASE`.
    pub fn current(&self) -> bool {
        let state = self.state();
        let now = Instant::now();
        state.heard_as_of.is_some_and(|t| now.duration_since(t) < LEASE)
            && state.reuse_from.is_some_and(|from| now >= from)
    }

    /// Whether no other process has been heard lately. Only meaningful while `current`.
    pub fn alone(&self) -> bool {
        let mut state = self.state();
        state.peers.retain(|_, heard| heard.elapsed() < PEER_TTL);
        state.peers.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_returned_ping_vouches_only_after_the_lease_and_until_it_ends() {
        let presence = Presence::default();
        assert!(!presence.current());
        let ping = presence.next_ping();
        presence.heard(&ping);
        // Just reconnected: the others may not have heard of this process yet.
        assert!(!presence.current());
        std::thread::sleep(LEASE / 2);
        let ping = presence.next_ping();
        presence.heard(&ping);
        std::thread::sleep(LEASE / 2 + Duration::from_millis(10));
        assert!(presence.current());
        std::thread::sleep(LEASE);
        assert!(!presence.current());
        assert!(presence.lapsed());
    }

    #[test]
    fn another_process_ping_makes_it_a_peer_and_a_foreign_payload_is_ignored() {
        let presence = Presence::default();
        assert!(presence.alone());
        presence.heard("not a ping");
        presence.heard(&format!("{}:7", Uuid::nil()));
        assert!(!presence.alone());
        // Someone else's ping does not vouch for this process's hearing.
        assert!(!presence.current());
    }

    #[test]
    fn losing_the_listener_withdraws_the_vouching() {
        let presence = Presence::default();
        let ping = presence.next_ping();
        presence.heard(&ping);
        presence.lost();
        assert!(!presence.lapsed());
        assert!(!presence.current());
        let stale = presence.next_ping();
        presence.lost();
        // A ping sent before the loss comes back after it: it is not counted.
        presence.heard(&stale);
        assert!(!presence.current());
        assert!(!presence.lapsed());
    }
}
