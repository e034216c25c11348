//! Recording a good deed from a phone, idempotent on its `clientMutationId`, and verifying or rejecting
//! it once.
//!
//! Reading deeds, and the scope of who sees which, is in the parent module.

use chrono::NaiveDate;
use sea_orm::{
    ActiveEnum, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, SqlErr, sea_query::Expr,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{MAX_DESCRIPTION_CHARS, get};
use crate::{
    auth::Actor,
    domain::campaign::{GoodDeedCategory, GoodDeedStatus},
    entities::{client_mutation, good_deed},
    error::{AppError, AppResult, Missing},
    service::{self, audit::AuditEntry, changes::EntityType},
};

const KIND: &str = "good_deed";

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
    service::ensure_works_with_households(actor)?;
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
    let (_turn, txn) = service::begin_write(db).await?;
    if let Some(key) = client_mutation::Entity::find_by_id(input.client_mutation_id).one(&txn).await? {
        if key.kind == KIND && key.payload_hash == hash {
            return Ok(get(&txn, actor, key.target_id).await?);
        }
        return Err(Stop::Failed(AppError::Conflict {
            message: "this clientMutationId was already used for a different request".into(),
            extensions: vec![("field", "clientMutationId".into())],
        }));
    }
    let group = service::group::get_covered(&txn, actor, input.group_id).await?;
    if let Some(household_id) = input.household_id {
        let household = service::household::get(&txn, actor, household_id).await?;
        if household.group_id != group.id {
            return Err(Stop::Failed(AppError::bad_input(
                "householdId",
                "the household is not in this group",
            )));
        }
    }
    let now = service::now();
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
    service::audit::record(&txn, Some(actor.user_id), entry).await?;
    service::changes::record(&txn, EntityType::GoodDeed, deed.id, deed.group_id, group.ward_id).await?;
    txn.commit().await?;
    Ok(deed)
}

/// Verifies (`approve`) or rejects a reported good deed, once. Ward officials of its ward and
/// administrators only.
#[tracing::instrument(skip(db, actor, note))]
pub(in crate::service) async fn verify(
    db: &DatabaseConnection,
    caches: &service::Caches,
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
    let (_turn, txn) = service::begin_write(db).await?;
    let current = get(&txn, actor, id).await?;
    let ward_id = service::group::ward_of(&txn, caches, current.group_id).await?;
    if !actor.governs_ward(ward_id) {
        return Err(AppError::NotFound(Missing::GoodDeed));
    }
    if current.status != GoodDeedStatus::Reported {
        return Err(AppError::conflict(format!("the good deed was already {}", current.status.to_value())));
    }
    let to = if approve { GoodDeedStatus::Verified } else { GoodDeedStatus::Rejected };
    let now = service::now();
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
    service::audit::record(&txn, Some(actor.user_id), entry).await?;
    service::changes::record(&txn, EntityType::GoodDeed, deed.id, deed.group_id, ward_id).await?;
    txn.commit().await?;
    Ok(deed)
}
