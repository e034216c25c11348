//! `verifyGoodDeed`: a ward official of the deed's ward (or an administrator) verifies or rejects a
//! reported deed, once; leaders never may; officials of other wards see nothing.

use std::sync::Arc;

use pledge_api::domain::campaign::GoodDeedStatus;
use sea_orm::ActiveEnum;
use serde_json::{Value, json};

use super::{DEED_FIELDS, OFFICIAL_NAME, Rows, World, assert_refused, deed_input, recorded_deed};
use crate::helpers::{TestApp, error_code, unknown_id};

fn verify_mutation() -> String {
    format!(
        "mutation($id: ID!, $approve: Boolean!, $note: String) {{
            verifyGoodDeed(id: $id, approve: $approve, note: $note) {{ {DEED_FIELDS} }}
        }}"
    )
}

async fn verify(app: &TestApp, token: &str, id: &str, approve: bool, note: Option<&str>) -> Value {
    app.gql_with(Some(token), &verify_mutation(), json!({ "id": id, "approve": approve, "note": note })).await
}

fn time(value: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().expect("a timestamp")).expect("RFC 3339")
}

/// A deed reported by the leader of group 1, and its id.
async fn reported(world: &World) -> (Value, String) {
    let input = deed_input(&world.group_id, Some(&world.household_id), "CRIME_REPORT", "Báo tin người lạ");
    let deed = recorded_deed(&world.app, &world.leader_token, &input).await;
    let id = deed["id"].as_str().expect("id").to_owned();
    (deed, id)
}

/// The deed as it must look once `verifier` decided: only the verification fields and `updatedAt` move.
fn decided(reported: &Value, answer: &Value, status: &str, verifier: Value, note: Value) -> Value {
    let mut expected = reported.clone();
    expected["status"] = json!(status);
    expected["verifiedBy"] = verifier;
    expected["verificationNote"] = note;
    expected["verifiedAt"] = answer["verifiedAt"].clone();
    expected["updatedAt"] = answer["updatedAt"].clone();
    expected
}

#[tokio::test]
async fn an_official_of_the_ward_verifies_a_reported_deed_and_cannot_decide_it_again() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;
    let (deed, id) = reported(&world).await;
    let before = Rows::take(app).await;

    // Act
    let body = verify(app, &world.official_token, &id, true, Some("  Đã xác minh với công an phường ")).await;
    let after_verify = Rows::take(app).await;
    let again = verify(app, &world.official_token, &id, false, None).await;

    // Assert
    assert!(body.get("errors").is_none(), "{body:#}");
    let answer = &body["data"]["verifyGoodDeed"];
    let official = json!({ "userId": world.official_id, "displayName": OFFICIAL_NAME });
    assert_eq!(
        answer,
        &decided(&deed, answer, "VERIFIED", official, json!("Đã xác minh với công an phường"))
    );
    assert_eq!(answer["verifiedAt"], answer["updatedAt"]);
    assert!(time(&answer["updatedAt"]) > time(&deed["updatedAt"]), "updatedAt moves: {answer:#}");
    let stored = after_verify.deed(&id);
    assert_eq!(stored.status, GoodDeedStatus::Verified);
    assert_eq!(stored.verified_by.map(|u| u.to_string()), Some(world.official_id.clone()));
    assert_eq!(stored.verification_note.as_deref(), Some("Đã xác minh với công an phường"));
    let events: Vec<_> = after_verify
        .audit_events_since(&before)
        .iter()
        .map(|e| (e.action.as_str(), e.actor_id.map(|a| a.to_string()), e.target_id.map(|t| t.to_string())))
        .collect();
    assert_eq!(events, [("good_deed.verify", Some(world.official_id.clone()), Some(id.clone()))]);
    assert_eq!(after_verify.snapshot.changes.len(), before.snapshot.changes.len() + 1);
    assert_refused(&again, "CONFLICT", None, &after_verify, &Rows::take(app).await, "a second decision");
}

#[tokio::test]
async fn an_official_of_the_ward_rejects_a_reported_deed_once() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;
    let (deed, id) = reported(&world).await;
    let before = Rows::take(app).await;

    // Act
    let body = verify(app, &world.official_token, &id, false, None).await;
    let after_reject = Rows::take(app).await;
    let again = verify(app, &world.official_token, &id, true, Some("Xem lại")).await;

    // Assert
    let answer = &body["data"]["verifyGoodDeed"];
    let official = json!({ "userId": world.official_id, "displayName": OFFICIAL_NAME });
    assert_eq!(answer, &decided(&deed, answer, "REJECTED", official, Value::Null), "{body:#}");
    assert_eq!(after_reject.deed(&id).status, GoodDeedStatus::Rejected);
    let actions: Vec<_> =
        after_reject.audit_events_since(&before).iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["good_deed.reject"]);
    assert_refused(&again, "CONFLICT", None, &after_reject, &Rows::take(app).await, "verify after reject");
}

#[tokio::test]
async fn an_admin_verifies_deeds_of_any_ward() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;
    let input = deed_input(&world.foreign_group_id, None, "PATROL", "Tuần tra cùng dân quân");
    let deed = recorded_deed(app, &app.admin_token, &input).await;
    let id = deed["id"].as_str().expect("id");

    // Act
    let body = verify(app, &app.admin_token, id, true, None).await;

    // Assert
    let answer = &body["data"]["verifyGoodDeed"];
    let root_id = Rows::take(app).await.snapshot.user("root").id.to_string();
    assert_eq!(
        answer,
        &decided(&deed, answer, "VERIFIED", json!({ "userId": root_id, "displayName": "Root" }), Value::Null)
    );
}

#[tokio::test]
async fn a_group_leader_may_not_verify_even_a_deed_of_their_own_group() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;
    let (_, id) = reported(&world).await;

    for (case, id) in [("own group's deed", id), ("missing deed", unknown_id())] {
        let before = Rows::take(app).await;

        // Act
        let body = verify(app, &world.leader_token, &id, true, None).await;

        // Assert
        assert_refused(&body, "FORBIDDEN", None, &before, &Rows::take(app).await, case);
    }
}

#[tokio::test]
async fn an_official_of_another_ward_gets_not_found_exactly_like_for_a_missing_deed() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;
    let (_, id) = reported(&world).await;
    let before = Rows::take(app).await;

    // Act
    let body = verify(app, &world.foreign_official_token, &id, true, None).await;
    let missing = verify(app, &world.foreign_official_token, &unknown_id(), true, None).await;

    // Assert
    assert_refused(&body, "NOT_FOUND", None, &before, &Rows::take(app).await, "official of W2");
    assert_eq!(body, missing);
    assert_eq!(Rows::take(app).await.deed(&id).status, GoodDeedStatus::Reported);
}

#[tokio::test]
async fn a_note_over_2000_characters_or_a_malformed_id_is_bad_user_input_naming_the_field() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;
    let (_, id) = reported(&world).await;
    let long_note = "x".repeat(2001);

    for (case, id, note, field) in
        [("long note", id.as_str(), Some(long_note.as_str()), "note"), ("malformed id", "42", None, "id")]
    {
        let before = Rows::take(app).await;

        // Act
        let body = verify(app, &world.official_token, id, true, note).await;

        // Assert
        assert_refused(&body, "BAD_USER_INPUT", Some(field), &before, &Rows::take(app).await, case);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_eight_concurrent_decisions_on_one_deed_exactly_one_wins_and_the_rest_are_conflicts() {
    // Arrange
    let world = Arc::new(World::build().await);
    let (_, id) = reported(&world).await;
    let before = Rows::take(&world.app).await;

    // Act
    let mut decisions = tokio::task::JoinSet::new();
    for n in 0..8 {
        let (world, id) = (world.clone(), id.clone());
        decisions
            .spawn(async move { verify(&world.app, &world.official_token, &id, n % 2 == 0, None).await });
    }
    let answers = decisions.join_all().await;

    // Assert
    let winners: Vec<&Value> = answers.iter().filter(|a| a.get("errors").is_none()).collect();
    assert_eq!(winners.len(), 1, "{answers:#?}");
    for loser in answers.iter().filter(|a| a.get("errors").is_some()) {
        assert_eq!(error_code(loser), "CONFLICT", "{loser:#}");
    }
    let after = Rows::take(&world.app).await;
    assert_eq!(json!(after.deed(&id).status.to_value()), winners[0]["data"]["verifyGoodDeed"]["status"]);
    let events = after.audit_events_since(&before);
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(after.snapshot.changes.len(), before.snapshot.changes.len() + 1);
}
