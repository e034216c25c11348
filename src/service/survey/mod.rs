//! Residents' satisfaction surveys of the ward police: who sees which survey, one survey with its
//! questions, a ward's surveys page by page.
//!
//! Creating, changing, opening and closing live in `manage`; ballots typed in from paper in `ballots`
//! (what a ballot as sent must be, in `ballot_input`; ballots read back, in `ballot_rows`); the counts
//! per question and level in `results`.
//!
//! Who may do what, in one place: officials of the survey's ward and administrators manage surveys and
//! read every result of the ward; a group leader sees the surveys of their group's ward, records the
//! ballots of their group and reads their group's results only. Nothing here lets anyone read whose
//! ballot is whose: a ballot names its group and nothing else.

mod ballot_input;
mod ballot_rows;
mod ballot_writes;
mod ballots;
mod manage;
mod results;

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select, sea_query::Query,
};
use uuid::Uuid;

pub use ballot_input::{AnswerInput, BallotInput};
pub(in crate::service) use ballot_rows::ballots_by_ids;
pub use ballot_rows::{AnswerRecord, BallotRecord};
pub(in crate::service) use ballots::record_ballots;
pub use manage::{NewSurvey, SurveyPatch};
pub(in crate::service) use manage::{close, create, open, update};
pub(in crate::service) use results::{Over, Tally, results, tally};
pub use results::{QuestionResults, SurveyResults};

use super::page::{Cursor, Page, Paging, newest_first};
use crate::{
    auth::Actor,
    entities::{satisfaction_survey as survey, survey_ballot as ballot, survey_question as question},
    error::{AppError, AppResult, Missing},
};

/// Most questions a survey may have.
pub const MAX_QUESTIONS: usize = 30;
/// Longest question, in characters.
pub const MAX_QUESTION_CHARS: usize = 500;
/// Most ballots one `recordSurveyBallots` call may carry.
pub const MAX_BALLOTS: usize = 500;

/// A survey with its questions in ballot order.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyRecord {
    /// The survey.
    pub survey: survey::Model,
    /// Its questions, by position.
    pub questions: Vec<question::Model>,
}

/// The surveys `actor` may see: all for admins; else those of the wards they are an official or the
/// police of, or lead a group in (a leader types in their group's ballots, so sees the questions).
pub(in crate::service) fn visible(actor: &Actor) -> Select<survey::Entity> {
    let query = survey::Entity::find();
    if actor.is_admin() {
        return query;
    }
    query.filter(survey::Column::WardId.is_in(actor.visible_ward_ids()))
}

/// May manage the surveys of `ward_id` (create, change, open, close) and read all of its results.
pub(in crate::service) fn governs(actor: &Actor, ward_id: Uuid) -> bool {
    actor.governs_ward(ward_id)
}

/// May read the whole ward's results of a survey of `ward_id`: whoever manages it, and the ward police,
/// whose work the survey judges.
pub(in crate::service) fn reads_ward_results(actor: &Actor, ward_id: Uuid) -> bool {
    governs(actor, ward_id) || actor.police_wards().contains(&ward_id)
}

/// May read the results (and ballots) of group `group_id` of ward `ward_id`: whoever reads the whole
/// ward's, and the group's leaders.
pub(in crate::service) fn reads_group_results(actor: &Actor, group_id: Uuid, ward_id: Uuid) -> bool {
    reads_ward_results(actor, ward_id) || actor.covers_group(group_id, ward_id)
}

/// The ballots `actor` may read, in the query: those of the groups whose results they may read (see
/// `reads_group_results`: the officials' and the police's wards, and the leaders' groups).
pub(in crate::service) fn readable_ballots(actor: &Actor) -> Select<ballot::Entity> {
    let query = ballot::Entity::find();
    if actor.is_admin() {
        return query;
    }
    let governed_surveys = Query::select()
        .column(survey::Column::Id)
        .from(survey::Entity)
        .and_where(survey::Column::WardId.is_in(actor.report_wards()))
        .to_owned();
    query.filter(
        Condition::any()
            .add(ballot::Column::SurveyId.in_subquery(governed_surveys))
            .add(ballot::Column::GroupId.is_in(actor.leader_group_ids())),
    )
}

/// One survey with its questions, or `NOT_FOUND`.
pub(in crate::service) async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<SurveyRecord> {
    read_one(db, visible(actor).filter(survey::Column::Id.eq(id))).await
}

/// Like `get`, with the survey's row locked against changes until the transaction ends (PostgreSQL;
/// SQLite's writers run one at a time already): ballots are then written under the status they were
/// decided against, never after a concurrent `closeSurvey`.
pub(in crate::service) async fn get_locked(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<SurveyRecord> {
    read_one(db, visible(actor).filter(survey::Column::Id.eq(id)).lock_shared()).await
}

async fn read_one(db: &impl ConnectionTrait, query: Select<survey::Entity>) -> AppResult<SurveyRecord> {
    let survey = query.one(db).await?.ok_or(AppError::NotFound(Missing::Survey))?;
    let questions = questions_of(db, &[survey.id]).await?.remove(&survey.id).unwrap_or_default();
    Ok(SurveyRecord { survey, questions })
}

/// The questions of each of `survey_ids`, by position (unscoped: for surveys already read in scope).
async fn questions_of(
    db: &impl ConnectionTrait,
    survey_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<question::Model>>> {
    let rows = question::Entity::find()
        .filter(question::Column::SurveyId.is_in(survey_ids.iter().copied()))
        .order_by_asc(question::Column::SurveyId)
        .order_by_asc(question::Column::Position)
        .all(db)
        .await?;
    let mut by_survey: HashMap<Uuid, Vec<question::Model>> = HashMap::new();
    for row in rows {
        by_survey.entry(row.survey_id).or_default().push(row);
    }
    Ok(by_survey)
}

/// Attaches its questions to each survey, in two queries whatever the number.
async fn with_questions(
    db: &impl ConnectionTrait,
    surveys: Vec<survey::Model>,
) -> AppResult<Vec<SurveyRecord>> {
    let ids: Vec<Uuid> = surveys.iter().map(|s| s.id).collect();
    let mut questions = if ids.is_empty() { HashMap::new() } else { questions_of(db, &ids).await? };
    Ok(surveys
        .into_iter()
        .map(|survey| {
            let questions = questions.remove(&survey.id).unwrap_or_default();
            SurveyRecord { survey, questions }
        })
        .collect())
}

/// The surveys among `ids` the actor may see, with their questions.
pub(in crate::service) async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, SurveyRecord>> {
    let rows = visible(actor).filter(survey::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    Ok(with_questions(db, rows).await?.into_iter().map(|s| (s.survey.id, s)).collect())
}

/// The questions among `ids` whose survey the actor may see.
pub(in crate::service) async fn questions_by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, question::Model>> {
    let mut query = question::Entity::find().filter(question::Column::Id.is_in(ids.iter().copied()));
    if !actor.is_admin() {
        let surveys = visible(actor).select_only().column(survey::Column::Id).into_query();
        query = query.filter(question::Column::SurveyId.in_subquery(surveys));
    }
    Ok(query.all(db).await?.into_iter().map(|q| (q.id, q)).collect())
}

/// The cursor of a survey in `list` (newest created first).
pub fn cursor(survey: &SurveyRecord) -> Cursor {
    Cursor { sort_key: String::new(), id: survey.survey.id }
}

/// A page of the surveys of `ward_id`, newest created first; `NOT_FOUND` for a ward the actor may not
/// see.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Uuid,
    request: &Paging,
) -> AppResult<Page<SurveyRecord>> {
    super::ward::get(db, actor, ward_id).await?;
    let query = visible(actor).filter(survey::Column::WardId.eq(ward_id));
    let total_count = if request.with_total { Some(query.clone().count(db).await?) } else { None };
    let rows = newest_first(query, survey::Column::Id, request).all(db).await?;
    let Page { items, has_next_page, has_previous_page, total_count } =
        Page::from_rows(rows, request, total_count);
    let items = with_questions(db, items).await?;
    Ok(Page { items, has_next_page, has_previous_page, total_count })
}

/// The surveys of `ward_id` the actor may see that were conducted from `first` to `last` and put to
/// residents (a draft never was), with their questions, by the day conducted.
pub(in crate::service) async fn conducted_between(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ward_id: Uuid,
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
) -> AppResult<Vec<SurveyRecord>> {
    let rows = visible(actor)
        .filter(survey::Column::WardId.eq(ward_id))
        .filter(survey::Column::ConductedOn.between(first, last))
        .filter(survey::Column::Status.ne(crate::domain::survey::SurveyStatus::Draft))
        .order_by_asc(survey::Column::ConductedOn)
        .order_by_asc(survey::Column::Id)
        .all(db)
        .await?;
    with_questions(db, rows).await
}
