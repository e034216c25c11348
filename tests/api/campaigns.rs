//! Campaigns: creation (default and explicit windows, validation), DRAFT → OPEN → CLOSED with
//! admin-only reopening, updates while DRAFT only, who may manage which campaign, and who sees which.

use pledge_api::domain::campaign::CampaignStatus;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    drive::{
        CAMPAIGN_TITLE, PLEDGE_ITEMS, campaign_input, closed_campaign, create_campaign_as,
        create_campaign_mutation, draft_campaign, id_of, instant, open_campaign, summary,
        transition_mutation,
    },
    helpers::{
        TEST_PASSWORD, TestApp, create_group, create_user, create_ward, error_code, error_field, spawn_app,
        unknown_id, ward_with_two_groups,
    },
    world::{Rows, assert_unchanged},
};

/// Ward W1 "Phường Lam Sơn" (groups 1 and 2) and ward W2 "Phường Ba Đình" (group 21), with an official
/// of W1, an official of W2 and the leader of group 1.
struct Wards {
    app: TestApp,
    ward_id: String,
    other_ward_id: String,
    official: String,
    other_official: String,
    leader: String,
}

impl Wards {
    async fn build() -> Self {
        let app = spawn_app().await;
        let fixture = ward_with_two_groups(&app).await;
        let other_ward_id = create_ward(&app, "W2", "Phường Ba Đình").await;
        create_group(&app, &other_ward_id, "21").await;
        let official = app.user_with_role("official.w1", "WARD_OFFICIAL", Some(&fixture.ward_id), None).await;
        let other_official =
            app.user_with_role("official.w2", "WARD_OFFICIAL", Some(&other_ward_id), None).await;
        let leader = app.user_with_role("leader.1", "GROUP_LEADER", None, Some(&fixture.group_id)).await;
        Self { app, ward_id: fixture.ward_id, other_ward_id, official, other_official, leader }
    }

    fn user_id(&self, rows: &Rows, username: &str) -> Uuid {
        rows.snapshot.user(username).id
    }
}

const UPDATE: &str =
    "mutation($id: ID!, $input: UpdateCampaignInput!) { updateCampaign(id: $id, input: $input) {
    id year title startsOn endsOn status pledgeItems ward { id name } createdAt updatedAt
} }";

const CAMPAIGN: &str = "query($id: ID!) { campaign(id: $id) { id title status } }";

const CAMPAIGNS: &str = "{ campaigns { totalCount edges { node { title } } } }";

/// A campaign as returned, without its timestamps (checked on their own).
fn without_timestamps(campaign: &Value) -> Value {
    let mut campaign = campaign.clone();
    let object = campaign.as_object_mut().expect("a campaign object");
    object.remove("createdAt");
    object.remove("updatedAt");
    campaign
}

#[track_caller]
fn assert_refused(body: &Value, code: &str, case: &str) {
    assert_eq!(error_code(body), code, "{case}: {body:#}");
    assert!(body["data"].is_null(), "{case}: no data on an error: {body:#}");
}

#[tokio::test]
async fn create_campaign_defaults_the_window_to_1_november_of_the_year_before_through_31_october() {
    // Arrange
    let wards = Wards::build().await;
    let app = &wards.app;
    let before = Rows::take(app).await;

    // Act
    let body = app
        .gql(
            &create_campaign_mutation(),
            json!({ "input": {
                "year": 2023, "title": format!("  {CAMPAIGN_TITLE} "), "wardId": wards.ward_id,
                "pledgeItems": [format!(" {} ", PLEDGE_ITEMS[0]), PLEDGE_ITEMS[1], PLEDGE_ITEMS[2], PLEDGE_ITEMS[3]]
            } }),
        )
        .await;

    // Assert
    let campaign = &body["data"]["createCampaign"];
    assert_eq!(
        without_timestamps(campaign),
        json!({
            "id": campaign["id"], "year": 2023, "title": CAMPAIGN_TITLE,
            "startsOn": "2022-11-01", "endsOn": "2023-10-31", "status": "DRAFT", "pledgeItems": PLEDGE_ITEMS,
            "ward": { "id": wards.ward_id, "name": "Phường Lam Sơn" }
        }),
        "{body:#}"
    );
    assert_eq!(campaign["createdAt"], campaign["updatedAt"]);
    let after = Rows::take(app).await;
    assert_eq!(after.changed_tables(&before), ["audit_event", "campaign"]);
    let stored = after.campaign(&id_of(campaign));
    assert_eq!(
        (stored.year, stored.title.as_str(), stored.status, stored.ward_id.map(|w| w.to_string())),
        (2023, CAMPAIGN_TITLE, CampaignStatus::Draft, Some(wards.ward_id.clone()))
    );
    assert_eq!(
        (stored.starts_on.to_string(), stored.ends_on.to_string()),
        ("2022-11-01".into(), "2023-10-31".into())
    );
    assert_eq!(instant(&campaign["createdAt"]), stored.created_at);
    let events = after.audit_events_since(&before);
    assert_eq!(events.len(), 1, "{events:#?}");
    let event = &events[0];
    assert_eq!(
        (event.action.as_str(), event.target_type.as_str(), event.target_id, event.actor_id, event.ward_id),
        ("campaign.create", "campaign", Some(stored.id), Some(wards.user_id(&after, "root")), stored.ward_id)
    );
    assert_eq!(
        summary(event),
        json!({
            "year": 2023, "title": CAMPAIGN_TITLE, "startsOn": "2022-11-01", "endsOn": "2023-10-31",
            "pledgeItems": PLEDGE_ITEMS
        })
    );
}

#[tokio::test]
async fn create_campaign_keeps_an_explicit_window_and_a_campaign_without_a_ward_covers_every_ward() {
    // Arrange
    let app = spawn_app().await;
    let mut input = campaign_input("Chiến dịch toàn thành phố 2024", None);
    input["year"] = json!(2024);
    input["startsOn"] = json!("2024-01-15");
    input["endsOn"] = json!("2024-06-30");

    // Act
    let data = app.gql_ok(&create_campaign_mutation(), json!({ "input": input })).await;

    // Assert
    assert_eq!(
        without_timestamps(&data["createCampaign"]),
        json!({
            "id": data["createCampaign"]["id"], "year": 2024, "title": "Chiến dịch toàn thành phố 2024",
            "startsOn": "2024-01-15", "endsOn": "2024-06-30", "status": "DRAFT", "pledgeItems": PLEDGE_ITEMS,
            "ward": null
        })
    );
    assert_eq!(app.count_rows("campaign").await, 1);
}

#[tokio::test]
async fn create_campaign_accepts_the_limits_themselves() {
    // Arrange
    let app = spawn_app().await;
    let twenty: Vec<String> = (1..=20).map(|n| format!("Cam kết {n}")).collect();
    let longest_item = "ô".repeat(500);
    let longest_title = "T".repeat(200);
    let cases = [
        ("20 pledge items", json!({ "pledgeItems": twenty })),
        ("an item of 500 characters", json!({ "pledgeItems": [longest_item] })),
        ("a title of 200 characters", json!({ "title": longest_title })),
        ("a window of one day", json!({ "startsOn": "2023-05-19", "endsOn": "2023-05-19" })),
        ("the year 2000", json!({ "year": 2000 })),
        ("the year 2100", json!({ "year": 2100 })),
    ];

    for (case, change) in cases {
        let mut input = campaign_input(CAMPAIGN_TITLE, None);
        for (key, value) in change.as_object().expect("object") {
            input[key] = value.clone();
        }

        // Act
        let body = app.gql(&create_campaign_mutation(), json!({ "input": input })).await;

        // Assert
        assert!(body.get("errors").is_none(), "{case}: {body:#}");
        for (key, value) in change.as_object().expect("object") {
            assert_eq!(&body["data"]["createCampaign"][key], value, "{case}");
        }
    }
    assert_eq!(app.count_rows("campaign").await, 6);
}

#[tokio::test]
async fn create_campaign_refuses_invalid_input_naming_the_field_and_writes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let mut items_with_a_long_third: Vec<String> = PLEDGE_ITEMS.iter().map(|i| (*i).to_owned()).collect();
    items_with_a_long_third[2] = "ô".repeat(501);
    let mut items_with_a_blank_second = items_with_a_long_third.clone();
    items_with_a_blank_second[1] = "   ".into();
    let twenty_one: Vec<String> = (1..=21).map(|n| format!("Cam kết {n}")).collect();
    let cases = [
        ("a year before 2000", json!({ "year": 1999 }), "year"),
        ("a year after 2100", json!({ "year": 2101 }), "year"),
        ("a blank title", json!({ "title": "   " }), "title"),
        ("a title of 201 characters", json!({ "title": "T".repeat(201) }), "title"),
        ("no pledge items", json!({ "pledgeItems": [] }), "pledgeItems"),
        ("21 pledge items", json!({ "pledgeItems": twenty_one }), "pledgeItems"),
        (
            "a third item of 501 characters",
            json!({ "pledgeItems": items_with_a_long_third }),
            "pledgeItems.2",
        ),
        ("a blank second item", json!({ "pledgeItems": items_with_a_blank_second }), "pledgeItems.1"),
        ("an end before the start", json!({ "startsOn": "2023-03-01", "endsOn": "2023-02-28" }), "endsOn"),
        ("a start after the default end", json!({ "startsOn": "2023-11-15" }), "endsOn"),
        ("an end before the default start", json!({ "endsOn": "2022-10-31" }), "endsOn"),
        ("a malformed ward id", json!({ "wardId": "phuong-lam-son" }), "wardId"),
    ];
    let before = Rows::take(&app).await;

    for (case, change, field) in cases {
        let mut input = campaign_input(CAMPAIGN_TITLE, None);
        for (key, value) in change.as_object().expect("object") {
            input[key] = value.clone();
        }

        // Act
        let body = app.gql(&create_campaign_mutation(), json!({ "input": input })).await;

        // Assert
        assert_refused(&body, "BAD_USER_INPUT", case);
        assert_eq!(error_field(&body), field, "{case}: {body:#}");
        assert_unchanged(&before, &Rows::take(&app).await, case);
    }
}

#[tokio::test]
async fn a_malformed_campaign_date_is_bad_user_input_naming_the_date_field_and_writes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let cases = [
        ("a date that does not exist", "startsOn", "2023-02-30"),
        ("a date in another format", "endsOn", "31/10/2023"),
    ];
    let before = Rows::take(&app).await;

    for (case, field, date) in cases {
        let mut input = campaign_input(CAMPAIGN_TITLE, None);
        input[field] = json!(date);

        // Act
        let body = app.gql(&create_campaign_mutation(), json!({ "input": input })).await;

        // Assert
        assert_refused(&body, "BAD_USER_INPUT", case);
        assert_eq!(body["errors"][0]["extensions"]["field"], json!(field), "{case}: {body:#}");
        assert_unchanged(&before, &Rows::take(&app).await, case);
    }
}

#[tokio::test]
async fn a_campaign_goes_from_draft_to_open_to_closed_and_each_step_is_audited() {
    // Arrange
    let wards = Wards::build().await;
    let app = &wards.app;
    let id = draft_campaign(app, CAMPAIGN_TITLE, Some(&wards.ward_id)).await;
    let before = Rows::take(app).await;

    // Act
    let opened =
        app.gql_with(Some(&wards.official), &transition_mutation("openCampaign"), json!({ "id": id })).await;
    let closed =
        app.gql_with(Some(&wards.official), &transition_mutation("closeCampaign"), json!({ "id": id })).await;

    // Assert
    assert_eq!(opened["data"]["openCampaign"]["status"], "OPEN", "{opened:#}");
    assert_eq!(closed["data"]["closeCampaign"]["status"], "CLOSED", "{closed:#}");
    assert_eq!(
        without_timestamps(&closed["data"]["closeCampaign"]),
        json!({
            "id": id, "year": 2023, "title": CAMPAIGN_TITLE, "startsOn": "2022-11-01", "endsOn": "2023-10-31",
            "status": "CLOSED", "pledgeItems": PLEDGE_ITEMS, "ward": { "id": wards.ward_id, "name": "Phường Lam Sơn" }
        })
    );
    let after = Rows::take(app).await;
    assert_eq!(after.changed_tables(&before), ["audit_event", "campaign"]);
    assert_eq!(after.campaign(&id).status, CampaignStatus::Closed);
    let official = wards.user_id(&after, "official.w1");
    let events: Vec<_> = after
        .audit_events_since(&before)
        .iter()
        .map(|e| (e.action.clone(), e.actor_id, e.target_id.map(|t| t.to_string()), summary(e)))
        .collect();
    assert_eq!(
        events,
        [
            (
                "campaign.open".into(),
                Some(official),
                Some(id.clone()),
                json!({ "from": "DRAFT", "to": "OPEN" })
            ),
            (
                "campaign.close".into(),
                Some(official),
                Some(id.clone()),
                json!({ "from": "OPEN", "to": "CLOSED" })
            ),
        ]
    );
}

#[tokio::test]
async fn a_transition_from_where_the_campaign_already_is_or_cannot_go_is_a_conflict_and_changes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let draft = draft_campaign(&app, "Nháp", None).await;
    let open = open_campaign(&app, "Đang mở", None).await;
    let closed = closed_campaign(&app, "Đã đóng", None).await;
    let cases = [
        ("opening an open campaign", "openCampaign", &open, "the campaign is already OPEN"),
        ("closing a draft", "closeCampaign", &draft, "a DRAFT campaign cannot become CLOSED"),
        ("closing a closed campaign", "closeCampaign", &closed, "the campaign is already CLOSED"),
    ];
    let before = Rows::take(&app).await;

    for (case, operation, id, message) in cases {
        // Act
        let body = app.gql(&transition_mutation(operation), json!({ "id": id })).await;

        // Assert
        assert_refused(&body, "CONFLICT", case);
        assert_eq!(body["errors"][0]["message"], message, "{case}");
        assert_unchanged(&before, &Rows::take(&app).await, case);
    }
}

#[tokio::test]
async fn only_an_admin_may_reopen_a_closed_campaign_and_the_reopening_is_audited_as_such() {
    // Arrange
    let wards = Wards::build().await;
    let app = &wards.app;
    let id = closed_campaign(app, CAMPAIGN_TITLE, Some(&wards.ward_id)).await;
    let before = Rows::take(app).await;

    // Act
    let by_official =
        app.gql_with(Some(&wards.official), &transition_mutation("openCampaign"), json!({ "id": id })).await;
    let after_official = Rows::take(app).await;
    let by_admin = app.gql(&transition_mutation("openCampaign"), json!({ "id": id })).await;

    // Assert
    assert_refused(&by_official, "FORBIDDEN", "an official reopening");
    assert_unchanged(&before, &after_official, "an official reopening");
    assert_eq!(by_admin["data"]["openCampaign"]["status"], "OPEN", "{by_admin:#}");
    let after = Rows::take(app).await;
    assert_eq!(after.campaign(&id).status, CampaignStatus::Open);
    let events = after.audit_events_since(&before);
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(
        (events[0].action.as_str(), events[0].actor_id, summary(events[0])),
        ("campaign.reopen", Some(wards.user_id(&after, "root")), json!({ "from": "CLOSED", "to": "OPEN" }))
    );
}

#[tokio::test]
async fn update_campaign_changes_a_draft_and_audits_the_new_values() {
    // Arrange
    let wards = Wards::build().await;
    let app = &wards.app;
    let id = draft_campaign(app, "Bản nháp", Some(&wards.ward_id)).await;
    let before = Rows::take(app).await;

    // Act
    let body = app
        .gql_with(
            Some(&wards.official),
            UPDATE,
            json!({ "id": id, "input": {
                "title": CAMPAIGN_TITLE, "startsOn": "2023-01-01", "pledgeItems": [PLEDGE_ITEMS[3], PLEDGE_ITEMS[0]]
            } }),
        )
        .await;

    // Assert
    let campaign = &body["data"]["updateCampaign"];
    assert_eq!(
        without_timestamps(campaign),
        json!({
            "id": id, "year": 2023, "title": CAMPAIGN_TITLE, "startsOn": "2023-01-01", "endsOn": "2023-10-31",
            "status": "DRAFT", "pledgeItems": [PLEDGE_ITEMS[3], PLEDGE_ITEMS[0]],
            "ward": { "id": wards.ward_id, "name": "Phường Lam Sơn" }
        }),
        "{body:#}"
    );
    assert!(instant(&campaign["updatedAt"]) > instant(&campaign["createdAt"]), "{campaign:#}");
    let after = Rows::take(app).await;
    assert_eq!(after.changed_tables(&before), ["audit_event", "campaign"]);
    let events = after.audit_events_since(&before);
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0].action, "campaign.update");
    assert_eq!(events[0].actor_id, Some(wards.user_id(&after, "official.w1")));
    assert_eq!(
        summary(events[0]),
        json!({
            "title": CAMPAIGN_TITLE, "startsOn": "2023-01-01", "endsOn": "2023-10-31",
            "pledgeItems": [PLEDGE_ITEMS[3], PLEDGE_ITEMS[0]]
        })
    );
}

#[tokio::test]
async fn update_campaign_refuses_invalid_input_naming_the_field_and_changes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let id = draft_campaign(&app, CAMPAIGN_TITLE, None).await;
    let cases = [
        ("a blank title", json!({ "title": " " }), "title"),
        ("no pledge items", json!({ "pledgeItems": [] }), "pledgeItems"),
        ("a first item of 501 characters", json!({ "pledgeItems": ["x".repeat(501)] }), "pledgeItems.0"),
        ("an end before the stored start", json!({ "endsOn": "2022-10-31" }), "endsOn"),
        ("a start after the stored end", json!({ "startsOn": "2023-11-01" }), "endsOn"),
    ];
    let before = Rows::take(&app).await;

    for (case, input, field) in cases {
        // Act
        let body = app.gql(UPDATE, json!({ "id": id, "input": input })).await;

        // Assert
        assert_refused(&body, "BAD_USER_INPUT", case);
        assert_eq!(error_field(&body), field, "{case}: {body:#}");
        assert_unchanged(&before, &Rows::take(&app).await, case);
    }
}

#[tokio::test]
async fn update_campaign_is_a_conflict_once_the_campaign_has_been_opened_and_changes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let open = open_campaign(&app, "Đang mở", None).await;
    let closed = closed_campaign(&app, "Đã đóng", None).await;
    let before = Rows::take(&app).await;

    for (case, id) in [("an open campaign", &open), ("a closed campaign", &closed)] {
        // Act
        let body = app
            .gql(
                UPDATE,
                json!({ "id": id, "input": { "title": "Tên mới", "pledgeItems": ["Một cam kết khác"] } }),
            )
            .await;

        // Assert
        assert_refused(&body, "CONFLICT", case);
        assert_unchanged(&before, &Rows::take(&app).await, case);
    }
    let after = Rows::take(&app).await;
    assert_eq!(after.campaign(&open).title, "Đang mở");
    assert_eq!(after.campaign(&open).pledge_items, serde_json::to_string(&PLEDGE_ITEMS).expect("JSON"));
}

#[tokio::test]
async fn an_official_creates_campaigns_for_their_own_ward_only() {
    // Arrange
    let wards = Wards::build().await;
    let app = &wards.app;
    let mutation = create_campaign_mutation();
    let create = |ward_id: Option<String>| {
        let input = campaign_input(CAMPAIGN_TITLE, ward_id.as_deref());
        app.gql_with(Some(&wards.official), &mutation, json!({ "input": input }))
    };
    let before = Rows::take(app).await;

    // Act
    let global = create(None).await;
    let other_ward = create(Some(wards.other_ward_id.clone())).await;
    let missing_ward = create(Some(unknown_id())).await;
    let unchanged = Rows::take(app).await;
    let own_ward = create(Some(wards.ward_id.clone())).await;

    // Assert
    assert_refused(&global, "FORBIDDEN", "a campaign for every ward");
    assert_refused(&other_ward, "NOT_FOUND", "a campaign for another ward");
    assert_eq!(other_ward, missing_ward, "another ward is refused exactly like a missing one");
    assert_unchanged(&before, &unchanged, "refused creations");
    assert_eq!(own_ward["data"]["createCampaign"]["ward"]["id"], json!(wards.ward_id), "{own_ward:#}");
    assert_eq!(own_ward["data"]["createCampaign"]["status"], "DRAFT");
    assert_eq!(app.count_rows("campaign").await, 1);
}

#[tokio::test]
async fn an_official_may_not_open_close_or_update_a_campaign_for_every_ward() {
    // Arrange
    let wards = Wards::build().await;
    let app = &wards.app;
    let draft = draft_campaign(app, "Toàn thành phố", None).await;
    let open = open_campaign(app, "Toàn thành phố, đang mở", None).await;
    let before = Rows::take(app).await;
    let official = Some(wards.official.as_str());

    // Act
    let opened = app.gql_with(official, &transition_mutation("openCampaign"), json!({ "id": draft })).await;
    let closed = app.gql_with(official, &transition_mutation("closeCampaign"), json!({ "id": open })).await;
    let updated =
        app.gql_with(official, UPDATE, json!({ "id": draft, "input": { "title": "Tên mới" } })).await;

    // Assert
    assert_refused(&opened, "FORBIDDEN", "openCampaign");
    assert_refused(&closed, "FORBIDDEN", "closeCampaign");
    assert_refused(&updated, "FORBIDDEN", "updateCampaign");
    assert_unchanged(&before, &Rows::take(app).await, "refused");
}

#[tokio::test]
async fn a_group_leader_may_not_create_update_open_or_close_campaigns() {
    // Arrange
    let wards = Wards::build().await;
    let app = &wards.app;
    let draft = draft_campaign(app, "Nháp của phường", Some(&wards.ward_id)).await;
    let open = open_campaign(app, "Đang mở của phường", Some(&wards.ward_id)).await;
    let leader = Some(wards.leader.as_str());
    let before = Rows::take(app).await;

    // Act
    let answers = [
        (
            "createCampaign",
            app.gql_with(
                leader,
                &create_campaign_mutation(),
                json!({ "input": campaign_input(CAMPAIGN_TITLE, Some(&wards.ward_id)) }),
            )
            .await,
        ),
        (
            "updateCampaign",
            app.gql_with(leader, UPDATE, json!({ "id": draft, "input": { "title": "X" } })).await,
        ),
        (
            "openCampaign",
            app.gql_with(leader, &transition_mutation("openCampaign"), json!({ "id": draft })).await,
        ),
        (
            "closeCampaign",
            app.gql_with(leader, &transition_mutation("closeCampaign"), json!({ "id": open })).await,
        ),
    ];

    // Assert
    for (case, body) in &answers {
        assert_refused(body, "FORBIDDEN", case);
    }
    assert_unchanged(&before, &Rows::take(app).await, "refused");
}

#[tokio::test]
async fn campaigns_shows_campaigns_for_every_ward_to_everyone_and_a_wards_campaigns_only_in_that_ward() {
    // Arrange
    let wards = Wards::build().await;
    let app = &wards.app;
    draft_campaign(app, "Toàn thành phố 2023", None).await;
    open_campaign(app, "Lam Sơn 2023", Some(&wards.ward_id)).await;
    closed_campaign(app, "Ba Đình 2023", Some(&wards.other_ward_id)).await;
    let listed = |titles: &[&str]| {
        let edges: Vec<Value> = titles.iter().map(|t| json!({ "node": { "title": t } })).collect();
        json!({ "data": { "campaigns": { "totalCount": titles.len(), "edges": edges } } })
    };

    for (caller, token, expected) in [
        ("admin", &app.admin_token, listed(&["Ba Đình 2023", "Lam Sơn 2023", "Toàn thành phố 2023"])),
        ("official of W1", &wards.official, listed(&["Lam Sơn 2023", "Toàn thành phố 2023"])),
        ("leader in W1", &wards.leader, listed(&["Lam Sơn 2023", "Toàn thành phố 2023"])),
        ("official of W2", &wards.other_official, listed(&["Ba Đình 2023", "Toàn thành phố 2023"])),
    ] {
        // Act
        let body = app.gql_with(Some(token), CAMPAIGNS, json!({})).await;

        // Assert
        assert_eq!(body, expected, "{caller}");
    }
}

#[tokio::test]
async fn campaign_of_another_ward_is_not_found_exactly_like_a_missing_one() {
    // Arrange
    let wards = Wards::build().await;
    let app = &wards.app;
    let global = draft_campaign(app, "Toàn thành phố 2023", None).await;
    let own = open_campaign(app, "Lam Sơn 2023", Some(&wards.ward_id)).await;
    let foreign = open_campaign(app, "Ba Đình 2023", Some(&wards.other_ward_id)).await;

    for (caller, token) in [("official of W1", &wards.official), ("leader in W1", &wards.leader)] {
        // Act
        let ask = |id: String| app.gql_with(Some(token), CAMPAIGN, json!({ "id": id }));
        let (global_body, own_body) = (ask(global.clone()).await, ask(own.clone()).await);
        let (foreign_body, missing_body) = (ask(foreign.clone()).await, ask(unknown_id()).await);

        // Assert
        assert_eq!(
            global_body,
            json!({ "data": { "campaign": { "id": global, "title": "Toàn thành phố 2023", "status": "DRAFT" } } }),
            "{caller}"
        );
        assert_eq!(
            own_body,
            json!({ "data": { "campaign": { "id": own, "title": "Lam Sơn 2023", "status": "OPEN" } } }),
            "{caller}"
        );
        assert_refused(&foreign_body, "NOT_FOUND", caller);
        assert_eq!(
            foreign_body, missing_body,
            "{caller}: another ward's campaign answers like a missing one"
        );
    }
    let by_admin = app.gql(CAMPAIGN, json!({ "id": foreign })).await;
    assert_eq!(by_admin["data"]["campaign"]["title"], "Ba Đình 2023", "{by_admin:#}");
}

#[tokio::test]
async fn campaign_with_a_malformed_id_is_bad_user_input_on_id() {
    let app = spawn_app().await;

    let body = app.gql(CAMPAIGN, json!({ "id": "chien-dich-2023" })).await;

    assert_refused(&body, "BAD_USER_INPUT", "a malformed id");
    assert_eq!(error_field(&body), "id", "{body:#}");
}

#[tokio::test]
async fn an_official_of_two_wards_manages_the_campaigns_of_both() {
    // Arrange
    let wards = Wards::build().await;
    let app = &wards.app;
    create_user(
        app,
        "official.both",
        "Cán bộ hai phường",
        json!([
            { "role": "WARD_OFFICIAL", "wardId": wards.ward_id },
            { "role": "WARD_OFFICIAL", "wardId": wards.other_ward_id }
        ]),
    )
    .await;
    let token = app.login("official.both", TEST_PASSWORD).await;

    // Act
    let in_w1 = create_campaign_as(app, &token, "Lam Sơn 2023", Some(&wards.ward_id)).await;
    let in_w2 = create_campaign_as(app, &token, "Ba Đình 2023", Some(&wards.other_ward_id)).await;
    let opened =
        app.gql_with(Some(&token), &transition_mutation("openCampaign"), json!({ "id": in_w2 })).await;

    // Assert
    assert_eq!(opened["data"]["openCampaign"]["status"], "OPEN", "{opened:#}");
    let after = Rows::take(app).await;
    assert_eq!(after.campaign(&in_w1).status, CampaignStatus::Draft);
    assert_eq!(after.campaign(&in_w2).status, CampaignStatus::Open);
}
