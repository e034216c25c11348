//! Incident statistics: the ward police record monthly counts (`recordIncidentTally`), list what they
//! entered (`incidentTallies`) and compare a window of months with the year before
//! (`incidentComparison`); what the police read of the rest of the service; and the demo's figures.
//! Every role against every operation is in the permission matrix; here, the rules in detail.

mod comparison;
mod demo;
mod police;
mod record;
mod tallies;

use serde_json::{Value, json};

use crate::{
    drive::set_clock,
    helpers::{TestApp, create_group, create_user, create_ward, spawn_app},
};

/// Every field of `IncidentTally` but its timestamps.
pub const TALLY_FIELDS: &str = "id month category count version ward { id name }";

/// `recordIncidentTally` returning `TALLY_FIELDS`, with variable `input`.
pub fn record_mutation() -> String {
    format!(
        "mutation($input: RecordIncidentTallyInput!) {{ recordIncidentTally(input: $input) {{ {TALLY_FIELDS} }} }}"
    )
}

/// `incidentComparison` with every field, with variables `wardId`, `from`, `to`.
pub const COMPARISON: &str = "query($wardId: ID!, $from: String!, $to: String!) {
    incidentComparison(wardId: $wardId, from: $from, to: $to) {
        category count previousCount change changePercent monthsReported previousMonthsReported months complete
    }
}";

/// The festival day of the case, 11 August 2023, at noon in Vietnam: the tests' today.
pub const FESTIVAL_NOON: &str = "2023-08-11T05:00:00Z";

/// Ward A "Phường Lam Sơn" (groups 11 and 12) and ward B "Phường Ba Đình" (group 21); `police.a` and
/// `official.a` of ward A, `police.b` of ward B, `leader.11` of group 11, each signed in; today is the
/// festival day.
pub struct Wards {
    pub app: TestApp,
    pub ward_a: String,
    pub ward_b: String,
    pub group_11: String,
    pub police: String,
    pub official: String,
    pub police_b: String,
    pub leader: String,
}

impl Wards {
    pub async fn build() -> Self {
        let app = spawn_app().await;
        set_clock(&app, FESTIVAL_NOON);
        let ward_a = create_ward(&app, "WA", "Phường Lam Sơn").await;
        let ward_b = create_ward(&app, "WB", "Phường Ba Đình").await;
        let group_11 = create_group(&app, &ward_a, "11").await;
        create_group(&app, &ward_a, "12").await;
        create_group(&app, &ward_b, "21").await;
        let police = app.user_with_role("police.a", "WARD_POLICE", Some(&ward_a), None).await;
        let official = app.user_with_role("official.a", "WARD_OFFICIAL", Some(&ward_a), None).await;
        let police_b = app.user_with_role("police.b", "WARD_POLICE", Some(&ward_b), None).await;
        let leader = app.user_with_role("leader.11", "GROUP_LEADER", None, Some(&group_11)).await;
        Self { app, ward_a, ward_b, group_11, police, official, police_b, leader }
    }

    /// Sends `recordIncidentTally` with `input` as `token`; the whole body.
    pub async fn record(&self, token: &str, input: Value) -> Value {
        self.app.gql_with(Some(token), &record_mutation(), json!({ "input": input })).await
    }

    /// Records `count` for `month` and `category` in `ward` as `token`, asserting success; the tally.
    pub async fn set(&self, token: &str, ward: &str, month: &str, category: &str, count: i64) -> Value {
        let body = self
            .record(token, json!({ "wardId": ward, "month": month, "category": category, "count": count }))
            .await;
        assert!(body.get("errors").is_none(), "{month} {category}: {body:#}");
        body["data"]["recordIncidentTally"].clone()
    }

    /// `incidentComparison` of `ward` over `from`–`to` as `token`; the whole body.
    pub async fn compare(&self, token: &str, ward: &str, from: &str, to: &str) -> Value {
        self.app.gql_with(Some(token), COMPARISON, json!({ "wardId": ward, "from": from, "to": to })).await
    }

    /// Creates a user with these role assignments and signs them in.
    pub async fn user(&self, username: &str, assignments: Value) -> String {
        create_user(&self.app, username, username, assignments).await;
        self.app.login(username, crate::helpers::TEST_PASSWORD).await
    }
}

/// The row of `category` in a comparison answer.
pub fn row<'a>(body: &'a Value, category: &str) -> &'a Value {
    body["data"]["incidentComparison"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["category"] == category))
        .unwrap_or_else(|| panic!("no {category} row in {body:#}"))
}
