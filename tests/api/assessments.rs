//! Each ward's own settings (`Ward.settings`, `updateWardSettings`) and the officials' assessments of
//! its groups (`assessGroup`, `groupAssessments`, `ResidentialGroup.assessment`, `node`): `settings`
//! changes them, `year` follows a changed year into the ward's lists, award dates and assessments,
//! `levels` keeps the scale and the assessments on it together, `decide` and `retries` assess,
//! `inputs` names every bad field, `who` and `reading` go role by role. Every role against every
//! operation is also in the permission matrix; here, the rules in detail.

mod decide;
mod inputs;
mod levels;
mod reading;
mod retries;
mod settings;
mod who;
mod year;

use serde_json::{Value, json};

use crate::{
    drive::set_clock,
    helpers::{TestApp, create_group, create_ward, spawn_app},
    world::Rows,
};

/// The festival day of the case, 11 August 2023, at noon in Vietnam: the tests' today. Movement year
/// 2023 has begun (on 1 November 2022 by default), 2024 has not.
pub const FESTIVAL_NOON: &str = "2023-08-11T05:00:00Z";

/// Every field of `WardSettings` but `updatedAt`.
pub const SETTINGS_FIELDS: &str =
    "yearStartMonth yearStartDay assessmentScale { code label } version updatedBy { displayName }";

/// Every field of `GroupAssessment` but its timestamps.
pub const ASSESSMENT_FIELDS: &str =
    "id year level { code label } note version group { id code } ward { id } decidedBy { displayName }";

/// The default scale, as `assessmentScale` answers it.
pub fn default_scale() -> Value {
    json!([
        { "code": "XUAT_SAC", "label": "Xuất sắc" }, { "code": "KHA", "label": "Khá" },
        { "code": "TRUNG_BINH", "label": "Trung bình" }, { "code": "YEU", "label": "Yếu" }
    ])
}

/// An assessment of `group` for 2023 at `level`.
pub fn input(group: &str, level: &str) -> Value {
    json!({ "groupId": group, "year": 2023, "level": level })
}

/// Settings from 1 January with a scale of two levels, at `version`.
pub fn calendar_year(version: i64) -> Value {
    json!({
        "expectedVersion": version, "yearStartMonth": 1, "yearStartDay": 1,
        "assessmentScale": [{ "code": "DAT", "label": "Đạt" }, { "code": "CHUA_DAT", "label": "Chưa đạt" }]
    })
}

/// `input` for ward `ward`.
pub fn with_ward(mut input: Value, ward: &str) -> Value {
    input["wardId"] = json!(ward);
    input
}

/// Ward A "Phường Lam Sơn" (groups 11 and 12) and ward B "Phường Ba Đình" (group 21); an official, the
/// police and a group leader of each ward's first group, each signed in under their username; today is
/// the festival day.
pub struct Wards {
    pub app: TestApp,
    pub ward_a: String,
    pub ward_b: String,
    pub group_11: String,
    pub group_12: String,
    pub group_21: String,
    /// `official.a`, WARD_OFFICIAL of ward A.
    pub official: String,
    /// `official.b`, WARD_OFFICIAL of ward B.
    pub official_b: String,
    /// `police.a`, WARD_POLICE of ward A.
    pub police: String,
    /// `police.b`, WARD_POLICE of ward B.
    pub police_b: String,
    /// `leader.11`, GROUP_LEADER of group 11.
    pub leader: String,
    /// `leader.12`, GROUP_LEADER of group 12.
    pub leader_12: String,
}

impl Wards {
    pub async fn build() -> Self {
        let app = spawn_app().await;
        set_clock(&app, FESTIVAL_NOON);
        let ward_a = create_ward(&app, "WA", "Phường Lam Sơn").await;
        let ward_b = create_ward(&app, "WB", "Phường Ba Đình").await;
        let group_11 = create_group(&app, &ward_a, "11").await;
        let group_12 = create_group(&app, &ward_a, "12").await;
        let group_21 = create_group(&app, &ward_b, "21").await;
        let official = app.user_with_role("official.a", "WARD_OFFICIAL", Some(&ward_a), None).await;
        let official_b = app.user_with_role("official.b", "WARD_OFFICIAL", Some(&ward_b), None).await;
        let police = app.user_with_role("police.a", "WARD_POLICE", Some(&ward_a), None).await;
        let police_b = app.user_with_role("police.b", "WARD_POLICE", Some(&ward_b), None).await;
        let leader = app.user_with_role("leader.11", "GROUP_LEADER", None, Some(&group_11)).await;
        let leader_12 = app.user_with_role("leader.12", "GROUP_LEADER", None, Some(&group_12)).await;
        Self {
            app,
            ward_a,
            ward_b,
            group_11,
            group_12,
            group_21,
            official,
            official_b,
            police,
            police_b,
            leader,
            leader_12,
        }
    }

    /// `ward(id) { settings }` of `ward` as `token`, with `movementYear(year: 2023)`; the whole body.
    pub async fn settings(&self, token: &str, ward: &str) -> Value {
        let query = format!(
            "query($id: ID!) {{ ward(id: $id) {{ settings {{ {SETTINGS_FIELDS} movementYear(year: 2023) {{ year startsOn endsOn }} }} }} }}"
        );
        self.app.gql_with(Some(token), &query, json!({ "id": ward })).await
    }

    /// Sends `updateWardSettings` with `input` as `token`; the whole body.
    pub async fn update(&self, token: &str, input: Value) -> Value {
        let query = format!(
            "mutation($input: UpdateWardSettingsInput!) {{ updateWardSettings(input: $input) {{ {SETTINGS_FIELDS} }} }}"
        );
        self.app.gql_with(Some(token), &query, json!({ "input": input })).await
    }

    /// Changes `ward`'s settings with `input` (its `wardId` added) as the administrator, asserting
    /// success; the settings.
    pub async fn set(&self, ward: &str, mut input: Value) -> Value {
        input["wardId"] = json!(ward);
        let body = self.update(&self.app.admin_token, input).await;
        assert!(body.get("errors").is_none(), "{body:#}");
        body["data"]["updateWardSettings"].clone()
    }

    /// Sends `assessGroup` with `input` as `token`; the whole body.
    pub async fn assess(&self, token: &str, input: Value) -> Value {
        let query = format!(
            "mutation($input: AssessGroupInput!) {{ assessGroup(input: $input) {{ {ASSESSMENT_FIELDS} }} }}"
        );
        self.app.gql_with(Some(token), &query, json!({ "input": input })).await
    }

    /// Assesses `group` at `level` for `year` as the administrator, asserting success; the assessment.
    pub async fn assessed(&self, group: &str, year: i32, level: &str) -> Value {
        let input = json!({ "groupId": group, "year": year, "level": level });
        let body = self.assess(&self.app.admin_token, input).await;
        assert!(body.get("errors").is_none(), "{body:#}");
        body["data"]["assessGroup"].clone()
    }

    /// Every row of the database.
    pub async fn rows(&self) -> Rows {
        Rows::take(&self.app).await
    }
}
