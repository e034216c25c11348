//! Dataloaders: nested fields of many parents load in one query per distinct argument set, through the
//! request's scoped service handle like every other read.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use uuid::Uuid;

use super::context::ActorCell;
use crate::service::{
    Scope, Services,
    household::{HouseholdPageQuery, ListedHousehold},
    page::{Page, Paging},
    records::{
        CampaignRecord, GroupAssessmentRecord, GroupRecord, HouseholdRecord, MovementEventRecord,
        PledgeRecord, RoleAssignmentRecord, SurveyQuestionRecord, SurveyRecord, WardRecord,
    },
    ward_settings::WardSettings,
};

type LoadResult<K, V> = Result<HashMap<K, V>, async_graphql::Error>;

/// What every loader holds: the services and the request's caller (read when a batch runs, so the
/// payload of a `login` loads as the user it signed in).
#[derive(Clone)]
pub(super) struct Scoped {
    pub(super) services: Arc<Services>,
    pub(super) actor: Arc<ActorCell>,
}

impl Scoped {
    fn scope(&self) -> Scope {
        self.services.scope(self.actor.current_or_nobody())
    }
}

/// Wards by id.
pub struct WardLoader(pub(super) Scoped);

impl Loader<Uuid> for WardLoader {
    type Value = WardRecord;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(self.0.scope().wards().by_ids(keys).await?)
    }
}

/// Groups by id.
pub struct GroupLoader(pub(super) Scoped);

impl Loader<Uuid> for GroupLoader {
    type Value = GroupRecord;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(self.0.scope().groups().by_ids(keys).await?)
    }
}

/// Split keys by their shared arguments, so each distinct argument set is one batched call.
fn by_arguments<K: Clone, A: Clone + Eq + std::hash::Hash>(
    keys: &[K],
    parent_and_args: impl Fn(&K) -> (Uuid, A),
) -> HashMap<A, Vec<Uuid>> {
    let mut batches: HashMap<A, Vec<Uuid>> = HashMap::new();
    for key in keys {
        let (parent, args) = parent_and_args(key);
        batches.entry(args).or_default().push(parent);
    }
    batches
}

/// One page of a ward's groups.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GroupPageKey {
    /// The ward.
    pub ward_id: Uuid,
    /// Which page.
    pub request: Paging,
}

/// Pages of groups per ward.
pub struct GroupPageLoader(pub(super) Scoped);

impl Loader<GroupPageKey> for GroupPageLoader {
    type Value = Page<GroupRecord>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[GroupPageKey]) -> LoadResult<GroupPageKey, Self::Value> {
        let scope = self.0.scope();
        let mut pages = HashMap::new();
        for (request, ward_ids) in by_arguments(keys, |k| (k.ward_id, k.request.clone())) {
            let found = scope.groups().pages_for_wards(&ward_ids, &request).await?;
            pages.extend(
                found
                    .into_iter()
                    .map(|(ward_id, page)| (GroupPageKey { ward_id, request: request.clone() }, page)),
            );
        }
        Ok(pages)
    }
}

/// One page of a group's households.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HouseholdPageKey {
    /// The group.
    pub group_id: Uuid,
    /// Which households, and whose pledge comes with each.
    pub query: HouseholdPageQuery,
}

/// Pages of households per group.
pub struct HouseholdPageLoader(pub(super) Scoped);

impl Loader<HouseholdPageKey> for HouseholdPageLoader {
    type Value = Page<ListedHousehold>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[HouseholdPageKey]) -> LoadResult<HouseholdPageKey, Self::Value> {
        let scope = self.0.scope();
        let mut pages = HashMap::new();
        for (query, group_ids) in by_arguments(keys, |k| (k.group_id, k.query.clone())) {
            let found = scope.households().pages_for_groups(&group_ids, &query).await?;
            pages.extend(
                found
                    .into_iter()
                    .map(|(group_id, page)| (HouseholdPageKey { group_id, query: query.clone() }, page)),
            );
        }
        Ok(pages)
    }
}

/// Role assignments by user, of the users the caller may see.
pub struct AssignmentLoader(pub(super) Scoped);

impl Loader<Uuid> for AssignmentLoader {
    type Value = Vec<RoleAssignmentRecord>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(self.0.scope().users().assignments(keys).await?)
    }
}

/// Households by id.
pub struct HouseholdLoader(pub(super) Scoped);

impl Loader<Uuid> for HouseholdLoader {
    type Value = HouseholdRecord;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(self.0.scope().households().by_ids(keys).await?)
    }
}

/// Campaigns by id.
pub struct CampaignLoader(pub(super) Scoped);

impl Loader<Uuid> for CampaignLoader {
    type Value = CampaignRecord;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(self.0.scope().campaigns().by_ids(keys).await?)
    }
}

/// Pledges by household.
pub struct HouseholdPledgesLoader(pub(super) Scoped);

impl Loader<Uuid> for HouseholdPledgesLoader {
    type Value = Vec<PledgeRecord>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(self.0.scope().pledges().of_households(keys).await?)
    }
}

/// Display names of the users who recorded something the caller sees.
pub struct RecorderLoader(pub(super) Scoped);

impl Loader<Uuid> for RecorderLoader {
    type Value = String;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(self.0.scope().users().display_names(keys).await?)
    }
}

/// Movement events by id (the event an award names).
pub struct MovementEventLoader(pub(super) Scoped);

impl Loader<Uuid> for MovementEventLoader {
    type Value = MovementEventRecord;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(self.0.scope().movement_events().by_ids(keys).await?)
    }
}

/// Satisfaction surveys by id, with their questions.
pub struct SurveyLoader(pub(super) Scoped);

impl Loader<Uuid> for SurveyLoader {
    type Value = SurveyRecord;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(self.0.scope().surveys().by_ids(keys).await?)
    }
}

/// Survey questions by id.
pub struct SurveyQuestionLoader(pub(super) Scoped);

impl Loader<Uuid> for SurveyQuestionLoader {
    type Value = SurveyQuestionRecord;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(self.0.scope().surveys().questions_by_ids(keys).await?)
    }
}

/// Wards' settings by ward (the defaults for a ward that never changed them).
pub struct WardSettingsLoader(pub(super) Scoped);

impl Loader<Uuid> for WardSettingsLoader {
    type Value = WardSettings;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(self.0.scope().ward_settings().of_wards(keys).await?)
    }
}

/// Group assessments by (group, movement year).
pub struct AssessmentLoader(pub(super) Scoped);

impl Loader<(Uuid, i32)> for AssessmentLoader {
    type Value = GroupAssessmentRecord;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[(Uuid, i32)]) -> LoadResult<(Uuid, i32), Self::Value> {
        Ok(self.0.scope().assessments().of_groups(keys).await?)
    }
}
