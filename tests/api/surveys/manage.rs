//! `updateSurvey`, `openSurvey` and `closeSurvey`: drafts change, surveys go DRAFT → OPEN → CLOSED
//! and nowhere else, each change at the version the caller saw, each with its audit event.

use serde_json::{Value, json};

use super::world::{SurveyRows, SurveyWorld, assert_refused, transition, transitioned, update};

fn texts(survey: &Value) -> Vec<(i64, String)> {
    survey["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| (q["position"].as_i64().expect("position"), q["text"].as_str().expect("text").to_owned()))
        .collect()
}

#[tokio::test]
async fn update_survey_changes_a_draft_keeps_the_ids_of_positions_that_remain_and_bumps_the_version() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let draft = world.draft().await;
    let before = SurveyRows::take(app).await;

    // Act: the first question reworded, the second kept, the third dropped, two added.
    let input = json!({
        "title": "Khảo sát tại Ngày hội", "conductedOn": "2023-08-12",
        "questions": [{ "text": "Thái độ khi tiếp dân" }, { "text": draft["questions"][1]["text"] },
                      { "text": "Câu bốn" }, { "text": "Câu năm" }],
    });
    let body = update(app, &world.official_token, &draft["id"], 1, input).await;

    // Assert
    assert!(body.get("errors").is_none(), "{body:#}");
    let survey = &body["data"]["updateSurvey"];
    assert_eq!((&survey["version"], &survey["status"]), (&json!(2), &json!("DRAFT")));
    assert_eq!(
        (&survey["title"], &survey["conductedOn"]),
        (&json!("Khảo sát tại Ngày hội"), &json!("2023-08-12"))
    );
    assert_eq!(
        texts(survey),
        [
            (1, "Thái độ khi tiếp dân".to_owned()),
            (2, draft["questions"][1]["text"].as_str().expect("text").to_owned()),
            (3, "Câu bốn".to_owned()),
            (4, "Câu năm".to_owned()),
        ]
    );
    for index in 0..3 {
        assert_eq!(
            survey["questions"][index]["id"],
            draft["questions"][index]["id"],
            "position {}",
            index + 1
        );
    }
    let after = SurveyRows::take(app).await;
    assert_eq!(after.questions.len(), 4);
    assert_eq!(after.actions_since(&before), ["survey.update"]);
    let summary: Value =
        serde_json::from_str(&after.rows.audit_events_since(&before.rows)[0].summary).expect("json");
    assert_eq!(summary["from"]["conductedOn"], json!("2023-08-11"));
    assert_eq!(summary["to"]["questions"].as_array().map(Vec::len), Some(4));

    // Act: fewer questions.
    let body =
        update(app, &world.official_token, &survey["id"], 2, json!({ "questions": [{ "text": "Một" }] }))
            .await;

    // Assert
    let survey = &body["data"]["updateSurvey"];
    assert_eq!(texts(survey), [(1, "Một".to_owned())]);
    assert_eq!(survey["questions"][0]["id"], draft["questions"][0]["id"]);
    assert_eq!(SurveyRows::take(app).await.questions.len(), 1);
}

#[tokio::test]
async fn update_survey_names_each_bad_field_refuses_a_stale_version_and_an_opened_survey() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let draft = world.draft().await;
    let cases: [(&str, Value, &str); 5] = [
        ("title", json!({ "title": "" }), "title"),
        ("date", json!({ "conductedOn": "2023-02-30" }), "conductedOn"),
        ("no question", json!({ "questions": [] }), "questions"),
        ("blank", json!({ "questions": [{ "text": "Một" }, { "text": "" }] }), "questions.1.text"),
        ("twice", json!({ "questions": [{ "text": "Một" }, { "text": "Một" }] }), "questions.1.text"),
    ];
    for (case, input, field) in cases {
        let before = SurveyRows::take(app).await;
        let body = update(app, &world.official_token, &draft["id"], 1, input).await;
        assert_refused(&body, "BAD_USER_INPUT", Some(field), &before, &SurveyRows::take(app).await, case);
    }
    let before = SurveyRows::take(app).await;

    // Act: a version the survey is no longer at, one it never was, and a malformed id.
    let body = update(app, &world.official_token, &draft["id"], 0, json!({ "title": "Mới" })).await;
    let after = SurveyRows::take(app).await;

    // Assert
    assert_refused(&body, "CONFLICT", None, &before, &after, "stale");
    assert_eq!(body["errors"][0]["extensions"]["currentVersion"], json!(1));
    let body = update(app, &world.official_token, &json!("nope"), 1, json!({})).await;
    assert_refused(&body, "BAD_USER_INPUT", Some("id"), &before, &SurveyRows::take(app).await, "id");
    let body = update(app, &world.official_token, &draft["id"], 1 << 40, json!({})).await;
    assert_refused(
        &body,
        "BAD_USER_INPUT",
        Some("expectedVersion"),
        &before,
        &SurveyRows::take(app).await,
        "int",
    );

    // Act: once open, nothing changes any more.
    let open = transitioned(app, "openSurvey", &draft).await;
    let before = SurveyRows::take(app).await;
    let body = update(app, &world.official_token, &open["id"], 2, json!({ "title": "Mới" })).await;

    // Assert
    assert_refused(&body, "CONFLICT", None, &before, &SurveyRows::take(app).await, "open");
}

#[tokio::test]
async fn a_survey_goes_draft_open_closed_each_at_its_version_and_nowhere_else() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let token = &world.official_token;
    let draft = world.draft().await;
    let id = &draft["id"];
    let before = SurveyRows::take(app).await;

    // Act + Assert: a draft neither closes nor opens at a stale version.
    for (operation, version, case) in [("closeSurvey", 1, "draft to closed"), ("openSurvey", 7, "stale open")]
    {
        let refused_before = SurveyRows::take(app).await;
        let body = transition(app, token, operation, id, version).await;
        assert_refused(&body, "CONFLICT", None, &refused_before, &SurveyRows::take(app).await, case);
    }
    let body = transition(app, token, "openSurvey", id, 1).await;
    let open = &body["data"]["openSurvey"];
    assert_eq!((&open["status"], &open["version"]), (&json!("OPEN"), &json!(2)), "{body:#}");
    for (operation, version, case) in [("openSurvey", 2, "open again"), ("closeSurvey", 1, "stale close")] {
        let refused_before = SurveyRows::take(app).await;
        let body = transition(app, token, operation, id, version).await;
        assert_refused(&body, "CONFLICT", None, &refused_before, &SurveyRows::take(app).await, case);
    }
    let body = transition(app, token, "closeSurvey", id, 2).await;
    let closed = &body["data"]["closeSurvey"];
    assert_eq!((&closed["status"], &closed["version"]), (&json!("CLOSED"), &json!(3)), "{body:#}");
    for (operation, case) in [("openSurvey", "reopen"), ("closeSurvey", "close again")] {
        let refused_before = SurveyRows::take(app).await;
        let body = transition(app, token, operation, id, 3).await;
        assert_refused(&body, "CONFLICT", None, &refused_before, &SurveyRows::take(app).await, case);
    }

    // Assert: one audit event per change, each naming the move.
    let after = SurveyRows::take(app).await;
    assert_eq!(after.actions_since(&before), ["survey.open", "survey.close"]);
    let summaries: Vec<Value> = after
        .rows
        .audit_events_since(&before.rows)
        .iter()
        .map(|e| serde_json::from_str(&e.summary).expect("json"))
        .collect();
    assert_eq!(summaries[0], json!({ "from": "DRAFT", "to": "OPEN", "version": 2 }));
    assert_eq!(summaries[1], json!({ "from": "OPEN", "to": "CLOSED", "version": 3 }));
}
