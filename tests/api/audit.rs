//! The audit trail: every mutation that succeeds writes exactly one event naming its action, actor and
//! target (a batch, one per item), a mutation that fails writes none, and no summary holds a phone
//! number, a password or a token. `reading` covers `auditEvents`: who sees what, filters and paging.

mod reading;

use pledge_api::entities::audit_event;
use serde_json::{Value, json};

use crate::{
    changes::{open_campaign, pledge_input},
    good_deeds::{DeedWorld, Rows, deed_input, vietnam_today},
    helpers::{TEST_PASSWORD, TestApp, error_code, login_session},
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
    let mut events: Vec<audit_event::Model> = after.new_audit_events(&before).into_iter().cloned().collect();
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
async fn every_successful_mutation_writes_one_audit_event_naming_its_action_actor_and_target() {
    // Arrange
    let world = DeedWorld::build().await;
    let app = &world.app;
    let root = Rows::take(app).await.snapshot.user("root").id.to_string();
    let (admin, official, leader) = (
        Some(app.admin_token.as_str()),
        Some(world.official_token.as_str()),
        Some(world.leader_token.as_str()),
    );
    let w1 = Some(world.ward_id.as_str());
    let mut seen = Vec::new();

    // Act and assert, one mutation at a time.
    let (data, event) = audited(
        app,
        admin,
        "mutation { createWard(input: { code: \"W3\", name: \"Phường Đông Thọ\", province: \"Thanh Hóa\" }) { id } }",
        json!({}),
    )
    .await;
    let w3 = data["createWard"]["id"].as_str().expect("id").to_owned();
    assert_eq!(
        event_of(&event),
        expected("ward.create", &root, "ward", &data["createWard"]["id"], Some(&w3))
    );
    seen.push(event.action);

    let (data, event) = audited(
        app,
        admin,
        "mutation($w: ID!) { createGroup(input: { wardId: $w, code: \"31\", name: \"Tổ dân phố 31\" }) { id } }",
        json!({ "w": w3 }),
    )
    .await;
    let group_31 = data["createGroup"]["id"].clone();
    assert_eq!(event_of(&event), expected("group.create", &root, "residential_group", &group_31, Some(&w3)));
    seen.push(event.action);

    let (_, event) = audited(
        app,
        official,
        "mutation($id: ID!) { updateGroup(id: $id, input: { name: \"Tổ dân phố số 2\" }) { id } }",
        json!({ "id": world.other_group_id }),
    )
    .await;
    assert_eq!(
        event_of(&event),
        expected("group.update", &world.official_id, "residential_group", &json!(world.other_group_id), w1)
    );
    seen.push(event.action);

    let (data, event) = audited(
        app,
        official,
        "mutation($g: ID!) { createHousehold(input: {
            groupId: $g, code: \"A1\", headName: \"Vũ Thị Mai\", address: \"Số 8 Lê Hoàn\", memberCount: 4, phone: \"0912 345 678\"
        }) { id } }",
        json!({ "g": world.group_id }),
    )
    .await;
    let a1 = data["createHousehold"]["id"].clone();
    assert_eq!(event_of(&event), expected("household.create", &world.official_id, "household", &a1, w1));
    assert_eq!(
        summary(&event),
        json!({ "code": "A1", "headName": "Vũ Thị Mai", "address": "Số 8 Lê Hoàn", "memberCount": 4,
                "phone": "***678", "status": "ACTIVE", "version": 1 })
    );
    seen.push(event.action);

    let (_, event) = audited(
        app,
        leader,
        "mutation($id: ID!) { updateHousehold(id: $id, expectedVersion: 1, input: { memberCount: 5, phone: \"0912 345 679\" }) { id } }",
        json!({ "id": a1 }),
    )
    .await;
    assert_eq!(event_of(&event), expected("household.update", &world.leader_id, "household", &a1, w1));
    assert_eq!(
        summary(&event),
        json!({ "memberCount": { "from": 4, "to": 5 }, "phone": { "from": "***678", "to": "***679" },
                "version": { "from": 1, "to": 2 } })
    );
    seen.push(event.action);

    let (_, event) = audited(
        app,
        leader,
        "mutation($id: ID!) { setHouseholdStatus(id: $id, expectedVersion: 2, status: MOVED_OUT) { id } }",
        json!({ "id": a1 }),
    )
    .await;
    assert_eq!(event_of(&event), expected("household.set_status", &world.leader_id, "household", &a1, w1));
    assert_eq!(
        summary(&event),
        json!({ "status": { "from": "ACTIVE", "to": "MOVED_OUT" }, "version": { "from": 2, "to": 3 } })
    );
    seen.push(event.action);

    let (data, event) = audited(
        app,
        official,
        "mutation($input: CreateUserInput!) { createUser(input: $input) { id } }",
        json!({ "input": { "username": "leader.2", "displayName": "Tổ trưởng tổ 2", "password": TEST_PASSWORD,
                           "roleAssignments": [{ "role": "GROUP_LEADER", "groupId": world.other_group_id }] } }),
    )
    .await;
    let leader_2 = data["createUser"]["id"].clone();
    let leader_2_id = leader_2.as_str().expect("id").to_owned();
    assert_eq!(event_of(&event), expected("user.create", &world.official_id, "user", &leader_2, w1));
    seen.push(event.action);

    for (active, action) in [(false, "user.deactivate"), (true, "user.activate")] {
        let (_, event) = audited(
            app,
            official,
            "mutation($id: ID!, $a: Boolean!) { setUserActive(id: $id, active: $a) { id } }",
            json!({ "id": leader_2, "a": active }),
        )
        .await;
        assert_eq!(event_of(&event), expected(action, &world.official_id, "user", &leader_2, w1));
        seen.push(event.action);
    }

    let (data, event) = audited(
        app,
        None,
        "mutation { login(input: { username: \"leader.2\", password: \"test-password-123\" }) { accessToken refreshToken } }",
        json!({}),
    )
    .await;
    assert_eq!(event_of(&event), expected("session.login", &leader_2_id, "user", &leader_2, w1));
    seen.push(event.action);

    let (data, event) = audited(
        app,
        None,
        "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }",
        json!({ "t": data["login"]["refreshToken"] }),
    )
    .await;
    assert_eq!(event_of(&event), expected("session.refresh", &leader_2_id, "user", &leader_2, w1));
    seen.push(event.action);

    let token = data["refreshSession"]["accessToken"].as_str().expect("token").to_owned();
    let (data, event) = audited(
        app,
        Some(&token),
        "mutation { changePassword(currentPassword: \"test-password-123\", newPassword: \"another-password-456\") { accessToken refreshToken } }",
        json!({}),
    )
    .await;
    assert_eq!(event_of(&event), expected("user.change_password", &leader_2_id, "user", &leader_2, w1));
    seen.push(event.action);

    let (_, event) = audited(
        app,
        data["changePassword"]["accessToken"].as_str(),
        "mutation($t: String!) { logout(refreshToken: $t) }",
        json!({ "t": data["changePassword"]["refreshToken"] }),
    )
    .await;
    assert_eq!(event_of(&event), expected("session.logout", &leader_2_id, "user", &leader_2, w1));
    seen.push(event.action);

    let today = vietnam_today(app);
    let (data, event) = audited(
        app,
        official,
        "mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }",
        json!({ "input": { "year": chrono::Datelike::year(&today), "title": "Toàn dân bảo vệ an ninh Tổ quốc",
            "startsOn": (today - chrono::Duration::days(30)).to_string(), "endsOn": (today + chrono::Duration::days(30)).to_string(),
            "pledgeItems": ["Không tàng trữ pháo nổ"], "wardId": world.ward_id } }),
    )
    .await;
    let campaign = data["createCampaign"]["id"].clone();
    assert_eq!(event_of(&event), expected("campaign.create", &world.official_id, "campaign", &campaign, w1));
    seen.push(event.action);

    let (_, event) = audited(
        app,
        official,
        "mutation($id: ID!) { updateCampaign(id: $id, input: { title: \"Toàn dân bảo vệ an ninh Tổ quốc năm nay\" }) { id } }",
        json!({ "id": campaign }),
    )
    .await;
    assert_eq!(event_of(&event), expected("campaign.update", &world.official_id, "campaign", &campaign, w1));
    seen.push(event.action);

    let (_, event) = audited(
        app,
        official,
        "mutation($id: ID!) { openCampaign(id: $id) { id } }",
        json!({ "id": campaign }),
    )
    .await;
    assert_eq!(event_of(&event), expected("campaign.open", &world.official_id, "campaign", &campaign, w1));
    seen.push(event.action);

    let campaign_id = campaign.as_str().expect("id");
    let (data, event) = audited(
        app,
        leader,
        "mutation($input: RecordPledgeInput!) { recordPledge(input: $input) { id } }",
        json!({ "input": pledge_input(&world.household_id, campaign_id, today) }),
    )
    .await;
    let pledge = data["recordPledge"]["id"].clone();
    assert_eq!(event_of(&event), expected("pledge.record", &world.leader_id, "pledge", &pledge, w1));
    seen.push(event.action);

    let (_, event) = audited(
        app,
        leader,
        "mutation($id: ID!) { withdrawPledge(id: $id, reason: \"Ký nhầm hộ\") { id } }",
        json!({ "id": pledge }),
    )
    .await;
    assert_eq!(event_of(&event), expected("pledge.withdraw", &world.leader_id, "pledge", &pledge, w1));
    seen.push(event.action);

    let (_, event) = audited(
        app,
        leader,
        "mutation($input: RecordPledgeInput!) { recordPledge(input: $input) { id } }",
        json!({ "input": pledge_input(&world.household_id, campaign_id, today) }),
    )
    .await;
    assert_eq!(event_of(&event), expected("pledge.sign_again", &world.leader_id, "pledge", &pledge, w1));
    seen.push(event.action);

    let household_3 = crate::helpers::create_household(app, &world.other_group_id, "H3", "Đinh Văn Ba").await;
    let (data, events) = audited_all(
        app,
        official,
        "mutation($inputs: [RecordPledgeInput!]!) { recordPledges(inputs: $inputs) { pledge { id } error { code } } }",
        json!({ "inputs": [pledge_input(&world.other_household_id, campaign_id, today), pledge_input(&household_3, campaign_id, today)] }),
    )
    .await;
    let batch: Vec<_> = events.iter().map(event_of).collect();
    assert_eq!(
        batch,
        [
            expected(
                "pledge.record",
                &world.official_id,
                "pledge",
                &data["recordPledges"][0]["pledge"]["id"],
                w1
            ),
            expected(
                "pledge.record",
                &world.official_id,
                "pledge",
                &data["recordPledges"][1]["pledge"]["id"],
                w1
            ),
        ]
    );
    seen.extend(events.into_iter().map(|e| e.action));

    let (_, event) = audited(
        app,
        official,
        "mutation($id: ID!) { closeCampaign(id: $id) { id } }",
        json!({ "id": campaign }),
    )
    .await;
    assert_eq!(event_of(&event), expected("campaign.close", &world.official_id, "campaign", &campaign, w1));
    seen.push(event.action);

    let (_, event) =
        audited(app, admin, "mutation($id: ID!) { openCampaign(id: $id) { id } }", json!({ "id": campaign }))
            .await;
    assert_eq!(event_of(&event), expected("campaign.reopen", &root, "campaign", &campaign, w1));
    seen.push(event.action);

    for (approve, action) in [(true, "good_deed.verify"), (false, "good_deed.reject")] {
        let (data, event) = audited(
            app,
            leader,
            "mutation($input: RecordGoodDeedInput!) { recordGoodDeed(input: $input) { id } }",
            json!({ "input": deed_input(&world.group_id, Some(&world.household_id), "LOST_PROPERTY_RETURNED", "Trả lại ví") }),
        )
        .await;
        let deed = data["recordGoodDeed"]["id"].clone();
        assert_eq!(event_of(&event), expected("good_deed.record", &world.leader_id, "good_deed", &deed, w1));
        seen.push(event.action);

        let (_, event) = audited(
            app,
            official,
            "mutation($id: ID!, $a: Boolean!) { verifyGoodDeed(id: $id, approve: $a) { id } }",
            json!({ "id": deed, "a": approve }),
        )
        .await;
        assert_eq!(event_of(&event), expected(action, &world.official_id, "good_deed", &deed, w1));
        seen.push(event.action);
    }

    // Every action of the trail was met.
    let mut actions: Vec<&str> = seen.iter().map(String::as_str).collect();
    actions.sort_unstable();
    actions.dedup();
    assert_eq!(actions.len(), 24, "{actions:?}");
}

#[tokio::test]
async fn a_mutation_that_fails_or_changes_nothing_leaves_no_audit_event() {
    // Arrange
    let world = DeedWorld::build().await;
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
    let pledge_id = crate::changes::recorded_pledge(app, &world.leader_token, &pledge).await["id"]
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
    let world = DeedWorld::build().await;
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
    let events: Vec<_> = after.new_audit_events(&before).into_iter().map(event_of).collect();
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
    let world = DeedWorld::build().await;
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
