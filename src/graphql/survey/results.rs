//! `surveyResults`: a survey's figures for one group or the whole ward, per question and level.

use async_graphql::{Context, ID, Object, Result, SimpleObject};

use super::{SatisfactionLevel, SatisfactionSurvey, SurveyQuestion};
use crate::{
    domain::survey::SatisfactionLevel as Level,
    error::{AppError, Missing},
    graphql::{
        context::{parse_id, scope, signed_in},
        group::ResidentialGroup,
    },
    service::survey::{QuestionResults as QuestionFigures, SurveyResults as Figures},
};

/// A survey's results over the ward or one of its groups.
pub struct SurveyResults(pub Figures);

/// A survey's results over the ward or one of its groups.
#[Object]
impl SurveyResults {
    /// The survey.
    async fn survey(&self) -> SatisfactionSurvey {
        SatisfactionSurvey(self.0.survey.clone())
    }

    /// The group the figures are of; null for the whole ward.
    async fn group(&self, ctx: &Context<'_>) -> Result<Option<ResidentialGroup>> {
        let Some(group_id) = self.0.group_id else { return Ok(None) };
        let group = signed_in(ctx)?.groups().load_one(group_id).await?;
        Ok(Some(group.ok_or(AppError::NotFound(Missing::Group))?.into()))
    }

    /// Ballots recorded.
    async fn ballot_count(&self) -> u64 {
        self.0.ballot_count
    }

    /// Very satisfied and satisfied answers over all answers to all questions, from 0 to 1 (a question
    /// left blank counts for nothing); null when there is no ballot.
    async fn satisfaction_rate(&self) -> Option<f64> {
        self.0.satisfaction_rate()
    }

    /// Each question, in ballot order.
    async fn questions(&self) -> Vec<SurveyQuestionResults> {
        self.0.questions.iter().cloned().map(SurveyQuestionResults).collect()
    }
}

/// The answers to one question.
pub struct SurveyQuestionResults(QuestionFigures);

/// The answers to one question.
#[Object]
impl SurveyQuestionResults {
    /// The question.
    async fn question(&self) -> SurveyQuestion {
        SurveyQuestion(self.0.question.clone())
    }

    /// Ballots that answered it.
    async fn answer_count(&self) -> u64 {
        self.0.answer_count()
    }

    /// Answers at each level: always the four levels, in scale order, zeros included.
    async fn counts(&self) -> Vec<SatisfactionLevelCount> {
        Level::SCALE
            .iter()
            .zip(self.0.counts)
            .map(|(level, count)| SatisfactionLevelCount { level: (*level).into(), count })
            .collect()
    }

    /// Very satisfied and satisfied over the ballots that answered it, from 0 to 1; null when none did.
    async fn satisfaction_rate(&self) -> Option<f64> {
        self.0.satisfaction_rate()
    }
}

/// How many answers are at one level.
#[derive(SimpleObject)]
pub struct SatisfactionLevelCount {
    /// The level.
    pub level: SatisfactionLevel,
    /// Answers at it.
    pub count: u64,
}

/// `surveyResults`.
#[derive(Default)]
pub struct SurveyResultsQuery;

#[Object]
impl SurveyResultsQuery {
    /// A survey's results for one group, or for the whole ward without `groupId`: officials of the
    /// ward and administrators read both; a group leader reads their group's (the whole ward is
    /// `FORBIDDEN` to them). Counted in the database, per question and level.
    async fn survey_results(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The survey.")] survey_id: ID,
        #[graphql(desc = "A group of the survey's ward; omit for the whole ward.")] group_id: Option<ID>,
    ) -> Result<SurveyResults> {
        let scope = scope(ctx)?;
        let survey_id = parse_id(&survey_id, "surveyId")?;
        let group_id = group_id.as_ref().map(|id| parse_id(id, "groupId")).transpose()?;
        Ok(SurveyResults(scope.surveys().results(survey_id, group_id).await?))
    }
}
