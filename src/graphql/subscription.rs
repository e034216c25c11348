//! Live coverage for dashboards: `coverageUpdated` over graphql-ws (`/graphql/ws`).

use async_graphql::{Context, ID, Result, Subscription, futures_util::Stream};
use tokio::sync::broadcast::error::RecvError;

use super::{
    context::{parse_id, scope},
    coverage::GroupCoverage,
};
use crate::service::coverage::Detail;

/// Everything a client can follow live.
#[derive(Default)]
pub struct SubscriptionRoot;

/// Everything a client can follow live, over graphql-ws at `/graphql/ws`.
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// The row of each group whose coverage of `campaignId` moves (a pledge recorded or withdrawn, a
    /// household added, moved out or back), in the ward given or in every group the caller may see.
    /// Authenticate in `connection_init` with `{"Authorization": "Bearer <accessToken>"}`.
    async fn coverage_updated(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign.")] campaign_id: ID,
        #[graphql(desc = "Only groups of this ward.")] ward_id: Option<ID>,
    ) -> Result<impl Stream<Item = GroupCoverage> + use<>> {
        let scope = scope(ctx)?;
        let campaign_id = parse_id(&campaign_id, "campaignId")?;
        let ward_id = ward_id.as_ref().map(|id| parse_id(id, "wardId")).transpose()?;
        // Refuse now what the report would refuse (unknown campaign, ward out of scope or not covered).
        scope.coverage().report(campaign_id, ward_id, None, Detail::Wards).await?;
        let state = (scope.services().subscribe(), scope);
        Ok(async_graphql::futures_util::stream::unfold(state, move |(mut events, scope)| async move {
            loop {
                let event = match events.recv().await {
                    Ok(event) => event,
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return None,
                };
                if event.campaign_id.is_some_and(|c| c != campaign_id)
                    || ward_id.is_some_and(|w| w != event.ward_id)
                {
                    continue;
                }
                // Out of scope, or a ward the campaign does not cover: not this subscriber's business.
                let Ok(report) = scope
                    .coverage()
                    .report(campaign_id, Some(event.ward_id), Some(event.group_id), Detail::Groups)
                    .await
                else {
                    continue;
                };
                if let Some(figures) = report.groups.first().cloned() {
                    return Some((GroupCoverage::new(figures, campaign_id), (events, scope)));
                }
            }
        }))
    }
}
