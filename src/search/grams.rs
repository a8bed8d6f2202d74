//! One thread's grams: each gram of a run of pages looked up (the index's hottest loop)
//! and its postings in the run kept as bit marks, handed on by partition of buckets.

use super::{bucket_of, key_of, Key, Map, GRAM, PARTITIONS, W_REPEATED};

/// How many characters ahead of the one indexed a gram's slot is fetched.
const AHEAD: usize = 8;

/// A gram's postings in the run at hand: bit `i` of `pages` for its page `i`, with the
/// posting's weight in two bit planes. A run's postings are a few words a gram, however
/// many of its pages hold the gram, and a gram on most pages (most postings) joins its
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
pub(super) struct Grams {
    /// Grams of the Basic Multilingual Plane, with their marks (most of indexing is
    /// looking these up); other grams under full keys, single characters of the BMP in
    /// a table (`id + 1`, 0 for none).
    bmp: BmpGrams,
    wide: Map<Key, u32>,
    singles: Vec<u32>,
    keys: Vec<Key>,
    /// The bucket of each gram.
    bucket: Vec<u32>,
    /// The marks of grams outside `bmp`.
    marks: Vec<Marks>,
    /// Grams outside `bmp` this run holds postings of.
    touched: Vec<u32>,
    buckets: u32,
    /// The page at hand's gram keys (a buffer reused from page to page).
    page_keys: Vec<u64>,
}

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
/// holds a character outside the BMP: rolled from the end, a character at a time, as
/// a key built afresh at each position cost a tenth of the look-ups.
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
            singles: vec![0; 0x10000],
            keys: Vec::new(),
            bucket: Vec::new(),
            marks: Vec::new(),
            touched: Vec::new(),
            buckets,
            page_keys: Vec::new(),
        }
    }

    fn new_id(&mut self, k: Key) -> u32 {
        let id = self.keys.len() as u32;
        self.keys.push(k);
        self.bucket.push(bucket_of(k, self.buckets));
        self.marks.push(Marks::default());
        id
    }

    /// Notes that the run's page of bit `bit` holds gram `id` (not one of `bmp`).
    #[inline(always)]
    fn hit(&mut self, id: u32, bit: u64, w: u8) {
        if self.marks[id as usize].hit(bit, w) {
            self.touched.push(id);
        }
    }

    /// Every character of the run's page `at` (0..RUN) as a single, and the gram
    /// starting at every character but the last (whose gram is the single).
    pub(super) fn add_page(&mut self, at: usize, norm: &[char], weight: &[u8]) {
        let bit = 1u64 << at;
        let n = norm.len();
        let mut page_keys = std::mem::take(&mut self.page_keys);
        let keys = bmp_keys(norm, &mut page_keys);
        for i in 0..n {
            let w = weight[i];
            let c = norm[i];
            let id = if (c as u32) < 0x10000 {
                match self.singles[c as usize] {
                    0 => {
                        let id = self.new_id(key_of(&norm[i..i + 1]));
                        self.singles[c as usize] = id + 1;
                        id
                    }
                    s => s - 1,
                }
            } else {
                self.wide_id(key_of(&norm[i..i + 1]))
            };
            self.hit(id, bit, w);
            // The slot of a gram a few characters on is asked for now, so it is in the
            // cache when its turn comes: most of this loop was waiting for slots.
            if let Some(&k) = keys.get(i + AHEAD).filter(|&&k| k != 0) {
                self.bmp.prefetch(k);
            }
            if i + 1 < n {
                match keys[i] {
                    0 => {
                        let id = self.wide_id(key_of(&norm[i..(i + GRAM).min(n)]));
                        self.hit(id, bit, w);
                    }
                    k => self.bmp.hit(k, bit, w),
                }
            }
        }
        self.page_keys = page_keys;
    }

    fn wide_id(&mut self, k: Key) -> u32 {
        if let Some(&id) = self.wide.get(&k) {
            return id;
        }
        let id = self.new_id(k);
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
        for &id in &self.touched {
            let i = id as usize;
            let marks = std::mem::take(&mut self.marks[i]);
            by_part[(self.bucket[i] % parts) as usize].push((self.keys[i], marks));
        }
        for (k, marks) in self.bmp.take_run() {
            let key = widen(k);
            by_part[(bucket_of(key, self.buckets) % parts) as usize].push((key, marks));
        }
        self.touched.clear();
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
        let at = self.slots.as_ptr().wrapping_add(self.slot_of(k));
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

    /// The grams this run met with their marks, which are cleared for the next run.
    fn take_run(&mut self) -> impl Iterator<Item = (u64, Marks)> + '_ {
        let slots = &mut self.slots;
        self.touched.drain(..).map(move |i| {
            let slot = &mut slots[i as usize];
            (slot.0, std::mem::take(&mut slot.1))
        })
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
