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
//!
//! Building streams: a sample of pages fixes the character code and the sizes, then
//! runs of at most 64 pages are indexed in parallel, each page's record laid out,
//! normalised and encoded in one pass, indexed, written into its text file and dropped;
//! a run's postings are a few words a gram (its pages as bits, [`Marks`]), and join per
//! partition of buckets, kept spelled as the files spell them (or as bitmaps for grams
//! on an eighth of the pages or more) until the bucket files are written.
//! Holding every text and four bytes per posting at once doubled a build's memory. Each
//! file goes to the caller as soon as it is made ([`Prepared::write`]): the sample fixes
//! every path beforehand, so a build plans the files with the pages and writes them
//! straight into its output, after the pages, in the memory rendering freed.

pub mod encode;
mod grams;
pub mod html_text;
pub mod normalize;
mod postings;
pub mod records;

use encode::{push_js_string, push_number, TextCode};
use grams::{Grams, RunPostings};
use postings::Partition;
use rayon::prelude::*;
use std::collections::HashMap;

/// Characters per gram: queries up to this length need no page text.
pub const GRAM: usize = 4;
/// Rough size aimed at for one bucket file and one text file, in bytes.
const BUCKET_TARGET: usize = 8 * 1024;
/// (Two pages a text file at 10,000 pages: every result shown loads its text file, and
/// twenty results of three pages each took a query over 300 KB.)
const TEXT_TARGET: usize = 4 * 1024;
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

/// Where a page's laid-out text has its title and anchors.
struct Laid {
    /// Title length, in UTF-16 units (what `search.js` counts in).
    title_len: usize,
    /// (start, end, anchor) in UTF-16 units; `end > start` only for headings, whose
    /// text is their label.
    anchors: Vec<(usize, usize, Anchor)>,
}

const W_TITLE: u8 = 3;
const W_HEADING: u8 = 2;
const W_REPEATED: u8 = 1;

/// Lays out a record in one pass over its parts: its text (what excerpts show: parts
/// joined by line breaks, runs of whitespace collapsed) goes to `text` a character at a
/// time, its normalised text and the rank weight of each character to `norm` and
/// `weight` (buffers reused from page to page). Three passes, over a laid-out copy,
/// were a tenth of the index's time.
fn lay_out(
    r: &Record,
    norm: &mut Vec<char>,
    weight: &mut Vec<u8>,
    mut text: impl FnMut(char),
) -> Laid {
    norm.clear();
    weight.clear();
    let mut laid = Laid {
        title_len: 0,
        anchors: Vec::new(),
    };
    let mut stream = normalize::Stream::default();
    let mut len16 = 0;
    let parts = std::iter::once((r.title.as_str(), Role::Title, None)).chain(
        r.parts
            .iter()
            .map(|p| (p.text.as_str(), p.role, p.anchor.as_ref())),
    );
    for (n, (part, role, anchor)) in parts.enumerate() {
        let part = part.trim();
        if part.is_empty() && anchor.is_none() {
            continue;
        }
        if n > 0 {
            text('\n');
            len16 += 1;
        }
        let start = len16;
        // Whitespace collapsed: one line break or space for each run.
        let mut pending: Option<char> = None;
        let mut emit = |c: char| norm.push(c);
        for c in part.chars() {
            let info = normalize::Info::of(c);
            if info.is_whitespace() {
                if c == '\n' || pending.is_none() {
                    pending = Some(if c == '\n' { '\n' } else { ' ' });
                }
                continue;
            }
            if let Some(p) = pending.take() {
                text(p);
                stream.push(p, &mut emit);
                len16 += 1;
            }
            text(c);
            stream.push_known(c, info, &mut emit);
            len16 += c.len_utf16();
        }
        stream.end(&mut emit);
        if n == 0 {
            laid.title_len = len16;
        }
        if let Some(anchor) = anchor {
            let end = if role == Role::Heading { len16 } else { start };
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
        let w = match role {
            Role::Title => W_TITLE,
            Role::Heading => W_HEADING,
            Role::Text => 0,
        };
        weight.resize(norm.len(), w);
    }
    laid
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

    fn write_u128(&mut self, k: u128) {
        self.0 =
            ((k as u64) ^ ((k >> 64) as u64).rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

type Map<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// Pages read ahead of indexing to fix the character code of page texts, the pages per
/// text file and the number of buckets: about this many, evenly spread (every page of a
/// site this small, whose figures are then exact).
const SAMPLE: usize = 256;
/// Pages one thread indexes before its postings join the rest: small enough that the
/// runs in flight hold little, and at most 64, so that a gram's pages in a run are the
/// bits of one word ([`Marks`]).
const RUN: usize = 64;
/// Groups of buckets, each merged by one thread, so merging runs in parallel too.
const PARTITIONS: u32 = 64;

/// What a run of pages gives besides its text files: the kind and category of each
/// page, its postings.
struct Run {
    kinds: Vec<Kinds>,
    postings: RunPostings,
}

type Kinds = ((String, String), Option<(String, String)>);

/// Builds the index files (paths relative to the site root) for `records`, in the order
/// results tie in.
pub fn build(records: &[Record]) -> Vec<(String, Vec<u8>)> {
    build_with(records.len(), |i| &records[i])
}

/// The same for `pages` pages whose records `record` makes on demand: only the runs in
/// flight hold records and texts; each page is dropped once its postings and its text
/// file are made.
pub fn build_with<R: std::borrow::Borrow<Record>>(
    pages: usize,
    record: impl Fn(usize) -> R + Sync,
) -> Vec<(String, Vec<u8>)> {
    let prepared = Prepared::new(pages, &record);
    let order: HashMap<String, usize> = prepared
        .paths()
        .enumerate()
        .map(|(n, path)| (path, n))
        .collect();
    let files = std::sync::Mutex::new(Vec::new());
    prepared.write(&record, |path, bytes| {
        if let Ok(mut f) = files.lock() {
            f.push((path, bytes));
        }
    });
    let mut files = files.into_inner().unwrap_or_default();
    files.sort_by_key(|f| order.get(&f.0).copied());
    files
}

/// What the sample of pages fixes before indexing: the character code of page texts,
/// the pages per text file and the number of buckets, hence every file's path, known
/// before any is made (so the files can go out as they are made, not held to the end).
pub struct Prepared {
    pages: usize,
    code: TextCode,
    per_file: usize,
    buckets: u32,
}

impl Prepared {
    pub fn new<R: std::borrow::Borrow<Record>>(
        pages: usize,
        record: &(impl Fn(usize) -> R + Sync),
    ) -> Prepared {
        // The sample: character counts, text bytes and normalised characters.
        let step = pages.div_ceil(SAMPLE).max(1);
        let sample: Vec<usize> = (0..pages).step_by(step).collect();
        let (mut counts, text_bytes, sample_chars) = sample
            .par_chunks(32)
            .map(|chunk| {
                let (mut norm, mut weight) = (Vec::new(), Vec::new());
                let mut bmp = vec![0u64; 0x10000];
                let mut counts: HashMap<char, u64> = HashMap::new();
                let (mut bytes, mut chars) = (0, 0);
                for &i in chunk {
                    lay_out(record(i).borrow(), &mut norm, &mut weight, |c| {
                        if (c as u32) < 0x10000 {
                            bmp[c as usize] += 1;
                        } else {
                            *counts.entry(c).or_default() += 1;
                        }
                        bytes += c.len_utf8();
                    });
                    chars += norm.len();
                }
                for (i, &n) in bmp.iter().enumerate() {
                    if let (true, Some(c)) = (n > 0, char::from_u32(i as u32)) {
                        counts.insert(c, n);
                    }
                }
                (counts, bytes, chars)
            })
            .reduce(
                || (HashMap::new(), 0, 0),
                |(mut a, ab, ac), (b, bb, bc)| {
                    for (c, n) in b {
                        *a.entry(c).or_default() += n;
                    }
                    (a, ab + bb, ac + bc)
                },
            );
        if step > 1 {
            // Pages outside the sample may hold ASCII it lacks, and the code needs a code
            // for every ASCII character a text holds.
            for c in (0u8..0x80).map(char::from) {
                counts.entry(c).or_insert(0);
            }
        }
        let code = TextCode::new(&counts);
        let sampled = sample.len().max(1);
        // Encoded text is about half its UTF-8 size.
        let per_file = (TEXT_TARGET / (text_bytes / sampled / 2).max(1)).clamp(1, 64);
        let total_chars = (sample_chars as u128 * pages as u128 / sampled as u128) as usize;
        // About BUCKET_TARGET bytes each on a large site; on a small one at least 64 small
        // buckets, so a query still loads little.
        let buckets = (total_chars / (BUCKET_TARGET * 3 / 2))
            .max((total_chars / 1024).min(64))
            .clamp(1, 8192) as u32;
        Prepared {
            pages,
            code,
            per_file,
            buckets,
        }
    }

    /// Every file the index will be, in the order results tie in: buckets, page texts,
    /// `m.js`.
    pub fn paths(&self) -> impl Iterator<Item = String> + '_ {
        (0..self.buckets)
            .map(|b| format!("{DIR}/g{b}.js"))
            .chain((0..self.pages.div_ceil(self.per_file)).map(|t| format!("{DIR}/t{t}.js")))
            .chain(std::iter::once(format!("{DIR}/m.js")))
    }

    /// Makes every file of [`Prepared::paths`], each handed to `emit` (from any thread)
    /// as soon as it is made. A bucket no gram falls in is written empty, so that every
    /// path is known beforehand (and `search.js` finds an empty list, not a failed load).
    pub fn write<R: std::borrow::Borrow<Record>>(
        &self,
        record: &(impl Fn(usize) -> R + Sync),
        emit: impl Fn(String, Vec<u8>) + Sync,
    ) {
        let Prepared {
            pages,
            ref code,
            per_file,
            buckets,
        } = *self;
        // Runs of whole text files (per_file is at most RUN), two per thread between
        // merges.
        let run = (RUN / per_file).max(1) * per_file;
        let runs = pages.div_ceil(run);
        let batch = rayon::current_num_threads().max(1) * 2;
        let pool: std::sync::Mutex<Vec<Grams>> = std::sync::Mutex::new(Vec::new());
        let spare: std::sync::Mutex<Vec<RunPostings>> = std::sync::Mutex::new(Vec::new());
        let mut partitions: Vec<Partition> = (0..PARTITIONS.min(buckets))
            .map(|_| Partition::default())
            .collect();
        let mut kinds: Vec<Kinds> = Vec::with_capacity(pages);
        for first in (0..runs).step_by(batch) {
            let done: Vec<Run> = (first..(first + batch).min(runs))
                .into_par_iter()
                .map(|n| {
                    let taken = pool.lock().ok().and_then(|mut p| p.pop());
                    let mut grams = taken.unwrap_or_else(|| Grams::new(buckets));
                    let range = n * run..((n + 1) * run).min(pages);
                    let postings = spare.lock().ok().and_then(|mut p| p.pop());
                    let done =
                        index_run(range, record, code, per_file, &mut grams, &emit, postings);
                    if let Ok(mut p) = pool.lock() {
                        p.push(grams);
                    }
                    done
                })
                .collect();
            partitions.par_iter_mut().enumerate().for_each(|(p, part)| {
                for r in &done {
                    part.merge(&r.postings, p, pages);
                }
            });
            for r in done {
                kinds.extend(r.kinds);
                if let Ok(mut p) = spare.lock() {
                    p.push(r.postings);
                }
            }
        }
        drop(pool);
        let parts = partitions.len() as u32;
        partitions
            .into_par_iter()
            .enumerate()
            .for_each(|(p, part)| part.files(p as u32, parts, buckets, pages, &emit));
        emit(
            format!("{DIR}/m.js"),
            meta_file(&kinds, code, buckets, per_file),
        );
    }
}

/// Indexes `pages` (whole text files of `per_file` pages, but for the site's last) and
/// writes their text files.
fn index_run<R: std::borrow::Borrow<Record>>(
    pages: std::ops::Range<usize>,
    record: &(impl Fn(usize) -> R + Sync),
    code: &TextCode,
    per_file: usize,
    grams: &mut Grams,
    emit: &(impl Fn(String, Vec<u8>) + Sync),
    postings: Option<RunPostings>,
) -> Run {
    let (mut norm, mut weight) = (Vec::new(), Vec::new());
    let mut kinds = Vec::with_capacity(pages.len());
    let mut s = String::new();
    let mut encoded = Vec::new();
    let (first, end) = (pages.start, pages.end);
    for i in pages {
        let r = record(i);
        let r = r.borrow();
        encoded.clear();
        let laid = lay_out(r, &mut norm, &mut weight, |c| {
            code.encode_char(c, &mut encoded)
        });
        if i % per_file == 0 {
            s = String::with_capacity(TEXT_TARGET * 5 / 4);
            s.push_str(&format!("tebikiSearch(\"t{}\",[", i / per_file));
        } else {
            s.push(',');
        }
        push_text(&mut s, &laid, &encoded, &r.url);
        if (i + 1) % per_file == 0 || i + 1 == end {
            s.push_str("]);\n");
            emit(
                format!("{DIR}/t{}.js", i / per_file),
                std::mem::take(&mut s).into_bytes(),
            );
        }
        kinds.push((r.kind.clone(), r.category.clone()));
        grams.add_page(i - first, &norm, &weight);
    }
    let mut postings = postings.unwrap_or_default();
    postings.first = first as u32;
    grams.finish(&mut postings);
    Run { kinds, postings }
}

/// One page in its text file: URL, title length, encoded text, anchors.
fn push_text(s: &mut String, l: &Laid, encoded: &[u8], url: &str) {
    s.push('[');
    push_js_string(s, url);
    s.push_str(&format!(",{},\"", l.title_len));
    // Codes are ASCII, characters outside the code are UTF-8: the check is a fast one.
    s.push_str(std::str::from_utf8(encoded).unwrap_or_default());
    s.push_str("\",[");
    for (j, (start, end, anchor)) in l.anchors.iter().enumerate() {
        if j > 0 {
            s.push(',');
        }
        s.push_str(&format!("{start},{end},"));
        push_js_string(s, &anchor.id);
        s.push(',');
        push_js_string(s, &anchor.label);
    }
    s.push_str("]]");
}

fn meta_file(pages: &[Kinds], code: &TextCode, buckets: u32, per_file: usize) -> Vec<u8> {
    let mut kinds: Vec<&(String, String)> = Vec::new();
    let mut cats: Vec<&(String, String)> = Vec::new();
    for (kind, cat) in pages {
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
        if let Some(c) = cat {
            if !cats.contains(&c) {
                cats.push(c);
            }
        }
    }
    let mut page_codes = String::new();
    for (kind, cat) in pages {
        let k = kinds.iter().position(|x| *x == kind).unwrap_or(0);
        let c = cat
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
        pages.len(),
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
    use super::grams::{key_bmp, widen};
    use super::postings::{postings_text, GramList};
    use super::*;

    #[test]
    fn keys_round_trip_and_short_grams_differ() {
        let a: Vec<char> = "調査票".chars().collect();
        assert_eq!(chars_of(key_of(&a)).collect::<String>(), "調査票");
        assert_ne!(key_of(&a[..1]), key_of(&a[..2]));
        assert_eq!(widen(key_bmp(&a).unwrap_or(0)), key_of(&a));
        assert_eq!(
            bucket_of(key_of(&a), 97),
            bucket_of(key_of(&a[..2]), 97),
            "grams sharing two first characters share a bucket"
        );
    }

    fn page(title: &str, body: &str) -> Record {
        Record {
            url: format!("pages/{title}/"),
            title: title.into(),
            kind: ("pages".into(), "解説".into()),
            category: None,
            parts: vec![Part {
                text: body.into(),
                role: Role::Text,
                anchor: None,
            }],
        }
    }

    /// The postings of every gram, decoded: gram -> (page, weight).
    fn postings(records: &[Record]) -> HashMap<String, Vec<(u32, u8)>> {
        let mut grams = Grams::new(7);
        let (mut norm, mut weight) = (Vec::new(), Vec::new());
        let mut part = Partition::default();
        for (n, run) in records.chunks(RUN).enumerate() {
            for (i, r) in run.iter().enumerate() {
                lay_out(r, &mut norm, &mut weight, |_| {});
                grams.add_page(i, &norm, &weight);
            }
            let mut postings = RunPostings {
                first: (n * RUN) as u32,
                ..Default::default()
            };
            grams.finish(&mut postings);
            for p in 0..postings.by_part.len() {
                part.merge(&postings, p, records.len());
            }
        }
        part.lists
            .into_iter()
            .map(|(k, list)| {
                let mut got = Vec::new();
                list.each(|p, w| got.push((p, w)));
                (chars_of(k).collect(), got)
            })
            .collect()
    }

    #[test]
    fn grams_weigh_where_they_start() {
        let r = page("統計", "統計と統計");
        let (mut norm, mut weight) = (Vec::new(), Vec::new());
        lay_out(&r, &mut norm, &mut weight, |_| {});
        assert_eq!(norm.iter().collect::<String>(), "統計統計と統計");
        let p = postings(std::slice::from_ref(&r));
        let w = |s: &str| p.get(s).map(|list| list[0].1);
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

    #[test]
    fn parts_lose_their_outer_whitespace_and_empty_ones_leave_no_trace() {
        let part = |text: &str, role, anchor: Option<(&str, &str)>| Part {
            text: text.into(),
            role,
            anchor: anchor.map(|(id, label)| Anchor {
                id: id.into(),
                label: label.into(),
            }),
        };
        let r = Record {
            url: "pages/x/".into(),
            title: " 題 ".into(),
            kind: ("pages".into(), "解説".into()),
            category: None,
            parts: vec![
                part("  前  後 \n", Role::Text, None),
                part(" \n ", Role::Text, None),
                part(" ", Role::Text, Some(("contacts-heading", "照会先"))),
                part("\n 見出し ", Role::Heading, Some(("h", ""))),
            ],
        };
        let (mut norm, mut weight) = (Vec::new(), Vec::new());
        let mut text = String::new();
        let laid = lay_out(&r, &mut norm, &mut weight, |c| text.push(c));
        assert_eq!(text, "題\n前 後\n\n見出し");
        assert_eq!(laid.title_len, 1);
        let anchors: Vec<(usize, usize, &str, &str)> = laid
            .anchors
            .iter()
            .map(|(s, e, a)| (*s, *e, a.id.as_str(), a.label.as_str()))
            .collect();
        assert_eq!(
            anchors,
            vec![(6, 6, "contacts-heading", "照会先"), (7, 10, "h", "")]
        );
        assert_eq!(norm.iter().collect::<String>(), "題前後見出し");
        assert_eq!(weight, vec![W_TITLE, 0, 0, W_HEADING, W_HEADING, W_HEADING]);
    }

    #[test]
    fn postings_list_every_page_once_in_order() {
        let records = [
            page("一", "調査の調査"),
            page("二", "なし"),
            page("三", "調査"),
        ];
        let p = postings(&records);
        assert_eq!(p["調"], vec![(0, W_REPEATED), (2, 0)]);
        assert_eq!(
            p["調査"],
            vec![(0, 0), (2, 0)],
            "a short gram ends the text"
        );
        assert_eq!(p["な"], vec![(1, 0)]);
        assert!(!p.contains_key("調査調"));
    }

    #[test]
    fn every_planned_path_is_written_even_an_empty_bucket() {
        // One character repeated: its grams fall in at most two buckets (that of the
        // character, that of the pair). A character whose two fall together leaves the
        // other of two buckets empty.
        let c = ('ぁ'..='ゖ')
            .find(|&c| bucket_of(key_of(&[c]), 2) == bucket_of(key_of(&[c, c]), 2))
            .unwrap_or('あ');
        let records = [page(&c.to_string(), &c.to_string().repeat(3000))];
        let prepared = Prepared::new(1, &|i: usize| &records[i]);
        assert_eq!(prepared.buckets, 2);
        let files = build(&records);
        let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        let planned: Vec<String> = prepared.paths().collect();
        assert_eq!(names, planned);
        let empty = 1 - bucket_of(key_of(&[c]), 2);
        let bytes = &files[empty as usize].1;
        assert_eq!(
            String::from_utf8_lossy(bytes),
            format!("tebikiSearch(\"g{empty}\",[]);\n")
        );
    }

    #[test]
    fn runs_and_samples_give_the_index_of_one_pass() {
        // More pages than one run and than the sample: the files of the streamed build
        // decode to the same postings as one run over every page.
        let records: Vec<Record> = (0..(SAMPLE + 2 * RUN + 5))
            .map(|i| page(&format!("頁{i}"), &format!("本文{}と𠮷{}", i % 7, i % 3)))
            .collect();
        let files = build(&records);
        let mut from_files: HashMap<String, String> = HashMap::new();
        for (path, bytes) in &files {
            let name = path.rsplit('/').next().unwrap_or("");
            if !name.starts_with('g') {
                continue;
            }
            let s = String::from_utf8_lossy(bytes);
            let list: Vec<String> =
                serde_json::from_str(&s[s.find('[').unwrap_or(0)..=s.rfind(']').unwrap_or(0)])
                    .unwrap_or_default();
            for pair in list.chunks(2) {
                from_files.insert(pair[0].clone(), pair[1].clone());
            }
        }
        let all = postings(&records);
        assert_eq!(from_files.len(), all.len());
        let mut text = Vec::new();
        for (gram, list) in &all {
            let mut one = GramList::default();
            for &(page, w) in list {
                one.add(page, w);
            }
            text.clear();
            postings_text(&one, records.len(), &mut text);
            let text = String::from_utf8_lossy(&text);
            assert_eq!(
                from_files.get(gram).map(String::as_str),
                Some(&*text),
                "{gram}"
            );
        }
        let texts = files.iter().filter(|f| f.0.contains("/t")).count();
        assert!(texts > 1, "{texts} text files");
    }
}
