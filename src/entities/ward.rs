//! `ward`: a phường or xã.

use sea_orm::entity::prelude::*;

/// A stored ward.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ward")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Official administrative code, unique.
    pub code: String,
    /// Display name, e.g. "Phường Lam Sơn".
    pub name: String,
    /// Province or city.
    pub province: String,
    /// When it was created.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of a ward.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The ward's residential groups.
    #[sea_orm(has_many = "super::residential_group::Entity")]
    ResidentialGroup,
}

impl Related<super::residential_group::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ResidentialGroup.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
