//! The scale ward officials assess residential groups on at the year's end: an ordered list of levels,
//! best first, each a stable code and the label people read. A ward that has not set its own uses the
//! four levels residential areas are classified in (Xuất sắc, Khá, Trung bình, Yếu).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

/// One level of a scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    /// Stable code, e.g. `XUAT_SAC`: upper-case ASCII letters, digits and `_`, at most 32.
    pub code: String,
    /// What people read, e.g. "Xuất sắc": at most 100 characters.
    pub label: String,
}

/// Fewest and most levels a scale may have.
pub const LEVELS: std::ops::RangeInclusive<usize> = 2..=10;
const MAX_CODE_CHARS: usize = 32;
const MAX_LABEL_CHARS: usize = 100;
/// Longest note an assessment keeps, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// The scale of a ward that has not set its own.
pub fn default_scale() -> Vec<Level> {
    [("XUAT_SAC", "Xuất sắc"), ("KHA", "Khá"), ("TRUNG_BINH", "Trung bình"), ("YEU", "Yếu")]
        .map(|(code, label)| Level { code: code.to_owned(), label: label.to_owned() })
        .to_vec()
}

/// The codes of a scale, best first, as messages list them: `XUAT_SAC, KHA, TRUNG_BINH, YEU`.
pub fn codes(scale: &[Level]) -> String {
    scale.iter().map(|level| level.code.as_str()).collect::<Vec<_>>().join(", ")
}

/// A scale as sent, checked: codes trimmed and unique, labels trimmed, non-empty and unique. `Err`
/// names the first bad level by its place (`assessmentScale.2.code`) and says why.
pub fn parse_scale(levels: &[Level]) -> Result<Vec<Level>, (String, String)> {
    if !LEVELS.contains(&levels.len()) {
        return Err((
            "assessmentScale".to_owned(),
            format!("a scale has {} to {} levels, not {}", LEVELS.start(), LEVELS.end(), levels.len()),
        ));
    }
    let mut codes = HashSet::new();
    let mut labels = HashSet::new();
    let mut scale = Vec::with_capacity(levels.len());
    for (place, level) in levels.iter().enumerate() {
        let code = level.code.trim();
        let shaped = !code.is_empty()
            && code.len() <= MAX_CODE_CHARS
            && code.starts_with(|c: char| c.is_ascii_uppercase())
            && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if !shaped {
            return Err((
                format!("assessmentScale.{place}.code"),
                format!(
                    "`{code}` is not a level code: up to {MAX_CODE_CHARS} upper-case letters, digits and `_`, \
                     beginning with a letter"
                ),
            ));
        }
        if !codes.insert(code.to_owned()) {
            return Err((
                format!("assessmentScale.{place}.code"),
                format!("the code {code} is on the scale twice"),
            ));
        }
        let label = level.label.trim();
        let count = label.chars().count();
        if count == 0 || count > MAX_LABEL_CHARS || label.chars().any(char::is_control) {
            return Err((
                format!("assessmentScale.{place}.label"),
                format!("a label is 1 to {MAX_LABEL_CHARS} characters on one line"),
            ));
        }
        if !labels.insert(label.to_lowercase()) {
            return Err((
                format!("assessmentScale.{place}.label"),
                format!("the label {label} is on the scale twice"),
            ));
        }
        scale.push(Level { code: code.to_owned(), label: label.to_owned() });
    }
    Ok(scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(code: &str, label: &str) -> Level {
        Level { code: code.to_owned(), label: label.to_owned() }
    }

    #[test]
    fn the_default_scale_is_a_valid_scale_of_four() {
        let scale = default_scale();
        assert_eq!(parse_scale(&scale), Ok(scale.clone()));
        assert_eq!(
            scale.iter().map(|l| l.label.as_str()).collect::<Vec<_>>(),
            ["Xuất sắc", "Khá", "Trung bình", "Yếu"]
        );
    }

    #[test]
    fn a_bad_level_is_named_by_its_place() {
        let field = |levels: &[Level]| parse_scale(levels).map_err(|(field, _)| field);
        assert_eq!(field(&[level("A", "Tốt")]), Err("assessmentScale".to_owned()));
        assert_eq!(field(&[level("A", "Tốt"), level("a", "Đạt")]), Err("assessmentScale.1.code".to_owned()));
        assert_eq!(
            field(&[level("A", "Tốt"), level(" A ", "Đạt")]),
            Err("assessmentScale.1.code".to_owned())
        );
        assert_eq!(
            field(&[level("A", "Tốt"), level("B", " tốt ")]),
            Err("assessmentScale.1.label".to_owned())
        );
        assert_eq!(field(&[level("A", "Tốt"), level("B", "")]), Err("assessmentScale.1.label".to_owned()));
        assert_eq!(field(&[level("1A", "Tốt"), level("B", "Đạt")]), Err("assessmentScale.0.code".to_owned()));
        assert_eq!(
            parse_scale(&[level(" DAT ", " Đạt "), level("CHUA_DAT", "Chưa đạt")]),
            Ok(vec![level("DAT", "Đạt"), level("CHUA_DAT", "Chưa đạt")])
        );
    }
}
