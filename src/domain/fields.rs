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
