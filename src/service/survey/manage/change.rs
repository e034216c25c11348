//! Changing a draft survey, and opening and closing it, each at the version the caller saw.

use chrono::NaiveDate;
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::Expr,
};
use serde_json::json;
use uuid::Uuid;

use super::{SurveyPatch, audit, check_event, forbidden, parse_questions, parse_title};
use crate::{
    auth::Actor,
    domain::survey::SurveyStatus,
    entities::{satisfaction_survey as survey, survey_question as question},
    error::{AppError, AppResult, Missing},
    service::{
        self,
        survey::{SurveyRecord, get, governs},
    },
};

fn version_conflict(current_version: i32) -> AppError {
    AppError::Conflict {
        message: format!(
            "the survey was changed by someone else (now at version {current_version}); reload it and try again"
        ),
        extensions: vec![("currentVersion", async_graphql::Value::from(current_version))],
    }
}

/// Reads the survey the actor manages, at `expected_version`, and moves it to `version + 1` with
/// `status`, in `txn`: the version condition makes the write itself the check, so of two changes racing
/// from one version the second matches no row.
async fn bump(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    check: impl FnOnce(&SurveyRecord) -> AppResult<SurveyPatchRow>,
) -> AppResult<(SurveyRecord, SurveyPatchRow)> {
    let current = get(txn, actor, id).await?;
    if !governs(actor, current.survey.ward_id) {
        return Err(AppError::NotFound(Missing::Survey));
    }
    if current.survey.version != expected_version {
        return Err(version_conflict(current.survey.version));
    }
    let row = check(&current)?;
    let changed = survey::Entity::update_many()
        .col_expr(survey::Column::Title, Expr::value(row.title.clone()))
        .col_expr(survey::Column::ConductedOn, Expr::value(row.conducted_on))
        .col_expr(survey::Column::EventId, Expr::value(row.event_id))
        .col_expr(survey::Column::Status, Expr::value(row.status))
        .col_expr(survey::Column::Version, Expr::value(expected_version + 1))
        .col_expr(survey::Column::UpdatedAt, Expr::value(service::now()))
        .filter(survey::Column::Id.eq(id))
        .filter(survey::Column::Version.eq(expected_version))
        .exec(txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(AppError::conflict("the survey changed meanwhile; reload it and try again"));
    }
    Ok((current, row))
}

/// The survey's own columns a change sets.
struct SurveyPatchRow {
    title: String,
    conducted_on: NaiveDate,
    event_id: Option<Uuid>,
    status: SurveyStatus,
}

fn only_drafts_change(status: SurveyStatus) -> AppResult<()> {
    if status == SurveyStatus::Draft {
        return Ok(());
    }
    Err(AppError::conflict(format!(
        "the survey is {}: only a {} survey can change, so that every ballot answers the same questions",
        status.to_value(),
        SurveyStatus::Draft.to_value()
    )))
}

/// Changes a survey while it is `DRAFT`, at `expected_version`.
#[tracing::instrument(skip(db, actor, patch))]
pub(in crate::service) async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    patch: SurveyPatch,
) -> AppResult<SurveyRecord> {
    if !actor.is_official_anywhere() {
        return Err(forbidden());
    }
    let title = patch.title.as_deref().map(parse_title).transpose()?;
    let questions = patch.questions.as_deref().map(parse_questions).transpose()?;
    let (_turn, txn) = service::begin_write(db).await?;
    let (current, row) = bump(&txn, actor, id, expected_version, |current| {
        only_drafts_change(current.survey.status)?;
        Ok(SurveyPatchRow {
            title: title.clone().unwrap_or_else(|| current.survey.title.clone()),
            conducted_on: patch.conducted_on.unwrap_or(current.survey.conducted_on),
            event_id: patch.event_id.unwrap_or(current.survey.event_id),
            status: current.survey.status,
        })
    })
    .await?;
    if let Some(event_id) = row.event_id.filter(|id| Some(*id) != current.survey.event_id) {
        check_event(&txn, actor, current.survey.ward_id, event_id).await?;
    }
    if let Some(questions) = &questions {
        replace_questions(&txn, &current, questions).await?;
    }
    let survey = get(&txn, actor, id).await?;
    let summary = json!({
        "from": { "title": current.survey.title, "conductedOn": current.survey.conducted_on,
                  "eventId": current.survey.event_id, "questions": texts(&current) },
        "to": { "title": row.title, "conductedOn": row.conducted_on, "eventId": row.event_id,
                "questions": texts(&survey) },
        "version": survey.survey.version,
    });
    audit(&txn, actor, "survey.update", &survey.survey, summary).await?;
    txn.commit().await?;
    Ok(survey)
}

fn texts(survey: &SurveyRecord) -> Vec<&str> {
    survey.questions.iter().map(|q| q.text.as_str()).collect()
}

/// Makes the draft's questions `questions`: a position that remains keeps its question (and id) with
/// the new text, new positions get new questions, positions beyond the new last are removed. A draft
/// has no ballot, so nothing answers a removed question.
async fn replace_questions(
    txn: &impl ConnectionTrait,
    current: &SurveyRecord,
    questions: &[String],
) -> AppResult<()> {
    let survey_id = current.survey.id;
    for (existing, text) in current.questions.iter().zip(questions) {
        if existing.text != *text {
            question::Entity::update_many()
                .col_expr(question::Column::Text, Expr::value(text.clone()))
                .filter(question::Column::Id.eq(existing.id))
                .exec(txn)
                .await?;
        }
    }
    let kept = current.questions.len().min(questions.len());
    if current.questions.len() > kept {
        let removed = current.questions[kept..].iter().map(|q| q.id);
        question::Entity::delete_many().filter(question::Column::Id.is_in(removed)).exec(txn).await?;
    }
    if questions.len() > kept {
        let added =
            questions[kept..].iter().zip(kept as i32 + 1..).map(|(text, position)| question::ActiveModel {
                id: Set(Uuid::now_v7()),
                survey_id: Set(survey_id),
                position: Set(position),
                text: Set(text.clone()),
            });
        question::Entity::insert_many(added).exec(txn).await?;
    }
    Ok(())
}

/// Opens a draft survey for ballots (DRAFT → OPEN), at `expected_version`.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn open(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
) -> AppResult<SurveyRecord> {
    transition(db, actor, id, expected_version, SurveyStatus::Open).await
}

/// Closes an open survey (OPEN → CLOSED), at `expected_version`: no more ballots.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn close(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
) -> AppResult<SurveyRecord> {
    transition(db, actor, id, expected_version, SurveyStatus::Closed).await
}

async fn transition(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    to: SurveyStatus,
) -> AppResult<SurveyRecord> {
    if !actor.is_official_anywhere() {
        return Err(forbidden());
    }
    let (_turn, txn) = service::begin_write(db).await?;
    let (current, _) = bump(&txn, actor, id, expected_version, |current| {
        let from = current.survey.status;
        let allowed = matches!(
            (from, to),
            (SurveyStatus::Draft, SurveyStatus::Open) | (SurveyStatus::Open, SurveyStatus::Closed)
        );
        if !allowed {
            return Err(AppError::conflict(format!(
                "a {} survey cannot become {}: a survey goes DRAFT, OPEN, CLOSED, in that order",
                from.to_value(),
                to.to_value()
            )));
        }
        Ok(SurveyPatchRow {
            title: current.survey.title.clone(),
            conducted_on: current.survey.conducted_on,
            event_id: current.survey.event_id,
            status: to,
        })
    })
    .await?;
    let survey = get(&txn, actor, id).await?;
    let action = if to == SurveyStatus::Open { "survey.open" } else { "survey.close" };
    let summary = json!({
        "from": current.survey.status.to_value(), "to": to.to_value(), "version": survey.survey.version,
    });
    audit(&txn, actor, action, &survey.survey, summary).await?;
    txn.commit().await?;
    Ok(survey)
}
