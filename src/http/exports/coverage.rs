//! The coverage sheet: a row per group (ward, group code and name, households, signed, unsigned,
//! coverage, fully covered), by ward name and then group code, and the totals of the report's scope on
//! their own row after the data.

use std::sync::Arc;

use axum::{
    extract::{Query, State},
    http::HeaderMap,
    response::Response,
};
use uuid::Uuid;

use super::{
    CSV, ExportParams, XLSX, attachment, caller,
    csv_body::{Cell, csv_bytes},
    csv_name, id, required,
    sheet::{Sheet, Value},
    yes_no,
};
use crate::{
    error::AppError,
    http::AppState,
    service::{
        Scope,
        coverage::{Detail, GroupFigures, Report, Totals},
    },
};

/// One row of the coverage sheet.
struct Row {
    ward: String,
    group_code: String,
    group_name: String,
    total: i64,
    signed: i64,
    coverage: f64,
    fully_covered: bool,
}

impl Row {
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Text(self.ward.clone()),
            Cell::Text(self.group_code.clone()),
            Cell::Text(self.group_name.clone()),
            Cell::Count(self.total),
            Cell::Count(self.signed),
            Cell::Count(self.total - self.signed),
            Cell::Percent(self.coverage),
            Cell::Text(yes_no(self.fully_covered).to_owned()),
        ]
    }

    fn values(&self) -> Vec<Value<'_>> {
        vec![
            Value::Text(&self.ward),
            Value::Text(&self.group_code),
            Value::Text(&self.group_name),
            Value::Count(self.total),
            Value::Count(self.signed),
            Value::Count(self.total - self.signed),
            Value::Share(self.coverage),
            Value::Text(yes_no(self.fully_covered)),
        ]
    }
}

const COVERAGE_HEADERS: [&str; 8] = [
    "Phường/Xã",
    "Mã tổ",
    "Tổ dân phố",
    "Tổng số hộ",
    "Số hộ đã ký",
    "Số hộ chưa ký",
    "Tỷ lệ (%)",
    "Đạt 100%",
];

/// What marks the totals row, in its first cell.
const TOTALS_LABEL: &str = "Tổng cộng";

async fn coverage_rows(
    scope: &Scope,
    params: &ExportParams,
) -> Result<(Arc<Report>, Vec<Row>, String), AppError> {
    let campaign_id = required(id(params.campaign_id.as_deref(), "campaignId")?, "campaignId")?;
    let ward_id = id(params.ward_id.as_deref(), "wardId")?;
    let group_id = id(params.group_id.as_deref(), "groupId")?;
    let report = scope.coverage().report(campaign_id, ward_id, group_id, Detail::Groups).await?;
    let group_ids: Vec<Uuid> = report.groups.iter().map(|g| g.group.id).collect();
    let ward_ids: Vec<Uuid> = report.wards.iter().map(|(w, _)| *w).collect();
    let groups = scope.groups().by_ids(&group_ids).await?;
    let wards = scope.wards().by_ids(&ward_ids).await?;
    let ward_name = |id: &Uuid| wards.get(id).map(|w| w.name.clone()).unwrap_or_default();
    // The sheet reads best by ward, then group code; the GraphQL rows are by coverage instead.
    let mut figures: Vec<&GroupFigures> = report.groups.iter().collect();
    figures.sort_by(|a, b| {
        ward_name(&a.group.ward_id)
            .cmp(&ward_name(&b.group.ward_id))
            .then_with(|| a.ward.code.cmp(&b.ward.code))
            .then_with(|| a.group.sort_key.cmp(&b.group.sort_key))
            .then_with(|| a.group.id.cmp(&b.group.id))
    });
    let rows = figures
        .into_iter()
        .map(|g| Row {
            ward: ward_name(&g.group.ward_id),
            group_code: g.group.code.clone(),
            group_name: groups.get(&g.group.id).map(|m| m.name.clone()).unwrap_or_default(),
            total: g.total_households,
            signed: g.signed_households,
            coverage: g.coverage(),
            fully_covered: g.fully_covered(),
        })
        .collect();
    let scope = match (group_id.and_then(|g| groups.get(&g)), ward_id.and_then(|w| wards.get(&w))) {
        (Some(group), _) => format!("{}, {}", group.name, ward_name(&group.ward_id)),
        (None, Some(ward)) => ward.name.clone(),
        (None, None) if wards.len() == 1 => wards.values().next().map(|w| w.name.clone()).unwrap_or_default(),
        (None, None) => "Tất cả phường/xã".to_owned(),
    };
    Ok((report, rows, scope))
}

fn totals_row(totals: &Totals) -> Row {
    Row {
        ward: TOTALS_LABEL.to_owned(),
        group_code: String::new(),
        group_name: format!("{}/{} tổ đạt 100%", totals.groups_fully_covered, totals.groups_total),
        total: totals.total_households,
        signed: totals.signed_households,
        coverage: totals.coverage(),
        fully_covered: totals.fully_covered,
    }
}

/// `GET /exports/coverage.csv`
pub(in crate::http) async fn coverage_csv(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Query<ExportParams>,
) -> Result<Response, AppError> {
    let scope = caller(&state, &headers).await?;
    let dialect = params.dialect()?;
    let (report, rows, _) = coverage_rows(&scope, &params).await?;
    let body = csv_bytes(
        dialect,
        &COVERAGE_HEADERS,
        rows.iter().map(Row::cells),
        Some(totals_row(&report.totals).cells()),
    );
    Ok(attachment(body, CSV, &csv_name(&format!("coverage-{}", report.campaign.year), dialect)))
}

/// `GET /exports/coverage.xlsx`
pub(in crate::http) async fn coverage_xlsx(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Query<ExportParams>,
) -> Result<Response, AppError> {
    let caller = caller(&state, &headers).await?;
    params.dialect()?;
    let (report, rows, scope) = coverage_rows(&caller, &params).await?;
    let totals = totals_row(&report.totals);
    let body = Sheet {
        name: "Kết quả ký cam kết",
        title: format!("Kết quả ký cam kết: {} — {}", report.campaign.title, scope),
        as_of: report.as_of,
        headers: &COVERAGE_HEADERS,
        rows: rows.iter().map(Row::values).collect(),
        totals: Some(totals.values()),
    }
    .xlsx()?;
    Ok(attachment(body, XLSX, &format!("coverage-{}.xlsx", report.campaign.year)))
}
