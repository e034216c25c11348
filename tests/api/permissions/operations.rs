//! How each operation of the matrix is called on its target, and what its success must look like: the
//! exact data and the rows it leaves. `run_case` runs one cell and says what went wrong, if anything.

use std::fmt::Debug;

use pledge_api::{
    auth::Role,
    domain::{campaign::GoodDeedStatus, household::HouseholdStatus},
};
use serde_json::{Value, json};

use super::{
    Caller, Case, Expected, Scope,
    world::{Place, World, id_or_unknown},
};
use crate::{
    helpers::{
        LOGIN, RowCounts, Snapshot, TEST_PASSWORD, create_household, create_user, login_session, unknown_id,
    },
    world::Rows,
};

mod assessments;
mod incidents;
mod movement_year;
mod pledge_drive;

/// Every query, nested list and mutation the matrix checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Wards,
    Ward,
    Group,
    Households,
    Household,
    Users,
    Me,
    /// `ward(id) { groups { … households { totalCount } } }`.
    WardGroups,
    /// `group(id) { households }`.
    GroupHouseholds,
    /// `household(id) { group }`.
    HouseholdGroup,
    /// `group(id) { ward }`.
    GroupWard,
    CreateWard,
    CreateGroup,
    UpdateGroup,
    CreateHousehold,
    UpdateHousehold,
    SetHouseholdStatus,
    /// `createUser` granting GROUP_LEADER of the target group.
    CreateLeader,
    /// `createUser` granting WARD_OFFICIAL of the target ward.
    CreateOfficial,
    /// `createUser` granting WARD_POLICE of the target ward.
    CreatePolice,
    /// `createUser` granting ADMIN.
    CreateAdmin,
    /// `setUserActive(false)` on a GROUP_LEADER of the target group.
    SetUserActive,
    ChangePassword,
    Logout,
    Login,
    RefreshSession,
    /// `goodDeeds` for one day of its own, on which a deed of each of groups 11, 12 and 21 happened.
    GoodDeeds,
    /// `recordGoodDeed` for the target group and its household.
    RecordGoodDeed,
    /// `verifyGoodDeed(approve: true)` on a deed reported in the target group.
    VerifyGoodDeed,
    /// `changes` from the start, households only (no matrix row before the mutations adds one).
    Changes,
    /// `auditEvents`: the newest 100 events the caller may read.
    AuditEvents,
    /// `campaigns`: the world's three campaigns, as far as the caller sees them.
    Campaigns,
    /// `campaign(id)` on the world's campaign of the target.
    Campaign,
    /// `createCampaign` for the target ward (none for `Unscoped`).
    CreateCampaign,
    /// `updateCampaign` on a fresh draft of the target ward.
    UpdateCampaign,
    /// `openCampaign` on a fresh draft of the target ward.
    OpenCampaign,
    /// `closeCampaign` on a fresh open campaign of the target ward.
    CloseCampaign,
    /// `recordPledge` for a fresh household of the target group.
    RecordPledge,
    /// `recordPledges` with one item, for a fresh household of the target group.
    RecordPledges,
    /// `withdrawPledge` on a fresh pledge of a household of the target group.
    WithdrawPledge,
    /// `incidentTallies` of the target ward over one month the administrator set.
    IncidentTallies,
    /// `incidentComparison` of the target ward over that month against the year before.
    IncidentComparison,
    /// `recordIncidentTally` for the target ward, in a month of its own.
    RecordIncidentTally,
    /// `ward(id) { settings }` of the target ward.
    WardSettings,
    /// `groupAssessments` of the target ward for 2023, whose three groups the administrator assessed.
    GroupAssessments,
    /// `group(id) { assessment(year: 2023) }` of the target group.
    GroupAssessment,
    /// `updateWardSettings`: the first change of the target ward's settings.
    UpdateWardSettings,
    /// `assessGroup`: the first assessment of the target group for 2022.
    AssessGroup,
    /// `movementYearReport` of the target ward for 2023: the group rows the caller reads.
    MovementYearReport,
}

impl Operation {
    pub const ALL: [Self; 49] = [
        Self::Wards,
        Self::Ward,
        Self::Group,
        Self::Households,
        Self::Household,
        Self::Users,
        Self::Me,
        Self::WardGroups,
        Self::GroupHouseholds,
        Self::HouseholdGroup,
        Self::GroupWard,
        Self::CreateWard,
        Self::CreateGroup,
        Self::UpdateGroup,
        Self::CreateHousehold,
        Self::UpdateHousehold,
        Self::SetHouseholdStatus,
        Self::CreateLeader,
        Self::CreateOfficial,
        Self::CreatePolice,
        Self::CreateAdmin,
        Self::SetUserActive,
        Self::ChangePassword,
        Self::Logout,
        Self::Login,
        Self::RefreshSession,
        Self::GoodDeeds,
        Self::RecordGoodDeed,
        Self::VerifyGoodDeed,
        Self::Changes,
        Self::AuditEvents,
        Self::Campaigns,
        Self::Campaign,
        Self::CreateCampaign,
        Self::UpdateCampaign,
        Self::OpenCampaign,
        Self::CloseCampaign,
        Self::RecordPledge,
        Self::RecordPledges,
        Self::WithdrawPledge,
        Self::IncidentTallies,
        Self::IncidentComparison,
        Self::RecordIncidentTally,
        Self::WardSettings,
        Self::GroupAssessments,
        Self::GroupAssessment,
        Self::UpdateWardSettings,
        Self::AssessGroup,
        Self::MovementYearReport,
    ];

    /// Campaigns and pledges, arranged and checked in `pledge_drive`.
    fn is_pledge_drive(self) -> bool {
        matches!(
            self,
            Self::Campaigns
                | Self::Campaign
                | Self::CreateCampaign
                | Self::UpdateCampaign
                | Self::OpenCampaign
                | Self::CloseCampaign
                | Self::RecordPledge
                | Self::RecordPledges
                | Self::WithdrawPledge
        )
    }

    /// Incident statistics, arranged and checked in `incidents`.
    fn is_incident(self) -> bool {
        matches!(self, Self::IncidentTallies | Self::IncidentComparison | Self::RecordIncidentTally)
    }

    /// Ward settings and group assessments, arranged and checked in `assessments`.
    fn is_assessment(self) -> bool {
        matches!(
            self,
            Self::WardSettings
                | Self::GroupAssessments
                | Self::GroupAssessment
                | Self::UpdateWardSettings
                | Self::AssessGroup
        )
    }

    /// The root field of the schema the operation calls.
    pub fn root_field(self) -> &'static str {
        match self {
            Self::Wards => "wards",
            Self::Ward | Self::WardGroups => "ward",
            Self::Group | Self::GroupHouseholds | Self::GroupWard => "group",
            Self::Households => "households",
            Self::Household | Self::HouseholdGroup => "household",
            Self::Users => "users",
            Self::Me => "me",
            Self::CreateWard => "createWard",
            Self::CreateGroup => "createGroup",
            Self::UpdateGroup => "updateGroup",
            Self::CreateHousehold => "createHousehold",
            Self::UpdateHousehold => "updateHousehold",
            Self::SetHouseholdStatus => "setHouseholdStatus",
            Self::CreateLeader | Self::CreateOfficial | Self::CreatePolice | Self::CreateAdmin => {
                "createUser"
            }
            Self::SetUserActive => "setUserActive",
            Self::ChangePassword => "changePassword",
            Self::Logout => "logout",
            Self::Login => "login",
            Self::RefreshSession => "refreshSession",
            Self::GoodDeeds => "goodDeeds",
            Self::RecordGoodDeed => "recordGoodDeed",
            Self::VerifyGoodDeed => "verifyGoodDeed",
            Self::Changes => "changes",
            Self::AuditEvents => "auditEvents",
            Self::Campaigns => "campaigns",
            Self::Campaign => "campaign",
            Self::CreateCampaign => "createCampaign",
            Self::UpdateCampaign => "updateCampaign",
            Self::OpenCampaign => "openCampaign",
            Self::CloseCampaign => "closeCampaign",
            Self::RecordPledge => "recordPledge",
            Self::RecordPledges => "recordPledges",
            Self::WithdrawPledge => "withdrawPledge",
            Self::IncidentTallies => "incidentTallies",
            Self::IncidentComparison => "incidentComparison",
            Self::RecordIncidentTally => "recordIncidentTally",
            Self::WardSettings => "ward",
            Self::GroupAssessments => "groupAssessments",
            Self::GroupAssessment => "group",
            Self::UpdateWardSettings => "updateWardSettings",
            Self::AssessGroup => "assessGroup",
            Self::MovementYearReport => "movementYearReport",
        }
    }

    fn query(self) -> &'static str {
        match self {
            Self::Wards => "{ wards { totalCount edges { node { code } } } }",
            Self::Ward => "query($id: ID!) { ward(id: $id) { id code name province } }",
            Self::Group => "query($id: ID!) { group(id: $id) { id code name } }",
            Self::Households => {
                "query($id: ID!) { households(groupId: $id) { totalCount edges { node { id code headName phone } } } }"
            }
            Self::Household => {
                "query($id: ID!) { household(id: $id) { id code headName address memberCount phone status version } }"
            }
            Self::Users => "{ users { totalCount edges { node { username } } } }",
            Self::Me => "{ me { username displayName roleAssignments { role ward { code name } group { code name } } } }",
            Self::WardGroups => {
                "query($id: ID!) { ward(id: $id) { code groups { totalCount edges { node { code households { totalCount } } } } } }"
            }
            Self::GroupHouseholds => {
                "query($id: ID!) { group(id: $id) { code households { totalCount edges { node { code } } } } }"
            }
            Self::HouseholdGroup => "query($id: ID!) { household(id: $id) { code group { id code name } } }",
            Self::GroupWard => "query($id: ID!) { group(id: $id) { code ward { id code name } } }",
            Self::CreateWard => {
                "mutation($input: CreateWardInput!) { createWard(input: $input) { code name province } }"
            }
            Self::CreateGroup => {
                "mutation($input: CreateGroupInput!) { createGroup(input: $input) { code name ward { id } } }"
            }
            Self::UpdateGroup => {
                "mutation($id: ID!, $input: UpdateGroupInput!) { updateGroup(id: $id, input: $input) { id code name } }"
            }
            Self::CreateHousehold => {
                "mutation($input: CreateHouseholdInput!) { createHousehold(input: $input) { code headName group { id } } }"
            }
            Self::UpdateHousehold => {
                "mutation($id: ID!, $v: Int!, $input: UpdateHouseholdInput!) {
                    updateHousehold(id: $id, expectedVersion: $v, input: $input) { id headName memberCount version }
                }"
            }
            Self::SetHouseholdStatus => {
                "mutation($id: ID!, $v: Int!, $status: HouseholdStatus!) {
                    setHouseholdStatus(id: $id, expectedVersion: $v, status: $status) { id status version }
                }"
            }
            Self::CreateLeader | Self::CreateOfficial | Self::CreatePolice | Self::CreateAdmin => {
                "mutation($input: CreateUserInput!) { createUser(input: $input) {
                    username active roleAssignments { role ward { id } group { id } }
                } }"
            }
            Self::SetUserActive => {
                "mutation($id: ID!, $active: Boolean!) { setUserActive(id: $id, active: $active) { id username active } }"
            }
            Self::ChangePassword => {
                "mutation($current: String!, $new: String!) {
                    changePassword(currentPassword: $current, newPassword: $new) { accessToken user { username } }
                }"
            }
            Self::Logout => "mutation($t: String!) { logout(refreshToken: $t) }",
            Self::Login => LOGIN,
            Self::RefreshSession => {
                "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken user { username } } }"
            }
            Self::GoodDeeds => {
                "query($filter: GoodDeedFilterInput) { goodDeeds(filter: $filter) { totalCount edges { node { description } } } }"
            }
            Self::RecordGoodDeed => {
                "mutation($input: RecordGoodDeedInput!) { recordGoodDeed(input: $input) {
                    description status group { id } household { id }
                } }"
            }
            Self::VerifyGoodDeed => {
                "mutation($id: ID!) { verifyGoodDeed(id: $id, approve: true) { id status verifiedBy { displayName } } }"
            }
            Self::Changes => "{ changes(first: 100) { households { code } hasMore } }",
            Self::AuditEvents => "{ auditEvents(first: 100) { totalCount edges { node { id } } } }",
            Self::Campaigns
            | Self::Campaign
            | Self::CreateCampaign
            | Self::UpdateCampaign
            | Self::OpenCampaign
            | Self::CloseCampaign
            | Self::RecordPledge
            | Self::RecordPledges
            | Self::WithdrawPledge => pledge_drive::query(self),
            Self::IncidentTallies | Self::IncidentComparison | Self::RecordIncidentTally => incidents::query(self),
            Self::WardSettings
            | Self::GroupAssessments
            | Self::GroupAssessment
            | Self::UpdateWardSettings
            | Self::AssessGroup => assessments::query(self),
            Self::MovementYearReport => movement_year::QUERY,
        }
    }
}

/// What went wrong in a case, if anything.
pub type Outcome = Result<(), String>;

/// A request ready to send, and what the checks need to know about what was arranged for it.
struct Prepared {
    token: Option<String>,
    variables: Value,
    /// The id the operation is aimed at (a ward, group, household or user), if any.
    target: String,
    /// The code, name or username the request sets or signs in with.
    value: String,
    /// The refresh token the request sends, or the caller's session for `changePassword`.
    refresh_token: String,
}

const NEW_HEAD: &str = "Đỗ Văn Mới";
const NEW_PASSWORD: &str = "a-brand-new-password-456";

/// Arranges what `operation` needs on `scope` (its own fresh rows for updates, so cases stay
/// independent) and builds the request.
async fn prepare(world: &World, caller: Caller, operation: Operation, scope: Scope) -> Prepared {
    use Operation::*;
    let app = &world.app;
    let n = world.unique();
    let mut p = Prepared {
        token: world.token(caller),
        variables: json!({}),
        target: String::new(),
        value: String::new(),
        refresh_token: String::new(),
    };
    match operation {
        Wards | Users | Me => {}
        Ward | WardGroups => p.target = id_or_unknown(world.ward(scope)),
        Group | Households | GroupHouseholds | GroupWard => p.target = id_or_unknown(world.group(scope)),
        Household | HouseholdGroup => p.target = id_or_unknown(world.household(scope)),
        CreateWard => {
            p.value = format!("N{n}");
            p.variables = json!({ "input": { "code": p.value, "name": format!("Phường mới {}", p.value), "province": "Thanh Hóa" } });
        }
        CreateGroup => {
            p.target = id_or_unknown(world.ward(scope));
            p.value = format!("G{n}");
            p.variables = json!({ "input": { "wardId": p.target, "code": p.value, "name": format!("Tổ dân phố G{n}") } });
        }
        UpdateGroup => {
            p.target = id_or_unknown(world.group(scope));
            p.value = format!("Tổ dân phố đổi tên {n}");
            p.variables = json!({ "id": p.target, "input": { "name": p.value } });
        }
        CreateHousehold => {
            p.target = id_or_unknown(world.group(scope));
            p.value = format!("N{n}");
            p.variables = json!({ "input": {
                "groupId": p.target, "code": p.value, "headName": "Hoàng Văn Mới", "address": "Số 9 Lê Hoàn", "memberCount": 2
            } });
        }
        UpdateHousehold | SetHouseholdStatus => {
            p.target = match world.group(scope) {
                Some(group) => create_household(app, &group.id, &format!("N{n}"), "Phạm Văn Cũ").await,
                None => unknown_id(),
            };
            p.variables = if operation == UpdateHousehold {
                json!({ "id": p.target, "v": 1, "input": { "headName": NEW_HEAD, "memberCount": 6 } })
            } else {
                json!({ "id": p.target, "v": 1, "status": "MOVED_OUT" })
            };
        }
        CreateLeader | CreateOfficial | CreatePolice | CreateAdmin => {
            let assignment = match operation {
                CreateLeader => {
                    p.target = id_or_unknown(world.group(scope));
                    json!({ "role": "GROUP_LEADER", "groupId": p.target })
                }
                CreateOfficial => {
                    p.target = id_or_unknown(world.ward(scope));
                    json!({ "role": "WARD_OFFICIAL", "wardId": p.target })
                }
                CreatePolice => {
                    p.target = id_or_unknown(world.ward(scope));
                    json!({ "role": "WARD_POLICE", "wardId": p.target })
                }
                _ => json!({ "role": "ADMIN" }),
            };
            p.value = format!("new.user{n}");
            p.variables = json!({ "input": {
                "username": p.value, "displayName": "Người mới", "password": TEST_PASSWORD,
                "roleAssignments": [assignment]
            } });
        }
        SetUserActive => {
            p.value = format!("target{n}");
            p.target = match world.group(scope) {
                Some(group) => {
                    create_user(
                        app,
                        &p.value,
                        "Tổ trưởng sắp nghỉ",
                        json!([{ "role": "GROUP_LEADER", "groupId": group.id }]),
                    )
                    .await
                }
                None => unknown_id(),
            };
            p.variables = json!({ "id": p.target, "active": false });
        }
        ChangePassword => {
            // A user of the caller's role of their own: a password change ends the caller's sessions.
            if caller != Caller::Anonymous {
                p.value = format!("pw.user{n}");
                create_user(app, &p.value, "Người đổi mật khẩu", json!([world.assignment_of(caller)])).await;
                let (access, refresh) = login_session(app, &p.value, TEST_PASSWORD).await;
                p.token = Some(access);
                p.refresh_token = refresh;
            }
            p.variables = json!({ "current": TEST_PASSWORD, "new": NEW_PASSWORD });
        }
        Logout => {
            p.value = match (scope, caller) {
                (Scope::Own, _) => world.username(caller).to_owned(),
                (_, Caller::Admin) => "official.a".to_owned(),
                _ => "root".to_owned(),
            };
            p.refresh_token = login_session(app, &p.value, TEST_PASSWORD).await.1;
            p.variables = json!({ "t": p.refresh_token });
        }
        Login => {
            p.value = world.username(caller).to_owned();
            p.variables = json!({ "u": p.value, "p": TEST_PASSWORD });
        }
        RefreshSession => {
            p.value = world.username(caller).to_owned();
            p.refresh_token = login_session(app, &p.value, TEST_PASSWORD).await.1;
            p.variables = json!({ "t": p.refresh_token });
        }
        Changes | AuditEvents => {}
        Campaigns | Campaign | CreateCampaign | UpdateCampaign | OpenCampaign | CloseCampaign
        | RecordPledge | RecordPledges | WithdrawPledge => {
            pledge_drive::prepare(world, operation, scope, n, &mut p).await
        }
        IncidentTallies | IncidentComparison | RecordIncidentTally => {
            incidents::prepare(world, operation, scope, n, &mut p).await
        }
        WardSettings | GroupAssessments | GroupAssessment | UpdateWardSettings | AssessGroup => {
            assessments::prepare(world, operation, scope, n, &mut p).await
        }
        MovementYearReport => movement_year::prepare(world, scope, &mut p),
        GoodDeeds => {
            // A day of its own, so the list holds exactly the deeds arranged here.
            let day = good_deed_day(n);
            for group in [&world.group_11, &world.group_12, &world.group_21] {
                record_good_deed(app, &group.id, &format!("Việc tốt của tổ {}", group.code), &day).await;
            }
            p.variables = json!({ "filter": { "from": day, "to": day } });
        }
        RecordGoodDeed => {
            p.target = id_or_unknown(world.group(scope));
            p.value = format!("Trả lại của rơi {n}");
            p.variables = json!({ "input": {
                "clientMutationId": unknown_id(), "groupId": p.target,
                "householdId": world.household(scope).map(|h| h.id.clone()),
                "category": "LOST_PROPERTY_RETURNED", "occurredOn": good_deed_day(n), "description": p.value
            } });
        }
        VerifyGoodDeed => {
            p.target = match world.group(scope) {
                Some(group) => {
                    record_good_deed(app, &group.id, &format!("Cần xác minh {n}"), &good_deed_day(n)).await
                }
                None => unknown_id(),
            };
        }
    }
    if !p.target.is_empty() && p.variables == json!({}) {
        p.variables = json!({ "id": p.target });
    }
    p
}

async fn send(world: &World, operation: Operation, prepared: &Prepared) -> Value {
    world.app.gql_with(prepared.token.as_deref(), operation.query(), prepared.variables.clone()).await
}

/// Runs one case: arranges, calls, and checks the answer and the rows left behind.
pub async fn run_case(world: &World, case: &Case) -> Outcome {
    let app = &world.app;
    let prepared = prepare(world, case.caller, case.operation, case.scope).await;
    let before = Rows::take(app).await;
    let body = send(world, case.operation, &prepared).await;
    let after = Rows::take(app).await;
    match case.expected {
        Expected::Refused(code) => {
            refused(&body, code)?;
            pledge_drive::untouched(&before, &after)?;
            if code == "NOT_FOUND" {
                // Out of scope must be indistinguishable from missing: same message, same extensions.
                let missing_body = missing_answer(world, case).await?;
                ensure_json("the answer compared with a missing target", &body, &missing_body)?;
            }
            Ok(())
        }
        Expected::RefusedEach(code, count) => {
            let errors = body["errors"].as_array().ok_or_else(|| format!("no errors in {body}"))?;
            ensure_eq("error count", &errors.len(), &count)?;
            for error in errors {
                ensure_json("error code", &error["extensions"]["code"], &json!(code))?;
                // The refused field is left out of the data, wherever it was asked for.
                let field = error["path"].as_array().and_then(|p| p.last()).and_then(Value::as_str);
                let field = field.ok_or_else(|| format!("no field at the end of {}", error["path"]))?;
                ensure(!holds_key(&body["data"], field), || {
                    format!("`{field}` answered on a refusal: {body}")
                })?;
            }
            pledge_drive::untouched(&before, &after)
        }
        Expected::ItemRefused(code) => {
            let error = pledge_drive::item_error(&body)?;
            ensure_json("the item's error code", &error["code"], &json!(code))?;
            pledge_drive::untouched(&before, &after)?;
            if code == "NOT_FOUND" {
                let missing_body = missing_answer(world, case).await?;
                let missing_error = pledge_drive::item_error(&missing_body)?;
                ensure_json("the item's error compared with a missing target", error, missing_error)?;
            }
            Ok(())
        }
        Expected::Ok | Expected::Sees(_) => {
            if body.get("errors").is_some() {
                return Err(format!("unexpected errors: {body}"));
            }
            if case.operation.is_pledge_drive() {
                return pledge_drive::check(world, case, &prepared, &body["data"], &before, &after);
            }
            if case.operation.is_incident() {
                return incidents::check(world, case, &prepared, &body["data"], &before, &after);
            }
            if case.operation.is_assessment() {
                return assessments::check(world, case, &prepared, &body["data"], &before, &after);
            }
            if case.operation == Operation::MovementYearReport {
                return movement_year::check(world, case, &body["data"], &before, &after);
            }
            // Idempotency keys are shared with good deeds; campaigns and pledges are the drive's alone.
            let drive_tables: Vec<_> = before
                .changed_tables(&after)
                .into_iter()
                .filter(|t| ["campaign", "pledge"].contains(t))
                .collect();
            ensure(drive_tables.is_empty(), || format!("campaigns or pledges changed: {drive_tables:?}"))?;
            check_success(world, case, &prepared, &body["data"], &before.snapshot, &after.snapshot).await
        }
    }
}

/// The answer to the same operation on a target that does not exist, asserting it wrote nothing.
async fn missing_answer(world: &World, case: &Case) -> Result<Value, String> {
    let missing = prepare(world, case.caller, case.operation, Scope::Missing).await;
    let before = Rows::take(&world.app).await;
    let body = send(world, case.operation, &missing).await;
    pledge_drive::untouched(&before, &Rows::take(&world.app).await)?;
    Ok(body)
}

fn ensure(condition: bool, what: impl FnOnce() -> String) -> Outcome {
    if condition { Ok(()) } else { Err(what()) }
}

fn ensure_eq<T: PartialEq + Debug>(what: &str, actual: &T, expected: &T) -> Outcome {
    ensure(actual == expected, || format!("{what}: got {actual:?}, expected {expected:?}"))
}

/// Like `ensure_eq`, printing JSON compactly.
fn ensure_json(what: &str, actual: &Value, expected: &Value) -> Outcome {
    ensure(actual == expected, || format!("{what}: got {actual}, expected {expected}"))
}

/// Whether `key` names a field anywhere in `value`.
fn holds_key(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(fields) => fields.iter().any(|(k, v)| k == key || holds_key(v, key)),
        Value::Array(items) => items.iter().any(|item| holds_key(item, key)),
        _ => false,
    }
}

fn refused(body: &Value, code: &str) -> Outcome {
    let errors = body["errors"].as_array().ok_or_else(|| format!("no errors in {body}"))?;
    ensure_eq("error count", &errors.len(), &1)?;
    ensure_json("error code", &errors[0]["extensions"]["code"], &json!(code))?;
    ensure(body["data"].is_null(), || format!("data on a refusal: {body}"))
}

fn unchanged(before: &Snapshot, after: &Snapshot) -> Outcome {
    let changed = before.changed_tables(after);
    ensure(changed.is_empty(), || format!("the database changed: tables {changed:?}"))
}

/// A successful write: the row counts are the earlier ones changed by `change` plus one audit event,
/// recorded as done by `actor`, and only `tables` and the audit trail changed.
fn wrote(
    before: &Snapshot,
    after: &Snapshot,
    actor: &str,
    tables: &[&str],
    change: impl FnOnce(&mut RowCounts),
) -> Outcome {
    let mut expected = before.counts();
    change(&mut expected);
    expected.audit_events += 1;
    ensure_eq("row counts", &after.counts(), &expected)?;
    let mut changed = before.changed_tables(after);
    changed.sort_unstable();
    let mut expected_tables = [tables, &["audit_event"]].concat();
    expected_tables.sort_unstable();
    ensure_eq("tables changed", &changed, &expected_tables)?;
    let actors: Vec<_> =
        after.audit_events.iter().filter(|e| !before.audit_events.contains(e)).map(|e| e.actor_id).collect();
    ensure_eq("actor of the audit event", &actors, &vec![Some(after.user(actor).id)])
}

fn listed(key: &str, values: &[&str]) -> Value {
    let edges: Vec<Value> = values.iter().map(|v| json!({ "node": { key: v } })).collect();
    json!({ "totalCount": values.len(), "edges": edges })
}

fn phone_of(household: &Place) -> String {
    format!("+849123456{}", &household.code[1..])
}

fn place(found: Option<&Place>) -> Result<&Place, String> {
    found.ok_or_else(|| "a success needs a target of the fixture".to_owned())
}

fn me(world: &World, caller: Caller) -> Value {
    match caller {
        Caller::Admin => json!({ "username": "root", "displayName": "Root", "roleAssignments": [
            { "role": "ADMIN", "ward": null, "group": null }
        ] }),
        Caller::Official => {
            json!({ "username": "official.a", "displayName": super::world::OFFICIAL_NAME, "roleAssignments": [
            { "role": "WARD_OFFICIAL", "ward": { "code": world.ward_a.code, "name": world.ward_a.name }, "group": null }
        ] })
        }
        Caller::Police => {
            json!({ "username": "police.a", "displayName": super::world::POLICE_NAME, "roleAssignments": [
            { "role": "WARD_POLICE", "ward": { "code": world.ward_a.code, "name": world.ward_a.name }, "group": null }
        ] })
        }
        Caller::Leader | Caller::Anonymous => {
            json!({ "username": "leader.11", "displayName": super::world::LEADER_NAME, "roleAssignments": [
            { "role": "GROUP_LEADER", "ward": null, "group": { "code": world.group_11.code, "name": world.group_11.name } }
        ] })
        }
    }
}

/// Checks an allowed call: the exact data, and exactly the rows it was meant to add or change.
async fn check_success(
    world: &World,
    case: &Case,
    p: &Prepared,
    data: &Value,
    before: &Snapshot,
    after: &Snapshot,
) -> Outcome {
    use Operation::*;
    let scope = case.scope;
    // Who the audit trail must name: the caller, or whoever signed in or changed their password.
    let actor = match case.operation {
        ChangePassword | Login | RefreshSession | Logout => p.value.as_str(),
        _ => world.username(case.caller),
    };
    let read = |expected: Value| {
        ensure_json("data", data, &expected)?;
        unchanged(before, after)
    };
    match (case.operation, case.expected) {
        (Wards, Expected::Sees(codes)) => read(json!({ "wards": listed("code", codes) })),
        (Users, Expected::Sees(usernames)) => read(json!({ "users": listed("username", usernames) })),
        (WardGroups, Expected::Sees(codes)) => {
            let ward = place(world.ward(scope))?;
            let edges: Vec<Value> = codes
                .iter()
                .map(|c| json!({ "node": { "code": c, "households": { "totalCount": 1 } } }))
                .collect();
            read(
                json!({ "ward": { "code": ward.code, "groups": { "totalCount": codes.len(), "edges": edges } } }),
            )
        }
        (GoodDeeds, Expected::Sees(descriptions)) => {
            read(json!({ "goodDeeds": listed("description", descriptions) }))
        }
        (Changes, Expected::Sees(codes)) => {
            let households: Vec<Value> = codes.iter().map(|code| json!({ "code": code })).collect();
            read(json!({ "changes": { "households": households, "hasMore": false } }))
        }
        (WardSettings | GroupAssessments | GroupAssessment | UpdateWardSettings | AssessGroup, _) => {
            Err("ward settings and assessments are checked by `assessments::check`".into())
        }
        (_, Expected::Sees(_)) | (Wards | Users | WardGroups | GoodDeeds | Changes, _) => {
            Err("the matrix must list what this operation returns (and only list operations return lists)"
                .into())
        }
        (
            Campaigns | Campaign | CreateCampaign | UpdateCampaign | OpenCampaign | CloseCampaign
            | RecordPledge | RecordPledges | WithdrawPledge,
            _,
        ) => Err("the pledge drive's operations are checked by `pledge_drive::check`".into()),
        (IncidentTallies | IncidentComparison | RecordIncidentTally, _) => {
            Err("incident operations are checked by `incidents::check`".into())
        }
        (MovementYearReport, _) => Err("the year-end report is checked by `movement_year::check`".into()),
        (Ward, _) => {
            let ward = place(world.ward(scope))?;
            read(
                json!({ "ward": { "id": ward.id, "code": ward.code, "name": ward.name, "province": "Thanh Hóa" } }),
            )
        }
        (Group, _) => {
            let group = place(world.group(scope))?;
            read(json!({ "group": { "id": group.id, "code": group.code, "name": group.name } }))
        }
        (Households, _) => {
            let household = place(world.household(scope))?;
            read(json!({ "households": { "totalCount": 1, "edges": [{ "node": {
                "id": household.id, "code": household.code, "headName": household.name, "phone": phone_of(household)
            } }] } }))
        }
        (Household, _) => {
            let household = place(world.household(scope))?;
            read(json!({ "household": {
                "id": household.id, "code": household.code, "headName": household.name,
                "address": format!("Số {} Lê Hoàn", household.code), "memberCount": 3,
                "phone": phone_of(household), "status": "ACTIVE", "version": 1
            } }))
        }
        (Me, _) => read(json!({ "me": me(world, case.caller) })),
        (GroupHouseholds, _) => {
            let group = place(world.group(scope))?;
            let household = place(world.household(scope))?;
            read(json!({ "group": { "code": group.code, "households": listed("code", &[household.code]) } }))
        }
        (HouseholdGroup, _) => {
            let household = place(world.household(scope))?;
            let group = world.group_of(household);
            read(
                json!({ "household": { "code": household.code, "group": { "id": group.id, "code": group.code, "name": group.name } } }),
            )
        }
        (GroupWard, _) => {
            let group = place(world.group(scope))?;
            let ward = world.ward_of(group);
            read(
                json!({ "group": { "code": group.code, "ward": { "id": ward.id, "code": ward.code, "name": ward.name } } }),
            )
        }
        (CreateWard, _) => {
            let expected = json!({ "createWard": { "code": p.value, "name": format!("Phường mới {}", p.value), "province": "Thanh Hóa" } });
            ensure_json("data", data, &expected)?;
            wrote(before, after, actor, &["ward"], |c| c.wards += 1)?;
            ensure(after.wards.iter().any(|w| w.code == p.value), || "the new ward is not stored".into())
        }
        (CreateGroup, _) => {
            let expected = json!({ "createGroup": { "code": p.value, "name": format!("Tổ dân phố {}", p.value), "ward": { "id": p.target } } });
            ensure_json("data", data, &expected)?;
            wrote(before, after, actor, &["residential_group"], |c| c.groups += 1)?;
            ensure(
                after.groups.iter().any(|g| g.code == p.value && g.ward_id.to_string() == p.target),
                || "the new group is not stored in its ward".into(),
            )
        }
        (UpdateGroup, _) => {
            let group = place(world.group(scope))?;
            ensure_json(
                "data",
                data,
                &json!({ "updateGroup": { "id": group.id, "code": group.code, "name": p.value } }),
            )?;
            wrote(before, after, actor, &["residential_group"], |_| {})?;
            let stored = after.groups.iter().find(|g| g.id.to_string() == p.target).ok_or("group gone")?;
            ensure_eq("stored name", &stored.name, &p.value)
        }
        (CreateHousehold, _) => {
            let expected = json!({ "createHousehold": { "code": p.value, "headName": "Hoàng Văn Mới", "group": { "id": p.target } } });
            ensure_json("data", data, &expected)?;
            wrote(before, after, actor, &["household", "change_log"], |c| {
                c.households += 1;
                c.changes += 1;
            })?;
            ensure(
                after.households.iter().any(|h| h.code == p.value && h.group_id.to_string() == p.target),
                || "the new household is not stored in its group".into(),
            )
        }
        (UpdateHousehold | SetHouseholdStatus, _) => {
            let expected = if case.operation == UpdateHousehold {
                json!({ "updateHousehold": { "id": p.target, "headName": NEW_HEAD, "memberCount": 6, "version": 2 } })
            } else {
                json!({ "setHouseholdStatus": { "id": p.target, "status": "MOVED_OUT", "version": 2 } })
            };
            ensure_json("data", data, &expected)?;
            wrote(before, after, actor, &["household", "change_log"], |c| c.changes += 1)?;
            let stored =
                after.households.iter().find(|h| h.id.to_string() == p.target).ok_or("household gone")?;
            ensure_eq("stored version", &stored.version, &2)?;
            if case.operation == UpdateHousehold {
                ensure_eq("stored head", &(stored.head_name.as_str(), stored.member_count), &(NEW_HEAD, 6))
            } else {
                ensure_eq("stored status", &stored.status, &HouseholdStatus::MovedOut)
            }
        }
        (CreateLeader | CreateOfficial | CreatePolice | CreateAdmin, _) => {
            let (role, stored_role, ward, group) = match case.operation {
                CreateLeader => ("GROUP_LEADER", Role::GroupLeader, Value::Null, json!({ "id": p.target })),
                CreateOfficial => {
                    ("WARD_OFFICIAL", Role::WardOfficial, json!({ "id": p.target }), Value::Null)
                }
                CreatePolice => ("WARD_POLICE", Role::WardPolice, json!({ "id": p.target }), Value::Null),
                _ => ("ADMIN", Role::Admin, Value::Null, Value::Null),
            };
            let expected = json!({ "createUser": { "username": p.value, "active": true, "roleAssignments": [
                { "role": role, "ward": ward, "group": group }
            ] } });
            ensure_json("data", data, &expected)?;
            wrote(before, after, actor, &["app_user", "role_assignment"], |c| {
                c.users += 1;
                c.assignments += 1;
            })?;
            let user = after.user(&p.value);
            let stored: Vec<_> = after.assignments.iter().filter(|a| a.user_id == user.id).collect();
            ensure_eq(
                "stored roles",
                &stored.iter().map(|a| a.role).collect::<Vec<_>>(),
                &vec![stored_role],
            )?;
            let scope_id = stored[0].ward_id.or(stored[0].group_id).map(|id| id.to_string());
            let expected_scope = (role != "ADMIN").then(|| p.target.clone());
            ensure_eq("stored scope", &scope_id, &expected_scope)
        }
        (SetUserActive, _) => {
            ensure_json(
                "data",
                data,
                &json!({ "setUserActive": { "id": p.target, "username": p.value, "active": false } }),
            )?;
            wrote(before, after, actor, &["app_user"], |_| {})?;
            let (was, is) = (before.user(&p.value), after.user(&p.value));
            ensure_eq(
                "stored active, token version",
                &(is.active, is.token_version),
                &(false, was.token_version + 1),
            )
        }
        (ChangePassword, _) => {
            ensure_json("user", &data["changePassword"]["user"], &json!({ "username": p.value }))?;
            ensure(
                data["changePassword"]["accessToken"].as_str().is_some_and(|t| t.split('.').count() == 3),
                || format!("no access token in {data}"),
            )?;
            wrote(before, after, actor, &["app_user", "refresh_token"], |c| c.refresh_tokens += 1)?;
            let (was, is) = (before.user(&p.value), after.user(&p.value));
            ensure_eq("token version", &is.token_version, &(was.token_version + 1))?;
            ensure(is.password_hash != was.password_hash, || "the password hash did not change".into())?;
            let live: Vec<_> = after
                .refresh_tokens
                .iter()
                .filter(|t| t.user_id == is.id && t.revoked_at.is_none())
                .collect();
            ensure_eq("live refresh tokens of the user (only the new session)", &live.len(), &1)?;
            ensure(!before.refresh_tokens.iter().any(|t| t.id == live[0].id), || {
                "the old session is still live".into()
            })
        }
        (Logout, _) => {
            ensure_json("data", data, &json!({ "logout": true }))?;
            let refreshed =
                world.app.gql_with(None, RefreshSession.query(), json!({ "t": p.refresh_token })).await;
            if scope == Scope::Own {
                wrote(before, after, actor, &["refresh_token"], |_| {})?;
                let revoked =
                    |s: &Snapshot| s.refresh_tokens.iter().filter(|t| t.revoked_at.is_some()).count();
                ensure_eq("refresh tokens revoked", &revoked(after), &(revoked(before) + 1))?;
                ensure_json(
                    "refreshing after logout",
                    &refreshed["errors"][0]["extensions"]["code"],
                    &json!("UNAUTHENTICATED"),
                )
            } else {
                unchanged(before, after)?;
                ensure(refreshed.get("errors").is_none(), || {
                    format!("the other user's session ended: {refreshed}")
                })
            }
        }
        (Login, _) => {
            ensure_json("user", &data["login"]["user"]["username"], &json!(p.value))?;
            wrote(before, after, actor, &["refresh_token"], |c| c.refresh_tokens += 1)
        }
        (RefreshSession, _) => {
            ensure_json("user", &data["refreshSession"]["user"], &json!({ "username": p.value }))?;
            ensure(data["refreshSession"]["refreshToken"] != json!(p.refresh_token), || {
                "not rotated".into()
            })?;
            wrote(before, after, actor, &["refresh_token"], |c| c.refresh_tokens += 1)
        }
        (AuditEvents, _) => {
            // Administrators read every event, the official ward A's; newest first.
            let mut readable: Vec<_> = before
                .audit_events
                .iter()
                .filter(|e| {
                    case.caller == Caller::Admin
                        || e.ward_id.map(|w| w.to_string()) == Some(world.ward_a.id.clone())
                })
                .collect();
            readable.sort_by_key(|e| std::cmp::Reverse(e.id));
            let edges: Vec<Value> =
                readable.iter().take(100).map(|e| json!({ "node": { "id": e.id.to_string() } })).collect();
            read(json!({ "auditEvents": { "totalCount": readable.len(), "edges": edges } }))
        }
        (RecordGoodDeed, _) => {
            let (group, household) = (place(world.group(scope))?, place(world.household(scope))?);
            let expected = json!({ "recordGoodDeed": {
                "description": p.value, "status": "REPORTED", "group": { "id": group.id }, "household": { "id": household.id }
            } });
            ensure_json("data", data, &expected)?;
            wrote(before, after, actor, &["change_log"], |c| c.changes += 1)?;
            let stored: Vec<_> = stored_good_deeds(world)
                .await
                .into_iter()
                .filter(|d| d.description == p.value)
                .map(|d| {
                    (d.group_id.to_string(), d.household_id.map(|h| h.to_string()), d.status, d.recorded_by)
                })
                .collect();
            let recorder = Some(after.user(actor).id);
            ensure_eq(
                "stored deed (group, household, status, recorder)",
                &stored,
                &vec![(group.id.clone(), Some(household.id.clone()), GoodDeedStatus::Reported, recorder)],
            )
        }
        (VerifyGoodDeed, _) => {
            let verifier = if case.caller == Caller::Admin { "Root" } else { super::world::OFFICIAL_NAME };
            let expected = json!({ "verifyGoodDeed": {
                "id": p.target, "status": "VERIFIED", "verifiedBy": { "displayName": verifier }
            } });
            ensure_json("data", data, &expected)?;
            wrote(before, after, actor, &["change_log"], |c| c.changes += 1)?;
            let stored: Vec<_> = stored_good_deeds(world)
                .await
                .into_iter()
                .filter(|d| d.id.to_string() == p.target)
                .map(|d| (d.status, d.verified_by))
                .collect();
            ensure_eq(
                "stored (status, verifier)",
                &stored,
                &vec![(GoodDeedStatus::Verified, Some(after.user(actor).id))],
            )
        }
    }
}

/// The day the `n`th case's good deeds happened on: one of its own, long past.
fn good_deed_day(n: usize) -> String {
    let first = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("a date");
    (first + chrono::Days::new(n as u64)).to_string()
}

/// Records a good deed of `group_id` as the administrator and returns its id.
async fn record_good_deed(
    app: &crate::helpers::TestApp,
    group_id: &str,
    description: &str,
    day: &str,
) -> String {
    let data = app
        .gql_ok(
            "mutation($input: RecordGoodDeedInput!) { recordGoodDeed(input: $input) { id } }",
            json!({ "input": {
                "clientMutationId": unknown_id(), "groupId": group_id, "category": "PATROL",
                "occurredOn": day, "description": description
            } }),
        )
        .await;
    data["recordGoodDeed"]["id"].as_str().expect("good deed id").to_owned()
}

/// Every good deed of the world's database.
async fn stored_good_deeds(world: &World) -> Vec<pledge_api::entities::good_deed::Model> {
    use sea_orm::EntityTrait;
    pledge_api::entities::good_deed::Entity::find().all(&world.app.db).await.expect("good deeds")
}
