//! The change log and the delta feed phones sync from.
//!
//! Every write of a household, pledge or good deed appends a change row in its own transaction. The
//! feed must never skip a change, even when transactions commit out of order. On PostgreSQL each row
//! carries its transaction id, and a reader only passes rows of transactions older than the oldest one
//! still running (`pg_snapshot_xmin`): those can no longer gain rows, so ordering by (tx, seq) and
//! resuming after a cursor is exact. On SQLite writers are serial (`BEGIN IMMEDIATE`), so commit order
//! is `seq` order and `tx` is always 0.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement,
    sea_query::{Expr, Query},
};
use uuid::Uuid;

use crate::{
    auth::Actor,
    entities::change_log,
    error::{AppError, AppResult},
};

pub use crate::entities::change_log::EntityType;

/// One change to append.
#[derive(Debug, Clone, Copy)]
pub struct Change {
    /// What changed.
    pub entity_type: EntityType,
    /// The changed row.
    pub entity_id: Uuid,
    /// Its group.
    pub group_id: Uuid,
    /// Its ward.
    pub ward_id: Uuid,
}

/// Appends a change; call it inside the transaction of the change.
pub(in crate::service) async fn record(
    db: &impl ConnectionTrait,
    entity_type: EntityType,
    entity_id: Uuid,
    group_id: Uuid,
    ward_id: Uuid,
) -> AppResult<()> {
    record_many(db, &[Change { entity_type, entity_id, group_id, ward_id }]).await
}

/// Appends several changes in one statement.
pub(in crate::service) async fn record_many(db: &impl ConnectionTrait, changes: &[Change]) -> AppResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let postgres = db.get_database_backend() == DbBackend::Postgres;
    let now = super::now();
    let mut insert = Query::insert();
    insert.into_table(change_log::Entity).columns([
        change_log::Column::Tx,
        change_log::Column::EntityType,
        change_log::Column::EntityId,
        change_log::Column::GroupId,
        change_log::Column::WardId,
        change_log::Column::ChangedAt,
    ]);
    for change in changes {
        let tx = if postgres { Expr::cust("pg_current_xact_id()::text::bigint") } else { Expr::val(0i64) };
        insert.values_panic([
            tx,
            Expr::val(change.entity_type),
            Expr::val(change.entity_id),
            Expr::val(change.group_id),
            Expr::val(change.ward_id),
            Expr::val(now),
        ]);
    }
    db.execute(&insert).await?;
    Ok(())
}

/// Where a phone stands in the feed: the last (tx, seq) it received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FeedCursor {
    /// Transaction of the last change received.
    pub tx: i64,
    /// Sequence of the last change received.
    pub seq: i64,
}

const FEED_PREFIX: &str = "f1:";

impl FeedCursor {
    /// Opaque text for the client.
    pub fn encode(self) -> String {
        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
        URL_SAFE_NO_PAD.encode(format!("{FEED_PREFIX}{}:{}", self.tx, self.seq))
    }

    /// Reads a cursor made by `encode`.
    pub fn decode(text: &str) -> Option<Self> {
        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(text).ok()?).ok()?;
        let (tx, seq) = text.strip_prefix(FEED_PREFIX)?.split_once(':')?;
        Some(Self { tx: tx.parse().ok()?, seq: seq.parse().ok()? })
    }
}

/// One page of the feed: the changed rows (latest state of each), where to resume, whether more wait.
#[derive(Debug)]
pub struct ChangePage {
    /// Households changed in this page, by id.
    pub households: Vec<Uuid>,
    /// Pledges changed in this page, by id.
    pub pledges: Vec<Uuid>,
    /// Good deeds changed in this page, by id.
    pub good_deeds: Vec<Uuid>,
    /// Pass as `since` next time.
    pub next: FeedCursor,
    /// More changes are ready now.
    pub has_more: bool,
    /// When this page was read.
    pub as_of: DateTime<Utc>,
}

/// The oldest transaction still running: changes of older transactions are final.
async fn horizon(db: &impl ConnectionTrait) -> AppResult<Option<i64>> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(None);
    }
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS horizon",
        ))
        .await?
        .ok_or_else(|| AppError::internal("no snapshot horizon"))?;
    Ok(Some(row.try_get::<i64>("", "horizon")?))
}

/// Up to `first` changes in the actor's scope after `since`.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn feed(
    db: &impl ConnectionTrait,
    actor: &Actor,
    since: Option<FeedCursor>,
    first: u64,
) -> AppResult<ChangePage> {
    super::ensure_works_with_households(actor)?;
    let since = since.unwrap_or_default();
    let horizon = horizon(db).await?;
    let mut query = change_log::Entity::find().filter(
        Condition::any().add(change_log::Column::Tx.gt(since.tx)).add(
            Condition::all()
                .add(change_log::Column::Tx.eq(since.tx))
                .add(change_log::Column::Seq.gt(since.seq)),
        ),
    );
    if let Some(horizon) = horizon {
        query = query.filter(change_log::Column::Tx.lt(horizon));
    }
    let query = super::group::in_visible_groups(query, actor, change_log::Column::GroupId);
    let mut rows = query
        .order_by_asc(change_log::Column::Tx)
        .order_by_asc(change_log::Column::Seq)
        .limit(first + 1)
        .all(db)
        .await?;
    let has_more = rows.len() as u64 > first;
    rows.truncate(first as usize);
    let next = rows.last().map_or(since, |row| FeedCursor { tx: row.tx, seq: row.seq });
    let mut page = ChangePage {
        households: Vec::new(),
        pledges: Vec::new(),
        good_deeds: Vec::new(),
        next,
        has_more,
        as_of: super::now(),
    };
    for row in rows {
        let list = match row.entity_type {
            EntityType::Household => &mut page.households,
            EntityType::Pledge => &mut page.pledges,
            EntityType::GoodDeed => &mut page.good_deeds,
        };
        if !list.contains(&row.entity_id) {
            list.push(row.entity_id);
        }
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_cursors_round_trip() {
        let cursor = FeedCursor { tx: 7_000_123, seq: 42 };
        assert_eq!(FeedCursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(FeedCursor::decode("nonsense"), None);
    }
}
