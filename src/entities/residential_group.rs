//! `residential_group`: a tổ dân phố or thôn of a ward.

use sea_orm::entity::prelude::*;

/// A stored residential group.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "residential_group")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The ward it belongs to.
    pub ward_id: Uuid,
    /// Code, unique within the ward, e.g. "11".
    pub code: String,
    /// Natural ordering key of `code` (see `domain::text::natural_sort_key`).
    pub sort_key: String,
    /// Display name, e.g. "Tổ dân phố 11".
    pub name: String,
    /// When it was created.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of a group.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The ward.
    #[sea_orm(belongs_to = "super::ward::Entity", from = "Column::WardId", to = "super::ward::Column::Id")]
    Ward,
    /// The group's households.
    #[sea_orm(has_many = "super::household::Entity")]
    Household,
}

impl Related<super::ward::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Ward.def()
    }
}

impl Related<super::household::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Household.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
