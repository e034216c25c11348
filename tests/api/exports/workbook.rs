//! The xlsx workbooks read back: typed cells and their number formats (through calamine), and what
//! calamine does not show, read from the sheet's XML in the archive: the frozen header, the autofilter
//! over the data rows, the header repeated on printed pages, landscape A4 one page wide; and the time of
//! the figures in Vietnam.

use std::{
    collections::BTreeMap,
    io::{Cursor, Read as _},
};

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, FixedOffset, NaiveDateTime, Timelike, Utc};
use reqwest::StatusCode;

use super::{Exports, answer, vietnamese::Phones};

/// Vietnam's time: UTC+7 all year.
fn vietnam(utc: DateTime<Utc>) -> NaiveDateTime {
    let offset = FixedOffset::east_opt(7 * 3600).expect("UTC+7");
    utc.with_timezone(&offset).naive_local()
}

/// The text of a file in the xlsx archive.
fn part(xlsx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(xlsx)).expect("an xlsx is a zip archive");
    let mut text = String::new();
    archive.by_name(name).expect(name).read_to_string(&mut text).expect("UTF-8 XML");
    text
}

/// The attributes of the first `<element …>` in `xml`, or `None` when there is none.
fn attributes(xml: &str, element: &str) -> Option<BTreeMap<String, String>> {
    let start = xml.find(&format!("<{element} "))? + element.len() + 2;
    let end = start + xml[start..].find('>')?;
    let mut rest = xml[start..end].trim_end_matches('/');
    let mut map = BTreeMap::new();
    while let Some(eq) = rest.find("=\"") {
        let value_start = eq + 2;
        let value_end = value_start + rest[value_start..].find('"')?;
        map.insert(rest[..eq].trim().to_owned(), rest[value_start..value_end].to_owned());
        rest = &rest[value_end + 1..];
    }
    Some(map)
}

fn attrs<const N: usize>(pairs: [(&str, &str); N]) -> Option<BTreeMap<String, String>> {
    Some(pairs.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
}

/// Asserts what every export workbook has: the header row (row 4) frozen with the rows above it, the
/// autofilter over `filter`, the header repeated on printed pages, and landscape A4 one page wide.
fn assert_layout_and_page_setup(xlsx: &[u8], sheet_name: &str, filter: &str) {
    let sheet = part(xlsx, "xl/worksheets/sheet1.xml");
    assert_eq!(
        attributes(&sheet, "pane"),
        attrs([("ySplit", "4"), ("topLeftCell", "A5"), ("activePane", "bottomLeft"), ("state", "frozen")]),
        "the title, the time and the header stay on screen"
    );
    assert_eq!(attributes(&sheet, "autoFilter"), attrs([("ref", filter)]));
    let setup = attributes(&sheet, "pageSetup").expect("a page setup");
    assert_eq!(setup.get("orientation").map(String::as_str), Some("landscape"));
    assert_eq!(setup.get("paperSize").map(String::as_str), Some("9"), "A4");
    // One page wide (fitToWidth defaults to 1 when absent), as many pages tall as the rows need.
    assert_eq!(setup.get("fitToWidth").map_or("1", String::as_str), "1");
    assert_eq!(setup.get("fitToHeight").map(String::as_str), Some("0"));
    let (open, fit, close) =
        (sheet.find("<sheetPr"), sheet.find("<pageSetUpPr fitToPage=\"1\"/>"), sheet.find("</sheetPr>"));
    assert!(
        open < fit && fit < close && open.is_some(),
        "<sheetPr><pageSetUpPr fitToPage=\"1\"/> in {sheet}"
    );
    let workbook = part(xlsx, "xl/workbook.xml");
    let titles = format!(
        "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">'{sheet_name}'!$4:$4</definedName>"
    );
    assert!(workbook.contains(&titles), "the header row repeats on every printed page: {workbook}");
}

/// Asserts that `line` tells a time between `before` and `after`, in Vietnam's time, and says so.
fn assert_as_of_between(line: &str, before: DateTime<Utc>, after: DateTime<Utc>) {
    let time = line
        .strip_prefix("Số liệu lúc ")
        .and_then(|rest| rest.strip_suffix(" (giờ Việt Nam, UTC+7)"))
        .unwrap_or_else(|| panic!("not a time of the figures in Vietnam: {line:?}"));
    let shown = NaiveDateTime::parse_from_str(time, "%H:%M ngày %d/%m/%Y").expect("HH:MM ngày DD/MM/YYYY");
    let earliest = vietnam(before).with_second(0).and_then(|t| t.with_nanosecond(0)).expect("a minute");
    assert!((earliest..=vietnam(after)).contains(&shown), "{line} is not between {before} and {after}");
}

#[tokio::test]
async fn the_coverage_xlsx_freezes_the_header_filters_the_data_only_and_prints_landscape_a4_one_page_wide() {
    // Arrange
    let before = Utc::now();
    let fixture = Exports::build().await;

    // Act
    let response = fixture
        .get(
            Some(&fixture.app.admin_token),
            &format!("/exports/coverage.xlsx?campaignId={}&wardId={}", fixture.campaign, fixture.lam_son),
        )
        .await;
    let (status, _, body) = answer(response).await;
    let after = Utc::now();

    // Assert: two groups on rows 5 and 6, the totals on row 8, outside the filter.
    assert_eq!(status, StatusCode::OK);
    assert_layout_and_page_setup(&body, "Kết quả ký cam kết", "A4:H6");
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(body)).expect("an XLSX workbook");
    let sheet = workbook.worksheet_range("Kết quả ký cam kết").expect("the sheet");
    match sheet.get_value((1, 0)) {
        Some(Data::String(line)) => assert_as_of_between(line, before, after),
        other => panic!("A2 is not the time of the figures: {other:?}"),
    }
    let styles = workbook.worksheet_style("Kết quả ký cam kết").expect("the sheet's styles");
    let format = |row: u32, col: u32| {
        styles.get((row, col)).and_then(|s| s.number_format.as_ref()).map(|f| f.format_code.clone())
    };
    let first_group: Vec<Option<String>> = (0..8).map(|col| format(4, col)).collect();
    let text = Some("@".to_owned());
    let (count, percent) = (Some("#,##0".to_owned()), Some("0.0%".to_owned()));
    assert_eq!(
        first_group,
        [
            text.clone(),
            text.clone(),
            text.clone(),
            count.clone(),
            count.clone(),
            count.clone(),
            percent.clone(),
            text
        ]
    );
    assert_eq!((format(7, 3), format(7, 6)), (count, percent), "the totals are numbers too");
    let bold = |row: u32| styles.get((row, 0)).and_then(|s| s.font.as_ref()).is_some_and(|f| f.is_bold());
    assert!(bold(7) && !bold(4), "the totals row is bold, the data rows are not");
}

#[tokio::test]
async fn the_unsigned_xlsx_holds_phones_and_codes_as_text_and_member_counts_as_numbers() {
    // Arrange
    let before = Utc::now();
    let fixture = Exports::build().await;
    let phones = Phones::add_to(&fixture).await;

    // Act
    let response = fixture
        .get(
            Some(&fixture.app.admin_token),
            &format!("/exports/unsigned.xlsx?campaignId={}&groupId={}", fixture.campaign, phones.group),
        )
        .await;
    let disposition = response.headers().get(reqwest::header::CONTENT_DISPOSITION).cloned();
    let (status, content_type, body) = answer(response).await;
    let after = Utc::now();

    // Assert
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let disposition = disposition.expect("a disposition");
    assert_eq!(disposition.to_str().expect("ASCII"), "attachment; filename=\"unsigned-07-2023.xlsx\"");
    assert_layout_and_page_setup(&body, "Hộ chưa ký", "A4:F6");
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(body)).expect("an XLSX workbook");
    let sheet = workbook.worksheet_range("Hộ chưa ký").expect("the sheet");
    let cell = |row: u32, col: u32| sheet.get_value((row, col)).cloned().unwrap_or(Data::Empty);
    let text = |s: &str| Data::String(s.to_owned());
    assert_eq!(
        cell(0, 0),
        text(&format!("Hộ chưa ký cam kết: {} — Tổ dân phố 07, Phường Lam Sơn", super::CAMPAIGN))
    );
    match cell(1, 0) {
        Data::String(line) => assert_as_of_between(&line, before, after),
        other => panic!("A2 is not the time of the figures: {other:?}"),
    }
    let rows: Vec<Vec<Data>> = (3..6).map(|r| (0..6).map(|col| cell(r, col)).collect()).collect();
    assert_eq!(
        rows,
        [
            ["Tổ dân phố", "Mã hộ", "Chủ hộ", "Địa chỉ", "Số nhân khẩu", "Điện thoại"].map(text).to_vec(),
            vec![
                text("Tổ dân phố 07"),
                text("012"),
                text("Đặng Văn Tâm"),
                text("Số 012 Lê Hoàn"),
                Data::Float(4.0),
                text("+84912345678"),
            ],
            vec![
                text("Tổ dân phố 07"),
                text("H3"),
                text("Lý Thị Mai"),
                text("Số H3 Lê Hoàn"),
                Data::Float(4.0),
                Data::Empty
            ],
        ]
    );
    assert_eq!(sheet.end().map(|(last_row, _)| last_row), Some(5), "no totals row");
    let styles = workbook.worksheet_style("Hộ chưa ký").expect("the sheet's styles");
    let phone_format =
        styles.get((4, 5)).and_then(|s| s.number_format.as_ref()).map(|f| f.format_code.as_str());
    assert_eq!(phone_format, Some("@"), "a phone typed over later stays text");
}
