//! `node` and `nodes` for models, events and awards: each role gets exactly the objects its lists show,
//! and an object outside its scope answers like an id that names nothing.

use serde_json::{Value, json};

use super::{
    awards::{collective, individual, recorded as recorded_award},
    events::{event_input, recorded as recorded_event},
    models::{created as created_model, model_input},
    world::{EVERYONE, Who, Year},
};
use crate::helpers::unknown_id;

const NODE: &str = "query($id: ID!) { node(id: $id) { __typename id } }";
const NODES: &str = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }";

/// One object and who sees it, in the order of `EVERYONE`.
struct Target {
    label: &'static str,
    typename: &'static str,
    id: Value,
    sees: [bool; 5],
}

// Admin, Official (W1), ForeignOfficial (W2), Leader (group 1), OtherLeader (group 2).
const WARD_1_ALL: [bool; 5] = [true, true, false, true, true];
const GROUP_1: [bool; 5] = [true, true, false, true, false];
const GROUP_2: [bool; 5] = [true, true, false, false, true];
const WARD_1_OFFICIALS: [bool; 5] = [true, true, false, false, false];
const WARD_2: [bool; 5] = [true, false, true, false, false];

async fn targets(year: &Year) -> Vec<Target> {
    let (w1, w2) = (&year.ward_id, &year.foreign_ward_id);
    let (g1, g2, g21) = (
        Some(year.group_id.as_str()),
        Some(year.other_group_id.as_str()),
        Some(year.foreign_group_id.as_str()),
    );
    let mut targets = Vec::new();
    let mut add = |label, typename, value: Value, sees| {
        targets.push(Target { label, typename, id: value["id"].clone(), sees })
    };
    let model = |ward: &String, group| model_input(ward, group, "Mô hình");
    add(
        "ward-wide model",
        "SelfManagementModel",
        created_model(year, Who::Admin, &model(w1, None)).await,
        WARD_1_ALL,
    );
    add(
        "model of group 1",
        "SelfManagementModel",
        created_model(year, Who::Admin, &model(w1, g1)).await,
        GROUP_1,
    );
    add(
        "model of group 2",
        "SelfManagementModel",
        created_model(year, Who::Admin, &model(w1, g2)).await,
        GROUP_2,
    );
    add("model of W2", "SelfManagementModel", created_model(year, Who::Admin, &model(w2, g21)).await, WARD_2);
    let event = |ward: &String, group| event_input(ward, group, "Ngày hội");
    add(
        "ward-level event",
        "MovementEvent",
        recorded_event(year, Who::Admin, &event(w1, None)).await,
        WARD_1_ALL,
    );
    add("event of group 1", "MovementEvent", recorded_event(year, Who::Admin, &event(w1, g1)).await, GROUP_1);
    add("event of group 2", "MovementEvent", recorded_event(year, Who::Admin, &event(w1, g2)).await, GROUP_2);
    add("event of W2", "MovementEvent", recorded_event(year, Who::Admin, &event(w2, None)).await, WARD_2);
    let award = collective(w1, &year.group_id);
    add("award to group 1", "Award", recorded_award(year, Who::Admin, &award).await, GROUP_1);
    let award = individual(w1, "Phạm Thị Hoa", Some(&year.other_household_id));
    add("award to a person of group 2", "Award", recorded_award(year, Who::Admin, &award).await, GROUP_2);
    let award = individual(w1, "Lê Văn Dũng", None);
    add(
        "award to a person of no group",
        "Award",
        recorded_award(year, Who::Admin, &award).await,
        WARD_1_OFFICIALS,
    );
    let award = collective(w2, &year.foreign_group_id);
    add("award of W2", "Award", recorded_award(year, Who::Admin, &award).await, WARD_2);
    targets
}

#[tokio::test]
async fn node_and_nodes_give_each_role_exactly_the_models_events_and_awards_of_its_scope() {
    // Arrange
    let year = Year::build().await;
    let targets = targets(&year).await;
    let missing = json!(unknown_id());

    for (index, who) in EVERYONE.into_iter().enumerate() {
        // Act
        let mut ids: Vec<Value> = targets.iter().map(|t| t.id.clone()).collect();
        ids.push(missing.clone());
        let many = year.send(who, NODES, json!({ "ids": ids })).await;
        let unknown = year.send(who, NODE, json!({ "id": missing })).await;

        // Assert
        for (position, target) in targets.iter().enumerate() {
            let case = format!("{who:?} reads the {}", target.label);
            let one = year.send(who, NODE, json!({ "id": target.id })).await;
            if target.sees[index] {
                let expected = json!({ "__typename": target.typename, "id": target.id });
                assert_eq!(one, json!({ "data": { "node": expected } }), "{case}");
                assert_eq!(many["data"]["nodes"][position], expected, "{case} through nodes");
            } else {
                // Exactly the answer an unknown id gets.
                assert_eq!(one["data"], json!({ "node": null }), "{case}");
                assert_eq!(one["errors"][0]["extensions"], unknown["errors"][0]["extensions"], "{case}");
                assert_eq!(one["errors"][0]["message"], unknown["errors"][0]["message"], "{case}");
                assert_eq!(many["data"]["nodes"][position], Value::Null, "{case} through nodes");
            }
        }
        let errors = many["errors"].as_array().map_or(0, Vec::len);
        let hidden = targets.iter().filter(|t| !t.sees[index]).count();
        assert_eq!(errors, hidden + 1, "{who:?}: one NOT_FOUND per object out of scope and the unknown id");
    }
}

#[tokio::test]
async fn fragments_on_node_read_each_types_own_fields() {
    // Arrange
    let year = Year::build().await;
    let model =
        created_model(&year, Who::Leader, &model_input(&year.ward_id, Some(&year.group_id), "Zalo tổ 1"))
            .await;
    let event =
        recorded_event(&year, Who::Leader, &event_input(&year.ward_id, Some(&year.group_id), "Ngày hội"))
            .await;
    let award = recorded_award(&year, Who::Official, &collective(&year.ward_id, &year.group_id)).await;

    // Act
    let data = year
        .ok(
            Who::Leader,
            "query($ids: [ID!]!) { nodes(ids: $ids) {
                ... on SelfManagementModel { name group { id } }
                ... on MovementEvent { title year hostingGroup { id } }
                ... on Award { decisionNumber recipientKind group { id } } } }",
            json!({ "ids": [model["id"], event["id"], award["id"]] }),
        )
        .await;

    // Assert
    let group = json!({ "id": year.group_id });
    assert_eq!(
        data["nodes"],
        json!([
            { "name": "Zalo tổ 1", "group": group },
            { "title": "Ngày hội", "year": 2023, "hostingGroup": group },
            { "decisionNumber": "125/QĐ-UBND", "recipientKind": "COLLECTIVE", "group": group },
        ])
    );
}
