//! A ward that begins its movement year on another day: the report counts that ward's window, and
//! another ward keeps the default one.

use serde_json::json;

use super::{
    figures::{deeds, no_incidents},
    seed::set_year_start,
    world::Year2023,
};

#[tokio::test]
async fn a_ward_whose_year_is_the_calendar_year_counts_january_to_december() {
    // Arrange
    let year = Year2023::build().await;
    set_year_start(&year.app, &year.ward_id, 1, 1).await;

    // Act
    let report = year.report(&year.official_token, 2023).await;
    let other_ward = year.report_as(&year.app.admin_token, &year.foreign_ward_id, 2023).await;

    // Assert: the patrol of 2022-11-15 and the tally of 2022-11 fall in 2022 now.
    assert_eq!((&report["startsOn"], &report["endsOn"]), (&json!("2023-01-01"), &json!("2023-12-31")));
    assert_eq!(report["groups"][0]["goodDeeds"], deeds(&[("CRIME_REPORT", 1), ("PATROL", 1)]));
    assert_eq!(report["groups"][1]["goodDeedCount"], 1);
    assert_eq!((&report["incidentsFrom"], &report["incidentsTo"]), (&json!("2023-01"), &json!("2023-05")));
    assert_eq!(
        report["incidents"],
        json!([
            { "category": "SECURITY_ORDER", "count": 2, "previousCount": 0, "change": 2, "changePercent": null,
              "monthsReported": 1, "previousMonthsReported": 0, "months": 5, "complete": false },
            no_incidents("TRAFFIC_ACCIDENT", 5),
            no_incidents("FIRE", 5),
            no_incidents("SERIOUS_CRIME", 5),
            no_incidents("MASS_COMPLAINT", 5),
        ])
    );
    assert_eq!(
        report["totals"],
        json!({ "households": 3, "signed": 1, "percent": 33.3, "deeds": 3, "models": 3, "awards": 3,
                "ballotCount": 4, "satisfactionRate": 5.0 / 7.0 })
    );
    let other = &other_ward["data"]["movementYearReport"];
    assert_eq!((&other["startsOn"], &other["endsOn"]), (&json!("2022-11-01"), &json!("2023-10-31")));
}

#[tokio::test]
async fn a_year_beginning_mid_month_counts_its_days_and_the_months_whose_first_day_it_holds() {
    // Arrange: 2023 runs from 15 October 2022 to 14 October 2023.
    let year = Year2023::build().await;
    set_year_start(&year.app, &year.ward_id, 10, 15).await;

    // Act
    let report = year.report(&year.official_token, 2023).await;

    // Assert: the patrol of 2022-10-31 and the forum of 2022-10-15 are in; October 2022 is not a month
    // of the year, since its first day is not.
    assert_eq!((&report["startsOn"], &report["endsOn"]), (&json!("2022-10-15"), &json!("2023-10-14")));
    assert_eq!(report["groups"][0]["goodDeeds"], deeds(&[("CRIME_REPORT", 1), ("PATROL", 3)]));
    let events: Vec<&serde_json::Value> =
        report["events"].as_array().expect("events").iter().map(|e| &e["heldOn"]).collect();
    assert_eq!(events, [&json!("2022-10-15"), &json!("2023-01-15"), &json!("2023-04-30")]);
    assert_eq!((&report["incidentsFrom"], &report["incidentsTo"]), (&json!("2022-11"), &json!("2023-05")));
    assert_eq!(report["incidents"][0]["months"], 7);
}
