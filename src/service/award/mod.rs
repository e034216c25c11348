//! Awards (certificates of merit, giấy khen) of a movement year: read here, in scope; recorded and
//! revoked in `write`.
//!
//! Officials of the ward and administrators record and revoke them and read every award of their
//! scope. A group's leaders only read: the awards to their group and to the people of their group
//! (its households). A revoked award stays readable, with its reason.

mod write;

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

pub use write::NewAward;
pub(in crate::service) use write::{create, revoke};

use super::{
    movement_year::{check_year, dated_cursor, dated_page, scope_condition, scoped},
    page::{Cursor, Page, Paging},
};
use crate::{
    auth::Actor,
    domain::movement::{AwardStatus, RecipientKind},
    entities::award,
    error::{AppError, AppResult, Missing},
};

/// Longest citation or revocation reason, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Longest decision number, in characters.
pub const MAX_DECISION_NUMBER_CHARS: usize = 64;

/// The awards `actor` may see: their wards' for officials, their groups' for leaders.
pub(in crate::service) fn visible(actor: &Actor) -> Select<award::Entity> {
    scoped(
        award::Entity::find(),
        scope_condition(actor, award::Column::WardId, award::Column::GroupId, false),
    )
}

/// One award, or `NOT_FOUND`.
pub(in crate::service) async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<award::Model> {
    visible(actor).filter(award::Column::Id.eq(id)).one(db).await?.ok_or(AppError::NotFound(Missing::Award))
}

/// The awards among `ids` the actor may see.
pub(in crate::service) async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, award::Model>> {
    let rows = visible(actor).filter(award::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    Ok(rows.into_iter().map(|a| (a.id, a)).collect())
}

/// Narrows a ward's awards.
#[derive(Debug, Clone)]
pub struct AwardFilter {
    /// The ward (required).
    pub ward_id: Uuid,
    /// For this movement year.
    pub year: Option<i32>,
    /// To this group or its people.
    pub group_id: Option<Uuid>,
    /// To a group or to a person.
    pub recipient_kind: Option<RecipientKind>,
    /// Active or revoked.
    pub status: Option<AwardStatus>,
}

/// The cursor of an award in `list` (by decision date, then id).
pub fn cursor(award: &award::Model) -> Cursor {
    dated_cursor(award.decision_date, award.id)
}

/// A page of a ward's awards the actor may see, by decision date.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &AwardFilter,
    request: &Paging,
) -> AppResult<Page<award::Model>> {
    let mut query = visible(actor).filter(award::Column::WardId.eq(filter.ward_id));
    if let Some(year) = filter.year {
        check_year(year)?;
        query = query.filter(award::Column::Year.eq(year));
    }
    super::ward::get(db, actor, filter.ward_id).await?;
    if let Some(group_id) = filter.group_id {
        let group = super::group::get(db, actor, group_id).await?;
        if group.ward_id != filter.ward_id {
            return Err(AppError::bad_input("groupId", "the group is not in this ward"));
        }
        query = query.filter(award::Column::GroupId.eq(group_id));
    }
    if let Some(kind) = filter.recipient_kind {
        query = query.filter(award::Column::RecipientKind.eq(kind));
    }
    if let Some(status) = filter.status {
        query = query.filter(award::Column::Status.eq(status));
    }
    dated_page(db, query, award::Column::DecisionDate, award::Column::Id, request).await
}
