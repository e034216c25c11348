//! The `Actor` behind a request: read from the user's row and role assignments, once per access token
//! or at sign-in.
//!
//! What an actor may then see and change is decided by the rest of the service layer.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, Query},
};
use uuid::Uuid;

use crate::{
    auth::{Actor, Role, actor::WardRoles, jwt::Claims},
    entities::{app_user, refresh_token, residential_group as group, role_assignment},
    error::AppResult,
};

/// The actor for a verified access token, and when its session expires unless renewed: `None` when the
/// user is gone or inactive, the token's version is no longer current (password changed, deactivated),
/// or its session has ended (logout, refresh-token reuse, revocation).
pub(in crate::service) async fn load_actor(
    db: &impl ConnectionTrait,
    claims: &Claims,
    now: DateTime<Utc>,
) -> AppResult<Option<(Actor, DateTime<Utc>)>> {
    let user_id = claims.sub;
    // The session lives while its refresh-token family still has an unrevoked, unexpired token.
    let session = Query::select()
        .expr(Expr::col(refresh_token::Column::ExpiresAt).max())
        .from(refresh_token::Entity)
        .and_where(Expr::col(refresh_token::Column::FamilyId).eq(claims.sid))
        .and_where(Expr::col(refresh_token::Column::UserId).eq(user_id))
        .and_where(Expr::col(refresh_token::Column::RevokedAt).is_null())
        .and_where(Expr::col(refresh_token::Column::ExpiresAt).gt(now))
        .to_owned();
    // One query per request, whatever the roles: the user, the session, each assignment, and a led
    // group's ward.
    let query = Query::select()
        .expr_as(
            Expr::SubQuery(None, Box::new(session.into())),
            sea_orm::sea_query::Alias::new("session_expires"),
        )
        .column((app_user::Entity, app_user::Column::Active))
        .column((app_user::Entity, app_user::Column::TokenVersion))
        .column((role_assignment::Entity, role_assignment::Column::Role))
        .column((role_assignment::Entity, role_assignment::Column::WardId))
        .column((role_assignment::Entity, role_assignment::Column::GroupId))
        .expr_as(
            Expr::col((group::Entity, group::Column::WardId)),
            sea_orm::sea_query::Alias::new("group_ward_id"),
        )
        .from(app_user::Entity)
        .left_join(
            role_assignment::Entity,
            Expr::col((role_assignment::Entity, role_assignment::Column::UserId))
                .equals((app_user::Entity, app_user::Column::Id)),
        )
        .left_join(
            group::Entity,
            Expr::col((group::Entity, group::Column::Id))
                .equals((role_assignment::Entity, role_assignment::Column::GroupId)),
        )
        .and_where(Expr::col((app_user::Entity, app_user::Column::Id)).eq(user_id))
        .to_owned();
    let rows = ActorRow::find_by_statement(db.get_database_backend().build(&query)).all(db).await?;
    let Some(first) = rows.first() else { return Ok(None) };
    let Some(session_expires) =
        first.session_expires.filter(|_| first.active && first.token_version == claims.ver)
    else {
        return Ok(None);
    };
    let (mut admin, mut wards, mut leader_groups) = (false, WardRoles::default(), Vec::new());
    for row in &rows {
        match row.role {
            None => {}
            Some(Role::Admin) => admin = true,
            Some(Role::WardOfficial) => wards.official.extend(row.ward_id),
            Some(Role::WardPolice) => wards.police.extend(row.ward_id),
            Some(Role::GroupLeader) => leader_groups.extend(row.group_id.zip(row.group_ward_id)),
        }
    }
    Ok(Some((Actor::new(user_id, admin, wards, leader_groups), session_expires)))
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct ActorRow {
    session_expires: Option<DateTime<Utc>>,
    active: bool,
    token_version: i32,
    role: Option<Role>,
    ward_id: Option<Uuid>,
    group_id: Option<Uuid>,
    group_ward_id: Option<Uuid>,
}

/// The actor for `user`, from their role assignments.
pub(in crate::service) async fn actor_of(
    db: &impl ConnectionTrait,
    user: &app_user::Model,
) -> AppResult<Actor> {
    let assignments =
        role_assignment::Entity::find().filter(role_assignment::Column::UserId.eq(user.id)).all(db).await?;
    let mut admin = false;
    let mut wards = WardRoles::default();
    let mut led_groups = Vec::new();
    for assignment in &assignments {
        match assignment.role {
            Role::Admin => admin = true,
            Role::WardOfficial => wards.official.extend(assignment.ward_id),
            Role::WardPolice => wards.police.extend(assignment.ward_id),
            Role::GroupLeader => led_groups.extend(assignment.group_id),
        }
    }
    let leader_groups: Vec<(Uuid, Uuid)> = if led_groups.is_empty() {
        Vec::new()
    } else {
        group::Entity::find()
            .select_only()
            .column(group::Column::Id)
            .column(group::Column::WardId)
            .filter(group::Column::Id.is_in(led_groups))
            .into_tuple()
            .all(db)
            .await?
    };
    Ok(Actor::new(user.id, admin, wards, leader_groups))
}
