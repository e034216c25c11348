//! Idempotency of `recordPledge`: the same `clientMutationId` with the same payload answers the
//! original pledge and writes nothing; with a different payload it is `CONFLICT` on `clientMutationId`;
//! a household already signed under another id is `CONFLICT` naming the pledge that stands.

use serde_json::json;

use super::{Drive, assert_refused, extensions};
use crate::{
    drive::{id_of, open_campaign, pledge_input, record_pledge, recorded, transition},
    helpers::unknown_id,
    world::{Rows, assert_unchanged},
};

#[tokio::test]
async fn the_same_client_mutation_id_with_the_same_payload_answers_the_same_pledge_and_writes_nothing() {
    // Arrange
    let drive = Drive::build().await;
    let app = &drive.app;
    let input = drive.input(&drive.household("H1").await);
    let first = record_pledge(app, &drive.leader_token, &input).await;
    let before = Rows::take(app).await;

    // Act
    let retry = record_pledge(app, &drive.leader_token, &input).await;

    // Assert
    assert!(first.get("errors").is_none(), "{first:#}");
    assert_eq!(retry, first);
    assert_unchanged(&before, &Rows::take(app).await, "a retry");
}

#[tokio::test]
async fn a_retry_after_the_campaign_closed_still_answers_the_original_pledge() {
    // Arrange: the answer was lost, and the campaign closed before the phone got through again.
    let drive = Drive::build().await;
    let app = &drive.app;
    let input = drive.input(&drive.household("H1").await);
    let first = recorded(app, &drive.leader_token, &input).await;
    transition(app, "closeCampaign", &drive.campaign_id).await;
    let before = Rows::take(app).await;

    // Act
    let retry = record_pledge(app, &drive.leader_token, &input).await;

    // Assert
    assert_eq!(retry, json!({ "data": { "recordPledge": first } }));
    assert_unchanged(&before, &Rows::take(app).await, "a retry");
}

#[tokio::test]
async fn the_same_client_mutation_id_with_a_different_payload_is_a_conflict_on_client_mutation_id() {
    // Arrange
    let drive = Drive::build().await;
    let app = &drive.app;
    let household = drive.household("H1").await;
    let other_household = drive.household("H2").await;
    let other_campaign = open_campaign(app, "Toàn thành phố 2023", None).await;
    let input = drive.input(&household);
    recorded(app, &drive.leader_token, &input).await;
    let changed = |field: &str, value: serde_json::Value| {
        let mut changed = input.clone();
        changed[field] = value;
        changed
    };
    let cases = [
        ("another signer", changed("signerName", json!("Nguyễn Thị Hoa"))),
        ("another day", changed("signedOn", json!("2023-05-18"))),
        ("a note added", changed("note", json!("Ký bổ sung"))),
        ("another household", changed("householdId", json!(other_household))),
        ("another campaign", changed("campaignId", json!(other_campaign))),
    ];
    let before = Rows::take(app).await;

    for (case, input) in cases {
        // Act
        let body = record_pledge(app, &drive.leader_token, &input).await;

        // Assert
        assert_refused(&body, "CONFLICT", Some("clientMutationId"), case);
        assert_eq!(
            body["errors"][0]["message"], "this clientMutationId was already used for a different request",
            "{case}"
        );
        assert_unchanged(&before, &Rows::take(app).await, case);
    }
}

#[tokio::test]
async fn a_household_already_signed_under_another_id_is_a_conflict_naming_the_pledge_that_stands() {
    // Arrange: the leader signed the household up; the official, on another phone, tries again.
    let drive = Drive::build().await;
    let app = &drive.app;
    let household = drive.household("H1").await;
    let standing = recorded(app, &drive.leader_token, &drive.input(&household)).await;
    let before = Rows::take(app).await;

    for (caller, token) in [("the same leader", &drive.leader_token), ("the official", &drive.official_token)]
    {
        // Act
        let body = record_pledge(app, token, &drive.input(&household)).await;

        // Assert
        assert_refused(&body, "CONFLICT", Some("householdId"), caller);
        assert_eq!(
            extensions(&body),
            &json!({ "code": "CONFLICT", "existingPledgeId": id_of(&standing), "field": "householdId" }),
            "{caller}"
        );
        assert_eq!(body["errors"][0]["message"], "this household has already signed for the campaign");
        assert_unchanged(&before, &Rows::take(app).await, caller);
    }
}

#[tokio::test]
async fn a_refused_request_does_not_use_up_its_client_mutation_id() {
    // Arrange: the phone sent tomorrow's date, was told so, and sends the item again corrected.
    let drive = Drive::build().await;
    let app = &drive.app;
    let key = unknown_id();
    let household = drive.household("H1").await;
    let mut wrong = pledge_input(&key, &household, &drive.campaign_id);
    wrong["signedOn"] = json!("2023-05-20");
    let refused = record_pledge(app, &drive.leader_token, &wrong).await;

    // Act
    let corrected =
        record_pledge(app, &drive.leader_token, &pledge_input(&key, &household, &drive.campaign_id)).await;

    // Assert
    assert_refused(&refused, "BAD_USER_INPUT", Some("signedOn"), "tomorrow");
    assert_eq!(corrected["data"]["recordPledge"]["clientMutationId"], json!(key), "{corrected:#}");
    assert_eq!(corrected["data"]["recordPledge"]["status"], "SIGNED");
    assert_eq!(app.count_rows("client_mutation").await, 1);
}
