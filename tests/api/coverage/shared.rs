//! Reports shared between requests: asked again with nothing changed, a report reads nothing but the
//! caller's session; every change that moves a figure or what a report shows (a pledge, a household
//! added or moved out, a group renamed or recoded, the campaign closed) shows in the next report, in
//! this server and in another one on the same database.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{Fixture, coverage, group_codes, set_status, sign};
use crate::{
    drive::{id_of, pledge_input, record_pledge_mutation, transition},
    helpers::{OtherServer, TestApp, create_household, unknown_id},
};

/// A report with its campaign's status and each group row's group and ward; variables `campaign` and
/// `ward`.
const SHARED: &str = "query($campaign: ID!, $ward: ID) {
    coverageReport(campaignId: $campaign, wardId: $ward) {
        campaign { status } totalHouseholds signedHouseholds
        groups { group { code name ward { code name } } totalHouseholds signedHouseholds coverage }
    }
}";

const RENAME: &str =
    "mutation($id: ID!, $input: UpdateGroupInput!) { updateGroup(id: $id, input: $input) { code } }";

/// The report as the administrator, with the number of statements it sent.
async fn counted_report(app: &TestApp, campaign: &str, ward: Option<&str>) -> (usize, Value) {
    let variables = json!({ "campaign": campaign, "ward": ward });
    let (statements, data) = app.statements_during(app.gql_ok(SHARED, variables)).await;
    (statements, data["coverageReport"].clone())
}

async fn shared_report(app: &TestApp, campaign: &str, ward: Option<&str>) -> Value {
    counted_report(app, campaign, ward).await.1
}

/// `(code, total, signed)` of each group row, in order.
fn rows(report: &Value) -> Vec<(String, i64, i64)> {
    report["groups"]
        .as_array()
        .unwrap_or_else(|| panic!("no groups in {report:#}"))
        .iter()
        .map(|row| {
            let n = |name: &str| row[name].as_i64().expect("a count");
            (
                row["group"]["code"].as_str().expect("code").to_owned(),
                n("totalHouseholds"),
                n("signedHouseholds"),
            )
        })
        .collect()
}

fn row<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["groups"]
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["group"]["code"] == code))
        .unwrap_or_else(|| panic!("no group {code} in {report:#}"))
}

#[tokio::test]
async fn a_report_asked_again_unchanged_reads_nothing_and_shows_a_pledge_recorded_since() {
    // Arrange
    let fixture = Fixture::build().await;
    let app = &fixture.app;
    app.until_caller_remembered(&app.admin_token).await;
    let w1 = Some(fixture.lam_son.as_str());
    let (_, ward_before) = counted_report(app, &fixture.campaign, w1).await;
    let (_, city_before) = counted_report(app, &fixture.campaign, None).await;

    // Act
    let (ward_statements, ward_again) = counted_report(app, &fixture.campaign, w1).await;
    let (city_statements, city_again) = counted_report(app, &fixture.campaign, None).await;
    sign(app, &fixture.households["H202"], &fixture.campaign).await;
    let ward_after = shared_report(app, &fixture.campaign, w1).await;
    let city_after = shared_report(app, &fixture.campaign, None).await;

    // Assert
    assert_eq!((ward_statements, city_statements), (0, 0), "nothing is read");
    assert_eq!(ward_again, ward_before);
    assert_eq!(city_again, city_before);
    let expected_before = [("4", 0, 0), ("10", 1, 0), ("2", 3, 1), ("3", 2, 1), ("1", 3, 3)];
    let expected_after = [("4", 0, 0), ("10", 1, 0), ("3", 2, 1), ("2", 3, 2), ("1", 3, 3)];
    let owned = |rows: &[(&str, i64, i64)]| {
        rows.iter().map(|(c, t, s)| ((*c).to_owned(), *t, *s)).collect::<Vec<_>>()
    };
    assert_eq!(rows(&ward_before), owned(&expected_before));
    assert_eq!(rows(&ward_after), owned(&expected_after), "group 2 now 2 of 3, after group 3's half");
    assert_eq!(row(&city_after, "2"), row(&ward_after, "2"));
    assert_eq!((&city_after["signedHouseholds"], &city_after["totalHouseholds"]), (&json!(8), &json!(11)));
    assert_eq!(row(&city_after, "2")["coverage"], coverage(2, 3));
    assert_eq!(
        row(&city_after, "21")["group"],
        json!({ "code": "21", "name": "Tổ dân phố 21", "ward": { "code": "W2", "name": "Phường Ba Đình" } })
    );
}

#[tokio::test]
async fn a_household_added_or_moved_out_shows_in_the_next_report() {
    // Arrange
    let fixture = Fixture::build().await;
    let app = &fixture.app;
    let w1 = Some(fixture.lam_son.as_str());
    shared_report(app, &fixture.campaign, w1).await;
    shared_report(app, &fixture.campaign, None).await;

    // Act
    let added = create_household(app, &fixture.groups["4"], "H401", "Phạm Thị Dung").await;
    let after_adding = shared_report(app, &fixture.campaign, w1).await;
    set_status(app, &fixture.households["H101"], 1, "MOVED_OUT").await;
    let after_moving = shared_report(app, &fixture.campaign, None).await;

    // Assert
    assert!(!added.is_empty());
    assert_eq!(
        (&row(&after_adding, "4")["totalHouseholds"], &after_adding["totalHouseholds"]),
        (&json!(1), &json!(10))
    );
    assert_eq!(
        (&row(&after_moving, "1")["totalHouseholds"], &row(&after_moving, "1")["signedHouseholds"]),
        (&json!(2), &json!(2))
    );
    assert_eq!(
        (&after_moving["totalHouseholds"], &after_moving["signedHouseholds"]),
        (&json!(11), &json!(6))
    );
}

#[tokio::test]
async fn renaming_or_recoding_a_group_shows_in_the_next_report_in_its_new_order() {
    // Arrange
    let fixture = Fixture::build().await;
    let app = &fixture.app;
    let w1 = Some(fixture.lam_son.as_str());
    let before = shared_report(app, &fixture.campaign, w1).await;
    shared_report(app, &fixture.campaign, None).await;

    // Act
    let input = json!({ "code": "0", "name": "Tổ dân phố Mới" });
    app.gql_ok(RENAME, json!({ "id": fixture.groups["10"], "input": input })).await;
    let ward_after = shared_report(app, &fixture.campaign, w1).await;
    let city_after = shared_report(app, &fixture.campaign, None).await;

    // Assert: 10 and 4 both have coverage 0; recoded "0", group 10 now comes first.
    assert_eq!(group_codes(&before), ["4", "10", "2", "3", "1"]);
    assert_eq!(group_codes(&ward_after), ["0", "4", "2", "3", "1"]);
    assert_eq!(group_codes(&city_after), ["0", "4", "22", "2", "3", "1", "21"]);
    assert_eq!(row(&ward_after, "0")["group"]["name"], "Tổ dân phố Mới");
    assert_eq!(row(&city_after, "0")["group"]["name"], "Tổ dân phố Mới");
}

#[tokio::test]
async fn closing_the_campaign_shows_in_the_next_report() {
    // Arrange
    let fixture = Fixture::build().await;
    let app = &fixture.app;
    let w1 = Some(fixture.lam_son.as_str());
    let before = shared_report(app, &fixture.campaign, w1).await;
    shared_report(app, &fixture.campaign, None).await;

    // Act
    transition(app, "closeCampaign", &fixture.campaign).await;
    let ward_after = shared_report(app, &fixture.campaign, w1).await;
    let city_after = shared_report(app, &fixture.campaign, None).await;

    // Assert
    assert_eq!(before["campaign"]["status"], "OPEN");
    assert_eq!(ward_after["campaign"]["status"], "CLOSED");
    assert_eq!(city_after["campaign"]["status"], "CLOSED");
}

/// Asks `app` for the report until `shows` holds of it or `within` passed; returns the last one.
async fn eventually(
    app: &TestApp,
    campaign: &str,
    ward: Option<&str>,
    within: Duration,
    shows: impl Fn(&Value) -> bool,
) -> Value {
    let started = Instant::now();
    loop {
        let report = shared_report(app, campaign, ward).await;
        if shows(&report) || started.elapsed() > within {
            return report;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_pledge_or_a_rename_made_through_another_server_shows_in_this_servers_report() {
    // Arrange
    let fixture = Fixture::build().await;
    let app = &fixture.app;
    let other = OtherServer::start(app).await;
    let w1 = Some(fixture.lam_son.as_str());
    shared_report(app, &fixture.campaign, w1).await;
    shared_report(app, &fixture.campaign, None).await;

    // Act
    let input = pledge_input(&unknown_id(), &fixture.households["H1001"], &fixture.campaign);
    let body = other
        .gql_with(app, Some(&app.admin_token), &record_pledge_mutation(), json!({ "input": input }))
        .await;
    assert!(!id_of(&body["data"]["recordPledge"]).is_empty(), "{body:#}");
    let rename = json!({ "id": fixture.groups["21"], "input": { "name": "Tổ dân phố Hai Mốt" } });
    let body = other.gql_with(app, Some(&app.admin_token), RENAME, rename).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    let within = Duration::from_secs(5);
    let ward =
        eventually(app, &fixture.campaign, w1, within, |r| row(r, "10")["signedHouseholds"] == 1).await;
    let city = eventually(app, &fixture.campaign, None, within, |r| {
        row(r, "10")["signedHouseholds"] == 1 && row(r, "21")["group"]["name"] == "Tổ dân phố Hai Mốt"
    })
    .await;

    // Assert
    assert_eq!(row(&ward, "10")["signedHouseholds"], 1, "{ward:#}");
    assert_eq!(row(&city, "10")["signedHouseholds"], 1, "{city:#}");
    assert_eq!(row(&city, "21")["group"]["name"], "Tổ dân phố Hai Mốt", "{city:#}");
}
