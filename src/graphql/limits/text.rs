//! The bracket-nesting scan of the raw query text, run before the parser sees it.
//!
//! What the parsed document may ask for is checked by the rest of this module.

use super::{Exceeded, MAX_TEXT_NESTING};
use crate::config::Limits;

/// Checks the raw text before parsing: brackets (`{`, `[`, `(`) outside strings and comments nest at
/// most `MAX_TEXT_NESTING` deep. Strings are skipped as the lexer reads them: a block string (`"""…"""`,
/// where only `\"""` escapes) may hold lone quotes, and a string ends at a line feed at the latest;
/// reading a block string as three short strings would hide every bracket after a lone quote in it.
/// Every character that matters is ASCII, so the bytes are read.
pub fn check_text(query: &str, _limits: &Limits) -> Result<(), Exceeded> {
    let text = query.as_bytes();
    let starts = |i: usize, pattern: &[u8]| text.get(i..i + pattern.len()) == Some(pattern);
    let (mut i, mut depth, mut deepest) = (0usize, 0usize, 0usize);
    while i < text.len() {
        match text[i] {
            b'#' => {
                while i < text.len() && !matches!(text[i], b'\n' | b'\r') {
                    i += 1;
                }
            }
            b'"' if starts(i, b"\"\"\"") => {
                i += 3;
                while i < text.len() && !starts(i, b"\"\"\"") {
                    i += if starts(i, b"\\\"\"\"") { 4 } else { 1 };
                }
                // Past the closing quotes (the last one with the step below).
                i += 2;
            }
            b'"' => {
                i += 1;
                // A lone `\r` is no string character for the lexer, which then fails there; reading
                // on to the next quote or line feed never counts fewer brackets than it would parse.
                while i < text.len() && !matches!(text[i], b'"' | b'\n') {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    if deepest > MAX_TEXT_NESTING {
        return Err(Exceeded { limit: "nesting", max: MAX_TEXT_NESTING, actual: deepest });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_after_a_block_string_with_a_lone_quote_are_counted() {
        let hidden =
            |n: usize| format!("{{ a(b: \"\"\"x\"y\"\"\", c: {}{}) }}", "[".repeat(n), "]".repeat(n));
        assert!(check_text(&hidden(62), &Limits::default()).is_ok());
        assert_eq!(check_text(&hidden(63), &Limits::default()).expect_err("deep").actual, 65);
        let escaped = format!("{{ a(b: \"\"\" \\\"\"\" [[[ \"\"\", c: {}) }}", "[".repeat(70));
        assert_eq!(check_text(&escaped, &Limits::default()).expect_err("deep").actual, 72);
        let open_string = format!("{{ a(b: \"x\n{}) }}", "[".repeat(70));
        assert_eq!(check_text(&open_string, &Limits::default()).expect_err("deep").actual, 72);
        assert!(check_text("{ a(b: \"[[[\\\"[[[\") } # [[[", &Limits::default()).is_ok());
    }
}
