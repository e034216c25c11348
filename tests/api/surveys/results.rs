//! `surveyResults`: exact figures for a known set of ballots, questions left blank included, over the
//! whole ward and per group; every level listed, zeros included; null rates without answers; the
//! same number of statements whatever the number of ballots.

use serde_json::{Value, json};

use super::world::{D, N, S, SurveyWorld, VS, ballot, recorded, results};

/// `counts` in scale order: very satisfied, satisfied, neutral, dissatisfied.
fn counts(n: [u64; 4]) -> Value {
    json!([
        { "level": "VERY_SATISFIED", "count": n[0] },
        { "level": "SATISFIED", "count": n[1] },
        { "level": "NEUTRAL", "count": n[2] },
        { "level": "DISSATISFIED", "count": n[3] },
    ])
}

fn question(survey: &Value, index: usize, n: [u64; 4], rate: Option<f64>) -> Value {
    json!({
        "question": { "id": survey["questions"][index]["id"], "text": survey["questions"][index]["text"] },
        "answerCount": n.iter().sum::<u64>(), "counts": counts(n), "satisfactionRate": rate,
    })
}

async fn results_of(world: &SurveyWorld, token: &str, survey: &Value, group_id: Option<&str>) -> Value {
    let body = results(&world.app, token, &survey["id"], group_id).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    body["data"]["surveyResults"].clone()
}

#[tokio::test]
async fn results_count_each_level_of_each_question_over_the_ballots_that_answered_it() {
    // Arrange: group 1 has four ballots, group 2 has two; blanks on questions 2 and 3.
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let survey = world.open().await;
    let group_1 = [
        ballot(&survey, &[VS, S, None]),
        ballot(&survey, &[S, None, None]),
        ballot(&survey, &[N, D, VS]),
        ballot(&survey, &[VS, S, D]),
    ];
    let group_2 = [ballot(&survey, &[D, D, None]), ballot(&survey, &[S, N, N])];
    recorded(app, &world.leader_token, &survey["id"], &world.group_id, &group_1).await;
    recorded(app, &world.official_token, &survey["id"], &world.other_group_id, &group_2).await;

    // Act
    let ward = results_of(&world, &world.official_token, &survey, None).await;
    let group = results_of(&world, &world.leader_token, &survey, Some(&world.group_id)).await;

    // Assert: the whole ward. Question 1: 2 VS, 2 S, 1 N, 1 D of 6; question 2: 2 S, 1 N, 2 D of 5;
    // question 3: 1 VS, 1 N, 1 D of 3. All answers: 7 satisfied of 14.
    assert_eq!(
        ward,
        json!({
            "survey": { "id": survey["id"] }, "group": null, "ballotCount": 6, "satisfactionRate": 7.0 / 14.0,
            "questions": [
                question(&survey, 0, [2, 2, 1, 1], Some(4.0 / 6.0)),
                question(&survey, 1, [0, 2, 1, 2], Some(2.0 / 5.0)),
                question(&survey, 2, [1, 0, 1, 1], Some(1.0 / 3.0)),
            ],
        })
    );
    // Assert: group 1. Question 1: 2 VS, 1 S, 1 N of 4; question 2: 2 S, 1 D of 3; question 3: 1 VS,
    // 1 D of 2. All answers: 6 satisfied of 9.
    assert_eq!(
        group,
        json!({
            "survey": { "id": survey["id"] }, "group": { "id": world.group_id }, "ballotCount": 4,
            "satisfactionRate": 6.0 / 9.0,
            "questions": [
                question(&survey, 0, [2, 1, 1, 0], Some(3.0 / 4.0)),
                question(&survey, 1, [0, 2, 0, 1], Some(2.0 / 3.0)),
                question(&survey, 2, [1, 0, 0, 1], Some(1.0 / 2.0)),
            ],
        })
    );
}

#[tokio::test]
async fn a_survey_without_ballots_has_zero_counts_and_null_rates_and_a_question_nobody_answered_too() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let survey = world.open().await;

    // Act
    let empty = results_of(&world, &app.admin_token, &survey, None).await;
    recorded(app, &app.admin_token, &survey["id"], &world.group_id, &[ballot(&survey, &[N, None, None])])
        .await;
    let one = results_of(&world, &app.admin_token, &survey, Some(&world.group_id)).await;
    let other_group = results_of(&world, &app.admin_token, &survey, Some(&world.other_group_id)).await;

    // Assert
    let nothing: Vec<Value> = (0..3).map(|i| question(&survey, i, [0; 4], None)).collect();
    assert_eq!((&empty["ballotCount"], &empty["satisfactionRate"]), (&json!(0), &Value::Null));
    assert_eq!(empty["questions"], json!(nothing));
    assert_eq!((&one["ballotCount"], &one["satisfactionRate"]), (&json!(1), &json!(0.0)));
    assert_eq!(
        one["questions"],
        json!([
            question(&survey, 0, [0, 0, 1, 0], Some(0.0)),
            question(&survey, 1, [0; 4], None),
            question(&survey, 2, [0; 4], None)
        ])
    );
    assert_eq!((&other_group["ballotCount"], &other_group["questions"]), (&json!(0), &json!(nothing)));
}

#[tokio::test]
async fn results_cost_the_same_statements_for_3_ballots_as_for_300() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let (small, large) = (world.open().await, world.open().await);
    let few: Vec<Value> = (0..3).map(|_| ballot(&small, &[VS, S, N])).collect();
    let many: Vec<Value> = (0..300).map(|_| ballot(&large, &[VS, S, N])).collect();
    recorded(app, &app.admin_token, &small["id"], &world.group_id, &few).await;
    recorded(app, &app.admin_token, &large["id"], &world.group_id, &many).await;
    // Warm the caller and the ward the answers name.
    results(app, &app.admin_token, &small["id"], None).await;

    // Act
    let (for_few, _) = app.statements_during(results(app, &app.admin_token, &small["id"], None)).await;
    let (for_many, body) = app.statements_during(results(app, &app.admin_token, &large["id"], None)).await;

    // Assert
    assert_eq!(body["data"]["surveyResults"]["ballotCount"], json!(300));
    assert_eq!(for_few, for_many);
    assert_eq!(for_many, 3, "the survey, its questions, and the counts");
}
