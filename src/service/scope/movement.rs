//! The movement's year beyond pledges, as one actor may see and record it: self-management models,
//! awards, and festival days and forums.

use std::collections::HashMap;

use uuid::Uuid;

use super::Scope;
use crate::{
    error::AppResult,
    service::{
        award::{self, AwardFilter, NewAward},
        movement_event::{self, EventFilter, EventPatch, NewEvent},
        page::{Page, Paging},
        records::{AwardRecord, MovementEventRecord, SelfManagementModelRecord},
        self_management::{self, ModelFilter, ModelPatch, NewModel},
    },
};

/// Self-management models in the actor's scope.
pub struct SelfManagementModels<'a>(pub(super) &'a Scope);

impl SelfManagementModels<'_> {
    /// The models among `ids` the actor may see.
    pub async fn by_ids(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, SelfManagementModelRecord>> {
        self_management::by_ids(self.0.db(), self.0.actor(), ids).await
    }

    /// One page of a ward's models, by the day they started.
    pub async fn list(
        &self,
        filter: &ModelFilter,
        request: &Paging,
    ) -> AppResult<Page<SelfManagementModelRecord>> {
        self_management::list(self.0.db(), self.0.actor(), filter, request).await
    }

    /// Creates a model (idempotent on its `clientMutationId`).
    pub async fn create(&self, input: NewModel) -> AppResult<SelfManagementModelRecord> {
        self_management::create(self.0.db(), self.0.actor(), input).await
    }

    /// Changes a model still at `expected_version`.
    pub async fn update(
        &self,
        id: Uuid,
        expected_version: i32,
        patch: ModelPatch,
    ) -> AppResult<SelfManagementModelRecord> {
        self_management::update(self.0.db(), self.0.actor(), id, expected_version, patch).await
    }
}

/// Awards in the actor's scope.
pub struct Awards<'a>(pub(super) &'a Scope);

impl Awards<'_> {
    /// The awards among `ids` the actor may see.
    pub async fn by_ids(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, AwardRecord>> {
        award::by_ids(self.0.db(), self.0.actor(), ids).await
    }

    /// One page of a ward's awards, by decision date.
    pub async fn list(&self, filter: &AwardFilter, request: &Paging) -> AppResult<Page<AwardRecord>> {
        award::list(self.0.db(), self.0.actor(), filter, request).await
    }

    /// Records an award decided on or before today in Vietnam (idempotent on its `clientMutationId`).
    pub async fn create(&self, input: NewAward) -> AppResult<AwardRecord> {
        let today = self.0.services.today();
        award::create(self.0.db(), self.0.actor(), input, today).await
    }

    /// Revokes an award still at `expected_version`, for `reason`.
    pub async fn revoke(&self, id: Uuid, expected_version: i32, reason: &str) -> AppResult<AwardRecord> {
        award::revoke(self.0.db(), self.0.actor(), id, expected_version, reason).await
    }
}

/// Festival days, forums and other movement events in the actor's scope.
pub struct MovementEvents<'a>(pub(super) &'a Scope);

impl MovementEvents<'_> {
    /// The events among `ids` the actor may see.
    pub async fn by_ids(&self, ids: &[Uuid]) -> AppResult<HashMap<Uuid, MovementEventRecord>> {
        movement_event::by_ids(self.0.db(), self.0.actor(), ids).await
    }

    /// One page of a ward's events, by the day held.
    pub async fn list(&self, filter: &EventFilter, request: &Paging) -> AppResult<Page<MovementEventRecord>> {
        movement_event::list(self.0.db(), self.0.actor(), filter, request).await
    }

    /// Records an event (idempotent on its `clientMutationId`).
    pub async fn create(&self, input: NewEvent) -> AppResult<MovementEventRecord> {
        movement_event::create(self.0.db(), self.0.actor(), input).await
    }

    /// Changes an event still at `expected_version`.
    pub async fn update(
        &self,
        id: Uuid,
        expected_version: i32,
        patch: EventPatch,
    ) -> AppResult<MovementEventRecord> {
        movement_event::update(self.0.db(), self.0.actor(), id, expected_version, patch).await
    }
}
