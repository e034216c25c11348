//! Every survey operation against every role, in scope and out: the administrator; the official of
//! W1 and of W2; the leader of group 1 and of group 2 (both in W1); and nobody signed in. A refusal
//! carries its exact code and writes nothing, an object out of scope answers exactly like a missing
//! one, and an allowed write leaves one audit event naming the caller. `node` follows the same scopes
//! for surveys, questions and ballots.

use serde_json::{Value, json};

use super::world::{QUESTIONS, SurveyRows, SurveyWorld, ballot, recorded, survey_input};
use crate::helpers::{error_code, unknown_id};

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Admin,
    Official,
    ForeignOfficial,
    Leader,
    OtherLeader,
    Anonymous,
}

const CALLERS: [Caller; 6] = [
    Caller::Admin,
    Caller::Official,
    Caller::ForeignOfficial,
    Caller::Leader,
    Caller::OtherLeader,
    Caller::Anonymous,
];

/// An operation, aimed at W1, its group 1, or a survey of W1.
#[derive(Debug, Clone, Copy)]
enum Operation {
    Create,
    Update,
    Open,
    Close,
    Record,
    List,
    Get,
    GroupResults,
    WardResults,
}

impl Operation {
    fn writes(self) -> bool {
        matches!(self, Self::Create | Self::Update | Self::Open | Self::Close | Self::Record)
    }
}

const OK: Option<&str> = None;
const NOT_FOUND: Option<&str> = Some("NOT_FOUND");
const FORBIDDEN: Option<&str> = Some("FORBIDDEN");
const UNAUTHENTICATED: Option<&str> = Some("UNAUTHENTICATED");

/// The matrix: what each of `CALLERS` gets (`None`: success).
const MATRIX: [(Operation, [Option<&str>; 6]); 9] = [
    (Operation::Create, [OK, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, UNAUTHENTICATED]),
    (Operation::Update, [OK, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, UNAUTHENTICATED]),
    (Operation::Open, [OK, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, UNAUTHENTICATED]),
    (Operation::Close, [OK, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, UNAUTHENTICATED]),
    (Operation::Record, [OK, OK, NOT_FOUND, OK, NOT_FOUND, UNAUTHENTICATED]),
    (Operation::List, [OK, OK, NOT_FOUND, OK, OK, UNAUTHENTICATED]),
    (Operation::Get, [OK, OK, NOT_FOUND, OK, OK, UNAUTHENTICATED]),
    (Operation::GroupResults, [OK, OK, NOT_FOUND, OK, NOT_FOUND, UNAUTHENTICATED]),
    (Operation::WardResults, [OK, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, UNAUTHENTICATED]),
];

impl SurveyWorld {
    fn token(&self, caller: Caller) -> Option<&str> {
        match caller {
            Caller::Admin => Some(&self.app.admin_token),
            Caller::Official => Some(&self.official_token),
            Caller::ForeignOfficial => Some(&self.foreign_official_token),
            Caller::Leader => Some(&self.leader_token),
            Caller::OtherLeader => Some(&self.other_leader_token),
            Caller::Anonymous => None,
        }
    }
}

/// The target of `operation`, made by the administrator: a draft or an open survey of W1.
async fn target(world: &SurveyWorld, operation: Operation) -> Option<Value> {
    match operation {
        Operation::Create | Operation::List => None,
        Operation::Update | Operation::Open | Operation::Get | Operation::WardResults => {
            Some(world.draft().await)
        }
        Operation::Close | Operation::Record | Operation::GroupResults => Some(world.open().await),
    }
}

/// What a call is aimed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aim {
    /// The target (W1, its group 1, a survey of W1).
    Target,
    /// A survey (or for `createSurvey` and `satisfactionSurveys`, a ward) that does not exist.
    NoSuchSurvey,
    /// A group that does not exist, with the target survey.
    NoSuchGroup,
}

/// Sends `operation` with `token`, aimed at `target` or at something missing.
async fn call(
    world: &SurveyWorld,
    token: Option<&str>,
    operation: Operation,
    target: Option<&Value>,
    aim: Aim,
) -> Value {
    let id = match (aim, target) {
        (Aim::NoSuchSurvey, _) => json!(unknown_id()),
        (_, Some(survey)) => survey["id"].clone(),
        (_, None) => Value::Null,
    };
    let version = target.and_then(|s| s["version"].as_i64()).unwrap_or(1);
    let ward_id = if aim == Aim::NoSuchSurvey { unknown_id() } else { world.ward_id.clone() };
    let group_id = if aim == Aim::NoSuchGroup { unknown_id() } else { world.group_id.clone() };
    let (query, variables) = match operation {
        Operation::Create => (
            "mutation($i: CreateSurveyInput!) { createSurvey(input: $i) { id } }",
            json!({ "i": survey_input(&ward_id, &QUESTIONS) }),
        ),
        Operation::Update => (
            "mutation($id: ID!, $v: Int!) { updateSurvey(id: $id, expectedVersion: $v, input: { title: \"Mới\" }) { id } }",
            json!({ "id": id, "v": version }),
        ),
        Operation::Open => (
            "mutation($id: ID!, $v: Int!) { openSurvey(id: $id, expectedVersion: $v) { id } }",
            json!({ "id": id, "v": version }),
        ),
        Operation::Close => (
            "mutation($id: ID!, $v: Int!) { closeSurvey(id: $id, expectedVersion: $v) { id } }",
            json!({ "id": id, "v": version }),
        ),
        Operation::Record => (
            "mutation($s: ID!, $g: ID!, $b: [SurveyBallotInput!]!) {
                recordSurveyBallots(surveyId: $s, groupId: $g, ballots: $b) { ballot { id } error { code } } }",
            json!({ "s": id, "g": group_id,
                    "b": [ballot(target.expect("a survey"), &[Some("SATISFIED"), None, None])] }),
        ),
        Operation::List => (
            "query($w: ID!) { satisfactionSurveys(wardId: $w) { totalCount edges { node { id } } } }",
            json!({ "w": ward_id }),
        ),
        Operation::Get => ("query($id: ID!) { satisfactionSurvey(id: $id) { id questions { id } } }", json!({ "id": id })),
        Operation::GroupResults => (
            "query($s: ID!, $g: ID) { surveyResults(surveyId: $s, groupId: $g) { ballotCount } }",
            json!({ "s": id, "g": group_id }),
        ),
        Operation::WardResults => {
            ("query($s: ID!) { surveyResults(surveyId: $s) { ballotCount } }", json!({ "s": id }))
        }
    };
    world.app.gql_with(token, query, variables).await
}

#[tokio::test]
async fn every_survey_operation_answers_each_role_as_the_matrix_says() {
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let mut user_ids = Vec::new();
    for caller in CALLERS {
        let id = match world.token(caller) {
            Some(token) => {
                app.gql_with(Some(token), "{ me { id } }", json!({})).await["data"]["me"]["id"].clone()
            }
            None => Value::Null,
        };
        user_ids.push(id);
    }
    for (operation, row) in MATRIX {
        for ((caller, expected), user_id) in CALLERS.into_iter().zip(row).zip(&user_ids) {
            let case = format!("{operation:?} as {caller:?}");
            let token = world.token(caller);
            // Arrange
            let target = target(&world, operation).await;
            let before = SurveyRows::take(app).await;

            // Act
            let body = call(&world, token, operation, target.as_ref(), Aim::Target).await;

            // Assert
            let after = SurveyRows::take(app).await;
            match expected {
                None => {
                    assert!(body.get("errors").is_none(), "{case}: {body:#}");
                    if operation.writes() {
                        let events = after.rows.audit_events_since(&before.rows);
                        assert_eq!(events.len(), 1, "{case}: {events:#?}");
                        assert_eq!(
                            events[0].actor_id.map(|id| json!(id.to_string())).as_ref(),
                            Some(user_id),
                            "{case}"
                        );
                    } else {
                        assert_eq!(before.changed_tables(&after), Vec::<&str>::new(), "{case}: a read wrote");
                    }
                    if let Operation::Record = operation {
                        let result = &body["data"]["recordSurveyBallots"][0];
                        assert!(
                            result["error"].is_null() && result["ballot"]["id"].is_string(),
                            "{case}: {body:#}"
                        );
                    }
                }
                Some(code) => {
                    assert_eq!(error_code(&body), code, "{case}: {body:#}");
                    assert!(body["data"].is_null(), "{case}: {body:#}");
                    assert_eq!(before.changed_tables(&after), Vec::<&str>::new(), "{case}: tables written");
                    if code == "NOT_FOUND" {
                        // Out of scope answers exactly like a survey, ward or group that does not exist.
                        let mut missing =
                            vec![call(&world, token, operation, target.as_ref(), Aim::NoSuchSurvey).await];
                        if matches!(operation, Operation::Record | Operation::GroupResults) {
                            missing.push(
                                call(&world, token, operation, target.as_ref(), Aim::NoSuchGroup).await,
                            );
                        }
                        assert!(
                            missing.iter().any(|m| m["errors"] == body["errors"]),
                            "{case}: {body:#} is none of {missing:#?}"
                        );
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn node_reads_surveys_and_questions_in_the_ward_s_scope_and_ballots_in_their_group_s() {
    // Arrange: an open survey of W1 with one ballot of group 1.
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let survey = world.open().await;
    let ballot_id = recorded(
        app,
        &app.admin_token,
        &survey["id"],
        &world.group_id,
        &[ballot(&survey, &[Some("NEUTRAL"), None, None])],
    )
    .await[0]["ballot"]["id"]
        .clone();
    let ids = [survey["id"].clone(), survey["questions"][0]["id"].clone(), ballot_id];
    let query = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id
        ... on SatisfactionSurvey { title }
        ... on SurveyQuestion { position }
        ... on SurveyBallot { group { id } answers { rating } } } }";
    let all = [true, true, true];
    let cases = [
        (Caller::Admin, all),
        (Caller::Official, all),
        (Caller::ForeignOfficial, [false, false, false]),
        (Caller::Leader, all),
        (Caller::OtherLeader, [true, true, false]),
    ];
    for (caller, visible) in cases {
        // Act
        let body = app.gql_with(world.token(caller), query, json!({ "ids": ids })).await;

        // Assert
        let nodes = body["data"]["nodes"].as_array().unwrap_or_else(|| panic!("{caller:?}: {body:#}"));
        for (index, (node, seen)) in nodes.iter().zip(visible).enumerate() {
            if seen {
                assert_eq!(node["id"], ids[index], "{caller:?} {index}: {body:#}");
            } else {
                assert!(node.is_null(), "{caller:?} {index}: {body:#}");
                let error = body["errors"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|e| e["path"] == json!(["nodes", index]));
                assert_eq!(
                    error.map(|e| &e["extensions"]["code"]),
                    Some(&json!("NOT_FOUND")),
                    "{caller:?} {index}"
                );
            }
        }
        if visible == all {
            let types: Vec<&Value> = nodes.iter().map(|n| &n["__typename"]).collect();
            assert_eq!(
                types,
                [&json!("SatisfactionSurvey"), &json!("SurveyQuestion"), &json!("SurveyBallot")]
            );
            assert_eq!(nodes[2]["answers"], json!([{ "rating": "NEUTRAL" }]));
            assert_eq!(nodes[2]["group"]["id"], json!(world.group_id));
        }
    }
    let body = app.gql_with(None, query, json!({ "ids": ids })).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}
