//! Creating a survey in `DRAFT`, idempotent on its `clientMutationId`.

use sea_orm::{DatabaseConnection, DbErr, EntityTrait, SqlErr};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{KIND, NewSurvey, audit, check_event, forbidden, parse_questions, parse_title};
use crate::{
    auth::Actor,
    domain::survey::SurveyStatus,
    entities::{client_mutation, satisfaction_survey as survey, survey_question as question},
    error::{AppError, AppResult, Missing},
    service::{
        self,
        survey::{SurveyRecord, get, governs},
    },
};

/// SHA-256 of the survey as sent, once checked. The event joins the payload only when given, so keys
/// stored before surveys could name one keep their hash.
fn payload_hash(input: &NewSurvey, title: &str, questions: &[String]) -> String {
    let mut canonical = json!([KIND, input.ward_id, title, input.conducted_on, questions]);
    if let (Some(event_id), Some(parts)) = (input.event_id, canonical.as_array_mut()) {
        parts.push(json!(event_id));
    }
    let canonical = canonical.to_string();
    Sha256::digest(canonical.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates a survey in `DRAFT`, at version 1. The same `clientMutationId` with the same payload
/// answers the survey as it is now; with another payload it is `CONFLICT`.
#[tracing::instrument(skip(db, actor, input))]
pub(in crate::service) async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewSurvey,
) -> AppResult<SurveyRecord> {
    if !actor.is_official_anywhere() {
        return Err(forbidden());
    }
    let title = parse_title(&input.title)?;
    let questions = parse_questions(&input.questions)?;
    let hash = payload_hash(&input, &title, &questions);
    // A concurrent send of the same key loses the insert race; the second try answers as a replay.
    for _ in 0..2 {
        match try_create(db, actor, &input, &title, &questions, &hash).await {
            Err(err) if is_unique_violation(&err) => continue,
            Err(err) => return Err(err.into_app()),
            Ok(survey) => return Ok(survey),
        }
    }
    Err(AppError::conflict("this clientMutationId is being used right now; send it again"))
}

/// A failure of one try: a database error (which may be a lost race) or a refusal.
enum TryError {
    Db(DbErr),
    App(AppError),
}

impl TryError {
    fn into_app(self) -> AppError {
        match self {
            Self::Db(err) => err.into(),
            Self::App(err) => err,
        }
    }
}

impl From<DbErr> for TryError {
    fn from(err: DbErr) -> Self {
        Self::Db(err)
    }
}

impl From<AppError> for TryError {
    fn from(err: AppError) -> Self {
        Self::App(err)
    }
}

fn is_unique_violation(err: &TryError) -> bool {
    matches!(err, TryError::Db(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))))
}

async fn try_create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &NewSurvey,
    title: &str,
    questions: &[String],
    hash: &str,
) -> Result<SurveyRecord, TryError> {
    let (_turn, txn) = service::begin_write(db).await?;
    if let Some(key) = client_mutation::Entity::find_by_id(input.client_mutation_id).one(&txn).await? {
        if key.kind == KIND && key.payload_hash == hash {
            return Ok(get(&txn, actor, key.target_id).await?);
        }
        return Err(AppError::Conflict {
            message: "this clientMutationId was already used for a different request".into(),
            extensions: vec![("field", "clientMutationId".into())],
        }
        .into());
    }
    let ward = service::ward::get(&txn, actor, input.ward_id).await?;
    if !governs(actor, ward.id) {
        return Err(AppError::NotFound(Missing::Ward).into());
    }
    if let Some(event_id) = input.event_id {
        check_event(&txn, actor, ward.id, event_id).await?;
    }
    let now = service::now();
    let created_by = Some(actor.user_id).filter(|id| !id.is_nil());
    let survey = survey::Model {
        id: Uuid::now_v7(),
        ward_id: ward.id,
        title: title.to_owned(),
        conducted_on: input.conducted_on,
        event_id: input.event_id,
        status: SurveyStatus::Draft,
        version: 1,
        created_by,
        client_mutation_id: input.client_mutation_id,
        created_at: now,
        updated_at: now,
    };
    survey::Entity::insert(survey::ActiveModel::from(survey.clone())).exec(&txn).await?;
    let rows: Vec<question::Model> = questions
        .iter()
        .zip(1..)
        .map(|(text, position)| question::Model {
            id: Uuid::now_v7(),
            survey_id: survey.id,
            position,
            text: text.clone(),
        })
        .collect();
    question::Entity::insert_many(rows.iter().cloned().map(question::ActiveModel::from)).exec(&txn).await?;
    client_mutation::Entity::insert(client_mutation::ActiveModel::from(client_mutation::Model {
        id: input.client_mutation_id,
        user_id: created_by,
        kind: KIND.to_owned(),
        payload_hash: hash.to_owned(),
        target_id: survey.id,
        created_at: now,
    }))
    .exec(&txn)
    .await?;
    let summary = json!({
        "title": survey.title, "conductedOn": survey.conducted_on, "questions": questions,
        "eventId": survey.event_id, "clientMutationId": survey.client_mutation_id,
    });
    audit(&txn, actor, "survey.create", &survey, summary).await?;
    txn.commit().await?;
    Ok(SurveyRecord { survey, questions: rows })
}
