//! Good deeds for security and order: recorded from phones (idempotent like pledges), verified or
//! rejected once by a ward official.
//!
//! The reads live here (what an actor may see, one deed, a filtered page); recording and verifying live
//! in `record`, and the counts per group by category and status in `report`.

mod record;
mod report;

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Select};
use uuid::Uuid;

pub use record::NewGoodDeed;
pub(in crate::service) use record::{record, verify};
pub use report::GroupTally;
pub(in crate::service) use report::report;

use super::page::{Cursor, Page, Paging, newest_first};
use crate::{
    auth::Actor,
    domain::campaign::{GoodDeedCategory, GoodDeedStatus},
    entities::good_deed,
    error::{AppError, AppResult, Missing},
};

/// Longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

/// The good deeds `actor` may see: those of the groups they may see.
pub(in crate::service) fn visible(actor: &Actor) -> Select<good_deed::Entity> {
    super::group::in_visible_groups(good_deed::Entity::find(), actor, good_deed::Column::GroupId)
}

/// One good deed, or `NOT_FOUND`.
pub(in crate::service) async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<good_deed::Model> {
    visible(actor)
        .filter(good_deed::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound(Missing::GoodDeed))
}

/// The good deeds among `ids` the actor may see.
pub(in crate::service) async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, good_deed::Model>> {
    let rows = visible(actor).filter(good_deed::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    Ok(rows.into_iter().map(|d| (d.id, d)).collect())
}

/// Narrows a list of good deeds.
#[derive(Debug, Default, Clone)]
pub struct GoodDeedFilter {
    /// Of this group.
    pub group_id: Option<Uuid>,
    /// Of this household.
    pub household_id: Option<Uuid>,
    /// Of this category.
    pub category: Option<GoodDeedCategory>,
    /// In this status.
    pub status: Option<GoodDeedStatus>,
    /// Happened on or after.
    pub from: Option<NaiveDate>,
    /// Happened on or before.
    pub to: Option<NaiveDate>,
}

impl GoodDeedFilter {
    pub(crate) fn apply(&self, mut query: Select<good_deed::Entity>) -> Select<good_deed::Entity> {
        if let Some(group_id) = self.group_id {
            query = query.filter(good_deed::Column::GroupId.eq(group_id));
        }
        if let Some(household_id) = self.household_id {
            query = query.filter(good_deed::Column::HouseholdId.eq(household_id));
        }
        if let Some(category) = self.category {
            query = query.filter(good_deed::Column::Category.eq(category));
        }
        if let Some(status) = self.status {
            query = query.filter(good_deed::Column::Status.eq(status));
        }
        if let Some(from) = self.from {
            query = query.filter(good_deed::Column::OccurredOn.gte(from));
        }
        if let Some(to) = self.to {
            query = query.filter(good_deed::Column::OccurredOn.lte(to));
        }
        query
    }
}

/// The cursor of a deed in `list` (newest recorded first).
pub fn cursor(deed: &good_deed::Model) -> Cursor {
    Cursor { sort_key: String::new(), id: deed.id }
}

/// A page of the good deeds the actor may see, newest recorded first.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &GoodDeedFilter,
    request: &Paging,
) -> AppResult<Page<good_deed::Model>> {
    // The police read the counts of `goodDeedReport`: a deed's description may name residents.
    super::ensure_works_with_households(actor)?;
    if let Some(from) = filter.from
        && filter.to.is_some_and(|to| to < from)
    {
        return Err(AppError::bad_input("filter.to", "`to` must not be before `from`"));
    }
    let query = filter.apply(visible(actor));
    let total_count = if request.with_total { Some(query.clone().count(db).await?) } else { None };
    let items = newest_first(query, good_deed::Column::Id, request).all(db).await?;
    Ok(Page::from_rows(items, request, total_count))
}
