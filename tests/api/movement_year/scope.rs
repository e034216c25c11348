//! Who reads which report: administrators and the ward's officials everything; the ward police the
//! same figures with empty lists of models, awards and events; a leader their group's row and what
//! their lists show; anyone else `NOT_FOUND`, exactly like a ward that does not exist; a year out of
//! range `BAD_USER_INPUT` on `year`.

use serde_json::{Value, json};

use super::{
    figures::{group_1, group_2, incidents_2023, survey_2023},
    world::{REPORT, Year2023},
};
use crate::helpers::{error_code, error_field, unknown_id};

#[tokio::test]
async fn administrators_read_what_the_official_reads_and_the_police_the_same_figures_without_the_lists() {
    // Arrange
    let year = Year2023::build().await;

    // Act
    let official = year.report(&year.official_token, 2023).await;
    let admin = year.report(&year.app.admin_token, 2023).await;
    let police = year.report(&year.police_token, 2023).await;

    // Assert
    assert_eq!(admin, official);
    assert_eq!(police["groups"], json!([group_1(false), group_2(false)]));
    assert_eq!(
        (&police["models"], &police["awards"], &police["events"]),
        (&json!([]), &json!([]), &json!([]))
    );
    assert_eq!(police["surveys"], json!([survey_2023(None)]));
    assert_eq!(police["incidents"], incidents_2023());
    assert_eq!(police["totals"], official["totals"], "the police count what they do not list");
    assert_eq!(police["campaign"], official["campaign"]);
}

#[tokio::test]
async fn a_leader_reads_their_groups_row_and_the_ward_level_records_their_lists_show() {
    // Arrange
    let year = Year2023::build().await;

    // Act
    let leader_1 = year.report(&year.leader_token, 2023).await;
    let leader_2 = year.report(&year.other_leader_token, 2023).await;

    // Assert: their group's models and awards and the ward-wide ones; events hosted by their group and
    // the ward's own; the survey's results over their group; the ward's incidents.
    assert_eq!(leader_1["groups"], json!([group_1(true)]));
    assert_eq!(
        leader_1["models"],
        json!([{ "name": "Camera an ninh tổ 1" }, { "name": "Nhóm Zalo báo tin" }])
    );
    assert_eq!(
        leader_1["awards"],
        json!([{ "decisionNumber": "12/QĐ-UBND" }, { "decisionNumber": "34/QĐ-UBND" }])
    );
    assert_eq!(
        leader_1["events"],
        json!([
            { "title": "Diễn đàn lắng nghe ý kiến Nhân dân", "heldOn": "2023-01-15" },
            { "title": "Ngày hội tổ 1", "heldOn": "2023-04-30" }
        ])
    );
    assert_eq!(leader_1["surveys"], json!([survey_2023(Some("1"))]));
    assert_eq!(leader_1["incidents"], incidents_2023());
    assert_eq!(
        leader_1["totals"],
        json!({ "households": 2, "signed": 1, "percent": 50.0, "deeds": 3, "models": 2, "awards": 2,
                "ballotCount": 2, "satisfactionRate": 0.5 })
    );
    assert_eq!(leader_2["groups"], json!([group_2(true)]));
    assert_eq!(
        leader_2["models"],
        json!([{ "name": "Nhóm Zalo báo tin" }, { "name": "Điểm chữa cháy tổ 2" }])
    );
    assert_eq!((&leader_2["awards"], &leader_2["surveys"]), (&json!([]), &json!([survey_2023(Some("2"))])));
    assert_eq!(
        leader_2["events"],
        json!([{ "title": "Diễn đàn lắng nghe ý kiến Nhân dân", "heldOn": "2023-01-15" }])
    );
    assert_eq!(
        leader_2["totals"],
        json!({ "households": 1, "signed": 0, "percent": 0.0, "deeds": 1, "models": 2, "awards": 0,
                "ballotCount": 2, "satisfactionRate": 1.0 })
    );
}

#[tokio::test]
async fn another_ward_is_not_found_exactly_like_a_missing_one_and_a_year_out_of_range_is_a_bad_year() {
    // Arrange
    let year = Year2023::build().await;
    let missing = unknown_id();
    let (w1, w2) = (year.ward_id.clone(), year.foreign_ward_id.clone());

    for (who, token) in [
        ("official of W2", year.foreign_official_token.as_str()),
        ("leader of group 1", year.leader_token.as_str()),
        ("police of W1", year.police_token.as_str()),
    ] {
        // Act
        let ward = if who == "official of W2" { &w1 } else { &w2 };
        let foreign = year.report_as(token, ward, 2023).await;
        let unknown = year.report_as(token, &missing, 2023).await;

        // Assert
        assert_eq!(error_code(&foreign), "NOT_FOUND", "{who}: {foreign:#}");
        assert!(foreign["data"].is_null(), "{who}: no data: {foreign:#}");
        assert_eq!(foreign, unknown, "{who}: out of scope answers like missing");
    }
    for bad_year in [1999, 2101, 4_294_967_296] {
        let body = year.report_as(&year.official_token, &w1, bad_year).await;
        assert_eq!(
            (error_code(&body), error_field(&body)),
            ("BAD_USER_INPUT", "year"),
            "{bad_year}: {body:#}"
        );
    }
    let body = year.report_as(&year.official_token, "not-an-id", 2023).await;
    assert_eq!((error_code(&body), error_field(&body)), ("BAD_USER_INPUT", "wardId"));
    let anonymous = year.app.gql_with(None, REPORT, json!({ "ward": w1, "year": 2023 })).await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
    assert_eq!(anonymous["data"], Value::Null);
}
