//! A paper ballot as it is typed in, and what it must be: a well-formed idempotency key, at least one
//! answer, each question at most once. Whether each question belongs to the survey is decided with
//! the survey at hand (`ballots`). Fields are named relative to the ballot (`answers.2.questionId`), as
//! each ballot answers on its own.

use std::collections::HashSet;

use sea_orm::ActiveEnum;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::MAX_QUESTIONS;
use crate::{
    domain::survey::SatisfactionLevel,
    error::{AppError, AppResult},
};

/// The kind of a ballot's idempotency key, and part of its payload hash.
pub(super) const KIND: &str = "survey_ballot";

/// One answer as sent.
#[derive(Debug, Clone)]
pub struct AnswerInput {
    /// The question's id, as sent.
    pub question_id: String,
    /// How satisfied.
    pub rating: SatisfactionLevel,
}

/// One ballot as sent.
#[derive(Debug, Clone)]
pub struct BallotInput {
    /// A UUID made once per ballot by whoever types it in: the idempotency key, as sent.
    pub client_mutation_id: String,
    /// The questions answered; a question left blank on paper is left out.
    pub answers: Vec<AnswerInput>,
}

/// A ballot that is well-formed on its own.
#[derive(Debug, Clone)]
pub(super) struct Parsed {
    pub(super) client_mutation_id: Uuid,
    /// (question, rating, index of the answer as sent), in the order sent.
    pub(super) answers: Vec<(Uuid, SatisfactionLevel, usize)>,
}

/// Checks one ballot on its own.
pub(super) fn parse(input: &BallotInput) -> AppResult<Parsed> {
    let client_mutation_id = Uuid::parse_str(input.client_mutation_id.trim())
        .map_err(|_| AppError::bad_input("clientMutationId", "clientMutationId is not a valid id"))?;
    if input.answers.is_empty() {
        return Err(AppError::bad_input("answers", "a ballot answers at least one question"));
    }
    if input.answers.len() > MAX_QUESTIONS {
        return Err(AppError::bad_input(
            "answers",
            format!("a ballot answers at most {MAX_QUESTIONS} questions, each once"),
        ));
    }
    let mut seen = HashSet::with_capacity(input.answers.len());
    let mut answers = Vec::with_capacity(input.answers.len());
    for (index, answer) in input.answers.iter().enumerate() {
        let field = || format!("answers.{index}.questionId");
        let question_id = Uuid::parse_str(answer.question_id.trim())
            .map_err(|_| AppError::bad_input(field(), "questionId is not a valid id"))?;
        if !seen.insert(question_id) {
            return Err(AppError::bad_input(field(), "this question is already answered on this ballot"));
        }
        answers.push((question_id, answer.rating, index));
    }
    Ok(Parsed { client_mutation_id, answers })
}

impl Parsed {
    /// SHA-256 of what the ballot says, the same whatever order its answers were sent in: the same
    /// key with the same hash is the same ballot sent again.
    pub(super) fn payload_hash(&self, survey_id: Uuid, group_id: Uuid) -> String {
        let mut answers: Vec<(Uuid, String)> =
            self.answers.iter().map(|(question, rating, _)| (*question, rating.to_value())).collect();
        answers.sort_unstable();
        let canonical = json!([KIND, survey_id, group_id, answers]).to_string();
        Sha256::digest(canonical.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ballot(key: &str, answers: &[(&str, SatisfactionLevel)]) -> BallotInput {
        BallotInput {
            client_mutation_id: key.to_owned(),
            answers: answers
                .iter()
                .map(|(question, rating)| AnswerInput {
                    question_id: (*question).to_owned(),
                    rating: *rating,
                })
                .collect(),
        }
    }

    fn field_of(input: &BallotInput) -> Option<String> {
        parse(input).err().and_then(|err| err.item_field())
    }

    #[test]
    fn each_fault_names_its_field() {
        let key = Uuid::now_v7().to_string();
        let (a, b) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
        let level = SatisfactionLevel::Satisfied;
        assert_eq!(field_of(&ballot("nope", &[(&a, level)])).as_deref(), Some("clientMutationId"));
        assert_eq!(field_of(&ballot(&key, &[])).as_deref(), Some("answers"));
        assert_eq!(
            field_of(&ballot(&key, &[(&a, level), ("x", level)])).as_deref(),
            Some("answers.1.questionId")
        );
        assert_eq!(
            field_of(&ballot(&key, &[(&a, level), (&b, level), (&a, level)])).as_deref(),
            Some("answers.2.questionId")
        );
        let many: Vec<String> = (0..=MAX_QUESTIONS).map(|_| Uuid::now_v7().to_string()).collect();
        let many: Vec<(&str, SatisfactionLevel)> = many.iter().map(|q| (q.as_str(), level)).collect();
        assert_eq!(field_of(&ballot(&key, &many)).as_deref(), Some("answers"));
        assert!(parse(&ballot(&key, &many[..MAX_QUESTIONS])).is_ok());
    }

    #[test]
    fn the_hash_ignores_the_order_of_answers_and_tells_every_difference() {
        let (survey, group) = (Uuid::now_v7(), Uuid::now_v7());
        let key = Uuid::now_v7().to_string();
        let (a, b) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
        let (good, bad) = (SatisfactionLevel::VerySatisfied, SatisfactionLevel::Dissatisfied);
        let hash = |input: &BallotInput| parse(input).expect("well-formed").payload_hash(survey, group);
        let first = hash(&ballot(&key, &[(&a, good), (&b, bad)]));
        assert_eq!(first, hash(&ballot(&key, &[(&b, bad), (&a, good)])));
        assert_ne!(first, hash(&ballot(&key, &[(&a, bad), (&b, good)])));
        assert_ne!(first, hash(&ballot(&key, &[(&a, good)])));
        let parsed = parse(&ballot(&key, &[(&a, good), (&b, bad)])).expect("well-formed");
        assert_ne!(first, parsed.payload_hash(survey, Uuid::now_v7()));
        assert_ne!(first, parsed.payload_hash(Uuid::now_v7(), group));
    }
}
