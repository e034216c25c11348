//! Creating a survey (idempotent on its `clientMutationId`, in `create`), changing it while it is a
//! draft, and opening and closing it: DRAFT → OPEN → CLOSED, each change at the version the caller saw
//! (`change`). Officials of the survey's ward and administrators only. What both check and write (the
//! title, the questions, the audit event) lives here.

mod change;
mod create;

pub(in crate::service) use change::{close, open, update};
pub(in crate::service) use create::create;

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use serde_json::Value;
use uuid::Uuid;

use super::{MAX_QUESTION_CHARS, MAX_QUESTIONS};
use crate::{
    auth::Actor,
    domain::fields::Name,
    entities::satisfaction_survey as survey,
    error::{AppError, AppResult},
    service::{self, audit::AuditEntry},
};

/// The kind of a survey's idempotency key, and part of its payload hash.
const KIND: &str = "satisfaction_survey";

/// A new survey as an office sends it.
#[derive(Debug, Clone)]
pub struct NewSurvey {
    /// UUID made by the client: the idempotency key.
    pub client_mutation_id: Uuid,
    /// The ward whose police the survey is about.
    pub ward_id: Uuid,
    /// Title (1–200 characters).
    pub title: String,
    /// The day the ballots were filled in.
    pub conducted_on: NaiveDate,
    /// The questions, in ballot order (1–30, each 1–500 characters).
    pub questions: Vec<String>,
    /// The festival or forum it is taken at, of the same ward.
    pub event_id: Option<Uuid>,
}

/// Changes to a draft survey; omitted fields stay.
#[derive(Debug, Clone, Default)]
pub struct SurveyPatch {
    /// New title.
    pub title: Option<String>,
    /// New day.
    pub conducted_on: Option<NaiveDate>,
    /// New questions, in ballot order: the question at a position that remains keeps its id.
    pub questions: Option<Vec<String>>,
    /// The event it is taken at: `Some(None)` says it is taken at none.
    pub event_id: Option<Option<Uuid>>,
}

fn forbidden() -> AppError {
    AppError::Forbidden("only ward officials and administrators manage satisfaction surveys")
}

fn parse_title(title: &str) -> AppResult<String> {
    Name::parse_as(title, "title").map(|t| t.as_str().to_owned()).map_err(|m| AppError::bad_input("title", m))
}

/// The questions, trimmed: 1 to 30, each 1–500 characters without control characters, none twice.
fn parse_questions(questions: &[String]) -> AppResult<Vec<String>> {
    if questions.is_empty() || questions.len() > MAX_QUESTIONS {
        return Err(AppError::bad_input("questions", format!("a survey has 1 to {MAX_QUESTIONS} questions")));
    }
    let mut parsed: Vec<String> = Vec::with_capacity(questions.len());
    for (index, text) in questions.iter().enumerate() {
        let field = || format!("questions.{index}.text");
        let text = text.trim();
        if text.is_empty() || text.chars().count() > MAX_QUESTION_CHARS {
            return Err(AppError::bad_input(
                field(),
                format!("a question has 1 to {MAX_QUESTION_CHARS} characters"),
            ));
        }
        if text.chars().any(char::is_control) {
            return Err(AppError::bad_input(field(), "a question must not contain control characters"));
        }
        if parsed.iter().any(|earlier| earlier == text) {
            return Err(AppError::bad_input(field(), "the same question is asked twice"));
        }
        parsed.push(text.to_owned());
    }
    Ok(parsed)
}

/// `NOT_FOUND` unless the actor sees event `event_id`; `BAD_USER_INPUT` on `eventId` unless it was
/// held in ward `ward_id`.
async fn check_event(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Uuid,
    event_id: Uuid,
) -> AppResult<()> {
    let event = service::movement_event::get(db, actor, event_id).await?;
    if event.ward_id != ward_id {
        return Err(AppError::bad_input("eventId", "the event was held in another ward"));
    }
    Ok(())
}

async fn audit(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &'static str,
    survey: &survey::Model,
    summary: Value,
) -> AppResult<()> {
    let entry = AuditEntry {
        action,
        target_type: "satisfaction_survey",
        target_id: Some(survey.id),
        ward_id: Some(survey.ward_id),
        summary,
    };
    service::audit::record(db, Some(actor.user_id), entry).await
}
