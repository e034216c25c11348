//! The scale and the assessments on it: a level a stored assessment gives stays on the ward's scale,
//! may be renamed, and each assessment keeps the label of the day it was decided.

use serde_json::json;

use super::Wards;
use crate::world::{assert_refused, assert_unchanged};

#[tokio::test]
async fn a_level_a_stored_assessment_gives_stays_on_the_scale_and_may_be_renamed() {
    // Arrange
    let wards = Wards::build().await;
    wards.assessed(&wards.group_11, 2023, "YEU").await;
    wards.assessed(&wards.group_21, 2023, "KHA").await;
    let without_yeu = json!([
        { "code": "XUAT_SAC", "label": "Xuất sắc" }, { "code": "KHA", "label": "Khá" },
        { "code": "TRUNG_BINH", "label": "Trung bình" }
    ]);
    let renamed = json!([
        { "code": "XUAT_SAC", "label": "Xuất sắc" }, { "code": "KHA", "label": "Khá" },
        { "code": "TRUNG_BINH", "label": "Trung bình" }, { "code": "YEU", "label": "Chưa đạt" }
    ]);
    let before = wards.rows().await;

    // Act
    let removed = wards
        .update(
            &wards.official,
            json!({ "wardId": wards.ward_a, "expectedVersion": 0, "assessmentScale": without_yeu }),
        )
        .await;
    let refused = wards.rows().await;
    let elsewhere = wards
        .update(
            &wards.official_b,
            json!({ "wardId": wards.ward_b, "expectedVersion": 0, "assessmentScale": without_yeu }),
        )
        .await;
    let renaming = wards
        .update(
            &wards.official,
            json!({ "wardId": wards.ward_a, "expectedVersion": 0, "assessmentScale": renamed }),
        )
        .await;
    let new_one = wards.assessed(&wards.group_12, 2023, "YEU").await;
    let old_one = wards
        .app
        .gql_with(
            Some(&wards.official),
            "query($id: ID!) { group(id: $id) { assessment(year: 2023) { level { code label } } } }",
            json!({ "id": wards.group_11 }),
        )
        .await;

    // Assert
    assert_refused(&removed, "CONFLICT", Some("assessmentScale"), "a level in use left out");
    assert_eq!(removed["errors"][0]["extensions"]["level"], "YEU", "{removed:#}");
    assert!(removed["errors"][0]["message"].as_str().is_some_and(|m| m.contains("YEU")), "{removed:#}");
    assert_unchanged(&before, &refused, "the refused scale");
    assert_eq!(elsewhere["data"]["updateWardSettings"]["assessmentScale"], without_yeu, "{elsewhere:#}");
    assert_eq!(renaming["data"]["updateWardSettings"]["assessmentScale"], renamed, "{renaming:#}");
    assert_eq!(new_one["level"], json!({ "code": "YEU", "label": "Chưa đạt" }), "the label of today");
    assert_eq!(
        old_one["data"]["group"]["assessment"]["level"],
        json!({ "code": "YEU", "label": "Yếu" }),
        "the label of its day: {old_one:#}"
    );
}
