//! Creating users with their roles, and activating or deactivating them: who may grant which role, and
//! whom an official may manage.
//!
//! Reading users, and the scope of who sees whom, is in the parent module.

use sea_orm::{
    ActiveEnum,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{assignments_of, get, home_ward, parse_username};
use crate::{
    auth::{Actor, Role, password::Passwords},
    domain::fields::Name,
    entities::{app_user, residential_group as group, role_assignment},
    error::{AppError, AppResult, Missing},
    events::SessionEnded,
    service::{self, Written, audit::AuditEntry},
};

/// A role to grant, with its scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssignment {
    /// The role.
    pub role: Role,
    /// The ward, for `WARD_OFFICIAL` and `WARD_POLICE`.
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

const ADMIN_ONLY: &str = "only administrators may grant ADMIN, WARD_OFFICIAL or WARD_POLICE";

/// Checks that `actor` may grant `assignment`: admins anything; officials only `GROUP_LEADER` of a
/// group in their ward. Ward-level roles come from administrators only: the ward police answer to
/// their own force, not to the ward's committee, so an official may not make police accounts (nor
/// enter figures under one).
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
                return Err(AppError::Forbidden(ADMIN_ONLY));
            }
        }
        (Role::WardOfficial | Role::WardPolice, Some(ward_id), None) => {
            if !actor.is_admin() {
                return Err(AppError::Forbidden(ADMIN_ONLY));
            }
            service::ward::get(db, actor, ward_id).await?;
        }
        (Role::GroupLeader, None, Some(group_id)) => {
            let group = service::group::get(db, actor, group_id).await?;
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
        (Role::WardPolice, ..) => {
            return Err(AppError::bad_input(field, "WARD_POLICE takes a wardId and no groupId"));
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

    let (_turn, txn) = service::begin_write(db).await?;
    let now = service::now();
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
    service::audit::record(&txn, Some(actor.user_id), entry).await?;
    txn.commit().await?;
    Ok(user)
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
) -> AppResult<Written<app_user::Model>> {
    if !actor.is_official_anywhere() {
        return Err(AppError::Forbidden(
            "only ward officials and administrators may activate or deactivate users",
        ));
    }
    if id == actor.user_id {
        return Err(AppError::bad_input("id", "you cannot deactivate or reactivate yourself"));
    }
    let (_turn, txn) = service::begin_write(db).await?;
    let user = get(&txn, actor, id).await?;
    if !may_manage(&txn, actor, user.id).await? {
        // Visible in `users` but not theirs to manage (another official, a leader elsewhere too).
        return Err(AppError::Forbidden(
            "ward officials may activate or deactivate only group leaders of their ward",
        ));
    }
    if user.active == active {
        return Ok(Written::quiet(user));
    }
    app_user::Entity::update_many()
        .col_expr(app_user::Column::Active, Expr::value(active))
        .col_expr(app_user::Column::TokenVersion, Expr::col(app_user::Column::TokenVersion).add(1))
        .col_expr(app_user::Column::UpdatedAt, Expr::value(service::now()))
        .filter(app_user::Column::Id.eq(user.id))
        .exec(&txn)
        .await?;
    let ended = if active {
        None
    } else {
        service::session::revoke_all(&txn, user.id, now).await?;
        Some(service::session::announce(&txn, SessionEnded::all(user.id)).await?)
    };
    let user =
        app_user::Entity::find_by_id(user.id).one(&txn).await?.ok_or(AppError::NotFound(Missing::User))?;
    let entry = AuditEntry {
        action: if active { "user.activate" } else { "user.deactivate" },
        target_type: "user",
        target_id: Some(user.id),
        ward_id: home_ward(&txn, user.id).await?,
        summary: json!({ "username": user.username, "active": active }),
    };
    service::audit::record(&txn, Some(actor.user_id), entry).await?;
    txn.commit().await?;
    let written = Written::quiet(user);
    Ok(match ended {
        Some(ended) => written.ending(ended),
        None => written,
    })
}
