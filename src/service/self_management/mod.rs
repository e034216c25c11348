//! Self-management models on security and order (mô hình tự quản): read here, in scope; created and
//! updated in `write`, by the field rules of `rules`.
//!
//! Officials see and manage every model of their ward; a group's leaders see and manage their group's
//! models and see (without changing) the ward-wide models of their ward; administrators everything.

mod rules;
mod write;

use std::collections::HashMap;

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

pub use write::{ModelPatch, NewModel};
pub(in crate::service) use write::{create, update};

use super::{
    movement_year::{dated_cursor, dated_page, scope_condition, scoped},
    page::{Cursor, Page, Paging},
};
use crate::{
    auth::Actor,
    domain::movement::{ModelKind, ModelStatus},
    entities::self_management_model as model,
    error::{AppError, AppResult, Missing},
};

/// Longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
/// Most households a model may list by name.
pub const MAX_LISTED_HOUSEHOLDS: usize = 500;
/// Largest count of households or units.
pub const MAX_COUNT: i64 = 100_000;

/// The models `actor` may see.
pub(in crate::service) fn visible(actor: &Actor) -> Select<model::Entity> {
    scoped(model::Entity::find(), scope_condition(actor, model::Column::WardId, model::Column::GroupId, true))
}

/// One model, or `NOT_FOUND`.
pub(in crate::service) async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<model::Model> {
    visible(actor)
        .filter(model::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound(Missing::SelfManagementModel))
}

/// The models among `ids` the actor may see.
pub(in crate::service) async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, model::Model>> {
    let rows = visible(actor).filter(model::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    Ok(rows.into_iter().map(|m| (m.id, m)).collect())
}

/// The households a model lists, in the order stored.
pub fn listed_households(model: &model::Model) -> AppResult<Vec<Uuid>> {
    serde_json::from_str(&model.participating_household_ids).map_err(AppError::internal)
}

/// Narrows a ward's models.
#[derive(Debug, Clone)]
pub struct ModelFilter {
    /// The ward (required).
    pub ward_id: Uuid,
    /// Of this group.
    pub group_id: Option<Uuid>,
    /// Of this kind.
    pub kind: Option<ModelKind>,
    /// In this status.
    pub status: Option<ModelStatus>,
    /// Running at some time in this movement year.
    pub year: Option<i32>,
}

/// The cursor of a model in `list` (by start, then id).
pub fn cursor(model: &model::Model) -> Cursor {
    dated_cursor(model.started_on, model.id)
}

/// A page of a ward's models the actor may see, by the day they started.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &ModelFilter,
    request: &Paging,
) -> AppResult<Page<model::Model>> {
    // The ward's own year is read only once the ward is known to be the caller's.
    super::ward::get(db, actor, filter.ward_id).await?;
    let mut query = visible(actor).filter(model::Column::WardId.eq(filter.ward_id));
    if let Some(year) = filter.year {
        let (first, last) = super::ward_settings::year_window(db, filter.ward_id, year).await?;
        query = query.filter(model::Column::StartedOn.lte(last)).filter(
            Condition::any().add(model::Column::EndedOn.is_null()).add(model::Column::EndedOn.gte(first)),
        );
    }
    if let Some(group_id) = filter.group_id {
        let group = super::group::get(db, actor, group_id).await?;
        if group.ward_id != filter.ward_id {
            return Err(AppError::bad_input("groupId", "the group is not in this ward"));
        }
        query = query.filter(model::Column::GroupId.eq(group_id));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(model::Column::Kind.eq(kind));
    }
    if let Some(status) = filter.status {
        query = query.filter(model::Column::Status.eq(status));
    }
    dated_page(db, query, model::Column::StartedOn, model::Column::Id, request).await
}
