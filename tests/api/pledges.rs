//! Pledges: `recordPledge` and what it writes, `withdrawPledge` and signing again, the household's
//! `pledge(campaignId)` and `pledges`, and that a refused pledge leaves no trace. The rules, idempotency,
//! concurrency and the `recordPledges` batch have files of their own.

mod batch;
mod concurrency;
mod idempotency;
mod rules;
mod together;

use std::ops::Deref;

use pledge_api::{domain::campaign::PledgeStatus, service::changes::EntityType};
use serde_json::{Value, json};

use crate::{
    drive::{
        CAMPAIGN_TITLE, PLEDGE_FIELDS, VIETNAM_NOON, closed_campaign, id_of, instant, open_campaign,
        pledge_input, record_pledge, recorded, set_clock, summary, transition,
    },
    helpers::{create_household, spawn_app, unknown_id},
    world::{LEADER_NAME, Rows, World, assert_refused, assert_unchanged},
};

/// The pledge drive of the shared world on `TODAY`: the clock at noon in Vietnam and the 2023 campaign
/// of ward W1 open (1 November 2022 to 31 October 2023), besides the world's wards, groups, households
/// and signed-in users.
pub struct Drive {
    pub world: World,
    pub campaign_id: String,
}

impl Deref for Drive {
    type Target = World;

    fn deref(&self) -> &World {
        &self.world
    }
}

impl Drive {
    pub async fn build() -> Self {
        let app = spawn_app().await;
        set_clock(&app, VIETNAM_NOON);
        let world = World::build_on(app).await;
        let campaign_id = open_campaign(&world.app, CAMPAIGN_TITLE, Some(&world.ward_id)).await;
        Self { world, campaign_id }
    }

    /// The active household `code` of group 1, headed by "Nguyễn Văn An": the world's H1, or a new one.
    pub async fn household(&self, code: &str) -> String {
        if code == "H1" {
            return self.household_id.clone();
        }
        create_household(&self.app, &self.group_id, code, "Nguyễn Văn An").await
    }

    /// A valid pledge of `household_id` for the open campaign, with a fresh `clientMutationId`.
    pub fn input(&self, household_id: &str) -> Value {
        pledge_input(&unknown_id(), household_id, &self.campaign_id)
    }
}

/// `withdrawPledge` returning `PLEDGE_FIELDS`, with variables `id` and `reason`.
fn withdraw_mutation() -> String {
    format!(
        "mutation($id: ID!, $reason: String) {{ withdrawPledge(id: $id, reason: $reason) {{ {PLEDGE_FIELDS} }} }}"
    )
}

/// The extensions of the first error.
pub fn extensions(body: &Value) -> &Value {
    &body["errors"][0]["extensions"]
}

#[tokio::test]
async fn record_pledge_stores_a_signed_pledge_with_its_audit_event_change_log_row_and_idempotency_key() {
    // Arrange
    let drive = Drive::build().await;
    let app = &drive.app;
    let household = drive.household("H1").await;
    let key = unknown_id();
    let before = Rows::take(app).await;

    // Act
    let body = record_pledge(
        app,
        &drive.leader_token,
        &json!({
            "clientMutationId": key, "householdId": household, "campaignId": drive.campaign_id,
            "signerName": "  Nguyễn Văn An ", "signedOn": "2023-05-18", "note": " Ký tại nhà văn hóa tổ 1 "
        }),
    )
    .await;

    // Assert
    let pledge = &body["data"]["recordPledge"];
    let after = Rows::take(app).await;
    assert_eq!(after.changed_tables(&before), ["audit_event", "change_log", "pledge", "client_mutation"]);
    assert_eq!(after.pledges.len(), 1);
    let row = &after.pledges[0];
    assert_eq!(
        body,
        json!({ "data": { "recordPledge": {
            "id": row.id.to_string(),
            "household": { "id": household, "code": "H1" },
            "campaign": { "id": drive.campaign_id, "title": CAMPAIGN_TITLE },
            "signerName": "Nguyễn Văn An", "signedOn": "2023-05-18", "note": "Ký tại nhà văn hóa tổ 1",
            "status": "SIGNED", "withdrawnReason": null,
            "recordedBy": { "userId": drive.leader_id.to_string(), "displayName": LEADER_NAME },
            "recordedAt": pledge["recordedAt"], "clientMutationId": key, "updatedAt": pledge["recordedAt"]
        } } })
    );
    assert_eq!(instant(&pledge["recordedAt"]), row.recorded_at);
    assert_eq!(
        (
            row.household_id.to_string(),
            row.campaign_id.to_string(),
            row.group_id.to_string(),
            row.signer_name.as_str(),
            row.signed_on.to_string(),
            row.note.as_deref(),
            row.status,
            row.withdrawn_reason.as_deref(),
            row.recorded_by,
            row.client_mutation_id.to_string(),
        ),
        (
            household.clone(),
            drive.campaign_id.clone(),
            drive.group_id.clone(),
            "Nguyễn Văn An",
            "2023-05-18".to_owned(),
            Some("Ký tại nhà văn hóa tổ 1"),
            PledgeStatus::Signed,
            None,
            Some(drive.leader_uuid()),
            key.clone(),
        )
    );
    let stored_key = &after.keys[0];
    assert_eq!(
        (stored_key.id.to_string(), stored_key.user_id, stored_key.kind.as_str(), stored_key.target_id),
        (key.clone(), Some(drive.leader_uuid()), "pledge", row.id)
    );
    assert!(
        stored_key.payload_hash.len() == 64 && stored_key.payload_hash.chars().all(|c| c.is_ascii_hexdigit()),
        "a SHA-256 of the payload: {}",
        stored_key.payload_hash
    );
    let events = after.audit_events_since(&before);
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(
        (
            events[0].action.as_str(),
            events[0].target_type.as_str(),
            events[0].target_id,
            events[0].actor_id,
            events[0].ward_id.map(|w| w.to_string())
        ),
        ("pledge.record", "pledge", Some(row.id), Some(drive.leader_uuid()), Some(drive.ward_id.clone()))
    );
    assert_eq!(
        summary(events[0]),
        json!({
            "householdId": household, "campaignId": drive.campaign_id, "signerName": "Nguyễn Văn An",
            "signedOn": "2023-05-18", "clientMutationId": key
        })
    );
    let changes = after.changes_since(&before);
    assert_eq!(
        changes
            .iter()
            .map(|c| (c.entity_type, c.entity_id, c.group_id.to_string(), c.ward_id.to_string()))
            .collect::<Vec<_>>(),
        [(EntityType::Pledge, row.id, drive.group_id.clone(), drive.ward_id.clone())]
    );
}

#[tokio::test]
async fn an_official_records_a_pledge_in_any_group_of_their_ward() {
    // Arrange
    let drive = Drive::build().await;
    let app = &drive.app;
    let household = create_household(app, &drive.other_group_id, "H7", "Trần Thị Bình").await;

    // Act
    let pledge = recorded(app, &drive.official_token, &drive.input(&household)).await;

    // Assert
    assert_eq!(pledge["household"], json!({ "id": household, "code": "H7" }));
    assert_eq!(pledge["status"], "SIGNED");
    assert_eq!(
        pledge["recordedBy"],
        json!({ "userId": drive.official_id.to_string(), "displayName": "Cán bộ phường Lam Sơn" })
    );
    let rows = Rows::take(app).await;
    assert_eq!(rows.pledge(&id_of(&pledge)).group_id.to_string(), drive.other_group_id);
}

#[tokio::test]
async fn household_pledge_and_pledges_show_the_households_pledges_newest_campaign_first() {
    // Arrange
    let drive = Drive::build().await;
    let app = &drive.app;
    let signed = drive.household("H1").await;
    let unsigned = drive.household("H2").await;
    let citywide = open_campaign(app, "Toàn thành phố 2023", None).await;
    let draft = crate::drive::draft_campaign(app, "Bản nháp 2024", Some(&drive.ward_id)).await;
    let for_ward = recorded(app, &drive.leader_token, &drive.input(&signed)).await;
    let for_city = recorded(app, &drive.leader_token, &pledge_input(&unknown_id(), &signed, &citywide)).await;
    let query = "query($id: ID!, $ward: ID!, $city: ID!, $draft: ID!) { household(id: $id) {
        ward: pledge(campaignId: $ward) { id status campaign { title } }
        city: pledge(campaignId: $city) { id }
        none: pledge(campaignId: $draft) { id }
        pledges { id campaign { title } }
    } }";
    let variables = |household: &str| json!({ "id": household, "ward": drive.campaign_id, "city": citywide, "draft": draft });

    // Act
    let of_signed = app.gql_with(Some(&drive.leader_token), query, variables(&signed)).await;
    let of_unsigned = app.gql_with(Some(&drive.leader_token), query, variables(&unsigned)).await;

    // Assert
    assert_eq!(
        of_signed,
        json!({ "data": { "household": {
            "ward": { "id": for_ward["id"], "status": "SIGNED", "campaign": { "title": CAMPAIGN_TITLE } },
            "city": { "id": for_city["id"] },
            "none": null,
            "pledges": [
                { "id": for_city["id"], "campaign": { "title": "Toàn thành phố 2023" } },
                { "id": for_ward["id"], "campaign": { "title": CAMPAIGN_TITLE } }
            ]
        } } })
    );
    assert_eq!(
        of_unsigned,
        json!({ "data": { "household": { "ward": null, "city": null, "none": null, "pledges": [] } } })
    );
}

#[tokio::test]
async fn withdraw_pledge_then_signing_again_reuses_the_same_row() {
    // Arrange
    let drive = Drive::build().await;
    let app = &drive.app;
    let household = drive.household("H1").await;
    let first = recorded(app, &drive.leader_token, &drive.input(&household)).await;
    let pledge_id = id_of(&first);
    let before_withdrawal = Rows::take(app).await;

    // Act
    let withdrawn = app
        .gql_with(
            Some(&drive.leader_token),
            &withdraw_mutation(),
            json!({ "id": pledge_id, "reason": " Chủ hộ muốn ký lại " }),
        )
        .await;
    let after_withdrawal = Rows::take(app).await;
    let mut again_input = drive.input(&household);
    again_input["signerName"] = json!("Nguyễn Thị Hoa");
    again_input["signedOn"] = json!("2023-05-19");
    let again = record_pledge(app, &drive.leader_token, &again_input).await;
    let after = Rows::take(app).await;

    // Assert
    let withdrawn = &withdrawn["data"]["withdrawPledge"];
    assert_eq!(
        (&withdrawn["id"], &withdrawn["status"], &withdrawn["withdrawnReason"], &withdrawn["signerName"]),
        (&json!(pledge_id), &json!("WITHDRAWN"), &json!("Chủ hộ muốn ký lại"), &first["signerName"]),
        "{withdrawn:#}"
    );
    assert_eq!(after_withdrawal.changed_tables(&before_withdrawal), ["audit_event", "change_log", "pledge"]);
    let events = after_withdrawal.audit_events_since(&before_withdrawal);
    assert_eq!(
        events.iter().map(|e| (e.action.as_str(), e.target_id, summary(e))).collect::<Vec<_>>(),
        [(
            "pledge.withdraw",
            Some(pledge_id.parse().expect("uuid")),
            json!({ "householdId": household, "campaignId": drive.campaign_id, "reason": "Chủ hộ muốn ký lại" })
        )]
    );
    let again = &again["data"]["recordPledge"];
    assert_eq!(
        (&again["id"], &again["status"], &again["withdrawnReason"], &again["signerName"], &again["signedOn"]),
        (&json!(pledge_id), &json!("SIGNED"), &Value::Null, &json!("Nguyễn Thị Hoa"), &json!("2023-05-19")),
        "{again:#}"
    );
    assert_eq!(again["clientMutationId"], again_input["clientMutationId"]);
    assert_eq!(after.pledges.len(), 1, "still one row for the household and campaign");
    let row = after.pledge(&pledge_id);
    assert_eq!((row.status, row.withdrawn_reason.as_deref()), (PledgeStatus::Signed, None));
    assert_eq!(after.keys.len(), 2, "both idempotency keys are kept");
    assert_eq!(
        after.audit_events_since(&after_withdrawal).iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["pledge.sign_again"]
    );
    assert_eq!(after.changes_since(&after_withdrawal).len(), 1);
}

#[tokio::test]
async fn withdraw_pledge_refusals_name_their_reason_and_change_nothing() {
    // Arrange
    let drive = Drive::build().await;
    let app = &drive.app;
    let withdrawn =
        id_of(&recorded(app, &drive.leader_token, &drive.input(&drive.household("H1").await)).await);
    app.gql_ok(&withdraw_mutation(), json!({ "id": withdrawn, "reason": null })).await;
    let signed = id_of(&recorded(app, &drive.leader_token, &drive.input(&drive.household("H2").await)).await);
    let closing = open_campaign(app, "Sắp đóng", Some(&drive.ward_id)).await;
    let household = drive.household("H3").await;
    let in_closed =
        id_of(&recorded(app, &drive.leader_token, &pledge_input(&unknown_id(), &household, &closing)).await);
    transition(app, "closeCampaign", &closing).await;
    let neighbour = create_household(app, &drive.other_group_id, "H9", "Lê Văn Cường").await;
    let of_neighbour = id_of(&recorded(app, &drive.official_token, &drive.input(&neighbour)).await);
    let unknown = unknown_id();
    let cases = [
        ("an already withdrawn pledge", &withdrawn, None, "CONFLICT", None),
        ("a pledge of a closed campaign", &in_closed, None, "CONFLICT", Some("id")),
        ("a reason of 501 characters", &signed, Some("r".repeat(501)), "BAD_USER_INPUT", Some("reason")),
        ("another group's pledge", &of_neighbour, None, "NOT_FOUND", None),
        ("a missing pledge", &unknown, None, "NOT_FOUND", None),
    ];
    let before = Rows::take(app).await;

    for (case, id, reason, code, field) in cases {
        // Act
        let body = app
            .gql_with(Some(&drive.leader_token), &withdraw_mutation(), json!({ "id": id, "reason": reason }))
            .await;

        // Assert
        assert_refused(&body, code, field, case);
        assert_unchanged(&before, &Rows::take(app).await, case);
    }
    let another_groups =
        app.gql_with(Some(&drive.leader_token), &withdraw_mutation(), json!({ "id": of_neighbour })).await;
    let missing =
        app.gql_with(Some(&drive.leader_token), &withdraw_mutation(), json!({ "id": unknown })).await;
    assert_eq!(another_groups, missing, "another group's pledge is refused exactly like a missing one");
}

#[tokio::test]
async fn a_refused_pledge_leaves_no_audit_event_idempotency_key_or_change_log_row() {
    // Arrange
    let drive = Drive::build().await;
    let app = &drive.app;
    let signed = drive.household("H1").await;
    let standing = id_of(&recorded(app, &drive.leader_token, &drive.input(&signed)).await);
    let fresh = drive.household("H2").await;
    let closed = closed_campaign(app, "Đã đóng", Some(&drive.ward_id)).await;
    let neighbour = create_household(app, &drive.other_group_id, "H9", "Lê Văn Cường").await;
    let mut tomorrow = drive.input(&fresh);
    tomorrow["signedOn"] = json!("2023-05-20");
    let mut nameless = drive.input(&fresh);
    nameless["signerName"] = json!("");
    let cases = [
        (
            "already signed",
            drive.input(&signed),
            json!({ "code": "CONFLICT", "field": "householdId", "existingPledgeId": standing }),
        ),
        (
            "a closed campaign",
            pledge_input(&unknown_id(), &fresh, &closed),
            json!({ "code": "CONFLICT", "field": "campaignId" }),
        ),
        ("another group's household", drive.input(&neighbour), json!({ "code": "NOT_FOUND" })),
        ("signed tomorrow", tomorrow, json!({ "code": "BAD_USER_INPUT", "field": "signedOn" })),
        ("no signer", nameless, json!({ "code": "BAD_USER_INPUT", "field": "signerName" })),
    ];
    let counts = || async {
        (
            app.count_rows("audit_event").await,
            app.count_rows("client_mutation").await,
            app.count_rows("change_log").await,
        )
    };
    let before = counts().await;

    for (case, input, expected) in cases {
        // Act
        let body = record_pledge(app, &drive.leader_token, &input).await;

        // Assert
        assert_eq!(extensions(&body), &expected, "{case}: {body:#}");
        assert!(body["data"].is_null(), "{case}: no data on an error: {body:#}");
        assert_eq!(counts().await, before, "{case}: (audit events, idempotency keys, change-log rows)");
    }
}
