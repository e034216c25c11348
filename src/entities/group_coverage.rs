//! `group_coverage`: the number of ACTIVE households of a group (the coverage denominator).

use sea_orm::entity::prelude::*;

/// A stored counter.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "group_coverage")]
pub struct Model {
    /// The group.
    #[sea_orm(primary_key, auto_increment = false)]
    pub group_id: Uuid,
    /// Its ACTIVE households.
    pub active_households: i32,
}

/// Counters relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
