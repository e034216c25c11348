//! Spreadsheet exports for the year-end report, with the same Bearer token and scope as GraphQL:
//! `GET /exports/coverage.csv|.xlsx?campaignId=…[&wardId=…][&groupId=…]` and `GET /exports/unsigned.csv?campaignId=…&groupId=…`.
//! CSV is UTF-8 with a byte-order mark so Excel shows Vietnamese diacritics. Errors answer a JSON body
//! with the same `extensions.code` as GraphQL. How a CSV body is written, and why no text cell of it can
//! start a formula, is in `csv_body`.

mod csv_body;

use std::sync::Arc;

use axum::{
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use uuid::Uuid;

use self::csv_body::{Cell, csv_bytes};
use super::{AppState, authenticate};
use crate::{
    error::{AppError, Unauthenticated},
    graphql::Caller,
    service::{
        self, Scope,
        coverage::{Detail, GroupFigures, Report, Totals},
        page::{MAX_PAGE_SIZE, PageRequest},
    },
};

/// Query parameters of the exports.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ExportParams {
    campaign_id: Option<String>,
    ward_id: Option<String>,
    group_id: Option<String>,
}

/// The caller's service handle, or `UNAUTHENTICATED`.
async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Scope, AppError> {
    match authenticate(state, headers).await? {
        Caller::User(actor) => Ok(state.services.scope(actor)),
        Caller::Anonymous => Err(AppError::Unauthenticated(Unauthenticated::NoToken)),
        Caller::InvalidToken => Err(AppError::Unauthenticated(Unauthenticated::InvalidToken)),
    }
}

fn id(value: Option<&str>, field: &str) -> Result<Option<Uuid>, AppError> {
    value
        .map(|v| {
            Uuid::parse_str(v).map_err(|_| AppError::bad_input(field, format!("{field} is not a valid id")))
        })
        .transpose()
}

fn required(value: Option<Uuid>, field: &str) -> Result<Uuid, AppError> {
    value.ok_or_else(|| AppError::bad_input(field, format!("{field} is required")))
}

fn attachment(body: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    // The name holds a group code a leader typed: keep only what is safe inside a quoted header value
    // and on every file system.
    let filename: String = filename
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    let disposition = format!("attachment; filename=\"{filename}\"");
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

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
        ward: "Tổng cộng".to_owned(),
        group_code: String::new(),
        group_name: format!("{}/{} tổ đạt 100%", totals.groups_fully_covered, totals.groups_total),
        total: totals.total_households,
        signed: totals.signed_households,
        coverage: totals.coverage(),
        fully_covered: totals.fully_covered,
    }
}

fn percent(coverage: f64) -> String {
    format!("{:.1}", coverage * 100.0)
}

fn yes_no(value: bool) -> &'static str {
    if value { "Có" } else { "Không" }
}

/// `GET /exports/coverage.csv`
pub(super) async fn coverage_csv(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Query<ExportParams>,
) -> Result<Response, AppError> {
    let scope = caller(&state, &headers).await?;
    let (report, rows, _) = coverage_rows(&scope, &params).await?;
    let total = totals_row(&report.totals);
    let body = csv_bytes(
        &COVERAGE_HEADERS,
        rows.iter().chain(std::iter::once(&total)).map(|r| {
            vec![
                Cell::Text(r.ward.clone()),
                Cell::Text(r.group_code.clone()),
                Cell::Text(r.group_name.clone()),
                Cell::count(r.total),
                Cell::count(r.signed),
                Cell::count(r.total - r.signed),
                Cell::Figure(percent(r.coverage)),
                Cell::Text(yes_no(r.fully_covered).to_owned()),
            ]
        }),
    )?;
    Ok(attachment(body, "text/csv; charset=utf-8", &format!("coverage-{}.csv", report.campaign.year)))
}

/// `GET /exports/coverage.xlsx`
pub(super) async fn coverage_xlsx(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Query<ExportParams>,
) -> Result<Response, AppError> {
    use rust_xlsxwriter::{Format, FormatAlign, Workbook};
    let caller = caller(&state, &headers).await?;
    let (report, rows, scope) = coverage_rows(&caller, &params).await?;
    let xlsx = |e: rust_xlsxwriter::XlsxError| AppError::internal(e);

    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Kết quả ký cam kết").map_err(xlsx)?;
    let title = Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    let bold = Format::new().set_bold();
    let header = Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Center);
    let percent_cell = Format::new().set_num_format("0.0%");
    let bold_percent = Format::new().set_bold().set_num_format("0.0%");
    sheet
        .merge_range(
            0,
            0,
            0,
            7,
            &format!("Kết quả ký cam kết: {} — {}", report.campaign.title, scope),
            &title,
        )
        .map_err(xlsx)?;
    sheet
        .write_string(1, 0, format!("Số liệu lúc {} (UTC)", report.as_of.format("%Y-%m-%d %H:%M")))
        .map_err(xlsx)?;
    for (col, name) in COVERAGE_HEADERS.iter().enumerate() {
        sheet.write_string_with_format(3, col as u16, *name, &header).map_err(xlsx)?;
    }
    let total = totals_row(&report.totals);
    let count = rows.len();
    // Each cell names its writer. rust_xlsxwriter's `write` also stores a `&str` as text (only a `Formula`
    // value makes a formula), but naming it keeps a name typed as `=…` text even if a column's type changes.
    for (index, row) in rows.iter().chain(std::iter::once(&total)).enumerate() {
        let r = 4 + index as u32;
        let is_total = index == count;
        let (text, pct) = if is_total { (&bold, &bold_percent) } else { (&Format::new(), &percent_cell) };
        sheet.write_string_with_format(r, 0, &row.ward, text).map_err(xlsx)?;
        sheet.write_string_with_format(r, 1, &row.group_code, text).map_err(xlsx)?;
        sheet.write_string_with_format(r, 2, &row.group_name, text).map_err(xlsx)?;
        sheet.write_number_with_format(r, 3, row.total as f64, text).map_err(xlsx)?;
        sheet.write_number_with_format(r, 4, row.signed as f64, text).map_err(xlsx)?;
        sheet.write_number_with_format(r, 5, (row.total - row.signed) as f64, text).map_err(xlsx)?;
        sheet.write_number_with_format(r, 6, row.coverage, pct).map_err(xlsx)?;
        sheet.write_string_with_format(r, 7, yes_no(row.fully_covered), text).map_err(xlsx)?;
    }
    let widest = |f: fn(&Row) -> usize, header: &str| {
        rows.iter()
            .chain(std::iter::once(&total))
            .map(f)
            .chain(std::iter::once(header.chars().count()))
            .max()
            .unwrap_or(8)
    };
    let widths = [
        widest(|r| r.ward.chars().count(), COVERAGE_HEADERS[0]),
        widest(|r| r.group_code.chars().count(), COVERAGE_HEADERS[1]),
        widest(|r| r.group_name.chars().count(), COVERAGE_HEADERS[2]),
    ];
    for (col, width) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, (*width as f64 + 2.0).min(60.0)).map_err(xlsx)?;
    }
    for col in 3..8u16 {
        sheet.set_column_width(col, 13).map_err(xlsx)?;
    }
    let body = workbook.save_to_buffer().map_err(xlsx)?;
    Ok(attachment(
        body,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("coverage-{}.xlsx", report.campaign.year),
    ))
}

/// `GET /exports/unsigned.csv`: the households of a group still to visit.
pub(super) async fn unsigned_csv(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Query<ExportParams>,
) -> Result<Response, AppError> {
    let scope = caller(&state, &headers).await?;
    let campaign_id = required(id(params.campaign_id.as_deref(), "campaignId")?, "campaignId")?;
    let group_id = required(id(params.group_id.as_deref(), "groupId")?, "groupId")?;
    let campaign = scope.campaigns().get(campaign_id).await?;
    let group = scope.groups().get(group_id).await?;
    let mut households = Vec::new();
    let mut after = None;
    loop {
        let request = PageRequest { first: MAX_PAGE_SIZE, after, with_total: false };
        let page = scope.households().unsigned_page(group.id, campaign.id, &request).await?;
        after = page.items.last().map(service::household::cursor);
        households.extend(page.items);
        if !page.has_next_page {
            break;
        }
    }
    let body = csv_bytes(
        &["Tổ dân phố", "Mã hộ", "Chủ hộ", "Địa chỉ", "Số nhân khẩu", "Điện thoại"],
        households.into_iter().map(|h| {
            vec![
                Cell::Text(group.name.clone()),
                Cell::Text(h.code),
                Cell::Text(h.head_name),
                Cell::Text(h.address),
                Cell::count(h.member_count.into()),
                Cell::Text(h.phone.unwrap_or_default()),
            ]
        }),
    )?;
    Ok(attachment(body, "text/csv; charset=utf-8", &format!("unsigned-{}-{}.csv", group.code, campaign.year)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attachment_name_keeps_only_safe_characters() {
        let response = attachment(Vec::new(), "text/csv; charset=utf-8", "unsigned-\"a b\"/\\;é-2023.csv");
        let disposition = response.headers().get(header::CONTENT_DISPOSITION).expect("a disposition");
        assert_eq!(disposition, "attachment; filename=\"unsigned-_a_b_____-2023.csv\"");
    }
}
