//! `awards`: officials and administrators read every award of the ward, leaders only those to their
//! group and its people, by decision date; what an award points to is shown only when the reader may
//! see it.

use serde_json::{Value, json};

use super::{collective, individual, recorded};
use crate::movement_records::{
    events::{event_input, recorded as recorded_event},
    world::{EVERYONE, Who, Year},
};

const LIST: &str = "query($ward: ID!, $year: Int, $group: ID, $kind: AwardRecipientKind) {
    awards(wardId: $ward, year: $year, groupId: $group, recipientKind: $kind) {
        totalCount edges { node { decisionNumber group { id } household { code } event { title } } }
    }
}";

/// Awards a1–a5 of W1 and b1 of W2, recorded by officials in this order:
/// a1 to group 1 for 2023 (decided 10 August), at the forum hosted by group 2;
/// a2 to group 2 for 2023 (10 August); a3 to Nguyễn Văn An of H1 for 2023 (1 September);
/// a4 to Lê Văn Dũng, of no group, for 2023 (1 September); a5 to group 1 for 2022 (1 December 2022);
/// b1 to group 21 of W2.
async fn six_awards(year: &Year) {
    let forum = event_input(&year.ward_id, Some(&year.other_group_id), "Diễn đàn tổ 2");
    let forum = recorded_event(year, Who::OtherLeader, &forum).await;
    let (w1, g1, g2) = (&year.ward_id, &year.group_id, &year.other_group_id);
    let mut inputs = vec![
        collective(w1, g1),
        collective(w1, g2),
        individual(w1, "Nguyễn Văn An", Some(&year.household_id)),
        individual(w1, "Lê Văn Dũng", None),
        collective(w1, g1),
    ];
    inputs[0]["eventId"] = forum["id"].clone();
    inputs[4]["year"] = json!(2022);
    inputs[4]["decisionDate"] = json!("2022-12-01");
    for (n, mut input) in inputs.into_iter().enumerate() {
        input["decisionNumber"] = json!(format!("a{}", n + 1));
        recorded(year, Who::Official, &input).await;
    }
    let mut b1 = collective(&year.foreign_ward_id, &year.foreign_group_id);
    b1["decisionNumber"] = json!("b1");
    recorded(year, Who::ForeignOfficial, &b1).await;
}

fn numbers(body: &Value) -> Vec<&str> {
    body["data"]["awards"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no awards in {body:#}"))
        .iter()
        .map(|edge| edge["node"]["decisionNumber"].as_str().expect("a number"))
        .collect()
}

#[tokio::test]
async fn each_role_reads_the_awards_of_its_scope_and_leaders_only_their_groups() {
    // Arrange
    let year = Year::build().await;
    six_awards(&year).await;
    let expected: [(Who, Result<&[&str], &str>); 5] = [
        (Who::Admin, Ok(&["a1", "a2", "a3", "a4"])),
        (Who::Official, Ok(&["a1", "a2", "a3", "a4"])),
        (Who::ForeignOfficial, Err("NOT_FOUND")),
        (Who::Leader, Ok(&["a1", "a3"])),
        (Who::OtherLeader, Ok(&["a2"])),
    ];
    assert_eq!(expected.each_ref().map(|(who, _)| *who), EVERYONE);
    for (who, expected) in expected {
        // Act
        let body = year.send(who, LIST, json!({ "ward": year.ward_id, "year": 2023 })).await;

        // Assert
        match expected {
            Ok(expected) => {
                assert_eq!(numbers(&body), expected, "{who:?}");
                assert_eq!(body["data"]["awards"]["totalCount"], json!(expected.len()), "{who:?}");
            }
            Err(code) => assert_eq!(crate::helpers::error_code(&body), code, "{who:?}: {body:#}"),
        }
    }
    let body = year.send(Who::Leader, LIST, json!({ "ward": year.foreign_ward_id })).await;
    assert_eq!(crate::helpers::error_code(&body), "NOT_FOUND");
    let body = year.send(Who::ForeignOfficial, LIST, json!({ "ward": year.foreign_ward_id })).await;
    assert_eq!(numbers(&body), ["b1"]);
}

#[tokio::test]
async fn filters_narrow_the_list_and_nested_objects_follow_the_readers_scope() {
    // Arrange
    let year = Year::build().await;
    six_awards(&year).await;
    let w1 = &year.ward_id;
    for (variables, expected) in [
        (json!({ "ward": w1 }), vec!["a5", "a1", "a2", "a3", "a4"]),
        (json!({ "ward": w1, "year": 2022 }), vec!["a5"]),
        (json!({ "ward": w1, "group": year.group_id }), vec!["a5", "a1", "a3"]),
        (json!({ "ward": w1, "kind": "INDIVIDUAL" }), vec!["a3", "a4"]),
    ] {
        // Act
        let body = year.send(Who::Official, LIST, variables.clone()).await;

        // Assert
        assert_eq!(numbers(&body), expected, "{variables}");
    }

    // The forum of a1 is group 2's: its official sees it, the leader of group 1 sees the award only.
    let by_official = year.send(Who::Official, LIST, json!({ "ward": w1, "year": 2023 })).await;
    let by_leader = year.send(Who::Leader, LIST, json!({ "ward": w1, "year": 2023 })).await;
    let node = |body: &Value, n: usize| body["data"]["awards"]["edges"][n]["node"].clone();
    assert_eq!(node(&by_official, 0)["event"], json!({ "title": "Diễn đàn tổ 2" }));
    assert_eq!(node(&by_leader, 0)["event"], Value::Null);
    assert_eq!(node(&by_leader, 1)["household"], json!({ "code": "H1" }));
    assert_eq!(node(&by_leader, 1)["group"], json!({ "id": year.group_id }), "the person's group, from H1");
    let body = year.send(Who::Leader, LIST, json!({ "ward": w1, "group": year.other_group_id })).await;
    assert_eq!(crate::helpers::error_code(&body), "NOT_FOUND");
    let body = year.send(Who::Admin, LIST, json!({ "ward": w1, "group": year.foreign_group_id })).await;
    assert_eq!(crate::helpers::error_field(&body), "groupId");
}
