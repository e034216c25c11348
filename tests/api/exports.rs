//! Spreadsheet exports over HTTP: the coverage sheet as CSV and XLSX parsed back cell by cell, the
//! unsigned households of a group as CSV, names that would start a spreadsheet formula written as text,
//! the CSV for Vietnamese spreadsheet settings read as such a spreadsheet reads it, the workbooks' layout
//! and page setup, and the errors (JSON, with the GraphQL codes) for a missing token, another group or
//! ward, a missing or malformed campaign id and an unknown locale.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    drive::{VIETNAM_NOON, id_of, open_campaign, pledge_input, recorded, set_clock},
    helpers::{TestApp, create_group, create_household, create_ward, spawn_app, unknown_id},
};

mod errors;
mod formulas;
mod vietnamese;
mod workbook;

/// The title of the campaign the exports are about.
const CAMPAIGN: &str = "Toàn thành phố 2023";

/// The header row of the coverage sheet.
const COVERAGE_HEADER: [&str; 8] = [
    "Phường/Xã",
    "Mã tổ",
    "Tổ dân phố",
    "Tổng số hộ",
    "Số hộ đã ký",
    "Số hộ chưa ký",
    "Tỷ lệ (%)",
    "Đạt 100%",
];

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Ward W1 "Phường Lam Sơn":
/// - group 1 "Tổ dân phố 1": H101 and H102 signed, H103 not, H104 moved out unsigned, H105 signed and then
///   withdrew (2 of 4);
/// - group 2 "Tổ dân phố 2": H201 and H202 signed (2 of 2).
///
/// Ward W2 "Phường Ba Đình": group 21, H2101 not signed (0 of 1). `campaign` covers every ward.
struct Exports {
    app: TestApp,
    lam_son: String,
    ba_dinh: String,
    group_1: String,
    group_2: String,
    campaign: String,
}

impl Exports {
    async fn build() -> Self {
        let app = spawn_app().await;
        set_clock(&app, VIETNAM_NOON);
        let lam_son = create_ward(&app, "W1", "Phường Lam Sơn").await;
        let ba_dinh = create_ward(&app, "W2", "Phường Ba Đình").await;
        let group_1 = create_group(&app, &lam_son, "1").await;
        let group_2 = create_group(&app, &lam_son, "2").await;
        let group_21 = create_group(&app, &ba_dinh, "21").await;
        let campaign = open_campaign(&app, CAMPAIGN, None).await;
        let mut households = std::collections::HashMap::new();
        for (group, code, head) in [
            (&group_1, "H101", "Nguyễn Văn An"),
            (&group_1, "H102", "Phạm Thị Lụa"),
            (&group_1, "H103", "Trần Thị Hoa"),
            (&group_1, "H104", "Lê Văn Bình"),
            (&group_1, "H105", "Đỗ Thị Ngọc Ánh"),
            (&group_2, "H201", "Hoàng Văn Đức"),
            (&group_2, "H202", "Vũ Thị Hằng"),
            (&group_21, "H2101", "Bùi Quốc Việt"),
        ] {
            households.insert(code, create_household(&app, group, code, head).await);
        }
        for code in ["H101", "H102", "H201", "H202"] {
            recorded(&app, &app.admin_token, &pledge_input(&unknown_id(), &households[code], &campaign))
                .await;
        }
        let withdrawn =
            recorded(&app, &app.admin_token, &pledge_input(&unknown_id(), &households["H105"], &campaign))
                .await;
        let data = app
            .gql_ok(
                "mutation($id: ID!) { withdrawPledge(id: $id, reason: \"Ký nhầm hộ\") { status } }",
                json!({ "id": id_of(&withdrawn) }),
            )
            .await;
        assert_eq!(data["withdrawPledge"]["status"], "WITHDRAWN");
        let data = app
            .gql_ok(
                "mutation($id: ID!) { setHouseholdStatus(id: $id, expectedVersion: 1, status: MOVED_OUT) { status } }",
                json!({ "id": households["H104"] }),
            )
            .await;
        assert_eq!(data["setHouseholdStatus"]["status"], "MOVED_OUT");
        Self { app, lam_son, ba_dinh, group_1, group_2, campaign }
    }

    /// GETs `path_and_query` with `token` as bearer (none: anonymous).
    async fn get(&self, token: Option<&str>, path_and_query: &str) -> reqwest::Response {
        let mut request = self.app.client.get(format!("{}{path_and_query}", self.app.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }
}

/// Status, content type and body of a response.
async fn answer(response: reqwest::Response) -> (StatusCode, String, Vec<u8>) {
    let status = response.status();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .map(|v| v.to_str().expect("ASCII content type").to_owned())
        .unwrap_or_default();
    (status, content_type, response.bytes().await.expect("a body").to_vec())
}

/// The records of a CSV body after its byte-order mark, header included, asserting the mark is there.
fn csv_records(body: &[u8]) -> Vec<Vec<String>> {
    let rest = body.strip_prefix(BOM).unwrap_or_else(|| panic!("no BOM at the start of {body:?}"));
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(rest)
        .records()
        .map(|record| record.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect()
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|&c| c.to_owned()).collect()
}

/// Status, code and field of an error answer, asserting it is the GraphQL error shape in JSON.
async fn error_of(response: reqwest::Response) -> (StatusCode, Value, Value) {
    let status = response.status();
    let content_type = response.headers().get(reqwest::header::CONTENT_TYPE).cloned();
    let body: Value = response.json().await.expect("a JSON error body");
    assert_eq!(content_type.as_ref().map(|v| v.to_str().expect("ASCII")), Some("application/json"));
    let errors = body["errors"].as_array().unwrap_or_else(|| panic!("no errors in {body:#}"));
    assert_eq!(errors.len(), 1, "one error: {body:#}");
    assert!(errors[0]["message"].as_str().is_some_and(|m| !m.is_empty()), "a message: {body:#}");
    (status, errors[0]["extensions"]["code"].clone(), errors[0]["extensions"]["field"].clone())
}

#[tokio::test]
async fn the_coverage_csv_of_a_ward_has_a_bom_the_vietnamese_header_a_row_per_group_and_a_totals_row() {
    // Arrange
    let fixture = Exports::build().await;

    // Act
    let response = fixture
        .get(
            Some(&fixture.app.admin_token),
            &format!("/exports/coverage.csv?campaignId={}&wardId={}", fixture.campaign, fixture.lam_son),
        )
        .await;
    let (status, content_type, body) = answer(response).await;

    // Assert: H104 moved out and counts nowhere; H105 withdrew and counts as unsigned. The totals row
    // comes after an empty line, which a spreadsheet's sort and filter stop at and CSV readers skip.
    assert_eq!((status, content_type.as_str()), (StatusCode::OK, "text/csv; charset=utf-8"));
    assert!(body.starts_with(BOM), "the file starts with the UTF-8 BOM");
    let text = String::from_utf8(body.clone()).expect("UTF-8");
    assert!(
        text.ends_with("100.0,\"Có\"\n\n\"Tổng cộng\",\"\",\"1/2 tổ đạt 100%\",6,4,2,66.7,\"Không\"\n"),
        "the totals row follows an empty line: {text:?}"
    );
    assert_eq!(
        csv_records(&body),
        [
            row(&COVERAGE_HEADER),
            row(&["Phường Lam Sơn", "1", "Tổ dân phố 1", "4", "2", "2", "50.0", "Không"]),
            row(&["Phường Lam Sơn", "2", "Tổ dân phố 2", "2", "2", "0", "100.0", "Có"]),
            row(&["Tổng cộng", "", "1/2 tổ đạt 100%", "6", "4", "2", "66.7", "Không"]),
        ]
    );
}

#[tokio::test]
async fn the_coverage_csv_of_a_group_holds_that_group_alone_and_refuses_a_group_outside_the_ward() {
    // Arrange
    let fixture = Exports::build().await;
    let (campaign, lam_son, ba_dinh, group_2) =
        (&fixture.campaign, &fixture.lam_son, &fixture.ba_dinh, &fixture.group_2);
    let admin = Some(fixture.app.admin_token.as_str());

    // Act
    let (status, _, body) = answer(
        fixture.get(admin, &format!("/exports/coverage.csv?campaignId={campaign}&groupId={group_2}")).await,
    )
    .await;
    let outside = fixture
        .get(
            admin,
            &format!("/exports/coverage.csv?campaignId={campaign}&wardId={ba_dinh}&groupId={group_2}"),
        )
        .await;
    let malformed =
        fixture.get(admin, &format!("/exports/coverage.xlsx?campaignId={campaign}&groupId=42")).await;
    let (xlsx_status, _, xlsx) = answer(
        fixture
            .get(
                admin,
                &format!("/exports/coverage.xlsx?campaignId={campaign}&wardId={lam_son}&groupId={group_2}"),
            )
            .await,
    )
    .await;

    // Assert
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        csv_records(&body),
        [
            row(&COVERAGE_HEADER),
            row(&["Phường Lam Sơn", "2", "Tổ dân phố 2", "2", "2", "0", "100.0", "Có"]),
            row(&["Tổng cộng", "", "1/1 tổ đạt 100%", "2", "2", "0", "100.0", "Có"]),
        ]
    );
    assert_eq!(error_of(outside).await, (StatusCode::BAD_REQUEST, json!("BAD_USER_INPUT"), json!("groupId")));
    assert_eq!(
        error_of(malformed).await,
        (StatusCode::BAD_REQUEST, json!("BAD_USER_INPUT"), json!("groupId"))
    );
    assert_eq!(xlsx_status, StatusCode::OK);
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(xlsx)).expect("an xlsx workbook");
    let sheet = workbook.worksheet_range("Kết quả ký cam kết").expect("the sheet");
    assert_eq!(
        sheet.get_value((0, 0)),
        Some(&Data::String(format!("Kết quả ký cam kết: {CAMPAIGN} — Tổ dân phố 2, Phường Lam Sơn")))
    );
    assert_eq!(sheet.get_value((4, 1)), Some(&Data::String("2".into())));
    assert_eq!(sheet.get_value((5, 0)), Some(&Data::Empty), "an empty row between the data and the totals");
    assert_eq!(sheet.get_value((6, 0)), Some(&Data::String("Tổng cộng".into())));
}

#[tokio::test]
async fn the_coverage_csv_of_every_ward_lists_the_wards_by_name_and_totals_them_all() {
    // Arrange
    let fixture = Exports::build().await;

    // Act
    let response = fixture
        .get(
            Some(&fixture.app.admin_token),
            &format!("/exports/coverage.csv?campaignId={}", fixture.campaign),
        )
        .await;
    let (status, _, body) = answer(response).await;

    // Assert
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        csv_records(&body),
        [
            row(&COVERAGE_HEADER),
            row(&["Phường Ba Đình", "21", "Tổ dân phố 21", "1", "0", "1", "0.0", "Không"]),
            row(&["Phường Lam Sơn", "1", "Tổ dân phố 1", "4", "2", "2", "50.0", "Không"]),
            row(&["Phường Lam Sơn", "2", "Tổ dân phố 2", "2", "2", "0", "100.0", "Có"]),
            row(&["Tổng cộng", "", "1/3 tổ đạt 100%", "7", "4", "3", "57.1", "Không"]),
        ]
    );
}

#[tokio::test]
async fn the_coverage_xlsx_names_campaign_and_ward_and_holds_numbers_and_percent_fractions() {
    // Arrange
    let fixture = Exports::build().await;

    // Act
    let response = fixture
        .get(
            Some(&fixture.app.admin_token),
            &format!("/exports/coverage.xlsx?campaignId={}&wardId={}", fixture.campaign, fixture.lam_son),
        )
        .await;
    let (status, content_type, body) = answer(response).await;

    // Assert
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(body)).expect("an XLSX workbook");
    let sheet = workbook.worksheet_range_at(0).expect("a first sheet").expect("a readable sheet");
    let cell = |row: u32, col: u32| sheet.get_value((row, col)).cloned().unwrap_or(Data::Empty);
    let title = match cell(0, 0) {
        Data::String(title) => title,
        other => panic!("A1 is not text: {other:?}"),
    };
    assert!(
        title.contains(CAMPAIGN) && title.contains("Phường Lam Sơn"),
        "A1 names the campaign and the ward: {title}"
    );
    let text = |s: &str| Data::String(s.to_owned());
    let header: Vec<Data> = (0..8).map(|col| cell(3, col)).collect();
    assert_eq!(header, COVERAGE_HEADER.map(text));
    let rows: Vec<Vec<Data>> = (4..8).map(|r| (0..8).map(|col| cell(r, col)).collect()).collect();
    assert_eq!(
        rows,
        [
            vec![
                text("Phường Lam Sơn"),
                text("1"),
                text("Tổ dân phố 1"),
                Data::Float(4.0),
                Data::Float(2.0),
                Data::Float(2.0),
                Data::Float(0.5),
                text("Không"),
            ],
            vec![
                text("Phường Lam Sơn"),
                text("2"),
                text("Tổ dân phố 2"),
                Data::Float(2.0),
                Data::Float(2.0),
                Data::Float(0.0),
                Data::Float(1.0),
                text("Có"),
            ],
            vec![Data::Empty; 8],
            vec![
                text("Tổng cộng"),
                Data::Empty,
                text("1/2 tổ đạt 100%"),
                Data::Float(6.0),
                Data::Float(4.0),
                Data::Float(2.0),
                Data::Float(4.0 / 6.0),
                text("Không"),
            ],
        ],
        "percent cells are fractions of 1, not text; the totals after an empty row"
    );
    assert_eq!(sheet.end().map(|(last_row, _)| last_row), Some(7), "nothing after the totals row");
}

#[tokio::test]
async fn the_unsigned_csv_lists_exactly_the_active_unsigned_households_of_the_group_with_their_diacritics() {
    // Arrange
    let fixture = Exports::build().await;

    // Act
    let response = fixture
        .get(
            Some(&fixture.app.admin_token),
            &format!("/exports/unsigned.csv?campaignId={}&groupId={}", fixture.campaign, fixture.group_1),
        )
        .await;
    let (status, content_type, body) = answer(response).await;

    // Assert: H101 and H102 signed; H104 moved out; H105 withdrew and is to be visited again.
    assert_eq!((status, content_type.as_str()), (StatusCode::OK, "text/csv; charset=utf-8"));
    assert_eq!(
        csv_records(&body),
        [
            row(&["Tổ dân phố", "Mã hộ", "Chủ hộ", "Địa chỉ", "Số nhân khẩu", "Điện thoại"]),
            row(&["Tổ dân phố 1", "H103", "Trần Thị Hoa", "Số H103 Lê Hoàn", "4", ""]),
            row(&["Tổ dân phố 1", "H105", "Đỗ Thị Ngọc Ánh", "Số H105 Lê Hoàn", "4", ""]),
        ]
    );
}

#[tokio::test]
async fn the_unsigned_csv_of_a_fully_covered_group_has_only_its_header() {
    // Arrange
    let fixture = Exports::build().await;

    // Act
    let response = fixture
        .get(
            Some(&fixture.app.admin_token),
            &format!("/exports/unsigned.csv?campaignId={}&groupId={}", fixture.campaign, fixture.group_2),
        )
        .await;
    let (status, _, body) = answer(response).await;

    // Assert
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        csv_records(&body),
        [row(&["Tổ dân phố", "Mã hộ", "Chủ hộ", "Địa chỉ", "Số nhân khẩu", "Điện thoại"])]
    );
}
