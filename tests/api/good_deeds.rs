//! Good deeds: `recordGoodDeed` and every rule with its code and field. `idempotency` covers retries
//! (sequential and concurrent), `verification` covers `verifyGoodDeed`, `listing` covers `goodDeeds`.
//! `world` holds what the deed tests add to the shared world (`crate::world`).

mod idempotency;
mod listing;
mod report;
mod verification;
mod world;

use chrono::Duration;
use pledge_api::domain::campaign::GoodDeedStatus;
use sea_orm::ActiveEnum;
use serde_json::{Value, json};

pub use world::{
    CATEGORIES, DEED_FIELDS, assert_refused, deed_input, open_campaign, open_campaign_for, pledge_input,
    record_deed, record_mutation, recorded_deed,
};

use crate::{
    helpers::{TEST_PASSWORD, error_field, unknown_id},
    world::{LEADER_NAME, OFFICIAL_NAME, Rows, World, vietnam_today},
};

/// The deed as `recordGoodDeed` must answer it, without the server-made `id`, `recordedAt`, `updatedAt`.
fn expected_deed(world: &World, input: &Value, household_code: Option<&str>) -> Value {
    let group_code = if input["groupId"] == json!(world.group_id) { "1" } else { "2" };
    json!({
        "group": { "id": input["groupId"], "code": group_code },
        "household": household_code.map(|code| json!({ "id": input["householdId"], "code": code })),
        "category": input["category"], "occurredOn": input["occurredOn"], "description": input["description"],
        "status": "REPORTED", "recordedBy": { "userId": world.leader_id, "displayName": LEADER_NAME },
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
    let world = World::build().await;
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
    assert_eq!(after.keys.len(), CATEGORIES.len());
    assert_eq!(after.snapshot.changes.len(), before.snapshot.changes.len() + CATEGORIES.len());
    assert_eq!(after.snapshot.audit_events.len(), before.snapshot.audit_events.len() + CATEGORIES.len());
    for (id, input, household) in &sent {
        let stored = after.deed(id);
        assert_eq!(stored.group_id.to_string(), world.group_id);
        assert_eq!(stored.household_id.map(|h| h.to_string()).as_deref(), *household);
        assert_eq!(json!(stored.category.to_value()), input["category"]);
        assert_eq!(json!(stored.occurred_on.to_string()), input["occurredOn"]);
        assert_eq!(json!(stored.description), input["description"]);
        assert_eq!(stored.status, GoodDeedStatus::Reported);
        assert_eq!(stored.recorded_by.map(|u| u.to_string()), Some(world.leader_id.clone()));
        assert_eq!(
            (stored.verified_by, stored.verified_at, stored.verification_note.clone()),
            (None, None, None)
        );
        assert_eq!(json!(stored.client_mutation_id.to_string()), input["clientMutationId"]);
        let key = after
            .keys
            .iter()
            .find(|k| json!(k.id.to_string()) == input["clientMutationId"])
            .expect("the idempotency key is stored");
        assert_eq!((key.kind.as_str(), key.target_id), ("good_deed", stored.id));
    }
}

#[tokio::test]
async fn the_description_is_stored_trimmed_and_may_have_2000_characters_of_any_script() {
    // Arrange
    let world = World::build().await;
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
    let world = World::build().await;
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
    let world = World::build().await;
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
async fn an_occurred_on_that_is_not_an_iso_date_is_bad_user_input_on_occurred_on() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;

    for day in ["19/05/2024", "2024-02-30", "2024-5-1x", ""] {
        let mut input = deed_input(&world.group_id, None, "PATROL", "Tuần tra");
        input["occurredOn"] = json!(day);
        let before = Rows::take(app).await;

        // Act
        let body = record_deed(app, &world.leader_token, &input).await;

        // Assert
        assert_refused(&body, "BAD_USER_INPUT", Some("occurredOn"), &before, &Rows::take(app).await, day);
    }
}

#[tokio::test]
async fn whether_a_day_is_in_the_future_follows_the_servers_clock() {
    // Arrange: two days ahead is in the future now, and no longer once the server's clock moved on.
    let world = World::build().await;
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
    let world = World::build().await;
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
    let world = World::build().await;
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
    let world = World::build().await;
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
    let world = World::build().await;
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
    let world = World::build().await;
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
