//! Incident statistics as one actor may enter and read them.

use std::collections::HashMap;

use uuid::Uuid;

use super::Scope;
use crate::{
    domain::incident::{IncidentCategory, Window},
    error::AppResult,
    service::{
        incident::{self, ComparisonRow, NewTally},
        page::{Page, Paging},
        records::IncidentTallyRecord,
    },
};

/// Incident tallies and their comparisons in the actor's scope.
pub struct Incidents<'a>(pub(super) &'a Scope);

impl Incidents<'_> {
    /// Sets one month's count of one category for a ward, dated against today in Vietnam.
    pub async fn record(&self, input: NewTally) -> AppResult<IncidentTallyRecord> {
        incident::record(self.0.db(), self.0.actor(), input, self.0.services.today()).await
    }

    /// One page of a ward's tallies over a window, by month then category.
    pub async fn list(
        &self,
        ward_id: Uuid,
        window: Window,
        category: Option<IncidentCategory>,
        request: &Paging,
    ) -> AppResult<Page<IncidentTallyRecord>> {
        incident::list(self.0.db(), self.0.actor(), ward_id, window, category, request).await
    }

    /// The tallies among `ids` the actor may see.
    pub async fn by_ids(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, IncidentTallyRecord>> {
        incident::by_ids(self.0.db(), self.0.actor(), ids).await
    }

    /// A ward's counts per category over a window against the same months a year earlier.
    pub async fn comparison(&self, ward_id: Uuid, window: Window) -> AppResult<Vec<ComparisonRow>> {
        incident::comparison(self.0.db(), self.0.actor(), ward_id, window).await
    }
}
