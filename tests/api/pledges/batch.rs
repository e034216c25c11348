//! `recordPledges`: a phone back online sends what it collected. One result per input, in input order;
//! a bad item fails alone; each good item is written once; sending the batch again answers the same and
//! writes nothing; at most 500 items, and 500 go through in one call.

use std::time::Instant;

use serde_json::{Value, json};

use super::{Drive, assert_refused};
use crate::{
    drive::{closed_campaign, pledge_input, record_pledges_mutation, recorded},
    helpers::{backend, create_household, unknown_id},
    world::{Rows, assert_unchanged},
};

/// Sends `recordPledges` as `token` and returns the whole body.
async fn record_pledges(drive: &Drive, token: &str, inputs: &[Value]) -> Value {
    drive.app.gql_with(Some(token), &record_pledges_mutation(), json!({ "inputs": inputs })).await
}

/// A failed item as `recordPledges` returns it.
fn failed(input: &Value, code: &str, message: &str, field: &str, existing_pledge_id: Option<&str>) -> Value {
    json!({
        "clientMutationId": input["clientMutationId"], "pledge": null,
        "error": { "code": code, "message": message, "field": field, "existingPledgeId": existing_pledge_id }
    })
}

/// A batch with one item of every kind, and what it must leave behind.
struct MixedBatch {
    inputs: Vec<Value>,
    /// The households the good items sign: H1 (item 0) and H5 (item 8).
    good_households: [String; 2],
    /// The pledge H2 signed before the batch.
    standing: Value,
    neighbour: String,
}

async fn mixed_batch(drive: &Drive) -> MixedBatch {
    let app = &drive.app;
    let [h1, h2, h3, h4, h5, h6] = [
        drive.household("H1").await,
        drive.household("H2").await,
        drive.household("H3").await,
        drive.household("H4").await,
        drive.household("H5").await,
        drive.household("H6").await,
    ];
    let neighbour = create_household(app, &drive.other_group_id, "H9", "Lê Văn Cường").await;
    let closed = closed_campaign(app, "Đã đóng", Some(&drive.ward_id)).await;
    let standing = recorded(app, &drive.leader_token, &drive.input(&h2)).await;
    let good = drive.input(&h1);
    let second_good = drive.input(&h5);
    let mut malformed_household = drive.input(&h4);
    malformed_household["householdId"] = json!("hộ-số-4");
    let mut malformed_key = drive.input(&h4);
    malformed_key["clientMutationId"] = json!("phone-item-8");
    let mut key_reused = drive.input(&h6);
    key_reused["clientMutationId"] = second_good["clientMutationId"].clone();
    let inputs = vec![
        good.clone(),                              // 0: signs H1
        good,                                      // 1: the same item twice: the same pledge
        drive.input(&h1),                          // 2: H1 again under another id
        drive.input(&h2),                          // 3: H2 signed before the batch
        drive.input(&neighbour),                   // 4: a household of group 2
        pledge_input(&unknown_id(), &h3, &closed), // 5: a closed campaign
        malformed_household,                       // 6
        malformed_key,                             // 7
        second_good,                               // 8: signs H5
        key_reused,                                // 9: item 8's id for H6
    ];
    MixedBatch { inputs, good_households: [h1, h5], standing, neighbour }
}

#[tokio::test]
async fn record_pledges_answers_each_item_in_input_order_and_writes_only_the_good_ones() {
    // Arrange
    let drive = Drive::build().await;
    let batch = mixed_batch(&drive).await;
    let before = Rows::take(&drive.app).await;

    // Act
    let body = record_pledges(&drive, &drive.leader_token, &batch.inputs).await;

    // Assert
    assert!(body.get("errors").is_none(), "{body:#}");
    let results = body["data"]["recordPledges"].as_array().expect("results");
    let (first, second) = (&results[0]["pledge"], &results[8]["pledge"]);
    let inputs = &batch.inputs;
    let already = "this household has already signed for the campaign";
    let expected = vec![
        json!({ "clientMutationId": inputs[0]["clientMutationId"], "pledge": first, "error": null }),
        json!({ "clientMutationId": inputs[1]["clientMutationId"], "pledge": first, "error": null }),
        failed(&inputs[2], "CONFLICT", already, "householdId", first["id"].as_str()),
        failed(&inputs[3], "CONFLICT", already, "householdId", batch.standing["id"].as_str()),
        failed(&inputs[4], "NOT_FOUND", "household not found", "householdId", None),
        failed(
            &inputs[5],
            "CONFLICT",
            "the campaign is CLOSED: pledges are recorded only while it is OPEN",
            "campaignId",
            None,
        ),
        failed(&inputs[6], "BAD_USER_INPUT", "householdId is not a valid id", "householdId", None),
        failed(&inputs[7], "BAD_USER_INPUT", "clientMutationId is not a valid id", "clientMutationId", None),
        json!({ "clientMutationId": inputs[8]["clientMutationId"], "pledge": second, "error": null }),
        failed(
            &inputs[9],
            "CONFLICT",
            "this clientMutationId was already used for a different request",
            "clientMutationId",
            None,
        ),
    ];
    assert_eq!(results, &expected, "{body:#}");
    for (pledge, household, input) in
        [(first, &batch.good_households[0], &inputs[0]), (second, &batch.good_households[1], &inputs[8])]
    {
        assert_eq!(
            (&pledge["household"]["id"], &pledge["status"], &pledge["clientMutationId"], &pledge["signedOn"]),
            (&json!(household), &json!("SIGNED"), &input["clientMutationId"], &json!("2023-05-19")),
            "{pledge:#}"
        );
    }
    let after = Rows::take(&drive.app).await;
    let mut signed: Vec<String> = after.pledges.iter().map(|p| p.household_id.to_string()).collect();
    signed.sort();
    let mut expected_signed = vec![
        batch.standing["household"]["id"].as_str().expect("id").to_owned(),
        batch.good_households[0].clone(),
        batch.good_households[1].clone(),
    ];
    expected_signed.sort();
    assert_eq!(signed, expected_signed, "only the good items are stored");
    assert!(!signed.contains(&batch.neighbour));
    let new_keys: Vec<String> =
        after.keys.iter().filter(|k| !before.keys.contains(k)).map(|k| k.id.to_string()).collect();
    let mut expected_keys = vec![
        inputs[0]["clientMutationId"].as_str().expect("key"),
        inputs[8]["clientMutationId"].as_str().expect("key"),
    ];
    expected_keys.sort();
    assert_eq!(new_keys, expected_keys);
    let events: Vec<_> = after
        .audit_events_since(&before)
        .iter()
        .map(|e| (e.action.clone(), e.target_id.map(|t| t.to_string())))
        .collect();
    let record = |pledge: &Value| ("pledge.record".to_owned(), pledge["id"].as_str().map(str::to_owned));
    assert_eq!(events, [record(first), record(second)]);
    let changed: Vec<String> = after.changes_since(&before).iter().map(|c| c.entity_id.to_string()).collect();
    assert_eq!(changed, [first["id"].as_str().expect("id"), second["id"].as_str().expect("id")]);
}

#[tokio::test]
async fn retrying_the_same_batch_answers_identically_and_writes_nothing() {
    // Arrange: the phone sent the batch, the answer was lost, and it sends the batch again.
    let drive = Drive::build().await;
    let batch = mixed_batch(&drive).await;
    let first = record_pledges(&drive, &drive.leader_token, &batch.inputs).await;
    let before = Rows::take(&drive.app).await;

    // Act
    let retry = record_pledges(&drive, &drive.leader_token, &batch.inputs).await;

    // Assert
    assert!(first.get("errors").is_none(), "{first:#}");
    assert_eq!(retry, first);
    assert_unchanged(&before, &Rows::take(&drive.app).await, "a retried batch");
}

#[tokio::test]
async fn a_batch_of_more_than_500_items_is_bad_user_input_on_inputs_and_writes_nothing() {
    // Arrange
    let drive = Drive::build().await;
    let household = drive.household("H1").await;
    let inputs: Vec<Value> = (0..501).map(|_| drive.input(&household)).collect();
    let before = Rows::take(&drive.app).await;

    // Act
    let body = record_pledges(&drive, &drive.leader_token, &inputs).await;

    // Assert
    assert_refused(&body, "BAD_USER_INPUT", Some("inputs"), "501 items");
    assert_unchanged(&before, &Rows::take(&drive.app).await, "501 items");
}

#[tokio::test]
async fn an_empty_batch_answers_an_empty_list_and_writes_nothing() {
    let drive = Drive::build().await;
    let before = Rows::take(&drive.app).await;

    let body = record_pledges(&drive, &drive.leader_token, &[]).await;

    assert_eq!(body, json!({ "data": { "recordPledges": [] } }));
    assert_unchanged(&before, &Rows::take(&drive.app).await, "an empty batch");
}

#[tokio::test]
async fn a_batch_of_500_pledges_is_recorded_in_one_call() {
    // Arrange
    let drive = Drive::build().await;
    let mut households = Vec::with_capacity(500);
    for n in 0..500 {
        households.push(drive.household(&format!("H{n}")).await);
    }
    let inputs: Vec<Value> = households.iter().map(|h| drive.input(h)).collect();
    let before = Rows::take(&drive.app).await;

    // Act
    let started = Instant::now();
    let body = record_pledges(&drive, &drive.leader_token, &inputs).await;
    let elapsed = started.elapsed();

    // Assert
    eprintln!("recordPledges of 500 items on {}: {} ms", backend(&drive.app), elapsed.as_millis());
    let results = body["data"]["recordPledges"].as_array().unwrap_or_else(|| panic!("{body:#}"));
    assert_eq!(results.len(), 500);
    for (index, (result, input)) in results.iter().zip(&inputs).enumerate() {
        assert_eq!(result["error"], Value::Null, "item {index}: {result:#}");
        assert_eq!(
            (&result["clientMutationId"], &result["pledge"]["household"]["id"], &result["pledge"]["status"]),
            (&input["clientMutationId"], &input["householdId"], &json!("SIGNED")),
            "item {index}"
        );
    }
    let after = Rows::take(&drive.app).await;
    assert_eq!(
        (
            after.pledges.len(),
            after.keys.len(),
            after.audit_events_since(&before).iter().filter(|e| e.action == "pledge.record").count(),
            after.changes_since(&before).len()
        ),
        (500, 500, 500, 500),
        "(pledges, idempotency keys, audit events, change-log rows)"
    );
}
