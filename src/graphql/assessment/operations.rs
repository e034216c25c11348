//! `groupAssessments`, `updateWardSettings` and `assessGroup`.

use async_graphql::{Context, ID, InputObject, Object, Result};

use super::{GroupAssessment, WardSettings};
use crate::{
    domain::assessment::Level,
    graphql::{
        connection::{GroupAssessmentConnection, page_request, to_connection},
        context::{int32, parse_id, scope},
    },
    service::{self, assessment::NewAssessment, ward_settings::SettingsPatch},
};

/// A level of an assessment scale, as sent.
#[derive(InputObject)]
pub struct AssessmentLevelInput {
    /// Stable code: 1–32 upper-case ASCII letters, digits and `_`, beginning with a letter (e.g.
    /// `XUAT_SAC`). Assessments name their level by it: keep a code to rename its level.
    pub code: String,
    /// What people read, 1–100 characters on one line (e.g. "Xuất sắc").
    pub label: String,
}

/// A change of a ward's settings: fields left out keep their value.
#[derive(InputObject)]
pub struct UpdateWardSettingsInput {
    /// The ward.
    pub ward_id: ID,
    /// The `version` last read: 0 for a ward still on the defaults. A newer one is `CONFLICT` with
    /// `currentVersion`.
    pub expected_version: i64,
    /// The month the movement year begins in, 1–12.
    pub year_start_month: Option<i64>,
    /// The day of that month, 1–28 (so every year has it).
    pub year_start_day: Option<i64>,
    /// The whole scale, best level first: 2 to 10 levels, codes and labels each unique. A level that a
    /// stored assessment of the ward gives may be renamed but not left out (`CONFLICT`).
    pub assessment_scale: Option<Vec<AssessmentLevelInput>>,
}

/// The officials' decision on a group for a movement year.
#[derive(InputObject)]
pub struct AssessGroupInput {
    /// The group.
    pub group_id: ID,
    /// The movement year, in the ward's own year: one that has begun, by Vietnam's date.
    pub year: i64,
    /// A level's `code` on the ward's scale (`Ward.settings.assessmentScale`).
    pub level: String,
    /// Why, in the officials' words (at most 2000 characters; empty for none).
    pub note: Option<String>,
    /// The `version` last read, to change an assessment that exists; omit it (or send 0) for the first.
    pub expected_version: Option<i64>,
    /// A UUID made by the client: sending the same input with it again answers like the first time;
    /// with another input it is `CONFLICT`.
    pub client_mutation_id: Option<ID>,
}

/// Queries on group assessments.
#[derive(Default)]
pub struct AssessmentQuery;

#[Object]
impl AssessmentQuery {
    /// A ward's assessments for a movement year, by group code: officials and police of the ward and
    /// administrators read every group's, a group leader their own group's. Another ward is `NOT_FOUND`.
    #[expect(clippy::too_many_arguments, reason = "the ward, the year, and paging both ways")]
    async fn group_assessments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ward.")] ward_id: ID,
        #[graphql(desc = "The movement year, 2000–2100.")] year: i64,
        #[graphql(desc = "How many, 0 to 100 (default 20).")] first: Option<i64>,
        #[graphql(desc = "Start after this cursor, taken from a previous page.")] after: Option<String>,
        #[graphql(desc = "Instead of `first`: how many from the end, 0 to 100.")] last: Option<i64>,
        #[graphql(desc = "End before this cursor, taken from a previous page.")] before: Option<String>,
    ) -> Result<GroupAssessmentConnection> {
        let scope = scope(ctx)?;
        let ward_id = parse_id(&ward_id, "wardId")?;
        let year = int32(year, "year")?;
        let request = page_request(ctx, first, after, last, before)?;
        let page = scope.assessments().list(ward_id, year, &request).await?;
        Ok(to_connection(
            page,
            |(group, _)| service::assessment::cursor(group),
            |(group, assessment)| GroupAssessment::with_group(group, assessment),
        ))
    }
}

/// Mutations on ward settings and group assessments.
#[derive(Default)]
pub struct AssessmentMutation;

#[Object]
impl AssessmentMutation {
    /// Changes a ward's settings if they are still at `expectedVersion` (else `CONFLICT` with
    /// `currentVersion`): officials of the ward and administrators. Sending the values the ward has
    /// already changes nothing. The ward's lists with `year` and its award dates follow the new year.
    async fn update_ward_settings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ward and what changes.")] input: UpdateWardSettingsInput,
    ) -> Result<WardSettings> {
        let scope = scope(ctx)?;
        let patch = SettingsPatch {
            ward_id: parse_id(&input.ward_id, "wardId")?,
            expected_version: int32(input.expected_version, "expectedVersion")?,
            year_start_month: input.year_start_month.map(|m| int32(m, "yearStartMonth")).transpose()?,
            year_start_day: input.year_start_day.map(|d| int32(d, "yearStartDay")).transpose()?,
            assessment_scale: input.assessment_scale.map(|levels| {
                levels.into_iter().map(|level| Level { code: level.code, label: level.label }).collect()
            }),
        };
        Ok(WardSettings(scope.ward_settings().update(patch).await?))
    }

    /// Sets a group's assessment for a movement year: officials of the group's ward and administrators.
    /// The first needs no `expectedVersion`; one that exists changes only with its current `version`
    /// (else `CONFLICT` with `currentVersion`). Sending the level and note it has already changes
    /// nothing and answers it as it is.
    async fn assess_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The group, the year and the decision.")] input: AssessGroupInput,
    ) -> Result<GroupAssessment> {
        let scope = scope(ctx)?;
        let new = NewAssessment {
            group_id: parse_id(&input.group_id, "groupId")?,
            year: int32(input.year, "year")?,
            level: input.level,
            note: input.note,
            expected_version: input.expected_version.map(|v| int32(v, "expectedVersion")).transpose()?,
            client_mutation_id: input
                .client_mutation_id
                .as_ref()
                .map(|id| parse_id(id, "clientMutationId"))
                .transpose()?,
        };
        Ok(scope.assessments().assess(new).await?.into())
    }
}
