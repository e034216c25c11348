//! Export errors: JSON with the GraphQL codes and their HTTP statuses for a missing or bad token,
//! another group or ward, a missing, malformed or unknown campaign, and a locale other than vi-VN.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Exports, answer, csv_records, error_of};
use crate::helpers::unknown_id;

#[tokio::test]
async fn every_export_without_a_token_or_with_a_bad_one_answers_401_unauthenticated_in_json() {
    // Arrange
    let fixture = Exports::build().await;
    let paths = [
        format!("/exports/coverage.csv?campaignId={}&wardId={}", fixture.campaign, fixture.lam_son),
        format!("/exports/coverage.xlsx?campaignId={}&wardId={}", fixture.campaign, fixture.lam_son),
        format!("/exports/unsigned.csv?campaignId={}&groupId={}", fixture.campaign, fixture.group_1),
        format!("/exports/unsigned.xlsx?campaignId={}&groupId={}", fixture.campaign, fixture.group_1),
    ];

    for path in &paths {
        for token in [None, Some("not-a-token")] {
            // Act
            let (status, code, field) = error_of(fixture.get(token, path).await).await;

            // Assert
            assert_eq!(
                (status, code, field),
                (StatusCode::UNAUTHORIZED, json!("UNAUTHENTICATED"), Value::Null),
                "{path} with token {token:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_leader_gets_the_unsigned_csv_of_their_group_and_404_for_another_group() {
    // Arrange
    let fixture = Exports::build().await;
    let leader = fixture.app.user_with_role("leader.1", "GROUP_LEADER", None, Some(&fixture.group_1)).await;
    let path = |group: &str| format!("/exports/unsigned.csv?campaignId={}&groupId={group}", fixture.campaign);

    // Act
    let own = fixture.get(Some(&leader), &path(&fixture.group_1)).await;
    let other = fixture.get(Some(&leader), &path(&fixture.group_2)).await;

    // Assert
    let (status, _, body) = answer(own).await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<String> = csv_records(&body).into_iter().skip(1).map(|r| r[1].clone()).collect();
    assert_eq!(codes, ["H103", "H105"]);
    assert_eq!(error_of(other).await, (StatusCode::NOT_FOUND, json!("NOT_FOUND"), Value::Null));
}

#[tokio::test]
async fn an_official_of_another_ward_gets_404_for_the_ward_sheets_and_its_unsigned_lists() {
    // Arrange
    let fixture = Exports::build().await;
    let official =
        fixture.app.user_with_role("official.w2", "WARD_OFFICIAL", Some(&fixture.ba_dinh), None).await;
    let (campaign, lam_son) = (&fixture.campaign, &fixture.lam_son);
    let paths = [
        format!("/exports/coverage.csv?campaignId={campaign}&wardId={lam_son}"),
        format!("/exports/coverage.xlsx?campaignId={campaign}&wardId={lam_son}"),
        format!("/exports/unsigned.csv?campaignId={campaign}&groupId={}", fixture.group_1),
        format!("/exports/unsigned.xlsx?campaignId={campaign}&groupId={}", fixture.group_1),
    ];

    for path in &paths {
        // Act
        let answer = error_of(fixture.get(Some(&official), path).await).await;

        // Assert
        assert_eq!(answer, (StatusCode::NOT_FOUND, json!("NOT_FOUND"), Value::Null), "{path}");
    }
    // …while their own ward's sheet holds their ward alone.
    let (status, _, body) =
        answer(fixture.get(Some(&official), &format!("/exports/coverage.csv?campaignId={campaign}")).await)
            .await;
    assert_eq!(status, StatusCode::OK);
    let wards: Vec<String> = csv_records(&body).into_iter().skip(1).map(|r| r[0].clone()).collect();
    assert_eq!(wards, ["Phường Ba Đình", "Tổng cộng"]);
}

#[tokio::test]
async fn a_missing_or_malformed_campaign_id_answers_400_bad_user_input_on_campaign_id() {
    // Arrange
    let fixture = Exports::build().await;
    let (lam_son, group) = (&fixture.lam_son, &fixture.group_1);
    let paths = [
        format!("/exports/coverage.csv?wardId={lam_son}"),
        format!("/exports/coverage.csv?campaignId=not-a-uuid&wardId={lam_son}"),
        format!("/exports/coverage.xlsx?wardId={lam_son}"),
        format!("/exports/coverage.xlsx?campaignId=42&wardId={lam_son}"),
        format!("/exports/unsigned.csv?groupId={group}"),
        format!("/exports/unsigned.csv?campaignId=&groupId={group}"),
        format!("/exports/unsigned.xlsx?groupId={group}"),
    ];

    for path in &paths {
        // Act
        let answer = error_of(fixture.get(Some(&fixture.app.admin_token), path).await).await;

        // Assert
        assert_eq!(answer, (StatusCode::BAD_REQUEST, json!("BAD_USER_INPUT"), json!("campaignId")), "{path}");
    }
}

#[tokio::test]
async fn an_unknown_campaign_answers_404_not_found() {
    // Arrange
    let fixture = Exports::build().await;

    // Act
    let response = fixture
        .get(
            Some(&fixture.app.admin_token),
            &format!("/exports/coverage.csv?campaignId={}&wardId={}", unknown_id(), fixture.lam_son),
        )
        .await;

    // Assert
    assert_eq!(error_of(response).await, (StatusCode::NOT_FOUND, json!("NOT_FOUND"), Value::Null));
}

#[tokio::test]
async fn a_locale_other_than_vi_vn_answers_400_bad_user_input_on_locale_for_every_export() {
    // Arrange
    let fixture = Exports::build().await;
    let (campaign, lam_son, group) = (&fixture.campaign, &fixture.lam_son, &fixture.group_1);
    let paths = [
        format!("/exports/coverage.csv?campaignId={campaign}&wardId={lam_son}&locale=en-US"),
        format!("/exports/coverage.xlsx?campaignId={campaign}&wardId={lam_son}&locale=vn"),
        format!("/exports/unsigned.csv?campaignId={campaign}&groupId={group}&locale=fr-FR"),
        format!("/exports/unsigned.xlsx?campaignId={campaign}&groupId={group}&locale=vi-VN-x"),
    ];

    for path in &paths {
        // Act
        let answer = error_of(fixture.get(Some(&fixture.app.admin_token), path).await).await;

        // Assert
        assert_eq!(answer, (StatusCode::BAD_REQUEST, json!("BAD_USER_INPUT"), json!("locale")), "{path}");
    }
}
