//! Households: read and written by admins, officials of their ward and leaders of their group.
//! Updates use optimistic concurrency: the client sends the version it saw. Pages of a group's
//! households, with their pledges for a campaign, live in `page`.

mod page;
mod rows;

use std::collections::HashMap;

use sea_orm::{
    ActiveEnum,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Select,
    sea_query::{Expr, ExprTrait, LikeExpr, Query},
};
use serde_json::{Value, json};
use uuid::Uuid;

pub use self::page::{HouseholdPageQuery, ListedHousehold};
pub(in crate::service) use self::page::{group_with_page, page, pages_for_groups};
use super::{
    Caches, Moved, Written,
    audit::AuditEntry,
    changes::EntityType,
    page::{Cursor, Ordering, Page, Paging},
};
use crate::{
    auth::Actor,
    domain::{
        fields::{Address, Code, MemberCount, Name},
        household::HouseholdStatus,
        phone::Phone,
        text::{escape_like, fold, natural_sort_key},
    },
    entities::household,
    error::{AppError, AppResult, Missing},
};

/// The households `actor` may see: those of the groups `group::visible` returns.
pub(in crate::service) fn visible(actor: &Actor) -> Select<household::Entity> {
    super::group::in_visible_groups(household::Entity::find(), actor, household::Column::GroupId)
}

const ORDERING: Ordering<household::Column> =
    Ordering { sort_key: household::Column::SortKey, id: household::Column::Id };

/// The cursor of a household in its group's list.
pub fn cursor(household: &household::Model) -> Cursor {
    Cursor { sort_key: household.sort_key.clone(), id: household.id }
}

/// Narrows a household list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct HouseholdFilter {
    /// A phrase to find in the head name, code or address, ignoring case and diacritics.
    pub search: Option<String>,
    /// Only households with this status.
    pub status: Option<HouseholdStatus>,
}

impl HouseholdFilter {
    fn apply(&self, mut query: Select<household::Entity>) -> Select<household::Entity> {
        if let Some(search) = &self.search {
            // One phrase, like a find-in-page: "tran thi" matches "Trần Thị Hoa" but not a Trần on Thị street.
            let pattern = format!("%{}%", escape_like(&fold(search)));
            query = query
                .filter(Expr::col(household::Column::SearchText).like(LikeExpr::new(pattern).escape('\\')));
        }
        if let Some(status) = self.status {
            query = query.filter(household::Column::Status.eq(status));
        }
        query
    }
}

/// One household, or `NOT_FOUND` when it is missing or out of scope.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<household::Model> {
    super::ensure_works_with_households(actor)?;
    visible(actor)
        .filter(household::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound(Missing::Household))
}

pub(in crate::service) fn search_text(head_name: &str, code: &str, address: &str) -> String {
    // The separator keeps a phrase from matching across two fields.
    format!("{} | {} | {}", fold(head_name), fold(code), fold(address))
}

/// What a new household needs.
#[derive(Debug)]
pub struct NewHousehold {
    /// The residential group.
    pub group_id: Uuid,
    /// Code, unique within the group.
    pub code: String,
    /// Name of the head of household.
    pub head_name: String,
    /// Street address.
    pub address: String,
    /// People living in it.
    pub member_count: i64,
    /// Phone number, any common Vietnamese spelling.
    pub phone: Option<String>,
}

fn parse_phone(input: Option<&str>) -> AppResult<Option<Phone>> {
    match input.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => Phone::parse(text).map(Some).map_err(|m| AppError::bad_input("phone", m)),
    }
}

/// Creates an active household in a group the actor covers.
#[tracing::instrument(skip(db, actor, input))]
pub(in crate::service) async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewHousehold,
) -> AppResult<Written<household::Model>> {
    super::ensure_works_with_households(actor)?;
    let code = Code::parse(&input.code).map_err(|m| AppError::bad_input("code", m))?;
    let head_name = Name::parse_as(&input.head_name, "head of household's name")
        .map_err(|m| AppError::bad_input("headName", m))?;
    let address = Address::parse(&input.address).map_err(|m| AppError::bad_input("address", m))?;
    let member_count =
        MemberCount::parse(input.member_count).map_err(|m| AppError::bad_input("memberCount", m))?;
    let phone = parse_phone(input.phone.as_deref())?;

    let (_turn, txn) = super::begin_write(db).await?;
    let group = super::group::get_covered(&txn, actor, input.group_id).await?;
    let now = super::now();
    let household = household::Entity::insert(household::ActiveModel {
        id: Set(Uuid::now_v7()),
        group_id: Set(group.id),
        sort_key: Set(natural_sort_key(code.as_str())),
        search_text: Set(search_text(head_name.as_str(), code.as_str(), address.as_str())),
        code: Set(code.as_str().to_owned()),
        head_name: Set(head_name.as_str().to_owned()),
        address: Set(address.as_str().to_owned()),
        member_count: Set(member_count.get()),
        phone: Set(phone.map(|p| p.as_str().to_owned())),
        status: Set(HouseholdStatus::Active),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(&txn)
    .await?;
    let entry = AuditEntry {
        action: "household.create",
        target_type: "household",
        target_id: Some(household.id),
        ward_id: Some(group.ward_id),
        summary: audit_view(&household),
    };
    super::audit::record(&txn, Some(actor.user_id), entry).await?;
    super::changes::record(&txn, EntityType::Household, household.id, group.id, group.ward_id).await?;
    super::coverage::adjust_active(&txn, group.id, 1).await?;
    txn.commit().await?;
    let moved = Moved::group(None, group.id, group.ward_id);
    Ok(Written::new(household, moved))
}

/// The fields of a household as the audit trail keeps them (the phone masked).
fn audit_view(household: &household::Model) -> Value {
    json!({
        "code": household.code,
        "headName": household.head_name,
        "address": household.address,
        "memberCount": household.member_count,
        "phone": super::audit::mask_phone(household.phone.as_deref()),
        "status": household.status.to_value(),
        "version": household.version,
    })
}

/// The fields that differ between two versions of a household, as `{field: {from, to}}`.
fn audit_diff(before: &household::Model, after: &household::Model) -> Value {
    let (Value::Object(before), Value::Object(after)) = (audit_view(before), audit_view(after)) else {
        return Value::Null;
    };
    let changed: serde_json::Map<String, Value> = after
        .into_iter()
        .filter(|(field, value)| before.get(field) != Some(value))
        .map(|(field, to)| {
            let from = before.get(&field).cloned().unwrap_or(Value::Null);
            (field, json!({ "from": from, "to": to }))
        })
        .collect();
    Value::Object(changed)
}

/// Changes to a household; `None` leaves a field as it is. `phone: Some(None)` clears the phone.
#[derive(Debug, Default)]
pub struct HouseholdPatch {
    /// New code.
    pub code: Option<String>,
    /// New head of household.
    pub head_name: Option<String>,
    /// New address.
    pub address: Option<String>,
    /// New member count.
    pub member_count: Option<i64>,
    /// New phone; `Some(None)` clears it.
    pub phone: Option<Option<String>>,
    /// New status.
    pub status: Option<HouseholdStatus>,
}

/// Applies `patch` if the household is still at `expected_version`; else `CONFLICT` with the current
/// version in `extensions.currentVersion`.
#[tracing::instrument(skip(db, actor, patch))]
pub(in crate::service) async fn update(
    db: &DatabaseConnection,
    caches: &Caches,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    patch: HouseholdPatch,
) -> AppResult<Written<household::Model>> {
    super::ensure_works_with_households(actor)?;
    let code =
        patch.code.as_deref().map(Code::parse).transpose().map_err(|m| AppError::bad_input("code", m))?;
    let head_name = patch
        .head_name
        .as_deref()
        .map(|name| Name::parse_as(name, "head of household's name"))
        .transpose()
        .map_err(|m| AppError::bad_input("headName", m))?;
    let address = patch
        .address
        .as_deref()
        .map(Address::parse)
        .transpose()
        .map_err(|m| AppError::bad_input("address", m))?;
    let member_count = patch
        .member_count
        .map(MemberCount::parse)
        .transpose()
        .map_err(|m| AppError::bad_input("memberCount", m))?;
    let phone = patch.phone.map(|p| parse_phone(p.as_deref())).transpose()?;

    let (_turn, txn) = super::begin_write(db).await?;
    let current = get(&txn, actor, id).await?;
    if current.version != expected_version {
        return Err(version_conflict(current.version));
    }
    let code = code.map(|c| c.as_str().to_owned()).unwrap_or_else(|| current.code.clone());
    let head_name = head_name.map(|n| n.as_str().to_owned()).unwrap_or_else(|| current.head_name.clone());
    let address = address.map(|a| a.as_str().to_owned()).unwrap_or_else(|| current.address.clone());
    let changes = household::ActiveModel {
        id: NotSet,
        group_id: NotSet,
        sort_key: Set(natural_sort_key(&code)),
        search_text: Set(search_text(&head_name, &code, &address)),
        code: Set(code),
        head_name: Set(head_name),
        address: Set(address),
        member_count: member_count.map_or(NotSet, |m| Set(m.get())),
        phone: phone.map_or(NotSet, |p| Set(p.map(|p| p.as_str().to_owned()))),
        status: patch.status.map_or(NotSet, Set),
        version: Set(expected_version + 1),
        created_at: NotSet,
        updated_at: Set(super::now()),
    };
    // The version condition makes the write itself the check: of two updates racing from the same
    // version, the second matches no row.
    let result = household::Entity::update_many()
        .set(changes)
        .filter(household::Column::Id.eq(id))
        .filter(household::Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        let version: Option<i32> = household::Entity::find_by_id(id)
            .select_only()
            .column(household::Column::Version)
            .into_tuple()
            .one(&txn)
            .await?;
        return Err(version.map_or(AppError::NotFound(Missing::Household), version_conflict));
    }
    let household = get(&txn, actor, id).await?;
    let ward_id = super::group::ward_of(&txn, caches, household.group_id).await?;
    let action = if patch.status.is_some() { "household.set_status" } else { "household.update" };
    let entry = AuditEntry {
        action,
        target_type: "household",
        target_id: Some(household.id),
        ward_id: Some(ward_id),
        summary: audit_diff(&current, &household),
    };
    super::audit::record(&txn, Some(actor.user_id), entry).await?;
    super::changes::record(&txn, EntityType::Household, household.id, household.group_id, ward_id).await?;
    let is_active = |h: &household::Model| h.status == HouseholdStatus::Active;
    if is_active(&current) == is_active(&household) {
        txn.commit().await?;
        // No figure moved, but the group's household list did.
        return Ok(Written::restating(household, Some(ward_id)));
    }
    super::coverage::household_activity_changed(
        &txn,
        household.id,
        household.group_id,
        is_active(&household),
    )
    .await?;
    txn.commit().await?;
    let moved = Moved::group(None, household.group_id, ward_id);
    Ok(Written::new(household, moved))
}

fn version_conflict(current_version: i32) -> AppError {
    AppError::Conflict {
        message: format!(
            "the household was changed by someone else (now at version {current_version}); reload it and try again"
        ),
        extensions: vec![("currentVersion", async_graphql::Value::from(current_version))],
    }
}

/// The households among `ids` the actor may see (for dataloaders).
pub(in crate::service) async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, household::Model>> {
    let rows = visible(actor).filter(household::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    Ok(rows.into_iter().map(|h| (h.id, h)).collect())
}

/// A page of a group's ACTIVE households without a SIGNED pledge for `campaign_id`: the leader's
/// follow-up list.
pub(in crate::service) async fn unsigned_page(
    db: &impl ConnectionTrait,
    actor: &Actor,
    group_id: Uuid,
    campaign_id: Uuid,
    request: &Paging,
) -> AppResult<Page<household::Model>> {
    use crate::{domain::campaign::PledgeStatus, entities::pledge};
    super::ensure_works_with_households(actor)?;
    let signed = Query::select()
        .column(pledge::Column::HouseholdId)
        .from(pledge::Entity)
        .and_where(pledge::Column::CampaignId.eq(campaign_id))
        .and_where(pledge::Column::GroupId.eq(group_id))
        .and_where(pledge::Column::Status.eq(PledgeStatus::Signed))
        .to_owned();
    let select = visible(actor)
        .filter(household::Column::GroupId.eq(group_id))
        .filter(household::Column::Status.eq(HouseholdStatus::Active))
        .filter(household::Column::Id.not_in_subquery(signed));
    Ok(super::page::fetch_page(db, select, ORDERING, request).await?)
}
