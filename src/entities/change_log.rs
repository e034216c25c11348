//! `change_log`: one row per change of a household, pledge or good deed, read by the delta feed.

use sea_orm::entity::prelude::*;

/// A stored change.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change_log")]
pub struct Model {
    /// Order of writing.
    #[sea_orm(primary_key)]
    pub seq: i64,
    /// The writing transaction (PostgreSQL), 0 on SQLite.
    pub tx: i64,
    /// What kind of row changed.
    pub entity_type: EntityType,
    /// The changed row.
    pub entity_id: Uuid,
    /// Its group (for scope).
    pub group_id: Uuid,
    /// Its ward (for scope).
    pub ward_id: Uuid,
    /// When.
    pub changed_at: DateTimeUtc,
}

/// What kind of row changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum EntityType {
    /// A household.
    #[sea_orm(string_value = "household")]
    Household,
    /// A pledge.
    #[sea_orm(string_value = "pledge")]
    Pledge,
    /// A good deed.
    #[sea_orm(string_value = "good_deed")]
    GoodDeed,
}

/// Changes relate to nothing the application navigates through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
