//! Coverage: the share of ACTIVE households that signed a campaign.
//!
//! Two counters are kept in the transaction of every change that moves them (`counters`): ACTIVE
//! households per group, and signed ACTIVE households per (campaign, group). A report then reads one row
//! per group, whatever the number of households (`report`, shared between requests in the service
//! caches; `figures` holds what a report is made of). `verify` recomputes both counters from the raw rows; `daily` counts a
//! campaign's progress day by day from the pledges.

mod counters;
mod daily;
mod figures;
mod report;
mod verify;

pub(in crate::service) use counters::{adjust_active, adjust_signed, household_activity_changed};
pub use daily::DailyProgress;
pub(in crate::service) use daily::daily;
pub use figures::{GroupFigures, Totals};
pub use report::{Detail, Report};
pub(in crate::service) use report::{figures_of, report};
pub use verify::Drift;
pub(in crate::service) use verify::verify;
