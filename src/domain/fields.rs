//! Parsed input fields: a value of these types is valid by construction ("parse, don't validate").
//! Each parser returns the message a user sees; the caller names the field.

/// A trimmed, non-empty name of at most 200 characters (ward, group, head of household, signer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(String);

/// A code: 1–32 characters, no white space (ward, group and household codes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code(String);

/// A trimmed, non-empty address of at most 500 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address(String);

/// The number of people in a household: 1 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberCount(i32);

fn trimmed_text(input: &str, max_chars: usize, what: &str) -> Result<String, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(format!("{what} must not be empty"));
    }
    if trimmed.chars().count() > max_chars {
        return Err(format!("{what} must be at most {max_chars} characters"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(format!("{what} must not contain control characters"));
    }
    Ok(trimmed.to_owned())
}

impl Name {
    /// Longest accepted name, in characters.
    pub const MAX_CHARS: usize = 200;

    /// Trims and checks a name.
    pub fn parse(input: &str) -> Result<Self, String> {
        Self::parse_as(input, "name")
    }

    /// Trims and checks a name-like text; `what` is how the message calls it ("province").
    pub fn parse_as(input: &str, what: &str) -> Result<Self, String> {
        trimmed_text(input, Self::MAX_CHARS, what).map(Self)
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Code {
    /// Longest accepted code, in characters.
    pub const MAX_CHARS: usize = 32;

    /// Trims and checks a code.
    pub fn parse(input: &str) -> Result<Self, String> {
        let code = trimmed_text(input, Self::MAX_CHARS, "code")?;
        if code.chars().any(char::is_whitespace) {
            return Err("code must not contain spaces".to_owned());
        }
        Ok(Self(code))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Address {
    /// Longest accepted address, in characters.
    pub const MAX_CHARS: usize = 500;

    /// Trims and checks an address.
    pub fn parse(input: &str) -> Result<Self, String> {
        trimmed_text(input, Self::MAX_CHARS, "address").map(Self)
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl MemberCount {
    /// Checks the member count range.
    pub fn parse(input: i64) -> Result<Self, String> {
        if (1..=100).contains(&input) {
            Ok(Self(input as i32))
        } else {
            Err("member count must be between 1 and 100".to_owned())
        }
    }

    /// The count.
    pub fn get(self) -> i32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(Name::parse("  Tổ dân phố 11 ").map(|n| n.0), Ok("Tổ dân phố 11".to_owned()));
        assert!(Name::parse("   ").is_err());
        assert!(Name::parse(&"ơ".repeat(200)).is_ok(), "the limit counts characters, not bytes");
        assert!(Name::parse(&"ơ".repeat(201)).is_err());
        assert!(Name::parse("a\u{0}b").is_err());
    }

    #[test]
    fn codes_have_no_spaces() {
        assert_eq!(Code::parse(" 11 ").map(|c| c.0), Ok("11".to_owned()));
        assert!(Code::parse("1 1").is_err());
        assert!(Code::parse(&"x".repeat(33)).is_err());
        assert!(Code::parse(&"x".repeat(32)).is_ok());
    }

    #[test]
    fn member_count_is_one_to_one_hundred() {
        assert!(MemberCount::parse(0).is_err());
        assert!(MemberCount::parse(1).is_ok());
        assert!(MemberCount::parse(100).is_ok());
        assert!(MemberCount::parse(101).is_err());
    }
}

/// Properties over hostile input: the parsers never panic, accept exactly the trimmed texts within
/// their limits, and are idempotent (a parsed value parses to itself).
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::strategies::{hostile_text, padding, visible_char, visible_text};

    /// What every trimmed-text parser must do with `input`, given what it returned: accept exactly the
    /// trimmed text when it is non-empty, short enough, free of control characters (and of white space
    /// for codes), and otherwise say why in a short message that does not echo the input.
    fn check_trimmed(
        input: &str,
        parsed: Result<&str, &String>,
        max: usize,
        no_spaces: bool,
    ) -> Result<(), TestCaseError> {
        let trimmed = input.trim();
        let acceptable = !trimmed.is_empty()
            && trimmed.chars().count() <= max
            && !trimmed.chars().any(char::is_control)
            && (!no_spaces || !trimmed.chars().any(char::is_whitespace));
        match parsed {
            Ok(value) => {
                prop_assert!(acceptable, "accepted {:?}", input);
                prop_assert_eq!(value, trimmed);
            }
            Err(message) => {
                prop_assert!(!acceptable, "refused {:?}: {}", input, message);
                prop_assert!(!message.is_empty() && message.len() < 100, "{}", message);
            }
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn a_name_is_the_trimmed_text_when_it_is_short_enough_and_has_no_controls(input in hostile_text()) {
            let parsed = Name::parse(&input);
            check_trimmed(&input, parsed.as_ref().map(Name::as_str), Name::MAX_CHARS, false)?;
        }

        #[test]
        fn an_address_is_the_trimmed_text_when_it_is_short_enough_and_has_no_controls(input in hostile_text()) {
            let parsed = Address::parse(&input);
            check_trimmed(&input, parsed.as_ref().map(Address::as_str), Address::MAX_CHARS, false)?;
        }

        #[test]
        fn a_code_is_the_trimmed_text_without_white_space(input in hostile_text()) {
            let parsed = Code::parse(&input);
            check_trimmed(&input, parsed.as_ref().map(Code::as_str), Code::MAX_CHARS, true)?;
        }

        #[test]
        fn parsing_is_idempotent(input in hostile_text()) {
            if let Ok(name) = Name::parse(&input) {
                prop_assert_eq!(Name::parse(name.as_str()), Ok(name.clone()));
            }
            if let Ok(code) = Code::parse(&input) {
                prop_assert_eq!(Code::parse(code.as_str()), Ok(code.clone()));
            }
            if let Ok(address) = Address::parse(&input) {
                prop_assert_eq!(Address::parse(address.as_str()), Ok(address.clone()));
            }
        }

        #[test]
        fn valid_names_and_addresses_are_accepted_whatever_the_padding(
            name in visible_text(1, Name::MAX_CHARS, true),
            address in visible_text(1, Address::MAX_CHARS, true),
            before in padding(),
            after in padding(),
        ) {
            let padded = format!("{before}{name}{after}");
            prop_assert_eq!(Name::parse(&padded).map(|n| n.0), Ok(name));
            let padded = format!("{before}{address}{after}");
            prop_assert_eq!(Address::parse(&padded).map(|a| a.0), Ok(address));
        }

        #[test]
        fn valid_codes_are_accepted_whatever_the_padding(
            code in visible_text(1, Code::MAX_CHARS, false),
            before in padding(),
            after in padding(),
        ) {
            prop_assert_eq!(Code::parse(&format!("{before}{code}{after}")).map(|c| c.0), Ok(code));
        }

        #[test]
        fn the_length_limits_count_characters_exactly_at_the_edge(c in visible_char(), pad in padding()) {
            let text = |n: usize| format!("{pad}{}{pad}", c.to_string().repeat(n));
            prop_assert!(Name::parse(&text(Name::MAX_CHARS)).is_ok());
            prop_assert!(Name::parse(&text(Name::MAX_CHARS + 1)).is_err());
            prop_assert!(Address::parse(&text(Address::MAX_CHARS)).is_ok());
            prop_assert!(Address::parse(&text(Address::MAX_CHARS + 1)).is_err());
            prop_assert!(Code::parse(&text(Code::MAX_CHARS)).is_ok());
            prop_assert!(Code::parse(&text(Code::MAX_CHARS + 1)).is_err());
        }

        #[test]
        fn any_control_character_inside_is_refused(
            text in visible_text(2, 30, false),
            control in any::<char>().prop_filter("control", |c| c.is_control()),
            at in any::<prop::sample::Index>(),
        ) {
            let mut chars: Vec<char> = text.chars().collect();
            // Inside, so trimming cannot remove it.
            let at = 1 + at.index(chars.len() - 1);
            chars.insert(at, control);
            let text: String = chars.into_iter().collect();
            prop_assert!(Name::parse(&text).is_err(), "{:?}", text);
            prop_assert!(Code::parse(&text).is_err(), "{:?}", text);
            prop_assert!(Address::parse(&text).is_err(), "{:?}", text);
        }

        #[test]
        fn a_member_count_is_accepted_exactly_from_one_to_one_hundred(n in prop_oneof![any::<i64>(), -5..110i64]) {
            match MemberCount::parse(n) {
                Ok(count) => {
                    prop_assert!((1..=100).contains(&n));
                    prop_assert_eq!(i64::from(count.get()), n);
                    prop_assert_eq!(MemberCount::parse(i64::from(count.get())), Ok(count));
                }
                Err(message) => {
                    prop_assert!(!(1..=100).contains(&n));
                    prop_assert_eq!(message, "member count must be between 1 and 100");
                }
            }
        }
    }
}
