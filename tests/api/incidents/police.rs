//! What the ward police read of the rest of the service: the ward's coverage and good-deed reports and
//! the coverage export, with the same figures as its officials; never a household (no list, no
//! names, no phones, not even inside a report or an export), and never a good deed one by one. And
//! their accounts: granted by administrators only, ended like any other session.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    drive::{VIETNAM_NOON, pledge_input, recorded, set_clock},
    helpers::{TestApp, error_code, spawn_app, unknown_id},
    world::{Rows, World, assert_refused, assert_unchanged, open_campaign_around_today},
};

/// The coverage report's figures, per ward and per group, without the households to visit.
const FIGURES: &str =
    "query($c: ID!, $w: ID, $g: ID) { coverageReport(campaignId: $c, wardId: $w, groupId: $g) {
    totalHouseholds signedHouseholds coverage fullyCovered groupsTotal groupsFullyCovered
    wards { ward { code name } totalHouseholds signedHouseholds coverage fullyCovered }
    groups { group { code name ward { code } } totalHouseholds signedHouseholds coverage fullyCovered }
} }";

const DEED_REPORT: &str = "query($w: ID, $g: ID) { goodDeedReport(wardId: $w, groupId: $g) {
    total byStatus { status count } byCategory { category count }
    groups { group { code } total byStatus { status count } byCategory { category count } }
} }";

/// The pledge world with the police of W1 signed in, an open campaign for every ward, H1 signed, and a
/// good deed in groups 1, 2 and 21.
async fn world_with_police() -> (World, String, String) {
    let app = spawn_app().await;
    set_clock(&app, VIETNAM_NOON);
    let world = World::build_on(app).await;
    let app = &world.app;
    let police = app.user_with_role("police.w1", "WARD_POLICE", Some(&world.ward_id), None).await;
    let campaign = open_campaign_around_today(app, "Chiến dịch toàn thành phố", None, 60).await;
    recorded(app, &app.admin_token, &pledge_input(&unknown_id(), &world.household_id, &campaign)).await;
    for group in [&world.group_id, &world.other_group_id, &world.foreign_group_id] {
        app.gql_ok(
            "mutation($input: RecordGoodDeedInput!) { recordGoodDeed(input: $input) { id } }",
            json!({ "input": {
                "clientMutationId": unknown_id(), "groupId": group, "householdId": null, "category": "PATROL",
                "occurredOn": "2023-01-15", "description": "Tuần tra đêm"
            } }),
        )
        .await;
    }
    (world, police, campaign)
}

#[tokio::test]
async fn the_police_read_the_coverage_and_good_deed_reports_of_their_ward_as_its_official_does() {
    // Arrange
    let (world, police, campaign) = world_with_police().await;
    let app = &world.app;
    let scopes = [
        json!({ "c": campaign }),
        json!({ "c": campaign, "w": world.ward_id }),
        json!({ "c": campaign, "g": world.other_group_id }),
    ];

    for variables in scopes {
        // Act
        let as_police = app.gql_with(Some(&police), FIGURES, variables.clone()).await;
        let as_official = app.gql_with(Some(&world.official_token), FIGURES, variables.clone()).await;
        let mut deed_scope = variables.clone();
        deed_scope.as_object_mut().expect("an object").remove("c");
        let deeds_as_police = app.gql_with(Some(&police), DEED_REPORT, deed_scope.clone()).await;
        let deeds_as_official = app.gql_with(Some(&world.official_token), DEED_REPORT, deed_scope).await;

        // Assert
        assert!(as_police.get("errors").is_none(), "{variables}: {as_police:#}");
        assert_eq!(as_police, as_official, "{variables}: the same coverage");
        assert!(deeds_as_police.get("errors").is_none(), "{variables}: {deeds_as_police:#}");
        assert_eq!(deeds_as_police, deeds_as_official, "{variables}: the same good-deed counts");
    }
    let ward = app.gql_with(Some(&police), FIGURES, json!({ "c": campaign, "w": world.ward_id })).await;
    assert_eq!(
        (
            &ward["data"]["coverageReport"]["totalHouseholds"],
            &ward["data"]["coverageReport"]["signedHouseholds"]
        ),
        (&json!(2), &json!(1)),
        "{ward:#}"
    );
    let deeds = app.gql_with(Some(&police), DEED_REPORT, json!({})).await;
    assert_eq!(deeds["data"]["goodDeedReport"]["total"], 2, "the two deeds of W1, counted: {deeds:#}");
    for variables in [
        json!({ "c": campaign, "w": world.foreign_ward_id }),
        json!({ "c": campaign, "g": world.foreign_group_id }),
    ] {
        let other = app.gql_with(Some(&police), FIGURES, variables.clone()).await;
        assert_refused(&other, "NOT_FOUND", None, &format!("another ward's coverage {variables}"));
        let mut deed_scope = variables.clone();
        deed_scope.as_object_mut().expect("an object").remove("c");
        let other = app.gql_with(Some(&police), DEED_REPORT, deed_scope).await;
        assert_refused(&other, "NOT_FOUND", None, &format!("another ward's deeds {variables}"));
    }
}

#[tokio::test]
async fn the_households_to_visit_inside_a_report_are_refused_to_the_police_and_the_figures_still_answer() {
    // Arrange
    let (world, police, campaign) = world_with_police().await;
    let query = "query($c: ID!, $w: ID) { coverageReport(campaignId: $c, wardId: $w) {
        totalHouseholds groups { group { code } signedHouseholds unsignedHouseholds { edges { node { code headName phone } } } }
    } }";

    // Act
    let body = world.app.gql_with(Some(&police), query, json!({ "c": campaign, "w": world.ward_id })).await;

    // Assert: both groups of W1 listed with their figures; each one's households refused at its path.
    assert_eq!(
        body["data"],
        json!({ "coverageReport": { "totalHouseholds": 2, "groups": [
            { "group": { "code": "2" }, "signedHouseholds": 0 },
            { "group": { "code": "1" }, "signedHouseholds": 1 }
        ] } }),
        "{body:#}"
    );
    let errors = body["errors"].as_array().expect("errors");
    let paths: Vec<&Value> = errors.iter().map(|e| &e["path"]).collect();
    assert_eq!(
        paths,
        [
            &json!(["coverageReport", "groups", 0, "unsignedHouseholds"]),
            &json!(["coverageReport", "groups", 1, "unsignedHouseholds"])
        ]
    );
    assert!(errors.iter().all(|e| e["extensions"]["code"] == "FORBIDDEN"), "{body:#}");
}

#[tokio::test]
async fn no_path_leads_the_police_to_a_household_or_a_good_deed() {
    // Arrange
    let (world, police, _) = world_with_police().await;
    let app = &world.app;
    let cases = [
        (
            "households",
            "query($id: ID!) { households(groupId: $id) { totalCount } }",
            json!({ "id": world.group_id }),
        ),
        (
            "household",
            "query($id: ID!) { household(id: $id) { headName phone } }",
            json!({ "id": world.household_id }),
        ),
        (
            "a group's households",
            "query($id: ID!) { group(id: $id) { households { edges { node { phone } } } } }",
            json!({ "id": world.group_id }),
        ),
        (
            "households of another ward",
            "query($id: ID!) { households(groupId: $id) { totalCount } }",
            json!({ "id": world.foreign_group_id }),
        ),
        ("changes", "{ changes { households { phone } } }", json!({})),
        ("good deeds", "{ goodDeeds { edges { node { description household { headName } } } } }", json!({})),
    ];
    let before = Rows::take(app).await;

    for (case, query, variables) in cases {
        // Act
        let body = app.gql_with(Some(&police), query, variables).await;

        // Assert
        assert_refused(&body, "FORBIDDEN", None, case);
    }
    // By id, a household reads exactly as one that does not exist.
    let node = "query($id: ID!) { node(id: $id) { id } }";
    let household = app.gql_with(Some(&police), node, json!({ "id": world.household_id })).await;
    let unknown = app.gql_with(Some(&police), node, json!({ "id": unknown_id() })).await;
    assert_eq!(household["data"], json!({ "node": null }));
    assert_eq!(household["errors"][0]["message"], unknown["errors"][0]["message"]);
    assert_eq!(household["errors"][0]["extensions"], unknown["errors"][0]["extensions"]);
    assert_unchanged(&before, &Rows::take(app).await, "reads");
}

/// GETs an export as `token`.
async fn export(app: &TestApp, token: &str, path_and_query: &str) -> reqwest::Response {
    let url = format!("{}{path_and_query}", app.address);
    app.client.get(url).bearer_auth(token).send().await.expect("request sent")
}

#[tokio::test]
async fn the_police_export_the_coverage_sheet_of_their_ward_but_never_the_households_to_visit() {
    // Arrange
    let (world, police, campaign) = world_with_police().await;
    let app = &world.app;
    let coverage = format!("/exports/coverage.csv?campaignId={campaign}&wardId={}", world.ward_id);
    let unsigned = |group: &str| format!("/exports/unsigned.csv?campaignId={campaign}&groupId={group}");

    // Act
    let as_police = export(app, &police, &coverage).await;
    let as_official = export(app, &world.official_token, &coverage).await;
    let own_group = export(app, &police, &unsigned(&world.group_id)).await;
    let other_ward = export(app, &police, &unsigned(&world.foreign_group_id)).await;
    let workbook = export(
        app,
        &police,
        &format!("/exports/unsigned.xlsx?campaignId={campaign}&groupId={}", world.group_id),
    )
    .await;

    // Assert
    assert_eq!(as_police.status(), StatusCode::OK);
    let (police_sheet, official_sheet) = (as_police.bytes().await, as_official.bytes().await);
    let police_sheet = police_sheet.expect("a body");
    assert_eq!(police_sheet, official_sheet.expect("a body"), "the same sheet");
    assert!(String::from_utf8_lossy(&police_sheet).contains("Tổ dân phố 1"), "the groups are in it");
    for (case, response) in [("own group", own_group), ("another ward", other_ward), ("workbook", workbook)] {
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{case}");
        let body: Value = response.json().await.expect("a JSON error");
        assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN", "{case}: {body:#}");
    }
}

#[tokio::test]
async fn police_accounts_come_from_administrators_and_end_at_once_when_deactivated() {
    // Arrange
    let (world, police, _) = world_with_police().await;
    let app = &world.app;
    let create = "mutation($input: CreateUserInput!) { createUser(input: $input) { username } }";
    let grant = |assignment: Value| {
        json!({ "input": {
            "username": "police.new", "displayName": "Công an", "password": crate::helpers::TEST_PASSWORD,
            "roleAssignments": [assignment]
        } })
    };
    let users = "{ users { edges { node { username roleAssignments { role ward { code } } } } } }";
    let before = Rows::take(app).await;

    // Act
    let by_official = app
        .gql_with(
            Some(&world.official_token),
            create,
            grant(json!({ "role": "WARD_POLICE", "wardId": world.ward_id })),
        )
        .await;
    let with_group =
        app.gql(create, grant(json!({ "role": "WARD_POLICE", "groupId": world.group_id }))).await;
    let without_ward = app.gql(create, grant(json!({ "role": "WARD_POLICE" }))).await;
    let unchanged = Rows::take(app).await;
    let listed = app.gql_with(Some(&world.official_token), users, json!({})).await;
    let police_id = unchanged.snapshot.user("police.w1").id.to_string();
    let deactivate = "mutation($id: ID!) { setUserActive(id: $id, active: false) { active } }";
    let by_official_off =
        app.gql_with(Some(&world.official_token), deactivate, json!({ "id": police_id })).await;
    let before_deactivation = app.gql_with(Some(&police), "{ me { username } }", json!({})).await;
    let deactivated = app.gql(deactivate, json!({ "id": police_id })).await;
    let after_deactivation = app.gql_with(Some(&police), "{ me { username } }", json!({})).await;

    // Assert
    assert_refused(&by_official, "FORBIDDEN", None, "an official granting WARD_POLICE");
    assert_refused(&with_group, "BAD_USER_INPUT", Some("roleAssignments.0"), "WARD_POLICE with a group");
    assert_refused(&without_ward, "BAD_USER_INPUT", Some("roleAssignments.0"), "WARD_POLICE without a ward");
    assert_unchanged(&before, &unchanged, "refused grants");
    let police_row = listed["data"]["users"]["edges"]
        .as_array()
        .expect("users")
        .iter()
        .find(|e| e["node"]["username"] == "police.w1")
        .cloned();
    assert_eq!(
        police_row,
        Some(
            json!({ "node": { "username": "police.w1", "roleAssignments": [{ "role": "WARD_POLICE", "ward": { "code": "W1" } }] } })
        ),
        "the official sees the police of their ward: {listed:#}"
    );
    assert_refused(&by_official_off, "FORBIDDEN", None, "an official deactivating the police");
    assert_eq!(before_deactivation["data"]["me"]["username"], "police.w1");
    assert_eq!(deactivated["data"]["setUserActive"]["active"], false, "{deactivated:#}");
    assert_eq!(error_code(&after_deactivation), "UNAUTHENTICATED", "{after_deactivation:#}");
}
