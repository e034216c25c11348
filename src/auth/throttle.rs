//! Login throttling: after 5 failures for a username or 20 from one client address within 15 minutes,
//! logins are refused before any password is hashed. State is in process: one node only.

use std::{
    collections::{HashMap, VecDeque},
    net::IpAddr,
    sync::Mutex,
};

use chrono::{DateTime, Duration, Utc};

/// Failures allowed per username in the window.
pub const MAX_FAILURES_PER_USERNAME: usize = 5;
/// Failures allowed per client address in the window.
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;
/// The sliding window.
pub const WINDOW_MINUTES: i64 = 15;

#[derive(Default)]
struct Failures {
    by_username: HashMap<String, VecDeque<DateTime<Utc>>>,
    by_address: HashMap<IpAddr, VecDeque<DateTime<Utc>>>,
}

/// Counts failed logins per username and per address.
#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<Failures>,
}

fn prune(times: &mut VecDeque<DateTime<Utc>>, now: DateTime<Utc>) {
    while times.front().is_some_and(|t| *t <= now - Duration::minutes(WINDOW_MINUTES)) {
        times.pop_front();
    }
}

/// Seconds until the oldest failure of a full window leaves it.
fn retry_after(times: &VecDeque<DateTime<Utc>>, limit: usize, now: DateTime<Utc>) -> Option<u64> {
    if times.len() < limit {
        return None;
    }
    let oldest = times.front()?;
    let wait = (*oldest + Duration::minutes(WINDOW_MINUTES) - now).num_seconds().max(1);
    Some(wait as u64)
}

impl LoginThrottle {
    fn lock(&self) -> std::sync::MutexGuard<'_, Failures> {
        self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `Some(seconds)` when this login must be refused now.
    pub fn check(&self, username_key: &str, address: IpAddr, now: DateTime<Utc>) -> Option<u64> {
        let mut failures = self.lock();
        let by_username = failures.by_username.get_mut(username_key).map(|times| {
            prune(times, now);
            retry_after(times, MAX_FAILURES_PER_USERNAME, now)
        });
        let by_address = failures.by_address.get_mut(&address).map(|times| {
            prune(times, now);
            retry_after(times, MAX_FAILURES_PER_ADDRESS, now)
        });
        by_username.flatten().into_iter().chain(by_address.flatten()).max()
    }

    /// Records a failed login.
    pub fn record_failure(&self, username_key: &str, address: IpAddr, now: DateTime<Utc>) {
        let mut failures = self.lock();
        failures.by_username.entry(username_key.to_owned()).or_default().push_back(now);
        failures.by_address.entry(address).or_default().push_back(now);
        // Bound memory under a spray of random usernames: forget usernames whose window has passed.
        if failures.by_username.len() > 100_000 {
            failures.by_username.retain(|_, times| {
                prune(times, now);
                !times.is_empty()
            });
        }
    }

    /// A successful login clears the username's failures (the address keeps its count).
    pub fn record_success(&self, username_key: &str) {
        self.lock().by_username.remove(username_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_login_for_a_username_waits_for_the_window() {
        let throttle = LoginThrottle::default();
        let address: IpAddr = [10, 0, 0, 1].into();
        let start = Utc::now();
        for _ in 0..MAX_FAILURES_PER_USERNAME {
            assert_eq!(throttle.check("lan", address, start), None);
            throttle.record_failure("lan", address, start);
        }
        assert_eq!(throttle.check("lan", address, start), Some(15 * 60));
        assert_eq!(throttle.check("hoa", address, start), None, "another username is not throttled");
        assert_eq!(throttle.check("lan", address, start + Duration::minutes(15)), None);
    }

    #[test]
    fn one_address_is_throttled_across_usernames() {
        let throttle = LoginThrottle::default();
        let address: IpAddr = [10, 0, 0, 2].into();
        let now = Utc::now();
        for n in 0..MAX_FAILURES_PER_ADDRESS {
            throttle.record_failure(&format!("user{n}"), address, now);
        }
        assert!(throttle.check("someone-new", address, now).is_some());
        assert!(throttle.check("someone-new", [10, 0, 0, 3].into(), now).is_none());
    }

    #[test]
    fn success_clears_the_username() {
        let throttle = LoginThrottle::default();
        let address: IpAddr = [10, 0, 0, 4].into();
        let now = Utc::now();
        for _ in 0..MAX_FAILURES_PER_USERNAME {
            throttle.record_failure("mai", address, now);
        }
        throttle.record_success("mai");
        assert_eq!(throttle.check("mai", address, now), None);
    }
}
