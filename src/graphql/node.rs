//! Relay's Global Object Identification: the `Node` interface, `node(id:)` and `nodes(ids:)`.
//!
//! Ids are the objects' UUIDs, unique across every type (see `service::node`), so any `id` a client has
//! read may be passed back to `node`. What the caller may not see answers exactly like what does not
//! exist: `null`, with a `NOT_FOUND` error that does not tell the kind.

use async_graphql::{Context, ID, Interface, Object, PathSegment, Result};
use uuid::Uuid;

use super::{
    assessment::GroupAssessment,
    award::Award,
    campaign::Campaign,
    context::{parse_id, scope},
    good_deed::GoodDeed,
    group::ResidentialGroup,
    household::Household,
    incident::IncidentTally,
    movement_event::MovementEvent,
    pledge::Pledge,
    self_management::SelfManagementModel,
    survey::{SatisfactionSurvey, SurveyBallot, SurveyQuestion},
    sync::AuditEvent,
    user::User,
    ward::Ward,
};
use crate::{
    error::{AppError, Missing},
    service::NodeRecord,
};

/// Most ids one `nodes` call takes.
pub const MAX_NODES: usize = 100;

/// An object with an id unique across every type, which `node(id:)` fetches again.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Unique across every type: pass it to `node(id:)`."))]
pub enum Node {
    /// A ward.
    Ward(Ward),
    /// A residential group.
    ResidentialGroup(ResidentialGroup),
    /// A household.
    Household(Household),
    /// A campaign.
    Campaign(Campaign),
    /// A pledge.
    Pledge(Pledge),
    /// A good deed.
    GoodDeed(GoodDeed),
    /// A user.
    User(User),
    /// An audit event.
    AuditEvent(AuditEvent),
    /// A monthly incident tally.
    IncidentTally(IncidentTally),
    /// A self-management model.
    SelfManagementModel(SelfManagementModel),
    /// An award.
    Award(Award),
    /// A movement event.
    MovementEvent(MovementEvent),
    /// A satisfaction survey.
    SatisfactionSurvey(SatisfactionSurvey),
    /// A question of a satisfaction survey.
    SurveyQuestion(SurveyQuestion),
    /// A paper ballot of a satisfaction survey.
    SurveyBallot(SurveyBallot),
    /// A group's assessment for a movement year.
    GroupAssessment(GroupAssessment),
}

impl From<NodeRecord> for Node {
    fn from(record: NodeRecord) -> Self {
        match record {
            NodeRecord::Ward(ward) => Node::Ward(ward.into()),
            NodeRecord::Group(group) => Node::ResidentialGroup(group.into()),
            NodeRecord::Household(household) => Node::Household(household.into()),
            NodeRecord::Campaign(campaign) => Node::Campaign(Campaign(campaign)),
            NodeRecord::Pledge(pledge) => Node::Pledge(Pledge(pledge)),
            NodeRecord::GoodDeed(deed) => Node::GoodDeed(GoodDeed(deed)),
            NodeRecord::User(user) => Node::User(User::new(user)),
            NodeRecord::AuditEvent(event) => Node::AuditEvent(AuditEvent(event)),
            NodeRecord::IncidentTally(tally) => Node::IncidentTally(IncidentTally(tally)),
            NodeRecord::SelfManagementModel(model) => Node::SelfManagementModel(SelfManagementModel(model)),
            NodeRecord::Award(award) => Node::Award(Award(award)),
            NodeRecord::MovementEvent(event) => Node::MovementEvent(MovementEvent(event)),
            NodeRecord::Survey(survey) => Node::SatisfactionSurvey(SatisfactionSurvey(survey)),
            NodeRecord::SurveyQuestion(question) => Node::SurveyQuestion(SurveyQuestion(question)),
            NodeRecord::SurveyBallot(ballot) => Node::SurveyBallot(SurveyBallot(ballot)),
            NodeRecord::GroupAssessment(assessment) => Node::GroupAssessment(assessment.into()),
        }
    }
}

/// `node` and `nodes`.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this id, whatever its type (use `... on Household { … }`); null with
    /// `NOT_FOUND` when it does not exist or lies outside the caller's scope, as for `household(id:)`.
    async fn node(&self, ctx: &Context<'_>, #[graphql(desc = "Any object's `id`.")] id: ID) -> Option<Node> {
        let found = async {
            let id = parse_id(&id, "id")?;
            let mut found = scope(ctx)?.nodes().by_ids(&[id]).await?;
            found.remove(&id).ok_or(AppError::NotFound(Missing::Object))
        };
        match found.await {
            Ok(record) => Some(record.into()),
            Err(err) => {
                report(ctx, None, err);
                None
            }
        }
    }

    /// The objects with these ids, in the same order (at most 100; more is `LIMIT_EXCEEDED`). An id that
    /// names nothing the caller may see is null, with a `NOT_FOUND` error at its index.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Objects' `id`s, at most 100.")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(AppError::LimitExceeded {
                limit: "nodes",
                max: MAX_NODES,
                actual: Some(ids.len()),
                message: format!("nodes takes at most {MAX_NODES} ids; ask for the rest in another call"),
            }
            .into());
        }
        let scope = scope(ctx)?;
        let parsed: Vec<Result<Uuid, AppError>> =
            ids.iter().enumerate().map(|(index, id)| parse_id(id, &format!("ids.{index}"))).collect();
        let wanted: Vec<Uuid> = parsed.iter().filter_map(|id| id.as_ref().ok().copied()).collect();
        let found = scope.nodes().by_ids(&wanted).await?;
        let mut nodes = Vec::with_capacity(parsed.len());
        for (index, id) in parsed.into_iter().enumerate() {
            let record = id.and_then(|id| found.get(&id).cloned().ok_or(AppError::NotFound(Missing::Object)));
            match record {
                Ok(record) => nodes.push(Some(record.into())),
                Err(err) => {
                    report(ctx, Some(index), err);
                    nodes.push(None);
                }
            }
        }
        Ok(nodes)
    }
}

/// Reports `err` at this field (at `index` of its list) and leaves the value null. Returned as the
/// field's error instead, async-graphql would leave the field out of `data` altogether (and answer
/// `data: null` when it is alone), where Relay expects `null` in its place.
fn report(ctx: &Context<'_>, index: Option<usize>, err: AppError) {
    let mut error = err.into_server_error();
    error.locations = vec![ctx.item.pos];
    let mut error = ctx.set_error_path(error);
    error.path.extend(index.map(PathSegment::Index));
    ctx.add_error(error);
}
