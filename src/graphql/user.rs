//! Users and sessions: `me`, `users`, `login`, `refreshSession`, `logout`, `changePassword`,
//! `createUser`, `setUserActive`.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};

use super::{
    connection::{UserConnection, page_request, to_connection},
    context::{parse_id, request, scope, signed_in},
    group::ResidentialGroup,
    scalars::DateTime,
    ward::Ward,
};
use crate::{
    service::records::{RoleAssignmentRecord, UserRecord},
    service::{self, session::Session},
};

/// What a user may do, within the scope of the assignment.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "Role", remote = "crate::auth::Role")]
pub enum Role {
    /// Runs the service: everything, everywhere.
    Admin,
    /// The ward steering committee for security and order, or the ward People's Committee: one ward.
    WardOfficial,
    /// Head of a residential group: one group.
    GroupLeader,
    /// The ward police (Công an phường): enter the ward's incident figures and read its reports, never
    /// its households.
    WardPolice,
}

/// A person who signs in.
pub struct User(pub UserRecord);

impl User {
    /// A user read by a signed-in caller.
    pub fn new(model: UserRecord) -> Self {
        Self(model)
    }
}

/// A person who signs in, with their roles.
#[Object]
impl User {
    /// Unique id, across every type: `node(id:)` fetches the user again.
    pub(super) async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Sign-in name (unique, ignoring case).
    async fn username(&self) -> &str {
        &self.0.username
    }

    /// Name shown in the app.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// Inactive users cannot sign in.
    async fn active(&self) -> bool {
        self.0.active
    }

    /// When the user was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// The user's roles, each with its ward or group.
    async fn role_assignments(&self, ctx: &Context<'_>) -> Result<Vec<RoleAssignment>> {
        let assignments = signed_in(ctx)?.assignments().load_one(self.0.id).await?.unwrap_or_default();
        Ok(assignments.into_iter().map(RoleAssignment).collect())
    }
}

/// One role of a user with its scope.
pub struct RoleAssignment(RoleAssignmentRecord);

/// One role of a user with its scope: no scope for `ADMIN`, a ward for `WARD_OFFICIAL` and
/// `WARD_POLICE`, a group for `GROUP_LEADER`.
#[Object]
impl RoleAssignment {
    /// The role.
    async fn role(&self) -> Role {
        self.0.role.into()
    }

    /// The ward of a `WARD_OFFICIAL` or `WARD_POLICE`; null for other roles or when the ward is outside
    /// the caller's scope.
    async fn ward(&self, ctx: &Context<'_>) -> Result<Option<Ward>> {
        let Some(ward_id) = self.0.ward_id else { return Ok(None) };
        Ok(signed_in(ctx)?.wards().load_one(ward_id).await?.map(Ward::from))
    }

    /// The group of a `GROUP_LEADER`; null for other roles or when the group is outside the caller's scope.
    async fn group(&self, ctx: &Context<'_>) -> Result<Option<ResidentialGroup>> {
        let Some(group_id) = self.0.group_id else { return Ok(None) };
        Ok(signed_in(ctx)?.groups().load_one(group_id).await?.map(ResidentialGroup::from))
    }
}

/// A signed-in session.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Send as `Authorization: Bearer <accessToken>`; valid until `expiresAt` (15 minutes by default) and
    /// while its session lives.
    pub access_token: String,
    /// Keep it safe; exchange it with `refreshSession` for a new session before it expires (30 days).
    /// It works once: each use returns a new one.
    pub refresh_token: String,
    /// When the access token expires.
    pub expires_at: DateTime,
    /// When the refresh token expires.
    pub refresh_expires_at: DateTime,
    /// Who signed in.
    pub user: User,
}

impl AuthPayload {
    /// The payload of a new session; the user's own scope decides what of them the payload shows.
    async fn new(ctx: &Context<'_>, (session, actor): (Session, crate::auth::Actor)) -> Result<Self> {
        request(ctx)?.sign_in(ctx, actor);
        Ok(Self {
            access_token: session.access_token,
            refresh_token: session.refresh_token,
            expires_at: DateTime(session.access_expires_at),
            refresh_expires_at: DateTime(session.refresh_expires_at),
            user: User(session.user),
        })
    }
}

/// Credentials.
#[derive(InputObject)]
pub struct LoginInput {
    /// Sign-in name (case does not matter).
    pub username: String,
    /// Password.
    pub password: String,
}

/// A role to grant with its scope.
#[derive(InputObject)]
pub struct RoleAssignmentInput {
    /// The role.
    pub role: Role,
    /// The ward, for `WARD_OFFICIAL` and `WARD_POLICE`.
    pub ward_id: Option<ID>,
    /// The group, for `GROUP_LEADER`.
    pub group_id: Option<ID>,
}

/// A new user.
#[derive(InputObject)]
pub struct CreateUserInput {
    /// Sign-in name: 3–64 letters without diacritics, digits, '.', '_' or '-'; unique ignoring case.
    pub username: String,
    /// Name shown in the app (1–200 characters).
    pub display_name: String,
    /// Initial password, 10–128 characters; hand it over in person and have it changed.
    pub password: String,
    /// At least one role.
    pub role_assignments: Vec<RoleAssignmentInput>,
}

/// Queries on users.
#[derive(Default)]
pub struct UserQuery;

#[Object]
impl UserQuery {
    /// The signed-in user.
    async fn me(&self, ctx: &Context<'_>) -> Result<User> {
        Ok(User::new(scope(ctx)?.users().me().await?))
    }

    /// The users the caller may manage or see: all for `ADMIN`; for `WARD_OFFICIAL`, the users with a
    /// role in their ward. `FORBIDDEN` for group leaders and the ward police.
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many users, 0 to 100 (default 20).")] first: Option<i64>,
        #[graphql(desc = "Start after this cursor, taken from a previous page.")] after: Option<String>,
        #[graphql(desc = "Instead of `first`: how many users from the end, 0 to 100.")] last: Option<i64>,
        #[graphql(desc = "End before this cursor, taken from a previous page.")] before: Option<String>,
    ) -> Result<UserConnection> {
        let scope = scope(ctx)?;
        let page_request = page_request(ctx, first, after, last, before)?;
        let page = scope.users().list(&page_request).await?;
        Ok(to_connection(page, service::user::cursor, User::new))
    }
}

/// Mutations on users and sessions.
#[derive(Default)]
pub struct UserMutation;

#[Object]
impl UserMutation {
    /// Signs in. Wrong username or password answers `UNAUTHENTICATED`; after 5 failures for a username
    /// from one address, or 20 from one address, within 15 minutes, `RATE_LIMITED` with
    /// `retryAfterSeconds` (from that address only).
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Username and password.")] input: LoginInput,
    ) -> Result<AuthPayload> {
        let request_ctx = request(ctx)?;
        let services = request_ctx.services();
        let session =
            services.sessions().login(&input.username, &input.password, request_ctx.client_address).await?;
        AuthPayload::new(ctx, session).await
    }

    /// Exchanges a refresh token for a new session; the old refresh token stops working. Presenting an
    /// already used refresh token ends every session descended from the same sign-in.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The refresh token from the last `login` or `refreshSession`.")]
        refresh_token: String,
    ) -> Result<AuthPayload> {
        let session = request(ctx)?.services().sessions().refresh(&refresh_token).await?;
        AuthPayload::new(ctx, session).await
    }

    /// Ends the session of a refresh token. Always true; an unknown token changes nothing.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The refresh token of the session to end.")] refresh_token: String,
    ) -> Result<bool> {
        Ok(scope(ctx)?.users().logout(&refresh_token).await?)
    }

    /// Changes the caller's password and ends all their other sessions; returns a new session for
    /// this device.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The password in use now.")] current_password: String,
        #[graphql(desc = "The new password, 10–128 characters.")] new_password: String,
    ) -> Result<AuthPayload> {
        let session = scope(ctx)?.users().change_password(&current_password, &new_password).await?;
        AuthPayload::new(ctx, session).await
    }

    /// Creates a user. `ADMIN` may grant any role; `WARD_OFFICIAL` only `GROUP_LEADER` of groups in
    /// their ward (police accounts come from administrators).
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new user.")] input: CreateUserInput,
    ) -> Result<User> {
        let scope = scope(ctx)?;
        let mut assignments = Vec::with_capacity(input.role_assignments.len());
        for (index, assignment) in input.role_assignments.iter().enumerate() {
            let field = |name: &str| format!("roleAssignments.{index}.{name}");
            assignments.push(service::user::NewAssignment {
                role: assignment.role.into(),
                ward_id: assignment.ward_id.as_ref().map(|id| parse_id(id, &field("wardId"))).transpose()?,
                group_id: assignment
                    .group_id
                    .as_ref()
                    .map(|id| parse_id(id, &field("groupId")))
                    .transpose()?,
            });
        }
        let new = service::user::NewUser {
            username: input.username,
            display_name: input.display_name,
            password: input.password,
            assignments,
        };
        Ok(User::new(scope.users().create(new).await?))
    }

    /// Activates or deactivates a user; a deactivated user's tokens stop working at once.
    async fn set_user_active(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user.")] id: ID,
        #[graphql(desc = "True to allow sign-in, false to block it.")] active: bool,
    ) -> Result<User> {
        let scope = scope(ctx)?;
        let id = parse_id(&id, "id")?;
        Ok(User::new(scope.users().set_active(id, active).await?))
    }
}
