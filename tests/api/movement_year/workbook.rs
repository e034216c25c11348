//! `GET /exports/movement-year.xlsx`: the year-end report as a workbook read back with calamine, a sheet
//! per section, each laid out and printed like the other exports; an empty section keeps its sheet and
//! headers; the errors of the other exports. The figures of each sheet against the GraphQL report are in
//! `groups` (groups and incidents) and `records` (surveys, models, awards, events).

mod groups;
mod records;

use std::io::{Cursor, Read as _};

use calamine::{Data, Reader, Xlsx};
use chrono::{Days, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::world::Year2023;

/// Calamine's reader over a workbook in memory.
type Workbook = Xlsx<Cursor<Vec<u8>>>;

const SHEETS: [&str; 6] = ["Tổ dân phố", "Vụ việc", "Khảo sát", "Mô hình", "Khen thưởng", "Sự kiện"];

const GROUP_HEADERS: [&str; 20] = [
    "Mã tổ",
    "Tổ dân phố",
    "Tổng số hộ",
    "Số hộ đã ký",
    "Tỷ lệ ký (%)",
    "Tố giác tội phạm",
    "Phòng cháy, chữa cháy",
    "Trả lại của rơi",
    "Hòa giải mâu thuẫn",
    "Giúp người hoàn lương",
    "An toàn giao thông",
    "Tuần tra",
    "Phòng chống ma túy",
    "Việc tốt khác",
    "Tổng việc tốt",
    "Mô hình tự quản",
    "Khen thưởng",
    "Số phiếu khảo sát",
    "Tỷ lệ hài lòng (%)",
    "Xếp loại",
];

/// GETs the workbook of W1's `year` with `token`: status, headers and body.
async fn get(
    year: &Year2023,
    token: Option<&str>,
    query: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = year.app.client.get(format!("{}/exports/movement-year.xlsx?{query}", year.app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request sent");
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.bytes().await.expect("a body").to_vec())
}

/// The cells of rows `rows` (0-based) of `sheet`, each `width` wide.
pub(super) fn cells(
    workbook: &mut Workbook,
    sheet: &str,
    rows: std::ops::Range<u32>,
    width: u32,
) -> Vec<Vec<Data>> {
    let range = workbook.worksheet_range(sheet).unwrap_or_else(|e| panic!("sheet {sheet}: {e}"));
    rows.map(|r| (0..width).map(|c| range.get_value((r, c)).cloned().unwrap_or(Data::Empty)).collect())
        .collect()
}

pub(super) fn text(s: &str) -> Data {
    Data::String(s.to_owned())
}

pub(super) fn num(n: impl Into<f64>) -> Data {
    Data::Float(n.into())
}

/// A share cell's value, or empty for a JSON null.
pub(super) fn share(value: &Value) -> Data {
    value.as_f64().map_or(Data::Empty, Data::Float)
}

/// The day a date cell holds.
pub(super) fn day(cell: &Data) -> NaiveDate {
    let Data::DateTime(date) = cell else { panic!("not a date cell: {cell:?}") };
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("Excel's day 0");
    epoch + Days::new(date.as_f64() as u64)
}

/// The text of a part of the xlsx archive.
fn part(xlsx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(xlsx)).expect("an xlsx is a zip archive");
    let mut text = String::new();
    archive.by_name(name).expect(name).read_to_string(&mut text).expect("UTF-8 XML");
    text
}

/// Asserts every sheet's layout: the header row frozen, the autofilter over `filters[i]`, landscape A4
/// one page wide, the header repeated on printed pages.
fn assert_layout(xlsx: &[u8], filters: [&str; 6]) {
    let workbook = part(xlsx, "xl/workbook.xml");
    for (index, (name, filter)) in SHEETS.iter().zip(filters).enumerate() {
        let sheet = part(xlsx, &format!("xl/worksheets/sheet{}.xml", index + 1));
        assert!(
            sheet.contains(r#"<pane ySplit="4" topLeftCell="A5" activePane="bottomLeft" state="frozen"/>"#),
            "{name}: {sheet}"
        );
        assert!(
            sheet.contains(&format!(r#"<autoFilter ref="{filter}"/>"#)),
            "{name}: the filter covers {filter}: {sheet}"
        );
        assert!(sheet.contains(r#"<pageSetUpPr fitToPage="1"/>"#), "{name}: fit to page");
        assert!(
            sheet.contains(r#"<pageSetup paperSize="9" fitToHeight="0" orientation="landscape" "#),
            "{name}: landscape A4 one page wide: {sheet}"
        );
        let titles = format!(
            "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{index}\">'{name}'!$4:$4</definedName>"
        );
        assert!(workbook.contains(&titles), "{name}: the header row repeats on every page: {workbook}");
    }
}

/// The report of W1's 2023 as its official reads it, and the workbook of the same report.
pub(super) async fn official_workbook() -> (Value, Workbook) {
    let year = Year2023::build().await;
    let report = year.report(&year.official_token, 2023).await;
    let (status, _, body) =
        get(&year, Some(&year.official_token), &format!("wardId={}&year=2023", year.ward_id)).await;
    assert_eq!(status, StatusCode::OK);
    (report, Xlsx::new(Cursor::new(body)).expect("an XLSX workbook"))
}

#[tokio::test]
async fn the_workbook_is_named_for_the_ward_and_year_and_lays_out_a_sheet_per_section() {
    // Arrange
    let year = Year2023::build().await;

    // Act
    let (status, headers, body) =
        get(&year, Some(&year.official_token), &format!("wardId={}&year=2023", year.ward_id)).await;

    // Assert
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[reqwest::header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        headers[reqwest::header::CONTENT_DISPOSITION],
        "attachment; filename=\"movement-year-W1-2023.xlsx\""
    );
    assert_layout(&body, ["A4:T6", "A4:I9", "A4:L7", "A4:H7", "A4:G7", "A4:E6"]);
    let workbook: Workbook = Xlsx::new(Cursor::new(body)).expect("an XLSX workbook");
    assert_eq!(workbook.sheet_names(), SHEETS.map(str::to_owned));
}

#[tokio::test]
async fn the_polices_workbook_keeps_the_sheets_of_the_records_they_do_not_list_with_their_headers_only() {
    // Arrange
    let year = Year2023::build().await;

    // Act
    let (status, _, body) =
        get(&year, Some(&year.police_token), &format!("wardId={}&year=2023", year.ward_id)).await;

    // Assert
    assert_eq!(status, StatusCode::OK);
    assert_layout(&body, ["A4:T6", "A4:I9", "A4:L7", "A4:H4", "A4:G4", "A4:E4"]);
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(body)).expect("an XLSX workbook");
    for (sheet, headers) in [("Mô hình", 8), ("Khen thưởng", 7), ("Sự kiện", 5)] {
        let range = workbook.worksheet_range(sheet).expect("the sheet");
        assert_eq!(range.end().map(|(row, _)| row), Some(3), "{sheet}: the header row and nothing after it");
        assert!(
            (0..headers).all(|c| matches!(range.get_value((3, c)), Some(Data::String(_)))),
            "{sheet}: headers"
        );
    }
    let groups = cells(&mut workbook, "Tổ dân phố", 4..6, 20);
    assert_eq!(
        (&groups[0][15], &groups[0][16]),
        (&num(1), &num(2)),
        "the police count what they do not list"
    );
}

#[tokio::test]
async fn the_workbook_answers_the_errors_of_the_other_exports_in_json() {
    // Arrange
    let year = Year2023::build().await;
    let ward = &year.ward_id;
    let cases = [
        (None, format!("wardId={ward}&year=2023"), StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", Value::Null),
        (
            Some(year.foreign_official_token.as_str()),
            format!("wardId={ward}&year=2023"),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            Value::Null,
        ),
        (
            Some(year.official_token.as_str()),
            format!("wardId={ward}&year=1999"),
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            json!("year"),
        ),
        (
            Some(year.official_token.as_str()),
            format!("wardId={ward}&year=năm"),
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            json!("year"),
        ),
        (
            Some(year.official_token.as_str()),
            format!("wardId={ward}"),
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            json!("year"),
        ),
        (
            Some(year.official_token.as_str()),
            "year=2023".to_owned(),
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            json!("wardId"),
        ),
        (
            Some(year.official_token.as_str()),
            format!("wardId={ward}&year=2023&locale=en-US"),
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            json!("locale"),
        ),
    ];

    for (token, query, status, code, field) in cases {
        // Act
        let (answered, headers, body) = get(&year, token, &query).await;

        // Assert
        let body: Value = serde_json::from_slice(&body).expect("a JSON error");
        assert_eq!(headers[reqwest::header::CONTENT_TYPE], "application/json", "{query}");
        assert_eq!(
            (answered, &body["errors"][0]["extensions"]["code"], &body["errors"][0]["extensions"]["field"]),
            (status, &json!(code), &field),
            "{query}: {body:#}"
        );
    }
}
