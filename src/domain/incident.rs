//! Incident statistics of the ward police: the categories counted, the month a tally counts, and the
//! window of months a comparison covers. Counts only: nothing here names a person or a case.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use sea_orm::{DeriveActiveEnum, EnumIter, sea_query::StringLen};

/// Most incidents one monthly tally may count.
pub const MAX_COUNT: i64 = 100_000;
/// Most months one comparison may cover.
pub const MAX_WINDOW_MONTHS: u32 = 12;

/// What kind of incident a tally counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum IncidentCategory {
    /// Cases of security and public order.
    #[sea_orm(string_value = "SECURITY_ORDER")]
    SecurityOrder,
    /// Traffic accidents.
    #[sea_orm(string_value = "TRAFFIC_ACCIDENT")]
    TrafficAccident,
    /// Fires.
    #[sea_orm(string_value = "FIRE")]
    Fire,
    /// Serious and especially serious crimes.
    #[sea_orm(string_value = "SERIOUS_CRIME")]
    SeriousCrime,
    /// Mass complaints (crowds petitioning together).
    #[sea_orm(string_value = "MASS_COMPLAINT")]
    MassComplaint,
}

impl IncidentCategory {
    /// The category's place in reports, from 1.
    pub fn ordinal(self) -> u8 {
        match self {
            Self::SecurityOrder => 1,
            Self::TrafficAccident => 2,
            Self::Fire => 3,
            Self::SeriousCrime => 4,
            Self::MassComplaint => 5,
        }
    }
}

/// A calendar month, as `YYYY-MM`; stored as its first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month(NaiveDate);

impl Month {
    /// Parses `YYYY-MM` (years 1900 to 2200).
    pub fn parse(text: &str) -> Result<Self, String> {
        let refused = || format!("`{}` is not a month in the form YYYY-MM", text.trim());
        let text = text.trim();
        let (year, month) = text.split_once('-').ok_or_else(refused)?;
        let digits = |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) {
            return Err(refused());
        }
        let year: i32 = year.parse().map_err(|_| refused())?;
        let month: u32 = month.parse().map_err(|_| refused())?;
        NaiveDate::from_ymd_opt(year, month, 1)
            .filter(|_| (1900..=2200).contains(&year))
            .map(Self)
            .ok_or_else(refused)
    }

    /// The month holding `day`.
    pub fn of(day: NaiveDate) -> Self {
        Self(day.with_day(1).unwrap_or(day))
    }

    /// Its first day, as stored.
    pub fn first_day(self) -> NaiveDate {
        self.0
    }

    /// The same month `years` earlier.
    pub fn years_before(self, years: u32) -> Self {
        Self(self.0.checked_sub_months(Months::new(12 * years)).unwrap_or(self.0))
    }

    /// How many months from `self` to `later`, both counted (1 for the same month).
    pub fn months_through(self, later: Self) -> i64 {
        let index = |m: Self| i64::from(m.0.year()) * 12 + i64::from(m.0.month0());
        index(later) - index(self) + 1
    }

    /// The key that orders a ward's tallies: the month, then the category's place.
    pub fn sort_key(self, category: IncidentCategory) -> String {
        format!("{self}/{}", category.ordinal())
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.0.year(), self.0.month())
    }
}

/// The months a comparison covers, and the same months one year earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    /// The first month.
    pub from: Month,
    /// The last month.
    pub to: Month,
}

impl Window {
    /// `from` to `to`: `to` not before `from`, at most `MAX_WINDOW_MONTHS` months. The error names the
    /// field at fault (`to`).
    pub fn new(from: Month, to: Month) -> Result<Self, (&'static str, String)> {
        let months = from.months_through(to);
        if months < 1 {
            return Err(("to", format!("`to` ({to}) is before `from` ({from})")));
        }
        if months > i64::from(MAX_WINDOW_MONTHS) {
            return Err((
                "to",
                format!("a comparison covers at most {MAX_WINDOW_MONTHS} months; {from} to {to} is {months}"),
            ));
        }
        Ok(Self { from, to })
    }

    /// How many months it covers.
    pub fn months(self) -> i64 {
        self.from.months_through(self.to)
    }

    /// The same months one year earlier.
    pub fn year_before(self) -> Self {
        Self { from: self.from.years_before(1), to: self.to.years_before(1) }
    }
}

/// The change from `previous` to `count` in percent, to one decimal place (halves away from zero);
/// none when `previous` is 0, where no percentage means anything.
pub fn change_percent(count: i64, previous: i64) -> Option<f64> {
    if previous == 0 {
        return None;
    }
    // In tenths of a percent, rounded in integers so 6.25 never turns into 6.2 through binary floats.
    // Counts are never negative, so `previous` is positive here.
    let change = (count - previous) * 1000;
    let tenths = change.signum() * ((2 * change.abs() + previous) / (2 * previous));
    Some(tenths as f64 / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_parses_only_in_the_form_yyyy_mm() {
        assert_eq!(Month::parse("2023-07").map(|m| m.to_string()), Ok("2023-07".to_owned()));
        assert_eq!(Month::parse(" 2023-01 ").map(|m| m.first_day().to_string()), Ok("2023-01-01".into()));
        for bad in
            ["2023-7", "2023-13", "2023-00", "23-07", "2023/07", "2023-07-01", "", "abcd-ef", "1899-12"]
        {
            assert!(Month::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn a_window_counts_its_months_and_refuses_backwards_or_long_ones() {
        let month = |text| Month::parse(text).expect("a month");
        let window = Window::new(month("2023-01"), month("2023-07")).expect("a window");
        assert_eq!(window.months(), 7);
        assert_eq!(window.year_before(), Window { from: month("2022-01"), to: month("2022-07") });
        assert_eq!(Window::new(month("2022-11"), month("2023-10")).map(Window::months), Ok(12));
        assert_eq!(Window::new(month("2023-07"), month("2023-07")).map(Window::months), Ok(1));
        assert!(Window::new(month("2023-08"), month("2023-07")).is_err());
        assert!(Window::new(month("2022-07"), month("2023-07")).is_err());
    }

    #[test]
    fn the_change_in_percent_has_one_decimal_rounded_half_away_from_zero() {
        assert_eq!(change_percent(23, 28), Some(-17.9));
        assert_eq!(change_percent(10, 12), Some(-16.7));
        assert_eq!(change_percent(12, 10), Some(20.0));
        assert_eq!(change_percent(0, 3), Some(-100.0));
        assert_eq!(change_percent(5, 5), Some(0.0));
        // 1/8 = 12.5% exactly; 1/16 = 6.25% → 6.3; -1/16 → -6.3.
        assert_eq!(change_percent(9, 8), Some(12.5));
        assert_eq!(change_percent(17, 16), Some(6.3));
        assert_eq!(change_percent(15, 16), Some(-6.3));
        assert_eq!(change_percent(4, 0), None);
        assert_eq!(change_percent(0, 0), None);
    }
}
