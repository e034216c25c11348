//! Satisfaction surveys: `createSurvey` with every rule, its code and field, and its retries here;
//! `manage` covers `updateSurvey`, `openSurvey` and `closeSurvey`; `ballots` covers
//! `recordSurveyBallots` (and `load`, batches at their size); `results` covers `surveyResults`;
//! `scope` holds every operation to every role; `world` holds what the survey tests add to the
//! shared world.

mod ballots;
mod events;
mod load;
mod manage;
mod police;
mod results;
mod scope;
mod world;

use pledge_api::domain::survey::SurveyStatus;
use serde_json::{Value, json};

use crate::good_deeds::{deed_input, record_deed};
use world::{QUESTIONS, SurveyRows, SurveyWorld, assert_refused, create, created, survey_input};

#[tokio::test]
async fn create_survey_stores_a_draft_at_version_1_with_its_questions_in_order_and_an_audit_event() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let input = survey_input(&world.ward_id, &QUESTIONS);
    let before = SurveyRows::take(app).await;

    // Act
    let survey = created(app, &world.official_token, &input).await;

    // Assert: the answer.
    assert_eq!(survey["ward"], json!({ "id": world.ward_id, "name": "Phường Lam Sơn" }));
    assert_eq!((&survey["title"], &survey["conductedOn"]), (&input["title"], &json!("2023-08-11")));
    assert_eq!((&survey["status"], &survey["version"]), (&json!("DRAFT"), &json!(1)));
    assert_eq!(survey["clientMutationId"], input["clientMutationId"]);
    let questions: Vec<(i64, &str)> = survey["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| {
            assert_eq!(q["survey"]["id"], survey["id"]);
            (q["position"].as_i64().expect("position"), q["text"].as_str().expect("text"))
        })
        .collect();
    assert_eq!(questions, [(1, QUESTIONS[0]), (2, QUESTIONS[1]), (3, QUESTIONS[2])]);
    // Assert: the rows.
    let after = SurveyRows::take(app).await;
    assert_eq!(after.surveys.len(), 1);
    let stored = &after.surveys[0];
    assert_eq!(stored.id.to_string(), survey["id"].as_str().expect("id"));
    assert_eq!((stored.status, stored.version), (SurveyStatus::Draft, 1));
    assert_eq!(stored.created_by.map(|id| id.to_string()), Some(world.official_id.clone()));
    assert_eq!(after.questions.len(), 3);
    assert_eq!(after.actions_since(&before), ["survey.create"]);
    let event = after.rows.audit_events_since(&before.rows)[0];
    assert_eq!(event.ward_id.map(|id| id.to_string()), Some(world.ward_id.clone()));
    assert_eq!(event.target_id, Some(stored.id));
    assert_eq!(after.rows.keys.len(), before.rows.keys.len() + 1);
}

#[tokio::test]
async fn each_bad_field_of_create_survey_is_named_and_nothing_is_written() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let long = "ơ".repeat(501);
    let thirty_one: Vec<String> = (1..=31).map(|n| format!("Câu hỏi {n}")).collect();
    let thirty_one: Vec<&str> = thirty_one.iter().map(String::as_str).collect();
    let cases: Vec<(&str, Value, &str)> = vec![
        ("title", json!({ "title": "  " }), "title"),
        ("long title", json!({ "title": "ơ".repeat(201) }), "title"),
        ("no question", json!({ "questions": [] }), "questions"),
        ("31 questions", json!({ "questions": survey_input("", &thirty_one)["questions"] }), "questions"),
        ("blank question", json!({ "questions": [{ "text": "Một" }, { "text": " " }] }), "questions.1.text"),
        ("long question", json!({ "questions": [{ "text": long }] }), "questions.0.text"),
        ("control", json!({ "questions": [{ "text": "Một\u{7}" }] }), "questions.0.text"),
        (
            "twice",
            json!({ "questions": [{ "text": "Một" }, { "text": "Hai" }, { "text": " Một" }] }),
            "questions.2.text",
        ),
        ("date", json!({ "conductedOn": "11/08/2023" }), "conductedOn"),
        ("ward", json!({ "wardId": "W1" }), "wardId"),
        ("key", json!({ "clientMutationId": "not-a-uuid" }), "clientMutationId"),
    ];
    for (case, change, field) in cases {
        let mut input = survey_input(&world.ward_id, &QUESTIONS);
        for (key, value) in change.as_object().expect("an object") {
            input[key] = value.clone();
        }
        let before = SurveyRows::take(app).await;

        // Act
        let body = create(app, &world.official_token, &input).await;

        // Assert
        assert_refused(&body, "BAD_USER_INPUT", Some(field), &before, &SurveyRows::take(app).await, case);
    }
    // Thirty questions is the most, and allowed.
    let thirty: Vec<String> = (1..=30).map(|n| format!("Câu hỏi {n}")).collect();
    let thirty: Vec<&str> = thirty.iter().map(String::as_str).collect();
    let survey = created(app, &world.official_token, &survey_input(&world.ward_id, &thirty)).await;
    assert_eq!(survey["questions"].as_array().map(Vec::len), Some(30));
}

#[tokio::test]
async fn a_retried_create_survey_answers_the_same_survey_and_a_reused_key_is_a_conflict() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let input = survey_input(&world.ward_id, &QUESTIONS);
    let first = created(app, &world.official_token, &input).await;
    let before = SurveyRows::take(app).await;

    // Act: the same request again, then the same key with other data.
    let again = created(app, &world.official_token, &input).await;
    let after_retry = SurveyRows::take(app).await;
    let mut changed = input.clone();
    changed["title"] = json!("Khảo sát khác");
    let conflict = create(app, &world.official_token, &changed).await;

    // Assert
    assert_eq!(again, first);
    assert_eq!(before.changed_tables(&after_retry), Vec::<&str>::new(), "a replay writes nothing");
    assert_refused(
        &conflict,
        "CONFLICT",
        Some("clientMutationId"),
        &before,
        &SurveyRows::take(app).await,
        "title",
    );
}

#[tokio::test]
async fn a_key_already_used_for_a_good_deed_is_a_conflict_for_a_survey() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let deed = deed_input(&world.group_id, None, "PATROL", "Tuần tra đêm");
    let body = record_deed(app, &world.official_token, &deed).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    let mut input = survey_input(&world.ward_id, &QUESTIONS);
    input["clientMutationId"] = deed["clientMutationId"].clone();
    let before = SurveyRows::take(app).await;

    // Act
    let body = create(app, &world.official_token, &input).await;

    // Assert
    assert_refused(
        &body,
        "CONFLICT",
        Some("clientMutationId"),
        &before,
        &SurveyRows::take(app).await,
        "deed key",
    );
}
