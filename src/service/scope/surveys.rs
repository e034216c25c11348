//! Residents' satisfaction surveys as one actor may see and run them: surveys, ballots and results.

use std::collections::HashMap;

use uuid::Uuid;

use super::Scope;
use crate::{
    error::AppResult,
    service::{
        page::{Page, Paging},
        records::SurveyQuestionRecord,
        survey::{self, BallotInput, BallotRecord, NewSurvey, SurveyPatch, SurveyRecord, SurveyResults},
    },
};

/// Satisfaction surveys in the actor's scope.
pub struct Surveys<'a>(pub(super) &'a Scope);

impl Surveys<'_> {
    /// One page of a ward's surveys, newest first.
    pub async fn list(&self, ward_id: Uuid, request: &Paging) -> AppResult<Page<SurveyRecord>> {
        survey::list(self.0.db(), self.0.actor(), ward_id, request).await
    }

    /// One survey with its questions, or `NOT_FOUND`.
    pub async fn get(&self, id: Uuid) -> AppResult<SurveyRecord> {
        survey::get(self.0.db(), self.0.actor(), id).await
    }

    /// The surveys among `ids` the actor may see.
    pub async fn by_ids(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, SurveyRecord>> {
        survey::by_ids(self.0.db(), self.0.actor(), ids).await
    }

    /// The questions among `ids` whose survey the actor may see.
    pub async fn questions_by_ids(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, SurveyQuestionRecord>> {
        survey::questions_by_ids(self.0.db(), self.0.actor(), ids).await
    }

    /// The ballots among `ids` whose group's results the actor may read.
    pub async fn ballots_by_ids(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, BallotRecord>> {
        survey::ballots_by_ids(self.0.db(), self.0.actor(), ids).await
    }

    /// Creates a DRAFT survey (idempotent on its `clientMutationId`).
    pub async fn create(&self, input: NewSurvey) -> AppResult<SurveyRecord> {
        survey::create(self.0.db(), self.0.actor(), input).await
    }

    /// Changes a DRAFT survey at `expected_version`.
    pub async fn update(
        &self,
        id: Uuid,
        expected_version: i32,
        patch: SurveyPatch,
    ) -> AppResult<SurveyRecord> {
        survey::update(self.0.db(), self.0.actor(), id, expected_version, patch).await
    }

    /// Opens a DRAFT survey at `expected_version`.
    pub async fn open(&self, id: Uuid, expected_version: i32) -> AppResult<SurveyRecord> {
        survey::open(self.0.db(), self.0.actor(), id, expected_version).await
    }

    /// Closes an OPEN survey at `expected_version`.
    pub async fn close(&self, id: Uuid, expected_version: i32) -> AppResult<SurveyRecord> {
        survey::close(self.0.db(), self.0.actor(), id, expected_version).await
    }

    /// Records ballots of one group typed in from paper: one result per ballot, in the order sent.
    pub async fn record_ballots(
        &self,
        survey_id: Uuid,
        group_id: Uuid,
        ballots: &[BallotInput],
    ) -> AppResult<Vec<AppResult<BallotRecord>>> {
        survey::record_ballots(self.0.db(), self.0.actor(), survey_id, group_id, ballots).await
    }

    /// The results of a survey for one group, or for its whole ward.
    pub async fn results(&self, survey_id: Uuid, group_id: Option<Uuid>) -> AppResult<SurveyResults> {
        survey::results(self.0.db(), self.0.actor(), survey_id, group_id).await
    }
}
