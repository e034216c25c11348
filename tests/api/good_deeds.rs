//! Good deeds: `recordGoodDeed` (every rule with its code and field, idempotency, concurrent
//! retries). `verification` covers `verifyGoodDeed`, `listing` covers `goodDeeds`. The fixtures here
//! (a ward with two groups and their people, the rows of every table) serve the feed and audit tests too.

mod listing;
mod verification;

use std::sync::Arc;

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
    error_field, spawn_app, unknown_id,
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

/// The deed as `recordGoodDeed` must answer it, without the server-made `id`, `recordedAt`, `updatedAt`.
fn expected_deed(world: &DeedWorld, input: &Value, household_code: Option<&str>) -> Value {
    let group_code = if input["groupId"] == json!(world.group_id) { "1" } else { "2" };
    json!({
        "group": { "id": input["groupId"], "code": group_code },
        "household": household_code.map(|code| json!({ "id": input["householdId"], "code": code })),
        "category": input["category"], "occurredOn": input["occurredOn"], "description": input["description"],
        "status": "REPORTED", "recordedBy": { "id": world.leader_id, "displayName": LEADER_NAME },
        "verifiedBy": null, "verifiedAt": null, "verificationNote": null,
        "clientMutationId": input["clientMutationId"],
    })
}

/// Splits the server-made fields off a deed: (the rest, id, recordedAt, updatedAt).
pub fn split_server_fields(deed: &Value) -> (Value, String, String, String) {
    let mut rest = deed.clone();
    let object = rest.as_object_mut().expect("a deed object");
    let mut take = |name: &str| {
        object.remove(name).and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_else(|| panic!("no {name}"))
    };
    let (id, recorded_at, updated_at) = (take("id"), take("recordedAt"), take("updatedAt"));
    (rest, id, recorded_at, updated_at)
}

#[tokio::test]
async fn record_good_deed_stores_a_reported_deed_of_every_category_with_or_without_a_household() {
    // Arrange
    let world = DeedWorld::build().await;
    let app = &world.app;
    let before = Rows::take(app).await;
    let started = chrono::Utc::now();
    let mut sent = Vec::new();

    for (n, category) in CATEGORIES.into_iter().enumerate() {
        let household = (n % 2 == 0).then_some(world.household_id.as_str());
        let input = deed_input(&world.group_id, household, category, &format!("Việc tốt số {n}: {category}"));

        // Act
        let deed = recorded_deed(app, &world.leader_token, &input).await;

        // Assert
        let (rest, id, recorded_at, updated_at) = split_server_fields(&deed);
        assert_eq!(rest, expected_deed(&world, &input, household.map(|_| "H1")), "{category}");
        assert_eq!(recorded_at, updated_at, "{category}: a new deed was last changed when recorded");
        let recorded_at = chrono::DateTime::parse_from_rfc3339(&recorded_at).expect("RFC 3339");
        assert!(
            recorded_at >= started && recorded_at <= chrono::Utc::now(),
            "{category}: recordedAt {recorded_at}"
        );
        sent.push((id, input, household));
    }

    // Assert: exactly one deed, one idempotency key, one change and one audit event per call.
    let after = Rows::take(app).await;
    assert_eq!(after.good_deeds.len(), CATEGORIES.len());
    assert_eq!(after.client_mutations.len(), CATEGORIES.len());
    assert_eq!(after.snapshot.changes.len(), before.snapshot.changes.len() + CATEGORIES.len());
    assert_eq!(after.snapshot.audit_events.len(), before.snapshot.audit_events.len() + CATEGORIES.len());
    for (id, input, household) in &sent {
        let stored = after.deed(id);
        assert_eq!(stored.group_id.to_string(), world.group_id);
        assert_eq!(stored.household_id.map(|h| h.to_string()).as_deref(), *household);
        assert_eq!(json!(stored.category), input["category"]);
        assert_eq!(json!(stored.occurred_on.to_string()), input["occurredOn"]);
        assert_eq!(json!(stored.description), input["description"]);
        assert_eq!(stored.status, "REPORTED");
        assert_eq!(stored.recorded_by.map(|u| u.to_string()), Some(world.leader_id.clone()));
        assert_eq!(
            (stored.verified_by, stored.verified_at, stored.verification_note.clone()),
            (None, None, None)
        );
        assert_eq!(json!(stored.client_mutation_id.to_string()), input["clientMutationId"]);
        let key = after
            .client_mutations
            .iter()
            .find(|k| json!(k.id.to_string()) == input["clientMutationId"])
            .expect("the idempotency key is stored");
        assert_eq!((key.kind.as_str(), key.target_id), ("good_deed", stored.id));
    }
}

#[tokio::test]
async fn the_description_is_stored_trimmed_and_may_have_2000_characters_of_any_script() {
    // Arrange
    let world = DeedWorld::build().await;
    let longest: String = "ệ".repeat(2000);
    let input = deed_input(&world.group_id, None, "OTHER", &format!("  {longest}\n"));

    // Act
    let deed = recorded_deed(&world.app, &world.leader_token, &input).await;

    // Assert
    assert_eq!(deed["description"], json!(longest));
    let rows = Rows::take(&world.app).await;
    assert_eq!(rows.deed(deed["id"].as_str().expect("id")).description, longest);
}

#[tokio::test]
async fn an_empty_or_too_long_description_is_bad_user_input_on_description_and_records_nothing() {
    // Arrange
    let world = DeedWorld::build().await;
    let app = &world.app;
    let cases = [
        ("empty", String::new()),
        ("only spaces", "   \n\t ".to_owned()),
        ("2001 ASCII characters", "a".repeat(2001)),
        ("2001 Vietnamese characters", "ệ".repeat(2001)),
    ];

    for (case, description) in cases {
        let input = deed_input(&world.group_id, None, "PATROL", &description);
        let before = Rows::take(app).await;

        // Act
        let body = record_deed(app, &world.leader_token, &input).await;

        // Assert
        assert_refused(&body, "BAD_USER_INPUT", Some("description"), &before, &Rows::take(app).await, case);
    }
}

#[tokio::test]
async fn an_occurred_on_after_today_in_vietnam_is_bad_user_input_on_occurred_on() {
    // Arrange
    let world = DeedWorld::build().await;
    let app = &world.app;
    let today = vietnam_today(app);
    let mut tomorrow = deed_input(&world.group_id, None, "TRAFFIC_SAFETY", "Hướng dẫn học sinh qua đường");
    tomorrow["occurredOn"] = json!((today + Duration::days(1)).to_string());
    let mut on_today = deed_input(&world.group_id, None, "TRAFFIC_SAFETY", "Hướng dẫn học sinh qua đường");
    on_today["occurredOn"] = json!(today.to_string());
    let before = Rows::take(app).await;

    // Act
    let refused = record_deed(app, &world.leader_token, &tomorrow).await;
    let after_refusal = Rows::take(app).await;
    let accepted = record_deed(app, &world.leader_token, &on_today).await;

    // Assert
    assert_refused(&refused, "BAD_USER_INPUT", Some("occurredOn"), &before, &after_refusal, "tomorrow");
    assert!(accepted.get("errors").is_none(), "today is not in the future: {accepted:#}");
    assert_eq!(accepted["data"]["recordGoodDeed"]["occurredOn"], json!(today.to_string()));
}

#[tokio::test]
async fn whether_a_day_is_in_the_future_follows_the_servers_clock() {
    // Arrange: two days ahead is in the future now, and no longer once the server's clock moved on.
    let world = DeedWorld::build().await;
    let app = &world.app;
    let mut input = deed_input(&world.group_id, None, "FIRE_PREVENTION", "Dập đám cháy nhỏ ở chợ");
    input["occurredOn"] = json!((vietnam_today(app) + Duration::days(2)).to_string());
    let refused = record_deed(app, &world.leader_token, &input).await;
    assert_eq!(error_field(&refused), "occurredOn", "{refused:#}");

    // Act
    app.clock.advance(Duration::days(3));
    let token = app.login("leader.1", TEST_PASSWORD).await;
    let accepted = record_deed(app, &token, &input).await;

    // Assert
    assert!(accepted.get("errors").is_none(), "{accepted:#}");
    assert_eq!(Rows::take(app).await.good_deeds.len(), 1);
}

#[tokio::test]
async fn a_household_of_another_group_is_bad_user_input_on_household_id_and_records_nothing() {
    // Arrange: the official sees both groups of the ward, so only the pairing is wrong.
    let world = DeedWorld::build().await;
    let app = &world.app;
    let input = deed_input(&world.group_id, Some(&world.other_household_id), "DISPUTE_MEDIATION", "Hòa giải");
    let before = Rows::take(app).await;

    // Act
    let body = record_deed(app, &world.official_token, &input).await;

    // Assert
    assert_refused(
        &body,
        "BAD_USER_INPUT",
        Some("householdId"),
        &before,
        &Rows::take(app).await,
        "H2 in group 1",
    );
}

#[tokio::test]
async fn a_group_outside_the_callers_scope_is_not_found_exactly_like_a_missing_group() {
    // Arrange
    let world = DeedWorld::build().await;
    let app = &world.app;
    let cases = [
        ("leader, neighbouring group", &world.leader_token, &world.other_group_id),
        ("leader, group of another ward", &world.leader_token, &world.foreign_group_id),
        ("official, group of another ward", &world.official_token, &world.foreign_group_id),
    ];

    for (case, token, group_id) in cases {
        let before = Rows::take(app).await;

        // Act
        let out_of_scope =
            record_deed(app, token, &deed_input(group_id, None, "PATROL", "Tuần tra đêm")).await;
        let missing =
            record_deed(app, token, &deed_input(&unknown_id(), None, "PATROL", "Tuần tra đêm")).await;

        // Assert
        assert_refused(&out_of_scope, "NOT_FOUND", None, &before, &Rows::take(app).await, case);
        assert_eq!(out_of_scope, missing, "{case}: scope must not leak");
    }
}

#[tokio::test]
async fn a_household_outside_the_leaders_group_is_not_found_exactly_like_a_missing_household() {
    // Arrange
    let world = DeedWorld::build().await;
    let app = &world.app;
    let before = Rows::take(app).await;

    // Act
    let out_of_scope = record_deed(
        app,
        &world.leader_token,
        &deed_input(&world.group_id, Some(&world.other_household_id), "PATROL", "Tuần tra"),
    )
    .await;
    let missing = record_deed(
        app,
        &world.leader_token,
        &deed_input(&world.group_id, Some(&unknown_id()), "PATROL", "Tuần tra"),
    )
    .await;

    // Assert
    assert_refused(
        &out_of_scope,
        "NOT_FOUND",
        None,
        &before,
        &Rows::take(app).await,
        "H2 for the leader of 1",
    );
    assert_eq!(out_of_scope, missing);
}

#[tokio::test]
async fn a_malformed_id_is_bad_user_input_naming_its_field() {
    // Arrange
    let world = DeedWorld::build().await;
    let app = &world.app;

    for field in ["clientMutationId", "groupId", "householdId"] {
        let mut input = deed_input(&world.group_id, Some(&world.household_id), "OTHER", "Giúp hàng xóm");
        input[field] = json!("not-a-uuid");
        let before = Rows::take(app).await;

        // Act
        let body = record_deed(app, &world.leader_token, &input).await;

        // Assert
        assert_refused(&body, "BAD_USER_INPUT", Some(field), &before, &Rows::take(app).await, field);
    }
}

#[tokio::test]
async fn an_anonymous_caller_may_not_record_a_good_deed() {
    // Arrange
    let world = DeedWorld::build().await;
    let app = &world.app;
    let before = Rows::take(app).await;

    // Act
    let body = app
        .gql_with(
            None,
            &record_mutation(),
            json!({ "input": deed_input(&world.group_id, None, "OTHER", "x") }),
        )
        .await;

    // Assert
    assert_refused(&body, "UNAUTHENTICATED", None, &before, &Rows::take(app).await, "anonymous");
}

#[tokio::test]
async fn sending_the_same_client_mutation_id_and_payload_again_returns_the_same_deed_and_writes_nothing() {
    // Arrange
    let world = DeedWorld::build().await;
    let app = &world.app;
    let input =
        deed_input(&world.group_id, Some(&world.household_id), "LOST_PROPERTY_RETURNED", "Trả lại ví");
    let first = record_deed(app, &world.leader_token, &input).await;
    assert!(first.get("errors").is_none(), "{first:#}");
    let before = Rows::take(app).await;

    // Act: the phone never saw the answer and sends it again, once as the same leader, once after
    // signing in again.
    let again = record_deed(app, &world.leader_token, &input).await;
    let token = app.login("leader.1", TEST_PASSWORD).await;
    let before_third = Rows::take(app).await;
    let third = record_deed(app, &token, &input).await;

    // Assert
    assert_eq!(again, first);
    assert_eq!(third, first);
    let after = Rows::take(app).await;
    assert!(before.good_deeds == after.good_deeds && before.client_mutations == after.client_mutations);
    assert!(
        before_third == after,
        "a replay writes nothing: {:?}",
        before_third.snapshot.changed_tables(&after.snapshot)
    );
    assert_eq!(after.good_deeds.len(), 1);
}

#[tokio::test]
async fn the_same_client_mutation_id_with_a_different_payload_is_a_conflict_on_client_mutation_id() {
    // Arrange
    let world = DeedWorld::build().await;
    let app = &world.app;
    let input = deed_input(&world.group_id, Some(&world.household_id), "CRIME_REPORT", "Báo tin trộm xe máy");
    let original = recorded_deed(app, &world.official_token, &input).await;
    let changes: [(&str, Value); 5] = [
        ("category", json!("OTHER")),
        ("description", json!("Báo tin trộm xe đạp")),
        ("occurredOn", json!("2024-05-18")),
        ("householdId", Value::Null),
        ("groupId", json!(world.other_group_id)),
    ];

    for (field, value) in changes {
        let mut changed = input.clone();
        changed[field] = value;
        if field == "groupId" {
            changed["householdId"] = json!(world.other_household_id);
        }
        let before = Rows::take(app).await;

        // Act
        let body = record_deed(app, &world.official_token, &changed).await;

        // Assert
        assert_refused(&body, "CONFLICT", Some("clientMutationId"), &before, &Rows::take(app).await, field);
    }
    let rows = Rows::take(app).await;
    assert_eq!(rows.good_deeds.len(), 1);
    assert_eq!(rows.deed(original["id"].as_str().expect("id")).description, "Báo tin trộm xe máy");
}

#[tokio::test]
async fn a_client_mutation_id_already_used_for_a_pledge_is_a_conflict_for_a_good_deed() {
    // Arrange
    let world = DeedWorld::build().await;
    let app = &world.app;
    let campaign_id = crate::changes::open_campaign(app, &world.ward_id).await;
    let pledge = crate::changes::pledge_input(&world.household_id, &campaign_id, vietnam_today(app));
    crate::changes::recorded_pledge(app, &app.admin_token, &pledge).await;
    let mut input = deed_input(&world.group_id, None, "OTHER", "Dọn vệ sinh đường làng");
    input["clientMutationId"] = pledge["clientMutationId"].clone();
    let before = Rows::take(app).await;

    // Act
    let body = record_deed(app, &app.admin_token, &input).await;

    // Assert
    assert_refused(
        &body,
        "CONFLICT",
        Some("clientMutationId"),
        &before,
        &Rows::take(app).await,
        "pledge key",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_concurrent_sends_of_one_client_mutation_id_make_one_deed_and_identical_answers() {
    // Arrange
    let world = Arc::new(DeedWorld::build().await);
    let input = deed_input(&world.group_id, Some(&world.household_id), "DRUG_PREVENTION", "Tuyên truyền");
    let before = Rows::take(&world.app).await;

    // Act
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (world, input) = (world.clone(), input.clone());
        sends.spawn(async move { record_deed(&world.app, &world.leader_token, &input).await });
    }
    let answers = sends.join_all().await;

    // Assert
    let first = &answers[0];
    assert!(first.get("errors").is_none(), "{first:#}");
    for answer in &answers {
        assert_eq!(answer, first, "every send gets the same answer");
    }
    let after = Rows::take(&world.app).await;
    assert_eq!(after.good_deeds.len(), 1);
    assert_eq!(
        after.good_deeds[0].id.to_string(),
        first["data"]["recordGoodDeed"]["id"].as_str().expect("id")
    );
    assert_eq!(after.client_mutations.len(), 1);
    let events: Vec<_> = after.new_audit_events(&before).iter().map(|e| e.action.as_str()).collect();
    assert_eq!(events, ["good_deed.record"]);
    assert_eq!(after.snapshot.changes.len(), before.snapshot.changes.len() + 1);
}
