//! The search index: from one plain record per published page to the files under
//! `search/data/` that the theme's `search.js` loads with `<script>` tags (so search
//! works from file:// and under the strict CSP, with no fetch, worker or WebAssembly).
//!
//! What a page is found by is its *text*: the record's parts in page order, each
//! normalised ([`normalize`]) and joined. A page matches a query when its text contains
//! the normalised query; the index answers that exactly:
//!
//! - every position of a page's text starts one *gram*: the next [`GRAM`] characters
//!   (fewer at the end). A query of 2..=GRAM characters occurs in a page exactly when
//!   one of the page's grams starts with it, so one bucket file answers it with no
//!   page text loaded. Single characters have postings of their own.
//! - longer queries intersect the pages of their grams, then `search.js` checks each
//!   candidate's text (`t*.js`), so results stay exact.
//! - a posting carries where its gram starts (title, heading, body once, body more
//!   than once), which ranks results without loading texts.
//!
//! Files: `m.js` (sizes, character code, kind/category of every page), `g<n>.js`
//! (grams and their postings, bucketed by a hash of their first two characters),
//! `t<n>.js` (page texts, a few pages each, with the anchors to link to: start and end
//! in the text, id, label).

pub mod encode;
pub mod html_text;
pub mod normalize;
pub mod records;

use encode::{push_js_string, push_number, TextCode};
use rayon::prelude::*;
use std::collections::HashMap;

/// Characters per gram: queries up to this length need no page text.
pub const GRAM: usize = 4;
/// Rough size aimed at for one bucket file and one text file, in bytes.
const BUCKET_TARGET: usize = 8 * 1024;
const TEXT_TARGET: usize = 6 * 1024;
/// Where the index goes in the output.
pub const DIR: &str = crate::urls::SEARCH_DATA;
/// Version of the file format, checked by `search.js`.
pub const FORMAT: u32 = 1;

/// What a part of a page's text is, for ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Title,
    Heading,
    Text,
}

/// A stretch of a page's text. A match from here on, up to the next anchor, links to
/// `anchor`.
#[derive(Debug, Clone)]
pub struct Part {
    pub text: String,
    pub role: Role,
    pub anchor: Option<Anchor>,
}

/// An id on the page and what to call it in results: a heading's own text, or the
/// section's name (`照会先`). An empty id stands for the top of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub id: String,
    pub label: String,
}

/// One published page as search sees it. `parts` follow the title in the order the page
/// shows them: summary, facts table, body (headings as parts of their own), contact box.
#[derive(Debug, Clone)]
pub struct Record {
    /// Root-relative, like every URL given to templates (`surveys/jinko-dotai/`).
    pub url: String,
    pub title: String,
    /// Key and label of the page's kind (`surveys`, `統計調査`).
    pub kind: (String, String),
    /// Key and label of a survey's category.
    pub category: Option<(String, String)>,
    pub parts: Vec<Part>,
}

/// A page's text laid out for the index.
struct Laid {
    /// Parts joined by line breaks, runs of whitespace collapsed: what excerpts show.
    text: String,
    /// Title length, in UTF-16 units (what `search.js` counts in).
    title_len: usize,
    /// (start, end, anchor) in UTF-16 units; `end > start` only for headings, whose
    /// text is their label.
    anchors: Vec<(usize, usize, Anchor)>,
}

const W_TITLE: u8 = 3;
const W_HEADING: u8 = 2;
const W_REPEATED: u8 = 1;

/// Lays out a record; its normalised text and the rank weight of each character go to
/// `norm` and `weight` (buffers reused from page to page).
fn lay_out(r: &Record, norm: &mut Vec<char>, weight: &mut Vec<u8>) -> Laid {
    norm.clear();
    weight.clear();
    let mut laid = Laid {
        text: String::new(),
        title_len: 0,
        anchors: Vec::new(),
    };
    let mut len16 = 0;
    let title = Part {
        text: r.title.clone(),
        role: Role::Title,
        anchor: None,
    };
    for (n, part) in std::iter::once(&title).chain(&r.parts).enumerate() {
        let collapsed = collapse_whitespace(&part.text);
        if collapsed.is_empty() && part.anchor.is_none() {
            continue;
        }
        if n > 0 {
            laid.text.push('\n');
            len16 += 1;
        }
        let start = len16;
        len16 += collapsed.encode_utf16().count();
        laid.text.push_str(&collapsed);
        if n == 0 {
            laid.title_len = len16;
        }
        if let Some(anchor) = &part.anchor {
            let end = if part.role == Role::Heading {
                len16
            } else {
                start
            };
            let label = if end > start {
                String::new()
            } else {
                anchor.label.clone()
            };
            laid.anchors.push((
                start,
                end,
                Anchor {
                    id: anchor.id.clone(),
                    label,
                },
            ));
        }
        let w = match part.role {
            Role::Title => W_TITLE,
            Role::Heading => W_HEADING,
            Role::Text => 0,
        };
        normalize::for_each(&collapsed, |c, _, _| {
            norm.push(c);
            weight.push(w);
        });
    }
    laid
}

fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending: Option<char> = None;
    for c in s.trim().chars() {
        if c.is_whitespace() {
            if c == '\n' || pending.is_none() {
                pending = Some(if c == '\n' { '\n' } else { ' ' });
            }
        } else {
            if let Some(p) = pending.take() {
                out.push(p);
            }
            out.push(c);
        }
    }
    out
}

/// A gram as a number: up to four characters of 21 bits, zero-padded (no normalised
/// text holds U+0000), so shorter grams never equal longer ones.
type Key = u128;

fn key_of(chars: &[char]) -> Key {
    let mut k: Key = 0;
    for i in 0..GRAM {
        k = (k << 21) | chars.get(i).map_or(0, |&c| c as Key);
    }
    k
}

fn chars_of(k: Key) -> impl Iterator<Item = char> {
    (0..GRAM)
        .rev()
        .map(move |i| ((k >> (21 * i)) & 0x1F_FFFF) as u32)
        .filter(|&c| c != 0)
        .filter_map(char::from_u32)
}

/// FNV-1a over code points; `search.js` computes the same to find a bucket.
fn hash(chars: impl Iterator<Item = char>) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for c in chars {
        h = (h ^ c as u32).wrapping_mul(0x0100_0193);
    }
    h
}

/// The bucket of a gram: by its first two characters, so every gram a query of two or
/// more characters can start is in one bucket; a single character by itself.
fn bucket_of(k: Key, buckets: u32) -> u32 {
    hash(chars_of(k).take(2)) % buckets
}

/// A fast hash for gram keys; the default SipHash would spend more time than the rest
/// of indexing together.
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, k: u64) {
        self.0 = k.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn write_u128(&mut self, k: u128) {
        self.0 =
            ((k as u64) ^ ((k >> 64) as u64).rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

type Postings = HashMap<Key, Vec<u32>, std::hash::BuildHasherDefault<KeyHasher>>;

/// Adds that `page` holds gram `k`, starting at a character of weight `w`. Pages come
/// in order, so a repeat can only be the last entry: a gram met twice in the body
/// becomes "repeated".
fn add(postings: &mut Postings, k: Key, page: u32, w: u8) {
    push_posting(postings.entry(k).or_default(), page, w);
}

fn push_posting(list: &mut Vec<u32>, page: u32, w: u8) {
    match list.last_mut() {
        Some(last) if *last >> 2 == page => {
            let merged = ((*last & 3) as u8).max(w).max(W_REPEATED);
            *last = (page << 2) | merged as u32;
        }
        _ => list.push((page << 2) | w as u32),
    }
}

/// The postings of a run of pages: grams of the Basic Multilingual Plane under 64-bit
/// keys (smaller and faster to hash: most of indexing is this map), other grams under
/// full keys, single characters of the BMP in a table.
struct Grams {
    bmp: HashMap<u64, Vec<u32>, std::hash::BuildHasherDefault<KeyHasher>>,
    grams: Postings,
    singles: Vec<Vec<u32>>,
}

/// A gram of BMP characters as 16-bit groups, zero-padded.
fn key_bmp(chars: &[char]) -> Option<u64> {
    let mut k = 0u64;
    for i in 0..GRAM {
        let c = chars.get(i).map_or(0, |&c| c as u32);
        if c > 0xFFFF {
            return None;
        }
        k = (k << 16) | c as u64;
    }
    Some(k)
}

fn widen(k: u64) -> Key {
    let chars: Vec<char> = (0..GRAM)
        .rev()
        .map(|i| ((k >> (16 * i)) & 0xFFFF) as u32)
        .filter(|&c| c != 0)
        .filter_map(char::from_u32)
        .collect();
    key_of(&chars)
}

impl Grams {
    fn new() -> Grams {
        Grams {
            bmp: HashMap::default(),
            grams: Postings::default(),
            singles: vec![Vec::new(); 0x10000],
        }
    }

    /// Every character of the page as a single, and the gram starting at every
    /// character but the last (whose gram is the single).
    fn add_page(&mut self, page: u32, norm: &[char], weight: &[u8]) {
        let n = norm.len();
        for i in 0..n {
            let w = weight[i];
            let c = norm[i];
            if (c as u32) < 0x10000 {
                push_posting(&mut self.singles[c as usize], page, w);
            } else {
                add(&mut self.grams, key_of(&norm[i..i + 1]), page, w);
            }
            if i + 1 < n {
                let gram = &norm[i..(i + GRAM).min(n)];
                match key_bmp(gram) {
                    Some(k) => push_posting(self.bmp.entry(k).or_default(), page, w),
                    None => add(&mut self.grams, key_of(gram), page, w),
                }
            }
        }
    }

    /// Everything as one map.
    fn into_postings(mut self) -> Postings {
        self.grams.reserve(self.bmp.len() + 0x1000);
        for (k, list) in self.bmp {
            self.grams.insert(widen(k), list);
        }
        for (c, list) in self.singles.into_iter().enumerate() {
            if list.is_empty() {
                continue;
            }
            if let Some(c) = char::from_u32(c as u32) {
                self.grams.insert(key_of(&[c]), list);
            }
        }
        self.grams
    }
}

/// Lays out a run of records whose first page is `first`, and collects their postings.
fn index_run(records: &[Record], first: usize) -> (Vec<Laid>, Postings, usize) {
    let mut grams = Grams::new();
    let mut norm = Vec::new();
    let mut weight = Vec::new();
    let mut laid = Vec::with_capacity(records.len());
    let mut chars = 0;
    for (j, r) in records.iter().enumerate() {
        laid.push(lay_out(r, &mut norm, &mut weight));
        grams.add_page((first + j) as u32, &norm, &weight);
        chars += norm.len();
    }
    (laid, grams.into_postings(), chars)
}

/// Builds the index files (paths relative to the site root) for `records`, in the order
/// results tie in.
pub fn build(records: &[Record]) -> Vec<(String, Vec<u8>)> {
    let pages = records.len();
    // One map per run of pages (a few runs per thread), merged in page order so every
    // posting list stays sorted.
    let run = pages
        .div_ceil(rayon::current_num_threads().max(1) * 2)
        .max(1);
    let runs: Vec<(Vec<Laid>, Postings, usize)> = records
        .par_chunks(run)
        .enumerate()
        .map(|(n, chunk)| index_run(chunk, n * run))
        .collect();
    let mut laid: Vec<Laid> = Vec::with_capacity(pages);
    let mut postings = Postings::default();
    let mut total_chars = 0;
    for (l, more, chars) in runs {
        laid.extend(l);
        total_chars += chars;
        if postings.is_empty() {
            postings = more;
            continue;
        }
        for (k, list) in more {
            postings.entry(k).or_default().extend(list);
        }
    }
    // About BUCKET_TARGET bytes each on a large site; on a small one at least 64 small
    // buckets, so a query still loads little.
    let buckets = (total_chars / (BUCKET_TARGET * 3 / 2))
        .max((total_chars / 1024).min(64))
        .clamp(1, 8192) as u32;
    let mut by_bucket: Vec<Vec<(Key, Vec<u32>)>> = (0..buckets).map(|_| Vec::new()).collect();
    for (k, list) in postings {
        by_bucket[bucket_of(k, buckets) as usize].push((k, list));
    }
    let mut files: Vec<(String, Vec<u8>)> = by_bucket
        .into_par_iter()
        .enumerate()
        .filter(|(_, entries)| !entries.is_empty())
        .map(|(b, mut entries)| {
            entries.sort_unstable_by_key(|e| e.0);
            (
                format!("{DIR}/g{b}.js"),
                bucket_file(b as u32, &entries, pages),
            )
        })
        .collect();

    // Page texts.
    let counts = char_counts(&laid);
    let code = TextCode::new(&counts);
    let avg_text = laid.iter().map(|l| l.text.len()).sum::<usize>() / laid.len().max(1);
    // Encoded text is about half its UTF-8 size.
    let per_file = (TEXT_TARGET / (avg_text / 2).max(1)).clamp(1, 64);
    let text_files: Vec<(String, Vec<u8>)> = laid
        .par_chunks(per_file)
        .zip(records.par_chunks(per_file))
        .enumerate()
        .map(|(n, (pages, recs))| {
            let mut s = format!("tebikiSearch(\"t{n}\",[");
            for (i, (l, r)) in pages.iter().zip(recs).enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push('[');
                push_js_string(&mut s, &r.url);
                s.push_str(&format!(",{},\"", l.title_len));
                code.encode(&l.text, &mut s);
                s.push_str("\",[");
                for (j, (start, end, anchor)) in l.anchors.iter().enumerate() {
                    if j > 0 {
                        s.push(',');
                    }
                    s.push_str(&format!("{start},{end},"));
                    push_js_string(&mut s, &anchor.id);
                    s.push(',');
                    push_js_string(&mut s, &anchor.label);
                }
                s.push_str("]]");
            }
            s.push_str("]);\n");
            (format!("{DIR}/t{n}.js"), s.into_bytes())
        })
        .collect();
    files.extend(text_files);
    files.push((
        format!("{DIR}/m.js"),
        meta_file(records, &code, buckets, per_file),
    ));
    files
}

fn bucket_file(b: u32, entries: &[(Key, Vec<u32>)], pages: usize) -> Vec<u8> {
    let mut s = format!("tebikiSearch(\"g{b}\",[");
    let mut list_text = String::new();
    for (i, (k, list)) in entries.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let gram: String = chars_of(*k).collect();
        push_js_string(&mut s, &gram);
        s.push_str(",\"");
        postings_text(list, pages, &mut list_text);
        s.push_str(&list_text);
        s.push('"');
    }
    s.push_str("]);\n");
    s.into_bytes()
}

/// A posting list as text: page gaps with their weight, or, when shorter, `!` and a
/// bitmap of the pages (six per digit) followed by the pages of title and heading
/// weight (a gram that common gives no "repeated" weight).
fn postings_text(list: &[u32], pages: usize, out: &mut String) {
    out.clear();
    let mut prev: i64 = -1;
    for &v in list {
        let page = (v >> 2) as i64;
        push_number(out, (((page - prev - 1) as u64) << 2) | (v & 3) as u64);
        prev = page;
    }
    let bitmap_len = pages.div_ceil(6) + 1;
    if out.len() <= bitmap_len {
        return;
    }
    let mut bits = vec![0u8; pages.div_ceil(6)];
    for &v in list {
        let page = (v >> 2) as usize;
        bits[page / 6] |= 1 << (page % 6);
    }
    let mut alt = String::with_capacity(bitmap_len + 16);
    alt.push('!');
    alt.extend(bits.iter().map(|&d| encode::DIGITS[d as usize] as char));
    let mut prev: i64 = -1;
    for &v in list.iter().filter(|&&v| (v & 3) as u8 >= W_HEADING) {
        let page = (v >> 2) as i64;
        push_number(&mut alt, (((page - prev - 1) as u64) << 2) | (v & 3) as u64);
        prev = page;
    }
    if alt.len() < out.len() {
        *out = alt;
    }
}

fn char_counts(laid: &[Laid]) -> HashMap<char, u64> {
    laid.par_chunks(256)
        .map(|chunk| {
            let mut bmp = vec![0u64; 0x10000];
            let mut astral: HashMap<char, u64> = HashMap::new();
            for l in chunk {
                for c in l.text.chars() {
                    if (c as u32) < 0x10000 {
                        bmp[c as usize] += 1;
                    } else {
                        *astral.entry(c).or_default() += 1;
                    }
                }
            }
            for (i, &n) in bmp.iter().enumerate() {
                if n > 0 {
                    if let Some(c) = char::from_u32(i as u32) {
                        astral.insert(c, n);
                    }
                }
            }
            astral
        })
        .reduce(HashMap::new, |mut a, b| {
            for (c, n) in b {
                *a.entry(c).or_default() += n;
            }
            a
        })
}

fn meta_file(records: &[Record], code: &TextCode, buckets: u32, per_file: usize) -> Vec<u8> {
    let mut kinds: Vec<&(String, String)> = Vec::new();
    let mut cats: Vec<&(String, String)> = Vec::new();
    for r in records {
        if !kinds.contains(&&r.kind) {
            kinds.push(&r.kind);
        }
        if let Some(c) = &r.category {
            if !cats.contains(&c) {
                cats.push(c);
            }
        }
    }
    let mut page_codes = String::new();
    for r in records {
        let k = kinds.iter().position(|x| **x == r.kind).unwrap_or(0);
        let c = r
            .category
            .as_ref()
            .and_then(|c| cats.iter().position(|x| *x == c))
            .map_or(0, |i| i + 1);
        push_number(&mut page_codes, (k * (cats.len() + 1) + c) as u64);
    }
    let pairs = |list: &[&(String, String)]| {
        let mut s = String::from("[");
        for (i, (key, label)) in list.iter().map(|p| (&p.0, &p.1)).enumerate() {
            if i > 0 {
                s.push(',');
            }
            push_js_string(&mut s, key);
            s.push(',');
            push_js_string(&mut s, label);
        }
        s.push(']');
        s
    };
    let table: String = code.table.iter().collect();
    let mut s = format!(
        "tebikiSearch(\"m\",{{\"v\":{FORMAT},\"k\":{GRAM},\"b\":{buckets},\"p\":{per_file},\"n\":{},\"kinds\":{},\"cats\":{},\"c\":",
        records.len(),
        pairs(&kinds),
        pairs(&cats)
    );
    push_js_string(&mut s, &table);
    s.push_str(",\"pk\":");
    push_js_string(&mut s, &page_codes);
    s.push_str("});\n");
    s.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_short_grams_differ() {
        let a: Vec<char> = "調査票".chars().collect();
        assert_eq!(chars_of(key_of(&a)).collect::<String>(), "調査票");
        assert_ne!(key_of(&a[..1]), key_of(&a[..2]));
        assert_eq!(
            bucket_of(key_of(&a), 97),
            bucket_of(key_of(&a[..2]), 97),
            "grams sharing two first characters share a bucket"
        );
    }

    #[test]
    fn grams_weigh_where_they_start() {
        let r = Record {
            url: "pages/x/".into(),
            title: "統計".into(),
            kind: ("pages".into(), "解説".into()),
            category: None,
            parts: vec![Part {
                text: "統計と統計".into(),
                role: Role::Text,
                anchor: None,
            }],
        };
        let (mut norm, mut weight) = (Vec::new(), Vec::new());
        lay_out(&r, &mut norm, &mut weight);
        assert_eq!(norm.iter().collect::<String>(), "統計統計と統計");
        let (_, postings, _) = index_run(std::slice::from_ref(&r), 0);
        let w = |s: &str| {
            let c: Vec<char> = s.chars().collect();
            postings.get(&key_of(&c)).map(|list| (list[0] & 3) as u8)
        };
        assert_eq!(w("統"), Some(W_TITLE));
        assert_eq!(w("と"), Some(0));
        assert_eq!(w("計と統計"), Some(0));
        assert_eq!(w("計"), Some(W_TITLE));
        assert_eq!(w("統計と統"), Some(0));
        assert_eq!(
            w("統計"),
            Some(0),
            "the text's last two characters form a short gram"
        );
    }
}
