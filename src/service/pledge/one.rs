//! One pledge from a phone that is online (`recordPledge`).
//!
//! On PostgreSQL it is one round trip: the database function `record_pledge` (made by the migrations)
//! checks the idempotency key and the caller's scope, and writes the pledge with its key, audit event,
//! change-log row and coverage counter in one autocommit statement (the coverage event follows the
//! commit, batched with others: see `events::outbox`);
//! the ids, timestamps, audit summary and payload hash are made here as on the general path, so the
//! answer is the same. What it leaves to the general path (a withdrawn pledge signed again, or a key
//! another request took meanwhile) is decided there, as is everything on SQLite.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, FromQueryResult, QueryResult, SqlErr, Statement,
    Value,
};
use serde::Serialize;
use uuid::Uuid;

use super::{
    PledgeInput,
    input::{Parsed, parse},
    queue::PledgeQueue,
    record::record_many,
    refusal,
};
use crate::{
    auth::Actor,
    domain::{campaign::CampaignStatus, household::HouseholdStatus},
    entities::pledge,
    error::{AppError, AppResult, Missing},
    service::{self, Caches, Moved, Written},
};

/// Records one pledge; a refusal is the error. On PostgreSQL with a `queue`, together with the pledges
/// that arrive meanwhile.
#[tracing::instrument(skip_all)]
pub(in crate::service) async fn record_one(
    db: &DatabaseConnection,
    queue: Option<&PledgeQueue>,
    caches: &Caches,
    actor: &Actor,
    input: &PledgeInput,
    today: NaiveDate,
) -> AppResult<Written<pledge::Model>> {
    service::ensure_works_with_households(actor)?;
    if db.get_database_backend() == DbBackend::Postgres {
        let item = parse(input)?;
        let arguments = Arguments::new(actor, &item, today);
        let together = match queue {
            Some(queue) => {
                let json =
                    serde_json::to_string(&arguments).map_err(|err| AppError::internal(err.to_string()))?;
                queue.record(json).await
            }
            None => None,
        };
        let answered = match together {
            Some(row) => read(&row, &item),
            None => in_one_statement(db, &arguments, &item).await,
        };
        match answered {
            Ok(Some(answered)) => return answered,
            Ok(None) => {}
            // The key was taken meanwhile, and the statement undone: decide again against it.
            Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {}
            Err(err) => return Err(err.into()),
        }
    }
    general(db, caches, actor, input, today).await
}

/// The general path, for one input.
async fn general(
    db: &DatabaseConnection,
    caches: &Caches,
    actor: &Actor,
    input: &PledgeInput,
    today: NaiveDate,
) -> AppResult<Written<pledge::Model>> {
    let Written { value: mut results, moved, .. } =
        record_many(db, caches, actor, std::slice::from_ref(input), today).await?;
    let pledge = results.pop().ok_or_else(|| AppError::internal("no result for the pledge"))??;
    Ok(Written::new(pledge, moved))
}

/// The answer to a pledge: recorded, replayed, or refused.
type Answered = AppResult<Written<pledge::Model>>;

/// What `record_pledge` answers besides the pledge.
#[derive(Debug, FromQueryResult)]
struct Answer {
    outcome: String,
    group_ward: Option<Uuid>,
    household_status: Option<HouseholdStatus>,
    campaign_status: Option<CampaignStatus>,
    campaign_starts_on: Option<NaiveDate>,
    campaign_ends_on: Option<NaiveDate>,
    pledge_id: Option<Uuid>,
}

/// An array of ids as PostgreSQL reads it from text: `{a,b}`.
fn uuid_array(ids: impl IntoIterator<Item = Uuid>) -> String {
    let ids: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
    format!("{{{}}}", ids.join(","))
}

/// The arguments of `record_pledge` for one pledge, named as the statement of `PledgeQueue` reads them.
#[derive(Debug, Serialize)]
struct Arguments {
    pledge_id: Uuid,
    client_mutation_id: Uuid,
    household_id: Uuid,
    campaign_id: Uuid,
    signer_name: String,
    signed_on: NaiveDate,
    note: Option<String>,
    payload_hash: String,
    recorded_by: Option<Uuid>,
    now: DateTime<Utc>,
    today: NaiveDate,
    admin: bool,
    official_wards: String,
    led_groups: String,
    visible_wards: String,
    audit_id: Uuid,
    audit_summary: String,
}

impl Arguments {
    /// `actor`'s pledge `item`, dated against `today`, with new ids.
    fn new(actor: &Actor, item: &Parsed, today: NaiveDate) -> Self {
        Self {
            pledge_id: Uuid::now_v7(),
            client_mutation_id: item.client_mutation_id,
            household_id: item.household_id,
            campaign_id: item.campaign_id,
            signer_name: item.signer_name.clone(),
            signed_on: item.signed_on,
            note: item.note.clone(),
            payload_hash: item.payload_hash.clone(),
            recorded_by: Some(actor.user_id).filter(|id| !id.is_nil()),
            now: service::now(),
            today,
            admin: actor.is_admin(),
            official_wards: uuid_array(actor.official_wards().iter().copied()),
            led_groups: uuid_array(actor.leader_group_ids()),
            visible_wards: uuid_array(actor.visible_ward_ids()),
            audit_id: Uuid::now_v7(),
            audit_summary: item.audit_summary().to_string(),
        }
    }
}

/// The pledge in one statement of its own: its answer, or none when nothing was written and the
/// general path must decide.
async fn in_one_statement(
    db: &DatabaseConnection,
    arguments: &Arguments,
    item: &Parsed,
) -> Result<Option<Answered>, DbErr> {
    let a = arguments;
    let values: [Value; 17] = [
        a.pledge_id.into(),
        a.client_mutation_id.into(),
        a.household_id.into(),
        a.campaign_id.into(),
        a.signer_name.clone().into(),
        a.signed_on.into(),
        a.note.clone().into(),
        a.payload_hash.clone().into(),
        a.recorded_by.into(),
        a.now.into(),
        a.today.into(),
        a.admin.into(),
        a.official_wards.clone().into(),
        a.led_groups.clone().into(),
        a.visible_wards.clone().into(),
        a.audit_id.into(),
        a.audit_summary.clone().into(),
    ];
    let call = Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT * FROM record_pledge($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
         $13::text::uuid[], $14::text::uuid[], $15::text::uuid[], $16, $17)",
        values,
    );
    let row = db.query_one_raw(call).await?.ok_or_else(|| DbErr::RecordNotFound("record_pledge".into()))?;
    read(&row, item)
}

/// The answer of a row of `record_pledge`.
fn read(row: &QueryResult, item: &Parsed) -> Result<Option<Answered>, DbErr> {
    let answer = Answer::from_query_result(row, "")?;
    let pledge = match answer.pledge_id {
        Some(_) => Some(pledge::Model::from_query_result(row, "pledge_")?),
        None => None,
    };
    Ok(decided(answer, pledge, item))
}

/// The function's answer, as the general path words it; none for the general path.
fn decided(answer: Answer, pledge: Option<pledge::Model>, item: &Parsed) -> Option<Answered> {
    let Answer {
        outcome,
        group_ward,
        household_status,
        campaign_status,
        campaign_starts_on,
        campaign_ends_on,
        ..
    } = answer;
    let result = match (outcome.as_str(), pledge) {
        ("general", _) => return None,
        ("recorded", Some(pledge)) => detail(group_ward).map(|ward_id| {
            let moved = Moved::group(Some(pledge.campaign_id), pledge.group_id, ward_id);
            Written::new(pledge, moved)
        }),
        ("replayed", Some(pledge)) => Ok(Written::quiet(pledge)),
        ("already_signed", Some(pledge)) => Err(refusal::already_signed(pledge.id)),
        ("key_reused", _) => Err(refusal::key_reused()),
        ("household_not_found", _) => Err(AppError::NotFound(Missing::Household)),
        ("household_inactive", _) => {
            detail(household_status).and_then(|s| Err(refusal::household_inactive(s)))
        }
        ("campaign_not_found", _) => Err(AppError::NotFound(Missing::Campaign)),
        ("campaign_not_open", _) => detail(campaign_status).and_then(|s| Err(refusal::campaign_not_open(s))),
        ("campaign_other_ward", _) => Err(refusal::campaign_of_another_ward()),
        ("outside_campaign", _) => detail(campaign_starts_on.zip(campaign_ends_on))
            .and_then(|(starts, ends)| Err(refusal::outside_campaign(starts, ends))),
        ("in_future", _) => Err(refusal::in_future(item.signed_on)),
        (outcome, _) => Err(AppError::internal(format!("record_pledge answered {outcome:?} unexpectedly"))),
    };
    Some(result)
}

/// A detail the function answers with its outcome.
fn detail<T>(value: Option<T>) -> AppResult<T> {
    value.ok_or_else(|| AppError::internal("record_pledge answered without the detail of its outcome"))
}
