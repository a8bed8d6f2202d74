//! How index data is spelled inside the JavaScript files the browser loads: posting lists
//! as variable-length numbers in 64 printable characters, and page texts in a per-site
//! code where the most frequent characters take one byte and the rest two (UTF-8 spends
//! three on every kana and kanji). Decoded by the theme's `search.js`.

use std::collections::HashMap;

/// Digits of posting lists. A digit below 32 ends a number; 32 and above carry five
/// more bits. Most significant group first.
pub const DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVabcdefghijklmnopqrstuvWXYZwxyz-_";

/// The digits of `n` at the end of `buf`; returns where they start.
fn digits_of(mut n: u64, buf: &mut [u8; 13]) -> usize {
    let mut at = buf.len() - 1;
    buf[at] = DIGITS[(n & 31) as usize];
    n >>= 5;
    while n != 0 {
        at -= 1;
        buf[at] = DIGITS[(n & 31) as usize + 32];
        n >>= 5;
    }
    at
}

pub fn push_number(out: &mut String, n: u64) {
    let mut buf = [0u8; 13];
    let at = digits_of(n, &mut buf);
    out.extend(buf[at..].iter().map(|&d| d as char));
}

/// The same into bytes: posting lists are held spelled, so most are written as held.
#[inline]
pub fn push_number_bytes(out: &mut Vec<u8>, n: u64) {
    if n < 32 {
        out.push(DIGITS[n as usize]);
        return;
    }
    let mut buf = [0u8; 13];
    let at = digits_of(n, &mut buf);
    // A byte at a time: a copy of a length known only at run time calls memcpy, which
    // for two or three bytes cost more than the digits.
    for &d in &buf[at..] {
        out.push(d);
    }
}

/// How many digits `n` takes.
pub fn number_len(n: u64) -> usize {
    (64 - n.leading_zeros() as usize).div_ceil(5).max(1)
}

/// The value of each digit, by byte.
const VALUES: [u8; 128] = {
    let mut v = [0u8; 128];
    let mut i = 0;
    while i < 64 {
        v[DIGITS[i] as usize] = i as u8;
        i += 1;
    }
    v
};

/// The numbers spelled in `digits` (as [`push_number`] writes them).
pub fn numbers(digits: &[u8]) -> impl Iterator<Item = u64> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        let mut n = 0u64;
        while let Some(&b) = digits.get(i) {
            i += 1;
            let d = VALUES[(b & 0x7F) as usize] as u64;
            if d < 32 {
                return Some((n << 5) | d);
            }
            n = (n << 5) | (d - 32);
        }
        None
    })
}

#[cfg(test)]
pub fn read_numbers(s: &str) -> Vec<u64> {
    numbers(s.as_bytes()).collect()
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

    #[cfg(test)]
    pub fn encode(&self, text: &str) -> String {
        let mut out = Vec::new();
        for c in text.chars() {
            self.encode_char(c, &mut out);
        }
        String::from_utf8(out).unwrap_or_default()
    }

    /// Appends the code of `c` to `out`: ASCII, but for characters outside the code,
    /// which are written as themselves (UTF-8).
    // Inlined into the loop that lays out a page, and bytes, not a String's `push`: as
    // a call of its own, for every character, it was 7 % of the index's time in a profile.
    #[inline(always)]
    pub fn encode_char(&self, c: char, out: &mut Vec<u8>) {
        match self.bmp.get(c as usize) {
            Some(&code) if code != 0 => {
                out.push((code >> 8) as u8);
                if code & 0xFF != 0 {
                    out.push((code & 0xFF) as u8);
                }
            }
            _ => self.encode_rare(c, out),
        }
    }

    /// A character outside the BMP, or outside the code.
    #[cold]
    fn encode_rare(&self, c: char, out: &mut Vec<u8>) {
        // Codes are ASCII; only non-ASCII characters lack one.
        let mut buf = [0u8; 4];
        match self.codes.get(&c) {
            Some(&(a, None)) => out.push(a as u8),
            Some(&(a, Some(b))) => {
                out.push(a as u8);
                out.push(b as u8);
            }
            None => out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()),
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
        let mut bytes = Vec::new();
        for &n in &ns {
            push_number_bytes(&mut bytes, n);
            assert_eq!(number_len(n), {
                let mut one = String::new();
                push_number(&mut one, n);
                one.len()
            });
        }
        assert_eq!(bytes, s.as_bytes());
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
        let enc = code.encode(text);
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
