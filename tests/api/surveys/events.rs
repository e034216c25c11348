//! The festival or forum a survey was taken at: named when the survey is created or while it is a
//! draft, of the survey's own ward only, cleared with `null`, kept in the audit trail and read back by
//! those who may see the ward's movement events.

use serde_json::{Value, json};
use uuid::Uuid;

use super::world::{
    QUESTIONS, SurveyRows, SurveyWorld, assert_refused, create, created, survey_input, update,
};
use crate::helpers::{TEST_PASSWORD, TestApp, create_user};

/// Records a movement event of `ward` as the administrator; its id.
async fn event(app: &TestApp, ward: &str, kind: &str, title: &str) -> Value {
    let input = json!({
        "clientMutationId": Uuid::now_v7().to_string(), "wardId": ward, "heldOn": "2023-08-11",
        "kind": kind, "title": title,
    });
    let body = app
        .gql_with(
            Some(&app.admin_token),
            "mutation($i: CreateMovementEventInput!) { createMovementEvent(input: $i) { id } }",
            json!({ "i": input }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body:#}");
    body["data"]["createMovementEvent"]["id"].clone()
}

async fn survey_event(app: &TestApp, token: &str, survey: &Value) -> Value {
    let body = app
        .gql_with(
            Some(token),
            "query($id: ID!) { satisfactionSurvey(id: $id) { id event { id kind title } } }",
            json!({ "id": survey["id"] }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body:#}");
    body["data"]["satisfactionSurvey"]["event"].clone()
}

/// The summary of the last survey event written since `before`.
fn last_summary(after: &SurveyRows, before: &SurveyRows) -> Value {
    let events = after.rows.audit_events_since(&before.rows);
    let event = events.iter().rev().find(|e| e.action.starts_with("survey.")).expect("a survey event");
    serde_json::from_str(&event.summary).expect("a JSON summary")
}

#[tokio::test]
async fn a_survey_names_the_festival_of_its_ward_and_a_retry_with_the_same_event_is_the_same_survey() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let festival = event(app, &world.ward_id, "FESTIVAL", "Ngày hội 2023").await;
    let mut input = survey_input(&world.ward_id, &QUESTIONS);
    input["eventId"] = festival.clone();
    let before = SurveyRows::take(app).await;

    // Act
    let survey = created(app, &world.official_token, &input).await;
    let again = created(app, &world.official_token, &input).await;
    let mut other = input.clone();
    other["eventId"] = event(app, &world.ward_id, "FORUM", "Diễn đàn").await;
    let reused = create(app, &world.official_token, &other).await;

    // Assert
    assert_eq!(again, survey, "a retry answers the same survey");
    assert_eq!(reused["errors"][0]["extensions"]["code"], "CONFLICT", "{reused:#}");
    assert_eq!(
        survey_event(app, &world.official_token, &survey).await,
        json!({ "id": festival, "kind": "FESTIVAL", "title": "Ngày hội 2023" })
    );
    let after = SurveyRows::take(app).await;
    assert_eq!(after.surveys.len(), 1);
    assert_eq!(after.surveys[0].event_id.map(|id| id.to_string()), festival.as_str().map(str::to_owned));
    assert_eq!(last_summary(&after, &before)["eventId"], festival);
}

#[tokio::test]
async fn an_event_of_another_ward_or_none_at_all_is_refused_and_nothing_is_written() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let foreign = event(app, &world.foreign_ward_id, "FESTIVAL", "Ngày hội phường khác").await;
    let cases = [
        ("another ward's event", foreign.clone(), &world.app.admin_token, "BAD_USER_INPUT", Some("eventId")),
        ("an event out of the official's sight", foreign, &world.official_token, "NOT_FOUND", None),
        ("no such event", json!(Uuid::now_v7().to_string()), &world.official_token, "NOT_FOUND", None),
        ("not an id", json!("festival"), &world.official_token, "BAD_USER_INPUT", Some("eventId")),
    ];
    for (case, event_id, token, code, field) in cases {
        let mut input = survey_input(&world.ward_id, &QUESTIONS);
        input["eventId"] = event_id;
        let before = SurveyRows::take(app).await;

        // Act
        let body = create(app, token, &input).await;

        // Assert
        assert_refused(&body, code, field, &before, &SurveyRows::take(app).await, case);
    }
}

#[tokio::test]
async fn a_draft_gains_changes_and_loses_its_event_each_change_in_the_audit_trail() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let festival = event(app, &world.ward_id, "FESTIVAL", "Ngày hội 2023").await;
    let forum = event(app, &world.ward_id, "FORUM", "Diễn đàn").await;
    let draft = world.draft().await;
    let token = &world.official_token;
    let before = SurveyRows::take(app).await;

    // Act and assert: named, then another, then a title change that keeps it, then cleared.
    let body = update(app, token, &draft["id"], 1, json!({ "eventId": festival })).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(survey_event(app, token, &draft).await["id"], festival);
    let body = update(app, token, &draft["id"], 2, json!({ "eventId": forum })).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    let summary = last_summary(&SurveyRows::take(app).await, &before);
    assert_eq!((&summary["from"]["eventId"], &summary["to"]["eventId"]), (&festival, &forum));
    let body = update(app, token, &draft["id"], 3, json!({ "title": "Khảo sát tại Diễn đàn" })).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(survey_event(app, token, &draft).await["id"], forum, "a change that leaves it out keeps it");
    let body = update(app, token, &draft["id"], 4, json!({ "eventId": null })).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(survey_event(app, token, &draft).await, Value::Null);
    let after = SurveyRows::take(app).await;
    assert_eq!(after.surveys[0].event_id, None);
    assert_eq!(after.surveys[0].version, 5);
    assert_eq!(after.actions_since(&before), ["survey.update"; 4]);

    // An event of another ward is refused, and the draft stays as it was.
    let foreign = event(app, &world.foreign_ward_id, "FESTIVAL", "Ngày hội phường khác").await;
    let before = SurveyRows::take(app).await;
    let body = update(app, &app.admin_token, &draft["id"], 5, json!({ "eventId": foreign })).await;
    assert_refused(
        &body,
        "BAD_USER_INPUT",
        Some("eventId"),
        &before,
        &SurveyRows::take(app).await,
        "foreign",
    );
}

#[tokio::test]
async fn the_ward_police_read_the_survey_without_its_event_which_they_do_not_see() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let festival = event(app, &world.ward_id, "FESTIVAL", "Ngày hội 2023").await;
    let mut input = survey_input(&world.ward_id, &QUESTIONS);
    input["eventId"] = festival.clone();
    let survey = created(app, &app.admin_token, &input).await;
    let police = json!([{ "role": "WARD_POLICE", "wardId": world.ward_id }]);
    create_user(app, "police.w1", "Công an phường", police).await;
    let police_token = app.login("police.w1", TEST_PASSWORD).await;

    // Act
    let seen_by_police = survey_event(app, &police_token, &survey).await;
    let seen_by_leader = survey_event(app, &world.leader_token, &survey).await;

    // Assert: the police read surveys but not movement events; a leader reads ward-wide events.
    assert_eq!(seen_by_police, Value::Null);
    assert_eq!(seen_by_leader["id"], festival);
}
