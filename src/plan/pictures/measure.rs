//! How wide a label will be, estimated without a font: East Asian Width decides, with
//! ambiguous characters (①, ○, ※) counted wide as Japanese fonts draw them. A wide
//! character takes one em; a narrow one is given 0.6 em, more than the average Latin
//! letter or digit of the site's fonts, so estimates err on the side of room.

use unicode_width::UnicodeWidthChar;

/// Width of a narrow character, in em.
const NARROW: f32 = 0.6;

fn char_em(c: char) -> f32 {
    match c.width_cjk() {
        Some(2) => 1.0,
        Some(0) | None => 0.0,
        _ => NARROW,
    }
}

/// Width of `text` set at `size` user units.
pub fn width(text: &str, size: f32) -> f32 {
    text.chars().map(char_em).sum::<f32>() * size
}

/// Characters that Japanese typesetting does not put at the start of a line (行頭禁則).
fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | '・'
            | '：'
            | '；'
            | '）'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '》'
            | '］'
            | '｝'
            | 'ー'
            | '～'
            | '…'
            | ')'
            | ']'
            | '}'
            | ','
            | '.'
            | ':'
            | ';'
            | '!'
            | '?'
            | '！'
            | '？'
            | '％'
            | '%'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
    )
}

/// Characters not left at the end of a line (行末禁則).
fn no_line_end(c: char) -> bool {
    matches!(
        c,
        '（' | '「' | '『' | '【' | '〔' | '〈' | '《' | '［' | '｛' | '(' | '[' | '{' | '○' | '※'
    )
}

/// Narrow letters and digits stay together: "2022年" does not break inside "2022".
fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == ','
}

/// Breaks `text` into as few lines as fit in `max` where the rules above allow, with
/// the lines made about as long as each other (a label ending in a lone 「区」 reads
/// badly). A line exceeds `max` only when one unbreakable run is wider by itself;
/// measure the lines afterwards for the box they need.
pub fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
    let lines = wrap_greedy(text, size, max);
    if lines.len() < 2 {
        return lines;
    }
    let mut narrower = (width(text, size) / lines.len() as f32).max(size);
    while narrower < max {
        let balanced = wrap_greedy(text, size, narrower);
        if balanced.len() <= lines.len() {
            return balanced;
        }
        narrower += size / 2.0;
    }
    lines
}

fn wrap_greedy(text: &str, size: f32, max: f32) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut lines = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut end = start;
        let mut w = 0.0;
        while end < chars.len() {
            let cw = char_em(chars[end]) * size;
            if w + cw > max && end > start {
                break;
            }
            w += cw;
            end += 1;
        }
        if end < chars.len() {
            end = break_point(&chars, start, end);
        }
        lines.push(chars[start..end].iter().collect::<String>());
        start = end;
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// Moves a break at `end` back to where the rules allow one, but never to `start`.
fn break_point(chars: &[char], start: usize, end: usize) -> usize {
    let allowed = |i: usize| {
        let (before, after) = (chars[i - 1], chars[i]);
        !(no_line_start(after) || no_line_end(before) || (word_char(before) && word_char(after)))
    };
    let mut i = end;
    while i > start + 1 {
        if allowed(i) {
            return i;
        }
        i -= 1;
    }
    // No allowed break in the line: keep the unbreakable run whole rather than split it.
    let mut j = end;
    while j < chars.len() && !allowed(j) {
        j += 1;
    }
    j
}

/// Lane labels wrapped to `max`, with the width of their widest line: the label column
/// of the timeline and of the year at a glance.
pub fn label_column<'a>(
    labels: impl Iterator<Item = &'a str>,
    size: f32,
    max: f32,
) -> (Vec<Vec<String>>, f32) {
    let wrapped: Vec<Vec<String>> = labels.map(|l| wrap(l, size, max)).collect();
    let widest = wrapped
        .iter()
        .flatten()
        .map(|l| width(l, size))
        .fold(0.0, f32::max);
    (wrapped, widest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_and_ambiguous_characters_take_a_full_em() {
        assert_eq!(width("統計", 10.0), 20.0);
        assert_eq!(width("①○※", 10.0), 30.0);
        assert_eq!(width("2022", 10.0), 24.0);
    }

    #[test]
    fn lines_break_within_the_width_and_keep_punctuation_and_numbers() {
        let lines = wrap("保健所設置市（指定都市を除く）・特別区", 10.0, 80.0);
        assert!(lines.iter().all(|l| !l.starts_with(['）', '・'])));
        assert!(lines.iter().all(|l| !l.ends_with('（')));
        assert_eq!(lines.concat(), "保健所設置市（指定都市を除く）・特別区");
        let lines = wrap("令和2022年度から", 10.0, 40.0);
        assert!(lines.iter().any(|l| l.contains("2022")), "{lines:?}");
    }

    #[test]
    fn wrapped_lines_are_balanced() {
        let lines = wrap("保健所設置市・特別区", 10.0, 90.0);
        assert_eq!(lines.len(), 2);
        let (a, b) = (width(&lines[0], 10.0), width(&lines[1], 10.0));
        assert!((a - b).abs() <= 20.0, "{lines:?}");
    }

    #[test]
    fn an_empty_label_is_one_empty_line() {
        assert_eq!(wrap("", 10.0, 50.0), vec![String::new()]);
    }
}
