//! `coverageReport { daily }` counts the report's whole scope, whatever else the query selects; and the
//! group rows come in one total order.

use serde_json::json;

use super::{Fixture, group_codes, report};
use crate::{
    drive::{TODAY, open_campaign},
    helpers::{create_group, create_ward, spawn_app},
};

/// `daily` alone, and `daily` beside the group rows.
const DAILY_ALONE: &str = "query($campaignId: ID!, $wardId: ID, $groupId: ID) {
    coverageReport(campaignId: $campaignId, wardId: $wardId, groupId: $groupId) {
        daily { date signed cumulativeSigned cumulativeCoverage }
    }
}";
const DAILY_WITH_GROUPS: &str = "query($campaignId: ID!, $wardId: ID, $groupId: ID) {
    coverageReport(campaignId: $campaignId, wardId: $wardId, groupId: $groupId) {
        groups { group { code } }
        daily { date signed cumulativeSigned cumulativeCoverage }
    }
}";

#[tokio::test]
async fn daily_counts_the_whole_scope_whether_or_not_the_group_rows_are_asked_for() {
    // Arrange: every pledge of the drive is dated today.
    let fixture = Fixture::build().await;
    let app = &fixture.app;
    // (scope, signatures of active households still signed, active households)
    let scopes = [
        ("every ward", None, None, 7, 11),
        ("ward W1", Some(fixture.lam_son.as_str()), None, 5, 9),
        ("group 2", None, Some(fixture.groups["2"].as_str()), 1, 3),
    ];

    for (scope, ward_id, group_id, signed, total) in scopes {
        let variables = json!({ "campaignId": fixture.campaign, "wardId": ward_id, "groupId": group_id });
        for query in [DAILY_ALONE, DAILY_WITH_GROUPS] {
            // Act
            let data = app.gql_ok(query, variables.clone()).await;

            // Assert: the window runs from the campaign's first day to today; everything was signed today.
            let days = data["coverageReport"]["daily"].as_array().expect("daily");
            assert_eq!(days[0]["date"], "2022-11-01", "{scope}");
            assert_eq!(days[0]["cumulativeSigned"], 0, "{scope}");
            let last = days.last().expect("a day");
            let coverage = signed as f64 / total as f64;
            assert_eq!(
                last,
                &json!({ "date": TODAY, "signed": signed, "cumulativeSigned": signed, "cumulativeCoverage": coverage }),
                "{scope}, groups asked: {}",
                query == DAILY_WITH_GROUPS
            );
            let before_today: i64 =
                days[..days.len() - 1].iter().map(|d| d["signed"].as_i64().expect("n")).sum();
            assert_eq!(before_today, 0, "{scope}");
        }
    }
}

#[tokio::test]
async fn groups_with_equal_coverage_come_by_ward_code_then_group_code() {
    // Arrange: two wards with the same group codes, made in reverse order so ids do not follow codes;
    // no households, so every group's coverage is 0.
    let app = spawn_app().await;
    for ward_code in ["W2", "W1"] {
        let ward = create_ward(&app, ward_code, &format!("Phường {ward_code}")).await;
        for group_code in ["2", "10", "1"] {
            create_group(&app, &ward, group_code).await;
        }
    }
    let campaign = open_campaign(&app, "Toàn thành phố 2023", None).await;

    // Act
    let report = report(&app, &campaign, None, None).await;

    // Assert
    let rows = app
        .gql_ok(
            "query($c: ID!) { coverageReport(campaignId: $c) { groups { group { code ward { code } } } } }",
            json!({ "c": campaign }),
        )
        .await;
    let pairs: Vec<(String, String)> = rows["coverageReport"]["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            let group = &g["group"];
            (
                group["ward"]["code"].as_str().expect("ward").to_owned(),
                group["code"].as_str().expect("code").to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> =
        [("W1", "1"), ("W1", "2"), ("W1", "10"), ("W2", "1"), ("W2", "2"), ("W2", "10")]
            .iter()
            .map(|(w, g)| ((*w).to_owned(), (*g).to_owned()))
            .collect();
    assert_eq!(pairs, expected);
    assert_eq!(group_codes(&report), ["1", "2", "10", "1", "2", "10"]);
}
