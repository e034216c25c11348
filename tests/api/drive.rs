//! The pledge drive as the tests arrange it: the day the tests live on (Vietnam's date, from the
//! server's injectable clock), campaigns and pledge inputs. The rows a call leaves are `world::Rows`.

use chrono::{DateTime, Utc};
use pledge_api::{auth::clock::Clock, entities::audit_event};
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// The day every pledge test lives on, in Vietnam.
pub const TODAY: &str = "2023-05-19";

/// Noon of `TODAY` in Vietnam (UTC+7), far from either end of the day.
pub const VIETNAM_NOON: &str = "2023-05-19T05:00:00Z";

/// Sets the server's clock to `utc` (RFC 3339); it runs on from there with the real clock. Tokens
/// issued before stay valid: an earlier time only moves their expiry further away.
pub fn set_clock(app: &TestApp, utc: &str) {
    let target: DateTime<Utc> = DateTime::parse_from_rfc3339(utc).expect("an RFC 3339 time").into();
    app.clock.advance(target - app.clock.now());
}

/// The title of the campaign of the demo.
pub const CAMPAIGN_TITLE: &str = "Toàn dân bảo vệ an ninh Tổ quốc năm 2023";

/// The commitments households sign, in order.
pub const PLEDGE_ITEMS: [&str; 4] = [
    "Giữ gìn an ninh trật tự, không để xảy ra tội phạm và tệ nạn xã hội trên địa bàn",
    "Tố giác tội phạm, báo tin hoạt động khả nghi cho công an phường",
    "Phòng cháy chữa cháy trong gia đình",
    "Chấp hành luật giao thông",
];

/// Every field of `Campaign`.
pub const CAMPAIGN_FIELDS: &str =
    "id year title startsOn endsOn status pledgeItems ward { id name } createdAt updatedAt";

/// Every field of `Pledge`, with the ids of what it points to.
pub const PLEDGE_FIELDS: &str = "id household { id code } campaign { id title } signerName signedOn note
    status withdrawnReason recordedBy { userId displayName } recordedAt clientMutationId updatedAt";

/// `createCampaign` returning `CAMPAIGN_FIELDS`, with variable `input`.
pub fn create_campaign_mutation() -> String {
    format!(
        "mutation($input: CreateCampaignInput!) {{ createCampaign(input: $input) {{ {CAMPAIGN_FIELDS} }} }}"
    )
}

/// `openCampaign` or `closeCampaign` (`operation`) returning `CAMPAIGN_FIELDS`, with variable `id`.
pub fn transition_mutation(operation: &str) -> String {
    format!("mutation($id: ID!) {{ {operation}(id: $id) {{ {CAMPAIGN_FIELDS} }} }}")
}

/// `recordPledge` returning `PLEDGE_FIELDS`, with variable `input`.
pub fn record_pledge_mutation() -> String {
    format!("mutation($input: RecordPledgeInput!) {{ recordPledge(input: $input) {{ {PLEDGE_FIELDS} }} }}")
}

/// `recordPledges` returning every field of each result, with variable `inputs`.
pub fn record_pledges_mutation() -> String {
    format!(
        "mutation($inputs: [RecordPledgeInput!]!) {{ recordPledges(inputs: $inputs) {{
            clientMutationId pledge {{ {PLEDGE_FIELDS} }} error {{ code message field existingPledgeId }}
        }} }}"
    )
}

/// A valid `CreateCampaignInput` for 2023 with the default window; `ward_id` none for every ward.
pub fn campaign_input(title: &str, ward_id: Option<&str>) -> Value {
    json!({ "year": 2023, "title": title, "pledgeItems": PLEDGE_ITEMS, "wardId": ward_id })
}

/// Creates a draft campaign for 2023 as `token`, asserting success; returns its id.
pub async fn create_campaign_as(app: &TestApp, token: &str, title: &str, ward_id: Option<&str>) -> String {
    let body = app
        .gql_with(
            Some(token),
            &create_campaign_mutation(),
            json!({ "input": campaign_input(title, ward_id) }),
        )
        .await;
    body["data"]["createCampaign"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("createCampaign {title} failed: {body:#}"))
        .to_owned()
}

/// Opens or closes (`operation`: `openCampaign`, `closeCampaign`) a campaign as the administrator.
pub async fn transition(app: &TestApp, operation: &str, id: &str) {
    app.gql_ok(&transition_mutation(operation), json!({ "id": id })).await;
}

/// A draft campaign for 2023 (1 November 2022 to 31 October 2023), made by the administrator.
pub async fn draft_campaign(app: &TestApp, title: &str, ward_id: Option<&str>) -> String {
    create_campaign_as(app, &app.admin_token, title, ward_id).await
}

/// An open campaign for 2023 (1 November 2022 to 31 October 2023), made and opened by the administrator.
pub async fn open_campaign(app: &TestApp, title: &str, ward_id: Option<&str>) -> String {
    let id = draft_campaign(app, title, ward_id).await;
    transition(app, "openCampaign", &id).await;
    id
}

/// A closed campaign for 2023.
pub async fn closed_campaign(app: &TestApp, title: &str, ward_id: Option<&str>) -> String {
    let id = open_campaign(app, title, ward_id).await;
    transition(app, "closeCampaign", &id).await;
    id
}

/// A valid `RecordPledgeInput`: signed today by "Nguyễn Văn An", without a note.
pub fn pledge_input(client_mutation_id: &str, household_id: &str, campaign_id: &str) -> Value {
    json!({
        "clientMutationId": client_mutation_id, "householdId": household_id, "campaignId": campaign_id,
        "signerName": "Nguyễn Văn An", "signedOn": TODAY
    })
}

/// Sends `recordPledge` as `token` and returns the whole body.
pub async fn record_pledge(app: &TestApp, token: &str, input: &Value) -> Value {
    app.gql_with(Some(token), &record_pledge_mutation(), json!({ "input": input })).await
}

/// Records a pledge as `token`, asserting success; returns the pledge.
pub async fn recorded(app: &TestApp, token: &str, input: &Value) -> Value {
    let body = record_pledge(app, token, input).await;
    assert!(body.get("errors").is_none(), "recordPledge failed: {body:#}");
    body["data"]["recordPledge"].clone()
}

/// The `id` of a JSON object, as text.
pub fn id_of(value: &Value) -> String {
    value["id"].as_str().unwrap_or_else(|| panic!("no id in {value:#}")).to_owned()
}

/// The summary of an audit event, as JSON.
pub fn summary(event: &audit_event::Model) -> Value {
    serde_json::from_str(&event.summary).expect("a JSON summary")
}

/// A time the API returned, parsed.
pub fn instant(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap_or_else(|| panic!("no time in {value}")))
        .expect("RFC 3339")
        .into()
}
