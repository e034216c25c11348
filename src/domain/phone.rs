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

/// Properties over hostile input: parsing never panics, every accepted number comes out in one E.164
/// form that parses to itself, and every common spelling of a valid number is accepted.
#[cfg(test)]
mod properties {
    use proptest::{collection::vec, prelude::*};

    use super::*;
    use crate::domain::strategies::{hostile_text, padding};

    /// The national significant number of a valid number: a mobile (3, 5, 7, 8 or 9 and 8 more digits)
    /// or a landline (2 and 9 more digits).
    fn national() -> impl Strategy<Value = String> {
        let digits = |n: usize| vec(proptest::char::range('0', '9'), n).prop_map(String::from_iter);
        prop_oneof![
            (proptest::sample::select(&['3', '5', '7', '8', '9'][..]), digits(8))
                .prop_map(|(first, rest)| format!("{first}{rest}")),
            digits(9).prop_map(|rest| format!("2{rest}")),
        ]
    }

    /// A way a person writes a number: the prefix, and separators between digits.
    fn spelled(national: &str, prefix: &str, separators: &[Option<char>]) -> String {
        let mut text = prefix.to_owned();
        for (i, digit) in national.chars().enumerate() {
            text.push(digit);
            if let Some(Some(separator)) = separators.get(i) {
                text.push(*separator);
            }
        }
        text
    }

    fn is_e164(text: &str) -> bool {
        let Some(national) = text.strip_prefix("+84") else { return false };
        national.bytes().all(|b| b.is_ascii_digit())
            && match national.as_bytes().first() {
                Some(b'3' | b'5' | b'7' | b'8' | b'9') => national.len() == 9,
                Some(b'2') => national.len() == 10,
                _ => false,
            }
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_accepts_only_e164_results(input in hostile_text()) {
            match Phone::parse(&input) {
                Ok(phone) => {
                    prop_assert!(is_e164(phone.as_str()), "{:?} gave {}", input, phone);
                    // Only digits, a leading plus and the usual separators can make a number.
                    prop_assert!(input.trim().trim_start_matches('+').chars()
                        .all(|c| c.is_ascii_digit() || " .-()".contains(c)), "{:?}", input);
                    prop_assert_eq!(Phone::parse(phone.as_str()), Ok(phone.clone()), "idempotent");
                    prop_assert_eq!(phone.to_string(), phone.as_str());
                }
                Err(message) => prop_assert!(!message.is_empty() && message.len() < 100),
            }
        }

        #[test]
        fn every_common_spelling_of_a_valid_number_gives_the_same_e164(
            national in national(),
            prefix in proptest::sample::select(&["0", "+84", "+84 ", "84", "+84 0", "+84-0", "+ 84"][..]),
            separators in vec(proptest::option::weighted(0.3, proptest::sample::select(&[' ', '.', '-'][..])), 10),
            before in padding(),
            after in padding(),
        ) {
            let text = format!("{before}{}{after}", spelled(&national, prefix, &separators));
            let expected = format!("+84{national}");
            prop_assert_eq!(Phone::parse(&text).map(|p| p.0), Ok(expected), "{:?}", text);
        }

        #[test]
        fn one_digit_more_or_less_is_refused(national in national(), extra in proptest::char::range('0', '9')) {
            let longer = format!("0{national}{extra}");
            prop_assert!(Phone::parse(&longer).is_err(), "{}", longer);
            let shorter = format!("0{}", &national[..national.len() - 1]);
            prop_assert!(Phone::parse(&shorter).is_err(), "{}", shorter);
            let international_longer = format!("+84{national}{extra}");
            prop_assert!(Phone::parse(&international_longer).is_err(), "{}", international_longer);
        }

        #[test]
        fn a_letter_or_foreign_digit_anywhere_is_refused(
            national in national(),
            at in 0..10usize,
            intruder in proptest::sample::select(&['x', 'O', 'l', '٣', '１', '\0', '\u{200b}', '+', '#', '*'][..]),
        ) {
            let mut text = format!("0{national}");
            text.insert(at.min(text.len()), intruder);
            prop_assert!(Phone::parse(&text).is_err(), "{:?}", text);
        }

        #[test]
        fn other_countries_are_refused(
            country in proptest::sample::select(&["1", "7", "33", "44", "49", "81", "85", "86", "855", "856"][..]),
            national in national(),
        ) {
            let text = format!("+{country}{national}");
            prop_assert!(Phone::parse(&text).is_err(), "{}", text);
        }
    }
}
