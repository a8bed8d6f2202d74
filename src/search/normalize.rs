//! The one text normalisation of search, applied to page texts here and to queries (and
//! page texts again, for excerpts) by the theme's `search.js`, which must stay its exact
//! twin: NFKC, lower case, final sigma folded to σ, whitespace removed. So 全角/半角
//! digits and letters, half-width katakana (ﾏｲﾅﾝﾊﾞｰ) and ％/% meet.
//!
//! NFKC runs per group (a character and the marks that follow it) rather than over the
//! whole string: the same result for real text, but it lets both sides map every
//! normalised character back to the written one, which excerpts need.

use std::sync::atomic::{AtomicU32, Ordering};
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

/// What one character becomes when it stands alone, and whether it joins the group of
/// the character before it: `KNOWN`, `CONTINUES`, `SPACE`, and the form from bit
/// `FORM_SHIFT` on (`FORM_*`, or the one character it becomes, plus `FORM_CHAR`).
const KNOWN: u32 = 1;
const CONTINUES: u32 = 2;
/// `char::is_whitespace`, which laying out a page's text asks of every character too.
const SPACE: u32 = 4;
const FORM_SHIFT: u32 = 3;
/// More than one character (NFKC's expansions, some lower-case forms): the full path.
const FORM_MANY: u32 = 0;
/// None: whitespace.
const FORM_NONE: u32 = 1;
const FORM_CHAR: u32 = 2;

/// The same for every character of the Basic Multilingual Plane, learnt the first time
/// it is met (0: not yet): the full path of NFKC for every character of a text that is
/// not plain kana, kanji or ASCII (full-width digits and letters, brackets, dashes)
/// cost about as much as the rest of indexing its text. Kana and kanji are looked up
/// here too, so that one load answers for every BMP character, its whitespace bit
/// included.
static BMP: [AtomicU32; 0x10000] = [const { AtomicU32::new(0) }; 0x10000];

/// The same for ASCII, fixed.
const ASCII: [u32; 128] = {
    let mut t = [0u32; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8 as char;
        // As push_folded does; whitespace as char::is_whitespace has it.
        t[b] = if matches!(c, ' ' | '\t'..='\r') {
            KNOWN | SPACE | FORM_NONE << FORM_SHIFT
        } else {
            KNOWN | (c.to_ascii_lowercase() as u32 + FORM_CHAR) << FORM_SHIFT
        };
        b += 1;
    }
    t
};

/// What laying out and normalising need to know of a character, looked up once.
#[derive(Clone, Copy)]
pub struct Info(u32);

impl Info {
    #[inline(always)]
    pub fn of(c: char) -> Info {
        Info(info(c))
    }

    /// `char::is_whitespace`.
    #[inline(always)]
    pub fn is_whitespace(self) -> bool {
        self.0 & SPACE != 0
    }
}

#[inline(always)]
fn info(c: char) -> u32 {
    if let Some(&info) = ASCII.get(c as usize) {
        return info;
    }
    match BMP.get(c as usize).map(|slot| slot.load(Ordering::Relaxed)) {
        Some(0) | None => learn_once(c),
        Some(info) => info,
    }
}

/// [`info`] for a character not met yet, kept for the next time when in the BMP.
#[cold]
fn learn_once(c: char) -> u32 {
    let info = learn(c);
    if let Some(slot) = BMP.get(c as usize) {
        slot.store(info, Ordering::Relaxed);
    }
    info
}

/// [`info`] the long way.
fn learn(c: char) -> u32 {
    let mut form = Vec::new();
    for n in c.to_string().nfkc() {
        push_folded(n, &mut |x| form.push(x));
    }
    let form = match form[..] {
        [] => FORM_NONE,
        [one] => one as u32 + FORM_CHAR,
        _ => FORM_MANY,
    };
    let space = if c.is_whitespace() { SPACE } else { 0 };
    KNOWN | space | if continues_group(c) { CONTINUES } else { 0 } | form << FORM_SHIFT
}

/// The normalisation fed a character at a time (the index normalises a page's text as it
/// lays it out, in one pass). [`Stream::end`] closes a text.
#[derive(Default)]
pub struct Stream {
    /// The group at hand: its first character and what it becomes.
    pending: Option<(char, u32)>,
    /// The whole group, once it has more than one character.
    group: String,
}

impl Stream {
    // Inlined, as `end` is, into the loop that lays out a page: called for every
    // character, both were 6 % of the index's time in a profile as calls of their own.
    #[inline(always)]
    pub fn push(&mut self, c: char, emit: &mut impl FnMut(char)) {
        self.push_known(c, Info::of(c), emit)
    }

    /// The same for a character whose [`Info`] is known.
    #[inline(always)]
    pub fn push_known(&mut self, c: char, Info(info): Info, emit: &mut impl FnMut(char)) {
        if info & CONTINUES != 0 {
            if let Some((first, form)) = self.pending.as_mut() {
                if self.group.is_empty() {
                    self.group.push(*first);
                }
                self.group.push(c);
                *form = KNOWN | FORM_MANY << FORM_SHIFT;
                return;
            }
        }
        self.end(emit);
        self.pending = Some((c, info));
    }

    /// Ends the text: its last group is emitted.
    #[inline(always)]
    pub fn end(&mut self, emit: &mut impl FnMut(char)) {
        let Some((first, info)) = self.pending.take() else {
            return;
        };
        match info >> FORM_SHIFT {
            FORM_NONE => {}
            FORM_MANY => self.end_many(first, emit),
            form => {
                if let Some(c) = char::from_u32(form - FORM_CHAR) {
                    emit(c);
                }
            }
        }
    }

    /// The group at hand the long way: NFKC over all of it.
    #[cold]
    fn end_many(&mut self, first: char, emit: &mut impl FnMut(char)) {
        if self.group.is_empty() {
            self.group.push(first);
        }
        for n in self.group.nfkc() {
            push_folded(n, emit);
        }
        self.group.clear();
    }
}

/// The normalised form of `text`.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut stream = Stream::default();
    let mut push = |c| out.push(c);
    for c in text.chars() {
        stream.push(c, &mut push);
    }
    stream.end(&mut push);
    out
}

#[cfg(test)]
mod tests {
    use super::{continues_group, is_stable, normalize};
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
    fn the_whitespace_bit_is_char_is_whitespace() {
        // Laying out a page's text collapses whitespace by this bit alone: from the
        // ASCII table, the learnt table, and the long way beyond the BMP.
        for c in (0..0x1_0400u32).filter_map(char::from_u32) {
            assert_eq!(
                super::Info::of(c).is_whitespace(),
                c.is_whitespace(),
                "{c:?}"
            );
        }
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

    /// The full path for every group: what the learnt forms must give.
    fn the_long_way(text: &str) -> String {
        let mut out = String::new();
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
            for n in text[start..end].nfkc() {
                super::push_folded(n, &mut |x| out.push(x));
            }
        }
        out
    }

    #[test]
    fn learnt_forms_give_the_full_path() {
        // Every BMP character alone, after a letter and before a mark; then random
        // strings of characters known to be tricky.
        let mut text = String::new();
        for c in (0..0x10000u32).filter_map(char::from_u32) {
            text.push(c);
            text.push('a');
            if (c as u32).is_multiple_of(7) {
                text.push('\u{301}');
            }
        }
        let mut seed = 1u32;
        let tricky: Vec<char> =
            "ｶﾞﾊﾟﾞﾟ\u{3099}\u{309A}\u{301}\u{308} AaΣςİ㈱①７％ 　\t\n𠮷\u{1D165}ﬁ…〜—"
                .chars()
                .collect();
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            text.push(tricky[(seed >> 16) as usize % tricky.len()]);
        }
        assert!(normalize(&text) == the_long_way(&text));
    }

    #[test]
    fn stable_text_is_unchanged() {
        let t = "統計調査の結果をおしらせするマイナポータル";
        assert_eq!(normalize(t), t);
    }
}
