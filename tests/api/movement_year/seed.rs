//! What the year-end tests seed through the API: deeds, models, awards, events, surveys and ballots, a
//! ward's own year and the officials' assessments.

use serde_json::{Value, json};

use crate::helpers::{TestApp, unknown_id};

/// Records a good deed of `group` as the administrator and verifies it (`Some(true)`), rejects it
/// (`Some(false)`) or leaves it reported.
pub async fn deed(app: &TestApp, group: &str, category: &str, day: &str, verdict: Option<bool>) {
    let data = app
        .gql_ok(
            "mutation($input: RecordGoodDeedInput!) { recordGoodDeed(input: $input) { id } }",
            json!({ "input": {
                "clientMutationId": unknown_id(), "groupId": group, "category": category, "occurredOn": day,
                "description": format!("{category} ngày {day}")
            } }),
        )
        .await;
    if let Some(approve) = verdict {
        app.gql_ok(
            "mutation($id: ID!, $approve: Boolean!) { verifyGoodDeed(id: $id, approve: $approve) { id } }",
            json!({ "id": data["recordGoodDeed"]["id"], "approve": approve }),
        )
        .await;
    }
}

pub async fn model(
    app: &TestApp,
    ward: &str,
    group: Option<&str>,
    name: &str,
    kind: &str,
    started_on: &str,
    ended_on: Option<&str>,
) {
    let status = if ended_on.is_some() { "ENDED" } else { "ACTIVE" };
    app.gql_ok(
        "mutation($input: CreateSelfManagementModelInput!) { createSelfManagementModel(input: $input) { id } }",
        json!({ "input": {
            "clientMutationId": unknown_id(), "wardId": ward, "groupId": group, "name": name, "kind": kind,
            "startedOn": started_on, "endedOn": ended_on, "status": status, "participatingHouseholdCount": 12,
            "unitCount": 4
        } }),
    )
    .await;
}

/// Records an award of `year` from the ward's People's Committee, with `recipient`'s fields; its id.
pub async fn award(
    app: &TestApp,
    ward: &str,
    year: i64,
    number: &str,
    date: &str,
    recipient: Value,
) -> Value {
    let mut input = json!({
        "clientMutationId": unknown_id(), "wardId": ward, "year": year, "issuer": "WARD_PEOPLES_COMMITTEE",
        "decisionNumber": number, "decisionDate": date, "citation": "Thành tích xuất sắc trong phong trào"
    });
    for (field, value) in recipient.as_object().expect("recipient fields") {
        input[field] = value.clone();
    }
    let data = app
        .gql_ok(
            "mutation($input: CreateAwardInput!) { createAward(input: $input) { id } }",
            json!({ "input": input }),
        )
        .await;
    data["createAward"]["id"].clone()
}

pub async fn event(app: &TestApp, ward: &str, group: Option<&str>, kind: &str, title: &str, held_on: &str) {
    app.gql_ok(
        "mutation($input: CreateMovementEventInput!) { createMovementEvent(input: $input) { id } }",
        json!({ "input": {
            "clientMutationId": unknown_id(), "wardId": ward, "hostingGroupId": group, "heldOn": held_on,
            "kind": kind, "title": title, "attendance": 120
        } }),
    )
    .await;
}

/// A survey of two questions conducted on `day`, opened when `open`; the survey with its questions.
pub async fn survey(app: &TestApp, ward: &str, title: &str, day: &str, open: bool) -> Value {
    let data = app
        .gql_ok(
            "mutation($input: CreateSurveyInput!) { createSurvey(input: $input) { id version questions { id } } }",
            json!({ "input": {
                "clientMutationId": unknown_id(), "wardId": ward, "title": title, "conductedOn": day,
                "questions": [{ "text": "Thái độ của cán bộ khi tiếp dân" }, { "text": "Kết quả giải quyết tin báo" }]
            } }),
        )
        .await;
    let survey = data["createSurvey"].clone();
    if open {
        app.gql_ok(
            "mutation($id: ID!) { openSurvey(id: $id, expectedVersion: 1) { id } }",
            json!({ "id": survey["id"] }),
        )
        .await;
    }
    survey
}

/// Records ballots of `group`, each rating the two questions (`None`: left blank).
pub async fn ballots(app: &TestApp, survey: &Value, group: &str, ratings: &[[Option<&str>; 2]]) {
    let ballots: Vec<Value> = ratings
        .iter()
        .map(|pair| {
            let answers: Vec<Value> = pair
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    r.map(|r| json!({ "questionId": survey["questions"][i]["id"], "rating": r }))
                })
                .collect();
            json!({ "clientMutationId": unknown_id(), "answers": answers })
        })
        .collect();
    let data = app
        .gql_ok(
            "mutation($s: ID!, $g: ID!, $b: [SurveyBallotInput!]!) {
                recordSurveyBallots(surveyId: $s, groupId: $g, ballots: $b) { error { code } } }",
            json!({ "s": survey["id"], "g": group, "b": ballots }),
        )
        .await;
    let errors: Vec<&Value> = data["recordSurveyBallots"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| !r["error"].is_null())
        .collect();
    assert!(errors.is_empty(), "ballots refused: {errors:?}");
}

/// Changes the ward's settings (at their default version 0): its year begins on `day` of `month`.
pub async fn set_year_start(app: &TestApp, ward: &str, month: i32, day: i32) {
    app.gql_ok(
        "mutation($input: UpdateWardSettingsInput!) { updateWardSettings(input: $input) { version } }",
        json!({ "input": { "wardId": ward, "expectedVersion": 0, "yearStartMonth": month, "yearStartDay": day } }),
    )
    .await;
}

/// Assesses `group` for `year` at the level of code `level`, as the administrator.
pub async fn assess(app: &TestApp, group: &str, year: i32, level: &str) {
    app.gql_ok(
        "mutation($input: AssessGroupInput!) { assessGroup(input: $input) { id } }",
        json!({ "input": { "groupId": group, "year": year, "level": level } }),
    )
    .await;
}
