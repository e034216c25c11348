//! Pages of a group's households in natural code order, each household with its pledge for one
//! campaign when the page is asked with one. A page is one statement: the pledge is joined on
//! (household, campaign), the page is keyset-paged with one row more than asked (which says whether
//! more lie beyond the page), and the caller's scope is part of the same SQL. `group_with_page` reads the group in
//! that statement too. Only `totalCount`, when asked, costs a second one.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, Iterable, PaginatorTrait, QueryFilter, QueryResult, QueryTrait, Select,
    sea_query::{Alias, Asterisk, Expr, ExprTrait, JoinType, SelectStatement},
};
use uuid::Uuid;

use super::{HouseholdFilter, ORDERING, rows::Section, visible};
use crate::{
    auth::Actor,
    entities::{household, pledge, residential_group as group},
    error::{AppError, AppResult, Missing},
    service::page::{Page, Paging, fetch_pages_by_parent},
};

/// Which households of a group a page holds, and whose pledge comes with each.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HouseholdPageQuery {
    /// Narrows the list.
    pub filter: HouseholdFilter,
    /// Which page.
    pub request: Paging,
    /// The campaign whose pledge each household comes with; none reads no pledge.
    pub pledges_of: Option<Uuid>,
}

/// A household of a page, with its pledge for the campaign the page was asked with, if it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedHousehold {
    /// The household.
    pub household: household::Model,
    /// Its pledge for the page's campaign (signed or withdrawn); none without one, or when the page
    /// was asked without a campaign.
    pub pledge: Option<pledge::Model>,
}

const HOUSEHOLD: &str = "h_";
const PLEDGE: &str = "p_";
const GROUP: &str = "g_";
/// The page as a subquery of `group_with_page`.
const PAGE: &str = "page";

/// The households of `group_id` the actor may see, filtered: what a page and its total count read.
fn of_group(actor: &Actor, group_id: Uuid, filter: &HouseholdFilter) -> Select<household::Entity> {
    filter.apply(visible(actor)).filter(household::Column::GroupId.eq(group_id))
}

/// One page of `group_id`'s households, with each one's pledge for `query.pledges_of` joined, every
/// column named with its table's prefix.
fn page_statement(actor: &Actor, group_id: Uuid, query: &HouseholdPageQuery) -> SelectStatement {
    let select = ORDERING.between(of_group(actor, group_id, &query.filter), &query.request);
    let mut statement = select.into_query();
    statement.clear_selects();
    for column in household::Column::iter() {
        statement.expr_as(Expr::col((household::Entity, column)), prefixed(HOUSEHOLD, column));
    }
    if let Some(campaign_id) = query.pledges_of {
        statement.join(
            JoinType::LeftJoin,
            pledge::Entity,
            Expr::col((pledge::Entity, pledge::Column::HouseholdId))
                .equals((household::Entity, household::Column::Id))
                .and(Expr::col((pledge::Entity, pledge::Column::CampaignId)).eq(campaign_id)),
        );
        for column in pledge::Column::iter() {
            statement.expr_as(Expr::col((pledge::Entity, column)), prefixed(PLEDGE, column));
        }
    }
    let order = query.request.read_order();
    statement
        .order_by((household::Entity, household::Column::SortKey), order.clone())
        .order_by((household::Entity, household::Column::Id), order)
        .limit(query.request.fetch_limit());
    statement
}

fn prefixed(prefix: &str, column: impl sea_orm::IdenStatic) -> Alias {
    Alias::new(format!("{prefix}{}", column.as_str()))
}

/// The household (and pledge) of a row of `page_statement` whose columns start at `at`; none for the
/// empty side of an outer join.
fn listed(row: &QueryResult, at: Section, with_pledge: bool) -> AppResult<Option<ListedHousehold>> {
    let Some(household) = at.household(row)? else { return Ok(None) };
    let pledge = match with_pledge {
        true => at.then(household::Column::iter().len()).pledge(row)?,
        false => None,
    };
    Ok(Some(ListedHousehold { household, pledge }))
}

/// The households of a page's rows, whose columns start at `at`.
fn listed_rows(
    rows: &[QueryResult],
    at: Section,
    query: &HouseholdPageQuery,
) -> AppResult<Vec<ListedHousehold>> {
    let with_pledge = query.pledges_of.is_some();
    rows.iter().map(|row| listed(row, at, with_pledge)).filter_map(Result::transpose).collect()
}

async fn total_count(
    db: &impl ConnectionTrait,
    actor: &Actor,
    group_id: Uuid,
    query: &HouseholdPageQuery,
) -> AppResult<Option<u64>> {
    if !query.request.with_total {
        return Ok(None);
    }
    Ok(Some(of_group(actor, group_id, &query.filter).count(db).await?))
}

/// One page of a group's households the actor may see (empty for a group out of scope).
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn page(
    db: &impl ConnectionTrait,
    actor: &Actor,
    group_id: Uuid,
    query: &HouseholdPageQuery,
) -> AppResult<Page<ListedHousehold>> {
    crate::service::ensure_works_with_households(actor)?;
    let statement = db.get_database_backend().build(&page_statement(actor, group_id, query));
    let rows = db.query_all_raw(statement).await?;
    let households = listed_rows(&rows, Section(0), query)?;
    let total = total_count(db, actor, group_id, query).await?;
    Ok(Page::from_rows(households, &query.request, total))
}

/// A group the actor may see and one page of its households, in one statement (the group's row
/// repeated on each household's); `NOT_FOUND` when the group is missing or out of scope.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn group_with_page(
    db: &impl ConnectionTrait,
    actor: &Actor,
    group_id: Uuid,
    query: &HouseholdPageQuery,
) -> AppResult<(group::Model, Page<ListedHousehold>)> {
    crate::service::ensure_works_with_households(actor)?;
    let page = Alias::new(PAGE);
    let mut statement =
        crate::service::group::visible(actor).filter(group::Column::Id.eq(group_id)).into_query();
    statement.clear_selects();
    for column in group::Column::iter() {
        statement.expr_as(Expr::col((group::Entity, column)), prefixed(GROUP, column));
    }
    let order = query.request.read_order();
    statement
        .column((page.clone(), Asterisk))
        .join_subquery(
            JoinType::LeftJoin,
            page_statement(actor, group_id, query),
            page.clone(),
            Expr::col((page.clone(), prefixed(HOUSEHOLD, household::Column::GroupId)))
                .equals((group::Entity, group::Column::Id)),
        )
        .order_by((page.clone(), prefixed(HOUSEHOLD, household::Column::SortKey)), order.clone())
        .order_by((page, prefixed(HOUSEHOLD, household::Column::Id)), order);
    let rows = db.query_all_raw(db.get_database_backend().build(&statement)).await?;
    let first = rows.first().ok_or(AppError::NotFound(Missing::Group))?;
    let group = Section(0).group(first)?;
    let households = listed_rows(&rows, Section(0).then(group::Column::iter().len()), query)?;
    let total = total_count(db, actor, group_id, query).await?;
    Ok((group, Page::from_rows(households, &query.request, total)))
}

/// For each group, one page of its households the actor may see (for dataloaders): one statement for
/// one group; for several, their pages in one and the pledges of all their households in another.
pub(in crate::service) async fn pages_for_groups(
    db: &impl ConnectionTrait,
    actor: &Actor,
    group_ids: &[Uuid],
    query: &HouseholdPageQuery,
) -> AppResult<HashMap<Uuid, Page<ListedHousehold>>> {
    crate::service::ensure_works_with_households(actor)?;
    if let [only] = group_ids {
        return Ok(HashMap::from([(*only, page(db, actor, *only, query).await?)]));
    }
    let select = query.filter.apply(visible(actor));
    let pages = fetch_pages_by_parent(
        db,
        select,
        household::Column::GroupId,
        |h| h.group_id,
        group_ids,
        ORDERING,
        &query.request,
    )
    .await?;
    let ids: Vec<Uuid> = pages.values().flat_map(|page| page.items.iter().map(|h| h.id)).collect();
    let mut pledges: HashMap<Uuid, pledge::Model> = HashMap::new();
    if let Some(campaign_id) = query.pledges_of
        && !ids.is_empty()
    {
        pledges = crate::service::pledge::visible(actor)
            .filter(pledge::Column::CampaignId.eq(campaign_id))
            .filter(pledge::Column::HouseholdId.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.household_id, p))
            .collect();
    }
    Ok(pages
        .into_iter()
        .map(|(group_id, page)| {
            let page = page.map(|household| {
                let pledge = pledges.remove(&household.id);
                ListedHousehold { household, pledge }
            });
            (group_id, page)
        })
        .collect())
}
