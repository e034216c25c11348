//! Exact figures of `coverageReport` for the hand-built drive: moved-out households out of both numerator
//! and denominator, a withdrawn pledge, empty groups, another campaign's pledges, the order of the rows,
//! the fully-covered flags and the unsigned households page by page.

use serde_json::{Value, json};

use super::{Fixture, REPORT, coverage, report, ward_codes};
use crate::{
    drive::open_campaign,
    helpers::{create_group, create_household, create_ward, edge_codes, spawn_app},
};

/// A group row without the cursors, which are opaque: code, figures, and the first page of unsigned
/// households as codes, with whether more follow and how many there are.
fn group_row(row: &Value) -> Value {
    let unsigned = &row["unsignedHouseholds"];
    json!({
        "code": row["group"]["code"],
        "total": row["totalHouseholds"],
        "signed": row["signedHouseholds"],
        "coverage": row["coverage"],
        "fullyCovered": row["fullyCovered"],
        "unsigned": edge_codes(unsigned),
        "unsignedCount": unsigned["totalCount"],
        "moreUnsigned": unsigned["pageInfo"]["hasNextPage"],
    })
}

/// What `group_row` makes of a row with these figures and unsigned households (all on the first page).
fn expected_group(code: &str, total: i64, signed: i64, unsigned: &[&str]) -> Value {
    json!({
        "code": code, "total": total, "signed": signed, "coverage": coverage(signed, total),
        "fullyCovered": total > 0 && signed == total,
        "unsigned": unsigned, "unsignedCount": unsigned.len(), "moreUnsigned": false,
    })
}

fn group_rows(report: &Value) -> Vec<Value> {
    report["groups"]
        .as_array()
        .unwrap_or_else(|| panic!("no groups in {report:#}"))
        .iter()
        .map(group_row)
        .collect()
}

#[tokio::test]
async fn the_report_of_every_ward_counts_only_active_households_and_signed_pledges_of_its_campaign() {
    // Arrange
    let fixture = Fixture::build().await;

    // Act
    let report = report(&fixture.app, &fixture.campaign, None, None).await;

    // Assert: 7 of 11 active households signed; H204 and H205 moved out, H302 withdrew, and the pledges
    // of the Lam Sơn campaign count for nothing here.
    assert_eq!(report["campaign"]["id"], json!(fixture.campaign));
    assert_eq!(
        [
            &report["totalHouseholds"],
            &report["signedHouseholds"],
            &report["coverage"],
            &report["fullyCovered"],
            &report["groupsTotal"],
            &report["groupsFullyCovered"],
        ],
        [&json!(11), &json!(7), &coverage(7, 11), &json!(false), &json!(7), &json!(2)]
    );
    assert_eq!(
        report["wards"],
        json!([
            {
                "ward": { "code": "W1" }, "totalHouseholds": 9, "signedHouseholds": 5, "coverage": coverage(5, 9),
                "fullyCovered": false, "groupsTotal": 5, "groupsFullyCovered": 1
            },
            {
                "ward": { "code": "W2" }, "totalHouseholds": 2, "signedHouseholds": 2, "coverage": 1.0,
                "fullyCovered": true, "groupsTotal": 2, "groupsFullyCovered": 1
            },
        ]),
        "W2 is fully covered although its group 22 has no household"
    );
    assert_eq!(
        group_rows(&report),
        [
            expected_group("4", 0, 0, &[]),
            expected_group("10", 1, 0, &["H1001"]),
            expected_group("22", 0, 0, &[]),
            expected_group("2", 3, 1, &["H202", "H203"]),
            expected_group("3", 2, 1, &["H302"]),
            expected_group("1", 3, 3, &[]),
            expected_group("21", 2, 2, &[]),
        ],
        "by coverage ascending, then code in natural order (4 before 10 before 22)"
    );
}

#[tokio::test]
async fn a_ward_campaign_reports_its_ward_alone_and_only_its_own_pledges() {
    // Arrange
    let fixture = Fixture::build().await;

    // Act
    let report = report(&fixture.app, &fixture.lam_son_campaign, None, None).await;

    // Assert: H202, H203 and H1001 signed the Lam Sơn campaign; the city campaign's pledges do not count.
    assert_eq!(
        [
            &report["totalHouseholds"],
            &report["signedHouseholds"],
            &report["coverage"],
            &report["fullyCovered"]
        ],
        [&json!(9), &json!(3), &coverage(3, 9), &json!(false)]
    );
    assert_eq!((&report["groupsTotal"], &report["groupsFullyCovered"]), (&json!(5), &json!(1)));
    assert_eq!(ward_codes(&report), ["W1"]);
    assert_eq!(
        group_rows(&report),
        [
            expected_group("1", 3, 0, &["H101", "H102", "H103"]),
            expected_group("3", 2, 0, &["H301", "H302"]),
            expected_group("4", 0, 0, &[]),
            expected_group("2", 3, 2, &["H201"]),
            expected_group("10", 1, 1, &[]),
        ]
    );
}

#[tokio::test]
async fn unsigned_households_come_page_by_page_in_code_order() {
    // Arrange
    let fixture = Fixture::build().await;
    let app = &fixture.app;
    let variables = |after: Option<&str>| json!({ "campaignId": fixture.campaign, "groupId": fixture.groups["2"], "first": 1, "after": after });

    // Act
    let first = app.gql_ok(REPORT, variables(None)).await;
    let first_page = &first["coverageReport"]["groups"][0]["unsignedHouseholds"];
    let cursor = first_page["pageInfo"]["endCursor"].as_str().expect("a cursor").to_owned();
    let second = app.gql_ok(REPORT, variables(Some(&cursor))).await;
    let second_page = &second["coverageReport"]["groups"][0]["unsignedHouseholds"];

    // Assert
    assert_eq!(
        (edge_codes(first_page), &first_page["pageInfo"]["hasNextPage"], &first_page["totalCount"]),
        (vec!["H202".to_owned()], &json!(true), &json!(2))
    );
    assert_eq!(
        (edge_codes(second_page), &second_page["pageInfo"]["hasNextPage"], &second_page["totalCount"]),
        (vec!["H203".to_owned()], &json!(false), &json!(2))
    );
}

#[tokio::test]
async fn wards_with_the_same_coverage_are_listed_by_code_and_a_ward_without_households_is_not_fully_covered()
{
    // Arrange: made in reverse code order, so that the order of their ids is not the order of their codes.
    let app = spawn_app().await;
    for code in ["W3", "W2", "W1"] {
        let ward = create_ward(&app, code, &format!("Phường {code}")).await;
        let group = create_group(&app, &ward, &format!("{code}-1")).await;
        if code != "W3" {
            create_household(&app, &group, &format!("{code}-H1"), "Trần Thị Bình").await;
        }
    }
    let campaign = open_campaign(&app, "Toàn thành phố 2023", None).await;

    // Act
    let report = report(&app, &campaign, None, None).await;

    // Assert
    assert_eq!(ward_codes(&report), ["W1", "W2", "W3"]);
    let flags: Vec<(&Value, &Value, &Value)> = report["wards"]
        .as_array()
        .expect("wards")
        .iter()
        .map(|w| (&w["totalHouseholds"], &w["coverage"], &w["fullyCovered"]))
        .collect();
    assert_eq!(
        flags,
        [
            (&json!(1), &json!(0.0), &json!(false)),
            (&json!(1), &json!(0.0), &json!(false)),
            (&json!(0), &json!(0.0), &json!(false)),
        ]
    );
    assert_eq!((&report["coverage"], &report["fullyCovered"]), (&json!(0.0), &json!(false)));
}
