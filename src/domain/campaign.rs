//! Campaigns, pledges and good deeds: statuses, categories, the default window and Vietnam's date.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};

/// Where a campaign stands. Pledges are recorded only while it is `Open`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CampaignStatus {
    /// Being prepared; its pledge items may still change.
    Draft,
    /// Collecting pledges.
    Open,
    /// Finished; only an administrator may reopen it.
    Closed,
}

/// Whether a household's pledge stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PledgeStatus {
    /// Signed.
    Signed,
    /// Withdrawn; signing again reuses the row.
    Withdrawn,
}

/// What kind of good deed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GoodDeedCategory {
    /// Reported a crime or suspicious activity.
    CrimeReport,
    /// Fire prevention and fighting.
    FirePrevention,
    /// Returned lost property.
    LostPropertyReturned,
    /// Mediated a dispute.
    DisputeMediation,
    /// Helped someone released from prison resettle.
    ReintegrationSupport,
    /// Traffic safety.
    TrafficSafety,
    /// Took part in a patrol.
    Patrol,
    /// Drug prevention.
    DrugPrevention,
    /// Anything else.
    Other,
}

/// Where a good deed stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GoodDeedStatus {
    /// Recorded by a group leader, not yet checked.
    Reported,
    /// Confirmed by a ward official.
    Verified,
    /// Not confirmed.
    Rejected,
}

macro_rules! stored_as {
    ($type:ty { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $type {
            /// Every value, in declaration order.
            pub const ALL: &[Self] = &[$(Self::$variant),+];

            /// The stored (and GraphQL) name.
            pub fn as_db(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            /// Reads a stored value.
            pub fn from_db(value: &str) -> Option<Self> {
                match value { $($text => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

stored_as!(CampaignStatus { Draft => "DRAFT", Open => "OPEN", Closed => "CLOSED" });
stored_as!(PledgeStatus { Signed => "SIGNED", Withdrawn => "WITHDRAWN" });
stored_as!(GoodDeedStatus { Reported => "REPORTED", Verified => "VERIFIED", Rejected => "REJECTED" });
stored_as!(GoodDeedCategory {
    CrimeReport => "CRIME_REPORT",
    FirePrevention => "FIRE_PREVENTION",
    LostPropertyReturned => "LOST_PROPERTY_RETURNED",
    DisputeMediation => "DISPUTE_MEDIATION",
    ReintegrationSupport => "REINTEGRATION_SUPPORT",
    TrafficSafety => "TRAFFIC_SAFETY",
    Patrol => "PATROL",
    DrugPrevention => "DRUG_PREVENTION",
    Other => "OTHER",
});

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

/// Parses an ISO 8601 calendar date (`2023-05-19`).
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=2200).contains(&d.year()))
        .ok_or_else(|| format!("`{}` is not a date in the form YYYY-MM-DD", text.trim()))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

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
        assert_eq!(CampaignStatus::from_db("OPEN"), Some(CampaignStatus::Open));
        assert_eq!(GoodDeedCategory::Patrol.as_db(), "PATROL");
    }
}

/// Properties over hostile input: date parsing never panics and gives back a canonical ISO date that
/// parses to itself; the default window is a year long for every year; stored names round-trip and
/// nothing else reads as a status or category.
#[cfg(test)]
mod properties {
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    use super::*;
    use crate::domain::strategies::{hostile_text, padding};

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
            for &category in GoodDeedCategory::ALL {
                prop_assert_eq!(GoodDeedCategory::from_db(category.as_db()), Some(category));
            }
            for status in [CampaignStatus::Draft, CampaignStatus::Open, CampaignStatus::Closed] {
                prop_assert_eq!(CampaignStatus::from_db(status.as_db()), Some(status));
            }
            for status in [PledgeStatus::Signed, PledgeStatus::Withdrawn] {
                prop_assert_eq!(PledgeStatus::from_db(status.as_db()), Some(status));
            }
            for status in [GoodDeedStatus::Reported, GoodDeedStatus::Verified, GoodDeedStatus::Rejected] {
                prop_assert_eq!(GoodDeedStatus::from_db(status.as_db()), Some(status));
            }
            let known = GoodDeedCategory::ALL.iter().any(|c| c.as_db() == input);
            prop_assert_eq!(GoodDeedCategory::from_db(&input).is_some(), known);
            // Case and padding matter: the names are exact.
            prop_assert!(GoodDeedCategory::from_db(&input.to_lowercase()).is_none());
            let padded = format!(" {input}");
            prop_assert!(CampaignStatus::from_db(&padded).is_none());
            prop_assert_eq!(PledgeStatus::from_db(&input).is_some(), input == "SIGNED" || input == "WITHDRAWN");
            prop_assert_eq!(
                GoodDeedStatus::from_db(&input).is_some(),
                ["REPORTED", "VERIFIED", "REJECTED"].contains(&input.as_str())
            );
        }

        #[test]
        fn every_category_name_is_screaming_case(index in 0..9usize) {
            let name = GoodDeedCategory::ALL[index].as_db();
            prop_assert!(name.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
            prop_assert!(GoodDeedCategory::from_db(&name.to_lowercase()).is_none());
        }
    }
}
