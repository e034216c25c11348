//! Writing a batch of new ballots: the ballots, their answers and their idempotency keys, each table in
//! as few statements as its backend allows.
//!
//! On PostgreSQL each table takes one statement whose rows come from arrays (`unnest`), a handful of
//! parameters whatever the number of rows. A multi-row `VALUES` list of 500 ballots with 1,400 answers
//! binds 12,000 parameters, which PostgreSQL parses and plans anew each time: that took two thirds of
//! a 0.6 s call. On SQLite, which reads such a list quickly, they are multi-row inserts, the answers in
//! chunks that keep each statement under its parameter limit.

use sea_orm::{ActiveEnum, ConnectionTrait, DbBackend, DbErr, EntityTrait, Statement, Value};
use uuid::Uuid;

use super::ballot_input::KIND;
use crate::entities::{client_mutation, survey_answer as answer, survey_ballot as ballot};

/// Answers per insert statement on SQLite: five parameters each, well under its limit of 32,766.
const ANSWERS_PER_INSERT: usize = 1000;

/// What a batch writes. Every ballot, answer and key of one batch shares its survey, group and time.
#[derive(Default)]
pub(super) struct Writes {
    pub(super) ballots: Vec<ballot::Model>,
    pub(super) answers: Vec<answer::Model>,
    pub(super) keys: Vec<client_mutation::Model>,
}

/// Writes `writes` (at least one ballot) in the caller's transaction.
pub(super) async fn write(db: &impl ConnectionTrait, mut writes: Writes) -> Result<(), DbErr> {
    // Keys in one order whatever the batch: two batches sharing keys wait for each other on
    // PostgreSQL instead of deadlocking.
    writes.keys.sort_unstable_by_key(|key| key.id);
    if db.get_database_backend() == DbBackend::Postgres {
        return write_from_arrays(db, writes).await;
    }
    ballot::Entity::insert_many(writes.ballots.into_iter().map(ballot::ActiveModel::from)).exec(db).await?;
    let mut answers = writes.answers.into_iter().peekable();
    while answers.peek().is_some() {
        let chunk: Vec<answer::ActiveModel> =
            answers.by_ref().take(ANSWERS_PER_INSERT).map(answer::ActiveModel::from).collect();
        answer::Entity::insert_many(chunk).exec(db).await?;
    }
    client_mutation::Entity::insert_many(writes.keys.into_iter().map(client_mutation::ActiveModel::from))
        .exec(db)
        .await?;
    Ok(())
}

/// A PostgreSQL array literal of `items`, passed as text and cast in the statement. Only uuids, hex
/// digests and level names go in, none of which needs quoting.
fn array<T: ToString>(items: impl Iterator<Item = T>) -> Value {
    let items: Vec<String> = items.map(|item| item.to_string()).collect();
    Value::from(format!("{{{}}}", items.join(",")))
}

async fn write_from_arrays(db: &impl ConnectionTrait, writes: Writes) -> Result<(), DbErr> {
    let Some(first) = writes.ballots.first() else { return Ok(()) };
    let (survey_id, group_id, now): (Uuid, Uuid, _) = (first.survey_id, first.group_id, first.recorded_at);
    let statements = [
        (
            "INSERT INTO survey_ballot (id, survey_id, group_id, recorded_at)
             SELECT b.id, $2, $3, $4 FROM unnest($1::text::uuid[]) AS b(id)",
            vec![array(writes.ballots.iter().map(|b| b.id)), survey_id.into(), group_id.into(), now.into()],
        ),
        (
            "INSERT INTO survey_answer (ballot_id, question_id, survey_id, group_id, rating)
             SELECT a.ballot_id, a.question_id, $4, $5, a.rating
             FROM unnest($1::text::uuid[], $2::text::uuid[], $3::text::text[]) AS a(ballot_id, question_id, rating)",
            vec![
                array(writes.answers.iter().map(|a| a.ballot_id)),
                array(writes.answers.iter().map(|a| a.question_id)),
                array(writes.answers.iter().map(|a| a.rating.to_value())),
                survey_id.into(),
                group_id.into(),
            ],
        ),
        (
            "INSERT INTO client_mutation (id, user_id, kind, payload_hash, target_id, created_at)
             SELECT k.id, NULL, $4, k.payload_hash, k.target_id, $5
             FROM unnest($1::text::uuid[], $2::text::text[], $3::text::uuid[]) AS k(id, payload_hash, target_id)",
            vec![
                array(writes.keys.iter().map(|k| k.id)),
                array(writes.keys.iter().map(|k| k.payload_hash.clone())),
                array(writes.keys.iter().map(|k| k.target_id)),
                KIND.into(),
                now.into(),
            ],
        ),
    ];
    for (sql, values) in statements {
        db.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values)).await?;
    }
    Ok(())
}
