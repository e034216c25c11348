//! Pledges recorded from phones that retry and go offline.
//!
//! One path serves `recordPledge` and `recordPledges`: a batch is read in a few queries (idempotency
//! keys, households, campaigns, existing pledges), every item is decided in memory in input order, and
//! the good ones are written together with their idempotency keys, audit events and change-log rows in
//! one transaction. When a concurrent writer wins a race (a unique key fails), the whole batch is
//! decided again against what is now committed, so each item is written exactly once.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, SqlErr, sea_query::Expr};
use uuid::Uuid;

use super::{
    KIND, MAX_BATCH, PledgeInput,
    decide::{Decision, decide, load_known},
    input::{Parsed, parse},
};
use crate::{
    auth::Actor,
    domain::campaign::PledgeStatus,
    entities::{client_mutation, pledge},
    error::{AppError, AppResult, Missing},
    service::{
        self, Caches, Moved, Written,
        audit::AuditEntry,
        changes::{Change, EntityType},
    },
};

const ATTEMPTS: usize = 4;

/// Why one attempt at a batch stopped.
enum Stop {
    /// A concurrent writer took a unique key first: decide again.
    Raced,
    /// Anything else.
    Failed(AppError),
}

impl From<DbErr> for Stop {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Stop::Raced,
            _ => Stop::Failed(err.into()),
        }
    }
}

impl From<AppError> for Stop {
    fn from(err: AppError) -> Self {
        Stop::Failed(err)
    }
}

/// Records a batch; one result per input, in input order.
#[tracing::instrument(skip(db, caches, actor, inputs), fields(items = inputs.len()))]
pub(in crate::service) async fn record_many(
    db: &DatabaseConnection,
    caches: &Caches,
    actor: &Actor,
    inputs: &[PledgeInput],
    today: NaiveDate,
) -> AppResult<Written<Vec<AppResult<pledge::Model>>>> {
    service::ensure_works_with_households(actor)?;
    if inputs.len() > MAX_BATCH {
        return Err(AppError::bad_input("inputs", format!("send at most {MAX_BATCH} pledges per call")));
    }
    let parsed: Vec<AppResult<Parsed>> = inputs.iter().map(parse).collect();
    for _ in 0..ATTEMPTS {
        match attempt(db, caches, actor, &parsed, today).await {
            Ok(results) => return Ok(results),
            Err(Stop::Raced) => continue,
            Err(Stop::Failed(err)) => return Err(err),
        }
    }
    Err(AppError::conflict("too many concurrent changes to these households; send the pledges again"))
}

async fn attempt(
    db: &DatabaseConnection,
    caches: &Caches,
    actor: &Actor,
    parsed: &[AppResult<Parsed>],
    today: NaiveDate,
) -> Result<Written<Vec<AppResult<pledge::Model>>>, Stop> {
    let (_turn, txn) = service::begin_write(db).await?;
    let items: Vec<&Parsed> = parsed.iter().filter_map(|p| p.as_ref().ok()).collect();
    let mut known = load_known(&txn, caches, actor, &items).await?;

    let mut answers: Vec<AppResult<Uuid>> = Vec::with_capacity(parsed.len());
    let mut written: std::collections::HashSet<Uuid> = std::collections::HashSet::new();
    let (mut inserts, mut resigned, mut keys, mut audits, mut changes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for item in parsed {
        let item = match item {
            Ok(item) => item,
            Err(err) => {
                answers.push(Err(err.clone()));
                continue;
            }
        };
        match decide(item, &known, actor, today) {
            Decision::Answer(answer) => answers.push(answer),
            Decision::Write { pledge, is_new, ward_id } => {
                let key = client_mutation::Model {
                    id: item.client_mutation_id,
                    user_id: Some(actor.user_id).filter(|id| !id.is_nil()),
                    kind: KIND.to_owned(),
                    payload_hash: item.payload_hash.clone(),
                    target_id: pledge.id,
                    created_at: pledge.recorded_at,
                };
                audits.push(AuditEntry {
                    action: if is_new { "pledge.record" } else { "pledge.sign_again" },
                    target_type: "pledge",
                    target_id: Some(pledge.id),
                    ward_id: Some(ward_id),
                    summary: item.audit_summary(),
                });
                changes.push(Change {
                    entity_type: EntityType::Pledge,
                    entity_id: pledge.id,
                    group_id: pledge.group_id,
                    ward_id,
                });
                // Later items of the batch see this one as signed, and its key as used.
                known.pledges.insert((pledge.household_id, pledge.campaign_id), pledge.id);
                known.pledge_rows.insert(pledge.id, pledge.clone());
                known.keys.insert(key.id, key.clone());
                keys.push(key);
                answers.push(Ok(pledge.id));
                written.insert(pledge.id);
                if is_new { inserts.push(pledge) } else { resigned.push(pledge) }
            }
        }
    }

    if !inserts.is_empty() {
        pledge::Entity::insert_many(inserts.into_iter().map(pledge::ActiveModel::from)).exec(&txn).await?;
    }
    for pledge in resigned {
        pledge::Entity::update_many()
            .col_expr(pledge::Column::Status, Expr::value(pledge.status))
            .col_expr(pledge::Column::SignerName, Expr::value(pledge.signer_name.clone()))
            .col_expr(pledge::Column::SignedOn, Expr::value(pledge.signed_on))
            .col_expr(pledge::Column::Note, Expr::value(pledge.note.clone()))
            .col_expr(pledge::Column::WithdrawnReason, Expr::value(Option::<String>::None))
            .col_expr(pledge::Column::RecordedBy, Expr::value(pledge.recorded_by))
            .col_expr(pledge::Column::RecordedAt, Expr::value(pledge.recorded_at))
            .col_expr(pledge::Column::ClientMutationId, Expr::value(pledge.client_mutation_id))
            .col_expr(pledge::Column::UpdatedAt, Expr::value(pledge.updated_at))
            .filter(pledge::Column::Id.eq(pledge.id))
            .filter(pledge::Column::Status.eq(PledgeStatus::Withdrawn))
            .exec(&txn)
            .await
            .map_err(Stop::from)
            .and_then(|r| if r.rows_affected == 1 { Ok(()) } else { Err(Stop::Raced) })?;
    }
    if !keys.is_empty() {
        client_mutation::Entity::insert_many(keys.into_iter().map(client_mutation::ActiveModel::from))
            .exec(&txn)
            .await?;
    }
    service::audit::record_many(&txn, Some(actor.user_id), audits).await?;
    service::changes::record_many(&txn, &changes).await?;
    // Every written pledge is a SIGNED one of an ACTIVE household: one more in its group's numerator.
    let mut newly_signed: HashMap<(Uuid, Uuid), i32> = HashMap::new();
    for answer in answers.iter().flatten() {
        if let Some(pledge) = known.pledge_rows.get(answer)
            && written.contains(answer)
        {
            *newly_signed.entry((pledge.campaign_id, pledge.group_id)).or_default() += 1;
        }
    }
    let mut moved = Moved::nothing();
    for ((campaign_id, group_id), delta) in newly_signed {
        service::coverage::adjust_signed(&txn, campaign_id, group_id, delta).await?;
        if let Some(ward_id) = known.ward_of_group.get(&group_id) {
            moved.add(Moved::group(Some(campaign_id), group_id, *ward_id));
        }
    }
    txn.commit().await?;

    let results = answers
        .into_iter()
        .map(|answer| {
            answer
                .and_then(|id| known.pledge_rows.get(&id).cloned().ok_or(AppError::NotFound(Missing::Pledge)))
        })
        .collect();
    Ok(Written::new(results, moved))
}
