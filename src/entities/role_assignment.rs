//! `role_assignment`: one role of a user with its scope (none, a ward, or a group).

use sea_orm::entity::prelude::*;

use crate::auth::Role;

/// A stored role assignment.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "role_assignment")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The user.
    pub user_id: Uuid,
    /// The role; its scope is in `ward_id` or `group_id`.
    pub role: Role,
    /// The ward of a `WARD_OFFICIAL`.
    pub ward_id: Option<Uuid>,
    /// The group of a `GROUP_LEADER`.
    pub group_id: Option<Uuid>,
    /// When it was granted.
    pub created_at: DateTimeUtc,
}

/// Relations of an assignment.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The user.
    #[sea_orm(
        belongs_to = "super::app_user::Entity",
        from = "Column::UserId",
        to = "super::app_user::Column::Id"
    )]
    AppUser,
}

impl Related<super::app_user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AppUser.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
