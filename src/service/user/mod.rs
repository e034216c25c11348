//! Users and their role assignments: who may sign in, and with which scopes.

use std::collections::HashMap;

use sea_orm::{
    ActiveEnum,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, Select,
    sea_query::{Expr, ExprTrait, Query},
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::audit::AuditEntry;
use super::page::{Cursor, Ordering, Page, PageRequest, fetch_page};
use crate::{
    auth::{Actor, Role, password::Passwords},
    domain::fields::Name,
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

/// The actor for a verified access token: `None` when the user is gone, inactive, or the token's
/// version is no longer current (password changed, deactivated).
pub(in crate::service) async fn load_actor(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    token_version: i32,
) -> AppResult<Option<Actor>> {
    // One query per request, whatever the roles: the user, each assignment, and a led group's ward.
    let query = Query::select()
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
    if !first.active || first.token_version != token_version {
        return Ok(None);
    }
    let (mut admin, mut official_wards, mut leader_groups) = (false, Vec::new(), Vec::new());
    for row in &rows {
        match row.role {
            None => {}
            Some(Role::Admin) => admin = true,
            Some(Role::WardOfficial) => official_wards.extend(row.ward_id),
            Some(Role::GroupLeader) => leader_groups.extend(row.group_id.zip(row.group_ward_id)),
        }
    }
    Ok(Some(Actor::new(user_id, admin, official_wards, leader_groups)))
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct ActorRow {
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
    let mut official_wards = Vec::new();
    let mut led_groups = Vec::new();
    for assignment in &assignments {
        match assignment.role {
            Role::Admin => admin = true,
            Role::WardOfficial => official_wards.extend(assignment.ward_id),
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
    Ok(Actor::new(user.id, admin, official_wards, leader_groups))
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
    request: &PageRequest,
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

/// A role to grant, with its scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssignment {
    /// The role.
    pub role: Role,
    /// The ward, for `WARD_OFFICIAL`.
    pub ward_id: Option<Uuid>,
    /// The group, for `GROUP_LEADER`.
    pub group_id: Option<Uuid>,
}

/// What a new user needs.
#[derive(Debug)]
pub struct NewUser {
    /// Sign-in name, unique ignoring case.
    pub username: String,
    /// Name shown in the app.
    pub display_name: String,
    /// Initial password (10–128 characters).
    pub password: String,
    /// At least one role.
    pub assignments: Vec<NewAssignment>,
}

/// Checks that `actor` may grant `assignment`: admins anything; officials only `GROUP_LEADER` of a
/// group in their ward. Returns the assignment's row values.
async fn check_grant(
    db: &impl ConnectionTrait,
    actor: &Actor,
    index: usize,
    assignment: &NewAssignment,
) -> AppResult<()> {
    let field = format!("roleAssignments.{index}");
    match (assignment.role, assignment.ward_id, assignment.group_id) {
        (Role::Admin, None, None) => {
            if !actor.is_admin() {
                return Err(AppError::Forbidden("only administrators may grant ADMIN or WARD_OFFICIAL"));
            }
        }
        (Role::WardOfficial, Some(ward_id), None) => {
            if !actor.is_admin() {
                return Err(AppError::Forbidden("only administrators may grant ADMIN or WARD_OFFICIAL"));
            }
            super::ward::get(db, actor, ward_id).await?;
        }
        (Role::GroupLeader, None, Some(group_id)) => {
            let group = super::group::get(db, actor, group_id).await?;
            if !actor.governs_ward(group.ward_id) {
                return Err(AppError::NotFound(Missing::Group));
            }
        }
        (Role::Admin, ..) => {
            return Err(AppError::bad_input(field, "ADMIN takes neither wardId nor groupId"));
        }
        (Role::WardOfficial, ..) => {
            return Err(AppError::bad_input(field, "WARD_OFFICIAL takes a wardId and no groupId"));
        }
        (Role::GroupLeader, ..) => {
            return Err(AppError::bad_input(field, "GROUP_LEADER takes a groupId and no wardId"));
        }
    }
    Ok(())
}

/// Creates a user with their role assignments (ADMIN: any; WARD_OFFICIAL: group leaders in their ward).
#[tracing::instrument(skip(db, passwords, actor, input))]
pub(in crate::service) async fn create(
    db: &DatabaseConnection,
    passwords: &Passwords,
    actor: &Actor,
    input: NewUser,
) -> AppResult<app_user::Model> {
    if !actor.is_official_anywhere() {
        return Err(AppError::Forbidden("only ward officials and administrators may create users"));
    }
    let (username, username_key) = parse_username(&input.username)?;
    let display_name = Name::parse_as(&input.display_name, "display name")
        .map_err(|m| AppError::bad_input("displayName", m))?;
    crate::auth::password::check_new_password(&input.password, "password")?;
    if input.assignments.is_empty() {
        return Err(AppError::bad_input("roleAssignments", "a user needs at least one role"));
    }
    let mut assignments = input.assignments;
    assignments.dedup();
    for (index, assignment) in assignments.iter().enumerate() {
        check_grant(db, actor, index, assignment).await?;
    }
    let password_hash = passwords.hash(&input.password).await?;

    let txn = super::begin_write(db).await?;
    let now = super::now();
    let user = app_user::Entity::insert(app_user::ActiveModel {
        id: Set(Uuid::now_v7()),
        username: Set(username),
        username_key: Set(username_key),
        display_name: Set(display_name.as_str().to_owned()),
        password_hash: Set(password_hash),
        active: Set(true),
        token_version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(&txn)
    .await?;
    let rows = assignments.iter().map(|a| role_assignment::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        role: Set(a.role),
        ward_id: Set(a.ward_id),
        group_id: Set(a.group_id),
        created_at: Set(now),
    });
    role_assignment::Entity::insert_many(rows).exec(&txn).await?;
    let roles: Vec<Value> = assignments
        .iter()
        .map(|a| json!({ "role": a.role.to_value(), "wardId": a.ward_id, "groupId": a.group_id }))
        .collect();
    let entry = AuditEntry {
        action: "user.create",
        target_type: "user",
        target_id: Some(user.id),
        ward_id: home_ward(&txn, user.id).await?,
        summary: json!({ "username": user.username, "displayName": user.display_name, "roles": roles }),
    };
    super::audit::record(&txn, Some(actor.user_id), entry).await?;
    txn.commit().await?;
    Ok(user)
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

/// Whether `actor` may manage `user` (activate, deactivate): admins anyone; officials users whose every
/// assignment is `GROUP_LEADER` of a group in their wards.
async fn may_manage(db: &impl ConnectionTrait, actor: &Actor, user_id: Uuid) -> AppResult<bool> {
    if actor.is_admin() {
        return Ok(true);
    }
    let assignments = assignments_of(db, &[user_id]).await?.remove(&user_id).unwrap_or_default();
    if assignments.is_empty() {
        return Ok(false);
    }
    let group_ids: Vec<Uuid> = assignments.iter().filter_map(|a| a.group_id).collect();
    if group_ids.len() != assignments.len() {
        return Ok(false);
    }
    let wards: Vec<Uuid> = group::Entity::find()
        .select_only()
        .column(group::Column::WardId)
        .filter(group::Column::Id.is_in(group_ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(!wards.is_empty() && wards.iter().all(|ward| actor.governs_ward(*ward)))
}

/// Activates or deactivates a user. Deactivation cuts off their tokens at once.
#[tracing::instrument(skip(db, actor))]
pub(in crate::service) async fn set_active(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    active: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<app_user::Model> {
    if !actor.is_official_anywhere() {
        return Err(AppError::Forbidden(
            "only ward officials and administrators may activate or deactivate users",
        ));
    }
    if id == actor.user_id {
        return Err(AppError::bad_input("id", "you cannot deactivate or reactivate yourself"));
    }
    let txn = super::begin_write(db).await?;
    let user = get(&txn, actor, id).await?;
    if !may_manage(&txn, actor, user.id).await? {
        // Visible in `users` but not theirs to manage (another official, a leader elsewhere too).
        return Err(AppError::Forbidden(
            "ward officials may activate or deactivate only group leaders of their ward",
        ));
    }
    if user.active == active {
        return Ok(user);
    }
    app_user::Entity::update_many()
        .col_expr(app_user::Column::Active, Expr::value(active))
        .col_expr(app_user::Column::TokenVersion, Expr::col(app_user::Column::TokenVersion).add(1))
        .col_expr(app_user::Column::UpdatedAt, Expr::value(super::now()))
        .filter(app_user::Column::Id.eq(user.id))
        .exec(&txn)
        .await?;
    if !active {
        super::session::revoke_all(&txn, user.id, now).await?;
    }
    let user =
        app_user::Entity::find_by_id(user.id).one(&txn).await?.ok_or(AppError::NotFound(Missing::User))?;
    let entry = AuditEntry {
        action: if active { "user.activate" } else { "user.deactivate" },
        target_type: "user",
        target_id: Some(user.id),
        ward_id: home_ward(&txn, user.id).await?,
        summary: json!({ "username": user.username, "active": active }),
    };
    super::audit::record(&txn, Some(actor.user_id), entry).await?;
    txn.commit().await?;
    Ok(user)
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
