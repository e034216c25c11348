//! Paper ballots typed in after the festival, up to 500 a call, each decided on its own.
//!
//! The call's survey and group are checked once (in scope, the group in the survey's ward). Then the
//! known state is read in one query (the idempotency keys already used, and the ballots they stand
//! for), every ballot is decided in memory in the order sent, and the new ones are written together
//! (ballots, answers, keys: multi-row inserts) with one audit event for the batch, in one transaction.
//! A ballot already recorded under its `clientMutationId` with the same answers answers as it was,
//! even once the survey is closed; a new one needs the survey `OPEN`. When a concurrent call takes one
//! of the keys first, the whole batch is decided again against what is now committed.
//!
//! The keys are stored without the user who typed them, and a ballot names only its group: the audit
//! event says who entered how many ballots for which group, and nothing links a ballot to a person.

use std::collections::HashMap;

use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, SqlErr,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    MAX_BALLOTS, SurveyRecord,
    ballot_input::{BallotInput, KIND, Parsed, parse},
    ballot_rows::{AnswerRecord, BallotRecord, ballots_with_answers},
    ballot_writes::{Writes, write},
    get_locked,
};
use crate::{
    auth::Actor,
    domain::survey::{SatisfactionLevel, SurveyStatus},
    entities::{client_mutation, survey_answer as answer, survey_ballot as ballot},
    error::{AppError, AppResult, Missing},
    service::{self, audit::AuditEntry},
};

const ATTEMPTS: usize = 4;

/// Why one attempt at a batch stopped.
enum Stop {
    /// A concurrent call took one of the keys first: decide again.
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

/// Records the ballots of `group_id` for `survey_id`; one result per ballot, in the order sent.
#[tracing::instrument(skip(db, actor, inputs), fields(ballots = inputs.len()))]
pub(in crate::service) async fn record_ballots(
    db: &DatabaseConnection,
    actor: &Actor,
    survey_id: Uuid,
    group_id: Uuid,
    inputs: &[BallotInput],
) -> AppResult<Vec<AppResult<BallotRecord>>> {
    if !actor.is_official_anywhere() && actor.leader_group_ids().next().is_none() {
        return Err(AppError::Forbidden(
            "only ward officials, group leaders and administrators record survey ballots",
        ));
    }
    if inputs.len() > MAX_BALLOTS {
        return Err(AppError::LimitExceeded {
            limit: "ballots",
            max: MAX_BALLOTS,
            actual: Some(inputs.len()),
            message: format!("send at most {MAX_BALLOTS} ballots per call; send the rest in another"),
        });
    }
    let parsed: Vec<AppResult<Parsed>> = inputs.iter().map(parse).collect();
    for _ in 0..ATTEMPTS {
        match attempt(db, actor, survey_id, group_id, &parsed).await {
            Ok(results) => return Ok(results),
            Err(Stop::Raced) => continue,
            Err(Stop::Failed(err)) => return Err(err),
        }
    }
    Err(AppError::conflict("these ballots are being recorded by another call right now; send them again"))
}

async fn attempt(
    db: &DatabaseConnection,
    actor: &Actor,
    survey_id: Uuid,
    group_id: Uuid,
    parsed: &[AppResult<Parsed>],
) -> Result<Vec<AppResult<BallotRecord>>, Stop> {
    let (_turn, txn) = service::begin_write(db).await?;
    let survey = get_locked(&txn, actor, survey_id).await?;
    let ward_id = survey.survey.ward_id;
    let group = service::group::get(&txn, actor, group_id).await?;
    if group.ward_id != ward_id {
        return Err(Stop::Failed(AppError::bad_input("groupId", "the group is not in the survey's ward")));
    }
    if !actor.covers_group(group.id, ward_id) {
        return Err(Stop::Failed(AppError::NotFound(Missing::Group)));
    }
    let key_ids: Vec<Uuid> = parsed.iter().flatten().map(|p| p.client_mutation_id).collect();
    let stored = stored_keys(&txn, &key_ids).await?;
    let replayed =
        ballots_with_answers(&txn, stored.values().filter(|k| k.kind == KIND).map(|k| k.target_id)).await?;

    let now = service::now();
    let mut writes = Writes::default();
    // Ballots of this batch, by key: a key sent twice in one batch is one ballot.
    let mut written: HashMap<Uuid, (String, BallotRecord)> = HashMap::new();
    let mut results = Vec::with_capacity(parsed.len());
    let (mut replays, mut refused) = (0_usize, 0_usize);
    for item in parsed {
        let result = match item {
            Err(err) => Err(err.clone()),
            Ok(item) => {
                let hash = item.payload_hash(survey_id, group_id);
                if let Some(key) = stored.get(&item.client_mutation_id) {
                    let answer = replay(key, &hash, &replayed);
                    replays += usize::from(answer.is_ok());
                    answer
                } else if let Some((first_hash, record)) = written.get(&item.client_mutation_id) {
                    if *first_hash == hash { Ok(record.clone()) } else { Err(key_reused()) }
                } else {
                    decide_new(item, &survey).map(|answers| {
                        let record = new_ballot(item, answers, &survey, group_id, &hash, now, &mut writes);
                        written.insert(item.client_mutation_id, (hash, record.clone()));
                        record
                    })
                }
            }
        };
        refused += usize::from(result.is_err());
        results.push(result);
    }
    if writes.ballots.is_empty() {
        return Ok(results);
    }
    let recorded = writes.ballots.len();
    write(&txn, writes).await?;
    let entry = AuditEntry {
        action: "survey.ballots.record",
        target_type: "satisfaction_survey",
        target_id: Some(survey_id),
        ward_id: Some(ward_id),
        summary: json!({ "groupId": group_id, "recorded": recorded, "replayed": replays, "refused": refused }),
    };
    service::audit::record(&txn, Some(actor.user_id), entry).await?;
    txn.commit().await?;
    Ok(results)
}

/// The answer to a key already stored: its ballot if the same ballot was sent, else a conflict.
fn replay(
    key: &client_mutation::Model,
    hash: &str,
    replayed: &HashMap<Uuid, BallotRecord>,
) -> AppResult<BallotRecord> {
    if key.kind != KIND || key.payload_hash != hash {
        return Err(key_reused());
    }
    replayed.get(&key.target_id).cloned().ok_or_else(|| AppError::internal("a ballot's key outlived it"))
}

fn key_reused() -> AppError {
    AppError::Conflict {
        message: "this clientMutationId was already used for a different ballot or request".into(),
        extensions: vec![("field", "clientMutationId".into())],
    }
}

/// Whether a ballot not seen before may be recorded: the survey is open and every question is its.
/// Answers the ballot's answers in question order.
fn decide_new(item: &Parsed, survey: &SurveyRecord) -> AppResult<Vec<(i32, Uuid, SatisfactionLevel)>> {
    let status = survey.survey.status;
    if status != SurveyStatus::Open {
        return Err(AppError::Conflict {
            message: format!(
                "the survey is {}: ballots are recorded only while it is {}",
                status.to_value(),
                SurveyStatus::Open.to_value()
            ),
            extensions: vec![("field", "surveyId".into())],
        });
    }
    let positions: HashMap<Uuid, i32> = survey.questions.iter().map(|q| (q.id, q.position)).collect();
    let mut answers = Vec::with_capacity(item.answers.len());
    for (question_id, rating, index) in &item.answers {
        let Some(position) = positions.get(question_id) else {
            return Err(AppError::bad_input(
                format!("answers.{index}.questionId"),
                "this is not a question of the survey",
            ));
        };
        answers.push((*position, *question_id, *rating));
    }
    answers.sort_unstable_by_key(|(position, _, _)| *position);
    Ok(answers)
}

/// Adds a new ballot, its answers and its key to `writes`.
fn new_ballot(
    item: &Parsed,
    answers: Vec<(i32, Uuid, SatisfactionLevel)>,
    survey: &SurveyRecord,
    group_id: Uuid,
    hash: &str,
    now: chrono::DateTime<chrono::Utc>,
    writes: &mut Writes,
) -> BallotRecord {
    let survey_id = survey.survey.id;
    let ballot = ballot::Model { id: Uuid::now_v7(), survey_id, group_id, recorded_at: now };
    writes.keys.push(client_mutation::Model {
        id: item.client_mutation_id,
        user_id: None,
        kind: KIND.to_owned(),
        payload_hash: hash.to_owned(),
        target_id: ballot.id,
        created_at: now,
    });
    let answers: Vec<AnswerRecord> =
        answers.into_iter().map(|(_, question_id, rating)| AnswerRecord { question_id, rating }).collect();
    writes.answers.extend(answers.iter().map(|a| answer::Model {
        ballot_id: ballot.id,
        question_id: a.question_id,
        survey_id,
        group_id,
        rating: a.rating,
    }));
    writes.ballots.push(ballot.clone());
    BallotRecord { ballot, answers }
}

async fn stored_keys(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, client_mutation::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = client_mutation::Entity::find()
        .filter(client_mutation::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|k| (k.id, k)).collect())
}
