//! Keyset pagination shared by every connection: an opaque cursor over (sort key, id), a page request,
//! and the queries that fetch one page for one parent or for many parents at once (for dataloaders).

use std::collections::HashMap;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Select,
    sea_query::{Alias, Asterisk, Condition, Expr, ExprTrait, Func, Order, Query, WindowStatement},
};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// Items per page when the client does not say.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// Most items one page may ask for.
pub const MAX_PAGE_SIZE: u64 = 100;

/// A position in a list: the sort key and id of the last item seen.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cursor {
    /// The sort key of the item (a natural code key, for instance).
    pub sort_key: String,
    /// Its id, breaking ties.
    pub id: Uuid,
}

const CURSOR_PREFIX: &str = "c1:";

impl Cursor {
    /// The opaque text clients pass back as `after`.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{}\n{}", self.id, self.sort_key))
    }

    /// Reads a cursor made by `encode`; anything else is refused.
    pub fn decode(text: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let rest = text.strip_prefix(CURSOR_PREFIX)?;
        let (id, sort_key) = rest.split_once('\n')?;
        // Sort keys never hold NUL, and PostgreSQL refuses it in text: such a cursor is not ours.
        if sort_key.contains('\0') {
            return None;
        }
        Some(Self { sort_key: sort_key.to_owned(), id: Uuid::parse_str(id).ok()? })
    }
}

/// What page a client asks for, already checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageRequest {
    /// How many items, 0 to `MAX_PAGE_SIZE`.
    pub first: u64,
    /// Start after this item.
    pub after: Option<Cursor>,
    /// Whether to count all matching items (skipped when the client did not ask for `totalCount`).
    pub with_total: bool,
}

impl PageRequest {
    /// Checks `first` (default 20, at most 100) and decodes `after`.
    pub fn parse(first: Option<i64>, after: Option<&str>, with_total: bool) -> AppResult<Self> {
        let first = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if n < 0 => return Err(AppError::bad_input("first", "first must not be negative")),
            Some(n) if n.unsigned_abs() > MAX_PAGE_SIZE => {
                return Err(AppError::bad_input(
                    "first",
                    format!("first must be at most {MAX_PAGE_SIZE}; page through the rest with after"),
                ));
            }
            Some(n) => n as u64,
        };
        let after = match after {
            None => None,
            Some(text) => Some(Cursor::decode(text).ok_or_else(|| {
                AppError::bad_input("after", "after is not a cursor returned by this list")
            })?),
        };
        Ok(Self { first, after, with_total })
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items, in list order.
    pub items: Vec<T>,
    /// More items follow the last one.
    pub has_next_page: bool,
    /// Items before the first one exist (true whenever the page started after a cursor).
    pub has_previous_page: bool,
    /// All matching items, when asked for.
    pub total_count: Option<u64>,
}

impl<T> Page<T> {
    /// An empty page, for a parent the actor may not see.
    pub fn empty(request: &PageRequest) -> Self {
        Self {
            items: Vec::new(),
            has_next_page: false,
            has_previous_page: request.after.is_some(),
            total_count: request.with_total.then_some(0),
        }
    }

    /// The same page with each item turned into another.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            has_next_page: self.has_next_page,
            has_previous_page: self.has_previous_page,
            total_count: self.total_count,
        }
    }

    /// The page of `rows` read with one more than `request.first`, which says whether more follow.
    pub(in crate::service) fn from_rows(
        mut rows: Vec<T>,
        request: &PageRequest,
        total_count: Option<u64>,
    ) -> Self {
        let has_next_page = rows.len() as u64 > request.first;
        rows.truncate(request.first as usize);
        Self { items: rows, has_next_page, has_previous_page: request.after.is_some(), total_count }
    }
}

/// How a list is ordered: its sort-key and id columns.
#[derive(Debug, Clone, Copy)]
pub struct Ordering<C> {
    /// The column the cursor's `sort_key` holds.
    pub sort_key: C,
    /// The tie-breaking id column.
    pub id: C,
}

impl<C: ColumnTrait> Ordering<C> {
    /// The rows after `cursor` in this order.
    pub(in crate::service) fn after(&self, cursor: &Cursor) -> Condition {
        Condition::any()
            .add(self.sort_key.gt(cursor.sort_key.clone()))
            .add(Condition::all().add(self.sort_key.eq(cursor.sort_key.clone())).add(self.id.gt(cursor.id)))
    }
}

/// One page of `select` (already filtered to what the actor may see), ordered by `ordering`.
pub(in crate::service) async fn fetch_page<E, C>(
    db: &C,
    select: Select<E>,
    ordering: Ordering<E::Column>,
    request: &PageRequest,
) -> Result<Page<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    let total_count = if request.with_total { Some(select.clone().count(db).await?) } else { None };
    let mut query = select;
    if let Some(cursor) = &request.after {
        query = query.filter(ordering.after(cursor));
    }
    let rows = query
        .order_by_asc(ordering.sort_key)
        .order_by_asc(ordering.id)
        .limit(request.first + 1)
        .all(db)
        .await?;
    Ok(Page::from_rows(rows, request, total_count))
}

/// The same page of children for many parents in two queries (rows, then counts), for dataloaders.
///
/// Uses `ROW_NUMBER() OVER (PARTITION BY parent …)`, which SQLite (3.25+) and PostgreSQL both run.
pub(in crate::service) async fn fetch_pages_by_parent<E, C>(
    db: &C,
    select: Select<E>,
    parent: E::Column,
    parent_of: impl Fn(&E::Model) -> Uuid,
    parent_ids: &[Uuid],
    ordering: Ordering<E::Column>,
    request: &PageRequest,
) -> Result<HashMap<Uuid, Page<E::Model>>, DbErr>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    if let [only] = parent_ids {
        let page = fetch_page(db, select.filter(parent.eq(*only)), ordering, request).await?;
        return Ok(HashMap::from([(*only, page)]));
    }
    let select = select.filter(parent.is_in(parent_ids.iter().copied()));

    let mut totals: HashMap<Uuid, u64> = HashMap::new();
    if request.with_total {
        let counts: Vec<(Uuid, i64)> = select
            .clone()
            .select_only()
            .column(parent)
            .column_as(Expr::col(Asterisk).count(), "n")
            .group_by(parent)
            .into_tuple()
            .all(db)
            .await?;
        totals = counts.into_iter().map(|(id, n)| (id, u64::try_from(n).unwrap_or(0))).collect();
    }

    let mut inner = select;
    if let Some(cursor) = &request.after {
        inner = inner.filter(ordering.after(cursor));
    }
    let mut inner = inner.into_query();
    inner.expr_window_as(
        Func::cust("ROW_NUMBER"),
        WindowStatement::partition_by(parent)
            .order_by(ordering.sort_key, Order::Asc)
            .order_by(ordering.id, Order::Asc)
            .to_owned(),
        Alias::new("row_number_in_parent"),
    );
    let outer = Query::select()
        .column(Asterisk)
        .from_subquery(inner, Alias::new("ranked"))
        .and_where(Expr::col(Alias::new("row_number_in_parent")).lte(request.first + 1))
        .order_by(parent, Order::Asc)
        .order_by(ordering.sort_key, Order::Asc)
        .order_by(ordering.id, Order::Asc)
        .to_owned();
    let statement = db.get_database_backend().build(&outer);
    let rows = E::find().from_raw_sql(statement).all(db).await?;

    let mut grouped: HashMap<Uuid, Vec<E::Model>> = HashMap::new();
    for row in rows {
        grouped.entry(parent_of(&row)).or_default().push(row);
    }
    Ok(parent_ids
        .iter()
        .map(|id| {
            let rows = grouped.remove(id).unwrap_or_default();
            let total = request.with_total.then(|| totals.get(id).copied().unwrap_or(0));
            (*id, Page::from_rows(rows, request, total))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_forged_ones_are_refused() {
        let cursor = Cursor { sort_key: "000000000011\nx".into(), id: Uuid::now_v7() };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode("not-a-cursor"), None);
        assert_eq!(Cursor::decode(&URL_SAFE_NO_PAD.encode("c1:nope\nkey")), None);
    }

    #[test]
    fn first_is_bounded() {
        assert_eq!(PageRequest::parse(None, None, false).map(|r| r.first).ok(), Some(20));
        assert_eq!(PageRequest::parse(Some(0), None, false).map(|r| r.first).ok(), Some(0));
        assert_eq!(PageRequest::parse(Some(100), None, false).map(|r| r.first).ok(), Some(100));
        assert!(matches!(
            PageRequest::parse(Some(101), None, false),
            Err(AppError::BadUserInput { field, .. }) if field == "first"
        ));
        assert!(matches!(
            PageRequest::parse(Some(-1), None, false),
            Err(AppError::BadUserInput { field, .. }) if field == "first"
        ));
    }
}
