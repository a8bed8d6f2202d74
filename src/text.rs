//! Text as every stage compares and writes it: names compared in Unicode NFC, and text
//! escaped for HTML (by bodies at load and by templates alike).

use std::borrow::Cow;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// `text` in Unicode NFC. File names, tags and link targets are compared in NFC: macOS
/// writes file names decomposed (NFD) while editors type composed text, and the two
/// look the same (`が` is one character or `か` plus a combining mark).
pub fn nfc(text: &str) -> Cow<'_, str> {
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// Escapes what HTML needs escaped and nothing more: Tera's default also escapes `/`,
/// which bloats every URL of every page.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_composes_and_borrows_what_is_composed() {
        assert_eq!(nfc("か\u{3099}"), "が");
        assert!(matches!(nfc("がabc"), Cow::Borrowed(_)));
    }
}
