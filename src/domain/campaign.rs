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
    Some((NaiveDate::from_ymd_opt(year - 1, 11, 1)?, NaiveDate::from_ymd_opt(year, 10, 31)?))
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
