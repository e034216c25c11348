//! Vietnamese phone numbers, stored in one form: E.164 (`+84` and the national significant number).

use std::fmt;

/// A Vietnamese mobile or landline number in E.164 form, e.g. `+84912345678`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Parses what a person types: `0912 345 678`, `+84 912.345.678`, `(024) 3825 1234`, `84912345678`.
    ///
    /// Mobile numbers have 9 digits after the trunk `0` and start with 3, 5, 7, 8 or 9; landlines have
    /// 10 digits after it and start with 2 (the area codes since 2017).
    pub fn parse(input: &str) -> Result<Self, String> {
        const HINT: &str = "enter a Vietnamese phone number such as 0912 345 678 or +84 912 345 678";
        let trimmed = input.trim();
        let (international, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '.' | '-' | '(' | ')' => {}
                _ => return Err(HINT.to_owned()),
            }
        }
        let national = if international {
            digits
                .strip_prefix("84")
                .ok_or_else(|| "only Vietnamese numbers (+84) are accepted".to_owned())?
        } else if let Some(national) = digits.strip_prefix('0') {
            national
        } else if digits.len() >= 11 {
            digits.strip_prefix("84").ok_or_else(|| HINT.to_owned())?
        } else {
            return Err(HINT.to_owned());
        };
        // "+84 0912…" is a common mix of both forms.
        let national = national.strip_prefix('0').unwrap_or(national);
        let valid = match national.as_bytes().first() {
            Some(b'3' | b'5' | b'7' | b'8' | b'9') => national.len() == 9,
            Some(b'2') => national.len() == 10,
            _ => false,
        };
        if !valid {
            return Err(HINT.to_owned());
        }
        Ok(Self(format!("+84{national}")))
    }

    /// The E.164 form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_common_spelling_normalises_to_e164() {
        for input in ["0912345678", "0912 345 678", "+84 912.345.678", "84912345678", "+84 0912-345-678"] {
            assert_eq!(Phone::parse(input).map(|p| p.0), Ok("+84912345678".to_owned()), "{input}");
        }
        assert_eq!(Phone::parse("(024) 3825 1234").map(|p| p.0), Ok("+842438251234".to_owned()));
    }

    #[test]
    fn wrong_numbers_are_refused() {
        for input in ["", "12345", "0112345678", "091234567", "09123456789", "+1 202 555 0100", "09x2345678"]
        {
            assert!(Phone::parse(input).is_err(), "{input}");
        }
    }
}
