//! The delta feed phones sync from, and the audit trail.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use super::{
    connection::{AuditEventConnection, page_request, to_connection},
    context::{int32, parse_id, scope},
    good_deed::GoodDeed,
    household::Household,
    pledge::Pledge,
    scalars::{DateTime, Json},
};
use crate::{
    error::AppError,
    service::records::AuditEventRecord,
    service::{
        self,
        audit::AuditFilter,
        changes::FeedCursor,
        page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE},
    },
};

/// What changed in the caller's scope since a cursor: the current state of each changed row.
#[derive(SimpleObject)]
pub struct ChangeSet {
    /// Households created or changed.
    pub households: Vec<Household>,
    /// Pledges recorded, withdrawn or signed again.
    pub pledges: Vec<Pledge>,
    /// Good deeds recorded, verified or rejected.
    pub good_deeds: Vec<GoodDeed>,
    /// Pass as `since` next time.
    pub cursor: String,
    /// More changes are waiting: ask again with `cursor` now.
    pub has_more: bool,
    /// When this page was read.
    pub as_of: DateTime,
}

/// One event of the audit trail.
pub struct AuditEvent(pub AuditEventRecord);

/// One event of the audit trail: who did what to which object, when.
#[Object]
impl AuditEvent {
    /// Unique id (time-ordered), across every type: `node(id:)` fetches the event again.
    pub(super) async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The user who acted; null for the service itself.
    async fn actor_id(&self) -> Option<ID> {
        self.0.actor_id.map(|id| ID(id.to_string()))
    }

    /// What was done, e.g. `household.update`, `pledge.record`, `session.login`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The kind of object, e.g. `household`.
    async fn target_type(&self) -> &str {
        &self.0.target_type
    }

    /// The object.
    async fn target_id(&self) -> Option<ID> {
        self.0.target_id.map(|id| ID(id.to_string()))
    }

    /// When.
    async fn occurred_at(&self) -> DateTime {
        DateTime(self.0.occurred_at)
    }

    /// What changed (never passwords, tokens or phone numbers in clear).
    async fn summary(&self) -> Result<Json> {
        Ok(Json(serde_json::from_str(&self.0.summary).map_err(AppError::internal)?))
    }
}

/// Narrows the audit trail.
#[derive(InputObject, Default)]
pub struct AuditEventFilterInput {
    /// Events by this user.
    pub actor_id: Option<ID>,
    /// Events about this object.
    pub target_id: Option<ID>,
    /// Events of this action, e.g. `pledge.record`.
    pub action: Option<String>,
    /// At or after this time.
    pub from: Option<DateTime>,
    /// Before this time.
    pub to: Option<DateTime>,
}

/// The feed and the audit trail.
#[derive(Default)]
pub struct SyncQuery;

#[Object]
impl SyncQuery {
    /// Households, pledges and good deeds in the caller's scope created or changed after `since`
    /// (everything when null), oldest change first. No change is ever skipped, even one committed
    /// while the phone was paging; a row may come again when it changed again.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The `cursor` of the previous answer; null for everything.")] since: Option<String>,
        #[graphql(desc = "How many changes at most, 1 to 100 (default 20).")] first: Option<i64>,
    ) -> Result<ChangeSet> {
        let scope = scope(ctx)?;
        let since = since
            .as_deref()
            .map(|text| {
                FeedCursor::decode(text)
                    .ok_or_else(|| AppError::bad_input("since", "since is not a cursor returned by changes"))
            })
            .transpose()?;
        let first = match first.map(|n| int32(n, "first")).transpose()? {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if (1..=MAX_PAGE_SIZE as i32).contains(&n) => n.unsigned_abs().into(),
            Some(_) => {
                return Err(
                    AppError::bad_input("first", format!("first must be 1 to {MAX_PAGE_SIZE}")).into()
                );
            }
        };
        let page = scope.changes().feed(since, first).await?;
        let households = scope.households().by_ids(&page.households).await?;
        let pledges = scope.pledges().by_ids(&page.pledges).await?;
        let deeds = scope.good_deeds().by_ids(&page.good_deeds).await?;
        let mut households_in_order = Vec::new();
        let mut households = households;
        for id in &page.households {
            households_in_order.extend(households.remove(id).map(Household::from));
        }
        let mut pledges = pledges;
        let mut deeds = deeds;
        Ok(ChangeSet {
            households: households_in_order,
            pledges: page.pledges.iter().filter_map(|id| pledges.remove(id)).map(Pledge).collect(),
            good_deeds: page.good_deeds.iter().filter_map(|id| deeds.remove(id)).map(GoodDeed).collect(),
            cursor: page.next.encode(),
            has_more: page.has_more,
            as_of: DateTime(page.as_of),
        })
    }

    /// The audit trail, newest first: everything for `ADMIN`, their wards' for `WARD_OFFICIAL`.
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrow the trail.")] filter: Option<AuditEventFilterInput>,
        #[graphql(desc = "How many, 0 to 100 (default 20).")] first: Option<i64>,
        #[graphql(desc = "Start after this cursor, taken from a previous page.")] after: Option<String>,
        #[graphql(desc = "Instead of `first`: how many from the end, 0 to 100.")] last: Option<i64>,
        #[graphql(desc = "End before this cursor, taken from a previous page.")] before: Option<String>,
    ) -> Result<AuditEventConnection> {
        let scope = scope(ctx)?;
        let filter = filter.unwrap_or_default();
        let filter = AuditFilter {
            actor_id: filter.actor_id.as_ref().map(|id| parse_id(id, "filter.actorId")).transpose()?,
            target_id: filter.target_id.as_ref().map(|id| parse_id(id, "filter.targetId")).transpose()?,
            action: filter.action,
            from: filter.from.map(|instant| instant.0),
            to: filter.to.map(|instant| instant.0),
        };
        let page_request = page_request(ctx, first, after, last, before)?;
        let page = scope.audit().list(&filter, &page_request).await?;
        Ok(to_connection(page, service::audit::cursor, AuditEvent))
    }
}
