//! The groups' sheet and the incidents' sheet against the GraphQL report.

use calamine::Data;
use serde_json::json;

use super::{GROUP_HEADERS, cells, num, official_workbook, share, text};

#[tokio::test]
async fn the_groups_sheet_holds_each_groups_figures_and_assessment_then_the_totals_apart() {
    // Arrange
    let (report, mut workbook) = official_workbook().await;

    // Act
    let groups = cells(&mut workbook, "Tổ dân phố", 0..8, 20);

    // Assert
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
}

#[tokio::test]
async fn the_incidents_sheet_compares_the_months_so_far_with_the_year_before() {
    // Arrange
    let (_, mut workbook) = official_workbook().await;
    let row =
        |label: &str, [count, previous, change]: [i32; 3], percent: Data, [reported, before]: [i32; 2]| {
            let figures = [count, previous, change].map(num);
            [
                vec![text(label)],
                figures.to_vec(),
                vec![percent, num(reported), num(before), num(7), text("Không")],
            ]
            .concat()
        };

    // Act
    let incidents = cells(&mut workbook, "Vụ việc", 3..9, 9);

    // Assert
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
            row("An ninh, trật tự", [5, 4, 1], num(0.25), [2, 1]),
            row("Tai nạn giao thông", [1, 0, 1], Data::Empty, [1, 0]),
            row("Cháy, nổ", [0, 0, 0], Data::Empty, [0, 0]),
            row("Tội phạm nghiêm trọng", [0, 0, 0], Data::Empty, [0, 0]),
            row("Khiếu kiện đông người", [0, 0, 0], Data::Empty, [0, 0]),
        ]
    );
}
