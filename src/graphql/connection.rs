//! Relay connections built from service pages, with `totalCount`.
//!
//! Our own types rather than async-graphql's `Connection`, so every type in the SDL has a description.

use async_graphql::{Context, SimpleObject};

use super::{
    assessment::GroupAssessment, award::Award, campaign::Campaign, good_deed::GoodDeed,
    group::ResidentialGroup, household::Household, incident::IncidentTally, movement_event::MovementEvent,
    self_management::SelfManagementModel, survey::SatisfactionSurvey, sync::AuditEvent, user::User,
    ward::Ward,
};
use crate::{
    error::AppResult,
    service::page::{Cursor, Page, PageArgs, Paging},
};

/// Declares `$connection` and `$edge` for `$node`: one page of a list, and an item with its cursor.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty) => {
        /// One page of a list: the items with their cursors, where the page stands, and how many there are.
        #[derive(SimpleObject)]
        pub struct $connection {
            /// The items of this page, each with the cursor to continue after it.
            pub edges: Vec<$edge>,
            /// Whether more pages follow, and the cursors at both ends of this one.
            pub page_info: PageInfo,
            /// How many items match, over all pages.
            pub total_count: u64,
        }

        /// An item of a page with its cursor.
        #[derive(SimpleObject)]
        pub struct $edge {
            /// Pass as `after` for the items that follow this one, or as `before` for those before it.
            pub cursor: String,
            /// The item.
            pub node: $node,
        }

        impl Connection for $connection {
            type Node = $node;

            fn assemble(edges: Vec<(String, $node)>, page_info: PageInfo, total_count: u64) -> Self {
                let edges = edges.into_iter().map(|(cursor, node)| $edge { cursor, node }).collect();
                Self { edges, page_info, total_count }
            }
        }
    };
}

/// A connection type made by `connection!`.
pub trait Connection {
    /// The item type.
    type Node;
    /// Builds the connection from its parts.
    fn assemble(edges: Vec<(String, Self::Node)>, page_info: PageInfo, total_count: u64) -> Self;
}

connection!(WardConnection, WardEdge, Ward);
connection!(ResidentialGroupConnection, ResidentialGroupEdge, ResidentialGroup);
connection!(HouseholdConnection, HouseholdEdge, Household);
connection!(UserConnection, UserEdge, User);
connection!(CampaignConnection, CampaignEdge, Campaign);
connection!(GoodDeedConnection, GoodDeedEdge, GoodDeed);
connection!(AuditEventConnection, AuditEventEdge, AuditEvent);
connection!(IncidentTallyConnection, IncidentTallyEdge, IncidentTally);
connection!(SelfManagementModelConnection, SelfManagementModelEdge, SelfManagementModel);
connection!(AwardConnection, AwardEdge, Award);
connection!(MovementEventConnection, MovementEventEdge, MovementEvent);
connection!(SatisfactionSurveyConnection, SatisfactionSurveyEdge, SatisfactionSurvey);
connection!(GroupAssessmentConnection, GroupAssessmentEdge, GroupAssessment);

/// Where a page stands in its list.
#[derive(SimpleObject)]
pub struct PageInfo {
    /// More items follow this page (asked with `last`: true whenever it was asked with `before`).
    pub has_next_page: bool,
    /// Items come before this page (asked with `first`: true whenever it was asked with `after`).
    pub has_previous_page: bool,
    /// The cursor of the first item: pass it as `before` for the page before this one.
    pub start_cursor: Option<String>,
    /// The cursor of the last item: pass it as `after` for the next page.
    pub end_cursor: Option<String>,
}

/// Parses `first`/`after` or `last`/`before`, counting the total only when the query asks for
/// `totalCount`.
pub fn page_request(
    ctx: &Context<'_>,
    first: Option<i64>,
    after: Option<String>,
    last: Option<i64>,
    before: Option<String>,
) -> AppResult<Paging> {
    let with_total = ctx.look_ahead().field("totalCount").exists();
    let args = PageArgs { first, after: after.as_deref(), last, before: before.as_deref() };
    Paging::parse(args, with_total)
}

/// Converts a page of models into a connection of GraphQL nodes.
pub fn to_connection<M, C: Connection>(
    page: Page<M>,
    cursor: impl Fn(&M) -> Cursor,
    node: impl Fn(M) -> C::Node,
) -> C {
    let edges: Vec<(String, C::Node)> =
        page.items.into_iter().map(|m| (cursor(&m).encode(), node(m))).collect();
    let page_info = PageInfo {
        has_next_page: page.has_next_page,
        has_previous_page: page.has_previous_page,
        start_cursor: edges.first().map(|(cursor, _)| cursor.clone()),
        end_cursor: edges.last().map(|(cursor, _)| cursor.clone()),
    };
    C::assemble(edges, page_info, page.total_count.unwrap_or(0))
}
