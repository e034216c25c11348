//! Answers kept whole: a group leader's household page or a report asked again with nothing changed is
//! answered without any statement, and every change to what it shows (a household edited, moved out or
//! added, a pledge recorded or withdrawn, the group renamed) shows in the very next answer, here and
//! through another server; each caller keeps their own answers.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{Fixture, set_status, sign, withdraw};
use crate::helpers::{OtherServer, TestApp, create_household, error_code};

/// A leader's page: the group, and its households with their pledge for `campaign`.
const PAGE: &str = "query Page($group: ID!, $campaign: ID!) {
    group(id: $group) {
        name
        households(first: 50) {
            edges { node { code headName status version pledge(campaignId: $campaign) { status } } }
        }
    }
}";

const EDIT: &str = "mutation($id: ID!, $v: Int!, $name: String!) {
    updateHousehold(id: $id, expectedVersion: $v, input: { headName: $name }) { version }
}";

/// `(code, headName, status, pledge status)` of every household of the page.
fn rows(data: &Value) -> Vec<(String, String, String, Option<String>)> {
    let edges =
        data["group"]["households"]["edges"].as_array().unwrap_or_else(|| panic!("no page: {data:#}"));
    edges
        .iter()
        .map(|edge| {
            let node = &edge["node"];
            let text = |value: &Value| value.as_str().map(str::to_owned);
            (
                text(&node["code"]).expect("code"),
                text(&node["headName"]).expect("head name"),
                text(&node["status"]).expect("status"),
                text(&node["pledge"]["status"]),
            )
        })
        .collect()
}

fn row(data: &Value, code: &str) -> (String, String, String, Option<String>) {
    rows(data).into_iter().find(|row| row.0 == code).unwrap_or_else(|| panic!("no {code} in {data:#}"))
}

async fn page(app: &TestApp, fixture: &Fixture, group: &str) -> (usize, Value) {
    let variables = json!({ "group": fixture.groups[group], "campaign": fixture.campaign });
    app.statements_during(app.gql_ok(PAGE, variables)).await
}

#[tokio::test]
async fn a_page_asked_again_reads_nothing_and_every_change_to_it_shows_in_the_next_answer() {
    // Arrange
    let fixture = Fixture::build().await;
    let app = &fixture.app;
    app.until_caller_remembered(&app.admin_token).await;
    let (_, before) = page(app, &fixture, "2").await;

    // Act
    let (statements, again) = page(app, &fixture, "2").await;
    let version = app
        .gql_ok(EDIT, json!({ "id": fixture.households["H202"], "v": 1, "name": "Trần Thị Bình" }))
        .await["updateHousehold"]["version"]
        .as_i64()
        .expect("version");
    let (_, edited) = page(app, &fixture, "2").await;
    sign(app, &fixture.households["H203"], &fixture.campaign).await;
    let (_, signed) = page(app, &fixture, "2").await;
    set_status(app, &fixture.households["H202"], version, "MOVED_OUT").await;
    let (_, moved_out) = page(app, &fixture, "2").await;
    create_household(app, &fixture.groups["2"], "H206", "Lê Văn Sáu").await;
    let (_, added) = page(app, &fixture, "2").await;
    let rename = json!({ "id": fixture.groups["2"], "input": { "name": "Tổ dân phố Hai" } });
    app.gql_ok(
        "mutation($id: ID!, $input: UpdateGroupInput!) { updateGroup(id: $id, input: $input) { name } }",
        rename,
    )
    .await;
    let (_, renamed) = page(app, &fixture, "2").await;

    // Assert
    assert_eq!(statements, 0, "asked again unchanged, nothing is read");
    assert_eq!(again, before);
    let text = |s: &str| s.to_owned();
    assert_eq!(row(&before, "H202"), (text("H202"), text("Nguyễn Văn An"), text("ACTIVE"), None));
    assert_eq!(row(&edited, "H202"), (text("H202"), text("Trần Thị Bình"), text("ACTIVE"), None));
    assert_eq!(row(&signed, "H203").3.as_deref(), Some("SIGNED"));
    assert_eq!(row(&moved_out, "H202").2, "MOVED_OUT");
    assert_eq!(rows(&added).len(), rows(&moved_out).len() + 1);
    assert_eq!(row(&added, "H206").1, "Lê Văn Sáu");
    assert_eq!(
        (&before["group"]["name"], &renamed["group"]["name"]),
        (&json!("Tổ dân phố 2"), &json!("Tổ dân phố Hai"))
    );
}

#[tokio::test]
async fn withdrawing_the_pledge_of_a_household_that_moved_out_shows_though_no_figure_moves() {
    // Arrange: H204 signed, then moved out.
    let fixture = Fixture::build().await;
    let app = &fixture.app;
    let pledges = app
        .gql_ok(
            "query($id: ID!) { household(id: $id) { pledges { id status } } }",
            json!({ "id": fixture.households["H204"] }),
        )
        .await;
    let pledge = pledges["household"]["pledges"][0]["id"].as_str().expect("a pledge").to_owned();
    let (_, before) = page(app, &fixture, "2").await;

    // Act
    withdraw(app, &pledge).await;
    let (_, after) = page(app, &fixture, "2").await;

    // Assert
    assert_eq!(row(&before, "H204").3.as_deref(), Some("SIGNED"));
    assert_eq!(row(&after, "H204").3.as_deref(), Some("WITHDRAWN"));
}

#[tokio::test]
async fn each_caller_keeps_their_own_answer() {
    // Arrange: the administrator's page of group 2 is kept.
    let fixture = Fixture::build().await;
    let app = &fixture.app;
    let leader_of_2 = app.user_with_role("leader2", "GROUP_LEADER", None, Some(&fixture.groups["2"])).await;
    let leader_of_3 = app.user_with_role("leader3", "GROUP_LEADER", None, Some(&fixture.groups["3"])).await;
    let (_, admins) = page(app, &fixture, "2").await;
    let variables = json!({ "group": fixture.groups["2"], "campaign": fixture.campaign });

    // Act
    let own = app.gql_with(Some(&leader_of_2), PAGE, variables.clone()).await;
    let other = app.gql_with(Some(&leader_of_3), PAGE, variables.clone()).await;
    let other_again = app.gql_with(Some(&leader_of_3), PAGE, variables.clone()).await;
    let nobody = app.gql_with(None, PAGE, variables).await;

    // Assert
    assert_eq!(own["data"], admins, "{own:#}");
    assert_eq!(error_code(&other), "NOT_FOUND", "{other:#}");
    assert_eq!(other_again, other);
    assert_eq!(error_code(&nobody), "UNAUTHENTICATED", "{nobody:#}");
}

#[tokio::test]
async fn an_edit_made_through_another_server_shows_in_this_servers_page() {
    // Arrange
    let fixture = Fixture::build().await;
    let app = &fixture.app;
    let other = OtherServer::start(app).await;
    let (_, before) = page(app, &fixture, "2").await;
    assert_eq!(row(&before, "H203").1, "Nguyễn Văn An");

    // Act
    let edit = json!({ "id": fixture.households["H203"], "v": 1, "name": "Phạm Văn Ba" });
    let body = other.gql_with(app, Some(&app.admin_token), EDIT, edit).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    let started = Instant::now();
    let after = loop {
        let (_, after) = page(app, &fixture, "2").await;
        if row(&after, "H203").1 != "Nguyễn Văn An" || started.elapsed() > Duration::from_secs(5) {
            break after;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };

    // Assert
    assert_eq!(row(&after, "H203").1, "Phạm Văn Ba");
}
