//! Users and their role assignments: who may sign in, and with which scopes.
//!
//! The reads live here (who an actor may see, pages of users, assignments, display names, a user's home
//! ward); turning a user into the `Actor` that makes requests lives in `actor`, and creating users and
//! switching them on or off in `manage`.

mod actor;
mod manage;

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Select, sea_query::Query,
};
use uuid::Uuid;

pub(in crate::service) use actor::{actor_of, load_actor};
pub use manage::{NewAssignment, NewUser};
pub(in crate::service) use manage::{create, set_active};

use super::page::{Cursor, Ordering, Page, Paging, fetch_page};
use crate::{
    auth::Actor,
    entities::{app_user, residential_group as group, role_assignment},
    error::{AppError, AppResult, Missing},
};

/// Longest accepted username.
pub const MAX_USERNAME_CHARS: usize = 64;

/// Checks a username and returns it with its lower-cased lookup key.
pub fn parse_username(input: &str) -> AppResult<(String, String)> {
    let username = input.trim();
    let valid_chars = username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if username.chars().count() < 3 || username.chars().count() > MAX_USERNAME_CHARS || !valid_chars {
        return Err(AppError::bad_input(
            "username",
            "a username has 3 to 64 characters: letters without diacritics, digits, '.', '_' or '-'",
        ));
    }
    Ok((username.to_owned(), username.to_ascii_lowercase()))
}

/// The users `actor` may see: everyone for admins; for officials, themselves and the users holding an
/// assignment in their wards (or a group of them); for anyone else, themselves.
fn visible(actor: &Actor) -> Select<app_user::Entity> {
    let query = app_user::Entity::find();
    if actor.is_admin() {
        return query;
    }
    let wards = actor.official_wards().to_vec();
    let groups_of_wards = Query::select()
        .column(group::Column::Id)
        .from(group::Entity)
        .and_where(group::Column::WardId.is_in(wards.clone()))
        .to_owned();
    let in_wards = Query::select()
        .column(role_assignment::Column::UserId)
        .from(role_assignment::Entity)
        .cond_where(
            Condition::any()
                .add(role_assignment::Column::WardId.is_in(wards))
                .add(role_assignment::Column::GroupId.in_subquery(groups_of_wards)),
        )
        .to_owned();
    query.filter(
        Condition::any()
            .add(app_user::Column::Id.eq(actor.user_id))
            .add(app_user::Column::Id.in_subquery(in_wards)),
    )
}

const ORDERING: Ordering<app_user::Column> =
    Ordering { sort_key: app_user::Column::UsernameKey, id: app_user::Column::Id };

/// The cursor of a user in `list`.
pub fn cursor(user: &app_user::Model) -> Cursor {
    Cursor { sort_key: user.username_key.clone(), id: user.id }
}

/// A page of the users the actor may see, by username. Group leaders may not list users.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    request: &Paging,
) -> AppResult<Page<app_user::Model>> {
    if !actor.is_official_anywhere() {
        return Err(AppError::Forbidden("only ward officials and administrators may list users"));
    }
    Ok(fetch_page(db, visible(actor), ORDERING, request).await?)
}

/// One user in scope, or `NOT_FOUND`.
pub(in crate::service) async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> AppResult<app_user::Model> {
    visible(actor).filter(app_user::Column::Id.eq(id)).one(db).await?.ok_or(AppError::NotFound(Missing::User))
}

/// The users among `ids` the actor may see.
pub(in crate::service) async fn by_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, app_user::Model>> {
    let rows = visible(actor).filter(app_user::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    Ok(rows.into_iter().map(|user| (user.id, user)).collect())
}

/// The role assignments of each of `user_ids` the actor may see (for dataloaders).
pub(in crate::service) async fn visible_assignments(
    db: &impl ConnectionTrait,
    actor: &Actor,
    user_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<role_assignment::Model>>> {
    if actor.is_admin() {
        return assignments_of(db, user_ids).await;
    }
    let visible_ids: Vec<Uuid> = visible(actor)
        .filter(app_user::Column::Id.is_in(user_ids.iter().copied()))
        .select_only()
        .column(app_user::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    assignments_of(db, &visible_ids).await
}

/// The role assignments of each of `user_ids`, unscoped: for checks on users already in hand.
async fn assignments_of(
    db: &impl ConnectionTrait,
    user_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<role_assignment::Model>>> {
    let rows = role_assignment::Entity::find()
        .filter(role_assignment::Column::UserId.is_in(user_ids.iter().copied()))
        .all(db)
        .await?;
    let mut by_user: HashMap<Uuid, Vec<role_assignment::Model>> = HashMap::new();
    for row in rows {
        by_user.entry(row.user_id).or_default().push(row);
    }
    for assignments in by_user.values_mut() {
        assignments.sort_by_key(|a| (a.created_at, a.id));
    }
    Ok(by_user)
}

/// The ward a user works in, for filing their audit events: the ward of their first scoped assignment.
pub(in crate::service) async fn home_ward(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> AppResult<Option<Uuid>> {
    let assignments = assignments_of(db, &[user_id]).await?.remove(&user_id).unwrap_or_default();
    for assignment in assignments {
        if let Some(ward_id) = assignment.ward_id {
            return Ok(Some(ward_id));
        }
        if let Some(group_id) = assignment.group_id {
            return Ok(Some(super::group::read_ward_of(db, group_id).await?));
        }
    }
    Ok(None)
}

/// Display names by user id (shown as who recorded a pledge or deed; not scoped).
pub(in crate::service) async fn display_names(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, String>> {
    let rows: Vec<(Uuid, String)> = app_user::Entity::find()
        .select_only()
        .column(app_user::Column::Id)
        .column(app_user::Column::DisplayName)
        .filter(app_user::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}
