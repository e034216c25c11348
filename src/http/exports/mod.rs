//! Spreadsheet exports for the year-end report, with the same Bearer token and scope as GraphQL:
//! `GET /exports/coverage.csv|.xlsx?campaignId=…[&wardId=…][&groupId=…]` and
//! `GET /exports/unsigned.csv|.xlsx?campaignId=…&groupId=…` and the year-end report as a workbook,
//! `GET /exports/movement-year.xlsx?wardId=…&year=…`; the CSVs take `locale=vi-VN` for Excel and
//! LibreOffice with Vietnamese settings. Errors answer a JSON body with the same `extensions.code` as
//! GraphQL. How a CSV is written (its dialects, and why no text cell of it can start a formula) is in
//! `csv_body`; how a workbook is laid out and printed is in `sheet`.

mod coverage;
mod csv_body;
mod labels;
mod movement_year;
mod sheet;
mod unsigned;

use axum::{
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use uuid::Uuid;

use self::csv_body::Dialect;
pub(super) use self::{
    coverage::{coverage_csv, coverage_xlsx},
    movement_year::movement_year_xlsx,
    unsigned::{unsigned_csv, unsigned_xlsx},
};
use super::{AppState, authenticate};
use crate::{
    error::{AppError, Unauthenticated},
    graphql::Caller,
    service::Scope,
};

/// Query parameters of the exports.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ExportParams {
    campaign_id: Option<String>,
    ward_id: Option<String>,
    group_id: Option<String>,
    /// The movement year (the year-end workbook).
    year: Option<String>,
    /// `vi-VN` for the CSV that a spreadsheet with Vietnamese settings reads; checked on every export so
    /// a mistyped one is refused the same way everywhere.
    locale: Option<String>,
}

impl ExportParams {
    fn dialect(&self) -> Result<Dialect, AppError> {
        Dialect::from_locale(self.locale.as_deref())
    }
}

/// The content type of the CSV exports.
const CSV: &str = "text/csv; charset=utf-8";

/// The content type of the xlsx exports.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

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

/// The file name of a CSV in `dialect`: the Vietnamese one is told apart, so both can sit in one folder.
fn csv_name(stem: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::Plain => format!("{stem}.csv"),
        Dialect::Vietnamese => format!("{stem}-vi-VN.csv"),
    }
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

fn yes_no(value: bool) -> &'static str {
    if value { "Có" } else { "Không" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attachment_name_keeps_only_safe_characters() {
        let response = attachment(Vec::new(), CSV, "unsigned-\"a b\"/\\;é-2023.csv");
        let disposition = response.headers().get(header::CONTENT_DISPOSITION).expect("a disposition");
        assert_eq!(disposition, "attachment; filename=\"unsigned-_a_b_____-2023.csv\"");
    }
}
