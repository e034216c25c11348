//! `GET /exports/movement-year.xlsx`: the year-end report as a workbook read back with calamine, a sheet
//! per section with its Vietnamese headers, figures equal to the GraphQL report's, typed cells, each
//! sheet laid out and printed like the other exports; an empty section keeps its sheet and headers; the
//! errors of the other exports.

use std::io::{Cursor, Read as _};

use calamine::{Data, Reader, Xlsx};
use chrono::{Days, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::world::{Year2023, assess};

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
fn cells(
    workbook: &mut Xlsx<Cursor<Vec<u8>>>,
    sheet: &str,
    rows: std::ops::Range<u32>,
    width: u32,
) -> Vec<Vec<Data>> {
    let range = workbook.worksheet_range(sheet).unwrap_or_else(|e| panic!("sheet {sheet}: {e}"));
    rows.map(|r| (0..width).map(|c| range.get_value((r, c)).cloned().unwrap_or(Data::Empty)).collect())
        .collect()
}

fn text(s: &str) -> Data {
    Data::String(s.to_owned())
}

fn num(n: impl Into<f64>) -> Data {
    Data::Float(n.into())
}

/// A share cell's value, or empty for a JSON null.
fn share(value: &Value) -> Data {
    value.as_f64().map_or(Data::Empty, Data::Float)
}

/// The day a date cell holds.
fn day(cell: &Data) -> NaiveDate {
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

#[tokio::test]
async fn the_workbook_holds_every_section_with_the_figures_of_the_graphql_report() {
    // Arrange
    let year = Year2023::build().await;
    assess(&year.app, &year.ward_id, &year.group_id, 2023, "XUAT_SAC", "Xuất sắc").await;
    let report = year.report(&year.official_token, 2023).await;

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
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(body)).expect("an XLSX workbook");
    assert_eq!(workbook.sheet_names(), SHEETS.map(str::to_owned));

    let groups = cells(&mut workbook, "Tổ dân phố", 0..8, 20);
    assert_eq!(
        groups[0][0],
        text(
            "Tổng kết phong trào theo tổ dân phố: Phường Lam Sơn — năm 2023 (từ 01/11/2022 đến 31/10/2023) — Phường Lam Sơn 2023"
        )
    );
    assert_eq!(groups[3], GROUP_HEADERS.map(text).to_vec());
    for (row, graphql) in groups[4..6].iter().zip(report["groups"].as_array().expect("rows")) {
        let coverage = &graphql["coverage"];
        let mut expected = vec![
            text(graphql["group"]["code"].as_str().expect("code")),
            text(graphql["group"]["name"].as_str().expect("name")),
            share(&coverage["households"]),
            share(&coverage["signed"]),
        ];
        let percent = match &row[4] {
            Data::Float(share) => (share * 1000.0).round() / 10.0,
            other => panic!("coverage is not a number: {other:?}"),
        };
        assert_eq!(json!(percent), coverage["percent"], "the share rounds to the report's percent");
        expected.push(row[4].clone());
        expected.extend(graphql["goodDeeds"].as_array().expect("deeds").iter().map(|d| share(&d["count"])));
        for field in ["goodDeedCount", "activeModelCount", "awardCount", "ballotCount", "satisfactionRate"] {
            expected.push(share(&graphql[field]));
        }
        expected.push(if graphql["group"]["code"] == "1" { text("Xuất sắc") } else { Data::Empty });
        assert_eq!(row, &expected);
    }
    assert!(groups[6].iter().all(|c| *c == Data::Empty), "an empty row before the totals");
    let totals = &report["totals"];
    assert_eq!(
        groups[7],
        [
            vec![text("Tổng cộng"), text("gồm cả mô hình và khen thưởng chung của phường")],
            vec![share(&totals["households"]), share(&totals["signed"]), num(1.0 / 3.0)],
            [1, 0, 0, 0, 0, 1, 2, 0, 0].map(num).to_vec(),
            vec![share(&totals["deeds"]), share(&totals["models"]), share(&totals["awards"])],
            vec![share(&totals["ballotCount"]), share(&totals["satisfactionRate"]), Data::Empty],
        ]
        .concat()
    );

    let incidents = cells(&mut workbook, "Vụ việc", 3..9, 9);
    assert_eq!(
        incidents,
        [
            [
                "Loại vụ việc",
                "Số vụ",
                "Cùng kỳ năm trước",
                "Tăng (+), giảm (−)",
                "Tăng, giảm (%)",
                "Số tháng đã nhập",
                "Số tháng đã nhập cùng kỳ",
                "Số tháng so sánh",
                "Đủ số liệu"
            ]
            .map(text)
            .to_vec(),
            vec![
                text("An ninh, trật tự"),
                num(5),
                num(4),
                num(1),
                num(0.25),
                num(2),
                num(1),
                num(7),
                text("Không")
            ],
            vec![
                text("Tai nạn giao thông"),
                num(1),
                num(0),
                num(1),
                Data::Empty,
                num(1),
                num(0),
                num(7),
                text("Không")
            ],
            vec![
                text("Cháy, nổ"),
                num(0),
                num(0),
                num(0),
                Data::Empty,
                num(0),
                num(0),
                num(7),
                text("Không")
            ],
            vec![
                text("Tội phạm nghiêm trọng"),
                num(0),
                num(0),
                num(0),
                Data::Empty,
                num(0),
                num(0),
                num(7),
                text("Không")
            ],
            vec![
                text("Khiếu kiện đông người"),
                num(0),
                num(0),
                num(0),
                Data::Empty,
                num(0),
                num(0),
                num(7),
                text("Không")
            ],
        ]
    );

    let surveys = cells(&mut workbook, "Khảo sát", 3..7, 12);
    let survey = &report["surveys"][0];
    let lead = |row: &[Data]| (row[0].clone(), day(&row[1]), row[2].clone(), row[3].clone());
    for row in &surveys[1..] {
        assert_eq!(
            lead(row),
            (
                text("Khảo sát sự hài lòng năm 2023"),
                NaiveDate::from_ymd_opt(2023, 5, 10).expect("a day"),
                text("Toàn phường"),
                num(4)
            )
        );
    }
    assert_eq!(
        &surveys[1][4..],
        [
            Data::Empty,
            text("Cả phiếu (mọi câu hỏi)"),
            num(7),
            num(3),
            num(2),
            num(1),
            num(1),
            share(&survey["satisfactionRate"])
        ]
    );
    for (row, question) in surveys[2..].iter().zip(survey["questions"].as_array().expect("questions")) {
        let counts: Vec<Data> =
            question["counts"].as_array().expect("counts").iter().map(|c| share(&c["count"])).collect();
        let position = if row[5] == text("Thái độ của cán bộ khi tiếp dân") { 1 } else { 2 };
        assert_eq!(row[4], num(position));
        assert_eq!(row[6], share(&question["answerCount"]));
        assert_eq!(&row[7..11], counts.as_slice());
        assert_eq!(row[11], share(&question["satisfactionRate"]));
    }
    assert_eq!(
        (&surveys[2][5], &surveys[3][5]),
        (&text("Thái độ của cán bộ khi tiếp dân"), &text("Kết quả giải quyết tin báo"))
    );

    let models = cells(&mut workbook, "Mô hình", 4..7, 8);
    let summary: Vec<(Data, Data, Data, NaiveDate, Data, Data, Data)> = models
        .iter()
        .map(|r| {
            (r[0].clone(), r[1].clone(), r[2].clone(), day(&r[3]), r[4].clone(), r[6].clone(), r[7].clone())
        })
        .collect();
    let on = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a day");
    assert_eq!(
        summary,
        [
            (
                text("Camera an ninh tổ 1"),
                text("Camera an ninh"),
                text("Tổ dân phố 1"),
                on(2022, 6, 1),
                Data::Empty,
                num(12),
                num(4)
            ),
            (
                text("Nhóm Zalo báo tin"),
                text("Kênh tiếp nhận tin báo"),
                text("Toàn phường"),
                on(2023, 1, 10),
                Data::Empty,
                num(12),
                num(4)
            ),
            (
                text("Điểm chữa cháy tổ 2"),
                text("Điểm chữa cháy công cộng"),
                text("Tổ dân phố 2"),
                on(2023, 2, 15),
                Data::Empty,
                num(12),
                num(4)
            ),
        ]
    );
    assert!(models.iter().all(|r| r[5] == text("Đang hoạt động")));

    let awards = cells(&mut workbook, "Khen thưởng", 4..7, 6);
    let awards: Vec<(Data, NaiveDate, Data, Data, Data, Data)> = awards
        .iter()
        .map(|r| (r[0].clone(), day(&r[1]), r[2].clone(), r[3].clone(), r[4].clone(), r[5].clone()))
        .collect();
    let ward_committee = text("Chủ tịch UBND phường");
    assert_eq!(
        awards,
        [
            (
                text("12/QĐ-UBND"),
                on(2023, 2, 10),
                ward_committee.clone(),
                text("Tập thể"),
                text("Tổ dân phố 1"),
                Data::Empty
            ),
            (
                text("34/QĐ-UBND"),
                on(2023, 3, 15),
                ward_committee.clone(),
                text("Cá nhân"),
                text("Tổ dân phố 1"),
                text("Nguyễn Văn An")
            ),
            (
                text("78/QĐ-UBND"),
                on(2023, 4, 20),
                ward_committee,
                text("Cá nhân"),
                text("Toàn phường"),
                text("Phạm Văn Xa")
            ),
        ]
    );

    let events = cells(&mut workbook, "Sự kiện", 3..6, 5);
    assert_eq!(
        events[0],
        ["Ngày tổ chức", "Loại sự kiện", "Tên sự kiện", "Tổ dân phố chủ trì", "Số người tham dự"]
            .map(text)
            .to_vec()
    );
    let events: Vec<(NaiveDate, Data, Data, Data, Data)> = events[1..]
        .iter()
        .map(|r| (day(&r[0]), r[1].clone(), r[2].clone(), r[3].clone(), r[4].clone()))
        .collect();
    assert_eq!(
        events,
        [
            (
                on(2023, 1, 15),
                text("Diễn đàn"),
                text("Diễn đàn lắng nghe ý kiến Nhân dân"),
                text("Toàn phường"),
                num(120)
            ),
            (on(2023, 4, 30), text("Ngày hội"), text("Ngày hội tổ 1"), text("Tổ dân phố 1"), num(120)),
        ]
    );
    let styles = workbook.worksheet_style("Sự kiện").expect("the sheet's styles");
    let format = |row: u32, col: u32| {
        styles.get((row, col)).and_then(|s| s.number_format.as_ref()).map(|f| f.format_code.clone())
    };
    assert_eq!(
        (format(4, 0), format(4, 2), format(4, 4)),
        (Some("dd/mm/yyyy".into()), Some("@".into()), Some("#,##0".into()))
    );
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
