//! `household`: a hộ gia đình of a residential group.

use sea_orm::entity::prelude::*;

use crate::domain::household::HouseholdStatus;

/// A stored household.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "household")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The residential group it belongs to.
    pub group_id: Uuid,
    /// Code, unique within the group.
    pub code: String,
    /// Natural ordering key of `code`.
    pub sort_key: String,
    /// Name of the head of household.
    pub head_name: String,
    /// Street address.
    pub address: String,
    /// People in the household, 1–100.
    pub member_count: i32,
    /// E.164 phone number, if given.
    pub phone: Option<String>,
    /// Whether it counts in coverage.
    pub status: HouseholdStatus,
    /// Folded head name, code and address for diacritic-insensitive search.
    pub search_text: String,
    /// Optimistic concurrency version, starting at 1.
    pub version: i32,
    /// When it was created.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of a household.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The group.
    #[sea_orm(
        belongs_to = "super::residential_group::Entity",
        from = "Column::GroupId",
        to = "super::residential_group::Column::Id"
    )]
    ResidentialGroup,
}

impl Related<super::residential_group::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ResidentialGroup.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
