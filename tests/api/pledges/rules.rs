//! Every rule of `recordPledge` with its exact code and field: well-formed input, an active household in
//! the caller's scope, an open campaign covering the household's ward, a signing day inside the window
//! and not after today in Vietnam. Each refusal writes nothing.

use serde_json::{Value, json};

use super::{Drive, assert_refused};
use crate::{
    drive::{
        campaign_input, closed_campaign, create_campaign_mutation, draft_campaign, open_campaign,
        pledge_input, record_pledge, recorded, set_clock, transition,
    },
    helpers::{create_household, unknown_id},
    world::{Rows, assert_unchanged},
};

/// Sends each `(case, input, code, field)` as `token` and asserts the refusal and that nothing was written.
async fn assert_each_refused(drive: &Drive, token: &str, cases: Vec<(&str, Value, &str, Option<&str>)>) {
    let before = Rows::take(&drive.app).await;
    for (case, input, code, field) in cases {
        // Act
        let body = record_pledge(&drive.app, token, &input).await;

        // Assert
        assert_refused(&body, code, field, case);
        assert_unchanged(&before, &Rows::take(&drive.app).await, case);
    }
}

/// `input` with `field` set to `value`.
fn with(input: &Value, field: &str, value: Value) -> Value {
    let mut input = input.clone();
    input[field] = value;
    input
}

#[tokio::test]
async fn each_malformed_field_is_bad_user_input_naming_it_and_writes_nothing() {
    // Arrange
    let drive = Drive::build().await;
    let valid = drive.input(&drive.household("H1").await);
    let cases = vec![
        (
            "a clientMutationId that is no UUID",
            with(&valid, "clientMutationId", json!("phone-1-item-7")),
            "clientMutationId",
        ),
        ("a householdId that is no UUID", with(&valid, "householdId", json!("H1")), "householdId"),
        ("an empty campaignId", with(&valid, "campaignId", json!("")), "campaignId"),
        ("a blank signer name", with(&valid, "signerName", json!("   ")), "signerName"),
        ("a signer name of 201 characters", with(&valid, "signerName", json!("A".repeat(201))), "signerName"),
        (
            "a signer name with a control character",
            with(&valid, "signerName", json!("Nguyễn\u{7}An")),
            "signerName",
        ),
        ("a day in another format", with(&valid, "signedOn", json!("19/05/2023")), "signedOn"),
        ("a day that does not exist", with(&valid, "signedOn", json!("2023-02-29")), "signedOn"),
        ("an empty day", with(&valid, "signedOn", json!("")), "signedOn"),
        ("a note of 501 characters", with(&valid, "note", json!("n".repeat(501))), "note"),
    ];

    // Act and assert
    let cases =
        cases.into_iter().map(|(case, input, field)| (case, input, "BAD_USER_INPUT", Some(field))).collect();
    assert_each_refused(&drive, &drive.leader_token, cases).await;
}

#[tokio::test]
async fn a_signer_name_of_200_characters_and_a_note_of_500_are_accepted() {
    // Arrange
    let drive = Drive::build().await;
    let input = with(&drive.input(&drive.household("H1").await), "signerName", json!("Â".repeat(200)));
    let input = with(&input, "note", json!("ô".repeat(500)));

    // Act
    let pledge = recorded(&drive.app, &drive.leader_token, &input).await;

    // Assert
    assert_eq!(pledge["signerName"], json!("Â".repeat(200)));
    assert_eq!(pledge["note"], json!("ô".repeat(500)));
}

#[tokio::test]
async fn a_household_that_is_not_active_cannot_sign() {
    // Arrange
    let drive = Drive::build().await;
    let mut cases = Vec::new();
    for (code, status) in [("H1", "MOVED_OUT"), ("H2", "DISSOLVED")] {
        let household = drive.household(code).await;
        drive
            .app
            .gql_ok(
                "mutation($id: ID!, $status: HouseholdStatus!) {
                    setHouseholdStatus(id: $id, expectedVersion: 1, status: $status) { id }
                }",
                json!({ "id": household, "status": status }),
            )
            .await;
        cases.push((status, drive.input(&household)));
    }
    let before = Rows::take(&drive.app).await;

    for (status, input) in cases {
        // Act
        let body = record_pledge(&drive.app, &drive.leader_token, &input).await;

        // Assert
        assert_refused(&body, "CONFLICT", Some("householdId"), status);
        assert_eq!(
            body["errors"][0]["message"],
            json!(format!("the household is {status}: only active households sign")),
            "{body:#}"
        );
        assert_unchanged(&before, &Rows::take(&drive.app).await, status);
    }
}

#[tokio::test]
async fn a_campaign_that_is_not_open_takes_no_pledges() {
    // Arrange
    let drive = Drive::build().await;
    let app = &drive.app;
    let draft = draft_campaign(app, "Bản nháp", Some(&drive.ward_id)).await;
    let closed = closed_campaign(app, "Đã đóng", Some(&drive.ward_id)).await;
    let household = drive.household("H1").await;
    let before = Rows::take(app).await;

    for (status, campaign) in [("DRAFT", draft), ("CLOSED", closed)] {
        // Act
        let body =
            record_pledge(app, &drive.leader_token, &pledge_input(&unknown_id(), &household, &campaign))
                .await;

        // Assert
        assert_refused(&body, "CONFLICT", Some("campaignId"), status);
        assert_eq!(
            body["errors"][0]["message"],
            json!(format!("the campaign is {status}: pledges are recorded only while it is OPEN")),
            "{body:#}"
        );
        assert_unchanged(&before, &Rows::take(app).await, status);
    }
}

#[tokio::test]
async fn a_campaign_for_another_ward_is_bad_user_input_on_campaign_id_for_an_admin() {
    // Arrange
    let drive = Drive::build().await;
    let other_wards = open_campaign(&drive.app, "Ba Đình 2023", Some(&drive.foreign_ward_id)).await;
    let input = pledge_input(&unknown_id(), &drive.household("H1").await, &other_wards);

    // Act and assert
    assert_each_refused(
        &drive,
        &drive.app.admin_token,
        vec![("another ward's campaign", input, "BAD_USER_INPUT", Some("campaignId"))],
    )
    .await;
}

#[tokio::test]
async fn a_campaign_of_another_ward_is_not_found_for_an_official_exactly_like_a_missing_one() {
    // Arrange
    let drive = Drive::build().await;
    let app = &drive.app;
    let other_wards = open_campaign(app, "Ba Đình 2023", Some(&drive.foreign_ward_id)).await;
    let household = drive.household("H1").await;
    let key = unknown_id();
    let before = Rows::take(app).await;

    // Act
    let foreign =
        record_pledge(app, &drive.official_token, &pledge_input(&key, &household, &other_wards)).await;
    let missing =
        record_pledge(app, &drive.official_token, &pledge_input(&key, &household, &unknown_id())).await;

    // Assert
    assert_refused(&foreign, "NOT_FOUND", None, "another ward's campaign");
    assert_eq!(foreign, missing);
    assert_unchanged(&before, &Rows::take(app).await, "refused");
}

#[tokio::test]
async fn a_household_outside_the_callers_scope_is_not_found_exactly_like_a_missing_one() {
    // Arrange
    let drive = Drive::build().await;
    let app = &drive.app;
    let citywide = open_campaign(app, "Toàn thành phố 2023", None).await;
    let neighbour = create_household(app, &drive.other_group_id, "H9", "Lê Văn Cường").await;
    let foreign = drive.foreign_household_id.clone();
    let key = unknown_id();
    let cases = [
        ("the leader, a household of group 2", &drive.leader_token, neighbour),
        ("the leader, a household of ward W2", &drive.leader_token, foreign.clone()),
        ("the official, a household of ward W2", &drive.official_token, foreign),
    ];
    let before = Rows::take(app).await;

    for (case, token, household) in cases {
        // Act
        let body = record_pledge(app, token, &pledge_input(&key, &household, &citywide)).await;
        let missing = record_pledge(app, token, &pledge_input(&key, &unknown_id(), &citywide)).await;

        // Assert
        assert_refused(&body, "NOT_FOUND", None, case);
        assert_eq!(body, missing, "{case}");
        assert_unchanged(&before, &Rows::take(app).await, case);
    }
}

#[tokio::test]
async fn signed_on_must_lie_inside_the_campaign_window_whose_ends_are_included() {
    // Arrange
    let drive = Drive::build().await;
    let app = &drive.app;
    let mut input = campaign_input("Quý I năm 2023", Some(&drive.ward_id));
    input["startsOn"] = json!("2023-01-01");
    input["endsOn"] = json!("2023-03-31");
    let data = app.gql_ok(&create_campaign_mutation(), json!({ "input": input })).await;
    let first_quarter = data["createCampaign"]["id"].as_str().expect("id").to_owned();
    transition(app, "openCampaign", &first_quarter).await;
    let household = drive.household("H1").await;
    let on =
        |day: &str| with(&pledge_input(&unknown_id(), &household, &first_quarter), "signedOn", json!(day));
    let before = Rows::take(app).await;

    for day in ["2022-12-31", "2023-04-01"] {
        // Act
        let body = record_pledge(app, &drive.leader_token, &on(day)).await;

        // Assert
        assert_refused(&body, "BAD_USER_INPUT", Some("signedOn"), day);
        assert_eq!(
            body["errors"][0]["message"], "the campaign runs from 2023-01-01 to 2023-03-31",
            "{body:#}"
        );
        assert_unchanged(&before, &Rows::take(app).await, day);
    }
    let first_day = recorded(app, &drive.leader_token, &on("2023-01-01")).await;
    let other = drive.household("H2").await;
    let last_day = recorded(
        app,
        &drive.leader_token,
        &with(&pledge_input(&unknown_id(), &other, &first_quarter), "signedOn", json!("2023-03-31")),
    )
    .await;
    assert_eq!((&first_day["signedOn"], &last_day["signedOn"]), (&json!("2023-01-01"), &json!("2023-03-31")));
}

#[tokio::test]
async fn signed_on_may_not_be_after_today_in_vietnam() {
    // Arrange
    let drive = Drive::build().await;
    let input = with(&drive.input(&drive.household("H1").await), "signedOn", json!("2023-05-20"));
    let before = Rows::take(&drive.app).await;

    // Act
    let body = record_pledge(&drive.app, &drive.leader_token, &input).await;

    // Assert
    assert_refused(&body, "BAD_USER_INPUT", Some("signedOn"), "tomorrow");
    assert_eq!(body["errors"][0]["message"], "2023-05-20 is in the future", "{body:#}");
    assert_unchanged(&before, &Rows::take(&drive.app).await, "tomorrow");
}

#[tokio::test]
async fn today_turns_at_midnight_in_vietnam_which_is_5_pm_utc() {
    // Arrange: 23:59:30 on 19 May in Vietnam. The admin's token was issued by the real clock and stays valid.
    let drive = Drive::build().await;
    let app = &drive.app;
    let input = with(&drive.input(&drive.household("H1").await), "signedOn", json!("2023-05-20"));
    set_clock(app, "2023-05-19T16:59:30Z");

    // Act
    let before_midnight = record_pledge(app, &app.admin_token, &input).await;
    app.clock.advance(chrono::Duration::seconds(60));
    let after_midnight = record_pledge(app, &app.admin_token, &input).await;

    // Assert
    assert_refused(&before_midnight, "BAD_USER_INPUT", Some("signedOn"), "at 23:59:30 in Vietnam");
    let pledge = &after_midnight["data"]["recordPledge"];
    assert_eq!(
        (&pledge["signedOn"], &pledge["status"]),
        (&json!("2023-05-20"), &json!("SIGNED")),
        "at 00:00:30 in Vietnam (still 19 May in UTC): {after_midnight:#}"
    );
}
