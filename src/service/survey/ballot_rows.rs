//! Recorded ballots as read back: a ballot with its answers in question order, read by id in a couple
//! of queries whatever their number (for replays of a batch and for `node`).

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, Order, Query},
};
use uuid::Uuid;

use super::readable_ballots;
use crate::{
    auth::Actor,
    domain::survey::SatisfactionLevel,
    entities::{survey_answer as answer, survey_ballot as ballot, survey_question as question},
    error::AppResult,
};

/// One answer of a recorded ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRecord {
    /// The question.
    pub question_id: Uuid,
    /// How satisfied.
    pub rating: SatisfactionLevel,
}

/// A recorded ballot with its answers, in question order.
#[derive(Debug, Clone, PartialEq)]
pub struct BallotRecord {
    /// The ballot.
    pub ballot: ballot::Model,
    /// Its answers, by question position; questions left blank are absent.
    pub answers: Vec<AnswerRecord>,
}

/// Ballots by id with their answers in question order (unscoped: the callers scope them).
pub(super) async fn ballots_with_answers(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, BallotRecord>, DbErr> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ballots =
        ballot::Entity::find().filter(ballot::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    let mut answers = answers_of(db, &ids).await?;
    Ok(ballots
        .into_iter()
        .map(|ballot| {
            let answers = answers.remove(&ballot.id).unwrap_or_default();
            (ballot.id, BallotRecord { ballot, answers })
        })
        .collect())
}

/// The answers of each of `ballot_ids`, in question order, in one query.
async fn answers_of(
    db: &impl ConnectionTrait,
    ballot_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<AnswerRecord>>, DbErr> {
    let statement = Query::select()
        .column((answer::Entity, answer::Column::BallotId))
        .column((answer::Entity, answer::Column::QuestionId))
        .column((answer::Entity, answer::Column::Rating))
        .from(answer::Entity)
        .inner_join(
            question::Entity,
            Expr::col((question::Entity, question::Column::Id))
                .equals((answer::Entity, answer::Column::QuestionId)),
        )
        .and_where(Expr::col((answer::Entity, answer::Column::BallotId)).is_in(ballot_ids.iter().copied()))
        .order_by((answer::Entity, answer::Column::BallotId), Order::Asc)
        .order_by((question::Entity, question::Column::Position), Order::Asc)
        .to_owned();
    let rows = db.query_all_raw(db.get_database_backend().build(&statement)).await?;
    let mut by_ballot: HashMap<Uuid, Vec<AnswerRecord>> = HashMap::new();
    for row in rows {
        let ballot_id: Uuid = row.try_get("", "ballot_id")?;
        let answer =
            AnswerRecord { question_id: row.try_get("", "question_id")?, rating: row.try_get("", "rating")? };
        by_ballot.entry(ballot_id).or_default().push(answer);
    }
    Ok(by_ballot)
}

/// The ballots among `ids` whose results the actor may read, with their answers.
pub(in crate::service) async fn ballots_by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, BallotRecord>> {
    let ballots =
        readable_ballots(actor).filter(ballot::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    if ballots.is_empty() {
        return Ok(HashMap::new());
    }
    let mut answers = answers_of(db, &ballots.iter().map(|b| b.id).collect::<Vec<_>>()).await?;
    Ok(ballots
        .into_iter()
        .map(|ballot| {
            let answers = answers.remove(&ballot.id).unwrap_or_default();
            (ballot.id, BallotRecord { ballot, answers })
        })
        .collect())
}
