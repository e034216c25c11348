//! Each ward's own settings and the officials' assessments of its groups, as one actor may read and
//! change them.

use std::collections::HashMap;

use uuid::Uuid;

use super::Scope;
use crate::{
    error::AppResult,
    service::{
        assessment::{self, NewAssessment},
        page::{Page, Paging},
        records::{GroupAssessmentRecord, GroupRecord},
        ward_settings::{self, SettingsPatch, WardSettings},
    },
};

/// Wards' settings in the actor's scope.
pub struct Settings<'a>(pub(super) &'a Scope);

impl Settings<'_> {
    /// The settings of the wards among `ids` the actor may see.
    pub async fn of_wards(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, WardSettings>> {
        ward_settings::of_wards(self.0.db(), self.0.caches(), self.0.actor(), ids).await
    }

    /// Changes a ward's settings at the version the client read.
    pub async fn update(&self, patch: SettingsPatch) -> AppResult<WardSettings> {
        ward_settings::update(self.0.db(), self.0.actor(), patch).await
    }
}

/// Group assessments in the actor's scope.
pub struct Assessments<'a>(pub(super) &'a Scope);

impl Assessments<'_> {
    /// Sets a group's assessment for a movement year that has begun by today in Vietnam.
    pub async fn assess(&self, input: NewAssessment) -> AppResult<GroupAssessmentRecord> {
        let today = self.0.services.today();
        assessment::assess(self.0.db(), self.0.actor(), input, today).await
    }

    /// One page of a ward's assessments for a year, by group code, each with its group.
    pub async fn list(
        &self,
        ward_id: Uuid,
        year: i32,
        request: &Paging,
    ) -> AppResult<Page<(GroupRecord, GroupAssessmentRecord)>> {
        assessment::list(self.0.db(), self.0.actor(), ward_id, year, request).await
    }

    /// The assessments the actor may read of these (group, year) pairs.
    pub async fn of_groups(
        &self,
        keys: &[(Uuid, i32)],
    ) -> AppResult<HashMap<(Uuid, i32), GroupAssessmentRecord>> {
        assessment::of_groups(self.0.db(), self.0.actor(), keys).await
    }

    /// The assessments among `ids` the actor may read.
    pub async fn by_ids(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, GroupAssessmentRecord>> {
        assessment::by_ids(self.0.db(), self.0.actor(), ids).await
    }
}
