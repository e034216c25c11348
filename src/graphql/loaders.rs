//! Dataloaders: nested fields of many parents load in one query per distinct argument set, scoped to the
//! actor like every other read.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::context::ActorCell;
use crate::{
    entities::{household, residential_group, ward},
    service::{
        self,
        household::HouseholdFilter,
        page::{Page, PageRequest},
    },
};

type LoadResult<K, V> = Result<HashMap<K, V>, async_graphql::Error>;

/// Wards by id.
pub struct WardLoader {
    pub(super) db: DatabaseConnection,
    pub(super) actor: Arc<ActorCell>,
}

impl Loader<Uuid> for WardLoader {
    type Value = ward::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(service::ward::by_ids(&self.db, self.actor.current_or_nobody(), keys).await?)
    }
}

/// Groups by id.
pub struct GroupLoader {
    pub(super) db: DatabaseConnection,
    pub(super) actor: Arc<ActorCell>,
}

impl Loader<Uuid> for GroupLoader {
    type Value = residential_group::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(service::group::by_ids(&self.db, self.actor.current_or_nobody(), keys).await?)
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
    pub request: PageRequest,
}

/// Pages of groups per ward.
pub struct GroupPageLoader {
    pub(super) db: DatabaseConnection,
    pub(super) actor: Arc<ActorCell>,
}

impl Loader<GroupPageKey> for GroupPageLoader {
    type Value = Page<residential_group::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[GroupPageKey]) -> LoadResult<GroupPageKey, Self::Value> {
        let mut pages = HashMap::new();
        for (request, ward_ids) in by_arguments(keys, |k| (k.ward_id, k.request.clone())) {
            let found = service::group::pages_for_wards(
                &self.db,
                self.actor.current_or_nobody(),
                &ward_ids,
                &request,
            )
            .await?;
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
    /// Which households.
    pub filter: HouseholdFilter,
    /// Which page.
    pub request: PageRequest,
}

/// Pages of households per group.
pub struct HouseholdPageLoader {
    pub(super) db: DatabaseConnection,
    pub(super) actor: Arc<ActorCell>,
}

impl Loader<HouseholdPageKey> for HouseholdPageLoader {
    type Value = Page<household::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[HouseholdPageKey]) -> LoadResult<HouseholdPageKey, Self::Value> {
        let mut pages = HashMap::new();
        for ((filter, request), group_ids) in
            by_arguments(keys, |k| (k.group_id, (k.filter.clone(), k.request.clone())))
        {
            let found = service::household::pages_for_groups(
                &self.db,
                self.actor.current_or_nobody(),
                &group_ids,
                &filter,
                &request,
            )
            .await?;
            pages.extend(found.into_iter().map(|(group_id, page)| {
                (HouseholdPageKey { group_id, filter: filter.clone(), request: request.clone() }, page)
            }));
        }
        Ok(pages)
    }
}

/// Role assignments by user (the users themselves were already scoped).
pub struct AssignmentLoader {
    pub(super) db: DatabaseConnection,
}

impl Loader<Uuid> for AssignmentLoader {
    type Value = Vec<crate::entities::role_assignment::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(service::user::assignments_of(&self.db, keys).await?)
    }
}

/// Households by id.
pub struct HouseholdLoader {
    pub(super) db: DatabaseConnection,
    pub(super) actor: Arc<ActorCell>,
}

impl Loader<Uuid> for HouseholdLoader {
    type Value = household::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(service::household::by_ids(&self.db, self.actor.current_or_nobody(), keys).await?)
    }
}

/// Campaigns by id.
pub struct CampaignLoader {
    pub(super) db: DatabaseConnection,
    pub(super) actor: Arc<ActorCell>,
}

impl Loader<Uuid> for CampaignLoader {
    type Value = crate::entities::campaign::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(service::campaign::by_ids(&self.db, self.actor.current_or_nobody(), keys).await?)
    }
}

/// Pledges by household.
pub struct HouseholdPledgesLoader {
    pub(super) db: DatabaseConnection,
    pub(super) actor: Arc<ActorCell>,
}

impl Loader<Uuid> for HouseholdPledgesLoader {
    type Value = Vec<crate::entities::pledge::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(service::pledge::of_households(&self.db, self.actor.current_or_nobody(), keys).await?)
    }
}

/// Display names of the users who recorded something (colleagues' names are not scoped).
pub struct RecorderLoader {
    pub(super) db: DatabaseConnection,
}

impl Loader<Uuid> for RecorderLoader {
    type Value = String;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> LoadResult<Uuid, Self::Value> {
        Ok(service::user::display_names(&self.db, keys).await?)
    }
}
