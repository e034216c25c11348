//! The demo's year-end, as `serve --demo` seeds it: the official reads Phường Lam Sơn's 2023 report and
//! downloads its workbook, every sheet of which has rows of the case under its headers.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use pledge_api::{auth::password::Passwords, demo};
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

/// The whole demo, seeded in the order `serve --demo` seeds it.
async fn demo_app() -> TestApp {
    let app = spawn_app().await;
    demo::seed(&app.db).await.expect("the demo ward");
    demo::seed_users(&app.db, &Passwords::new(), demo::DEFAULT_DEMO_PASSWORD).await.expect("the demo users");
    demo::seed_activity(&app.db).await.expect("the demo campaign");
    demo::seed_incidents(&app.db).await.expect("the demo figures");
    demo::seed_movement_year(&app.db).await.expect("the demo movement year");
    app
}

const REPORT: &str = "query($ward: ID!) { movementYearReport(wardId: $ward, year: 2023) {
    startsOn endsOn campaign { title }
    groups { group { code } coverage { fullyCovered } activeModelCount awardCount ballotCount assessment { level { label } } }
    incidents { category count previousCount }
    surveys { ballotCount }
    totals { models awards ballotCount }
} }";

#[tokio::test]
async fn the_demo_year_end_report_and_workbook_have_every_section_filled() {
    // Arrange
    let app = demo_app().await;
    let token = app.login("lamson.official", demo::DEFAULT_DEMO_PASSWORD).await;
    let me = app.gql_with(Some(&token), "{ me { roleAssignments { ward { id } } } }", json!({})).await;
    let ward = me["data"]["me"]["roleAssignments"][0]["ward"]["id"].as_str().expect("the ward").to_owned();

    // Act
    let body = app.gql_with(Some(&token), REPORT, json!({ "ward": ward })).await;
    let response = app
        .client
        .get(format!("{}/exports/movement-year.xlsx?wardId={ward}&year=2023", app.address))
        .bearer_auth(&token)
        .send()
        .await
        .expect("the workbook");

    // Assert: the report.
    assert!(body.get("errors").is_none(), "{body:#}");
    let report = &body["data"]["movementYearReport"];
    assert_eq!((&report["startsOn"], &report["endsOn"]), (&json!("2022-11-01"), &json!("2023-10-31")));
    assert_eq!(report["campaign"]["title"], demo::DEMO_CAMPAIGN_TITLE);
    let eleven = report["groups"].as_array().expect("groups").iter().find(|g| g["group"]["code"] == "11");
    let eleven = eleven.expect("Tổ dân phố 11");
    assert_eq!(eleven["coverage"]["fullyCovered"], true);
    assert_eq!(
        (&eleven["activeModelCount"], &eleven["ballotCount"]),
        (&json!(3), &json!(demo::DEMO_BALLOTS))
    );
    assert_eq!(eleven["assessment"]["level"]["label"], "Xuất sắc");
    let security = &report["incidents"][0];
    assert_eq!(
        (&security["category"], &security["count"], &security["previousCount"]),
        (&json!("SECURITY_ORDER"), &json!(23), &json!(28))
    );
    assert_eq!(report["totals"], json!({ "models": 5, "awards": 5, "ballotCount": demo::DEMO_BALLOTS }));
    // Assert: every sheet has its header and at least one row of the case.
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.expect("a body").to_vec();
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).expect("an xlsx");
    let sheets = workbook.sheet_names();
    assert_eq!(sheets, ["Tổ dân phố", "Vụ việc", "Khảo sát", "Mô hình", "Khen thưởng", "Sự kiện"]);
    for sheet in sheets {
        let range = workbook.worksheet_range(&sheet).expect("a sheet");
        assert!(range.height() >= 2, "{sheet} has rows under its header: {}", range.height());
    }
}
