//! goodDeedReport: counts by category and status, per group, with totals, in the caller's scope.

use serde_json::{Value, json};

use super::world::{deed_input, recorded_deed};
use crate::helpers::error_code;
use crate::world::World;

const REPORT: &str = "query($w: ID, $g: ID, $from: Date, $to: Date) {
    goodDeedReport(wardId: $w, groupId: $g, from: $from, to: $to) {
        total
        byStatus { status count }
        byCategory { category count }
        groups { group { code } total byStatus { status count } byCategory { category count } }
    }
}";

fn count(list: &Value, key: &str, name: &str) -> i64 {
    list.as_array()
        .and_then(|items| items.iter().find(|i| i[key] == name))
        .and_then(|i| i["count"].as_i64())
        .unwrap_or_else(|| panic!("no {name} in {list}"))
}

/// Group 1: two patrols (one verified) and a crime report (rejected); group 2: one fire prevention;
/// group 21 of the other ward: one patrol.
async fn world_with_deeds() -> World {
    let world = World::build().await;
    let app = &world.app;
    let admin = app.admin_token.clone();
    let patrol =
        recorded_deed(app, &admin, &deed_input(&world.group_id, None, "PATROL", "Tuần tra đêm")).await;
    recorded_deed(app, &admin, &deed_input(&world.group_id, Some(&world.household_id), "PATROL", "Tuần tra"))
        .await;
    let report =
        recorded_deed(app, &admin, &deed_input(&world.group_id, None, "CRIME_REPORT", "Báo tin người lạ"))
            .await;
    recorded_deed(app, &admin, &deed_input(&world.other_group_id, None, "FIRE_PREVENTION", "Dập lửa")).await;
    recorded_deed(app, &admin, &deed_input(&world.foreign_group_id, None, "PATROL", "Tuần tra")).await;
    let verify = "mutation($id: ID!, $a: Boolean!) { verifyGoodDeed(id: $id, approve: $a) { status } }";
    app.gql_ok(verify, json!({ "id": patrol["id"], "a": true })).await;
    app.gql_ok(verify, json!({ "id": report["id"], "a": false })).await;
    world
}

#[tokio::test]
async fn an_official_gets_the_exact_counts_of_their_ward_by_group_category_and_status() {
    // Arrange
    let world = world_with_deeds().await;

    // Act
    let body = world.app.gql_with(Some(&world.official_token), REPORT, json!({})).await;

    // Assert
    let report = &body["data"]["goodDeedReport"];
    assert_eq!(report["total"], 4, "{body:#}");
    assert_eq!(count(&report["byStatus"], "status", "VERIFIED"), 1);
    assert_eq!(count(&report["byStatus"], "status", "REJECTED"), 1);
    assert_eq!(count(&report["byStatus"], "status", "REPORTED"), 2);
    assert_eq!(count(&report["byCategory"], "category", "PATROL"), 2);
    assert_eq!(count(&report["byCategory"], "category", "CRIME_REPORT"), 1);
    assert_eq!(count(&report["byCategory"], "category", "FIRE_PREVENTION"), 1);
    assert_eq!(count(&report["byCategory"], "category", "OTHER"), 0, "every category is listed");
    let groups = report["groups"].as_array().expect("groups");
    let codes: Vec<&str> = groups.iter().map(|g| g["group"]["code"].as_str().expect("code")).collect();
    assert_eq!(codes, ["1", "2"], "only the official's ward, in code order");
    assert_eq!(groups[0]["total"], 3);
    assert_eq!(count(&groups[0]["byCategory"], "category", "PATROL"), 2);
    assert_eq!(groups[1]["total"], 1);
    assert_eq!(count(&groups[1]["byStatus"], "status", "REPORTED"), 1);
}

#[tokio::test]
async fn the_report_narrows_to_a_group_and_a_period_and_an_admin_sees_every_ward() {
    let world = world_with_deeds().await;
    let app = &world.app;

    let everything = app.gql_ok(REPORT, json!({})).await;
    assert_eq!(everything["goodDeedReport"]["total"], 5);
    assert_eq!(everything["goodDeedReport"]["groups"].as_array().map(Vec::len), Some(3));

    let group = app.gql_ok(REPORT, json!({ "g": world.other_group_id })).await;
    assert_eq!(group["goodDeedReport"]["total"], 1);

    let before = app.gql_ok(REPORT, json!({ "to": "2024-05-18" })).await;
    assert_eq!(before["goodDeedReport"]["total"], 0, "every deed happened on 2024-05-19");
    let on_the_day = app.gql_ok(REPORT, json!({ "from": "2024-05-19", "to": "2024-05-19" })).await;
    assert_eq!(on_the_day["goodDeedReport"]["total"], 5);
}

#[tokio::test]
async fn the_report_refuses_what_the_caller_may_not_see_and_bad_arguments() {
    let world = world_with_deeds().await;
    let app = &world.app;

    let leader = app.gql_with(Some(&world.leader_token), REPORT, json!({})).await;
    assert_eq!(leader["data"]["goodDeedReport"]["total"], 3, "a leader counts their group only: {leader:#}");

    let foreign =
        app.gql_with(Some(&world.official_token), REPORT, json!({ "w": world.foreign_ward_id })).await;
    assert_eq!(error_code(&foreign), "NOT_FOUND");
    let foreign_group =
        app.gql_with(Some(&world.leader_token), REPORT, json!({ "g": world.other_group_id })).await;
    assert_eq!(error_code(&foreign_group), "NOT_FOUND");

    let reversed = app.gql(REPORT, json!({ "from": "2024-06-01", "to": "2024-05-01" })).await;
    assert_eq!(error_code(&reversed), "BAD_USER_INPUT");
    assert_eq!(reversed["errors"][0]["extensions"]["field"], "to");
    let malformed = app.gql(REPORT, json!({ "from": "19/05/2024" })).await;
    assert_eq!(malformed["errors"][0]["extensions"]["field"], "from");
    let anonymous = app.gql_with(None, REPORT, json!({})).await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
}
