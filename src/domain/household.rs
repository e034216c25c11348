//! Household status: who counts in the coverage denominator.

/// Where a household stands. Only `ACTIVE` households count in coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HouseholdStatus {
    /// Living in the group; expected to sign.
    Active,
    /// Moved to another place; kept for history.
    MovedOut,
    /// No longer exists as a household (merged, split, or no members left).
    Dissolved,
}

impl HouseholdStatus {
    /// The value stored in the database (the same as the GraphQL name).
    pub fn as_db(self) -> &'static str {
        match self {
            Self::Active => "ACTIVE",
            Self::MovedOut => "MOVED_OUT",
            Self::Dissolved => "DISSOLVED",
        }
    }

    /// Reads the stored value; anything else is a corrupted row.
    pub fn from_db(value: &str) -> Option<Self> {
        match value {
            "ACTIVE" => Some(Self::Active),
            "MOVED_OUT" => Some(Self::MovedOut),
            "DISSOLVED" => Some(Self::Dissolved),
            _ => None,
        }
    }
}

/// Properties: the stored names round-trip, and no other text reads as a status.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::strategies::hostile_text;

    proptest! {
        #[test]
        fn only_the_three_stored_names_read_as_a_status(input in hostile_text()) {
            for status in [HouseholdStatus::Active, HouseholdStatus::MovedOut, HouseholdStatus::Dissolved] {
                prop_assert_eq!(HouseholdStatus::from_db(status.as_db()), Some(status));
            }
            let known = ["ACTIVE", "MOVED_OUT", "DISSOLVED"].contains(&input.as_str());
            prop_assert_eq!(HouseholdStatus::from_db(&input).is_some(), known);
            let padded = format!("{input} ");
            prop_assert!(HouseholdStatus::from_db(&padded).is_none());
        }
    }
}
