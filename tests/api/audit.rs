//! The audit trail: every mutation that succeeds writes exactly one event naming its action, actor and
//! target (a batch, one per item), a mutation that fails writes none, and no summary holds a phone
//! number, a password or a token. `reading` covers `auditEvents`: who sees what, filters and paging.

mod actions;
mod reading;

use pledge_api::entities::audit_event;
use serde_json::{Value, json};

use crate::{
    good_deeds::{deed_input, open_campaign, pledge_input},
    helpers::{TEST_PASSWORD, TestApp, error_code, login_session},
    world::{Rows, World, vietnam_today},
};

/// Runs a mutation that must succeed; returns its data and the audit events it wrote, oldest first.
async fn audited_all(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> (Value, Vec<audit_event::Model>) {
    let before = Rows::take(app).await;
    let body = app.gql_with(token, query, variables).await;
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    let after = Rows::take(app).await;
    let mut events: Vec<audit_event::Model> =
        after.audit_events_since(&before).into_iter().cloned().collect();
    events.sort_by_key(|e| e.id);
    (body["data"].clone(), events)
}

/// Like `audited_all`, asserting exactly one event and returning it.
async fn audited(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> (Value, audit_event::Model) {
    let (data, mut events) = audited_all(app, token, query, variables).await;
    assert_eq!(events.len(), 1, "exactly one audit event for {query}: {events:#?}");
    (data, events.remove(0))
}

/// (action, actor id, target type, target id, ward id) of an event.
fn event_of(event: &audit_event::Model) -> (String, String, String, String, Option<String>) {
    (
        event.action.clone(),
        event.actor_id.map(|a| a.to_string()).unwrap_or_default(),
        event.target_type.clone(),
        event.target_id.map(|t| t.to_string()).unwrap_or_default(),
        event.ward_id.map(|w| w.to_string()),
    )
}

fn expected(
    action: &str,
    actor: &str,
    target_type: &str,
    target: &Value,
    ward: Option<&str>,
) -> (String, String, String, String, Option<String>) {
    let target = target.as_str().unwrap_or_else(|| panic!("no target id: {target}"));
    (action.into(), actor.into(), target_type.into(), target.into(), ward.map(str::to_owned))
}

fn summary(event: &audit_event::Model) -> Value {
    serde_json::from_str(&event.summary).expect("a JSON summary")
}

#[tokio::test]
async fn a_mutation_that_fails_or_changes_nothing_leaves_no_audit_event() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;
    let today = vietnam_today(app);
    let draft = app
        .gql_ok(
            "mutation($w: ID!) { createCampaign(input: { year: 2026, title: \"Bản nháp\", pledgeItems: [\"Một\"], wardId: $w }) { id } }",
            json!({ "w": world.ward_id }),
        )
        .await["createCampaign"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let open = open_campaign(app, &world.ward_id).await;
    let pledge = pledge_input(&world.household_id, &open, today);
    let pledge_id = crate::drive::recorded(app, &world.leader_token, &pledge).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    app.gql_ok("mutation($id: ID!) { withdrawPledge(id: $id) { id } }", json!({ "id": pledge_id })).await;
    let deed = deed_input(&world.group_id, None, "PATROL", "Tuần tra");
    let deed_id = crate::good_deeds::recorded_deed(app, &world.leader_token, &deed).await["id"].clone();
    app.gql_ok(
        "mutation($id: ID!) { verifyGoodDeed(id: $id, approve: true) { id } }",
        json!({ "id": deed_id }),
    )
    .await;
    let mut future_deed = deed_input(&world.group_id, None, "PATROL", "Tuần tra");
    future_deed["occurredOn"] = json!((today + chrono::Duration::days(1)).to_string());
    let (_, refresh) = login_session(app, "leader.1", TEST_PASSWORD).await;
    let leader = world.leader_token.as_str();
    let official = world.official_token.as_str();
    let admin = app.admin_token.as_str();
    let cases: Vec<(&str, Option<&str>, &str, Value, &str)> = vec![
        (
            "duplicate ward code",
            Some(admin),
            "mutation { createWard(input: { code: \"W1\", name: \"Trùng\", province: \"Thanh Hóa\" }) { id } }",
            json!({}),
            "CONFLICT",
        ),
        (
            "leader creates a group",
            Some(leader),
            "mutation($w: ID!) { createGroup(input: { wardId: $w, code: \"9\", name: \"Tổ 9\" }) { id } }",
            json!({ "w": world.ward_id }),
            "FORBIDDEN",
        ),
        (
            "household outside scope",
            Some(leader),
            "mutation($g: ID!) { createHousehold(input: { groupId: $g, code: \"Z\", headName: \"Z\", address: \"Z\", memberCount: 1 }) { id } }",
            json!({ "g": world.other_group_id }),
            "NOT_FOUND",
        ),
        (
            "malformed phone",
            Some(leader),
            "mutation($g: ID!) { createHousehold(input: { groupId: $g, code: \"Z\", headName: \"Z\", address: \"Z\", memberCount: 1, phone: \"12\" }) { id } }",
            json!({ "g": world.group_id }),
            "BAD_USER_INPUT",
        ),
        (
            "stale version",
            Some(leader),
            "mutation($id: ID!) { updateHousehold(id: $id, expectedVersion: 7, input: { memberCount: 2 }) { id } }",
            json!({ "id": world.household_id }),
            "CONFLICT",
        ),
        (
            "stale version of a status",
            Some(leader),
            "mutation($id: ID!) { setHouseholdStatus(id: $id, expectedVersion: 7, status: DISSOLVED) { id } }",
            json!({ "id": world.household_id }),
            "CONFLICT",
        ),
        (
            "leader creates a user",
            Some(leader),
            "mutation($g: ID!) { createUser(input: { username: \"x.y\", displayName: \"X\", password: \"test-password-123\", roleAssignments: [{ role: GROUP_LEADER, groupId: $g }] }) { id } }",
            json!({ "g": world.group_id }),
            "FORBIDDEN",
        ),
        (
            "leader deactivates someone",
            Some(leader),
            "mutation($id: ID!) { setUserActive(id: $id, active: false) { id } }",
            json!({ "id": world.official_id }),
            "FORBIDDEN",
        ),
        (
            "wrong password",
            None,
            "mutation { login(input: { username: \"leader.1\", password: \"wrong-password-000\" }) { accessToken } }",
            json!({}),
            "UNAUTHENTICATED",
        ),
        (
            "unknown refresh token",
            None,
            "mutation { refreshSession(refreshToken: \"no-such-token\") { accessToken } }",
            json!({}),
            "UNAUTHENTICATED",
        ),
        (
            "wrong current password",
            Some(leader),
            "mutation { changePassword(currentPassword: \"wrong-password-000\", newPassword: \"another-password-456\") { accessToken } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
        (
            "leader creates a campaign",
            Some(leader),
            "mutation($w: ID!) { createCampaign(input: { year: 2026, title: \"T\", pledgeItems: [\"Một\"], wardId: $w }) { id } }",
            json!({ "w": world.ward_id }),
            "FORBIDDEN",
        ),
        (
            "open an open campaign",
            Some(official),
            "mutation($id: ID!) { openCampaign(id: $id) { id } }",
            json!({ "id": open }),
            "CONFLICT",
        ),
        (
            "close a draft",
            Some(official),
            "mutation($id: ID!) { closeCampaign(id: $id) { id } }",
            json!({ "id": draft }),
            "CONFLICT",
        ),
        (
            "pledge for a draft",
            Some(leader),
            "mutation($input: RecordPledgeInput!) { recordPledge(input: $input) { id } }",
            json!({ "input": pledge_input(&world.household_id, &draft, today) }),
            "CONFLICT",
        ),
        (
            "withdraw a withdrawn pledge",
            Some(leader),
            "mutation($id: ID!) { withdrawPledge(id: $id) { id } }",
            json!({ "id": pledge_id }),
            "CONFLICT",
        ),
        (
            "deed in the future",
            Some(leader),
            "mutation($input: RecordGoodDeedInput!) { recordGoodDeed(input: $input) { id } }",
            json!({ "input": future_deed }),
            "BAD_USER_INPUT",
        ),
        (
            "leader verifies",
            Some(leader),
            "mutation($id: ID!) { verifyGoodDeed(id: $id, approve: true) { id } }",
            json!({ "id": deed_id }),
            "FORBIDDEN",
        ),
        (
            "verify twice",
            Some(official),
            "mutation($id: ID!) { verifyGoodDeed(id: $id, approve: false) { id } }",
            json!({ "id": deed_id }),
            "CONFLICT",
        ),
    ];

    for (case, token, query, variables, code) in cases {
        let before = Rows::take(app).await;

        // Act
        let body = app.gql_with(token, query, variables).await;

        // Assert
        assert_eq!(error_code(&body), code, "{case}: {body:#}");
        let after = Rows::take(app).await;
        assert_eq!(after.snapshot.audit_events, before.snapshot.audit_events, "{case}");
        assert!(after == before, "{case}: {:?}", before.snapshot.changed_tables(&after.snapshot));
    }

    // Requests that succeed without changing anything: replays, and logging out someone else's session.
    let replays: [(&str, &str, Value); 3] = [
        (
            "deed replay",
            "mutation($input: RecordGoodDeedInput!) { recordGoodDeed(input: $input) { id } }",
            json!({ "input": deed }),
        ),
        (
            "pledge replay",
            "mutation($input: RecordPledgeInput!) { recordPledge(input: $input) { id } }",
            json!({ "input": pledge }),
        ),
        (
            "logout of another's session",
            "mutation($t: String!) { logout(refreshToken: $t) }",
            json!({ "t": refresh }),
        ),
    ];
    for (case, query, variables) in replays {
        let before = Rows::take(app).await;
        let token = if case.starts_with("logout") { official } else { leader };
        let body = app.gql_with(Some(token), query, variables).await;
        assert!(body.get("errors").is_none(), "{case}: {body:#}");
        let after = Rows::take(app).await;
        assert!(after == before, "{case}: {:?}", before.snapshot.changed_tables(&after.snapshot));
    }
}

#[tokio::test]
async fn a_reused_refresh_token_is_audited_although_the_request_fails_because_it_revokes_the_family() {
    // Arrange
    let world = World::build().await;
    let app = &world.app;
    let (_, refresh) = login_session(app, "leader.1", TEST_PASSWORD).await;
    app.gql_with(
        None,
        "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }",
        json!({ "t": refresh }),
    )
    .await;
    let before = Rows::take(app).await;

    // Act
    let body = app
        .gql_with(
            None,
            "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }",
            json!({ "t": refresh }),
        )
        .await;

    // Assert
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    let after = Rows::take(app).await;
    let events: Vec<_> = after.audit_events_since(&before).into_iter().map(event_of).collect();
    assert_eq!(
        events,
        [(
            "session.refresh_token_reused".to_owned(),
            String::new(),
            "user".to_owned(),
            world.leader_id.clone(),
            Some(world.ward_id.clone())
        )]
    );
}

#[tokio::test]
async fn no_audit_event_holds_a_phone_number_a_password_or_a_token() {
    // Arrange: a phone written, changed and cleared; a user created with a password, signed in,
    // refreshed, given a new password, signed out.
    let world = World::build().await;
    let app = &world.app;
    let created = app
        .gql_ok(
            "mutation($g: ID!) { createHousehold(input: {
                groupId: $g, code: \"P1\", headName: \"Hộ có điện thoại\", address: \"Số 5\", memberCount: 2, phone: \"0912 345 678\"
            }) { id } }",
            json!({ "g": world.group_id }),
        )
        .await;
    let id = created["createHousehold"]["id"].clone();
    for (version, phone) in [(1, json!("0987 654 321")), (2, Value::Null)] {
        app.gql_ok(
            "mutation($id: ID!, $v: Int!, $p: String) { updateHousehold(id: $id, expectedVersion: $v, input: { phone: $p }) { id } }",
            json!({ "id": id, "v": version, "p": phone }),
        )
        .await;
    }
    let first_password = "first-secret-password-1";
    let second_password = "second-secret-password-2";
    let user_password = "created-user-secret-3";
    app.gql_ok(
        "mutation($input: CreateUserInput!) { createUser(input: $input) { id } }",
        json!({ "input": { "username": "secretive", "displayName": "Người kín đáo", "password": user_password,
                           "roleAssignments": [{ "role": "GROUP_LEADER", "groupId": world.group_id }] } }),
    )
    .await;
    let mut secrets =
        vec!["912345678".to_owned(), "987654321".to_owned(), "345 678".to_owned(), "654 321".to_owned()];
    let body = app
        .gql_with(
            Some(&app.admin_token),
            "mutation($p: String!) { changePassword(currentPassword: \"test-password-123\", newPassword: $p) { accessToken refreshToken } }",
            json!({ "p": first_password }),
        )
        .await;
    let session = &body["data"]["changePassword"];
    secrets.extend([first_password, TEST_PASSWORD, user_password].map(str::to_owned));
    secrets.extend(["accessToken", "refreshToken"].map(|t| session[t].as_str().expect("token").to_owned()));
    let (access, refresh) = login_session(app, "root", first_password).await;
    let refreshed = app
        .gql_with(
            None,
            "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }",
            json!({ "t": refresh }),
        )
        .await;
    let refreshed = &refreshed["data"]["refreshSession"];
    let changed = app
        .gql_with(
            refreshed["accessToken"].as_str(),
            "mutation($c: String!, $p: String!) { changePassword(currentPassword: $c, newPassword: $p) { accessToken refreshToken } }",
            json!({ "c": first_password, "p": second_password }),
        )
        .await;
    let changed = &changed["data"]["changePassword"];
    app.gql_with(
        changed["accessToken"].as_str(),
        "mutation($t: String!) { logout(refreshToken: $t) }",
        json!({ "t": changed["refreshToken"] }),
    )
    .await;
    secrets.extend([access, refresh, second_password.to_owned()]);
    for token in [
        &refreshed["accessToken"],
        &refreshed["refreshToken"],
        &changed["accessToken"],
        &changed["refreshToken"],
    ] {
        secrets.push(token.as_str().expect("a token").to_owned());
    }
    secrets.push("$argon2".to_owned());
    let admin = app.login("root", second_password).await;

    // Act: the whole trail, from the database and through the API.
    let stored = Rows::take(app).await.snapshot.audit_events;
    let mut served = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let body = app
            .gql_with(
                Some(&admin),
                "query($after: String) { auditEvents(first: 100, after: $after) {
                    edges { node { id actorId action targetType targetId occurredAt summary } } pageInfo { hasNextPage endCursor }
                } }",
                json!({ "after": after }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body:#}");
        served.push(body["data"].to_string());
        let info = &body["data"]["auditEvents"]["pageInfo"];
        if info["hasNextPage"] != json!(true) {
            break;
        }
        after = info["endCursor"].as_str().map(str::to_owned);
    }

    // Assert
    let phone_events: Vec<Value> = stored
        .iter()
        .filter(|e| e.target_id.map(|t| t.to_string()).as_deref() == id.as_str())
        .map(summary)
        .collect();
    assert_eq!(phone_events.len(), 3, "the phone was audited, masked: {phone_events:#?}");
    assert_eq!(phone_events[0]["phone"], json!("***678"));
    assert_eq!(phone_events[1]["phone"], json!({ "from": "***678", "to": "***321" }));
    assert_eq!(phone_events[2]["phone"], json!({ "from": "***321", "to": null }));
    for secret in &secrets {
        for event in &stored {
            assert!(!format!("{event:?}").contains(secret.as_str()), "{secret:?} in {event:#?}");
        }
        for page in &served {
            assert!(!page.contains(secret.as_str()), "{secret:?} served in the trail");
        }
    }
}
