//! Posting lists as they grow from run to run, per partition of buckets, and as the
//! bucket files spell them.

use super::grams::{Marks, RunPostings};
use super::{bucket_of, chars_of, encode, Key, Map, DIR, W_HEADING, W_REPEATED};
use encode::push_js_string;

/// The postings of every gram of a partition so far, held compact until the files are
/// written (four bytes a posting, for every gram at once, made the index the largest
/// part of a build's memory).
#[derive(Default)]
pub(super) struct Partition {
    pub(super) lists: Map<Key, GramList>,
}

/// The number a posting is spelled as: the gap from `next` (the page after the one
/// listed before it) and the weight.
fn posting(page: u32, next: u32, w: u8) -> u64 {
    (((page - next) as u64) << 2) | w as u64
}

/// A gram's postings: page gaps with their weight (`(gap << 2) | weight`) spelled as
/// the files spell them ([`encode::push_number_bytes`]), so a list is written as held;
/// once a gram is on more than an eighth of the pages, bitmaps instead, which a run
/// joins a word at a time (the file still takes whichever form is shorter).
#[derive(Default)]
pub(super) struct GramList {
    /// The page after the last one listed.
    next: u32,
    count: u32,
    digits: Vec<u8>,
    dense: Option<Box<Dense>>,
}

/// Pages holding the gram, pages where it is repeated, and the pages of title or
/// heading weight with that weight (as gaps between them, spelled: the bitmap form's
/// tail as the files write it).
struct Dense {
    present: Vec<u64>,
    repeated: Vec<u64>,
    strong: Vec<u8>,
    strong_next: u32,
}

impl Dense {
    fn new(pages: usize) -> Dense {
        Dense {
            present: vec![0; pages.div_ceil(64)],
            repeated: vec![0; pages.div_ceil(64)],
            strong: Vec::new(),
            strong_next: 0,
        }
    }

    #[inline]
    fn add(&mut self, page: u32, w: u8) {
        let (word, bit) = (page as usize / 64, 1u64 << (page % 64));
        self.present[word] |= bit;
        if w >= W_HEADING {
            encode::push_number_bytes(&mut self.strong, posting(page, self.strong_next, w));
            self.strong_next = page + 1;
        } else if w == W_REPEATED {
            self.repeated[word] |= bit;
        }
    }

    /// Adds a run's postings, bit `i` of `marks` standing for page `first + i`.
    fn add_run(&mut self, first: u32, marks: &Marks) {
        let (word, off) = (first as usize / 64, first % 64);
        let or = |bits: &mut Vec<u64>, m: u64| {
            bits[word] |= m << off;
            if off > 0 {
                if let Some(next) = bits.get_mut(word + 1) {
                    *next |= m >> (64 - off);
                }
            }
        };
        or(&mut self.present, marks.pages);
        // Weight 1 is "repeated"; 2 and 3 (heading, title) are listed.
        or(&mut self.repeated, marks.low & !marks.high);
        let mut strong = marks.high;
        while strong != 0 {
            let i = strong.trailing_zeros();
            strong &= strong - 1;
            let page = first + i;
            encode::push_number_bytes(
                &mut self.strong,
                posting(page, self.strong_next, marks.weight(i)),
            );
            self.strong_next = page + 1;
        }
    }

    /// The pages as the files' bitmap: six pages a digit.
    fn push_bitmap(&self, pages: usize, out: &mut Vec<u8>) {
        for k in 0..pages.div_ceil(6) {
            let (word, off) = (k * 6 / 64, k * 6 % 64);
            let mut v = self.present[word] >> off;
            if off > 58 {
                if let Some(&next) = self.present.get(word + 1) {
                    v |= next << (64 - off);
                }
            }
            out.push(encode::DIGITS[(v & 63) as usize]);
        }
    }
}

impl GramList {
    #[inline]
    pub(super) fn add(&mut self, page: u32, w: u8) {
        match &mut self.dense {
            Some(d) => d.add(page, w),
            None => encode::push_number_bytes(&mut self.digits, posting(page, self.next, w)),
        }
        self.next = page + 1;
        self.count += 1;
    }

    /// Calls `f(page, weight)` for every posting, pages ascending.
    pub(super) fn each(&self, mut f: impl FnMut(u32, u8)) {
        let mut page = 0u32;
        for v in encode::numbers(&self.digits) {
            page += (v >> 2) as u32;
            f(page, (v & 3) as u8);
            page += 1;
        }
        if let Some(d) = &self.dense {
            let mut strong = encode::numbers(&d.strong).scan(0u32, |next, v| {
                let p = *next + (v >> 2) as u32;
                *next = p + 1;
                Some((p, (v & 3) as u8))
            });
            let mut next_strong = strong.next();
            for (wi, &word) in d.present.iter().enumerate() {
                let mut bits = word;
                while bits != 0 {
                    let b = bits.trailing_zeros();
                    bits &= bits - 1;
                    let p = wi as u32 * 64 + b;
                    let w = match next_strong {
                        Some((sp, sw)) if sp == p => {
                            next_strong = strong.next();
                            sw
                        }
                        _ if d.repeated[wi] >> b & 1 == 1 => W_REPEATED,
                        _ => 0,
                    };
                    f(p, w);
                }
            }
        }
    }
}

impl Partition {
    /// Appends the postings of `run` for this partition; runs come in page order.
    pub(super) fn merge(&mut self, run: &RunPostings, part: usize, pages: usize) {
        let first = run.first;
        for &(k, marks) in &run.by_part[part] {
            let list = self.lists.entry(k).or_default();
            let added = marks.pages.count_ones();
            if list.dense.is_none() && (list.count + added) as usize * 8 > pages {
                // Bitmaps take pages / 4 bytes, and each posting a byte or more, so at most
                // twice the digits' memory; from a quarter of the pages on (where they take
                // less) merging spent a quarter more time adding postings one by one.
                let mut d = Dense::new(pages);
                list.each(|p, w| d.add(p, w));
                list.digits = Vec::new();
                list.dense = Some(Box::new(d));
            }
            match &mut list.dense {
                Some(d) => {
                    d.add_run(first, &marks);
                    list.next = first + 64 - marks.pages.leading_zeros();
                    list.count += added;
                }
                None => {
                    // Long lists grow by a quarter rather than double: they are most of
                    // the index's memory. Short ones double (from 8 bytes): growing a
                    // byte or two a run, they were reallocated at nearly every run.
                    let need = added as usize * 2;
                    let len = list.digits.len();
                    if list.digits.capacity() - len < need {
                        let more = if len < 1024 { len.max(8) } else { len / 4 };
                        list.digits.reserve_exact(need.max(more));
                    }
                    let mut bits = marks.pages;
                    while bits != 0 {
                        let i = bits.trailing_zeros();
                        bits &= bits - 1;
                        list.add(first + i, marks.weight(i));
                    }
                }
            }
        }
    }

    /// Writes the bucket files of this partition (number `part` of `parts`), each handed
    /// to `emit` once made and its lists dropped.
    pub(super) fn files(
        self,
        part: u32,
        parts: u32,
        buckets: u32,
        pages: usize,
        emit: &(impl Fn(String, Vec<u8>) + Sync),
    ) {
        let mut entries: Vec<(u32, Key, GramList)> = self
            .lists
            .into_iter()
            .map(|(k, list)| (bucket_of(k, buckets), k, list))
            .collect();
        entries.sort_unstable_by_key(|e| (e.0, e.1));
        let (mut gram, mut quoted) = (String::new(), String::new());
        let mut entries = entries.into_iter().peekable();
        for b in (part..buckets).step_by(parts as usize) {
            // Bytes, not a String: the digits are ASCII, and checking that they are UTF-8
            // read most of the index's bytes once more.
            let mut s = format!("tebikiSearch(\"g{b}\",[").into_bytes();
            let mut first = true;
            while let Some((_, k, list)) = entries.next_if(|e| e.0 == b) {
                if !first {
                    s.push(b',');
                }
                first = false;
                gram.clear();
                gram.extend(chars_of(k));
                quoted.clear();
                push_js_string(&mut quoted, &gram);
                s.extend_from_slice(quoted.as_bytes());
                s.extend_from_slice(b",\"");
                postings_text(&list, pages, &mut s);
                s.push(b'"');
            }
            s.extend_from_slice(b"]);\n");
            emit(format!("{DIR}/g{b}.js"), s);
        }
    }
}

/// A posting list as text, appended to `out`: page gaps with their weight in the digits
/// of [`encode`], or, when shorter, `!` and a bitmap of the pages (six per digit)
/// followed by the pages of title and heading weight (a gram that common gives no
/// "repeated" weight).
pub(super) fn postings_text(list: &GramList, pages: usize, out: &mut Vec<u8>) {
    let bitmap_len = pages.div_ceil(6) + 1;
    // The gap form's length, and the bitmap form's tail (the strong pages), each made
    // only when needed: most postings are in lists so common that a bitmap wins
    // whatever their gaps (a digit or more each).
    let owned;
    let (gap_len, strong): (Option<usize>, &[u8]) = match &list.dense {
        None if list.digits.len() <= bitmap_len => (Some(list.digits.len()), &[]),
        None => {
            let mut tail = Vec::new();
            let mut next = 0u32;
            list.each(|page, w| {
                if w >= W_HEADING {
                    encode::push_number_bytes(&mut tail, posting(page, next, w));
                    next = page + 1;
                }
            });
            owned = tail;
            (Some(list.digits.len()), &owned)
        }
        Some(d) if list.count as usize > bitmap_len + d.strong.len() => (None, &d.strong),
        Some(d) => {
            let mut len = 0;
            let mut next = 0u32;
            list.each(|page, w| {
                len += encode::number_len(posting(page, next, w));
                next = page + 1;
            });
            (Some(len), &d.strong)
        }
    };
    if gap_len.is_some_and(|l| l <= bitmap_len + strong.len()) {
        match &list.dense {
            None => out.extend_from_slice(&list.digits),
            Some(_) => {
                let mut next = 0u32;
                list.each(|page, w| {
                    encode::push_number_bytes(out, posting(page, next, w));
                    next = page + 1;
                });
            }
        }
        return;
    }
    out.push(b'!');
    match &list.dense {
        Some(d) => d.push_bitmap(pages, out),
        None => {
            let mut bits = vec![0u8; pages.div_ceil(6)];
            list.each(|page, _| bits[page as usize / 6] |= 1 << (page % 6));
            out.extend(bits.iter().map(|&d| encode::DIGITS[d as usize]));
        }
    }
    out.extend_from_slice(strong);
}
