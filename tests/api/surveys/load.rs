//! `recordSurveyBallots` at its size: 500 ballots in one call in a handful of statements (timed), 501
//! refused whole, and the same batch sent four times at once recorded once.

use std::time::Instant;

use serde_json::{Value, json};

use super::world::{D, N, S, SurveyRows, SurveyWorld, VS, assert_refused, ballot, failures, record};
use crate::helpers::backend;

#[tokio::test]
async fn five_hundred_ballots_are_recorded_in_one_call_in_a_few_statements_and_501_are_refused() {
    // Arrange
    let world = SurveyWorld::build().await;
    let app = &world.app;
    let survey = world.open().await;
    let levels = [VS, S, N, D, None];
    let ballots: Vec<Value> = (0..500)
        .map(|n| ballot(&survey, &[levels[n % 4], levels[(n / 4) % 5], levels[(n / 3) % 4]]))
        .collect();
    let answers: usize = ballots.iter().map(|b| b["answers"].as_array().map_or(0, Vec::len)).sum();
    let mut too_many = ballots.clone();
    too_many.push(ballot(&survey, &[VS, VS, VS]));
    let before = SurveyRows::take(app).await;

    // Act: 501 first, refused whole.
    let body = record(app, &world.official_token, &survey["id"], &world.group_id, &too_many).await;

    // Assert
    assert_refused(&body, "LIMIT_EXCEEDED", None, &before, &SurveyRows::take(app).await, "501");
    let extensions = &body["errors"][0]["extensions"];
    assert_eq!(
        (&extensions["limit"], &extensions["max"], &extensions["actual"]),
        (&json!("ballots"), &json!(500), &json!(501))
    );

    // Act: 500, answered with what an office's screen needs of each.
    let query = "mutation($s: ID!, $g: ID!, $b: [SurveyBallotInput!]!) {
        recordSurveyBallots(surveyId: $s, groupId: $g, ballots: $b) { clientMutationId ballot { id } error { code field } } }";
    let variables = json!({ "s": survey["id"], "g": world.group_id, "b": ballots });
    let started = Instant::now();
    let (statements, body) =
        app.statements_during(app.gql_with(Some(&world.official_token), query, variables)).await;
    let elapsed = started.elapsed();

    // Assert
    eprintln!(
        "recordSurveyBallots of 500 ballots ({answers} answers) on {}: {} ms, {statements} statements",
        backend(app),
        elapsed.as_millis()
    );
    assert!(body.get("errors").is_none(), "{body:#}");
    let results = body["data"]["recordSurveyBallots"].as_array().expect("results");
    assert_eq!(failures(results), []);
    assert_eq!(results.len(), 500);
    for (result, sent) in results.iter().zip(&ballots) {
        assert_eq!(result["clientMutationId"], sent["clientMutationId"]);
        assert!(result["ballot"]["id"].is_string(), "{result:#}");
    }
    let after = SurveyRows::take(app).await;
    assert_eq!((after.ballots.len(), after.answers.len()), (500, answers));
    assert_eq!(after.actions_since(&before), ["survey.ballots.record"]);
    // Reading the survey, the group and the keys, then a handful of multi-row inserts: never a
    // statement per ballot.
    assert!(statements <= 12, "{statements} statements for 500 ballots");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_concurrent_sends_of_one_batch_record_each_ballot_once_and_answer_alike() {
    // Arrange
    let world = std::sync::Arc::new(SurveyWorld::build().await);
    let survey = world.open().await;
    let ballots: Vec<Value> = (0..50).map(|n| ballot(&survey, &[[VS, S, N, D][n % 4], None, S])).collect();
    let before = SurveyRows::take(&world.app).await;

    // Act
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let (world, survey_id, ballots) = (world.clone(), survey["id"].clone(), ballots.clone());
        sends.spawn(async move {
            record(&world.app, &world.leader_token, &survey_id, &world.group_id, &ballots).await
        });
    }
    let answers = sends.join_all().await;

    // Assert
    for answer in &answers {
        assert_eq!(answer, &answers[0], "every send gets the same answer");
    }
    let results =
        answers[0]["data"]["recordSurveyBallots"].as_array().unwrap_or_else(|| panic!("{:#}", answers[0]));
    assert_eq!(failures(results), []);
    let after = SurveyRows::take(&world.app).await;
    assert_eq!((after.ballots.len(), after.answers.len()), (50, 100));
    assert_eq!(after.actions_since(&before), ["survey.ballots.record"]);
}
