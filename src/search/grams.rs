//! One thread's grams: each gram of a run of pages looked up (the index's hottest loop)
//! and its postings in the run kept as bit marks, handed on by partition of buckets.

use super::{bucket_of, key_of, Key, Map, GRAM, PARTITIONS, W_REPEATED};

/// How many characters ahead of the one indexed a gram's slot is fetched.
const AHEAD: usize = 8;

/// A gram's postings in the run at hand: bit `i` of `pages` for its page `i`, with the
/// posting's weight in two bit planes. A run's postings are a few words a gram, however
/// many of its pages hold the gram, and a gram on many pages (most postings) joins its
/// bitmap a word at a time.
#[derive(Clone, Copy, Default)]
pub(super) struct Marks {
    pub(super) pages: u64,
    pub(super) low: u64,
    pub(super) high: u64,
}

impl Marks {
    /// Notes that the run's page of bit `bit` holds the gram, starting at a character of
    /// weight `w`; met again on the page, the gram weighs at least "repeated". True when
    /// the run had not met the gram yet.
    #[inline(always)]
    fn hit(&mut self, bit: u64, w: u8) -> bool {
        let fresh = self.pages == 0;
        let w = if self.pages & bit == 0 {
            self.pages |= bit;
            w
        } else {
            let old = ((self.high & bit != 0) as u8) << 1 | (self.low & bit != 0) as u8;
            old.max(w).max(W_REPEATED)
        };
        self.low = (self.low & !bit) | if w & 1 != 0 { bit } else { 0 };
        self.high = (self.high & !bit) | if w & 2 != 0 { bit } else { 0 };
        fresh
    }

    /// The weight of the posting of bit `i`.
    pub(super) fn weight(&self, i: u32) -> u8 {
        ((((self.high >> i) & 1) << 1) | ((self.low >> i) & 1)) as u8
    }
}

/// One thread's grams, kept from run to run (so its maps stop growing early), and the
/// postings of the run at hand as each gram's [`Marks`]. Grams outside the BMP table are
/// numbered as first met.
///
/// Single characters are not looked up as the text is read: a page holds a character
/// exactly where a gram starts with it (the last character's gram is the character
/// alone), so a run's singles are gathered from its grams' marks when it ends, once per
/// gram met rather than once per character read.
pub(super) struct Grams {
    /// Grams of the Basic Multilingual Plane, with their marks (most of indexing is
    /// looking these up); other grams under full keys.
    bmp: BmpGrams,
    wide: Map<Key, u32>,
    keys: Vec<Key>,
    /// The bucket of each gram.
    bucket: Vec<u32>,
    /// The marks of grams outside `bmp`.
    marks: Vec<Marks>,
    /// Grams outside `bmp` this run holds postings of.
    touched: Vec<u32>,
    singles: Singles,
    buckets: u32,
    /// The page at hand's gram keys (a buffer reused from page to page).
    page_keys: Vec<u64>,
}

/// The single characters met: those of the BMP by a table (`number + 1`, 0 for none),
/// the others by a map.
struct Singles {
    bmp: Vec<u32>,
    wide: Map<Key, u32>,
    list: Vec<Single>,
    /// Singles this run holds postings of.
    touched: Vec<u32>,
    buckets: u32,
}

impl Singles {
    /// The number of the single character `c`.
    fn number(&mut self, c: u32) -> usize {
        if let Some(&n) = self.bmp.get(c as usize).filter(|&&n| n != 0) {
            return n as usize - 1;
        }
        let key = (c as Key) << FIRST;
        if let Some(&n) = self.wide.get(&key) {
            return n as usize;
        }
        let n = self.list.len();
        self.list.push(Single {
            key,
            bucket: bucket_of(key, self.buckets),
            marks: Marks::default(),
            twice: 0,
        });
        match self.bmp.get_mut(c as usize) {
            Some(slot) => *slot = n as u32 + 1,
            None => {
                self.wide.insert(key, n as u32);
            }
        }
        n
    }

    /// Adds a gram's marks in the run to the single character it starts with.
    fn gather(&mut self, gram: Key, marks: &Marks) {
        let n = self.number((gram >> FIRST) as u32);
        if self.list[n].marks.pages == 0 {
            self.touched.push(n as u32);
        }
        self.list[n].gather(marks);
    }

    /// The run's singles with their marks, which are cleared for the next run.
    fn take_run(&mut self) -> impl Iterator<Item = (Key, u32, Marks)> + '_ {
        let list = &mut self.list;
        self.touched.drain(..).map(move |n| {
            let single = &mut list[n as usize];
            (single.key, single.bucket, single.take())
        })
    }
}

/// A single character's postings in the run at hand, gathered from the grams that start
/// with it.
struct Single {
    key: Key,
    bucket: u32,
    marks: Marks,
    /// Pages where more than one gram starting with it was met, so it is repeated.
    twice: u64,
}

impl Single {
    /// Adds the postings of a gram starting with this character: the pages of either,
    /// each page's weight the greater of the two.
    #[inline(always)]
    fn gather(&mut self, m: &Marks) {
        let s = &mut self.marks;
        self.twice |= s.pages & m.pages;
        s.pages |= m.pages;
        // The greater of two 2-bit weights, a page per bit: the one with the high bit,
        // or either low bit when both have it or neither does.
        let (hs, ls) = (s.high, s.low);
        s.low = (ls & (hs | !m.high)) | (m.low & (m.high | !hs));
        s.high = hs | m.high;
    }

    /// The run's marks, cleared for the next run: a page where the character stands
    /// more than once weighs at least "repeated", as [`Marks::hit`] would have it.
    fn take(&mut self) -> Marks {
        let mut m = std::mem::take(&mut self.marks);
        // "Repeated" is weight 1: the low bit alone.
        m.low |= self.twice & !m.high;
        self.twice = 0;
        m
    }
}

/// How far up a [`Key`] its first character lies.
const FIRST: u32 = 21 * (GRAM as u32 - 1);

/// A gram of BMP characters as 16-bit groups, zero-padded.
#[cfg(test)]
pub(super) fn key_bmp(chars: &[char]) -> Option<u64> {
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

/// The [`key_bmp`] of the gram at every position of `norm` into `keys`, 0 where it
/// holds a character outside the BMP: rolled from the end, a character at a time,
/// rather than built afresh at each position, twice (for the look-up and for the
/// prefetch ahead of it).
fn bmp_keys<'k>(norm: &[char], keys: &'k mut Vec<u64>) -> &'k [u64] {
    keys.clear();
    keys.resize(norm.len(), 0);
    let mut k = 0u64;
    // How many grams from here on still hold the last wide character met.
    let mut wide = 0;
    for (i, &c) in norm.iter().enumerate().rev() {
        k = (k >> 16) | (c as u64 & 0xFFFF) << (16 * (GRAM - 1));
        wide = if c as u32 > 0xFFFF {
            GRAM
        } else {
            wide.saturating_sub(1)
        };
        keys[i] = if wide == 0 { k } else { 0 };
    }
    keys
}

pub(super) fn widen(k: u64) -> Key {
    let mut out: Key = 0;
    for i in (0..GRAM).rev() {
        out = (out << 21) | ((k >> (16 * i)) & 0xFFFF) as Key;
    }
    out
}

impl Grams {
    pub(super) fn new(buckets: u32) -> Grams {
        Grams {
            bmp: BmpGrams::new(),
            wide: Map::default(),
            keys: Vec::new(),
            bucket: Vec::new(),
            marks: Vec::new(),
            touched: Vec::new(),
            singles: Singles {
                bmp: vec![0; 0x10000],
                wide: Map::default(),
                list: Vec::new(),
                touched: Vec::new(),
                buckets,
            },
            buckets,
            page_keys: Vec::new(),
        }
    }

    /// The gram starting at every character of the run's page `at` (0..RUN).
    pub(super) fn add_page(&mut self, at: usize, norm: &[char], weight: &[u8]) {
        let bit = 1u64 << at;
        let n = norm.len();
        let mut page_keys = std::mem::take(&mut self.page_keys);
        let keys = bmp_keys(norm, &mut page_keys);
        for (i, (&k, &w)) in keys.iter().zip(weight).enumerate() {
            // The slot of a gram a few characters on is asked for now, so it is in the
            // cache when its turn comes: most of this loop was waiting for slots.
            if let Some(&ahead) = keys.get(i + AHEAD).filter(|&&k| k != 0) {
                self.bmp.prefetch(ahead);
            }
            match k {
                0 => {
                    let id = self.wide_id(key_of(&norm[i..(i + GRAM).min(n)]));
                    if self.marks[id as usize].hit(bit, w) {
                        self.touched.push(id);
                    }
                }
                k => self.bmp.hit(k, bit, w),
            }
        }
        self.page_keys = page_keys;
    }

    fn wide_id(&mut self, k: Key) -> u32 {
        if let Some(&id) = self.wide.get(&k) {
            return id;
        }
        let id = self.keys.len() as u32;
        self.keys.push(k);
        self.bucket.push(bucket_of(k, self.buckets));
        self.marks.push(Marks::default());
        self.wide.insert(k, id);
        id
    }

    /// The run's postings by partition into `out` (buffers of an earlier run, reused);
    /// the grams' marks are cleared for the next run.
    pub(super) fn finish(&mut self, out: &mut RunPostings) {
        let parts = PARTITIONS.min(self.buckets);
        let by_part = &mut out.by_part;
        by_part.resize_with(parts as usize, Vec::new);
        by_part.iter_mut().for_each(Vec::clear);
        // A gram of one character, the last of a text, is that character's single.
        let alone = |key: Key| key & ((1 << FIRST) - 1) == 0;
        for &id in &self.touched {
            let i = id as usize;
            let marks = std::mem::take(&mut self.marks[i]);
            let key = self.keys[i];
            self.singles.gather(key, &marks);
            if !alone(key) {
                by_part[(self.bucket[i] % parts) as usize].push((key, marks));
            }
        }
        self.touched.clear();
        let (singles, buckets) = (&mut self.singles, self.buckets);
        self.bmp.take_run(|k, marks| {
            let key = widen(k);
            singles.gather(key, &marks);
            if !alone(key) {
                by_part[(bucket_of(key, buckets) % parts) as usize].push((key, marks));
            }
        });
        for (key, bucket, marks) in self.singles.take_run() {
            by_part[(bucket % parts) as usize].push((key, marks));
        }
    }
}

/// The grams of the BMP one thread has met (as 16-bit groups, see [`key_bmp`]) with
/// their marks: open addressing, each key beside its marks in 32 bytes, two to a cache
/// line. A table of its own so that the slot of a gram still to come can be prefetched
/// (a general hash map does not say where a key lives): waiting for slots was a third
/// of this, the index's hottest loop. No key is 0 (a gram has a first character), so 0
/// marks a free slot.
struct BmpGrams {
    slots: Vec<(u64, Marks)>,
    len: usize,
    /// Slots this run has marks in.
    touched: Vec<u32>,
}

impl BmpGrams {
    fn new() -> BmpGrams {
        BmpGrams {
            slots: vec![(0, Marks::default()); 1 << 12],
            len: 0,
            touched: Vec::new(),
        }
    }

    /// Asks for the cache line of `k`'s first slot.
    #[inline(always)]
    fn prefetch(&self, k: u64) {
        self.prefetch_slot(self.slot_of(k));
    }

    /// Asks for the cache line of slot `i`.
    #[inline(always)]
    fn prefetch_slot(&self, i: usize) {
        let at = self.slots.as_ptr().wrapping_add(i);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a prefetch is a hint; it never faults and reads nothing into the
        // program, whatever the address.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(at as *const i8);
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = at;
    }

    #[inline(always)]
    fn slot_of(&self, k: u64) -> usize {
        // Fibonacci hashing: the top bits of the product.
        let bits = self.slots.len().trailing_zeros();
        (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
    }

    /// Notes that the run's page of bit `bit` holds gram `k`, of weight `w`.
    #[inline(always)]
    fn hit(&mut self, k: u64, bit: u64, w: u8) {
        let mask = self.slots.len() - 1;
        let mut i = self.slot_of(k);
        loop {
            let slot = &mut self.slots[i];
            if slot.0 == k {
                if slot.1.hit(bit, w) {
                    self.touched.push(i as u32);
                }
                return;
            }
            if slot.0 == 0 {
                break;
            }
            i = (i + 1) & mask;
        }
        // A new gram: at most three quarters full, so probes stay short.
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
            return self.hit(k, bit, w);
        }
        self.slots[i].0 = k;
        self.len += 1;
        if self.slots[i].1.hit(bit, w) {
            self.touched.push(i as u32);
        }
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![(0, Marks::default()); size]);
        let mask = self.slots.len() - 1;
        self.touched.clear();
        for (k, marks) in old.into_iter().filter(|s| s.0 != 0) {
            let mut i = self.slot_of(k);
            while self.slots[i].0 != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = (k, marks);
            if marks.pages != 0 {
                self.touched.push(i as u32);
            }
        }
    }

    /// Hands `f` the grams this run met with their marks, which are cleared for the next
    /// run. Their slots lie in the order the grams were first met, all over the table:
    /// each is asked for a few grams ahead, as in [`Grams::add_page`], for waiting for
    /// them was nearly half of grouping a run.
    fn take_run(&mut self, mut f: impl FnMut(u64, Marks)) {
        for j in 0..self.touched.len() {
            if let Some(&ahead) = self.touched.get(j + AHEAD) {
                self.prefetch_slot(ahead as usize);
            }
            let slot = &mut self.slots[self.touched[j] as usize];
            f(slot.0, std::mem::take(&mut slot.1));
        }
        self.touched.clear();
    }
}

/// The postings of one run, by partition: each gram with its marks; bit `i` of the
/// marks stands for page `first + i`.
#[derive(Default)]
pub(super) struct RunPostings {
    pub(super) first: u32,
    pub(super) by_part: Vec<Vec<(Key, Marks)>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn singles_gathered_from_grams_are_singles_read_one_by_one() {
        // Pages of a few characters (one outside the BMP) with title, heading and
        // body weights; each character's postings as reading it where it stands gives
        // them: its weight where it stands once, at least "repeated" where more often.
        let alphabet: Vec<char> = "調a𠮷".chars().collect();
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut grams = Grams::new(7);
        let as_tuples = |m: HashMap<Key, Marks>| -> HashMap<Key, (u64, u64, u64)> {
            m.into_iter()
                .map(|(k, m)| (k, (m.pages, m.low, m.high)))
                .collect()
        };
        // Several runs: the singles' marks are cleared between them.
        for _ in 0..5 {
            let mut want: HashMap<Key, Marks> = HashMap::new();
            for page in 0..64u64 {
                let len = next(24) as usize;
                let norm: Vec<char> = (0..len).map(|_| alphabet[next(3) as usize]).collect();
                let weight: Vec<u8> = (0..len)
                    .map(|_| [0, 0, 0, 2, 3][next(5) as usize])
                    .collect();
                grams.add_page(page as usize, &norm, &weight);
                for (&c, &w) in norm.iter().zip(&weight) {
                    want.entry(key_of(&[c])).or_default().hit(1 << page, w);
                }
            }
            let mut out = RunPostings::default();
            grams.finish(&mut out);
            let got: HashMap<Key, Marks> = out
                .by_part
                .iter()
                .flatten()
                .filter(|(k, _)| k & ((1 << FIRST) - 1) == 0)
                .map(|&(k, m)| (k, m))
                .collect();
            assert_eq!(as_tuples(got), as_tuples(want));
        }
    }

    #[test]
    fn rolled_keys_are_the_keys_of_each_gram() {
        let texts = [
            "",
            "調",
            "調査",
            "調査票の𠮷野家a𠮷",
            "𠮷",
            "ab𠮷cdefg𠮷𠮷h",
        ];
        let mut buf = Vec::new();
        for t in texts {
            let norm: Vec<char> = t.chars().collect();
            let keys = bmp_keys(&norm, &mut buf).to_vec();
            let want: Vec<u64> = (0..norm.len())
                .map(|i| key_bmp(&norm[i..(i + GRAM).min(norm.len())]).unwrap_or(0))
                .collect();
            assert_eq!(keys, want, "{t}");
        }
    }
}
