//! A ward that moves the day its movement year begins: `movementYear` shows the new window, and the
//! ward's lists with `year`, its events' `year`, its award dates and the years it may assess follow
//! it, while other wards keep theirs.

use serde_json::{Value, json};

use super::Wards;
use crate::world::assert_refused;

fn window(body: &Value) -> &Value {
    &body["data"]["ward"]["settings"]["movementYear"]
}

/// Records a ward-level event held on `day` in `ward`, as the administrator.
async fn event(wards: &Wards, ward: &str, day: &str, title: &str) {
    wards
        .app
        .gql_ok(
            "mutation($input: CreateMovementEventInput!) { createMovementEvent(input: $input) { id } }",
            json!({ "input": {
                "clientMutationId": uuid::Uuid::now_v7().to_string(), "wardId": ward, "heldOn": day,
                "kind": "FORUM", "title": title
            } }),
        )
        .await;
}

/// Records a ward-wide model of `ward` that ran from `started` to `ended`, as the administrator.
async fn model(wards: &Wards, ward: &str, started: &str, ended: &str, name: &str) {
    wards
        .app
        .gql_ok(
            "mutation($input: CreateSelfManagementModelInput!) { createSelfManagementModel(input: $input) { id } }",
            json!({ "input": {
                "clientMutationId": uuid::Uuid::now_v7().to_string(), "wardId": ward, "name": name,
                "kind": "SECURITY_CAMERAS", "startedOn": started, "endedOn": ended, "status": "ENDED"
            } }),
        )
        .await;
}

/// The titles of `ward`'s events of `year` with their `year`, and the names of its models of `year`.
async fn lists(wards: &Wards, ward: &str, year: i32) -> (Value, Value) {
    let data = wards
        .app
        .gql_ok(
            "query($ward: ID!, $year: Int) {
                movementEvents(wardId: $ward, year: $year) { edges { node { title year } } }
                selfManagementModels(wardId: $ward, year: $year) { edges { node { name } } }
            }",
            json!({ "ward": ward, "year": year }),
        )
        .await;
    let nodes = |list: &str| -> Value {
        data[list]["edges"].as_array().expect("edges").iter().map(|edge| edge["node"].clone()).collect()
    };
    (nodes("movementEvents"), nodes("selfManagementModels"))
}

#[tokio::test]
async fn a_ward_that_begins_its_year_on_1_january_has_calendar_years_and_other_wards_keep_theirs() {
    // Arrange
    let wards = Wards::build().await;

    // Act
    wards.set(&wards.ward_a, json!({ "expectedVersion": 0, "yearStartMonth": 1, "yearStartDay": 1 })).await;
    let moved = wards.settings(&wards.leader, &wards.ward_a).await;
    let kept = wards.settings(&wards.official_b, &wards.ward_b).await;
    let other_years = wards
        .app
        .gql_ok(
            "query($id: ID!) { ward(id: $id) { settings {
                leap: movementYear(year: 2024) { startsOn endsOn } last: movementYear(year: 2100) { startsOn endsOn }
            } } }",
            json!({ "id": wards.ward_a }),
        )
        .await;
    let out_of_range = wards
        .app
        .gql(
            "query($id: ID!) { ward(id: $id) { settings { movementYear(year: 1999) { year } } } }",
            json!({ "id": wards.ward_a }),
        )
        .await;

    // Assert
    assert_eq!(*window(&moved), json!({ "year": 2023, "startsOn": "2023-01-01", "endsOn": "2023-12-31" }));
    assert_eq!(*window(&kept), json!({ "year": 2023, "startsOn": "2022-11-01", "endsOn": "2023-10-31" }));
    assert_eq!(
        other_years["ward"]["settings"],
        json!({ "leap": { "startsOn": "2024-01-01", "endsOn": "2024-12-31" },
                "last": { "startsOn": "2100-01-01", "endsOn": "2100-12-31" } })
    );
    assert_eq!(out_of_range["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{out_of_range:#}");
    assert_eq!(out_of_range["errors"][0]["extensions"]["field"], "year", "{out_of_range:#}");
}

#[tokio::test]
async fn the_wards_lists_of_a_year_and_its_events_year_follow_its_own_year() {
    // Arrange: a forum in November 2022 and one in February 2023; a camera network that ran in 2022.
    let wards = Wards::build().await;
    for ward in [&wards.ward_a, &wards.ward_b] {
        event(&wards, ward, "2022-11-15", "Diễn đàn tháng 11").await;
        event(&wards, ward, "2023-02-10", "Diễn đàn tháng 2").await;
        model(&wards, ward, "2022-03-01", "2022-12-20", "Camera 2022").await;
    }
    let november = json!({ "title": "Diễn đàn tháng 11", "year": 2023 });
    let february = json!({ "title": "Diễn đàn tháng 2", "year": 2023 });
    let cameras = json!([{ "name": "Camera 2022" }]);
    assert_eq!(lists(&wards, &wards.ward_a, 2023).await, (json!([november, february]), cameras.clone()));

    // Act
    wards.set(&wards.ward_a, json!({ "expectedVersion": 0, "yearStartMonth": 1 })).await;

    // Assert
    let november_2022 = json!({ "title": "Diễn đàn tháng 11", "year": 2022 });
    assert_eq!(lists(&wards, &wards.ward_a, 2023).await, (json!([february]), json!([])));
    assert_eq!(lists(&wards, &wards.ward_a, 2022).await, (json!([november_2022]), cameras.clone()));
    assert_eq!(lists(&wards, &wards.ward_b, 2023).await, (json!([november, february]), cameras), "ward B");
}

#[tokio::test]
async fn an_awards_decision_date_is_checked_against_its_wards_own_year() {
    // Arrange
    let wards = Wards::build().await;
    wards.set(&wards.ward_a, json!({ "expectedVersion": 0, "yearStartMonth": 1 })).await;
    let award = |ward: &str, group: &str, date: &str| {
        json!({ "input": {
            "clientMutationId": uuid::Uuid::now_v7().to_string(), "wardId": ward, "year": 2023,
            "issuer": "WARD_PEOPLES_COMMITTEE", "decisionNumber": "12/QĐ-UBND", "decisionDate": date,
            "recipientKind": "COLLECTIVE", "groupId": group, "citation": "Thành tích xuất sắc"
        } })
    };
    let create = "mutation($input: CreateAwardInput!) { createAward(input: $input) { decisionDate year } }";
    let before = wards.rows().await;

    // Act: 20 December 2022 lies in year 2023 of ward B (from 1 November), not of ward A (from 1 January).
    let in_a = wards
        .app
        .gql_with(Some(&wards.official), create, award(&wards.ward_a, &wards.group_11, "2022-12-20"))
        .await;
    let foreign = wards
        .app
        .gql_with(Some(&wards.official_b), create, award(&wards.ward_a, &wards.group_11, "2022-12-20"))
        .await;
    let refused = wards.rows().await;
    let in_b = wards
        .app
        .gql_with(Some(&wards.official_b), create, award(&wards.ward_b, &wards.group_21, "2022-12-20"))
        .await;
    let in_a_later = wards
        .app
        .gql_with(Some(&wards.official), create, award(&wards.ward_a, &wards.group_11, "2023-01-02"))
        .await;

    // Assert
    assert_refused(&in_a, "BAD_USER_INPUT", Some("decisionDate"), "before ward A's year began");
    assert_eq!(
        in_a["errors"][0]["message"],
        "an award for 2023 cannot be decided before its movement year began on 2023-01-01"
    );
    assert_refused(&foreign, "NOT_FOUND", None, "another ward's official learns nothing of its year");
    assert_eq!(before.changed_tables(&refused), Vec::<&str>::new());
    assert_eq!(
        in_b["data"]["createAward"],
        json!({ "decisionDate": "2022-12-20", "year": 2023 }),
        "{in_b:#}"
    );
    assert_eq!(in_a_later["data"]["createAward"], json!({ "decisionDate": "2023-01-02", "year": 2023 }));
}

#[tokio::test]
async fn a_year_may_be_assessed_once_it_has_begun_in_the_wards_own_year() {
    // Arrange: from 1 July, ward A's year 2024 began on 1 July 2023; ward B's begins on 1 November.
    let wards = Wards::build().await;
    wards.set(&wards.ward_a, json!({ "expectedVersion": 0, "yearStartMonth": 7 })).await;
    let input = |group: &str| json!({ "groupId": group, "year": 2024, "level": "KHA" });
    let before = wards.rows().await;

    // Act
    let in_b = wards.assess(&wards.official_b, input(&wards.group_21)).await;
    let refused = wards.rows().await;
    let in_a = wards.assess(&wards.official, input(&wards.group_11)).await;

    // Assert
    assert_refused(&in_b, "BAD_USER_INPUT", Some("year"), "ward B's year 2024 has not begun");
    assert_eq!(
        in_b["errors"][0]["message"],
        "movement year 2024 of this ward begins on 2023-11-01: a year is assessed once it has begun"
    );
    assert_eq!(before.changed_tables(&refused), Vec::<&str>::new());
    assert_eq!(in_a["data"]["assessGroup"]["year"], 2024, "{in_a:#}");
}
