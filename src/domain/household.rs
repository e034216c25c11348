//! Household status: who counts in the coverage denominator.

use sea_orm::{DeriveActiveEnum, EnumIter, sea_query::StringLen};

/// Where a household stands. Only `ACTIVE` households count in coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum HouseholdStatus {
    /// Living in the group; expected to sign.
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    /// Moved to another place; kept for history.
    #[sea_orm(string_value = "MOVED_OUT")]
    MovedOut,
    /// No longer exists as a household (merged, split, or no members left).
    #[sea_orm(string_value = "DISSOLVED")]
    Dissolved,
}

#[cfg(test)]
mod tests {
    use sea_orm::{ActiveEnum, Iterable};

    use super::*;

    /// Exactly the names the household CHECK constraint of the hierarchy migration allows.
    #[test]
    fn stored_names_are_the_ones_the_migration_allows() {
        let names: Vec<String> = HouseholdStatus::iter().map(|s| s.to_value()).collect();
        assert_eq!(names, ["ACTIVE", "MOVED_OUT", "DISSOLVED"]);
    }
}

/// Properties: the stored names round-trip, and no other text reads as a status.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;
    use sea_orm::{ActiveEnum, Iterable};

    use super::*;
    use crate::domain::strategies::hostile_text;

    fn read(text: &str) -> Option<HouseholdStatus> {
        HouseholdStatus::try_from_value(&text.to_owned()).ok()
    }

    proptest! {
        #[test]
        fn only_the_three_stored_names_read_as_a_status(input in hostile_text()) {
            for status in HouseholdStatus::iter() {
                prop_assert_eq!(read(&status.to_value()), Some(status));
            }
            let known = ["ACTIVE", "MOVED_OUT", "DISSOLVED"].contains(&input.as_str());
            prop_assert_eq!(read(&input).is_some(), known);
            let padded = format!("{input} ");
            prop_assert!(read(&padded).is_none());
        }
    }
}
