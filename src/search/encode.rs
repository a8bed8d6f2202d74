//! How index data is spelled inside the JavaScript files the browser loads: posting lists
//! as variable-length numbers in 64 printable characters, and page texts in a per-site
//! code where the most frequent characters take one byte and the rest two (UTF-8 spends
//! three on every kana and kanji). Decoded by the theme's `search.js`.

use std::collections::HashMap;

/// Digits of posting lists. A digit below 32 ends a number; 32 and above carry five
/// more bits. Most significant group first.
pub const DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVabcdefghijklmnopqrstuvWXYZwxyz-_";

pub fn push_number(out: &mut String, mut n: u64) {
    let mut groups = [0u8; 13];
    let mut len = 0;
    loop {
        groups[len] = (n & 31) as u8;
        len += 1;
        n >>= 5;
        if n == 0 {
            break;
        }
    }
    for i in (0..len).rev() {
        let d = if i == 0 { groups[i] } else { groups[i] + 32 };
        out.push(DIGITS[d as usize] as char);
    }
}

pub fn read_numbers(s: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let mut n = 0u64;
    for b in s.bytes() {
        let d = DIGITS.iter().position(|&x| x == b).unwrap_or(0) as u64;
        if d >= 32 {
            n = (n << 5) | (d - 32);
        } else {
            out.push((n << 5) | d);
            n = 0;
        }
    }
    out
}

/// Printable ASCII without `"` and `\`, so encoded text needs no escaping in a string
/// literal.
fn alphabet() -> Vec<char> {
    (0x20u8..0x7F)
        .filter(|&b| b != b'"' && b != b'\\')
        .map(char::from)
        .collect()
}

/// Codes of one byte; the other `ALPHABET - ONE_BYTE` characters lead two-byte codes.
pub const ONE_BYTE: usize = 80;

/// The per-site character code: the table (most frequent first) and the encoder.
pub struct TextCode {
    pub table: Vec<char>,
    codes: HashMap<char, (char, Option<char>)>,
    /// The same for the Basic Multilingual Plane, without hashing: `(a, b)` as
    /// `a << 8 | b`, 0 for none.
    bmp: Vec<u16>,
}

impl TextCode {
    /// A code for texts whose character counts are `counts`. Every ASCII character
    /// present gets a code (the encoded form reserves ASCII); other characters beyond
    /// the table's capacity are written as themselves.
    pub fn new(counts: &HashMap<char, u64>) -> TextCode {
        let alpha = alphabet();
        let capacity = ONE_BYTE + (alpha.len() - ONE_BYTE) * alpha.len();
        let mut by_count: Vec<(char, u64)> = counts.iter().map(|(&c, &n)| (c, n)).collect();
        // ASCII first among equals is not needed: ASCII is forced in below.
        by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut table: Vec<char> = Vec::new();
        let ascii: Vec<char> = by_count
            .iter()
            .map(|&(c, _)| c)
            .filter(char::is_ascii)
            .collect();
        let room_for_others = capacity - ascii.len();
        let mut others = 0;
        for &(c, _) in &by_count {
            if c.is_ascii() {
                table.push(c);
            } else if others < room_for_others {
                table.push(c);
                others += 1;
            }
        }
        let mut codes = HashMap::with_capacity(table.len());
        let mut bmp = vec![0u16; 0x10000];
        for (rank, &c) in table.iter().enumerate() {
            let code = if rank < ONE_BYTE {
                (alpha[rank], None)
            } else {
                let r = rank - ONE_BYTE;
                (
                    alpha[ONE_BYTE + r / alpha.len()],
                    Some(alpha[r % alpha.len()]),
                )
            };
            codes.insert(c, code);
            if (c as u32) < 0x10000 {
                bmp[c as usize] = ((code.0 as u16) << 8) | code.1.map_or(0, |b| b as u16);
            }
        }
        TextCode { table, codes, bmp }
    }

    pub fn encode(&self, text: &str, out: &mut String) {
        for c in text.chars() {
            if (c as u32) < 0x10000 {
                let code = self.bmp[c as usize];
                if code != 0 {
                    out.push((code >> 8) as u8 as char);
                    if code & 0xFF != 0 {
                        out.push((code & 0xFF) as u8 as char);
                    }
                    continue;
                }
            }
            match self.codes.get(&c) {
                Some(&(a, None)) => out.push(a),
                Some(&(a, Some(b))) => {
                    out.push(a);
                    out.push(b);
                }
                // Only non-ASCII characters lack a code.
                None => out.push(c),
            }
        }
    }

    pub fn decode(&self, encoded: &str) -> String {
        let alpha = alphabet();
        let index = |c: char| alpha.iter().position(|&a| a == c);
        let mut out = String::new();
        let mut chars = encoded.chars();
        while let Some(c) = chars.next() {
            match index(c) {
                None => out.push(c),
                Some(i) if i < ONE_BYTE => out.push(self.table[i]),
                Some(i) => {
                    let j = chars.next().and_then(index).unwrap_or(0);
                    let rank = ONE_BYTE + (i - ONE_BYTE) * alpha.len() + j;
                    if let Some(&t) = self.table.get(rank) {
                        out.push(t);
                    }
                }
            }
        }
        out
    }
}

/// A string as a JavaScript/JSON string literal.
pub fn push_js_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        let mut s = String::new();
        let ns = [0u64, 1, 31, 32, 1023, 1024, 40_000, u32::MAX as u64];
        for &n in &ns {
            push_number(&mut s, n);
        }
        assert_eq!(read_numbers(&s), ns);
        // Small numbers take one digit.
        let mut one = String::new();
        push_number(&mut one, 31);
        assert_eq!(one.len(), 1);
    }

    #[test]
    fn text_round_trips_and_shrinks() {
        let text = "人口動態調査の結果は、毎月公表する。Open API 7466 ％ 𠮷野家\n";
        let mut counts = HashMap::new();
        for c in text.chars() {
            *counts.entry(c).or_insert(0) += 1;
        }
        let code = TextCode::new(&counts);
        let mut enc = String::new();
        code.encode(text, &mut enc);
        assert_eq!(code.decode(&enc), text);
        assert!(
            enc.len() < text.len() / 2,
            "{} vs {}",
            enc.len(),
            text.len()
        );
        assert!(!enc.contains('"') && !enc.contains('\\'));
    }
}
