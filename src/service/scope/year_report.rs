//! The year-end report of a ward's movement year, as one actor may read it.

use uuid::Uuid;

use super::Scope;
use crate::{
    error::AppResult,
    service::year_report::{self, YearReport},
};

/// Year-end reports in the actor's scope.
pub struct YearReports<'a>(pub(super) &'a Scope);

impl YearReports<'_> {
    /// Ward `ward_id`'s movement year `year`, with its incidents up to this month in Vietnam.
    pub async fn report(&self, ward_id: Uuid, year: i32) -> AppResult<YearReport> {
        let today = self.0.services.today();
        year_report::report(self.0.db(), self.0.actor(), ward_id, year, today).await
    }
}
