//! Campaigns, pledges and good deeds: statuses, categories, the default window and Vietnam's date.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use sea_orm::{DeriveActiveEnum, EnumIter, sea_query::StringLen};

/// Where a campaign stands. Pledges are recorded only while it is `Open`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum CampaignStatus {
    /// Being prepared; its pledge items may still change.
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    /// Collecting pledges.
    #[sea_orm(string_value = "OPEN")]
    Open,
    /// Finished; only an administrator may reopen it.
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}

/// Whether a household's pledge stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum PledgeStatus {
    /// Signed.
    #[sea_orm(string_value = "SIGNED")]
    Signed,
    /// Withdrawn; signing again reuses the row.
    #[sea_orm(string_value = "WITHDRAWN")]
    Withdrawn,
}

/// What kind of good deed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum GoodDeedCategory {
    /// Reported a crime or suspicious activity.
    #[sea_orm(string_value = "CRIME_REPORT")]
    CrimeReport,
    /// Fire prevention and fighting.
    #[sea_orm(string_value = "FIRE_PREVENTION")]
    FirePrevention,
    /// Returned lost property.
    #[sea_orm(string_value = "LOST_PROPERTY_RETURNED")]
    LostPropertyReturned,
    /// Mediated a dispute.
    #[sea_orm(string_value = "DISPUTE_MEDIATION")]
    DisputeMediation,
    /// Helped someone released from prison resettle.
    #[sea_orm(string_value = "REINTEGRATION_SUPPORT")]
    ReintegrationSupport,
    /// Traffic safety.
    #[sea_orm(string_value = "TRAFFIC_SAFETY")]
    TrafficSafety,
    /// Took part in a patrol.
    #[sea_orm(string_value = "PATROL")]
    Patrol,
    /// Drug prevention.
    #[sea_orm(string_value = "DRUG_PREVENTION")]
    DrugPrevention,
    /// Anything else.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// Where a good deed stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum GoodDeedStatus {
    /// Recorded by a group leader, not yet checked.
    #[sea_orm(string_value = "REPORTED")]
    Reported,
    /// Confirmed by a ward official.
    #[sea_orm(string_value = "VERIFIED")]
    Verified,
    /// Not confirmed.
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
}

/// The default window of a year's campaign: 1 November of the year before to 31 October, the
/// residential-area evaluation period of Circular 124/2021/TT-BCA.
pub fn default_window(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((NaiveDate::from_ymd_opt(year.checked_sub(1)?, 11, 1)?, NaiveDate::from_ymd_opt(year, 10, 31)?))
}

/// Today's date in Vietnam (Asia/Ho_Chi_Minh is UTC+7 all year, without daylight saving).
pub fn local_today(now: DateTime<Utc>) -> NaiveDate {
    let vietnam = FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"));
    now.with_timezone(&vietnam).date_naive()
}

/// Parses an RFC 3339 `full-date` (`2023-05-19`: four-digit year, two-digit month and day); whitespace
/// around it, which phones' keyboards add, is ignored.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    let shaped = text.len() == 10
        && text
            .bytes()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    Some(text)
        .filter(|_| shaped)
        .and_then(|text| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .filter(|d| (1900..=2200).contains(&d.year()))
        .ok_or_else(|| format!("`{}` is not a date in the form YYYY-MM-DD", text.trim()))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use sea_orm::ActiveEnum;

    use super::*;

    #[test]
    fn the_default_window_runs_november_to_october() {
        let (start, end) = default_window(2023).expect("window");
        assert_eq!(start.to_string(), "2022-11-01");
        assert_eq!(end.to_string(), "2023-10-31");
    }

    #[test]
    fn vietnam_is_already_tomorrow_at_5pm_utc() {
        let evening = Utc.with_ymd_and_hms(2023, 5, 19, 17, 0, 0).single().expect("time");
        assert_eq!(local_today(evening).to_string(), "2023-05-20");
        let morning = Utc.with_ymd_and_hms(2023, 5, 19, 16, 59, 59).single().expect("time");
        assert_eq!(local_today(morning).to_string(), "2023-05-19");
    }

    #[test]
    fn dates_are_iso_8601() {
        assert_eq!(parse_date(" 2023-02-28 ").map(|d| d.to_string()), Ok("2023-02-28".to_owned()));
        assert!(parse_date("2023-02-30").is_err());
        assert!(parse_date("28/02/2023").is_err());
        for loose in ["2023-2-28", "2023-02-8", "+2023-02-28", "02023-02-28", "2023-02-28T00:00:00Z"] {
            assert!(parse_date(loose).is_err(), "{loose}");
        }
    }

    /// Exactly the names the CHECK constraints of the pledges migration allow, in its order.
    #[test]
    fn stored_names_are_the_ones_the_migration_allows() {
        fn names<E: ActiveEnum<Value = String>>() -> Vec<String> {
            E::iter().map(|value| value.to_value()).collect()
        }
        assert_eq!(names::<CampaignStatus>(), ["DRAFT", "OPEN", "CLOSED"]);
        assert_eq!(names::<PledgeStatus>(), ["SIGNED", "WITHDRAWN"]);
        assert_eq!(names::<GoodDeedStatus>(), ["REPORTED", "VERIFIED", "REJECTED"]);
        assert_eq!(
            names::<GoodDeedCategory>(),
            [
                "CRIME_REPORT",
                "FIRE_PREVENTION",
                "LOST_PROPERTY_RETURNED",
                "DISPUTE_MEDIATION",
                "REINTEGRATION_SUPPORT",
                "TRAFFIC_SAFETY",
                "PATROL",
                "DRUG_PREVENTION",
                "OTHER",
            ]
        );
        assert_eq!(CampaignStatus::try_from_value(&"OPEN".to_owned()).ok(), Some(CampaignStatus::Open));
        assert_eq!(GoodDeedCategory::Patrol.to_value(), "PATROL");
    }
}

/// Properties over hostile input: date parsing never panics and gives back a canonical ISO date that
/// parses to itself; the default window is a year long for every year; stored names round-trip and
/// nothing else reads as a status or category.
#[cfg(test)]
mod properties {
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;
    use sea_orm::{ActiveEnum, Iterable};

    use super::*;
    use crate::domain::strategies::{hostile_text, padding};

    /// Reads a stored name as the database would, or nothing.
    fn read<E: ActiveEnum<Value = String>>(text: &str) -> Option<E> {
        E::try_from_value(&text.to_owned()).ok()
    }

    /// Text that looks like a date, or nearly.
    fn date_like() -> impl Strategy<Value = String> {
        prop_oneof![
            hostile_text(),
            "[+-]?[0-9]{1,6}-[0-9]{1,3}-[0-9]{1,3}",
            (any::<i32>(), any::<u32>(), any::<u32>()).prop_map(|(y, m, d)| format!("{y}-{m}-{d}")),
            "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:]{0,8}Z?",
        ]
    }

    proptest! {
        #[test]
        fn a_parsed_date_is_in_range_and_parses_to_itself(input in date_like()) {
            match parse_date(&input) {
                Ok(date) => {
                    prop_assert!((1900..=2200).contains(&date.year()), "{:?} gave {}", input, date);
                    let canonical = date.to_string();
                    prop_assert_eq!(canonical.len(), 10);
                    prop_assert_eq!(parse_date(&canonical), Ok(date), "idempotent");
                }
                Err(message) => prop_assert!(message.contains("YYYY-MM-DD")),
            }
        }

        #[test]
        fn every_real_date_from_1900_to_2200_is_accepted(
            days in 0..(NaiveDate::from_ymd_opt(2200, 12, 31).expect("date") - NaiveDate::from_ymd_opt(1900, 1, 1).expect("date")).num_days(),
            before in padding(),
            after in padding(),
        ) {
            let date = NaiveDate::from_ymd_opt(1900, 1, 1).expect("date") + Duration::days(days);
            prop_assert_eq!(parse_date(&format!("{before}{date}{after}")), Ok(date));
        }

        #[test]
        fn dates_outside_1900_to_2200_or_the_calendar_are_refused(year in prop_oneof![0..1900i32, 2201..10_000i32], month in 13..100u32, day in 32..100u32) {
            for text in [format!("{year:04}-06-15"), format!("2023-{month:02}-01"), format!("2023-01-{day:02}")] {
                prop_assert!(parse_date(&text).is_err(), "{}", text);
            }
        }

        #[test]
        fn the_default_window_never_panics_and_runs_a_year_to_31_october(
            year in prop_oneof![any::<i32>(), Just(i32::MIN), Just(i32::MAX), -300_000..300_000i32],
        ) {
            if let Some((start, end)) = default_window(year) {
                prop_assert_eq!((start.year(), start.month(), start.day()), (year - 1, 11, 1));
                prop_assert_eq!((end.year(), end.month(), end.day()), (year, 10, 31));
                prop_assert!(matches!((end - start).num_days(), 364 | 365));
            } else {
                prop_assert!(
                    NaiveDate::from_ymd_opt(year, 10, 31).is_none()
                        || year.checked_sub(1).and_then(|y| NaiveDate::from_ymd_opt(y, 11, 1)).is_none()
                );
            }
        }

        #[test]
        fn vietnam_is_seven_hours_ahead_of_utc(seconds in -8_000_000_000i64..8_000_000_000i64) {
            let now = Utc.timestamp_opt(seconds, 0).single().expect("time");
            prop_assert_eq!(local_today(now), (now + Duration::hours(7)).date_naive());
        }

        #[test]
        fn stored_names_round_trip_and_nothing_else_reads_as_one(input in hostile_text()) {
            for category in GoodDeedCategory::iter() {
                prop_assert_eq!(read::<GoodDeedCategory>(&category.to_value()), Some(category));
            }
            for status in CampaignStatus::iter() {
                prop_assert_eq!(read::<CampaignStatus>(&status.to_value()), Some(status));
            }
            for status in PledgeStatus::iter() {
                prop_assert_eq!(read::<PledgeStatus>(&status.to_value()), Some(status));
            }
            for status in GoodDeedStatus::iter() {
                prop_assert_eq!(read::<GoodDeedStatus>(&status.to_value()), Some(status));
            }
            let known = GoodDeedCategory::iter().any(|c| c.to_value() == input);
            prop_assert_eq!(read::<GoodDeedCategory>(&input).is_some(), known);
            // Case and padding matter: the names are exact.
            prop_assert!(read::<GoodDeedCategory>(&input.to_lowercase()).is_none());
            let padded = format!(" {input}");
            prop_assert!(read::<CampaignStatus>(&padded).is_none());
            prop_assert_eq!(read::<PledgeStatus>(&input).is_some(), input == "SIGNED" || input == "WITHDRAWN");
            prop_assert_eq!(
                read::<GoodDeedStatus>(&input).is_some(),
                ["REPORTED", "VERIFIED", "REJECTED"].contains(&input.as_str())
            );
        }

        #[test]
        fn every_category_name_is_screaming_case(index in 0..9usize) {
            let name = GoodDeedCategory::iter().nth(index).expect("nine categories").to_value();
            prop_assert!(name.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
            prop_assert!(read::<GoodDeedCategory>(&name.to_lowercase()).is_none());
        }
    }
}
