//! `campaign_group_coverage`: ACTIVE households of a group with a SIGNED pledge for a campaign.

use sea_orm::entity::prelude::*;

/// A stored counter.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaign_group_coverage")]
pub struct Model {
    /// The campaign.
    #[sea_orm(primary_key, auto_increment = false)]
    pub campaign_id: Uuid,
    /// The group.
    #[sea_orm(primary_key, auto_increment = false)]
    pub group_id: Uuid,
    /// Its ACTIVE households that signed.
    pub signed_households: i32,
}

/// Counters relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
