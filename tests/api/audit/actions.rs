//! One audit event per successful mutation, each naming its action, actor, target and ward; household
//! summaries shown exactly (the phone masked).

use serde_json::json;

use super::{audited, audited_all, event_of, expected, summary};
use crate::{
    good_deeds::{deed_input, pledge_input},
    helpers::TEST_PASSWORD,
    world::{Rows, World, vietnam_today},
};

#[tokio::test]
async fn every_successful_mutation_writes_one_audit_event_naming_its_action_actor_and_target() {
    // Arrange
    let world = World::build().await;
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
