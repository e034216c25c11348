//! Good deeds for security and order: recorded from phones (idempotent like pledges), verified or
//! rejected once by a ward official.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult,
    Iterable, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, SqlErr, sea_query::Expr,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{
    audit::AuditEntry,
    changes::EntityType,
    page::{Cursor, Page, PageRequest},
};
use crate::{
    auth::Actor,
    domain::campaign::{GoodDeedCategory, GoodDeedStatus},
    entities::{client_mutation, good_deed, residential_group as group},
    error::{AppError, AppResult, Missing},
};

const KIND: &str = "good_deed";
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

/// A good deed as a phone sends it.
#[derive(Debug, Clone)]
pub struct NewGoodDeed {
    /// UUID made on the phone: the idempotency key.
    pub client_mutation_id: Uuid,
    /// The group.
    pub group_id: Uuid,
    /// The household, when one household did it.
    pub household_id: Option<Uuid>,
    /// What kind.
    pub category: GoodDeedCategory,
    /// When it happened.
    pub occurred_on: NaiveDate,
    /// What happened.
    pub description: String,
}

fn payload_hash(input: &NewGoodDeed, description: &str) -> String {
    let canonical = json!([
        KIND,
        input.group_id,
        input.household_id,
        input.category.to_value(),
        input.occurred_on,
        description
    ])
    .to_string();
    Sha256::digest(canonical.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Records a good deed as `REPORTED`. The same `clientMutationId` with the same payload returns the
/// first result; with another payload it is `CONFLICT`.
#[tracing::instrument(skip(db, actor, input))]
pub(in crate::service) async fn record(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewGoodDeed,
    today: NaiveDate,
) -> AppResult<good_deed::Model> {
    let description = input.description.trim().to_owned();
    if description.is_empty() || description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(AppError::bad_input(
            "description",
            format!("the description has 1 to {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    if input.occurred_on > today {
        return Err(AppError::bad_input("occurredOn", format!("{} is in the future", input.occurred_on)));
    }
    let hash = payload_hash(&input, &description);
    // A concurrent retry with the same key loses the insert race; the second try answers as a replay.
    for _ in 0..2 {
        match try_record(db, actor, &input, &description, &hash).await {
            Err(Stop::Raced) => continue,
            Err(Stop::Failed(err)) => return Err(err),
            Ok(deed) => return Ok(deed),
        }
    }
    Err(AppError::conflict("this clientMutationId is being recorded right now; send it again"))
}

/// Why one try stopped.
enum Stop {
    /// Another request inserted the same idempotency key first.
    Raced,
    /// Anything else.
    Failed(AppError),
}

impl From<AppError> for Stop {
    fn from(err: AppError) -> Self {
        Stop::Failed(err)
    }
}

impl From<DbErr> for Stop {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Stop::Raced,
            _ => Stop::Failed(err.into()),
        }
    }
}

async fn try_record(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &NewGoodDeed,
    description: &str,
    hash: &str,
) -> Result<good_deed::Model, Stop> {
    let txn = super::begin_write(db).await?;
    if let Some(key) = client_mutation::Entity::find_by_id(input.client_mutation_id).one(&txn).await? {
        if key.kind == KIND && key.payload_hash == hash {
            return Ok(get(&txn, actor, key.target_id).await?);
        }
        return Err(Stop::Failed(AppError::Conflict {
            message: "this clientMutationId was already used for a different request".into(),
            extensions: vec![("field", "clientMutationId".into())],
        }));
    }
    let group = super::group::get(&txn, actor, input.group_id).await?;
    if let Some(household_id) = input.household_id {
        let household = super::household::get(&txn, actor, household_id).await?;
        if household.group_id != group.id {
            return Err(Stop::Failed(AppError::bad_input(
                "householdId",
                "the household is not in this group",
            )));
        }
    }
    let now = super::now();
    let deed = good_deed::Model {
        id: Uuid::now_v7(),
        group_id: group.id,
        household_id: input.household_id,
        category: input.category,
        occurred_on: input.occurred_on,
        description: description.to_owned(),
        status: GoodDeedStatus::Reported,
        recorded_by: Some(actor.user_id).filter(|id| !id.is_nil()),
        recorded_at: now,
        verified_by: None,
        verified_at: None,
        verification_note: None,
        client_mutation_id: input.client_mutation_id,
        updated_at: now,
    };
    client_mutation::Entity::insert(client_mutation::ActiveModel::from(client_mutation::Model {
        id: input.client_mutation_id,
        user_id: deed.recorded_by,
        kind: KIND.to_owned(),
        payload_hash: hash.to_owned(),
        target_id: deed.id,
        created_at: now,
    }))
    .exec(&txn)
    .await?;
    good_deed::Entity::insert(good_deed::ActiveModel::from(deed.clone())).exec(&txn).await?;
    let entry = AuditEntry {
        action: "good_deed.record",
        target_type: "good_deed",
        target_id: Some(deed.id),
        ward_id: Some(group.ward_id),
        summary: json!({
            "groupId": deed.group_id, "householdId": deed.household_id, "category": deed.category.to_value(),
            "occurredOn": deed.occurred_on, "clientMutationId": deed.client_mutation_id,
        }),
    };
    super::audit::record(&txn, Some(actor.user_id), entry).await?;
    super::changes::record(&txn, EntityType::GoodDeed, deed.id, deed.group_id, group.ward_id).await?;
    txn.commit().await?;
    Ok(deed)
}

/// Verifies (`approve`) or rejects a reported good deed, once. Ward officials of its ward and
/// administrators only.
#[tracing::instrument(skip(db, actor, note))]
pub(in crate::service) async fn verify(
    db: &DatabaseConnection,
    caches: &super::Caches,
    actor: &Actor,
    id: Uuid,
    approve: bool,
    note: Option<String>,
) -> AppResult<good_deed::Model> {
    if !actor.is_official_anywhere() {
        return Err(AppError::Forbidden("only ward officials and administrators verify good deeds"));
    }
    let note = note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    if note.as_ref().is_some_and(|n| n.chars().count() > MAX_DESCRIPTION_CHARS) {
        return Err(AppError::bad_input(
            "note",
            format!("the note must be at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    let txn = super::begin_write(db).await?;
    let current = get(&txn, actor, id).await?;
    let ward_id = super::group::ward_of(&txn, caches, current.group_id).await?;
    if !actor.governs_ward(ward_id) {
        return Err(AppError::NotFound(Missing::GoodDeed));
    }
    if current.status != GoodDeedStatus::Reported {
        return Err(AppError::conflict(format!("the good deed was already {}", current.status.to_value())));
    }
    let to = if approve { GoodDeedStatus::Verified } else { GoodDeedStatus::Rejected };
    let now = super::now();
    let changed = good_deed::Entity::update_many()
        .col_expr(good_deed::Column::Status, Expr::value(to))
        .col_expr(good_deed::Column::VerifiedBy, Expr::value(Some(actor.user_id).filter(|id| !id.is_nil())))
        .col_expr(good_deed::Column::VerifiedAt, Expr::value(now))
        .col_expr(good_deed::Column::VerificationNote, Expr::value(note.clone()))
        .col_expr(good_deed::Column::UpdatedAt, Expr::value(now))
        .filter(good_deed::Column::Id.eq(id))
        .filter(good_deed::Column::Status.eq(GoodDeedStatus::Reported))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(AppError::conflict("the good deed was verified meanwhile"));
    }
    let deed = get(&txn, actor, id).await?;
    let entry = AuditEntry {
        action: if approve { "good_deed.verify" } else { "good_deed.reject" },
        target_type: "good_deed",
        target_id: Some(deed.id),
        ward_id: Some(ward_id),
        summary: json!({ "status": deed.status.to_value(), "note": note }),
    };
    super::audit::record(&txn, Some(actor.user_id), entry).await?;
    super::changes::record(&txn, EntityType::GoodDeed, deed.id, deed.group_id, ward_id).await?;
    txn.commit().await?;
    Ok(deed)
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
    request: &PageRequest,
) -> AppResult<Page<good_deed::Model>> {
    if let Some(from) = filter.from
        && filter.to.is_some_and(|to| to < from)
    {
        return Err(AppError::bad_input("filter.to", "`to` must not be before `from`"));
    }
    let query = filter.apply(visible(actor));
    let total_count = if request.with_total { Some(query.clone().count(db).await?) } else { None };
    let query = match &request.after {
        Some(after) => query.filter(good_deed::Column::Id.lt(after.id)),
        None => query,
    };
    let mut items = query.order_by_desc(good_deed::Column::Id).limit(request.first + 1).all(db).await?;
    let has_next_page = items.len() as u64 > request.first;
    items.truncate(request.first as usize);
    Ok(Page { items, has_next_page, has_previous_page: request.after.is_some(), total_count })
}

/// Good deeds of one group counted by category and status.
#[derive(Debug, Clone, Default)]
pub struct GroupTally {
    /// The group.
    pub group_id: Uuid,
    /// All deeds.
    pub total: i64,
    /// By category, in the order of `GoodDeedCategory`.
    pub by_category: Vec<(GoodDeedCategory, i64)>,
    /// By status.
    pub by_status: Vec<(GoodDeedStatus, i64)>,
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct TallyRow {
    group_id: Uuid,
    category: GoodDeedCategory,
    status: GoodDeedStatus,
    n: i64,
}

/// Counts by category and status, per group, for a ward, a group, or everything the actor may see.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn report(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Option<Uuid>,
    group_id: Option<Uuid>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> AppResult<Vec<GroupTally>> {
    use sea_orm::{QueryTrait, sea_query::Alias};
    let filter = GoodDeedFilter { group_id, from, to, ..Default::default() };
    if let Some(group_id) = group_id {
        let group = super::group::get(db, actor, group_id).await?;
        if ward_id.is_some_and(|w| w != group.ward_id) {
            return Err(AppError::bad_input("groupId", "the group is not in this ward"));
        }
    }
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(AppError::bad_input("to", "`to` must not be before `from`"));
    }
    let mut groups = super::group::visible(actor);
    if let Some(ward_id) = ward_id {
        super::ward::get(db, actor, ward_id).await?;
        groups = groups.filter(group::Column::WardId.eq(ward_id));
    }
    if let Some(group_id) = group_id {
        groups = groups.filter(group::Column::Id.eq(group_id));
    }
    let group_ids: Vec<Uuid> = groups
        .select_only()
        .column(group::Column::Id)
        .order_by_asc(group::Column::WardId)
        .order_by_asc(group::Column::SortKey)
        .into_tuple()
        .all(db)
        .await?;
    let mut query = filter
        .apply(visible(actor))
        .filter(good_deed::Column::GroupId.is_in(group_ids.iter().copied()))
        .select_only()
        .column(good_deed::Column::GroupId)
        .column(good_deed::Column::Category)
        .column(good_deed::Column::Status)
        .group_by(good_deed::Column::GroupId)
        .group_by(good_deed::Column::Category)
        .group_by(good_deed::Column::Status)
        .into_query();
    query.expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), Alias::new("n"));
    let rows = TallyRow::find_by_statement(db.get_database_backend().build(&query)).all(db).await?;
    let mut tallies: HashMap<Uuid, GroupTally> = group_ids
        .iter()
        .map(|id| {
            let tally = GroupTally {
                group_id: *id,
                total: 0,
                by_category: GoodDeedCategory::iter().map(|c| (c, 0)).collect(),
                by_status: GoodDeedStatus::iter().map(|s| (s, 0)).collect(),
            };
            (*id, tally)
        })
        .collect();
    for row in rows {
        let Some(tally) = tallies.get_mut(&row.group_id) else { continue };
        tally.total += row.n;
        if let Some(entry) = tally.by_category.iter_mut().find(|(c, _)| *c == row.category) {
            entry.1 += row.n;
        }
        if let Some(entry) = tally.by_status.iter_mut().find(|(s, _)| *s == row.status) {
            entry.1 += row.n;
        }
    }
    // In natural group order, as the groups were read.
    Ok(group_ids.iter().filter_map(|id| tallies.remove(id)).collect())
}
