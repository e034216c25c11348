//! Names, codes, addresses and phones that would start a spreadsheet formula: written after a quote
//! (and quoted) in the CSV files, and as text in the xlsx.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;

use serde_json::json;

use super::{CAMPAIGN, COVERAGE_HEADER, Exports, answer, csv_records, row};
use crate::helpers::create_ward;

/// A ward, group and households whose names, addresses, codes and phone a spreadsheet would run as
/// formulas, as typed by the administrator (ward, group) and the group's leader (households).
struct Hostile {
    ward: String,
    group: String,
    leader: String,
}

/// The name of ward W3.
const HOSTILE_WARD: &str = "+Phường Mới";
/// The code of the one group of W3.
const HOSTILE_GROUP_CODE: &str = "=7";
/// The name of the one group of W3.
const HOSTILE_GROUP_NAME: &str = "@Tổ dân phố 7";

/// Households of the hostile group: code, head name, address as typed, phone as typed.
const HOSTILE_HOUSEHOLDS: [(&str, &str, &str, Option<&str>); 6] = [
    ("H1", r#"=HYPERLINK("http://x","y")"#, "Số 1 Lê Hoàn", None),
    ("H2", "+1+1", "=1+2", None),
    ("H3", "@SUM(1)", "\t=SUM(A1:A9) Lê Hoàn", None),
    ("H4", "=cmd|' /C calc'!A0", "-Lê Hoàn", None),
    ("H5", "-2+3", "@Lê Hoàn", Some("0912 345 678")),
    ("@H6", "Nguyễn Văn An", "Số 6 Lê Hoàn", None),
];

impl Hostile {
    /// Adds ward W3 and its group as the administrator, and [`HOSTILE_HOUSEHOLDS`] as the group's leader.
    async fn add_to(fixture: &Exports) -> Self {
        let app = &fixture.app;
        let ward = create_ward(app, "W3", HOSTILE_WARD).await;
        let data = app
            .gql_ok(
                "mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }",
                json!({ "input": { "wardId": ward, "code": HOSTILE_GROUP_CODE, "name": HOSTILE_GROUP_NAME } }),
            )
            .await;
        let group = data["createGroup"]["id"].as_str().expect("group id").to_owned();
        let leader = app.user_with_role("leader.7", "GROUP_LEADER", None, Some(&group)).await;
        for (code, head_name, address, phone) in HOSTILE_HOUSEHOLDS {
            let body = app
                .gql_with(
                    Some(&leader),
                    "mutation($input: CreateHouseholdInput!) { createHousehold(input: $input) { id } }",
                    json!({ "input": {
                        "groupId": group, "code": code, "headName": head_name,
                        "address": address, "memberCount": 4, "phone": phone
                    } }),
                )
                .await;
            assert!(body.get("errors").is_none(), "the leader enters {code}: {body:#}");
        }
        Self { ward, group, leader }
    }
}

/// The characters with which a spreadsheet starts a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Every cell of `records` that a spreadsheet would run as a formula.
fn formula_cells(records: &[Vec<String>]) -> Vec<&str> {
    records.iter().flatten().map(String::as_str).filter(|cell| cell.starts_with(FORMULA_STARTS)).collect()
}

/// The cells of `cells` that the raw CSV `body` does not hold wrapped in double quotes (inner quotes
/// doubled).
fn unquoted<'a>(body: &[u8], cells: &[&'a str]) -> Vec<&'a str> {
    let text = String::from_utf8_lossy(body);
    cells
        .iter()
        .copied()
        .filter(|cell| !text.contains(&format!("\"{}\"", cell.replace('"', "\"\""))))
        .collect()
}

#[tokio::test]
async fn the_unsigned_csv_writes_every_cell_that_would_start_a_formula_after_a_quote() {
    // Arrange
    let fixture = Exports::build().await;
    let hostile = Hostile::add_to(&fixture).await;

    // Act
    let response = fixture
        .get(
            Some(&hostile.leader),
            &format!("/exports/unsigned.csv?campaignId={}&groupId={}", fixture.campaign, hostile.group),
        )
        .await;
    let (status, _, body) = answer(response).await;

    // Assert: each such cell is a quote and the text as stored (the address typed after a tab was trimmed).
    assert_eq!(status, StatusCode::OK);
    let records = csv_records(&body);
    assert_eq!(
        records,
        [
            row(&["Tổ dân phố", "Mã hộ", "Chủ hộ", "Địa chỉ", "Số nhân khẩu", "Điện thoại"]),
            row(&["'@Tổ dân phố 7", "'@H6", "Nguyễn Văn An", "Số 6 Lê Hoàn", "4", ""]),
            row(&["'@Tổ dân phố 7", "H1", r#"'=HYPERLINK("http://x","y")"#, "Số 1 Lê Hoàn", "4", ""]),
            row(&["'@Tổ dân phố 7", "H2", "'+1+1", "'=1+2", "4", ""]),
            row(&["'@Tổ dân phố 7", "H3", "'@SUM(1)", "'=SUM(A1:A9) Lê Hoàn", "4", ""]),
            row(&["'@Tổ dân phố 7", "H4", "'=cmd|' /C calc'!A0", "'-Lê Hoàn", "4", ""]),
            row(&["'@Tổ dân phố 7", "H5", "'-2+3", "'@Lê Hoàn", "4", "'+84912345678"]),
        ]
    );
    assert_eq!(formula_cells(&records), Vec::<&str>::new());
    let neutralised: Vec<&str> =
        records.iter().flatten().map(String::as_str).filter(|cell| cell.starts_with('\'')).collect();
    assert_eq!(neutralised.len(), 17);
    assert_eq!(unquoted(&body, &neutralised), Vec::<&str>::new());
}

#[tokio::test]
async fn the_coverage_csv_writes_a_ward_group_code_and_group_name_that_would_start_a_formula_after_a_quote() {
    // Arrange
    let fixture = Exports::build().await;
    let hostile = Hostile::add_to(&fixture).await;

    // Act
    let response = fixture
        .get(
            Some(&fixture.app.admin_token),
            &format!("/exports/coverage.csv?campaignId={}&wardId={}", fixture.campaign, hostile.ward),
        )
        .await;
    let (status, _, body) = answer(response).await;

    // Assert
    assert_eq!(status, StatusCode::OK);
    let records = csv_records(&body);
    assert_eq!(
        records,
        [
            row(&COVERAGE_HEADER),
            row(&["'+Phường Mới", "'=7", "'@Tổ dân phố 7", "6", "0", "6", "0.0", "Không"]),
            row(&["Tổng cộng", "", "0/1 tổ đạt 100%", "6", "0", "6", "0.0", "Không"]),
        ]
    );
    assert_eq!(formula_cells(&records), Vec::<&str>::new());
    assert_eq!(unquoted(&body, &["'+Phường Mới", "'=7", "'@Tổ dân phố 7"]), Vec::<&str>::new());
}

#[tokio::test]
async fn the_coverage_xlsx_holds_a_ward_group_code_and_group_name_that_would_start_a_formula_as_text() {
    // Arrange
    let fixture = Exports::build().await;
    let hostile = Hostile::add_to(&fixture).await;

    // Act
    let response = fixture
        .get(
            Some(&fixture.app.admin_token),
            &format!("/exports/coverage.xlsx?campaignId={}&wardId={}", fixture.campaign, hostile.ward),
        )
        .await;
    let (status, _, body) = answer(response).await;

    // Assert: the text as typed, without the quote the CSV needs, and not a single formula in the sheet.
    assert_eq!(status, StatusCode::OK);
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(body)).expect("an XLSX workbook");
    let sheet = workbook.worksheet_range("Kết quả ký cam kết").expect("the sheet");
    let cells: Vec<Option<&Data>> = (0..3).map(|col| sheet.get_value((4, col))).collect();
    assert_eq!(
        cells,
        [
            Some(&Data::String(HOSTILE_WARD.to_owned())),
            Some(&Data::String(HOSTILE_GROUP_CODE.to_owned())),
            Some(&Data::String(HOSTILE_GROUP_NAME.to_owned())),
        ]
    );
    assert_eq!(
        sheet.get_value((0, 0)),
        Some(&Data::String(format!("Kết quả ký cam kết: {CAMPAIGN} — {HOSTILE_WARD}")))
    );
    let formulas = workbook.worksheet_formula("Kết quả ký cam kết").expect("the sheet's formulas");
    let formula_cells: Vec<_> = formulas.used_cells().filter(|(_, _, f)| !f.is_empty()).collect();
    assert_eq!(formula_cells, Vec::<(usize, usize, &String)>::new());
}
