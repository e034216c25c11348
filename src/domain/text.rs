//! Text rules for Vietnamese: diacritic-insensitive search keys and natural ordering of codes.

use unicode_normalization::UnicodeNormalization;

/// Folds text to lower-case ASCII for searching: "Trần Thị Đào" → "tran thi dao".
///
/// Decomposes (NFD), drops combining marks, maps `đ`/`Đ` (a letter of its own, not d + mark) to `d`,
/// and collapses runs of white space, so the same key comes out of any spelling a phone keyboard makes.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.nfd() {
        let c = match c {
            'đ' | 'Đ' => 'd',
            c if unicode_normalization::char::is_combining_mark(c) => continue,
            c => c,
        };
        if c.is_whitespace() {
            if !folded.is_empty() && !folded.ends_with(' ') {
                folded.push(' ');
            }
        } else {
            folded.extend(c.to_lowercase());
        }
    }
    folded.truncate(folded.trim_end().len());
    folded
}

/// Width that digit runs are padded to, so "2" sorts before "10".
const DIGIT_WIDTH: usize = 12;

/// A key that sorts codes naturally: "2" < "10" < "10a" < "11"; case and diacritics are ignored.
pub fn natural_sort_key(code: &str) -> String {
    let folded = fold(code);
    let mut key = String::with_capacity(folded.len() + DIGIT_WIDTH);
    let mut digits = String::new();
    let flush = |digits: &mut String, key: &mut String| {
        if !digits.is_empty() {
            let trimmed = digits.trim_start_matches('0');
            let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
            for _ in trimmed.len()..DIGIT_WIDTH {
                key.push('0');
            }
            key.push_str(trimmed);
            digits.clear();
        }
    };
    for c in folded.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut key);
            key.push(c);
        }
    }
    flush(&mut digits, &mut key);
    key
}

/// Escapes `%`, `_` and `\` for a SQL `LIKE … ESCAPE '\'` pattern.
pub fn escape_like(term: &str) -> String {
    let mut escaped = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_vietnamese_diacritics_and_case() {
        assert_eq!(fold("Trần Thị Hoa"), "tran thi hoa");
        assert_eq!(fold("TRẦN THỊ"), "tran thi");
        assert_eq!(fold("Đặng Văn Đức"), "dang van duc");
        assert_eq!(fold("  Nguyễn   Ngọc\tÁnh "), "nguyen ngoc anh");
        assert_eq!(fold("Phường Lam Sơn"), "phuong lam son");
    }

    #[test]
    fn fold_is_the_same_for_composed_and_decomposed_input() {
        let composed = "Nguyễn";
        let decomposed: String = composed.nfd().collect();
        assert_ne!(composed, decomposed);
        assert_eq!(fold(composed), fold(&decomposed));
    }

    #[test]
    fn natural_sort_orders_numbers_by_value() {
        let mut codes = vec!["10", "2", "1", "11", "10a", "02b"];
        codes.sort_by_key(|c| natural_sort_key(c));
        assert_eq!(codes, vec!["1", "2", "02b", "10", "10a", "11"]);
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("50%_a\\"), "50\\%\\_a\\\\");
    }
}

/// Properties over hostile input: folding never panics, is idempotent and yields a canonical key (no
/// combining marks, single inner spaces, no `đ`); natural keys order numbers by value; LIKE escaping
/// round-trips.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::strategies::{hostile_text, visible_text};

    /// Undoes `escape_like`.
    fn unescape_like(escaped: &str) -> Option<String> {
        let mut text = String::with_capacity(escaped.len());
        let mut chars = escaped.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                let next = chars.next()?;
                if !matches!(next, '%' | '_' | '\\') {
                    return None;
                }
                text.push(next);
            } else if matches!(c, '%' | '_') {
                return None;
            } else {
                text.push(c);
            }
        }
        Some(text)
    }

    proptest! {
        #[test]
        fn folding_is_idempotent_and_canonical(input in hostile_text()) {
            let folded = fold(&input);
            prop_assert_eq!(fold(&folded), folded.clone(), "fold(fold(x)) == fold(x) for {:?}", input);
            prop_assert!(!folded.starts_with(' ') && !folded.ends_with(' '));
            prop_assert!(!folded.contains("  "));
            prop_assert!(!folded.chars().any(|c| c.is_whitespace() && c != ' '), "{:?}", folded);
            prop_assert!(!folded.chars().any(unicode_normalization::char::is_combining_mark), "{:?}", folded);
            prop_assert!(!folded.contains(['đ', 'Đ']));
        }

        #[test]
        fn folding_ignores_the_unicode_normal_form(input in hostile_text()) {
            let composed: String = input.nfc().collect();
            let decomposed: String = input.nfd().collect();
            prop_assert_eq!(fold(&composed), fold(&decomposed));
        }

        #[test]
        fn folding_ascii_is_lower_casing_and_collapsing_spaces(input in "[ -~\t\n]{0,60}") {
            let expected = input.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase();
            prop_assert_eq!(fold(&input), expected);
        }

        #[test]
        fn natural_keys_are_idempotent_and_order_numbers_by_value(
            input in hostile_text(),
            a in 0..999_999_999_999u64,
            b in 0..999_999_999_999u64,
            prefix in "[a-zA-Z]{0,3}",
        ) {
            let key = natural_sort_key(&input);
            prop_assert_eq!(natural_sort_key(&key), key);
            let (ka, kb) = (natural_sort_key(&format!("{prefix}{a}")), natural_sort_key(&format!("{prefix}{b}")));
            prop_assert_eq!(ka.cmp(&kb), a.cmp(&b), "{}{} vs {}{}", prefix, a, prefix, b);
            // Leading zeros and case do not matter.
            prop_assert_eq!(natural_sort_key(&format!("{}00{a}", prefix.to_uppercase())), ka);
        }

        #[test]
        fn a_code_sorts_before_its_own_extensions(code in visible_text(1, 20, false), suffix in "[a-z]{1,3}") {
            let extended = format!("{code}{suffix}");
            prop_assert!(natural_sort_key(&code) < natural_sort_key(&extended), "{:?}", extended);
        }

        #[test]
        fn like_escaping_round_trips_and_leaves_no_bare_wildcard(input in hostile_text()) {
            let escaped = escape_like(&input);
            prop_assert_eq!(unescape_like(&escaped), Some(input.clone()));
            let specials = input.chars().filter(|c| matches!(c, '%' | '_' | '\\')).count();
            prop_assert_eq!(escaped.chars().count(), input.chars().count() + specials);
        }
    }
}
