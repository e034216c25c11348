//! The year-end report as a workbook: `GET /exports/movement-year.xlsx?wardId=…&year=…`, the same report
//! as `movementYearReport` for the same caller, one sheet per section: the groups ("Tổ dân phố", with
//! deeds by category, counts, satisfaction and assessment, and a totals row), incidents ("Vụ việc"),
//! surveys ("Khảo sát"), models ("Mô hình"), awards ("Khen thưởng") and events ("Sự kiện"). A section
//! with nothing in it still has its sheet and headers. The sheets of records are in `records`.

mod records;

use std::{collections::HashMap, sync::Arc};

use axum::{
    extract::{Query, State},
    http::HeaderMap,
    response::Response,
};
use uuid::Uuid;

use super::{
    ExportParams, XLSX, attachment, caller, id, labels, required,
    sheet::{Sheet, Value, xlsx_of},
    yes_no,
};
use crate::{
    error::AppError,
    http::AppState,
    service::year_report::{GroupYear, IncidentYear, YearReport, good_deed_categories},
};

/// What marks the totals row, in its first cell.
const TOTALS_LABEL: &str = "Tổng cộng";

/// `GET /exports/movement-year.xlsx`
pub(in crate::http) async fn movement_year_xlsx(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Query<ExportParams>,
) -> Result<Response, AppError> {
    let scope = caller(&state, &headers).await?;
    params.dialect()?;
    let ward_id = required(id(params.ward_id.as_deref(), "wardId")?, "wardId")?;
    let year = year(params.year.as_deref())?;
    let report = scope.year_reports().report(ward_id, year).await?;
    let names = group_names(&report);
    let deed_headers = group_headers();
    let sheets = [
        groups_sheet(&report, &deed_headers),
        incidents_sheet(&report),
        records::surveys(&report, &names),
        records::models(&report, &names),
        records::awards(&report, &names),
        records::events(&report, &names),
    ];
    let body = xlsx_of(&sheets)?;
    Ok(attachment(body, XLSX, &format!("movement-year-{}-{}.xlsx", report.ward.code, report.year)))
}

/// The `year` parameter: required, a whole number (its range is the report's to check).
fn year(value: Option<&str>) -> Result<i32, AppError> {
    let value = value.ok_or_else(|| AppError::bad_input("year", "year is required"))?;
    value.trim().parse().map_err(|_| AppError::bad_input("year", "year is not a whole number"))
}

/// The name of each group of the report, for the sheets that name a record's group.
fn group_names(report: &YearReport) -> HashMap<Uuid, &str> {
    report.groups.iter().map(|row| (row.figures.group.id, row.figures.group.name.as_str())).collect()
}

/// The title of a sheet: what it holds, the ward and the year.
fn title(report: &YearReport, what: &str) -> String {
    format!(
        "{what}: {} — năm {} (từ {} đến {})",
        report.ward.name,
        report.year,
        report.starts_on.format("%d/%m/%Y"),
        report.ends_on.format("%d/%m/%Y")
    )
}

/// The headers of the groups' sheet, a column per good-deed category among them.
fn group_headers() -> Vec<&'static str> {
    let mut headers = vec!["Mã tổ", "Tổ dân phố", "Tổng số hộ", "Số hộ đã ký", "Tỷ lệ ký (%)"];
    headers.extend(good_deed_categories().map(labels::good_deed));
    headers.extend(["Tổng việc tốt", "Mô hình tự quản", "Khen thưởng", "Số phiếu khảo sát"]);
    headers.extend(["Tỷ lệ hài lòng (%)", "Xếp loại"]);
    headers
}

/// A share of 1, or nothing.
fn share(value: Option<f64>) -> Value<'static> {
    value.map_or(Value::Empty, Value::Share)
}

fn group_row(row: &GroupYear) -> Vec<Value<'_>> {
    let figures = &row.figures;
    let mut values = vec![
        Value::Text(&figures.group.code),
        Value::Text(&figures.group.name),
        Value::Count(figures.total_households),
        row.signed().map_or(Value::Empty, Value::Count),
        share(row.signed().map(|_| figures.coverage())),
    ];
    values.extend(row.good_deeds.iter().map(|(_, n)| Value::Count(*n)));
    values.extend([
        Value::Count(row.good_deed_count()),
        Value::Count(row.model_count),
        Value::Count(row.award_count),
        Value::Count(row.ballot_count as i64),
        share(row.satisfaction_rate()),
        row.assessment.as_ref().map_or(Value::Empty, |a| Value::Text(&a.level_label)),
    ]);
    values
}

/// The totals: the rows' households, signatures, deeds (per category) and ballots, and the report's
/// counts of models and awards, which include the ward-wide ones.
fn totals_row(report: &YearReport) -> Vec<Value<'_>> {
    let totals = &report.totals;
    let coverage = totals
        .signed
        .map(|signed| if totals.households == 0 { 0.0 } else { signed as f64 / totals.households as f64 });
    let mut values = vec![
        Value::Text(TOTALS_LABEL),
        Value::Text("gồm cả mô hình và khen thưởng chung của phường"),
        Value::Count(totals.households),
        totals.signed.map_or(Value::Empty, Value::Count),
        share(coverage),
    ];
    values.extend(good_deed_categories().map(|category| {
        let of = |row: &GroupYear| row.good_deeds.iter().find(|(c, _)| *c == category).map_or(0, |(_, n)| *n);
        Value::Count(report.groups.iter().map(of).sum())
    }));
    values.extend([
        Value::Count(totals.deeds),
        Value::Count(totals.models),
        Value::Count(totals.awards),
        Value::Count(totals.ballots as i64),
        share(totals.satisfaction_rate()),
        Value::Empty,
    ]);
    values
}

fn groups_sheet<'a>(report: &'a YearReport, headers: &'a [&'static str]) -> Sheet<'a> {
    let campaign = report
        .campaign
        .as_ref()
        .map_or("chưa có chiến dịch ký cam kết".to_owned(), |c| c.title.clone());
    Sheet {
        name: "Tổ dân phố",
        title: format!("{} — {campaign}", title(report, "Tổng kết phong trào theo tổ dân phố")),
        as_of: report.as_of,
        headers,
        rows: report.groups.iter().map(group_row).collect(),
        totals: Some(totals_row(report)),
    }
}

const INCIDENT_HEADERS: [&str; 9] = [
    "Loại vụ việc",
    "Số vụ",
    "Cùng kỳ năm trước",
    "Tăng (+), giảm (−)",
    "Tăng, giảm (%)",
    "Số tháng đã nhập",
    "Số tháng đã nhập cùng kỳ",
    "Số tháng so sánh",
    "Đủ số liệu",
];

fn incidents_sheet(report: &YearReport) -> Sheet<'_> {
    let what = match &report.incidents {
        Some(IncidentYear { from, to, .. }) => format!(
            "Vụ việc từ tháng {} đến tháng {} so với cùng kỳ năm trước",
            from.first_day().format("%m/%Y"),
            to.first_day().format("%m/%Y")
        ),
        None => "Vụ việc (năm chưa bắt đầu)".to_owned(),
    };
    let rows = report.incidents.iter().flat_map(|i| &i.rows).map(|row| {
        vec![
            Value::Text(labels::incident(row.category)),
            Value::Count(row.count),
            Value::Count(row.previous_count),
            Value::Count(row.change),
            share(row.change_percent.map(|p| p / 100.0)),
            Value::Count(row.months_reported),
            Value::Count(row.previous_months_reported),
            Value::Count(row.months),
            Value::Text(yes_no(row.complete())),
        ]
    });
    Sheet {
        name: "Vụ việc",
        title: title(report, &what),
        as_of: report.as_of,
        headers: &INCIDENT_HEADERS,
        rows: rows.collect(),
        totals: None,
    }
}
