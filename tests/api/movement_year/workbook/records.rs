//! The sheets of the year's records against the GraphQL report: surveys (a row for all questions, then
//! one per question), models, awards and events, with their dates as date cells.

use calamine::Data;
use chrono::NaiveDate;

use super::{cells, day, num, official_workbook, share, text};

#[tokio::test]
async fn the_survey_sheet_holds_the_whole_ballot_and_each_question_as_the_report_counts_them() {
    // Arrange
    let (report, mut workbook) = official_workbook().await;

    // Act
    let surveys = cells(&mut workbook, "Khảo sát", 3..7, 12);

    // Assert
    let headers = [
        "Khảo sát",
        "Ngày khảo sát",
        "Phạm vi",
        "Số phiếu",
        "Câu hỏi số",
        "Câu hỏi",
        "Số câu trả lời",
        "Rất hài lòng",
        "Hài lòng",
        "Bình thường",
        "Không hài lòng",
        "Tỷ lệ hài lòng (%)",
    ];
    assert_eq!(surveys[0], headers.map(text).to_vec());
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
}

#[tokio::test]
async fn the_sheets_of_models_awards_and_events_list_the_years_records_by_day_with_their_group() {
    // Arrange
    let (_, mut workbook) = official_workbook().await;

    // Act and assert, sheet by sheet
    let model_headers = cells(&mut workbook, "Mô hình", 3..4, 8).remove(0);
    let award_headers = cells(&mut workbook, "Khen thưởng", 3..4, 7).remove(0);
    let expected_model_headers = [
        "Tên mô hình",
        "Loại mô hình",
        "Tổ dân phố",
        "Ngày bắt đầu",
        "Ngày kết thúc",
        "Trạng thái",
        "Số hộ tham gia",
        "Số thiết bị, điểm",
    ];
    assert_eq!(model_headers, expected_model_headers.map(text).to_vec());
    let expected_award_headers = [
        "Số quyết định",
        "Ngày quyết định",
        "Cấp khen thưởng",
        "Hình thức",
        "Tổ dân phố",
        "Cá nhân",
        "Nội dung",
    ];
    assert_eq!(award_headers, expected_award_headers.map(text).to_vec());
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
