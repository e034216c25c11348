//! The CSVs for Excel and LibreOffice with Vietnamese (vi-VN) settings, opened the way such a
//! spreadsheet opens them: fields split on `;`, a leading `'` meaning text, numbers with a decimal comma.
//! Phones and codes stay text with their `+` and leading zeros, figures are numbers, and the totals row
//! sits after an empty row, outside the block a sort or filter takes.

use reqwest::StatusCode;
use serde_json::json;

use super::{BOM, Exports, answer, csv_records, row};
use crate::{
    drive::{pledge_input, recorded},
    helpers::{create_group, unknown_id},
};

/// Group "07" of Phường Lam Sơn, whose households have codes with leading zeros and phones:
/// 007 (phone typed `0980 086 745`) signed, 012 (phone `+84 912 345 678`) and H3 (no phone) not.
pub(super) struct Phones {
    pub(super) group: String,
}

impl Phones {
    pub(super) async fn add_to(fixture: &Exports) -> Self {
        let app = &fixture.app;
        let group = create_group(app, &fixture.lam_son, "07").await;
        let mut ids = Vec::new();
        for (code, head_name, phone) in [
            ("007", "Ngô Thị Lan", Some("0980 086 745")),
            ("012", "Đặng Văn Tâm", Some("+84 912 345 678")),
            ("H3", "Lý Thị Mai", None),
        ] {
            let data = app
                .gql_ok(
                    "mutation($input: CreateHouseholdInput!) { createHousehold(input: $input) { id } }",
                    json!({ "input": {
                        "groupId": group, "code": code, "headName": head_name,
                        "address": format!("Số {code} Lê Hoàn"), "memberCount": 4, "phone": phone
                    } }),
                )
                .await;
            ids.push(data["createHousehold"]["id"].as_str().expect("household id").to_owned());
        }
        recorded(app, &app.admin_token, &pledge_input(&unknown_id(), &ids[0], &fixture.campaign)).await;
        Self { group }
    }
}

/// A cell as a spreadsheet with vi-VN settings holds it.
#[derive(Debug, Clone, PartialEq)]
enum Read {
    Text(String),
    Number(f64),
}

fn text(value: &str) -> Read {
    Read::Text(value.to_owned())
}

/// `field` (unquoted) as a vi-VN spreadsheet reads it: a leading `'` makes the rest text; a number with
/// an optional sign, `.` between thousands, a decimal comma and an optional `%` is a number; anything
/// else is text. A formula would fail the test.
fn read(field: &str) -> Read {
    if let Some(rest) = field.strip_prefix('\'') {
        return Read::Text(rest.to_owned());
    }
    assert!(!field.starts_with(['=', '@']), "{field:?} starts a formula");
    number(field).map_or_else(|| Read::Text(field.to_owned()), Read::Number)
}

fn number(field: &str) -> Option<f64> {
    let (field, scale) = field.strip_suffix('%').map_or((field, 1.0), |rest| (rest, 0.01));
    let (sign, field) = match field.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, field.strip_prefix('+').unwrap_or(field)),
    };
    let (whole, fraction) = field.split_once(',').unwrap_or((field, "0"));
    let groups: Vec<&str> = whole.split('.').collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let grouped = groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    if !(groups.iter().all(|g| digits(g)) && grouped && digits(fraction)) {
        return None;
    }
    let value: f64 = format!("{}.{fraction}", groups.concat()).parse().ok()?;
    Some(sign * value * scale)
}

/// The sheet a vi-VN spreadsheet makes of a CSV body: one row per line (an empty line is an empty row),
/// fields split on `;` with their double quotes taken off. The fields of these fixtures hold no `;`,
/// quote or line break, so splitting is what the spreadsheet does.
fn open_as_vietnamese_spreadsheet(body: &[u8]) -> Vec<Vec<Read>> {
    let text = std::str::from_utf8(body.strip_prefix(BOM).expect("a byte-order mark")).expect("UTF-8");
    let lines = text.strip_suffix("\r\n").expect("the last line ends with CRLF");
    assert!(!lines.replace("\r\n", "").contains('\n'), "every line ends with CRLF");
    lines
        .split("\r\n")
        .map(|line| {
            if line.is_empty() {
                return Vec::new();
            }
            line.split(';')
                .map(|field| read(field.strip_prefix('"').and_then(|f| f.strip_suffix('"')).unwrap_or(field)))
                .collect()
        })
        .collect()
}

/// The rows a sort or filter takes when a cell of the header is selected: from the top down to the
/// first empty row.
fn sorted_block(sheet: &[Vec<Read>]) -> &[Vec<Read>] {
    let end = sheet.iter().position(Vec::is_empty).unwrap_or(sheet.len());
    &sheet[..end]
}

#[tokio::test]
async fn the_vi_vn_coverage_csv_opens_with_codes_as_text_figures_as_numbers_and_the_totals_apart() {
    // Arrange
    let fixture = Exports::build().await;
    Phones::add_to(&fixture).await;
    let path = format!("/exports/coverage.csv?campaignId={}&wardId={}", fixture.campaign, fixture.lam_son);

    // Act
    let response = fixture.get(Some(&fixture.app.admin_token), &format!("{path}&locale=vi-VN")).await;
    let disposition = response.headers().get(reqwest::header::CONTENT_DISPOSITION).cloned();
    let (status, content_type, body) = answer(response).await;
    let (_, _, plain) = answer(fixture.get(Some(&fixture.app.admin_token), &path).await).await;

    // Assert
    assert_eq!((status, content_type.as_str()), (StatusCode::OK, "text/csv; charset=utf-8"));
    let disposition = disposition.expect("a disposition");
    assert_eq!(disposition.to_str().expect("ASCII"), "attachment; filename=\"coverage-2023-vi-VN.csv\"");
    let n = Read::Number;
    let sheet = open_as_vietnamese_spreadsheet(&body);
    assert_eq!(
        sheet,
        [
            super::COVERAGE_HEADER.iter().map(|h| text(h)).collect(),
            vec![
                text("Phường Lam Sơn"),
                text("1"),
                text("Tổ dân phố 1"),
                n(4.0),
                n(2.0),
                n(2.0),
                n(50.0),
                text("Không")
            ],
            vec![
                text("Phường Lam Sơn"),
                text("2"),
                text("Tổ dân phố 2"),
                n(2.0),
                n(2.0),
                n(0.0),
                n(100.0),
                text("Có")
            ],
            vec![
                text("Phường Lam Sơn"),
                text("07"),
                text("Tổ dân phố 07"),
                n(3.0),
                n(1.0),
                n(2.0),
                n(33.3),
                text("Không")
            ],
            vec![],
            vec![
                text("Tổng cộng"),
                text(""),
                text("1/3 tổ đạt 100%"),
                n(9.0),
                n(5.0),
                n(4.0),
                n(55.6),
                text("Không")
            ],
        ]
    );
    let block = sorted_block(&sheet);
    assert_eq!(block.len(), 4, "a sort or filter takes the header and the three groups");
    assert!(block.iter().all(|r| r[0] != text("Tổng cộng")), "and not the totals");
    // The plain CSV holds the same figures, which vi-VN settings misread: `55.6` as text, `07` as 7.
    let plain = csv_records(&plain);
    assert_eq!(plain[3][1], "07");
    assert_eq!(plain[4][6], "55.6", "the totals, the empty line skipped by the reader");
    assert_eq!((read(&plain[3][1]), read(&plain[4][6])), (n(7.0), text("55.6")));
}

#[tokio::test]
async fn the_vi_vn_unsigned_csv_keeps_the_plus_of_phones_and_the_leading_zeros_of_codes() {
    // Arrange
    let fixture = Exports::build().await;
    let phones = Phones::add_to(&fixture).await;
    let path = format!("/exports/unsigned.csv?campaignId={}&groupId={}", fixture.campaign, phones.group);

    // Act
    let (status, _, body) =
        answer(fixture.get(Some(&fixture.app.admin_token), &format!("{path}&locale=vi_vn")).await).await;
    let (_, _, plain) = answer(fixture.get(Some(&fixture.app.admin_token), &path).await).await;

    // Assert: 007 signed; the phone typed `+84 912 345 678` is stored and shown as `+84912345678`.
    assert_eq!(status, StatusCode::OK);
    let sheet = open_as_vietnamese_spreadsheet(&body);
    assert_eq!(
        sheet,
        [
            ["Tổ dân phố", "Mã hộ", "Chủ hộ", "Địa chỉ", "Số nhân khẩu", "Điện thoại"].map(text).to_vec(),
            vec![
                text("Tổ dân phố 07"),
                text("012"),
                text("Đặng Văn Tâm"),
                text("Số 012 Lê Hoàn"),
                Read::Number(4.0),
                text("+84912345678"),
            ],
            vec![
                text("Tổ dân phố 07"),
                text("H3"),
                text("Lý Thị Mai"),
                text("Số H3 Lê Hoàn"),
                Read::Number(4.0),
                text(""),
            ],
        ]
    );
    // The plain CSV, for programs, keeps the code as stored and the phone after the formula guard.
    assert_eq!(
        csv_records(&plain)[1],
        row(&["Tổ dân phố 07", "012", "Đặng Văn Tâm", "Số 012 Lê Hoàn", "4", "'+84912345678"])
    );
}
