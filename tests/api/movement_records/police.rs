//! The ward police read the ward's reports but keep none of the movement's records: creating a model,
//! an event or an award is `FORBIDDEN` and writes nothing, whatever group or ward it names, and the
//! lists show them nothing.

use serde_json::json;

use super::{
    awards, events, models,
    world::{Records, Who, Year, assert_refused},
};
use crate::helpers::{TEST_PASSWORD, create_user};

#[tokio::test]
async fn the_ward_police_create_no_model_event_or_award_and_list_none() {
    // Arrange
    let year = Year::build().await;
    let (ward, group) = (year.ward_id.as_str(), year.group_id.as_str());
    let police = json!([{ "role": "WARD_POLICE", "wardId": ward }]);
    create_user(year.app(), "police.w1", "Công an phường", police).await;
    let token = year.app().login("police.w1", TEST_PASSWORD).await;
    models::created(&year, Who::Official, &models::model_input(ward, Some(group), "Camera an ninh")).await;
    let writes = [
        ("a ward-wide model", models::create_mutation(), models::model_input(ward, None, "Camera")),
        ("a group's model", models::create_mutation(), models::model_input(ward, Some(group), "Zalo")),
        ("a ward-level event", events::create_mutation(), events::event_input(ward, None, "Ngày hội")),
        ("a group's event", events::create_mutation(), events::event_input(ward, Some(group), "Diễn đàn")),
        ("an award", awards::create_mutation(), awards::collective(ward, group)),
    ];

    for (what, mutation, input) in writes {
        let before = Records::take(year.app()).await;

        // Act
        let body = year.app().gql_with(Some(&token), &mutation, json!({ "input": input })).await;

        // Assert
        let after = Records::take(year.app()).await;
        assert_refused(&body, "FORBIDDEN", None, &before, &after, what);
    }
    let lists = "query($w: ID!) { selfManagementModels(wardId: $w) { totalCount }
        movementEvents(wardId: $w) { totalCount } awards(wardId: $w) { totalCount } }";
    let body = year.app().gql_with(Some(&token), lists, json!({ "w": ward })).await;
    assert_eq!(
        body["data"],
        json!({ "selfManagementModels": { "totalCount": 0 }, "movementEvents": { "totalCount": 0 },
                "awards": { "totalCount": 0 } }),
        "{body:#}"
    );
}
