//! `recordSurveyBallots`: per-ballot results (a bad ballot fails alone, naming its field), idempotency
//! per ballot, only while the survey is open, anonymity, the audit event of the batch, and what the
//! database itself refuses. Batches at their size are in `load`.

use serde_json::{Value, json};

use super::world::{
    D, N, S, SurveyRows, SurveyWorld, VS, assert_refused, ballot, failures, question_id, record, recorded,
    transitioned,
};
use crate::helpers::unknown_id;

#[tokio::test]
async fn ballots_are_recorded_with_their_group_and_answers_only_and_one_audit_event_for_the_batch() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let survey = world.open().await;
    let ballots =
        [ballot(&survey, &[VS, S, N]), ballot(&survey, &[None, D, None]), ballot(&survey, &[S, None, VS])];
    let before = SurveyRows::take(app).await;

    // Act
    let results = recorded(app, &world.leader_token, &survey["id"], &world.group_id, &ballots).await;

    // Assert: each ballot as recorded, answers in question order, blanks left out.
    assert_eq!(failures(&results), []);
    let expected = [
        vec![(0, "VERY_SATISFIED"), (1, "SATISFIED"), (2, "NEUTRAL")],
        vec![(1, "DISSATISFIED")],
        vec![(0, "SATISFIED"), (2, "VERY_SATISFIED")],
    ];
    for ((result, sent), answers) in results.iter().zip(&ballots).zip(expected) {
        assert_eq!(result["clientMutationId"], sent["clientMutationId"]);
        let ballot = &result["ballot"];
        assert_eq!(ballot["survey"]["id"], survey["id"]);
        assert_eq!(ballot["group"], json!({ "id": world.group_id, "code": "1" }));
        let got: Vec<Value> = ballot["answers"].as_array().expect("answers").clone();
        let want: Vec<Value> = answers
            .iter()
            .map(|(i, r)| json!({ "question": { "id": question_id(&survey, *i), "position": i + 1 }, "rating": r }))
            .collect();
        assert_eq!(got, want);
    }
    // Assert: the rows name the group and nothing else; the keys name nobody.
    let after = SurveyRows::take(app).await;
    assert_eq!((after.ballots.len(), after.answers.len()), (3, 6));
    assert!(after.ballots.iter().all(|b| b.group_id.to_string() == world.group_id));
    let new_keys: Vec<_> = after.rows.keys.iter().filter(|k| !before.rows.keys.contains(k)).collect();
    assert_eq!(new_keys.len(), 3);
    assert!(new_keys.iter().all(|k| k.user_id.is_none() && k.kind == "survey_ballot"), "{new_keys:#?}");
    assert_eq!(after.actions_since(&before), ["survey.ballots.record"]);
    let event = after.rows.audit_events_since(&before.rows)[0];
    assert_eq!(event.actor_id.map(|id| id.to_string()), Some(world.leader_id.clone()));
    assert_eq!(event.target_id.map(|id| id.to_string()).as_deref(), survey["id"].as_str());
    let summary: Value = serde_json::from_str(&event.summary).expect("json");
    assert_eq!(summary, json!({ "groupId": world.group_id, "recorded": 3, "replayed": 0, "refused": 0 }));
}

#[tokio::test]
async fn a_bad_ballot_fails_alone_naming_its_field_and_the_others_are_recorded() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let survey = world.open().await;
    let other = world.open().await;
    let good = || ballot(&survey, &[VS, S, None]);
    let mut bad_key = good();
    bad_key["clientMutationId"] = json!("phiếu 1");
    let empty = json!({ "clientMutationId": unknown_id(), "answers": [] });
    let mut malformed = good();
    malformed["answers"][1]["questionId"] = json!("câu 2");
    let mut foreign = good();
    foreign["answers"][1]["questionId"] = question_id(&other, 1);
    let mut unknown = good();
    unknown["answers"][0]["questionId"] = json!(unknown_id());
    let mut twice = good();
    twice["answers"][1]["questionId"] = question_id(&survey, 0);
    let ballots = [good(), bad_key, empty, malformed, good(), foreign, unknown, twice, good()];
    let before = SurveyRows::take(app).await;

    // Act
    let results = recorded(app, &world.official_token, &survey["id"], &world.group_id, &ballots).await;

    // Assert
    let bad = |i, field: &str| (i, "BAD_USER_INPUT".to_owned(), field.to_owned());
    assert_eq!(
        failures(&results),
        [
            bad(1, "clientMutationId"),
            bad(2, "answers"),
            bad(3, "answers.1.questionId"),
            bad(5, "answers.1.questionId"),
            bad(6, "answers.0.questionId"),
            bad(7, "answers.1.questionId"),
        ]
    );
    let after = SurveyRows::take(app).await;
    assert_eq!((after.ballots.len(), after.answers.len()), (3, 6));
    let event = after.rows.audit_events_since(&before.rows)[0];
    let summary: Value = serde_json::from_str(&event.summary).expect("json");
    assert_eq!((&summary["recorded"], &summary["refused"]), (&json!(3), &json!(6)));
}

#[tokio::test]
async fn a_ballot_sent_again_is_the_same_ballot_and_the_same_key_with_other_answers_is_a_conflict() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let survey = world.open().await;
    let ballots = [ballot(&survey, &[VS, S, N]), ballot(&survey, &[D, None, None])];
    let first = recorded(app, &world.leader_token, &survey["id"], &world.group_id, &ballots).await;
    let before = SurveyRows::take(app).await;

    // Act: the whole batch again, answers in another order.
    let mut reordered = ballots.clone();
    reordered[0]["answers"].as_array_mut().expect("answers").reverse();
    let again = recorded(app, &world.official_token, &survey["id"], &world.group_id, &reordered).await;

    // Assert
    assert_eq!(again, first);
    assert_eq!(before.changed_tables(&SurveyRows::take(app).await), Vec::<&str>::new());

    // Act: one key with other answers beside a new ballot; a new key sent twice in the batch, once
    // with the same answers and once with others.
    let mut changed = ballots[1].clone();
    changed["answers"][0]["rating"] = json!("NEUTRAL");
    let new = ballot(&survey, &[S, S, S]);
    let mut new_changed = new.clone();
    new_changed["answers"][2]["rating"] = json!("NEUTRAL");
    let batch = [ballots[0].clone(), changed, new.clone(), new.clone(), new_changed];
    let results = recorded(app, &world.leader_token, &survey["id"], &world.group_id, &batch).await;

    // Assert
    let conflict = |i| (i, "CONFLICT".to_owned(), "clientMutationId".to_owned());
    assert_eq!(failures(&results), [conflict(1), conflict(4)]);
    assert_eq!(results[0], first[0]);
    assert_eq!(results[2]["ballot"], results[3]["ballot"], "one key is one ballot");
    let after = SurveyRows::take(app).await;
    assert_eq!((after.ballots.len(), after.answers.len()), (3, 7));
    let summary: Value =
        serde_json::from_str(&after.rows.audit_events_since(&before.rows)[0].summary).expect("json");
    assert_eq!(summary, json!({ "groupId": world.group_id, "recorded": 1, "replayed": 1, "refused": 2 }));
}

#[tokio::test]
async fn ballots_are_refused_while_the_survey_is_a_draft_or_closed_but_a_retry_still_answers() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let draft = world.draft().await;
    let before = SurveyRows::take(app).await;

    // Act + Assert: a draft takes no ballot.
    let results =
        recorded(app, &world.leader_token, &draft["id"], &world.group_id, &[ballot(&draft, &[VS, S, N])])
            .await;
    assert_eq!(failures(&results), [(0, "CONFLICT".to_owned(), "surveyId".to_owned())]);
    assert_eq!(before.changed_tables(&SurveyRows::take(app).await), Vec::<&str>::new());

    // Arrange: a ballot recorded while open, then the survey closed.
    let open = transitioned(app, "openSurvey", &draft).await;
    let kept = ballot(&open, &[VS, None, D]);
    let first =
        recorded(app, &world.leader_token, &open["id"], &world.group_id, std::slice::from_ref(&kept)).await;
    transitioned(app, "closeSurvey", &open).await;
    let before = SurveyRows::take(app).await;

    // Act
    let late = ballot(&open, &[S, S, S]);
    let results = recorded(app, &world.leader_token, &open["id"], &world.group_id, &[late, kept]).await;

    // Assert
    assert_eq!(failures(&results), [(0, "CONFLICT".to_owned(), "surveyId".to_owned())]);
    assert_eq!(results[1], first[0], "the ballot recorded before closing answers as it was");
    assert_eq!(before.changed_tables(&SurveyRows::take(app).await), Vec::<&str>::new());
}

#[tokio::test]
async fn a_group_outside_the_survey_s_ward_and_malformed_ids_are_refused_naming_their_field() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let survey = world.open().await;
    let ballots = [ballot(&survey, &[VS, S, N])];
    let before = SurveyRows::take(app).await;
    let cases = [
        (
            "foreign group",
            survey["id"].clone(),
            world.foreign_group_id.clone(),
            "BAD_USER_INPUT",
            Some("groupId"),
        ),
        ("group id", survey["id"].clone(), "tổ 1".to_owned(), "BAD_USER_INPUT", Some("groupId")),
        ("survey id", json!("khảo sát"), world.group_id.clone(), "BAD_USER_INPUT", Some("surveyId")),
        ("unknown survey", json!(unknown_id()), world.group_id.clone(), "NOT_FOUND", None),
        ("unknown group", survey["id"].clone(), unknown_id(), "NOT_FOUND", None),
    ];
    for (case, survey_id, group_id, code, field) in cases {
        // Act
        let body = record(app, &app.admin_token, &survey_id, &group_id, &ballots).await;

        // Assert
        assert_refused(&body, code, field, &before, &SurveyRows::take(app).await, case);
    }
}

#[tokio::test]
async fn the_database_refuses_an_answer_whose_question_or_group_is_not_its_ballot_s() {
    use pledge_api::{domain::survey::SatisfactionLevel, entities::survey_answer};
    use sea_orm::EntityTrait;

    // Arrange: a ballot of group 1 answering question 1 of its survey, and another survey.
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let (survey, other) = (world.open().await, world.open().await);
    let results = recorded(
        app,
        &app.admin_token,
        &survey["id"],
        &world.group_id,
        &[ballot(&survey, &[VS, None, None])],
    )
    .await;
    let uuid = |v: &Value| v.as_str().expect("an id").parse::<uuid::Uuid>().expect("a UUID");
    let answer = survey_answer::Model {
        ballot_id: uuid(&results[0]["ballot"]["id"]),
        question_id: uuid(&question_id(&survey, 1)),
        survey_id: uuid(&survey["id"]),
        group_id: world.group_id.parse().expect("a UUID"),
        rating: SatisfactionLevel::Satisfied,
    };
    let insert = |answer: survey_answer::Model| {
        survey_answer::Entity::insert(survey_answer::ActiveModel::from(answer)).exec(&app.db)
    };

    // Act + Assert: the question of another survey, and another group than the ballot's.
    let foreign_question =
        survey_answer::Model { question_id: uuid(&question_id(&other, 1)), ..answer.clone() };
    assert!(insert(foreign_question).await.is_err(), "an answer to another survey's question");
    let other_group =
        survey_answer::Model { group_id: world.other_group_id.parse().expect("a UUID"), ..answer.clone() };
    assert!(insert(other_group).await.is_err(), "an answer filed under another group");
    let twice = survey_answer::Model { question_id: uuid(&question_id(&survey, 0)), ..answer.clone() };
    assert!(insert(twice).await.is_err(), "a question answered twice on one ballot");
    insert(answer).await.expect("the ballot's own survey, group and a question it left blank");
}
