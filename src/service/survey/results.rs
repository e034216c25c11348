//! A survey's results, ward-wide or for one group: ballots counted and answers grouped by question and
//! level in the database (`GROUP BY`, over the answers' index), never ballots read one by one, so the
//! cost is one row per question and level whatever the number of ballots.
//!
//! Rates: a question's is its very satisfied and satisfied answers over the ballots that answered it
//! (a question left blank counts for nothing); the survey's is the same over all answers to all
//! questions. Both are null when nothing was answered.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Asterisk, Expr, ExprTrait, Query},
};
use uuid::Uuid;

use super::{SurveyRecord, get, reads_group_results, reads_ward_results};
use crate::{
    auth::Actor,
    domain::survey::{LevelCounts, SatisfactionLevel, satisfaction_rate},
    entities::{survey_answer as answer, survey_ballot as ballot, survey_question as question},
    error::{AppError, AppResult, Missing},
    service,
};

/// The results of a survey over the ward or one group.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyResults {
    /// The survey.
    pub survey: SurveyRecord,
    /// The group the figures are of; none for the whole ward.
    pub group_id: Option<Uuid>,
    /// Ballots recorded.
    pub ballot_count: u64,
    /// Each question, in ballot order.
    pub questions: Vec<QuestionResults>,
}

/// The answers to one question.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionResults {
    /// The question.
    pub question: question::Model,
    /// Answers at each level, in scale order.
    pub counts: LevelCounts,
}

impl QuestionResults {
    /// Ballots that answered the question.
    pub fn answer_count(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Very satisfied and satisfied over the ballots that answered; none when none did.
    pub fn satisfaction_rate(&self) -> Option<f64> {
        satisfaction_rate(&self.counts)
    }
}

impl SurveyResults {
    /// Very satisfied and satisfied over all answers to all questions; none without a ballot.
    pub fn satisfaction_rate(&self) -> Option<f64> {
        let mut all = [0; 4];
        for question in &self.questions {
            for (total, count) in all.iter_mut().zip(question.counts) {
                *total += count;
            }
        }
        satisfaction_rate(&all)
    }
}

/// The results of `survey_id` for `group_id`, or for the whole ward without one. Leaders read their
/// group's only; asking a leader's survey for the whole ward is `FORBIDDEN`.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn results(
    db: &impl ConnectionTrait,
    actor: &Actor,
    survey_id: Uuid,
    group_id: Option<Uuid>,
) -> AppResult<SurveyResults> {
    let survey = get(db, actor, survey_id).await?;
    let ward_id = survey.survey.ward_id;
    match group_id {
        Some(group_id) => {
            let group = service::group::get(db, actor, group_id).await?;
            if group.ward_id != ward_id {
                return Err(AppError::bad_input("groupId", "the group is not in the survey's ward"));
            }
            if !reads_group_results(actor, group.id, ward_id) {
                return Err(AppError::NotFound(Missing::Group));
            }
        }
        None if !reads_ward_results(actor, ward_id) => {
            return Err(AppError::Forbidden(
                "group leaders read the results of their own group: give its groupId",
            ));
        }
        None => {}
    }
    // One statement, so the ballots and the answers are counted in one snapshot. Every ballot answers
    // at least one question, so no answer row means no ballot.
    let mut ballots = Query::select()
        .expr(Expr::col(Asterisk).count())
        .from(ballot::Entity)
        .and_where(ballot::Column::SurveyId.eq(survey_id))
        .to_owned();
    let mut answers = answer::Entity::find().filter(answer::Column::SurveyId.eq(survey_id));
    if let Some(group_id) = group_id {
        ballots.and_where(ballot::Column::GroupId.eq(group_id));
        answers = answers.filter(answer::Column::GroupId.eq(group_id));
    }
    let rows: Vec<(Uuid, SatisfactionLevel, i64, i64)> = answers
        .select_only()
        .column(answer::Column::QuestionId)
        .column(answer::Column::Rating)
        .column_as(Expr::col(Asterisk).count(), "answers")
        .column_as(Expr::from(ballots), "ballots")
        .group_by(answer::Column::QuestionId)
        .group_by(answer::Column::Rating)
        .into_tuple()
        .all(db)
        .await?;
    let ballot_count =
        rows.first().map_or(0, |(_, _, _, ballots)| u64::try_from(*ballots).unwrap_or_default());
    let mut counts: HashMap<Uuid, LevelCounts> = HashMap::new();
    for (question_id, rating, n, _) in rows {
        let slot = SatisfactionLevel::SCALE.iter().position(|level| *level == rating).unwrap_or_default();
        counts.entry(question_id).or_default()[slot] = u64::try_from(n).unwrap_or_default();
    }
    let questions = survey
        .questions
        .iter()
        .map(|q| QuestionResults {
            question: q.clone(),
            counts: counts.get(&q.id).copied().unwrap_or_default(),
        })
        .collect();
    Ok(SurveyResults { survey, group_id, ballot_count, questions })
}
