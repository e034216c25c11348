//! Idempotency of `recordGoodDeed`: the same `clientMutationId` with the same payload answers the
//! first result and writes nothing, with another payload (or another kind of request) it is `CONFLICT`,
//! and concurrent sends of one id store one deed.

use std::sync::Arc;

use serde_json::{Value, json};

use super::{
    Rows, World, assert_refused, deed_input, open_campaign, pledge_input, record_deed, recorded_deed,
};
use crate::{drive::recorded as recorded_pledge, helpers::TEST_PASSWORD, world::vietnam_today};

#[tokio::test]
async fn sending_the_same_client_mutation_id_and_payload_again_returns_the_same_deed_and_writes_nothing() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;
    let input =
        deed_input(&world.group_id, Some(&world.household_id), "LOST_PROPERTY_RETURNED", "Trả lại ví");
    let first = record_deed(app, &world.leader_token, &input).await;
    assert!(first.get("errors").is_none(), "{first:#}");
    let before = Rows::take(app).await;

    // Act: the phone never saw the answer and sends it again, once as the same leader, once after
    // signing in again.
    let again = record_deed(app, &world.leader_token, &input).await;
    let token = app.login("leader.1", TEST_PASSWORD).await;
    let before_third = Rows::take(app).await;
    let third = record_deed(app, &token, &input).await;

    // Assert
    assert_eq!(again, first);
    assert_eq!(third, first);
    let after = Rows::take(app).await;
    assert!(before.good_deeds == after.good_deeds && before.keys == after.keys);
    assert!(
        before_third == after,
        "a replay writes nothing: {:?}",
        before_third.snapshot.changed_tables(&after.snapshot)
    );
    assert_eq!(after.good_deeds.len(), 1);
}

#[tokio::test]
async fn the_same_client_mutation_id_with_a_different_payload_is_a_conflict_on_client_mutation_id() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;
    let input = deed_input(&world.group_id, Some(&world.household_id), "CRIME_REPORT", "Báo tin trộm xe máy");
    let original = recorded_deed(app, &world.official_token, &input).await;
    let changes: [(&str, Value); 5] = [
        ("category", json!("OTHER")),
        ("description", json!("Báo tin trộm xe đạp")),
        ("occurredOn", json!("2024-05-18")),
        ("householdId", Value::Null),
        ("groupId", json!(world.other_group_id)),
    ];

    for (field, value) in changes {
        let mut changed = input.clone();
        changed[field] = value;
        if field == "groupId" {
            changed["householdId"] = json!(world.other_household_id);
        }
        let before = Rows::take(app).await;

        // Act
        let body = record_deed(app, &world.official_token, &changed).await;

        // Assert
        assert_refused(&body, "CONFLICT", Some("clientMutationId"), &before, &Rows::take(app).await, field);
    }
    let rows = Rows::take(app).await;
    assert_eq!(rows.good_deeds.len(), 1);
    assert_eq!(rows.deed(original["id"].as_str().expect("id")).description, "Báo tin trộm xe máy");
}

#[tokio::test]
async fn a_client_mutation_id_already_used_for_a_pledge_is_a_conflict_for_a_good_deed() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;
    let campaign_id = open_campaign(app, &world.ward_id).await;
    let pledge = pledge_input(&world.household_id, &campaign_id, vietnam_today(app));
    recorded_pledge(app, &app.admin_token, &pledge).await;
    let mut input = deed_input(&world.group_id, None, "OTHER", "Dọn vệ sinh đường làng");
    input["clientMutationId"] = pledge["clientMutationId"].clone();
    let before = Rows::take(app).await;

    // Act
    let body = record_deed(app, &app.admin_token, &input).await;

    // Assert
    assert_refused(
        &body,
        "CONFLICT",
        Some("clientMutationId"),
        &before,
        &Rows::take(app).await,
        "pledge key",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_concurrent_sends_of_one_client_mutation_id_make_one_deed_and_identical_answers() {
    // Arrange
    let world = Arc::new(World::build().await);
    let input = deed_input(&world.group_id, Some(&world.household_id), "DRUG_PREVENTION", "Tuyên truyền");
    let before = Rows::take(&world.app).await;

    // Act
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (world, input) = (world.clone(), input.clone());
        sends.spawn(async move { record_deed(&world.app, &world.leader_token, &input).await });
    }
    let answers = sends.join_all().await;

    // Assert
    let first = &answers[0];
    assert!(first.get("errors").is_none(), "{first:#}");
    for answer in &answers {
        assert_eq!(answer, first, "every send gets the same answer");
    }
    let after = Rows::take(&world.app).await;
    assert_eq!(after.good_deeds.len(), 1);
    assert_eq!(
        after.good_deeds[0].id.to_string(),
        first["data"]["recordGoodDeed"]["id"].as_str().expect("id")
    );
    assert_eq!(after.keys.len(), 1);
    let events: Vec<_> = after.audit_events_since(&before).iter().map(|e| e.action.as_str()).collect();
    assert_eq!(events, ["good_deed.record"]);
    assert_eq!(after.snapshot.changes.len(), before.snapshot.changes.len() + 1);
}
