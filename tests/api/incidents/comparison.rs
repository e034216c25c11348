//! `incidentComparison`: sums over a window against the same months a year earlier, the change and its
//! percentage, months without a tally told apart from months counted 0, the window's rules, and who
//! reads it.

use serde_json::json;

use super::{Wards, row};
use crate::{
    helpers::{error_code, unknown_id},
    world::{Rows, assert_refused, assert_unchanged},
};

#[tokio::test]
async fn each_category_sums_its_months_against_the_same_months_a_year_earlier() {
    // Arrange: security and order, March to May, 2022 and 2023; ward B and months outside the window
    // have figures that must not count.
    let wards = Wards::build().await;
    let police = &wards.police;
    for (month, count) in
        [("2022-03", 4), ("2022-04", 2), ("2022-05", 3), ("2023-03", 1), ("2023-04", 2), ("2023-05", 3)]
    {
        wards.set(police, &wards.ward_a, month, "SECURITY_ORDER", count).await;
    }
    wards.set(police, &wards.ward_a, "2023-02", "SECURITY_ORDER", 50).await;
    wards.set(police, &wards.ward_a, "2022-06", "SECURITY_ORDER", 50).await;
    wards.set(&wards.police_b, &wards.ward_b, "2023-04", "SECURITY_ORDER", 50).await;
    // Fires: two in 2023, none a year earlier (months counted 0).
    for month in ["2022-03", "2022-04", "2022-05"] {
        wards.set(police, &wards.ward_a, month, "FIRE", 0).await;
    }
    for (month, count) in [("2023-03", 0), ("2023-04", 2), ("2023-05", 0)] {
        wards.set(police, &wards.ward_a, month, "FIRE", count).await;
    }
    let before = Rows::take(&wards.app).await;

    // Act
    let body = wards.compare(police, &wards.ward_a, "2023-03", "2023-05").await;

    // Assert
    assert_eq!(
        body,
        json!({ "data": { "incidentComparison": [
            { "category": "SECURITY_ORDER", "count": 6, "previousCount": 9, "change": -3, "changePercent": -33.3,
              "monthsReported": 3, "previousMonthsReported": 3, "months": 3, "complete": true },
            { "category": "TRAFFIC_ACCIDENT", "count": 0, "previousCount": 0, "change": 0, "changePercent": null,
              "monthsReported": 0, "previousMonthsReported": 0, "months": 3, "complete": false },
            { "category": "FIRE", "count": 2, "previousCount": 0, "change": 2, "changePercent": null,
              "monthsReported": 3, "previousMonthsReported": 3, "months": 3, "complete": true },
            { "category": "SERIOUS_CRIME", "count": 0, "previousCount": 0, "change": 0, "changePercent": null,
              "monthsReported": 0, "previousMonthsReported": 0, "months": 3, "complete": false },
            { "category": "MASS_COMPLAINT", "count": 0, "previousCount": 0, "change": 0, "changePercent": null,
              "monthsReported": 0, "previousMonthsReported": 0, "months": 3, "complete": false }
        ] } })
    );
    assert_unchanged(&before, &Rows::take(&wards.app).await, "a read");
}

#[tokio::test]
async fn a_month_without_a_tally_counts_zero_but_leaves_the_row_incomplete() {
    // Arrange: traffic accidents for two of three months this year, all three a year earlier.
    let wards = Wards::build().await;
    for (month, count) in [("2022-01", 2), ("2022-02", 2), ("2022-03", 2), ("2023-01", 1), ("2023-03", 3)] {
        wards.set(&wards.police, &wards.ward_a, month, "TRAFFIC_ACCIDENT", count).await;
    }

    // Act
    let body = wards.compare(&wards.official, &wards.ward_a, "2023-01", "2023-03").await;

    // Assert
    assert_eq!(
        row(&body, "TRAFFIC_ACCIDENT"),
        &json!({ "category": "TRAFFIC_ACCIDENT", "count": 4, "previousCount": 6, "change": -2,
                 "changePercent": -33.3, "monthsReported": 2, "previousMonthsReported": 3, "months": 3,
                 "complete": false })
    );
}

#[tokio::test]
async fn a_window_that_runs_backwards_or_past_twelve_months_or_is_malformed_is_refused_by_field() {
    // Arrange
    let wards = Wards::build().await;
    let cases = [
        ("backwards", "2023-07", "2023-01", "to"),
        ("thirteen months", "2022-07", "2023-07", "to"),
        ("a malformed from", "2023-1", "2023-07", "from"),
        ("a malformed to", "2023-01", "July", "to"),
    ];

    for (case, from, to, field) in cases {
        // Act
        let comparison = wards.compare(&wards.police, &wards.ward_a, from, to).await;
        let tallies = wards
            .app
            .gql_with(
                Some(&wards.police),
                "query($w: ID!, $from: String!, $to: String!) { incidentTallies(wardId: $w, from: $from, to: $to) { totalCount } }",
                json!({ "w": wards.ward_a, "from": from, "to": to }),
            )
            .await;

        // Assert
        assert_refused(&comparison, "BAD_USER_INPUT", Some(field), case);
        assert_refused(&tallies, "BAD_USER_INPUT", Some(field), case);
    }
    // Twelve months is the most, across a new year (a movement year runs November to October).
    let year = wards.compare(&wards.police, &wards.ward_a, "2022-11", "2023-10").await;
    assert_eq!(row(&year, "FIRE")["months"], 12, "{year:#}");
}

#[tokio::test]
async fn every_role_of_the_ward_reads_the_same_comparison_and_no_other_wards() {
    // Arrange
    let wards = Wards::build().await;
    wards.set(&wards.police, &wards.ward_a, "2023-07", "SECURITY_ORDER", 3).await;
    wards.set(&wards.police, &wards.ward_a, "2022-07", "SECURITY_ORDER", 4).await;
    let admin = wards.app.admin_token.clone();

    // Act
    let mut answers = Vec::new();
    for token in [&wards.police, &wards.official, &wards.leader, &admin] {
        answers.push(wards.compare(token, &wards.ward_a, "2023-07", "2023-07").await);
    }
    let police_of_b = wards.compare(&wards.police_b, &wards.ward_a, "2023-07", "2023-07").await;
    let unknown = wards.compare(&wards.police_b, &unknown_id(), "2023-07", "2023-07").await;
    let anonymous = wards
        .app
        .gql_with(
            None,
            super::COMPARISON,
            json!({ "wardId": wards.ward_a, "from": "2023-07", "to": "2023-07" }),
        )
        .await;

    // Assert
    assert_eq!(row(&answers[0], "SECURITY_ORDER")["changePercent"], -25.0, "{:#}", answers[0]);
    for answer in &answers[1..] {
        assert_eq!(answer, &answers[0], "every role of the ward reads the same rows");
    }
    assert_refused(&police_of_b, "NOT_FOUND", None, "the police of another ward");
    assert_eq!(police_of_b["errors"][0]["message"], unknown["errors"][0]["message"]);
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
}
