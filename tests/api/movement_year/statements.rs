//! What a year-end report costs the database: the same statements for a ward of 2 groups of one
//! household as for one of 10 groups of 4, each group with a signature, a deed, a model, an award, an
//! assessment and ballots, so its cost follows what it returns, never the households behind it.

use serde_json::{Value, json};

use super::{
    seed::{assess, award, ballots, deed, event, model, survey},
    world::REPORT,
};
use crate::{
    drive::{VIETNAM_NOON, open_campaign, pledge_input, recorded, set_clock},
    helpers::{TestApp, create_group, create_household, create_ward, spawn_app, unknown_id},
};

/// A server on 19 May 2023 with ward W1 of `groups` groups of `households` households each, its year
/// 2023 seeded; the ward's id.
async fn ward_of(groups: usize, households: usize) -> (TestApp, String) {
    let app = spawn_app().await;
    set_clock(&app, VIETNAM_NOON);
    let ward = create_ward(&app, "W1", "Phường Lam Sơn").await;
    let campaign = open_campaign(&app, "Phường Lam Sơn 2023", Some(&ward)).await;
    let questionnaire = survey(&app, &ward, "Khảo sát năm 2023", "2023-05-10", true).await;
    model(&app, &ward, None, "Nhóm Zalo báo tin", "REPORTING_CHANNEL", "2023-01-10", None).await;
    event(&app, &ward, None, "FORUM", "Diễn đàn", "2023-01-15").await;
    for g in 1..=groups {
        let group = create_group(&app, &ward, &g.to_string()).await;
        for h in 1..=households {
            let household = create_household(&app, &group, &format!("H{g}-{h}"), "Nguyễn Văn An").await;
            if h == 1 {
                recorded(&app, &app.admin_token, &pledge_input(&unknown_id(), &household, &campaign)).await;
            }
        }
        deed(&app, &group, "PATROL", "2023-03-02", Some(true)).await;
        model(&app, &ward, Some(&group), &format!("Camera tổ {g}"), "SECURITY_CAMERAS", "2023-02-01", None)
            .await;
        let to_group = json!({ "recipientKind": "COLLECTIVE", "groupId": group });
        award(&app, &ward, 2023, &format!("{g}/QĐ-UBND"), "2023-04-01", to_group).await;
        ballots(&app, &questionnaire, &group, &[[Some("SATISFIED"), Some("NEUTRAL")]]).await;
        assess(&app, &group, 2023, "KHA").await;
    }
    app.gql_ok(
        "mutation($input: RecordIncidentTallyInput!) { recordIncidentTally(input: $input) { id } }",
        json!({ "input": { "wardId": ward, "month": "2023-01", "category": "FIRE", "count": 1 } }),
    )
    .await;
    (app, ward)
}

/// The statements of the report of `ward`'s 2023 as the administrator, and the report.
async fn counted(app: &TestApp, ward: &str) -> (usize, Value) {
    app.until_caller_remembered(&app.admin_token).await;
    let variables = json!({ "ward": ward, "year": 2023 });
    let (statements, body) = app.statements_during(app.gql(REPORT, variables)).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    (statements, body["data"]["movementYearReport"].clone())
}

#[tokio::test]
async fn a_report_costs_the_same_statements_for_2_groups_and_for_10_groups_with_more_households() {
    // Arrange
    let (small, small_ward) = ward_of(2, 1).await;
    let (large, large_ward) = ward_of(10, 4).await;

    // Act
    let (small_statements, small_report) = counted(&small, &small_ward).await;
    let (large_statements, large_report) = counted(&large, &large_ward).await;

    // Assert: the ward, its settings, the campaign, the group rows with their counters, deeds per group
    // and category, models and awards per group, the assessments, the lists of models, awards and
    // events, the surveys, their questions, their answers per group, and the incidents of the year and
    // of the year before.
    assert_eq!(small_statements, 16, "the report of 2 groups");
    assert_eq!(large_statements, small_statements, "10 groups of 4 households cost no more statements");
    assert_eq!(small_report["totals"]["households"], 2);
    assert_eq!(
        large_report["totals"],
        json!({ "households": 40, "signed": 10, "percent": 25.0, "deeds": 10, "models": 11, "awards": 10,
                "ballotCount": 10, "satisfactionRate": 0.5 })
    );
    assert_eq!(large_report["groups"].as_array().map(Vec::len), Some(10));
    assert_eq!(large_report["models"].as_array().map(Vec::len), Some(11));
}
