//! What the survey tests add to the shared world (`crate::world`): a leader of group 2, the survey
//! documents and inputs, surveys made and opened by the administrator, ballots, and `SurveyRows`, every
//! row a survey call may write.

use pledge_api::entities::{satisfaction_survey, survey_answer, survey_ballot, survey_question};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    helpers::{TEST_PASSWORD, TestApp, create_user, error_code, error_field},
    world::{Rows, World},
};

/// Every field of a `SatisfactionSurvey`.
pub const SURVEY_FIELDS: &str = "id ward { id name } title conductedOn status version
    questions { id position text survey { id } } clientMutationId createdAt updatedAt";

/// Every field of a result of `recordSurveyBallots`.
pub const BALLOT_RESULT_FIELDS: &str = "clientMutationId
    ballot { id survey { id } group { id code } answers { question { id position } rating } recordedAt }
    error { code message field }";

/// Every field of `surveyResults`.
pub const RESULTS_FIELDS: &str = "survey { id } group { id } ballotCount satisfactionRate
    questions { question { id text } answerCount counts { level count } satisfactionRate }";

/// The four levels, for ballots written as `[VS, None, D]` (`None`: the question left blank).
pub const VS: Option<&str> = Some("VERY_SATISFIED");
pub const S: Option<&str> = Some("SATISFIED");
pub const N: Option<&str> = Some("NEUTRAL");
pub const D: Option<&str> = Some("DISSATISFIED");

/// The questions of the festival's ballot.
pub const QUESTIONS: [&str; 3] = [
    "Thái độ, tác phong của cán bộ Công an phường khi tiếp dân",
    "Kết quả giải quyết tin báo, tố giác về tội phạm",
    "Công tác tuần tra, kiểm soát bảo đảm an ninh trật tự trên địa bàn",
];

/// The shared world, with `leader.2` (GROUP_LEADER of group 2 of W1) signed in too.
pub struct SurveyWorld {
    pub world: World,
    pub other_leader_token: String,
}

impl std::ops::Deref for SurveyWorld {
    type Target = World;

    fn deref(&self) -> &World {
        &self.world
    }
}

impl SurveyWorld {
    pub async fn build() -> Self {
        let world = World::build().await;
        let leader = json!([{ "role": "GROUP_LEADER", "groupId": world.other_group_id }]);
        create_user(&world.app, "leader.2", "Tổ trưởng tổ 2", leader).await;
        let other_leader_token = world.app.login("leader.2", TEST_PASSWORD).await;
        Self { world, other_leader_token }
    }

    /// A draft survey of W1 made by the administrator, with `QUESTIONS`.
    pub async fn draft(&self) -> Value {
        created(&self.app, &self.app.admin_token, &survey_input(&self.ward_id, &QUESTIONS)).await
    }

    /// An open survey of W1 (version 2) made by the administrator, with `QUESTIONS`.
    pub async fn open(&self) -> Value {
        let survey = self.draft().await;
        transitioned(&self.app, "openSurvey", &survey).await
    }
}

/// A valid `CreateSurveyInput` for `ward_id` with a fresh `clientMutationId`.
pub fn survey_input(ward_id: &str, questions: &[&str]) -> Value {
    json!({
        "clientMutationId": Uuid::now_v7().to_string(), "wardId": ward_id,
        "title": "Khảo sát sự hài lòng của Nhân dân đối với Công an phường năm 2023",
        "conductedOn": "2023-08-11",
        "questions": questions.iter().map(|text| json!({ "text": text })).collect::<Vec<_>>(),
    })
}

/// Sends `createSurvey` with `token`; the whole body.
pub async fn create(app: &TestApp, token: &str, input: &Value) -> Value {
    let query = format!(
        "mutation($input: CreateSurveyInput!) {{ createSurvey(input: $input) {{ {SURVEY_FIELDS} }} }}"
    );
    app.gql_with(Some(token), &query, json!({ "input": input })).await
}

/// Creates a survey with `token`, asserting success; the survey.
pub async fn created(app: &TestApp, token: &str, input: &Value) -> Value {
    let body = create(app, token, input).await;
    assert!(body.get("errors").is_none(), "createSurvey failed: {body:#}");
    body["data"]["createSurvey"].clone()
}

/// Sends `openSurvey` or `closeSurvey` (`operation`) at `version` with `token`; the whole body.
pub async fn transition(app: &TestApp, token: &str, operation: &str, id: &Value, version: i64) -> Value {
    let query = format!(
        "mutation($id: ID!, $v: Int!) {{ {operation}(id: $id, expectedVersion: $v) {{ {SURVEY_FIELDS} }} }}"
    );
    app.gql_with(Some(token), &query, json!({ "id": id, "v": version })).await
}

/// `operation` on `survey` at its version by the administrator, asserting success; the survey after.
pub async fn transitioned(app: &TestApp, operation: &str, survey: &Value) -> Value {
    let version = survey["version"].as_i64().expect("a version");
    let body = transition(app, &app.admin_token, operation, &survey["id"], version).await;
    assert!(body.get("errors").is_none(), "{operation} failed: {body:#}");
    body["data"][operation].clone()
}

/// Sends `updateSurvey` at `version` with `token`; the whole body.
pub async fn update(app: &TestApp, token: &str, id: &Value, version: i64, input: Value) -> Value {
    let query = format!(
        "mutation($id: ID!, $v: Int!, $input: UpdateSurveyInput!) {{
            updateSurvey(id: $id, expectedVersion: $v, input: $input) {{ {SURVEY_FIELDS} }} }}"
    );
    app.gql_with(Some(token), &query, json!({ "id": id, "v": version, "input": input })).await
}

/// The id of question `index` of `survey`.
pub fn question_id(survey: &Value, index: usize) -> Value {
    survey["questions"][index]["id"].clone()
}

/// A ballot with a fresh `clientMutationId` answering question `i` of `survey` with `ratings[i]`, or
/// leaving it blank for `None`.
pub fn ballot(survey: &Value, ratings: &[Option<&str>]) -> Value {
    let answers: Vec<Value> = ratings
        .iter()
        .enumerate()
        .filter_map(|(i, rating)| {
            rating.map(|r| json!({ "questionId": question_id(survey, i), "rating": r }))
        })
        .collect();
    json!({ "clientMutationId": Uuid::now_v7().to_string(), "answers": answers })
}

/// Sends `recordSurveyBallots` with `token`; the whole body.
pub async fn record(
    app: &TestApp,
    token: &str,
    survey_id: &Value,
    group_id: &str,
    ballots: &[Value],
) -> Value {
    let query = format!(
        "mutation($s: ID!, $g: ID!, $b: [SurveyBallotInput!]!) {{
            recordSurveyBallots(surveyId: $s, groupId: $g, ballots: $b) {{ {BALLOT_RESULT_FIELDS} }} }}"
    );
    app.gql_with(Some(token), &query, json!({ "s": survey_id, "g": group_id, "b": ballots })).await
}

/// Records ballots with `token`, asserting the call succeeds; the results.
pub async fn recorded(
    app: &TestApp,
    token: &str,
    survey_id: &Value,
    group_id: &str,
    ballots: &[Value],
) -> Vec<Value> {
    let body = record(app, token, survey_id, group_id, ballots).await;
    assert!(body.get("errors").is_none(), "recordSurveyBallots failed: {body:#}");
    body["data"]["recordSurveyBallots"].as_array().expect("results").clone()
}

/// Sends `surveyResults` with `token`; the whole body.
pub async fn results(app: &TestApp, token: &str, survey_id: &Value, group_id: Option<&str>) -> Value {
    let query = format!(
        "query($s: ID!, $g: ID) {{ surveyResults(surveyId: $s, groupId: $g) {{ {RESULTS_FIELDS} }} }}"
    );
    app.gql_with(Some(token), &query, json!({ "s": survey_id, "g": group_id })).await
}

/// Every row a survey call may write: the shared `Rows` (audit trail, idempotency keys, …) and the
/// survey tables, each ordered by key.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyRows {
    pub rows: Rows,
    pub surveys: Vec<satisfaction_survey::Model>,
    pub questions: Vec<survey_question::Model>,
    pub ballots: Vec<survey_ballot::Model>,
    pub answers: Vec<survey_answer::Model>,
}

impl SurveyRows {
    pub async fn take(app: &TestApp) -> Self {
        Self {
            rows: Rows::take(app).await,
            surveys: satisfaction_survey::Entity::find()
                .order_by_asc(satisfaction_survey::Column::Id)
                .all(&app.db)
                .await
                .expect("surveys"),
            questions: survey_question::Entity::find()
                .order_by_asc(survey_question::Column::Id)
                .all(&app.db)
                .await
                .expect("questions"),
            ballots: survey_ballot::Entity::find()
                .order_by_asc(survey_ballot::Column::Id)
                .all(&app.db)
                .await
                .expect("ballots"),
            answers: survey_answer::Entity::find()
                .order_by_asc(survey_answer::Column::BallotId)
                .order_by_asc(survey_answer::Column::QuestionId)
                .all(&app.db)
                .await
                .expect("answers"),
        }
    }

    /// The tables whose rows differ between `self` and `later`.
    pub fn changed_tables(&self, later: &Self) -> Vec<&'static str> {
        let mut changed = self.rows.changed_tables(&later.rows);
        for (table, differs) in [
            ("satisfaction_survey", self.surveys != later.surveys),
            ("survey_question", self.questions != later.questions),
            ("survey_ballot", self.ballots != later.ballots),
            ("survey_answer", self.answers != later.answers),
        ] {
            if differs {
                changed.push(table);
            }
        }
        changed
    }

    /// The actions of the audit events written after `earlier`, oldest first.
    pub fn actions_since(&self, earlier: &Self) -> Vec<String> {
        self.rows.audit_events_since(&earlier.rows).iter().map(|e| e.action.clone()).collect()
    }
}

/// Asserts an error with `code` (and `field`, when given), no data, and no row written.
#[track_caller]
pub fn assert_refused(
    body: &Value,
    code: &str,
    field: Option<&str>,
    before: &SurveyRows,
    after: &SurveyRows,
    case: &str,
) {
    assert_eq!(error_code(body), code, "{case}: {body:#}");
    if let Some(field) = field {
        assert_eq!(error_field(body), field, "{case}: {body:#}");
    }
    assert!(body["data"].is_null(), "{case}: no data on an error: {body:#}");
    assert_eq!(before.changed_tables(after), Vec::<&str>::new(), "{case}: tables written");
}

/// The errors of `results` as (index, code, field), leaving out the ballots that were recorded.
pub fn failures(results: &[Value]) -> Vec<(usize, String, String)> {
    results
        .iter()
        .enumerate()
        .filter(|(_, r)| !r["error"].is_null())
        .map(|(i, r)| {
            assert!(r["ballot"].is_null(), "{r:#}");
            let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            (i, text(&r["error"]["code"]), text(&r["error"]["field"]))
        })
        .collect()
}
