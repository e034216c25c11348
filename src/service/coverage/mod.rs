//! Coverage: the share of ACTIVE households that signed a campaign.
//!
//! Two counters are kept in the transaction of every change that moves them (`counters`): ACTIVE
//! households per group, and signed ACTIVE households per (campaign, group). A report then reads one row
//! per group, whatever the number of households (`report`, with the per-ward figures shared between
//! requests in the service caches). `verify` recomputes both counters from the raw rows; `daily` counts a
//! campaign's progress day by day from the pledges.

mod counters;
mod daily;
mod report;
mod verify;

pub(in crate::service) use counters::{adjust_active, adjust_signed, household_activity_changed};
pub use daily::DailyProgress;
pub(in crate::service) use daily::daily;
pub(in crate::service) use report::report;
pub use report::{Detail, GroupFigures, Report, Totals};
pub use verify::Drift;
pub(in crate::service) use verify::verify;
