//! The one text normalisation of search, applied to page texts here and to queries (and
//! page texts again, for excerpts) by the theme's `search.js`, which must stay its exact
//! twin: NFKC, lower case, final sigma folded to σ, whitespace removed. So 全角/半角
//! digits and letters, half-width katakana (ﾏｲﾅﾝﾊﾞｰ) and ％/% meet.
//!
//! NFKC runs per group (a character and the marks that follow it) rather than over the
//! whole string: the same result for real text, but it lets both sides map every
//! normalised character back to the written one, which excerpts need.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Whether `c` belongs to the group of the character before it. Half-width voiced and
/// semi-voiced marks are letters, not marks, yet NFKC composes them with the kana before.
fn continues_group(c: char) -> bool {
    // Most text is below U+0300 or kana and kanji, where no mark is: skip the table.
    if c < '\u{300}' || is_stable(c) {
        return false;
    }
    c == '\u{FF9E}' || c == '\u{FF9F}' || is_combining_mark(c)
}

/// Characters NFKC and lower-casing leave alone: most of any Japanese text, skipped
/// without a table look-up.
/// Besides letters, digits and kana, the long-vowel mark, the middle dot and the
/// Japanese brackets and stops, which are in nearly every sentence; `stable_ranges_are_fixed`
/// checks every character listed here against the full path.
fn is_stable(c: char) -> bool {
    matches!(c,
        'a'..='z'
        | '0'..='9'
        | '\u{3001}'..='\u{3003}'
        | '\u{3005}'..='\u{3011}'
        | '\u{3014}'..='\u{301B}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30A1}'..='\u{30FE}'
        | '\u{4E00}'..='\u{9FFF}')
        || (c.is_ascii_punctuation())
}

fn push_folded(c: char, out: &mut impl FnMut(char)) {
    if c.is_whitespace() {
        return;
    }
    if c == 'ς' {
        out('σ');
        return;
    }
    for l in c.to_lowercase() {
        out(l);
    }
}

/// Calls `emit(normalised_char, group_start, group_end)` for every character of the
/// normalised form of `text`; group bounds are byte offsets into `text`.
pub fn for_each(text: &str, mut emit: impl FnMut(char, usize, usize)) {
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let mut end = start + c.len_utf8();
        while let Some(&(i, next)) = chars.peek() {
            if !continues_group(next) {
                break;
            }
            end = i + next.len_utf8();
            chars.next();
        }
        if end == start + c.len_utf8() && is_stable(c) {
            emit(c, start, end);
            continue;
        }
        if end == start + c.len_utf8() && c.is_ascii() {
            push_folded(c, &mut |x| emit(x, start, end));
            continue;
        }
        for n in text[start..end].nfkc() {
            push_folded(n, &mut |x| emit(x, start, end));
        }
    }
}

/// The normalised form of `text`.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for_each(text, |c, _, _| out.push(c));
    out
}

#[cfg(test)]
mod tests {
    use super::{is_stable, normalize};
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn widths_meet() {
        assert_eq!(normalize("７４６６"), "7466");
        assert_eq!(normalize("７4６6"), normalize("7466"));
        assert_eq!(normalize("ＡＢＣ abc"), "abcabc");
        assert_eq!(normalize("１００％"), normalize("100%"));
        assert_eq!(normalize("１００％"), "100%");
    }

    #[test]
    fn half_width_katakana_composes_voiced_marks() {
        assert_eq!(normalize("ﾏｲﾅﾝﾊﾞｰ"), "マイナンバー");
        assert_eq!(normalize("ﾊﾟｽﾎﾟｰﾄ"), "パスポート");
        // A combining voiced mark written after a full-width kana composes too.
        assert_eq!(normalize("か\u{3099}"), "が");
    }

    #[test]
    fn whitespace_of_every_kind_is_ignored() {
        assert_eq!(
            normalize(" 人口\u{3000}動態\n\t調査\u{00A0}"),
            "人口動態調査"
        );
        assert_eq!(normalize("privacy by design"), "privacybydesign");
    }

    #[test]
    fn case_is_folded_with_final_sigma() {
        assert_eq!(normalize("OpenAPI"), "openapi");
        assert_eq!(normalize("ΟΔΟΣ"), "οδοσ");
        assert_eq!(normalize("οδος"), "οδοσ");
        assert_eq!(normalize("Ｇｏｖｅｒｎｍｅｎｔ"), "government");
    }

    #[test]
    fn compatibility_characters_expand() {
        assert_eq!(normalize("㈱"), "(株)");
        assert_eq!(normalize("第３３条"), "第33条");
        assert_eq!(normalize("①"), "1");
    }

    #[test]
    fn stable_ranges_are_fixed() {
        // The fast path must give what the full path gives, for every character it takes.
        for c in (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| is_stable(c))
        {
            let full: String = c.to_string().nfkc().collect::<String>().to_lowercase();
            assert_eq!(full, c.to_string(), "U+{:04X}", c as u32);
            assert!(!c.is_whitespace() && c != 'ς' && !is_combining_mark(c));
        }
    }

    #[test]
    fn stable_text_is_unchanged() {
        let t = "統計調査の結果をおしらせするマイナポータル";
        assert_eq!(normalize(t), t);
    }
}
