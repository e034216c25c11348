//! The world the tests of issue 4 run in: two wards, three groups, a household in each, a leader, two
//! officials; the campaign, pledge and good-deed fixtures; and `Rows`, every row a request may write.

use chrono::{Duration, NaiveDate};
use pledge_api::{
    auth::clock::Clock,
    domain::campaign::local_today,
    entities::{campaign, client_mutation, good_deed, pledge},
};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    Snapshot, TEST_PASSWORD, TestApp, create_group, create_household, create_user, create_ward, error_code,
    error_field, spawn_app,
};

/// Every field of a `GoodDeed`.
pub const DEED_FIELDS: &str = "id group { id code } household { id code } category occurredOn description
    status recordedBy { id displayName } recordedAt verifiedBy { id displayName } verifiedAt
    verificationNote clientMutationId updatedAt";

/// `recordGoodDeed` returning every field.
pub fn record_mutation() -> String {
    format!("mutation($input: RecordGoodDeedInput!) {{ recordGoodDeed(input: $input) {{ {DEED_FIELDS} }} }}")
}

/// Every category of DESIGN.md §2, in its order.
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

/// Ward W1 ("Phường Lam Sơn", groups 1 and 2 with households H1 and H2), ward W2 (group 21, household
/// H21), and a leader of group 1, an official of W1 and an official of W2, each signed in.
pub struct DeedWorld {
    pub app: TestApp,
    pub ward_id: String,
    pub group_id: String,
    pub other_group_id: String,
    pub foreign_ward_id: String,
    pub foreign_group_id: String,
    /// H1, in group 1.
    pub household_id: String,
    /// H2, in group 2.
    pub other_household_id: String,
    /// H21, in group 21 of W2.
    pub foreign_household_id: String,
    pub leader_id: String,
    pub leader_token: String,
    pub official_id: String,
    pub official_token: String,
    pub foreign_official_token: String,
}

pub const LEADER_NAME: &str = "Tổ trưởng tổ 1";
pub const OFFICIAL_NAME: &str = "Cán bộ phường Lam Sơn";

impl DeedWorld {
    pub async fn build() -> Self {
        Self::build_on(spawn_app().await).await
    }

    pub async fn build_on(app: TestApp) -> Self {
        let ward_id = create_ward(&app, "W1", "Phường Lam Sơn").await;
        let group_id = create_group(&app, &ward_id, "1").await;
        let other_group_id = create_group(&app, &ward_id, "2").await;
        let foreign_ward_id = create_ward(&app, "W2", "Phường Ba Đình").await;
        let foreign_group_id = create_group(&app, &foreign_ward_id, "21").await;
        let household_id = create_household(&app, &group_id, "H1", "Nguyễn Văn An").await;
        let other_household_id = create_household(&app, &other_group_id, "H2", "Trần Thị Bình").await;
        let foreign_household_id = create_household(&app, &foreign_group_id, "H21", "Lê Văn Cường").await;
        let leader_id = create_user(
            &app,
            "leader.1",
            LEADER_NAME,
            json!([{ "role": "GROUP_LEADER", "groupId": group_id }]),
        )
        .await;
        let official_id = create_user(
            &app,
            "official.w1",
            OFFICIAL_NAME,
            json!([{ "role": "WARD_OFFICIAL", "wardId": ward_id }]),
        )
        .await;
        create_user(
            &app,
            "official.w2",
            "Cán bộ phường Ba Đình",
            json!([{ "role": "WARD_OFFICIAL", "wardId": foreign_ward_id }]),
        )
        .await;
        let leader_token = app.login("leader.1", TEST_PASSWORD).await;
        let official_token = app.login("official.w1", TEST_PASSWORD).await;
        let foreign_official_token = app.login("official.w2", TEST_PASSWORD).await;
        Self {
            app,
            ward_id,
            group_id,
            other_group_id,
            foreign_ward_id,
            foreign_group_id,
            household_id,
            other_household_id,
            foreign_household_id,
            leader_id,
            leader_token,
            official_id,
            official_token,
            foreign_official_token,
        }
    }
}

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

/// Today in Vietnam by the server's clock.
pub fn vietnam_today(app: &TestApp) -> NaiveDate {
    local_today(app.clock.now())
}

/// Every row of every table a request may write: the helpers' `Snapshot` plus the tables of issue 4.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    pub snapshot: Snapshot,
    pub campaigns: Vec<campaign::Model>,
    pub pledges: Vec<pledge::Model>,
    pub good_deeds: Vec<good_deed::Model>,
    pub client_mutations: Vec<client_mutation::Model>,
}

impl Rows {
    pub async fn take(app: &TestApp) -> Self {
        Self {
            snapshot: Snapshot::take(app).await,
            campaigns: campaign::Entity::find()
                .order_by_asc(campaign::Column::Id)
                .all(&app.db)
                .await
                .expect("campaigns"),
            pledges: pledge::Entity::find()
                .order_by_asc(pledge::Column::Id)
                .all(&app.db)
                .await
                .expect("pledges"),
            good_deeds: good_deed::Entity::find()
                .order_by_asc(good_deed::Column::Id)
                .all(&app.db)
                .await
                .expect("good deeds"),
            client_mutations: client_mutation::Entity::find()
                .order_by_asc(client_mutation::Column::Id)
                .all(&app.db)
                .await
                .expect("client mutations"),
        }
    }

    /// The good deed with `id`.
    pub fn deed(&self, id: &str) -> &good_deed::Model {
        self.good_deeds
            .iter()
            .find(|d| d.id.to_string() == id)
            .unwrap_or_else(|| panic!("no good deed {id} in {:#?}", self.good_deeds))
    }

    /// The audit events not in `earlier`, oldest first.
    pub fn new_audit_events(&self, earlier: &Self) -> Vec<&pledge_api::entities::audit_event::Model> {
        self.snapshot.audit_events.iter().filter(|e| !earlier.snapshot.audit_events.contains(e)).collect()
    }
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
    assert_eq!(error_code(body), code, "{case}: {body:#}");
    if let Some(field) = field {
        assert_eq!(error_field(body), field, "{case}: {body:#}");
    }
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "{case}: one error: {body:#}");
    assert!(body["data"].is_null(), "{case}: no data on an error: {body:#}");
    assert!(
        before == after,
        "{case}: the database changed: {:?}",
        before.snapshot.changed_tables(&after.snapshot)
    );
}

/// Creates a campaign for `ward_id` whose window holds the last and the next 30 days, opens it, and
/// returns its id.
pub async fn open_campaign(app: &TestApp, ward_id: &str) -> String {
    open_campaign_for(app, Some(ward_id)).await
}

/// Like `open_campaign`; `None` makes a campaign for every ward.
pub async fn open_campaign_for(app: &TestApp, ward_id: Option<&str>) -> String {
    let today = vietnam_today(app);
    let data = app
        .gql_ok(
            "mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }",
            json!({ "input": {
                "year": chrono::Datelike::year(&today), "title": "Toàn dân bảo vệ an ninh Tổ quốc",
                "startsOn": (today - Duration::days(30)).to_string(), "endsOn": (today + Duration::days(30)).to_string(),
                "pledgeItems": ["Giữ gìn an ninh trật tự khu dân cư", "Không sử dụng ma túy"], "wardId": ward_id
            } }),
        )
        .await;
    let id = data["createCampaign"]["id"].as_str().expect("campaign id").to_owned();
    app.gql_ok("mutation($id: ID!) { openCampaign(id: $id) { status } }", json!({ "id": id })).await;
    id
}

/// A valid `RecordPledgeInput` signed `today`, with a fresh `clientMutationId`.
pub fn pledge_input(household_id: &str, campaign_id: &str, today: NaiveDate) -> Value {
    json!({
        "clientMutationId": Uuid::now_v7().to_string(), "householdId": household_id, "campaignId": campaign_id,
        "signerName": "Nguyễn Văn An", "signedOn": today.to_string()
    })
}

/// Records a pledge with `token`, asserting success, and returns it (`id status`).
pub async fn recorded_pledge(app: &TestApp, token: &str, input: &Value) -> Value {
    let body = app
        .gql_with(
            Some(token),
            "mutation($input: RecordPledgeInput!) { recordPledge(input: $input) { id status } }",
            json!({ "input": input }),
        )
        .await;
    assert!(body.get("errors").is_none(), "recordPledge failed: {body:#}");
    body["data"]["recordPledge"].clone()
}
