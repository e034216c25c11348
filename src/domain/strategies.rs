//! proptest strategies shared by the property tests of the domain parsers: the hostile text a client may
//! send (control characters, NUL, right-to-left marks, emoji, combining marks, huge strings) and valid
//! values of each kind. Test-only.

use proptest::{collection::vec, prelude::*};

/// Characters that break naive parsers: controls (NUL, DEL, C1), separators and zero-width marks,
/// bidirectional overrides, right-to-left scripts, emoji (with joiners), combining marks, Vietnamese
/// letters, non-ASCII digits, SQL `LIKE` wildcards, the phone separators, and the ends of Unicode.
pub const NASTY: &[char] = &[
    '\0',
    '\t',
    '\n',
    '\r',
    '\u{b}',
    '\u{c}',
    '\u{1b}',
    '\u{7f}',
    '\u{85}',
    '\u{a0}',
    '\u{ad}',
    '\u{200b}',
    '\u{200d}',
    '\u{200e}',
    '\u{200f}',
    '\u{202e}',
    '\u{2066}',
    '\u{2028}',
    '\u{2029}',
    '\u{3000}',
    '\u{feff}',
    '\u{fffd}',
    '\u{ffff}',
    '\u{10ffff}',
    'ا',
    'ע',
    '😀',
    '👨',
    '\u{1f3fd}',
    '\u{301}',
    '\u{323}',
    'ơ',
    'Ư',
    'đ',
    'Đ',
    'ǅ',
    'İ',
    'ß',
    'ﬁ',
    'Ω',
    'K',
    '٣',
    '１',
    '²',
    ' ',
    '%',
    '_',
    '\\',
    '\'',
    '"',
    '+',
    '-',
    '.',
    '(',
    ')',
    '/',
    'a',
    'Z',
    '0',
    '1',
    '8',
    '9',
];

/// Any string a client could send: arbitrary Unicode, printable text, a mix of the nasty characters,
/// and (rarely) a huge run of one character.
pub fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        3 => "\\PC{0,80}",
        4 => vec(proptest::sample::select(NASTY), 0..80).prop_map(|chars| chars.into_iter().collect()),
        1 => (proptest::sample::select(NASTY), 1_000..70_000usize).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
}

/// White space that `str::trim` removes, as padding around a value.
pub fn padding() -> impl Strategy<Value = String> {
    vec(proptest::sample::select(&[' ', '\t', '\n', '\r', '\u{a0}', '\u{3000}', '\u{2028}'][..]), 0..4)
        .prop_map(|chars| chars.into_iter().collect())
}

/// One visible character: never white space nor a control character (letters of several scripts,
/// emoji, punctuation, digits).
pub fn visible_char() -> impl Strategy<Value = char> {
    prop_oneof![
        proptest::char::range('!', '~'),
        proptest::sample::select(&['ơ', 'ư', 'Đ', 'ệ', 'ẫ', 'ا', 'ע', '中', '😀', '\u{1f3fd}', '٣'][..]),
        any::<char>().prop_filter("visible", |c| !c.is_whitespace() && !c.is_control()),
    ]
}

/// Text of `min..=max` characters that starts and ends with a visible character and has single
/// spaces inside when `spaces` is true.
pub fn visible_text(min: usize, max: usize, spaces: bool) -> impl Strategy<Value = String> {
    vec((visible_char(), any::<bool>()), min..=max).prop_map(move |chars| {
        let last = chars.len().saturating_sub(1);
        chars
            .into_iter()
            .enumerate()
            .map(|(i, (c, space))| if spaces && space && i != 0 && i != last { ' ' } else { c })
            .collect()
    })
}
