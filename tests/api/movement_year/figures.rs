//! Every figure of W1's movement year 2023 as its official reads it, exactly; a year without a
//! campaign; a year that has not begun.

use serde_json::{Value, json};

use super::world::{SURVEY_2023, Year2023};

const CATEGORIES: [&str; 9] = [
    "CRIME_REPORT",
    "FIRE_PREVENTION",
    "LOST_PROPERTY_RETURNED",
    "DISPUTE_MEDIATION",
    "REINTEGRATION_SUPPORT",
    "TRAFFIC_SAFETY",
    "PATROL",
    "DRUG_PREVENTION",
    "OTHER",
];

/// Every category with its count: those named, and 0 for the others.
pub fn deeds(counts: &[(&str, i64)]) -> Value {
    let listed: Vec<Value> = CATEGORIES
        .iter()
        .map(|category| {
            let count = counts.iter().find(|(c, _)| c == category).map_or(0, |(_, n)| *n);
            json!({ "category": category, "count": count })
        })
        .collect();
    json!(listed)
}

/// An incident row with no tally in either window of `months`.
pub fn no_incidents(category: &str, months: i64) -> Value {
    json!({
        "category": category, "count": 0, "previousCount": 0, "change": 0, "changePercent": null,
        "monthsReported": 0, "previousMonthsReported": 0, "months": months, "complete": false
    })
}

/// Group 1's row of 2023 as a reader of the whole ward sees it (`listed`: its models and awards).
pub fn group_1(listed: bool) -> Value {
    json!({
        "group": { "code": "1", "name": "Tổ dân phố 1" },
        "coverage": { "households": 2, "signed": 1, "percent": 50.0, "fullyCovered": false },
        "goodDeeds": deeds(&[("CRIME_REPORT", 1), ("PATROL", 2)]), "goodDeedCount": 3,
        "activeModels": if listed { json!([{ "name": "Camera an ninh tổ 1" }]) } else { json!([]) },
        "activeModelCount": 1,
        "awards": if listed {
            json!([{ "decisionNumber": "12/QĐ-UBND" }, { "decisionNumber": "34/QĐ-UBND" }])
        } else {
            json!([])
        },
        "awardCount": 2, "satisfactionRate": 0.5, "ballotCount": 2,
        "assessment": { "year": 2023, "level": { "code": "XUAT_SAC", "label": "Xuất sắc" } }
    })
}

/// Group 2's row of 2023 (`listed`: its models).
pub fn group_2(listed: bool) -> Value {
    json!({
        "group": { "code": "2", "name": "Tổ dân phố 2" },
        "coverage": { "households": 1, "signed": 0, "percent": 0.0, "fullyCovered": false },
        "goodDeeds": deeds(&[("TRAFFIC_SAFETY", 1)]), "goodDeedCount": 1,
        "activeModels": if listed { json!([{ "name": "Điểm chữa cháy tổ 2" }]) } else { json!([]) },
        "activeModelCount": 1, "awards": [], "awardCount": 0, "satisfactionRate": 1.0, "ballotCount": 2,
        "assessment": null
    })
}

/// The incidents of 2022-11 to 2023-05 against a year earlier.
pub fn incidents_2023() -> Value {
    json!([
        { "category": "SECURITY_ORDER", "count": 5, "previousCount": 4, "change": 1, "changePercent": 25.0,
          "monthsReported": 2, "previousMonthsReported": 1, "months": 7, "complete": false },
        { "category": "TRAFFIC_ACCIDENT", "count": 1, "previousCount": 0, "change": 1, "changePercent": null,
          "monthsReported": 1, "previousMonthsReported": 0, "months": 7, "complete": false },
        no_incidents("FIRE", 7),
        no_incidents("SERIOUS_CRIME", 7),
        no_incidents("MASS_COMPLAINT", 7),
    ])
}

/// The 2023 survey's results over `group` (none: the whole ward).
pub fn survey_2023(group: Option<&str>) -> Value {
    let levels = |counts: [i64; 4]| {
        let names = ["VERY_SATISFIED", "SATISFIED", "NEUTRAL", "DISSATISFIED"];
        json!(names.iter().zip(counts).map(|(l, c)| json!({ "level": l, "count": c })).collect::<Vec<_>>())
    };
    let question = |counts: [i64; 4]| {
        let answers: i64 = counts.iter().sum();
        json!({ "answerCount": answers, "counts": levels(counts),
                "satisfactionRate": (counts[0] + counts[1]) as f64 / answers as f64 })
    };
    let (q1, q2, rate) = match group {
        None => ([2, 1, 1, 0], [1, 1, 0, 1], 5.0 / 7.0),
        Some("1") => ([1, 0, 1, 0], [0, 1, 0, 1], 0.5),
        Some(_) => ([1, 1, 0, 0], [1, 0, 0, 0], 1.0),
    };
    json!({
        "survey": { "title": SURVEY_2023 }, "group": group.map(|code| json!({ "code": code })),
        "ballotCount": if group.is_some() { 2 } else { 4 }, "satisfactionRate": rate,
        "questions": [question(q1), question(q2)]
    })
}

#[tokio::test]
async fn the_year_counts_what_happened_in_it_verified_standing_and_running_and_nothing_else() {
    // Arrange
    let year = Year2023::build().await;

    // Act
    let report = year.report(&year.official_token, 2023).await;

    // Assert: the ward's own campaign (H1 alone signed it), deeds verified in the year only, the model
    // that ended before the year and the revoked award and 2022's award left out, the 2022 survey's
    // ballots and the draft left out, incidents of November to May against a year earlier.
    assert_eq!(
        report,
        json!({
            "ward": { "id": year.ward_id, "code": "W1" }, "year": 2023,
            "startsOn": "2022-11-01", "endsOn": "2023-10-31", "campaign": { "title": "Phường Lam Sơn 2023" },
            "groups": [group_1(true), group_2(true)],
            "incidentsFrom": "2022-11", "incidentsTo": "2023-05", "incidents": incidents_2023(),
            "surveys": [survey_2023(None)],
            "models": [{ "name": "Camera an ninh tổ 1" }, { "name": "Nhóm Zalo báo tin" }, { "name": "Điểm chữa cháy tổ 2" }],
            "awards": [{ "decisionNumber": "12/QĐ-UBND" }, { "decisionNumber": "34/QĐ-UBND" }, { "decisionNumber": "78/QĐ-UBND" }],
            "events": [
                { "title": "Diễn đàn lắng nghe ý kiến Nhân dân", "heldOn": "2023-01-15" },
                { "title": "Ngày hội tổ 1", "heldOn": "2023-04-30" }
            ],
            "totals": { "households": 3, "signed": 1, "percent": 33.3, "deeds": 4, "models": 3, "awards": 3,
                        "ballotCount": 4, "satisfactionRate": 5.0 / 7.0 }
        })
    );
}

#[tokio::test]
async fn a_year_without_a_campaign_counts_households_but_no_signature_and_compares_all_its_months() {
    // Arrange
    let year = Year2023::build().await;

    // Act
    let report = year.report(&year.official_token, 2022).await;

    // Assert: 2022 ran from 2021-11-01 to 2022-10-31: the deed of 2022-10-31, the model that ended on
    // 2022-09-30 and the camera model, the award of 2022, the forum of 2022-10-15 and the 2022 survey.
    assert_eq!(report["campaign"], Value::Null);
    assert_eq!((&report["startsOn"], &report["endsOn"]), (&json!("2021-11-01"), &json!("2022-10-31")));
    let coverage: Vec<&Value> =
        report["groups"].as_array().expect("rows").iter().map(|g| &g["coverage"]).collect();
    assert_eq!(
        coverage,
        [
            &json!({ "households": 2, "signed": null, "percent": null, "fullyCovered": false }),
            &json!({ "households": 1, "signed": null, "percent": null, "fullyCovered": false }),
        ]
    );
    assert_eq!(report["groups"][0]["goodDeeds"], super::figures::deeds(&[("PATROL", 1)]));
    assert_eq!(report["groups"][0]["activeModelCount"], 2);
    assert_eq!(report["groups"][0]["awards"], json!([{ "decisionNumber": "5/QĐ-UBND" }]));
    let assessment = json!({ "year": 2022, "level": { "code": "TRUNG_BINH", "label": "Trung bình" } });
    assert_eq!(report["groups"][0]["assessment"], assessment, "the year's own assessment");
    assert_eq!(
        (&report["groups"][0]["satisfactionRate"], &report["groups"][0]["ballotCount"]),
        (&json!(0.0), &json!(1))
    );
    assert_eq!(
        (&report["groups"][1]["satisfactionRate"], &report["groups"][1]["ballotCount"]),
        (&Value::Null, &json!(0))
    );
    assert_eq!(report["events"], json!([{ "title": "Diễn đàn năm trước", "heldOn": "2022-10-15" }]));
    assert_eq!((&report["incidentsFrom"], &report["incidentsTo"]), (&json!("2021-11"), &json!("2022-10")));
    assert_eq!(
        report["incidents"][0],
        json!({ "category": "SECURITY_ORDER", "count": 4, "previousCount": 0, "change": 4, "changePercent": null,
                "monthsReported": 1, "previousMonthsReported": 0, "months": 12, "complete": false })
    );
    assert_eq!(
        report["totals"],
        json!({ "households": 3, "signed": null, "percent": null, "deeds": 1, "models": 2, "awards": 1,
                "ballotCount": 1, "satisfactionRate": 0.0 })
    );
}

#[tokio::test]
async fn a_year_that_has_not_begun_has_no_incident_months_and_counts_nothing_yet() {
    // Arrange
    let year = Year2023::build().await;

    // Act: movement year 2024 begins on 1 November 2023; today is 19 May 2023.
    let report = year.report(&year.official_token, 2024).await;

    // Assert: the camera model and the two other running models run into 2024 already.
    assert_eq!(
        (&report["incidentsFrom"], &report["incidentsTo"], &report["incidents"]),
        (&Value::Null, &Value::Null, &json!([]))
    );
    assert_eq!(
        (&report["surveys"], &report["awards"], &report["events"]),
        (&json!([]), &json!([]), &json!([]))
    );
    assert_eq!(
        report["totals"],
        json!({ "households": 3, "signed": null, "percent": null, "deeds": 0, "models": 3, "awards": 0,
                "ballotCount": 0, "satisfactionRate": null })
    );
}
