//! Recording an award (idempotent on its `clientMutationId`) and revoking one, with the reason kept in
//! the award and in the audit trail.

use chrono::NaiveDate;
use sea_orm::{ActiveEnum, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{MAX_DECISION_NUMBER_CHARS, MAX_TEXT_CHARS, get};
use crate::{
    auth::Actor,
    domain::{
        fields::Name,
        movement::{AwardIssuer, AwardStatus, RecipientKind, required_text},
    },
    entities::award,
    error::{AppError, AppResult, Missing},
    service::{
        self,
        audit::AuditEntry,
        movement_year::{
            Stop, check_year, idempotent, keep_key, payload_hash, recorder, replayed, version_conflict,
        },
    },
};

const KIND: &str = "award";

/// A new award.
#[derive(Debug, Clone)]
pub struct NewAward {
    /// The idempotency key.
    pub client_mutation_id: Uuid,
    /// The ward.
    pub ward_id: Uuid,
    /// The movement year it is for.
    pub year: i32,
    /// Who issued it.
    pub issuer: AwardIssuer,
    /// The issuer in words (required for `OTHER`).
    pub issuer_name: Option<String>,
    /// The decision's number.
    pub decision_number: String,
    /// The decision's date.
    pub decision_date: NaiveDate,
    /// A group or a person.
    pub recipient_kind: RecipientKind,
    /// The group awarded, or the person's group.
    pub group_id: Option<Uuid>,
    /// The person awarded.
    pub recipient_name: Option<String>,
    /// The person's household.
    pub household_id: Option<Uuid>,
    /// What it is for.
    pub citation: String,
    /// The event it was given at (of the same ward).
    pub event_id: Option<Uuid>,
}

/// Who may record and revoke awards: ward officials and administrators.
fn check_role(actor: &Actor) -> AppResult<()> {
    if actor.is_official_anywhere() {
        Ok(())
    } else {
        Err(AppError::Forbidden("only ward officials and administrators record and revoke awards"))
    }
}

fn optional_name(input: Option<&str>, field: &str, what: &str) -> AppResult<Option<String>> {
    match input.map(str::trim).filter(|text| !text.is_empty()) {
        None => Ok(None),
        Some(text) => Ok(Some(
            Name::parse_as(text, what).map_err(|m| AppError::bad_input(field, m))?.as_str().to_owned(),
        )),
    }
}

/// The award as it would be stored, with every field checked that needs no database.
fn parse(input: &NewAward, actor: &Actor, today: NaiveDate) -> AppResult<award::Model> {
    check_year(input.year)?;
    let issuer_name = optional_name(input.issuer_name.as_deref(), "issuerName", "the issuer's name")?;
    if input.issuer == AwardIssuer::Other && issuer_name.is_none() {
        return Err(AppError::bad_input("issuerName", "an award issued by OTHER names its issuer"));
    }
    let decision_number = Name::parse_as(&input.decision_number, "the decision number")
        .map_err(|m| AppError::bad_input("decisionNumber", m))?;
    if decision_number.as_str().chars().count() > MAX_DECISION_NUMBER_CHARS {
        return Err(AppError::bad_input(
            "decisionNumber",
            format!("the decision number must be at most {MAX_DECISION_NUMBER_CHARS} characters"),
        ));
    }
    if input.decision_date > today {
        return Err(AppError::bad_input("decisionDate", format!("{} is in the future", input.decision_date)));
    }
    let recipient_name =
        optional_name(input.recipient_name.as_deref(), "recipientName", "the recipient's name")?;
    match input.recipient_kind {
        RecipientKind::Collective if input.group_id.is_none() => {
            return Err(AppError::bad_input("groupId", "a collective award names the group it goes to"));
        }
        RecipientKind::Collective if recipient_name.is_some() => {
            return Err(AppError::bad_input(
                "recipientName",
                "a collective award goes to its group, not to a person",
            ));
        }
        RecipientKind::Collective if input.household_id.is_some() => {
            return Err(AppError::bad_input(
                "householdId",
                "a collective award goes to its group, not to a household",
            ));
        }
        RecipientKind::Individual if recipient_name.is_none() => {
            return Err(AppError::bad_input("recipientName", "an individual award names the person"));
        }
        _ => {}
    }
    let citation = required_text(&input.citation, MAX_TEXT_CHARS, "the citation")
        .map_err(|m| AppError::bad_input("citation", m))?;
    let now = service::now();
    Ok(award::Model {
        id: Uuid::now_v7(),
        ward_id: input.ward_id,
        year: input.year,
        issuer: input.issuer,
        issuer_name,
        decision_number: decision_number.as_str().to_owned(),
        decision_date: input.decision_date,
        recipient_kind: input.recipient_kind,
        group_id: input.group_id,
        recipient_name,
        household_id: input.household_id,
        citation,
        event_id: input.event_id,
        status: AwardStatus::Active,
        revocation_reason: None,
        revoked_by: None,
        revoked_at: None,
        version: 1,
        client_mutation_id: input.client_mutation_id,
        recorded_by: recorder(actor),
        created_at: now,
        updated_at: now,
    })
}

/// The fields of a new award as the audit trail keeps them (and as its payload is compared).
fn audit_view(row: &award::Model) -> Value {
    json!({
        "wardId": row.ward_id, "year": row.year, "issuer": row.issuer.to_value(), "issuerName": row.issuer_name,
        "decisionNumber": row.decision_number, "decisionDate": row.decision_date,
        "recipientKind": row.recipient_kind.to_value(), "groupId": row.group_id,
        "recipientName": row.recipient_name, "householdId": row.household_id, "citation": row.citation,
        "eventId": row.event_id,
    })
}

/// Records an award (officials of its ward and administrators). The same `clientMutationId` with the
/// same payload returns the first result; with another payload it is `CONFLICT`.
#[tracing::instrument(skip(db, actor, input))]
pub(in crate::service) async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewAward,
    today: NaiveDate,
) -> AppResult<award::Model> {
    check_role(actor)?;
    let row = parse(&input, actor, today)?;
    let hash = payload_hash(&json!([KIND, audit_view(&row)]));
    idempotent(|| try_create(db, actor, &row, &hash)).await
}

async fn try_create(
    db: &DatabaseConnection,
    actor: &Actor,
    row: &award::Model,
    hash: &str,
) -> Result<award::Model, Stop> {
    let (_turn, txn) = service::begin_write(db).await?;
    if let Some(id) = replayed(&txn, row.client_mutation_id, KIND, hash).await? {
        return Ok(get(&txn, actor, id).await?);
    }
    service::ward::get(&txn, actor, row.ward_id).await?;
    if !actor.governs_ward(row.ward_id) {
        return Err(AppError::NotFound(Missing::Ward).into());
    }
    // The ward's own year, read only once the ward is known to be the caller's.
    let (window_start, _) = service::ward_settings::year_window(&txn, row.ward_id, row.year).await?;
    if row.decision_date < window_start {
        return Err(AppError::bad_input(
            "decisionDate",
            format!(
                "an award for {} cannot be decided before its movement year began on {window_start}",
                row.year
            ),
        )
        .into());
    }
    let mut group_id = row.group_id;
    if let Some(id) = group_id {
        let group = service::group::get(&txn, actor, id).await?;
        if group.ward_id != row.ward_id {
            return Err(AppError::bad_input("groupId", "the group is not in this ward").into());
        }
    }
    if let Some(id) = row.household_id {
        let household = service::household::get(&txn, actor, id).await?;
        match group_id {
            Some(group) if group != household.group_id => {
                return Err(AppError::bad_input("householdId", "the household is not in this group").into());
            }
            Some(_) => {}
            None => {
                let group = service::group::get(&txn, actor, household.group_id).await?;
                if group.ward_id != row.ward_id {
                    return Err(
                        AppError::bad_input("householdId", "the household is not in this ward").into()
                    );
                }
                // The person's group, so the group's leaders read it and the year-end counts find it.
                group_id = Some(group.id);
            }
        }
    }
    if let Some(id) = row.event_id {
        let event = service::movement_event::get(&txn, actor, id).await?;
        if event.ward_id != row.ward_id {
            return Err(AppError::bad_input("eventId", "the event is in another ward").into());
        }
    }
    let now = service::now();
    let row = award::Model { id: Uuid::now_v7(), group_id, created_at: now, updated_at: now, ..row.clone() };
    keep_key(&txn, row.client_mutation_id, actor, KIND, hash, row.id).await?;
    award::Entity::insert(award::ActiveModel::from(row.clone())).exec(&txn).await?;
    let mut summary = audit_view(&row);
    summary["clientMutationId"] = json!(row.client_mutation_id);
    let entry = AuditEntry {
        action: "award.create",
        target_type: KIND,
        target_id: Some(row.id),
        ward_id: Some(row.ward_id),
        summary,
    };
    service::audit::record(&txn, Some(actor.user_id), entry).await?;
    txn.commit().await?;
    Ok(row)
}

/// Revokes an active award at `expected_version`, keeping `reason` on the award and in the audit trail.
#[tracing::instrument(skip(db, actor, reason))]
pub(in crate::service) async fn revoke(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    reason: &str,
) -> AppResult<award::Model> {
    check_role(actor)?;
    let reason =
        required_text(reason, MAX_TEXT_CHARS, "the reason").map_err(|m| AppError::bad_input("reason", m))?;
    let (_turn, txn) = service::begin_write(db).await?;
    let current = get(&txn, actor, id).await?;
    if !actor.governs_ward(current.ward_id) {
        return Err(AppError::Forbidden("only officials of the award's ward and administrators revoke it"));
    }
    if current.version != expected_version {
        return Err(version_conflict("award", current.version));
    }
    if current.status == AwardStatus::Revoked {
        return Err(AppError::conflict("the award was already revoked"));
    }
    let now = service::now();
    let written = award::Entity::update_many()
        .col_expr(award::Column::Status, Expr::value(AwardStatus::Revoked))
        .col_expr(award::Column::RevocationReason, Expr::value(reason.clone()))
        .col_expr(award::Column::RevokedBy, Expr::value(recorder(actor)))
        .col_expr(award::Column::RevokedAt, Expr::value(now))
        .col_expr(award::Column::Version, Expr::value(expected_version + 1))
        .col_expr(award::Column::UpdatedAt, Expr::value(now))
        .filter(award::Column::Id.eq(id))
        .filter(award::Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    if written.rows_affected != 1 {
        return Err(AppError::conflict("the award was changed meanwhile; reload it and try again"));
    }
    let award = get(&txn, actor, id).await?;
    let entry = AuditEntry {
        action: "award.revoke",
        target_type: KIND,
        target_id: Some(id),
        ward_id: Some(award.ward_id),
        summary: json!({
            "reason": reason, "status": { "from": "ACTIVE", "to": "REVOKED" },
            "version": { "from": expected_version, "to": award.version },
        }),
    };
    service::audit::record(&txn, Some(actor.user_id), entry).await?;
    txn.commit().await?;
    Ok(award)
}
