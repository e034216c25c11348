//! What the good-deed tests add to the shared world: the deed fields, categories and inputs, recording
//! a deed, and a refusal that must leave every row as it was.

use chrono::NaiveDate;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    drive,
    helpers::{TestApp, unknown_id},
    world::{self, Rows, open_campaign_around_today},
};

/// Every field of a `GoodDeed`.
pub const DEED_FIELDS: &str = "id group { id code } household { id code } category occurredOn description
    status recordedBy { userId displayName } recordedAt verifiedBy { userId displayName } verifiedAt
    verificationNote clientMutationId updatedAt";

/// `recordGoodDeed` returning every field.
pub fn record_mutation() -> String {
    format!("mutation($input: RecordGoodDeedInput!) {{ recordGoodDeed(input: $input) {{ {DEED_FIELDS} }} }}")
}

/// Every good-deed category, in the order the API lists them.
pub const CATEGORIES: [&str; 9] = [
    "CRIME_REPORT",
    "FIRE_PREVENTION",
    "LOST_PROPERTY_RETURNED",
    "DISPUTE_MEDIATION",
    "REINTEGRATION_SUPPORT",
    "TRAFFIC_SAFETY",
    "PATROL",
    "DRUG_PREVENTION",
    "OTHER",
];

/// A day safely in the past.
pub const PAST_DAY: &str = "2024-05-19";

/// A valid `RecordGoodDeedInput` with a fresh `clientMutationId`.
pub fn deed_input(group_id: &str, household_id: Option<&str>, category: &str, description: &str) -> Value {
    json!({
        "clientMutationId": Uuid::now_v7().to_string(), "groupId": group_id, "householdId": household_id,
        "category": category, "occurredOn": PAST_DAY, "description": description
    })
}

/// Sends `recordGoodDeed` with `token` and returns the whole body.
pub async fn record_deed(app: &TestApp, token: &str, input: &Value) -> Value {
    app.gql_with(Some(token), &record_mutation(), json!({ "input": input })).await
}

/// Records a deed with `token`, asserting success, and returns it.
pub async fn recorded_deed(app: &TestApp, token: &str, input: &Value) -> Value {
    let body = record_deed(app, token, input).await;
    assert!(body.get("errors").is_none(), "recordGoodDeed failed: {body:#}");
    body["data"]["recordGoodDeed"].clone()
}

/// Asserts an error with `code` (and `field`, when given), no data, and no row written.
#[track_caller]
pub fn assert_refused(
    body: &Value,
    code: &str,
    field: Option<&str>,
    before: &Rows,
    after: &Rows,
    case: &str,
) {
    world::assert_refused(body, code, field, case);
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "{case}: one error: {body:#}");
    assert!(before == after, "{case}: the database changed: {:?}", before.changed_tables(after));
}

/// Creates a campaign for `ward_id` whose window holds the last and the next 30 days, opens it, and
/// returns its id.
pub async fn open_campaign(app: &TestApp, ward_id: &str) -> String {
    open_campaign_for(app, Some(ward_id)).await
}

/// Like `open_campaign`; `None` makes a campaign for every ward.
pub async fn open_campaign_for(app: &TestApp, ward_id: Option<&str>) -> String {
    open_campaign_around_today(app, "Toàn dân bảo vệ an ninh Tổ quốc", ward_id, 30).await
}

/// A valid `RecordPledgeInput` signed `day`, with a fresh `clientMutationId`.
pub fn pledge_input(household_id: &str, campaign_id: &str, day: NaiveDate) -> Value {
    let mut input = drive::pledge_input(&unknown_id(), household_id, campaign_id);
    input["signedOn"] = json!(day.to_string());
    input
}
