//! The ward police, whose work the survey judges: they read their ward's surveys, results and ballots,
//! and never type ballots in, create or move a survey.

use serde_json::json;

use super::world::{
    SurveyRows, SurveyWorld, assert_refused, ballot, record, recorded, results, survey_input, transition,
};
use crate::helpers::{TEST_PASSWORD, create_user};

#[tokio::test]
async fn the_ward_police_read_their_wards_results_and_record_nothing() {
    // Arrange
    let world = SurveyWorld::build().await;
    let police = json!([{ "role": "WARD_POLICE", "wardId": world.ward_id }]);
    create_user(&world.app, "police.w1", "Công an phường", police).await;
    let token = world.app.login("police.w1", TEST_PASSWORD).await;
    let foreign = json!([{ "role": "WARD_POLICE", "wardId": world.foreign_ward_id }]);
    create_user(&world.app, "police.w2", "Công an phường khác", foreign).await;
    let foreign_token = world.app.login("police.w2", TEST_PASSWORD).await;
    let survey = world.open().await;
    let ratings = [Some("VERY_SATISFIED"), Some("SATISFIED"), Some("DISSATISFIED")];
    let admin = world.app.admin_token.clone();
    recorded(&world.app, &admin, &survey["id"], &world.group_id, &[ballot(&survey, &ratings)]).await;

    // Act
    let ward = results(&world.app, &token, &survey["id"], None).await;
    let group = results(&world.app, &token, &survey["id"], Some(&world.group_id)).await;
    let other_ward = results(&world.app, &foreign_token, &survey["id"], None).await;

    // Assert
    assert!(ward.get("errors").is_none(), "{ward:#}");
    assert_eq!(ward["data"]["surveyResults"]["ballotCount"], 1, "{ward:#}");
    assert_eq!(group["data"]["surveyResults"]["ballotCount"], 1, "{group:#}");
    assert_eq!(other_ward["errors"][0]["extensions"]["code"], "NOT_FOUND", "{other_ward:#}");

    let before = SurveyRows::take(&world.app).await;
    let ballots =
        record(&world.app, &token, &survey["id"], &world.group_id, &[ballot(&survey, &ratings)]).await;
    let created = world
        .app
        .gql_with(
            Some(&token),
            "mutation($i: CreateSurveyInput!) { createSurvey(input: $i) { id } }",
            json!({ "i": survey_input(&world.ward_id, &["Câu hỏi"]) }),
        )
        .await;
    let closed = transition(&world.app, &token, "closeSurvey", &survey["id"], 2).await;
    let after = SurveyRows::take(&world.app).await;
    assert_refused(&ballots, "FORBIDDEN", None, &before, &after, "ballots typed in by the police");
    for (what, body) in [("createSurvey", created), ("closeSurvey", closed)] {
        let code = body["errors"][0]["extensions"]["code"].as_str().unwrap_or_default().to_owned();
        assert!(["FORBIDDEN", "NOT_FOUND"].contains(&code.as_str()), "{what}: {body:#}");
        assert!(body["data"].is_null(), "{what}: {body:#}");
    }
}
