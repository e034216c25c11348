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

/// The paging arguments of a connection field, as the client sent them.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageArgs<'a> {
    /// Items from the start of the list (after `after`).
    pub first: Option<i64>,
    /// Start after this cursor.
    pub after: Option<&'a str>,
    /// Items from the end of the list (before `before`).
    pub last: Option<i64>,
    /// End before this cursor.
    pub before: Option<&'a str>,
}

/// A page from the start of a list: the first `first` items after `after` (what exports read a whole
/// list with, page after page).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageRequest {
    /// How many items, 0 to `MAX_PAGE_SIZE`.
    pub first: u64,
    /// Start after this item.
    pub after: Option<Cursor>,
    /// Whether to count all matching items.
    pub with_total: bool,
}

impl PageRequest {
    /// Checks `first` (default 20, at most 100) and decodes `after`.
    pub fn parse(first: Option<i64>, after: Option<&str>, with_total: bool) -> AppResult<Self> {
        let paging = Paging::parse(PageArgs { first, after, ..PageArgs::default() }, with_total)?;
        Ok(Self { first: paging.size, after: paging.after, with_total })
    }
}

impl From<&PageRequest> for Paging {
    fn from(request: &PageRequest) -> Self {
        Self {
            size: request.first,
            from_end: false,
            after: request.after.clone(),
            before: None,
            with_total: request.with_total,
        }
    }
}

impl From<&Paging> for Paging {
    fn from(paging: &Paging) -> Self {
        paging.clone()
    }
}

/// What page a client asks for, from either end of the list, already checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Paging {
    /// How many items, 0 to `MAX_PAGE_SIZE`.
    pub size: u64,
    /// Taken from the end of the list (`last`) rather than its start (`first`).
    pub from_end: bool,
    /// Only items after this one.
    pub after: Option<Cursor>,
    /// Only items before this one.
    pub before: Option<Cursor>,
    /// Whether to count all matching items (skipped when the client did not ask for `totalCount`).
    pub with_total: bool,
}

/// Largest value of GraphQL's `Int`, which is 32-bit.
const INT_MAX: i64 = i32::MAX as i64;

impl Paging {
    /// Checks the arguments: `first` or `last` (not both; default `first: 20`), each 0 to 100, and
    /// decodes the cursors.
    pub fn parse(args: PageArgs<'_>, with_total: bool) -> AppResult<Self> {
        let (size, from_end) = match (args.first, args.last) {
            (Some(_), Some(_)) => {
                return Err(AppError::bad_input(
                    "last",
                    "give first (with after) or last (with before), not both: a page is taken from one end",
                ));
            }
            (None, None) => (DEFAULT_PAGE_SIZE, false),
            (Some(first), None) => (size("first", first, "after")?, false),
            (None, Some(last)) => (size("last", last, "before")?, true),
        };
        Ok(Self {
            size,
            from_end,
            after: cursor("after", args.after)?,
            before: cursor("before", args.before)?,
            with_total,
        })
    }

    /// Rows to read: one more than the page holds, which says whether more lie beyond it.
    pub(in crate::service) fn fetch_limit(&self) -> u64 {
        self.size + 1
    }

    /// The direction rows are read in, for a list sorted ascending: from its end for `last`.
    pub(in crate::service) fn read_order(&self) -> Order {
        if self.from_end { Order::Desc } else { Order::Asc }
    }
}

fn size(field: &str, n: i64, cursor: &str) -> AppResult<u64> {
    if !(-INT_MAX - 1..=INT_MAX).contains(&n) {
        return Err(AppError::bad_input(field, format!("{field} must be a 32-bit Int (at most {INT_MAX})")));
    }
    if n < 0 {
        return Err(AppError::bad_input(field, format!("{field} must not be negative")));
    }
    if n.unsigned_abs() > MAX_PAGE_SIZE {
        return Err(AppError::bad_input(
            field,
            format!("{field} must be at most {MAX_PAGE_SIZE}; page through the rest with {cursor}"),
        ));
    }
    Ok(n.unsigned_abs())
}

fn cursor(field: &str, text: Option<&str>) -> AppResult<Option<Cursor>> {
    text.map(|text| {
        Cursor::decode(text).ok_or_else(|| {
            AppError::bad_input(field, format!("{field} is not a cursor returned by this list"))
        })
    })
    .transpose()
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items, in list order.
    pub items: Vec<T>,
    /// More items follow the last one.
    pub has_next_page: bool,
    /// Items before the first one exist.
    pub has_previous_page: bool,
    /// All matching items, when asked for.
    pub total_count: Option<u64>,
}

impl<T> Page<T> {
    /// An empty page, for a parent the actor may not see.
    pub fn empty(request: &Paging) -> Self {
        Self::from_rows(Vec::new(), request, request.with_total.then_some(0))
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

    /// The page of `rows`, read in `request.read_order()` with `request.fetch_limit()`: the extra row
    /// says whether more lie beyond the page's far end. Relay's rules for the near end: a page taken
    /// from the start (`first`) has items before it whenever it starts after a cursor, one taken from
    /// the end (`last`) has items after it whenever it ends before one.
    pub(in crate::service) fn from_rows(
        mut rows: Vec<T>,
        request: &Paging,
        total_count: Option<u64>,
    ) -> Self {
        let more = rows.len() as u64 > request.size;
        rows.truncate(request.size as usize);
        if request.from_end {
            rows.reverse();
            let has_next_page = request.before.is_some();
            Self { items: rows, has_next_page, has_previous_page: more, total_count }
        } else {
            let has_previous_page = request.after.is_some();
            Self { items: rows, has_next_page: more, has_previous_page, total_count }
        }
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
    fn after(&self, cursor: &Cursor) -> Condition {
        Condition::any()
            .add(self.sort_key.gt(cursor.sort_key.clone()))
            .add(Condition::all().add(self.sort_key.eq(cursor.sort_key.clone())).add(self.id.gt(cursor.id)))
    }

    /// The rows before `cursor` in this order.
    fn before(&self, cursor: &Cursor) -> Condition {
        Condition::any()
            .add(self.sort_key.lt(cursor.sort_key.clone()))
            .add(Condition::all().add(self.sort_key.eq(cursor.sort_key.clone())).add(self.id.lt(cursor.id)))
    }

    /// `query` narrowed to the rows between the request's cursors (unchanged without cursors, so a
    /// first page's statement is the same text as ever).
    pub(in crate::service) fn between<Q: QueryFilter>(&self, query: Q, request: &Paging) -> Q {
        let mut query = query;
        if let Some(cursor) = &request.after {
            query = query.filter(self.after(cursor));
        }
        if let Some(cursor) = &request.before {
            query = query.filter(self.before(cursor));
        }
        query
    }
}

/// A page of a list ordered by id, newest first (ids are time-ordered UUIDs): the request's cursors
/// bound the ids, and rows are read from the end the page is taken from. Pass the rows to
/// `Page::from_rows`.
pub(in crate::service) fn newest_first<E: EntityTrait>(
    select: Select<E>,
    id: E::Column,
    request: &Paging,
) -> Select<E> {
    let mut select = select;
    if let Some(after) = &request.after {
        select = select.filter(id.lt(after.id));
    }
    if let Some(before) = &request.before {
        select = select.filter(id.gt(before.id));
    }
    let select = if request.from_end { select.order_by_asc(id) } else { select.order_by_desc(id) };
    select.limit(request.fetch_limit())
}

/// One page of `select` (already filtered to what the actor may see), ordered by `ordering`.
pub(in crate::service) async fn fetch_page<E, C>(
    db: &C,
    select: Select<E>,
    ordering: Ordering<E::Column>,
    request: &Paging,
) -> Result<Page<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    let total_count = if request.with_total { Some(select.clone().count(db).await?) } else { None };
    let order = request.read_order();
    let rows = ordering
        .between(select, request)
        .order_by(ordering.sort_key, order.clone())
        .order_by(ordering.id, order)
        .limit(request.fetch_limit())
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
    request: &Paging,
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

    let order = request.read_order();
    let mut inner = ordering.between(select, request).into_query();
    inner.expr_window_as(
        Func::cust("ROW_NUMBER"),
        WindowStatement::partition_by(parent)
            .order_by(ordering.sort_key, order.clone())
            .order_by(ordering.id, order.clone())
            .to_owned(),
        Alias::new("row_number_in_parent"),
    );
    let outer = Query::select()
        .column(Asterisk)
        .from_subquery(inner, Alias::new("ranked"))
        .and_where(Expr::col(Alias::new("row_number_in_parent")).lte(request.fetch_limit()))
        .order_by(parent, Order::Asc)
        .order_by(ordering.sort_key, order.clone())
        .order_by(ordering.id, order)
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
        let size = |first| PageRequest::parse(first, None, false).map(|r| r.first).ok();
        assert_eq!(size(None), Some(20));
        assert_eq!(size(Some(0)), Some(0));
        assert_eq!(size(Some(100)), Some(100));
        for refused in [101, -1, 1 << 31, -(1 << 31) - 1] {
            assert!(
                matches!(
                    PageRequest::parse(Some(refused), None, false),
                    Err(AppError::BadUserInput { field, .. }) if field == "first"
                ),
                "first: {refused}"
            );
        }
    }

    #[test]
    fn a_page_without_cursors_adds_no_condition_to_its_statement() {
        use crate::entities::ward;
        use sea_orm::{DbBackend, QueryTrait};
        let ordering = Ordering { sort_key: ward::Column::Code, id: ward::Column::Id };
        let request = PageRequest::parse(Some(5), None, false).expect("a request");
        let sql = ordering
            .between(ward::Entity::find(), &Paging::from(&request))
            .build(DbBackend::Postgres)
            .to_string();
        assert!(!sql.contains("WHERE"), "{sql}");
    }

    #[test]
    fn last_pages_from_the_end_and_first_with_last_is_refused() {
        let last = PageArgs { last: Some(5), ..PageArgs::default() };
        let request = Paging::parse(last, false).expect("last alone");
        assert_eq!((request.size, request.from_end, request.read_order()), (5, true, Order::Desc));
        let both = PageArgs { first: Some(5), last: Some(5), ..PageArgs::default() };
        assert!(matches!(
            Paging::parse(both, false),
            Err(AppError::BadUserInput { field, .. }) if field == "last"
        ));
        let forged = PageArgs { before: Some("nope"), ..last };
        assert!(matches!(
            Paging::parse(forged, false),
            Err(AppError::BadUserInput { field, .. }) if field == "before"
        ));
    }

    #[test]
    fn a_page_from_the_end_is_put_back_in_list_order_and_says_what_lies_around_it() {
        let cursor = Cursor { sort_key: String::new(), id: Uuid::now_v7() };
        let request = |from_end, around: Option<Cursor>| Paging {
            size: 2,
            from_end,
            after: if from_end { None } else { around.clone() },
            before: if from_end { around } else { None },
            with_total: false,
        };
        // Read from the end: 5, 4 and one more (3) that says more lie before the page.
        let page = Page::from_rows(vec![5, 4, 3], &request(true, Some(cursor.clone())), None);
        assert_eq!((page.items, page.has_previous_page, page.has_next_page), (vec![4, 5], true, true));
        let page = Page::from_rows(vec![2, 1], &request(true, None), None);
        assert_eq!((page.items, page.has_previous_page, page.has_next_page), (vec![1, 2], false, false));
        let page = Page::from_rows(vec![3, 4, 5], &request(false, Some(cursor)), None);
        assert_eq!((page.items, page.has_previous_page, page.has_next_page), (vec![3, 4], true, true));
    }
}
