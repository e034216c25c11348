//! `createSurvey`, `updateSurvey`, `openSurvey`, `closeSurvey` and `recordSurveyBallots`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};

use super::{SatisfactionLevel, SatisfactionSurvey, SurveyBallot};
use crate::{
    graphql::{
        context::{int32, optional_date, parse_id, scope},
        movement_year::patch,
        pledge::ItemError,
        scalars::Date,
    },
    service::survey::{AnswerInput, BallotInput, NewSurvey, SurveyPatch},
};

/// A question of a new or changed survey.
#[derive(InputObject)]
pub struct SurveyQuestionInput {
    /// What the ballot asks (1–500 characters; the same question twice is refused).
    pub text: String,
}

/// A new survey; it starts as `DRAFT`, at version 1.
#[derive(InputObject)]
pub struct CreateSurveyInput {
    /// A UUID made once by the client for this survey: sending it again (after a lost answer) returns
    /// the same survey and creates nothing.
    pub client_mutation_id: ID,
    /// The ward whose police the survey is about.
    pub ward_id: ID,
    /// Title (1–200 characters).
    pub title: String,
    /// The day the ballots are filled in.
    pub conducted_on: Date,
    /// The questions, in ballot order: 1 to 30.
    pub questions: Vec<SurveyQuestionInput>,
    /// The festival or forum (`MovementEvent.id`) of the same ward it is taken at, if any.
    pub event_id: Option<ID>,
}

/// Changes to a draft survey; omitted fields stay.
#[derive(InputObject)]
pub struct UpdateSurveyInput {
    /// New title (1–200 characters).
    pub title: Option<String>,
    /// New day.
    pub conducted_on: Option<Date>,
    /// New questions, in ballot order (1 to 30): the question at a position that remains keeps its id.
    pub questions: Option<Vec<SurveyQuestionInput>>,
    /// The festival or forum of the same ward it is taken at; `null` for none.
    pub event_id: MaybeUndefined<ID>,
}

/// A ballot's answer to one question.
#[derive(InputObject)]
pub struct SurveyAnswerInput {
    /// The question (`SurveyQuestion.id`), of this survey.
    pub question_id: ID,
    /// How satisfied.
    pub rating: SatisfactionLevel,
}

/// One paper ballot as typed in. Checked ballot by ballot, so one bad ballot fails alone.
#[derive(InputObject)]
pub struct SurveyBallotInput {
    /// A UUID made once for this ballot when it is typed in: sending it again with the same answers
    /// returns the same ballot and records nothing.
    pub client_mutation_id: ID,
    /// The questions answered, each at most once, at least one; leave out a question left blank.
    pub answers: Vec<SurveyAnswerInput>,
}

impl From<SurveyBallotInput> for BallotInput {
    fn from(input: SurveyBallotInput) -> Self {
        Self {
            client_mutation_id: input.client_mutation_id.0,
            answers: input
                .answers
                .into_iter()
                .map(|a| AnswerInput { question_id: a.question_id.0, rating: a.rating.into() })
                .collect(),
        }
    }
}

/// The outcome of one ballot of `recordSurveyBallots`: the ballot, or why not.
#[derive(SimpleObject)]
pub struct SurveyBallotResult {
    /// The ballot's `clientMutationId`, as sent.
    pub client_mutation_id: ID,
    /// The ballot, when it was recorded (now or before).
    pub ballot: Option<SurveyBallot>,
    /// Why it was not; `field` is relative to the ballot (`answers.2.questionId`).
    pub error: Option<ItemError>,
}

fn questions(questions: Vec<SurveyQuestionInput>) -> Vec<String> {
    questions.into_iter().map(|q| q.text).collect()
}

/// Mutations on satisfaction surveys.
#[derive(Default)]
pub struct SurveyMutation;

#[Object]
impl SurveyMutation {
    /// Creates a draft survey: `ADMIN` for any ward, `WARD_OFFICIAL` for their ward. The same
    /// `clientMutationId` again returns the same survey; with a different payload it is `CONFLICT`.
    async fn create_survey(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new survey.")] input: CreateSurveyInput,
    ) -> Result<SatisfactionSurvey> {
        let scope = scope(ctx)?;
        let new = NewSurvey {
            client_mutation_id: parse_id(&input.client_mutation_id, "clientMutationId")?,
            ward_id: parse_id(&input.ward_id, "wardId")?,
            title: input.title,
            conducted_on: input.conducted_on.checked("conductedOn")?,
            questions: questions(input.questions),
            event_id: input.event_id.as_ref().map(|id| parse_id(id, "eventId")).transpose()?,
        };
        Ok(SatisfactionSurvey(scope.surveys().create(new).await?))
    }

    /// Changes a survey while it is `DRAFT` (else `CONFLICT`), at the version the caller saw (a stale
    /// one is `CONFLICT` with `extensions.currentVersion`).
    async fn update_survey(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The survey.")] id: ID,
        #[graphql(desc = "The `version` the caller saw.")] expected_version: i64,
        #[graphql(desc = "The fields to change.")] input: UpdateSurveyInput,
    ) -> Result<SatisfactionSurvey> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        let expected_version = int32(expected_version, "expectedVersion")?;
        let patch = SurveyPatch {
            title: input.title,
            conducted_on: optional_date(input.conducted_on.as_ref(), "conductedOn")?,
            questions: input.questions.map(questions),
            event_id: patch(input.event_id, |id| parse_id(&id, "eventId"))?,
        };
        Ok(SatisfactionSurvey(scope.surveys().update(id, expected_version, patch).await?))
    }

    /// Opens a draft survey for ballots (`DRAFT` → `OPEN`; anything else is `CONFLICT`).
    async fn open_survey(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The survey.")] id: ID,
        #[graphql(desc = "The `version` the caller saw.")] expected_version: i64,
    ) -> Result<SatisfactionSurvey> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        let expected_version = int32(expected_version, "expectedVersion")?;
        Ok(SatisfactionSurvey(scope.surveys().open(id, expected_version).await?))
    }

    /// Closes an open survey (`OPEN` → `CLOSED`; anything else is `CONFLICT`): no more ballots.
    async fn close_survey(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The survey.")] id: ID,
        #[graphql(desc = "The `version` the caller saw.")] expected_version: i64,
    ) -> Result<SatisfactionSurvey> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        let expected_version = int32(expected_version, "expectedVersion")?;
        Ok(SatisfactionSurvey(scope.surveys().close(id, expected_version).await?))
    }

    /// Records up to 500 paper ballots of one residential group, typed in after the survey (more is
    /// `LIMIT_EXCEEDED`): one result per ballot, in the order sent. A bad ballot fails alone; a ballot
    /// sent again with the same `clientMutationId` and answers answers as before and records nothing.
    /// New ballots need the survey `OPEN`. Officials of the ward and administrators, and the group's
    /// leaders.
    async fn record_survey_ballots(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The survey.")] survey_id: ID,
        #[graphql(desc = "The group whose residents filled the ballots in, in the survey's ward.")]
        group_id: ID,
        #[graphql(desc = "The ballots, at most 500.")] ballots: Vec<SurveyBallotInput>,
    ) -> Result<Vec<SurveyBallotResult>> {
        let scope = scope(ctx)?;
        let survey_id = parse_id(&survey_id, "surveyId")?;
        let group_id = parse_id(&group_id, "groupId")?;
        let ids: Vec<ID> = ballots.iter().map(|b| b.client_mutation_id.clone()).collect();
        let inputs: Vec<BallotInput> = ballots.into_iter().map(BallotInput::from).collect();
        let results = scope.surveys().record_ballots(survey_id, group_id, &inputs).await?;
        Ok(ids
            .into_iter()
            .zip(results)
            .map(|(client_mutation_id, result)| match result {
                Ok(ballot) => {
                    SurveyBallotResult { client_mutation_id, ballot: Some(SurveyBallot(ballot)), error: None }
                }
                Err(err) => SurveyBallotResult { client_mutation_id, ballot: None, error: Some(err.into()) },
            })
            .collect())
    }
}
