//! The figures of a report: one group's, with the group and its ward as they were read with them, and
//! totals over several groups (a ward, or the whole report).

use std::sync::Arc;

use crate::entities::{residential_group as group, ward};

/// The figures of one group, with the group and its ward, shared by every report that holds them.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupFigures {
    /// The group, read with its counters.
    pub group: Arc<group::Model>,
    /// Its ward, read with them too.
    pub ward: Arc<ward::Model>,
    /// ACTIVE households.
    pub total_households: i64,
    /// ACTIVE households that signed.
    pub signed_households: i64,
}

impl GroupFigures {
    /// Signed share, 0 when the group has no active household.
    pub fn coverage(&self) -> f64 {
        ratio(self.signed_households, self.total_households)
    }

    /// Every active household signed, and there is at least one.
    pub fn fully_covered(&self) -> bool {
        self.total_households > 0 && self.signed_households == self.total_households
    }
}

pub(super) fn ratio(signed: i64, total: i64) -> f64 {
    if total == 0 { 0.0 } else { signed as f64 / total as f64 }
}

/// Totals over several groups (a ward, or the whole report).
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    /// ACTIVE households.
    pub total_households: i64,
    /// ACTIVE households that signed.
    pub signed_households: i64,
    /// Groups in the scope.
    pub groups_total: i64,
    /// Groups where every active household signed.
    pub groups_fully_covered: i64,
    /// Every group that has households is fully covered (and some group has).
    pub fully_covered: bool,
}

impl Totals {
    pub(super) fn of<'a>(groups: impl IntoIterator<Item = &'a GroupFigures>) -> Self {
        let parts: Vec<Totals> = groups.into_iter().map(Totals::of_group).collect();
        Self::sum(&parts)
    }

    /// One group as a scope of its own.
    fn of_group(group: &GroupFigures) -> Self {
        Self {
            total_households: group.total_households,
            signed_households: group.signed_households,
            groups_total: 1,
            groups_fully_covered: i64::from(group.fully_covered()),
            fully_covered: group.fully_covered(),
        }
    }

    /// Signed share, 0 without active households.
    pub fn coverage(&self) -> f64 {
        ratio(self.signed_households, self.total_households)
    }

    /// The totals of several disjoint scopes (wards) together.
    pub(super) fn sum<'a>(parts: impl IntoIterator<Item = &'a Totals>) -> Self {
        let mut totals = Self {
            total_households: 0,
            signed_households: 0,
            groups_total: 0,
            groups_fully_covered: 0,
            fully_covered: true,
        };
        let mut any_households = false;
        for part in parts {
            totals.total_households += part.total_households;
            totals.signed_households += part.signed_households;
            totals.groups_total += part.groups_total;
            totals.groups_fully_covered += part.groups_fully_covered;
            if part.total_households > 0 {
                any_households = true;
                totals.fully_covered &= part.fully_covered;
            }
        }
        totals.fully_covered &= any_households;
        totals
    }
}
