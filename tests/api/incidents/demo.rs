//! The demo's figures of the case: seeded as `serve --demo` seeds them, `lamson.police` signs in and
//! compares January–July 2023 with 2022: 23 against 28 security and order cases, 10 against 12 traffic
//! accidents, no serious crime and no mass complaint, and fires not reported.

use pledge_api::{auth::password::Passwords, demo};
use serde_json::json;

use super::{COMPARISON, row};
use crate::{
    helpers::{TestApp, spawn_app},
    world::Rows,
};

/// The demo as `serve --demo` seeds it, minus the pledge drive (which the figures do not need).
async fn seeded() -> TestApp {
    let app = spawn_app().await;
    assert!(demo::seed(&app.db).await.expect("the demo ward"));
    demo::seed_users(&app.db, &Passwords::new(), demo::DEFAULT_DEMO_PASSWORD).await.expect("the demo users");
    assert!(demo::seed_incidents(&app.db).await.expect("the figures"), "the figures are entered once");
    app
}

#[tokio::test]
async fn the_demo_police_compare_the_first_seven_months_of_2023_with_2022_as_the_case_reports() {
    // Arrange
    let app = seeded().await;
    let token = app.login("lamson.police", demo::DEFAULT_DEMO_PASSWORD).await;
    let me = app
        .gql_with(Some(&token), "{ me { displayName roleAssignments { role ward { id name } } } }", json!({}))
        .await;
    let ward = me["data"]["me"]["roleAssignments"][0]["ward"]["id"].clone();

    // Act
    let body = app
        .gql_with(Some(&token), COMPARISON, json!({ "wardId": ward, "from": "2023-01", "to": "2023-07" }))
        .await;

    // Assert
    assert_eq!(
        me["data"]["me"],
        json!({ "displayName": "Công an phường Lam Sơn", "roleAssignments": [
            { "role": "WARD_POLICE", "ward": { "id": ward, "name": "Phường Lam Sơn" } }
        ] })
    );
    assert_eq!(
        body,
        json!({ "data": { "incidentComparison": [
            { "category": "SECURITY_ORDER", "count": 23, "previousCount": 28, "change": -5, "changePercent": -17.9,
              "monthsReported": 7, "previousMonthsReported": 7, "months": 7, "complete": true },
            { "category": "TRAFFIC_ACCIDENT", "count": 10, "previousCount": 12, "change": -2, "changePercent": -16.7,
              "monthsReported": 7, "previousMonthsReported": 7, "months": 7, "complete": true },
            { "category": "FIRE", "count": 0, "previousCount": 0, "change": 0, "changePercent": null,
              "monthsReported": 0, "previousMonthsReported": 0, "months": 7, "complete": false },
            { "category": "SERIOUS_CRIME", "count": 0, "previousCount": 0, "change": 0, "changePercent": null,
              "monthsReported": 7, "previousMonthsReported": 7, "months": 7, "complete": true },
            { "category": "MASS_COMPLAINT", "count": 0, "previousCount": 0, "change": 0, "changePercent": null,
              "monthsReported": 7, "previousMonthsReported": 7, "months": 7, "complete": true }
        ] } })
    );
    assert_eq!(row(&body, "SECURITY_ORDER")["count"], 23);
}

#[tokio::test]
async fn the_demo_figures_are_entered_once_each_with_its_audit_event_by_the_ward_police() {
    // Arrange
    let app = seeded().await;
    let before = Rows::take(&app).await;

    // Act
    let again = demo::seed_incidents(&app.db).await.expect("seeding again");

    // Assert
    assert!(!again, "seeding again enters nothing");
    assert_eq!(Rows::take(&app).await, before);
    // Four categories, seven months, two years.
    assert_eq!(before.tallies.len(), 56);
    let police = before.snapshot.user("lamson.police").id;
    let events: Vec<_> =
        before.snapshot.audit_events.iter().filter(|e| e.action == "incident_tally.record").collect();
    assert_eq!(events.len(), 56);
    assert!(events.iter().all(|e| e.actor_id == Some(police)), "entered by the ward police");
    let listed = demo::DEMO_USERS.iter().find(|u| u.username == "lamson.police").map(|u| u.role);
    assert_eq!(listed, Some("WARD_POLICE of Phường Lam Sơn"), "listed at startup");
}
