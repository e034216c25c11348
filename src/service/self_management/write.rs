//! Creating a model (idempotent on its `clientMutationId`) and updating one at the version the client
//! read. The ward and the group of a model are fixed when it is created.

use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use super::{
    get, listed_households,
    rules::{audit_view, check_listed, check_together, count, description, household_list, name},
};
use crate::{
    auth::Actor,
    domain::movement::{ModelKind, ModelStatus},
    entities::self_management_model as model,
    error::{AppError, AppResult, Missing},
    service::{
        self,
        audit::AuditEntry,
        movement_year::{
            PlaceRefusals, Stop, check_place, idempotent, keep_key, payload_hash, recorder, replayed,
            version_conflict,
        },
    },
};

const KIND: &str = "self_management_model";

/// Where a record may go, and what is said when it may not.
const PLACE: PlaceRefusals = PlaceRefusals {
    role: "officials and group leaders keep the self-management models",
    ward_wide: "only ward officials and administrators create ward-wide models",
    group_field: "groupId",
};

/// A new model.
#[derive(Debug, Clone)]
pub struct NewModel {
    /// The idempotency key.
    pub client_mutation_id: Uuid,
    /// The ward.
    pub ward_id: Uuid,
    /// The group that runs it; none for a ward-wide model (officials only).
    pub group_id: Option<Uuid>,
    /// Name.
    pub name: String,
    /// What kind.
    pub kind: ModelKind,
    /// The day it started.
    pub started_on: NaiveDate,
    /// The day it ended.
    pub ended_on: Option<NaiveDate>,
    /// Default `ACTIVE`.
    pub status: Option<ModelStatus>,
    /// What it does.
    pub description: Option<String>,
    /// How many households take part; default: as many as are listed.
    pub participating_household_count: Option<i64>,
    /// Which households of its group take part.
    pub participating_household_ids: Vec<Uuid>,
    /// How many units (cameras, fire points).
    pub unit_count: Option<i64>,
}

/// Changes to a model; `None` leaves a field as it is, `Some(None)` clears an optional one.
#[derive(Debug, Default, Clone)]
pub struct ModelPatch {
    /// New name.
    pub name: Option<String>,
    /// New kind.
    pub kind: Option<ModelKind>,
    /// New start.
    pub started_on: Option<NaiveDate>,
    /// New end, or none.
    pub ended_on: Option<Option<NaiveDate>>,
    /// New status.
    pub status: Option<ModelStatus>,
    /// New description, or none.
    pub description: Option<Option<String>>,
    /// New count of households.
    pub participating_household_count: Option<i64>,
    /// The households that take part now (replacing the list; empty clears it).
    pub participating_household_ids: Option<Vec<Uuid>>,
    /// New count of units, or none.
    pub unit_count: Option<Option<i64>>,
}

/// Creates a model. Officials of its ward (ward-wide or for any of its groups), leaders for their own
/// group, administrators anywhere. The same `clientMutationId` with the same payload returns the first
/// result; with another payload it is `CONFLICT`.
#[tracing::instrument(skip(db, actor, input))]
pub(in crate::service) async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewModel,
) -> AppResult<model::Model> {
    let listed = household_list(&input.participating_household_ids)?;
    let row = model::Model {
        id: Uuid::now_v7(),
        ward_id: input.ward_id,
        group_id: input.group_id,
        name: name(&input.name)?,
        kind: input.kind,
        started_on: input.started_on,
        ended_on: input.ended_on,
        status: input.status.unwrap_or(ModelStatus::Active),
        description: description(input.description.as_deref())?,
        participating_household_count: match input.participating_household_count {
            Some(n) => count(n, "participatingHouseholdCount")?,
            None => listed.len() as i32,
        },
        participating_household_ids: serde_json::to_string(&listed).map_err(AppError::internal)?,
        unit_count: input.unit_count.map(|n| count(n, "unitCount")).transpose()?,
        version: 1,
        client_mutation_id: input.client_mutation_id,
        recorded_by: recorder(actor),
        created_at: service::now(),
        updated_at: service::now(),
    };
    check_together(&row, &listed)?;
    let hash = payload_hash(&json!([KIND, row.ward_id, row.group_id, audit_view(&row)]));
    idempotent(|| try_create(db, actor, &row, &listed, &hash)).await
}

async fn try_create(
    db: &DatabaseConnection,
    actor: &Actor,
    row: &model::Model,
    listed: &[Uuid],
    hash: &str,
) -> Result<model::Model, Stop> {
    let (_turn, txn) = service::begin_write(db).await?;
    if let Some(id) = replayed(&txn, row.client_mutation_id, KIND, hash).await? {
        return Ok(get(&txn, actor, id).await?);
    }
    check_place(&txn, actor, row.ward_id, row.group_id, &PLACE).await?;
    check_listed(&txn, row.group_id, listed).await?;
    let now = service::now();
    let row = model::Model { id: Uuid::now_v7(), created_at: now, updated_at: now, ..row.clone() };
    keep_key(&txn, row.client_mutation_id, actor, KIND, hash, row.id).await?;
    model::Entity::insert(model::ActiveModel::from(row.clone())).exec(&txn).await?;
    let mut summary = audit_view(&row);
    summary["groupId"] = json!(row.group_id);
    summary["clientMutationId"] = json!(row.client_mutation_id);
    let entry = AuditEntry {
        action: "self_management_model.create",
        target_type: KIND,
        target_id: Some(row.id),
        ward_id: Some(row.ward_id),
        summary,
    };
    service::audit::record(&txn, Some(actor.user_id), entry).await?;
    txn.commit().await?;
    Ok(row)
}

/// Applies `patch` if the model is still at `expected_version` (else `CONFLICT` with
/// `extensions.currentVersion`). Whoever may create the model may change it: a leader sees the ward-wide
/// models of their ward but may not change them (`FORBIDDEN`).
#[tracing::instrument(skip(db, actor, patch))]
pub(in crate::service) async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    patch: ModelPatch,
) -> AppResult<model::Model> {
    let new_name = patch.name.as_deref().map(name).transpose()?;
    let new_description = patch.description.as_ref().map(|d| description(d.as_deref())).transpose()?;
    let new_count = patch.participating_household_count.map(|n| count(n, "participatingHouseholdCount"));
    let new_count = new_count.transpose()?;
    let new_units = patch.unit_count.map(|n| n.map(|n| count(n, "unitCount")).transpose()).transpose()?;
    let new_listed = patch.participating_household_ids.as_deref().map(household_list).transpose()?;

    let (_turn, txn) = service::begin_write(db).await?;
    if !actor.works_with_households() {
        return Err(AppError::Forbidden("officials and group leaders keep the self-management models"));
    }
    let current = get(&txn, actor, id).await?;
    if current.group_id.is_none() && !actor.governs_ward(current.ward_id) {
        return Err(AppError::Forbidden("only ward officials and administrators change ward-wide models"));
    }
    if current.version != expected_version {
        return Err(version_conflict("model", current.version));
    }
    let listed = match new_listed {
        Some(listed) => listed,
        None => listed_households(&current)?,
    };
    let next = model::Model {
        name: new_name.unwrap_or_else(|| current.name.clone()),
        kind: patch.kind.unwrap_or(current.kind),
        started_on: patch.started_on.unwrap_or(current.started_on),
        ended_on: patch.ended_on.unwrap_or(current.ended_on),
        status: patch.status.unwrap_or(current.status),
        description: new_description.unwrap_or_else(|| current.description.clone()),
        participating_household_count: new_count.unwrap_or(current.participating_household_count),
        participating_household_ids: serde_json::to_string(&listed).map_err(AppError::internal)?,
        unit_count: new_units.unwrap_or(current.unit_count),
        version: expected_version + 1,
        updated_at: service::now(),
        ..current.clone()
    };
    check_together(&next, &listed)?;
    if patch.participating_household_ids.is_some() {
        check_listed(&txn, next.group_id, &listed).await?;
    }
    // The version condition makes the write itself the check against a concurrent update.
    let written = model::Entity::update_many()
        .set(model::ActiveModel::from(next.clone()).reset_all())
        .filter(model::Column::Id.eq(id))
        .filter(model::Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    if written.rows_affected != 1 {
        let version: Option<i32> = model::Entity::find_by_id(id)
            .select_only()
            .column(model::Column::Version)
            .into_tuple()
            .one(&txn)
            .await?;
        return Err(version
            .map_or(AppError::NotFound(Missing::SelfManagementModel), |v| version_conflict("model", v)));
    }
    let entry = AuditEntry {
        action: "self_management_model.update",
        target_type: KIND,
        target_id: Some(id),
        ward_id: Some(next.ward_id),
        summary: service::movement_year::diff(&audit_view(&current), &audit_view(&next)),
    };
    service::audit::record(&txn, Some(actor.user_id), entry).await?;
    txn.commit().await?;
    Ok(next)
}
