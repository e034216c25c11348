//! A survey's results, ward-wide or for one group: ballots counted and answers grouped by question and
//! level in the database (`GROUP BY`, over the answers' index), never ballots read one by one, so the
//! cost is one row per question and level whatever the number of ballots. `tally` counts several
//! surveys at once, per group when asked (the year-end report's figures).
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
    let over = match group_id {
        Some(group_id) => Over::EachGroup(Some(vec![group_id])),
        None => Over::Ward,
    };
    let tally = tally(db, &[survey_id], &over).await?.pop().unwrap_or_default();
    Ok(SurveyResults::of(survey, group_id, &tally))
}

/// What a tally counts over: the ward as a whole, or each group apart (only the groups listed, when
/// some are).
#[derive(Debug, Clone)]
pub(in crate::service) enum Over {
    /// Every ballot of the survey together.
    Ward,
    /// Each group's ballots apart.
    EachGroup(Option<Vec<Uuid>>),
}

/// The ballots of one survey (over the ward, or one group) and their answers per question and level.
#[derive(Debug, Clone, Default, PartialEq)]
pub(in crate::service) struct Tally {
    /// The survey.
    pub survey_id: Uuid,
    /// The group, when counted per group.
    pub group_id: Option<Uuid>,
    /// Ballots recorded.
    pub ballots: u64,
    /// Answers per question, at each level in scale order.
    pub counts: HashMap<Uuid, LevelCounts>,
}

impl Tally {
    /// Adds `other`'s ballots and answers to this one's.
    pub fn add(&mut self, other: &Tally) {
        self.ballots += other.ballots;
        for (question, counts) in &other.counts {
            let total = self.counts.entry(*question).or_default();
            for (sum, count) in total.iter_mut().zip(counts) {
                *sum += count;
            }
        }
    }

    /// All answers to all questions, at each level.
    pub fn all_answers(&self) -> LevelCounts {
        let mut all = [0; 4];
        for counts in self.counts.values() {
            for (total, count) in all.iter_mut().zip(counts) {
                *total += count;
            }
        }
        all
    }
}

impl SurveyResults {
    /// The results of `survey` (for `group_id`, or the ward) from its tally.
    pub(in crate::service) fn of(survey: SurveyRecord, group_id: Option<Uuid>, tally: &Tally) -> Self {
        let questions = survey
            .questions
            .iter()
            .map(|q| QuestionResults {
                question: q.clone(),
                counts: tally.counts.get(&q.id).copied().unwrap_or_default(),
            })
            .collect();
        Self { survey, group_id, ballot_count: tally.ballots, questions }
    }
}

/// The tallies of `survey_ids` (read in scope by the caller) over `over`: one per survey, or per survey
/// and group, for those with a ballot. Counted in the database in one statement over the answers' index,
/// so the ballots and the answers come from one snapshot and the cost is a row per question and level
/// (and group), whatever the number of ballots. Every ballot answers at least one question, so no
/// answer row means no ballot.
pub(in crate::service) async fn tally(
    db: &impl ConnectionTrait,
    survey_ids: &[Uuid],
    over: &Over,
) -> AppResult<Vec<Tally>> {
    if survey_ids.is_empty() {
        return Ok(Vec::new());
    }
    let per_group = matches!(over, Over::EachGroup(_));
    let mut ballots = Query::select()
        .expr(Expr::col(Asterisk).count())
        .from(ballot::Entity)
        .and_where(
            Expr::col((ballot::Entity, ballot::Column::SurveyId))
                .equals((answer::Entity, answer::Column::SurveyId)),
        )
        .to_owned();
    let mut answers = answer::Entity::find()
        .filter(answer::Column::SurveyId.is_in(survey_ids.iter().copied()))
        .select_only()
        .column(answer::Column::SurveyId);
    if per_group {
        ballots.and_where(
            Expr::col((ballot::Entity, ballot::Column::GroupId))
                .equals((answer::Entity, answer::Column::GroupId)),
        );
        answers = answers.column(answer::Column::GroupId).group_by(answer::Column::GroupId);
    }
    if let Over::EachGroup(Some(groups)) = over {
        answers = answers.filter(answer::Column::GroupId.is_in(groups.iter().copied()));
    }
    let answers = answers
        .column(answer::Column::QuestionId)
        .column(answer::Column::Rating)
        .column_as(Expr::col(Asterisk).count(), "answers")
        .column_as(Expr::from(ballots), "ballots")
        .group_by(answer::Column::SurveyId)
        .group_by(answer::Column::QuestionId)
        .group_by(answer::Column::Rating);
    let rows: Vec<(Uuid, Option<Uuid>, Uuid, SatisfactionLevel, i64, i64)> = if per_group {
        let rows: Vec<(Uuid, Uuid, Uuid, SatisfactionLevel, i64, i64)> = answers.into_tuple().all(db).await?;
        rows.into_iter().map(|(s, g, q, r, n, b)| (s, Some(g), q, r, n, b)).collect()
    } else {
        let rows: Vec<(Uuid, Uuid, SatisfactionLevel, i64, i64)> = answers.into_tuple().all(db).await?;
        rows.into_iter().map(|(s, q, r, n, b)| (s, None, q, r, n, b)).collect()
    };
    let mut tallies: Vec<Tally> = Vec::new();
    let mut places: HashMap<(Uuid, Option<Uuid>), usize> = HashMap::new();
    for (survey_id, group_id, question_id, rating, n, ballots) in rows {
        let place = *places.entry((survey_id, group_id)).or_insert_with(|| {
            let ballots = u64::try_from(ballots).unwrap_or_default();
            tallies.push(Tally { survey_id, group_id, ballots, counts: HashMap::new() });
            tallies.len() - 1
        });
        let slot = SatisfactionLevel::SCALE.iter().position(|level| *level == rating).unwrap_or_default();
        tallies[place].counts.entry(question_id).or_default()[slot] = u64::try_from(n).unwrap_or_default();
    }
    Ok(tallies)
}
