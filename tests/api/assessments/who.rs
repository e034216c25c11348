//! Who changes a ward's settings and who assesses its groups: officials of the ward and
//! administrators; group leaders and the police never (`FORBIDDEN`); another ward reads exactly like one
//! that does not exist.

use serde_json::json;

use super::{Wards, input};
use crate::{
    helpers::{error_code, unknown_id},
    world::{assert_refused, assert_unchanged},
};

#[tokio::test]
async fn officials_of_the_ward_and_administrators_change_its_settings_and_no_one_else() {
    // Arrange
    let wards = Wards::build().await;
    let before = wards.rows().await;
    let input = |ward: &str| json!({ "wardId": ward, "expectedVersion": 0, "yearStartMonth": 1 });

    // Act
    let leader = wards.update(&wards.leader, input(&wards.ward_a)).await;
    let police = wards.update(&wards.police, input(&wards.ward_a)).await;
    let foreign = wards.update(&wards.official_b, input(&wards.ward_a)).await;
    let unknown = wards.update(&wards.official_b, input(&unknown_id())).await;
    let anonymous = wards
        .app
        .gql_with(
            None,
            "mutation { updateWardSettings(input: { wardId: \"x\", expectedVersion: 0 }) { version } }",
            json!({}),
        )
        .await;
    let refused = wards.rows().await;
    let admin = wards.update(&wards.app.admin_token, input(&wards.ward_b)).await;

    // Assert
    assert_refused(&leader, "FORBIDDEN", None, "a group leader");
    assert_refused(&police, "FORBIDDEN", None, "the ward police");
    assert_refused(&foreign, "NOT_FOUND", None, "an official of another ward");
    assert_eq!(foreign, unknown, "another ward reads exactly like one that does not exist");
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
    assert_unchanged(&before, &refused, "refused callers");
    assert_eq!(admin["data"]["updateWardSettings"]["version"], 1, "{admin:#}");
    let after = wards.rows().await;
    assert_eq!(after.audit_events_since(&refused)[0].actor_id, Some(after.snapshot.user("root").id));
}

#[tokio::test]
async fn officials_of_the_groups_ward_and_administrators_decide_and_no_one_else() {
    // Arrange
    let wards = Wards::build().await;
    let before = wards.rows().await;

    // Act
    let leader = wards.assess(&wards.leader, input(&wards.group_11, "KHA")).await;
    let police = wards.assess(&wards.police, input(&wards.group_11, "KHA")).await;
    let foreign = wards.assess(&wards.official_b, input(&wards.group_11, "KHA")).await;
    let unknown = wards.assess(&wards.official_b, input(&unknown_id(), "KHA")).await;
    let other_ward = wards.assess(&wards.official, input(&wards.group_21, "KHA")).await;
    let anonymous = wards
        .app
        .gql_with(
            None,
            "mutation { assessGroup(input: { groupId: \"x\", year: 2023, level: \"KHA\" }) { id } }",
            json!({}),
        )
        .await;
    let refused = wards.rows().await;
    let admin = wards.assess(&wards.app.admin_token, input(&wards.group_21, "KHA")).await;
    let neighbour = wards.assess(&wards.official, input(&wards.group_12, "KHA")).await;

    // Assert
    assert_refused(&leader, "FORBIDDEN", None, "a group leader, even of the group");
    assert_refused(&police, "FORBIDDEN", None, "the ward police");
    assert_refused(&foreign, "NOT_FOUND", None, "an official of another ward");
    assert_eq!(foreign, unknown, "a group of another ward reads exactly like one that does not exist");
    assert_refused(&other_ward, "NOT_FOUND", None, "a group of another ward");
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
    assert_unchanged(&before, &refused, "refused callers");
    assert_eq!(admin["data"]["assessGroup"]["decidedBy"], json!({ "displayName": "Root" }), "{admin:#}");
    assert_eq!(neighbour["data"]["assessGroup"]["group"]["code"], "12", "{neighbour:#}");
}
