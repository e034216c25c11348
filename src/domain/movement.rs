//! The movement's year beyond pledges: self-management models, awards and festival days. Their stored
//! enums, the movement year a date falls in, and the free texts (descriptions, citations, reasons) they
//! keep.

use chrono::{Datelike, NaiveDate};
use sea_orm::{DeriveActiveEnum, EnumIter, sea_query::StringLen};

use super::campaign::default_window;

/// What kind of self-management model residents run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum ModelKind {
    /// Helping people released from prison or pardoned to resettle.
    #[sea_orm(string_value = "REINTEGRATION")]
    Reintegration,
    /// Security cameras watched by residents and the police.
    #[sea_orm(string_value = "SECURITY_CAMERAS")]
    SecurityCameras,
    /// A channel (a Zalo group, a hotline) where residents report security and order matters.
    #[sea_orm(string_value = "REPORTING_CHANNEL")]
    ReportingChannel,
    /// Neighbouring households that keep each other safe from fire.
    #[sea_orm(string_value = "FIRE_SAFETY_GROUP")]
    FireSafetyGroup,
    /// A public fire point (extinguishers and tools anyone may use).
    #[sea_orm(string_value = "PUBLIC_FIRE_POINT")]
    PublicFirePoint,
    /// Anything else.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// Where a self-management model stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ModelStatus {
    /// Running.
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    /// Paused; may run again.
    #[sea_orm(string_value = "SUSPENDED")]
    Suspended,
    /// Finished, on its `ended_on` day.
    #[sea_orm(string_value = "ENDED")]
    Ended,
}

/// Who issued an award.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum AwardIssuer {
    /// The chairman of the city's (or district's) People's Committee.
    #[sea_orm(string_value = "CITY_PEOPLES_COMMITTEE")]
    CityPeoplesCommittee,
    /// The chairman of the ward's People's Committee.
    #[sea_orm(string_value = "WARD_PEOPLES_COMMITTEE")]
    WardPeoplesCommittee,
    /// Someone else, named in the issuer's name.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// Whom an award goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum RecipientKind {
    /// A residential group.
    #[sea_orm(string_value = "COLLECTIVE")]
    Collective,
    /// A person.
    #[sea_orm(string_value = "INDIVIDUAL")]
    Individual,
}

/// Whether an award stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum AwardStatus {
    /// Stands.
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    /// Revoked; kept, with the reason.
    #[sea_orm(string_value = "REVOKED")]
    Revoked,
}

/// What kind of movement event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum EventKind {
    /// The festival day of the whole people protecting national security.
    #[sea_orm(string_value = "FESTIVAL")]
    Festival,
    /// A forum where officials listen to residents.
    #[sea_orm(string_value = "FORUM")]
    Forum,
    /// Anything else.
    #[sea_orm(string_value = "OTHER")]
    Other,
}

/// First and last movement year the service accepts (the same range as campaign years).
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// `Err` says why movement year `year` is refused: every ward accepts the same range of years, whatever
/// day its year begins on.
pub fn check_year(year: i32) -> Result<(), String> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(format!("the year must be between {} and {}", YEARS.start(), YEARS.end()))
    }
}

/// The days of movement year `year`: 1 November of the year before to 31 October, the window campaigns
/// use. `Err` says why the year is refused.
pub fn year_window(year: i32) -> Result<(NaiveDate, NaiveDate), String> {
    check_year(year)?;
    default_window(year).ok_or_else(|| "no such year".to_owned())
}

/// The movement year `date` falls in: from November on, the next calendar year's.
pub fn movement_year_of(date: NaiveDate) -> i32 {
    YearStart::DEFAULT.year_of(date)
}

/// The day a ward's movement year begins, every year. A year is named after the calendar year it ends
/// in: with the default (1 November), movement year 2023 runs from 1 November 2022 to 31 October 2023;
/// with 1 January, it is the calendar year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearStart {
    month: u32,
    day: u32,
}

impl YearStart {
    /// 1 November, the window campaigns use.
    pub const DEFAULT: Self = Self { month: 11, day: 1 };

    /// A start on day `day` of month `month`. Days run to the 28th only, so every year has the day.
    pub fn new(month: i64, day: i64) -> Result<Self, (&'static str, String)> {
        let month = u32::try_from(month)
            .ok()
            .filter(|m| (1..=12).contains(m))
            .ok_or(("month", format!("{month} is not a month: months run from 1 to 12")))?;
        let day = u32::try_from(day)
            .ok()
            .filter(|d| (1..=28).contains(d))
            .ok_or(("day", format!("the year may begin on days 1 to 28 of a month, not on day {day}")))?;
        Ok(Self { month, day })
    }

    /// The month it begins in, 1 to 12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// The day of the month it begins on, 1 to 28.
    pub fn day(self) -> u32 {
        self.day
    }

    /// Whether movement years are calendar years.
    fn is_new_year(self) -> bool {
        self.month == 1 && self.day == 1
    }

    /// The first and last day of movement year `year`. `Err` says why the year is refused.
    pub fn window(self, year: i32) -> Result<(NaiveDate, NaiveDate), String> {
        check_year(year)?;
        let begins = |year: i32| {
            let calendar_year = if self.is_new_year() { year } else { year - 1 };
            NaiveDate::from_ymd_opt(calendar_year, self.month, self.day)
        };
        begins(year)
            .zip(begins(year + 1).and_then(|next| next.pred_opt()))
            .ok_or_else(|| "no such year".to_owned())
    }

    /// The movement year `date` falls in.
    pub fn year_of(self, date: NaiveDate) -> i32 {
        let on_or_after_start = (date.month(), date.day()) >= (self.month, self.day);
        if on_or_after_start && !self.is_new_year() { date.year() + 1 } else { date.year() }
    }
}

impl Default for YearStart {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Trims a free text that may run over several lines (a description, a citation, a reason): at most
/// `max_chars` characters, and no control character but line breaks and tabs. `Ok(None)` when empty.
pub fn free_text(input: &str, max_chars: usize, what: &str) -> Result<Option<String>, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.chars().count() > max_chars {
        return Err(format!("{what} must be at most {max_chars} characters"));
    }
    if trimmed.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(format!("{what} must not contain control characters"));
    }
    Ok(Some(trimmed.to_owned()))
}

/// Like `free_text`, for a text that must be there.
pub fn required_text(input: &str, max_chars: usize, what: &str) -> Result<String, String> {
    free_text(input, max_chars, what)?.ok_or_else(|| format!("{what} must not be empty"))
}

#[cfg(test)]
mod tests {
    use sea_orm::{ActiveEnum, Iterable};

    use super::*;

    fn names<E: ActiveEnum<Value = String> + Iterable>() -> Vec<String> {
        E::iter().map(|value| value.to_value()).collect()
    }

    /// Exactly the names the CHECK constraints of the migration allow, in its order.
    #[test]
    fn stored_names_are_the_ones_the_migration_allows() {
        assert_eq!(
            names::<ModelKind>(),
            [
                "REINTEGRATION",
                "SECURITY_CAMERAS",
                "REPORTING_CHANNEL",
                "FIRE_SAFETY_GROUP",
                "PUBLIC_FIRE_POINT",
                "OTHER"
            ]
        );
        assert_eq!(names::<ModelStatus>(), ["ACTIVE", "SUSPENDED", "ENDED"]);
        assert_eq!(names::<AwardIssuer>(), ["CITY_PEOPLES_COMMITTEE", "WARD_PEOPLES_COMMITTEE", "OTHER"]);
        assert_eq!(names::<RecipientKind>(), ["COLLECTIVE", "INDIVIDUAL"]);
        assert_eq!(names::<AwardStatus>(), ["ACTIVE", "REVOKED"]);
        assert_eq!(names::<EventKind>(), ["FESTIVAL", "FORUM", "OTHER"]);
    }

    #[test]
    fn the_movement_year_turns_on_1_november() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a date");
        assert_eq!(movement_year_of(day(2023, 8, 11)), 2023);
        assert_eq!(movement_year_of(day(2023, 10, 31)), 2023);
        assert_eq!(movement_year_of(day(2023, 11, 1)), 2024);
        assert_eq!(movement_year_of(day(2022, 12, 31)), 2023);
        let (start, end) = year_window(2023).expect("a year");
        assert_eq!((movement_year_of(start), movement_year_of(end)), (2023, 2023));
        assert!(year_window(1999).is_err() && year_window(2101).is_err());
    }

    #[test]
    fn a_ward_may_begin_its_year_on_another_day() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a date");
        assert_eq!(YearStart::DEFAULT.window(2023), year_window(2023));
        let calendar = YearStart::new(1, 1).expect("a start");
        assert_eq!(calendar.window(2023), Ok((day(2023, 1, 1), day(2023, 12, 31))));
        assert_eq!((calendar.year_of(day(2023, 1, 1)), calendar.year_of(day(2023, 12, 31))), (2023, 2023));
        let mid_october = YearStart::new(10, 15).expect("a start");
        assert_eq!(mid_october.window(2024), Ok((day(2023, 10, 15), day(2024, 10, 14))));
        assert_eq!(mid_october.year_of(day(2024, 10, 14)), 2024);
        assert_eq!(mid_october.year_of(day(2024, 10, 15)), 2025);
        let leap = YearStart::new(3, 1).expect("a start");
        assert_eq!(leap.window(2024), Ok((day(2023, 3, 1), day(2024, 2, 29))));
        assert_eq!(YearStart::new(13, 1).map_err(|e| e.0), Err("month"));
        assert_eq!(YearStart::new(2, 29).map_err(|e| e.0), Err("day"));
        assert_eq!(YearStart::new(2, 0).map_err(|e| e.0), Err("day"));
        assert!(calendar.window(1999).is_err());
    }

    #[test]
    fn every_day_falls_in_the_window_of_its_year() {
        let first = NaiveDate::from_ymd_opt(2019, 12, 25).expect("a date");
        for (month, day) in (1..=12).flat_map(|m| [1, 2, 15, 28].map(|d| (m, d))) {
            let start = YearStart::new(month, day).expect("a start");
            for date in first.iter_days().step_by(3).take(800) {
                let (begins, ends) = start.window(start.year_of(date)).expect("a window");
                assert!(begins <= date && date <= ends, "{date} with a year from {month}/{day}");
            }
        }
    }

    #[test]
    fn free_texts_keep_line_breaks_and_refuse_other_controls() {
        assert_eq!(free_text("  a\nb\t ", 10, "x"), Ok(Some("a\nb".to_owned())));
        assert_eq!(free_text("   ", 10, "x"), Ok(None));
        assert!(free_text("a\u{1}b", 10, "x").is_err());
        assert!(free_text(&"ơ".repeat(11), 10, "x").is_err());
        assert!(free_text(&"ơ".repeat(10), 10, "x").is_ok(), "characters, not bytes");
        assert!(required_text(" ", 10, "reason").is_err());
    }
}
