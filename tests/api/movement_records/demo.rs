//! The demo's movement year, seeded as `serve --demo` seeds it: the case's five self-management models
//! (the camera model and the Zalo channel ward-wide, the others in Tổ dân phố 11), the festival of
//! 11 August 2023 at Tổ dân phố 11 with its forum, the closed survey of 120 ballots taken there, and
//! awards from the chairmen of both the city's and the ward's People's Committees.

use pledge_api::{auth::password::Passwords, demo};
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, spawn_app},
    world::Rows,
};

async fn seeded() -> TestApp {
    let app = spawn_app().await;
    assert!(demo::seed(&app.db).await.expect("the demo ward"));
    demo::seed_users(&app.db, &Passwords::new(), demo::DEFAULT_DEMO_PASSWORD).await.expect("the demo users");
    assert!(demo::seed_movement_year(&app.db).await.expect("the movement year"), "seeded once");
    app
}

const YEAR: &str = "query($ward: ID!) {
    selfManagementModels(wardId: $ward, first: 20) { edges { node { name kind status group { code } } } }
    movementEvents(wardId: $ward, year: 2023) { edges { node { id kind heldOn hostingGroup { code } } } }
    awards(wardId: $ward, year: 2023) { edges { node { issuer recipientKind group { code } event { kind } } } }
    satisfactionSurveys(wardId: $ward, first: 5) { edges { node { id status conductedOn event { id } } } }
    groupAssessments(wardId: $ward, year: 2023, first: 20) {
        edges { node { group { code } level { code label } decidedBy { displayName } } }
    }
}";

fn nodes(body: &Value, list: &str) -> Vec<Value> {
    body["data"][list]["edges"].as_array().expect("edges").iter().map(|e| e["node"].clone()).collect()
}

#[tokio::test]
async fn the_demo_ward_has_the_cases_models_festival_survey_and_awards() {
    // Arrange
    let app = seeded().await;
    let token = app.login("lamson.official", demo::DEFAULT_DEMO_PASSWORD).await;
    let me = app.gql_with(Some(&token), "{ me { roleAssignments { ward { id } } } }", json!({})).await;
    let ward = me["data"]["me"]["roleAssignments"][0]["ward"]["id"].clone();

    // Act
    let body = app.gql_with(Some(&token), YEAR, json!({ "ward": ward })).await;

    // Assert: the models.
    assert!(body.get("errors").is_none(), "{body:#}");
    let mut models: Vec<(String, String, Value)> = nodes(&body, "selfManagementModels")
        .iter()
        .map(|m| {
            assert_eq!(m["status"], "ACTIVE");
            (
                m["kind"].as_str().expect("kind").to_owned(),
                m["name"].as_str().expect("name").to_owned(),
                m["group"]["code"].clone(),
            )
        })
        .collect();
    models.sort_by(|a, b| a.0.cmp(&b.0));
    let in_eleven = json!("11");
    assert_eq!(
        models,
        [
            (
                "FIRE_SAFETY_GROUP".into(),
                "Tổ liên gia an toàn về phòng cháy chữa cháy".into(),
                in_eleven.clone()
            ),
            ("PUBLIC_FIRE_POINT".into(), "Điểm chữa cháy công cộng".into(), in_eleven.clone()),
            (
                "REINTEGRATION".into(),
                "Cảm hóa, giáo dục, giúp đỡ người được tha tù, đặc xá".into(),
                in_eleven
            ),
            (
                "REPORTING_CHANNEL".into(),
                "Ứng dụng mạng Zalo trong công tác tiếp nhận thông tin về ANTT và phòng chống tội phạm"
                    .into(),
                Value::Null
            ),
            (
                "SECURITY_CAMERAS".into(),
                "Camera giám sát an ninh thông minh phường Lam Sơn".into(),
                Value::Null
            ),
        ]
    );
    // The festival and its forum, the same day at Tổ dân phố 11.
    let events = nodes(&body, "movementEvents");
    let mut kinds: Vec<(&str, &str, &str)> = events
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().expect("kind"),
                e["heldOn"].as_str().expect("day"),
                e["hostingGroup"]["code"].as_str().expect("group"),
            )
        })
        .collect();
    kinds.sort();
    assert_eq!(kinds, [("FESTIVAL", "2023-08-11", "11"), ("FORUM", "2023-08-11", "11")]);
    let festival = events.iter().find(|e| e["kind"] == "FESTIVAL").expect("the festival")["id"].clone();
    // The survey, taken at the festival and closed.
    let surveys = nodes(&body, "satisfactionSurveys");
    assert_eq!(surveys.len(), 1);
    assert_eq!(
        (&surveys[0]["status"], &surveys[0]["conductedOn"], &surveys[0]["event"]["id"]),
        (&json!("CLOSED"), &json!("2023-08-11"), &festival)
    );
    let results = app
        .gql_with(
            Some(&token),
            "query($s: ID!) { surveyResults(surveyId: $s) { ballotCount satisfactionRate } }",
            json!({ "s": surveys[0]["id"] }),
        )
        .await;
    assert_eq!(results["data"]["surveyResults"]["ballotCount"], demo::DEMO_BALLOTS, "{results:#}");
    let rate = results["data"]["surveyResults"]["satisfactionRate"].as_f64().expect("a rate");
    assert!((0.8..=1.0).contains(&rate), "residents were mostly satisfied: {rate}");
    // The awards, from both chairmen, given at the festival.
    let awards = nodes(&body, "awards");
    let count = |issuer: &str, kind: &str| {
        awards.iter().filter(|a| a["issuer"] == issuer && a["recipientKind"] == kind).count()
    };
    assert_eq!(count("CITY_PEOPLES_COMMITTEE", "COLLECTIVE"), 1);
    assert_eq!(count("CITY_PEOPLES_COMMITTEE", "INDIVIDUAL"), 1);
    assert_eq!(count("WARD_PEOPLES_COMMITTEE", "COLLECTIVE"), 1);
    assert_eq!(count("WARD_PEOPLES_COMMITTEE", "INDIVIDUAL"), 2);
    assert!(awards.iter().all(|a| a["event"]["kind"] == "FESTIVAL"), "{awards:#?}");
    // Every group assessed for 2023 by the ward's officials, on the default scale.
    let assessed: Vec<(String, String)> = nodes(&body, "groupAssessments")
        .iter()
        .map(|a| {
            assert_eq!(a["decidedBy"]["displayName"], "Ban chỉ đạo ANTT phường Lam Sơn");
            (
                a["group"]["code"].as_str().expect("code").to_owned(),
                a["level"]["label"].as_str().expect("label").to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = (1..=12)
        .map(|n| {
            let label = match n {
                7 | 11 => "Xuất sắc",
                12 => "Trung bình",
                _ => "Khá",
            };
            (n.to_string(), label.to_owned())
        })
        .collect();
    assert_eq!(assessed, expected);
}

#[tokio::test]
async fn the_demo_movement_year_is_recorded_once_through_the_service_with_its_audit_events() {
    // Arrange
    let app = seeded().await;
    let before = Rows::take(&app).await;

    // Act
    let again = demo::seed_movement_year(&app.db).await.expect("seeding again");

    // Assert
    assert!(!again, "seeding again records nothing");
    assert_eq!(Rows::take(&app).await, before);
    let actions =
        |prefix: &str| before.snapshot.audit_events.iter().filter(|e| e.action.starts_with(prefix)).count();
    assert_eq!(
        [
            actions("self_management_model."),
            actions("movement_event."),
            actions("award."),
            actions("survey."),
            actions("group_assessment.")
        ],
        [5, 2, 5, 4, 12],
        "{:#?}",
        before.snapshot.audit_events.iter().map(|e| &e.action).collect::<Vec<_>>()
    );
    let leader = before.snapshot.user("tdp11.leader").id;
    let typed: Vec<_> =
        before.snapshot.audit_events.iter().filter(|e| e.action.starts_with("survey.ballot")).collect();
    assert!(!typed.is_empty() && typed.iter().all(|e| e.actor_id == Some(leader)), "typed in by the leader");
}
