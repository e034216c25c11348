//! Residents' satisfaction surveys of the ward police: the `SatisfactionSurvey`, `SurveyQuestion` and
//! `SurveyBallot` types, `satisfactionSurveys` and `satisfactionSurvey`. The mutations live in
//! `mutation`, `surveyResults` and its types in `results`.

mod mutation;
mod results;

use async_graphql::{Context, Enum, ID, Object, Result};

pub use mutation::SurveyMutation;
pub use results::{SurveyResults, SurveyResultsQuery};

use super::{
    connection::{SatisfactionSurveyConnection, page_request, to_connection},
    context::{parse_id, scope, signed_in},
    group::ResidentialGroup,
    movement_event::MovementEvent,
    scalars::{Date, DateTime},
    ward::Ward,
};
use crate::{
    error::{AppError, Missing},
    service::{
        self,
        records::{AnswerRecord, BallotRecord, SurveyQuestionRecord, SurveyRecord},
    },
};

/// Where a survey stands: `DRAFT` → `OPEN` → `CLOSED`, never back.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "SurveyStatus", remote = "crate::domain::survey::SurveyStatus")]
pub enum SurveyStatus {
    /// Being prepared; its title, day and questions may still change.
    Draft,
    /// Ballots are being typed in.
    Open,
    /// Finished: no more ballots.
    Closed,
}

/// How satisfied a resident is, on the paper ballot's four levels, best first.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "SatisfactionLevel", remote = "crate::domain::survey::SatisfactionLevel")]
pub enum SatisfactionLevel {
    /// Rất hài lòng: counts as satisfied.
    VerySatisfied,
    /// Hài lòng: counts as satisfied.
    Satisfied,
    /// Bình thường.
    Neutral,
    /// Không hài lòng.
    Dissatisfied,
}

/// A residents' satisfaction survey of the ward police, taken on paper ballots.
pub struct SatisfactionSurvey(pub SurveyRecord);

/// A residents' satisfaction survey of the ward police, taken on paper ballots and typed in afterwards.
#[Object]
impl SatisfactionSurvey {
    /// Unique id, across every type: `node(id:)` fetches the survey again.
    pub(super) async fn id(&self) -> ID {
        ID(self.0.survey.id.to_string())
    }

    /// The ward whose police the survey is about.
    async fn ward(&self, ctx: &Context<'_>) -> Result<Ward> {
        let ward = signed_in(ctx)?.wards().load_one(self.0.survey.ward_id).await?;
        Ok(ward.ok_or(AppError::NotFound(Missing::Ward))?.into())
    }

    /// Title, e.g. "Khảo sát sự hài lòng của Nhân dân đối với Công an phường năm 2023".
    async fn title(&self) -> &str {
        &self.0.survey.title
    }

    /// The day the ballots were filled in.
    async fn conducted_on(&self) -> Date {
        Date::from(self.0.survey.conducted_on)
    }

    /// The festival or forum it was taken at, when it names one and the caller may see it (the ward
    /// police see the survey, not the ward's movement events).
    async fn event(&self, ctx: &Context<'_>) -> Result<Option<MovementEvent>> {
        let Some(event_id) = self.0.survey.event_id else { return Ok(None) };
        Ok(signed_in(ctx)?.movement_events().load_one(event_id).await?.map(MovementEvent))
    }

    /// Where the survey stands.
    async fn status(&self) -> SurveyStatus {
        self.0.survey.status.into()
    }

    /// Bumped by every change: send it back as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.survey.version
    }

    /// The questions, in ballot order; each is answered on the four-level scale.
    async fn questions(&self) -> Vec<SurveyQuestion> {
        self.0.questions.iter().cloned().map(SurveyQuestion).collect()
    }

    /// The idempotency key it was created with.
    async fn client_mutation_id(&self) -> ID {
        ID(self.0.survey.client_mutation_id.to_string())
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.survey.created_at)
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.survey.updated_at)
    }
}

/// Loads the survey `id` for a nested field.
async fn load_survey(ctx: &Context<'_>, id: uuid::Uuid) -> Result<SatisfactionSurvey> {
    let survey = signed_in(ctx)?.surveys().load_one(id).await?;
    Ok(SatisfactionSurvey(survey.ok_or(AppError::NotFound(Missing::Survey))?))
}

/// One question of a survey.
pub struct SurveyQuestion(pub SurveyQuestionRecord);

/// One question of a survey, in its place on the ballot.
#[Object]
impl SurveyQuestion {
    /// Unique id, across every type: `node(id:)` fetches the question again. Ballots name it as
    /// `questionId`.
    pub(super) async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The survey.
    async fn survey(&self, ctx: &Context<'_>) -> Result<SatisfactionSurvey> {
        load_survey(ctx, self.0.survey_id).await
    }

    /// Its place on the ballot, from 1.
    async fn position(&self) -> i32 {
        self.0.position
    }

    /// What the ballot asks.
    async fn text(&self) -> &str {
        &self.0.text
    }
}

/// One paper ballot as typed in.
pub struct SurveyBallot(pub BallotRecord);

/// One paper ballot as typed in: the residential group whose residents filled it in and its answers.
/// It names no household, no person and not who typed it.
#[Object]
impl SurveyBallot {
    /// Unique id, across every type: `node(id:)` fetches the ballot again.
    pub(super) async fn id(&self) -> ID {
        ID(self.0.ballot.id.to_string())
    }

    /// The survey.
    async fn survey(&self, ctx: &Context<'_>) -> Result<SatisfactionSurvey> {
        load_survey(ctx, self.0.ballot.survey_id).await
    }

    /// The residential group.
    async fn group(&self, ctx: &Context<'_>) -> Result<ResidentialGroup> {
        let group = signed_in(ctx)?.groups().load_one(self.0.ballot.group_id).await?;
        Ok(group.ok_or(AppError::NotFound(Missing::Group))?.into())
    }

    /// The questions answered, in ballot order; a question left blank is absent.
    async fn answers(&self) -> Vec<SurveyAnswer> {
        self.0.answers.iter().cloned().map(SurveyAnswer).collect()
    }

    /// When it was typed in.
    async fn recorded_at(&self) -> DateTime {
        DateTime(self.0.ballot.recorded_at)
    }
}

/// A ballot's answer to one question.
pub struct SurveyAnswer(AnswerRecord);

/// A ballot's answer to one question.
#[Object]
impl SurveyAnswer {
    /// The question.
    async fn question(&self, ctx: &Context<'_>) -> Result<SurveyQuestion> {
        let question = signed_in(ctx)?.survey_questions().load_one(self.0.question_id).await?;
        Ok(SurveyQuestion(question.ok_or(AppError::NotFound(Missing::Object))?))
    }

    /// How satisfied.
    async fn rating(&self) -> SatisfactionLevel {
        self.0.rating.into()
    }
}

/// Queries on satisfaction surveys.
#[derive(Default)]
pub struct SurveyQuery;

#[Object]
impl SurveyQuery {
    /// A ward's satisfaction surveys, newest created first: for its officials, administrators and the
    /// leaders of its groups; `NOT_FOUND` for a ward outside the caller's scope.
    async fn satisfaction_surveys(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ward.")] ward_id: ID,
        #[graphql(desc = "How many surveys, 0 to 100 (default 20).")] first: Option<i64>,
        #[graphql(desc = "Start after this cursor, taken from a previous page.")] after: Option<String>,
        #[graphql(desc = "Instead of `first`: how many surveys from the end, 0 to 100.")] last: Option<i64>,
        #[graphql(desc = "End before this cursor, taken from a previous page.")] before: Option<String>,
    ) -> Result<SatisfactionSurveyConnection> {
        let scope = scope(ctx)?;
        let ward_id = parse_id(&ward_id, "wardId")?;
        let page_request = page_request(ctx, first, after, last, before)?;
        let page = scope.surveys().list(ward_id, &page_request).await?;
        Ok(to_connection(page, service::survey::cursor, SatisfactionSurvey))
    }

    /// One survey; `NOT_FOUND` when it does not exist or its ward lies outside the caller's scope.
    async fn satisfaction_survey(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The survey's id.")] id: ID,
    ) -> Result<SatisfactionSurvey> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        Ok(SatisfactionSurvey(scope.surveys().get(id).await?))
    }
}
