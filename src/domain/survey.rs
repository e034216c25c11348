//! Satisfaction surveys: where a survey stands, the fixed four-level scale residents answer on, and
//! the satisfaction rate.

use sea_orm::{DeriveActiveEnum, EnumIter, sea_query::StringLen};

/// Where a survey stands: DRAFT → OPEN → CLOSED, never back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum SurveyStatus {
    /// Being prepared; its questions may still change.
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    /// Ballots are being typed in.
    #[sea_orm(string_value = "OPEN")]
    Open,
    /// Finished: no more ballots.
    #[sea_orm(string_value = "CLOSED")]
    Closed,
}

/// How satisfied a resident is, on the paper ballot's four levels, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum SatisfactionLevel {
    /// Rất hài lòng.
    #[sea_orm(string_value = "VERY_SATISFIED")]
    VerySatisfied,
    /// Hài lòng.
    #[sea_orm(string_value = "SATISFIED")]
    Satisfied,
    /// Bình thường.
    #[sea_orm(string_value = "NEUTRAL")]
    Neutral,
    /// Không hài lòng.
    #[sea_orm(string_value = "DISSATISFIED")]
    Dissatisfied,
}

impl SatisfactionLevel {
    /// Every level in scale order, best first: the order results list them in.
    pub const SCALE: [Self; 4] = [Self::VerySatisfied, Self::Satisfied, Self::Neutral, Self::Dissatisfied];

    /// Counts as satisfied in the satisfaction rate.
    pub fn is_satisfied(self) -> bool {
        matches!(self, Self::VerySatisfied | Self::Satisfied)
    }
}

/// Answers at each level, in scale order.
pub type LevelCounts = [u64; 4];

/// The share of `counts` that is very satisfied or satisfied; none when there is no answer.
pub fn satisfaction_rate(counts: &LevelCounts) -> Option<f64> {
    let answers: u64 = counts.iter().sum();
    let satisfied: u64 = SatisfactionLevel::SCALE
        .iter()
        .zip(counts)
        .filter(|(level, _)| level.is_satisfied())
        .map(|(_, count)| count)
        .sum();
    (answers > 0).then(|| satisfied as f64 / answers as f64)
}

#[cfg(test)]
mod tests {
    use sea_orm::{ActiveEnum, Iterable};

    use super::*;

    /// Exactly the names the CHECK constraints of the surveys migration allow, in its order.
    #[test]
    fn stored_names_are_the_ones_the_migration_allows() {
        let statuses: Vec<String> = SurveyStatus::iter().map(|s| s.to_value()).collect();
        assert_eq!(statuses, ["DRAFT", "OPEN", "CLOSED"]);
        let levels: Vec<String> = SatisfactionLevel::iter().map(|l| l.to_value()).collect();
        assert_eq!(levels, ["VERY_SATISFIED", "SATISFIED", "NEUTRAL", "DISSATISFIED"]);
        assert_eq!(SatisfactionLevel::iter().collect::<Vec<_>>(), SatisfactionLevel::SCALE);
    }

    #[test]
    fn the_rate_is_the_satisfied_share_of_the_answers_and_none_without_answers() {
        assert_eq!(satisfaction_rate(&[0, 0, 0, 0]), None);
        assert_eq!(satisfaction_rate(&[1, 2, 0, 1]), Some(0.75));
        assert_eq!(satisfaction_rate(&[0, 0, 3, 1]), Some(0.0));
        assert_eq!(satisfaction_rate(&[5, 0, 0, 0]), Some(1.0));
    }
}
