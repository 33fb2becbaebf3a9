//! One pass over a line that finds its quotes and tells what kinds of bytes it holds, sixty-four
//! bytes at a time, so that the JSON scanner can jump from string to string instead of
//! searching for each string's end. The quotes are kept as a bit mask, a bit per byte.

/// The quotes of a line and what else it holds. Reused from line to line.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    /// Where the quotes are: bit `i % 64` of word `i / 64` is set when byte `i` is `"`.
    quotes: Vec<u64>,
    /// Whether the line holds a backslash.
    pub backslash: bool,
    /// Whether the line holds a control character (a byte below 0x20).
    pub control: bool,
    /// Whether the line holds a byte that is not ASCII.
    pub non_ascii: bool,
}

impl LineIndex {
    /// Indexes `line`.
    pub fn build(&mut self, line: &[u8]) {
        self.quotes.clear();
        let mut kinds = Kinds::new();
        let mut words = line.chunks_exact(64);
        for bytes in &mut words {
            let bytes = bytes.try_into().unwrap_or(&[b' '; 64]);
            self.quotes.push(kinds.add(bytes));
        }
        let tail = words.remainder();
        if !tail.is_empty() {
            let quotes = match line.len().checked_sub(64) {
                // The line's last 64 bytes, some of them seen already (which changes no kind):
                // their quotes are shifted down to the tail's.
                Some(start) => {
                    let window = line[start..].try_into().unwrap_or(&[b' '; 64]);
                    kinds.add(window) >> (64 - tail.len())
                }
                // Padding with spaces adds no quote, backslash, control or high byte.
                None => {
                    let mut bytes = [b' '; 64];
                    bytes[..tail.len()].copy_from_slice(tail);
                    kinds.add(&bytes)
                }
            };
            self.quotes.push(quotes);
        }
        (self.backslash, self.control, self.non_ascii) = kinds.summary();
    }

    /// The quotes' mask: bit `i % 64` of word `i / 64` is set when byte `i` is `"`.
    pub fn quote_words(&self) -> &[u64] {
        &self.quotes
    }

    /// The offset of the first quote at or after `from`.
    #[inline(always)]
    pub fn next_quote(&self, from: usize) -> Option<usize> {
        let mut word_index = from / 64;
        let mut word = *self.quotes.get(word_index)? & (u64::MAX << (from % 64));
        while word == 0 {
            word_index += 1;
            word = *self.quotes.get(word_index)?;
        }
        Some(word_index * 64 + word.trailing_zeros() as usize)
    }
}

/// The kinds of bytes seen so far in a line, kept as the processor's vectors: the quotes'
/// mask is made for each word, the rest is summed up once at the end of the line.
#[cfg(target_arch = "x86_64")]
struct Kinds {
    /// Lanes set where a backslash was seen.
    backslash: safe_arch::m128i,
    /// The bytes OR-ed together: the high bit of a lane tells of a byte that is not ASCII.
    any: safe_arch::m128i,
    /// The lowest byte seen in each lane.
    lowest: safe_arch::m128i,
}

#[cfg(target_arch = "x86_64")]
impl Kinds {
    /// Nothing seen yet.
    fn new() -> Kinds {
        Kinds {
            backslash: safe_arch::m128i::default(),
            any: safe_arch::m128i::default(),
            lowest: safe_arch::set_splat_i8_m128i(-1),
        }
    }

    /// Adds 64 bytes; returns where their quotes are (bit `i` for byte `i`).
    #[inline]
    fn add(&mut self, bytes: &[u8; 64]) -> u64 {
        use safe_arch::{
            cmp_eq_mask_i8_m128i, load_unaligned_m128i, min_u8_m128i, move_mask_i8_m128i,
            set_splat_i8_m128i,
        };
        let quote = set_splat_i8_m128i(b'"' as i8);
        let backslash = set_splat_i8_m128i(b'\\' as i8);
        let mut quotes = 0u64;
        for (block, bytes) in bytes.chunks_exact(16).enumerate() {
            let vector = load_unaligned_m128i(bytes.try_into().unwrap_or(&[b' '; 16]));
            let mask = move_mask_i8_m128i(cmp_eq_mask_i8_m128i(vector, quote)) as u16;
            quotes |= u64::from(mask) << (16 * block);
            self.backslash |= cmp_eq_mask_i8_m128i(vector, backslash);
            self.any |= vector;
            self.lowest = min_u8_m128i(self.lowest, vector);
        }
        quotes
    }

    /// Whether the line holds a backslash, a control character and a byte that is not ASCII.
    fn summary(&self) -> (bool, bool, bool) {
        use safe_arch::{
            cmp_eq_mask_i8_m128i, max_u8_m128i, move_mask_i8_m128i, set_splat_i8_m128i,
        };
        // A lane's lowest byte is below 0x20 exactly when max(lowest, 0x20) differs from it.
        let space = set_splat_i8_m128i(0x20);
        let at_least_space = cmp_eq_mask_i8_m128i(max_u8_m128i(self.lowest, space), self.lowest);
        (
            move_mask_i8_m128i(self.backslash) != 0,
            move_mask_i8_m128i(at_least_space) != 0xffff,
            move_mask_i8_m128i(self.any) != 0,
        )
    }
}

/// The kinds of bytes seen so far in a line, on other processors: eight bytes at a time.
#[cfg(not(target_arch = "x86_64"))]
use WordKinds as Kinds;

/// The kinds of bytes seen so far, worked out a word of eight bytes at a time on any
/// processor: for the three kinds other than quotes, the high bit of each byte is set where
/// a byte of that kind was seen.
#[cfg(any(test, not(target_arch = "x86_64")))]
#[derive(Default)]
struct WordKinds {
    backslash: u64,
    control: u64,
    non_ascii: u64,
}

#[cfg(any(test, not(target_arch = "x86_64")))]
impl WordKinds {
    /// Nothing seen yet.
    fn new() -> WordKinds {
        WordKinds::default()
    }

    /// Adds 64 bytes; returns where their quotes are (bit `i` for byte `i`).
    fn add(&mut self, bytes: &[u8; 64]) -> u64 {
        let mut quotes = 0u64;
        for (index, word) in bytes.chunks_exact(8).enumerate() {
            let word = u64::from_le_bytes(word.try_into().unwrap_or([b' '; 8]));
            quotes |= u64::from(self.add_word(word)) << (8 * index);
        }
        quotes
    }

    /// Adds one word (the first byte in the lowest bits); returns where its quotes are. Each
    /// test works on the low seven bits of every byte, where adding cannot carry into the
    /// next byte, so a byte's result never depends on its neighbours.
    fn add_word(&mut self, word: u64) -> u8 {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        const HIGHS: u64 = 0x8080_8080_8080_8080;
        let high = word & HIGHS;
        let low = word & LOW_SEVEN;
        // The high bit of each byte of `equal(c)` is set where the byte is the ASCII `c`.
        let equal = |c: u8| {
            let difference = low ^ (ONES * u64::from(c));
            !((difference + LOW_SEVEN) | high) & HIGHS
        };
        // Adding 0x60 to seven bits sets the eighth exactly when they are 0x20 or more.
        self.control |= !((low + ONES * 0x60) | high) & HIGHS;
        self.backslash |= equal(b'\\');
        self.non_ascii |= high;
        // Each byte's high bit lands in a distinct bit of the top byte; no two products overlap.
        ((equal(b'"') >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8
    }

    /// Whether the line holds a backslash, a control character and a byte that is not ASCII.
    fn summary(&self) -> (bool, bool, bool) {
        (self.backslash != 0, self.control != 0, self.non_ascii != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The masks agree with a byte-by-byte reading on every kind of byte, in every position,
    /// and the word-at-a-time path agrees with the processor's.
    #[test]
    fn words_match_a_byte_by_byte_reading() {
        let interesting = [
            0u8, 0x1f, 0x20, b'"', b'\\', b'a', 0x7f, 0x80, 0xa2, 0xdc, 0xff,
        ];
        for seed in 0..5000usize {
            let bytes: [u8; 64] = std::array::from_fn(|i| {
                let pick = seed * 7 + i * 13 + (seed >> 3) * i + (seed >> 6);
                // Most words are plain, so that each kind is also seen alone.
                if (seed + i) % 5 == 0 || seed % 4 == 0 {
                    interesting[pick % interesting.len()]
                } else {
                    b'a'
                }
            });
            let quotes = bytes
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'"')
                .fold(0u64, |mask, (i, _)| mask | 1 << i);
            let expected = (
                bytes.contains(&b'\\'),
                bytes.iter().any(|&b| b < 0x20),
                !bytes.is_ascii(),
            );
            let mut kinds = Kinds::new();
            assert_eq!(kinds.add(&bytes), quotes, "{bytes:?}");
            assert_eq!(kinds.summary(), expected, "{bytes:?}");
            let mut word_kinds = WordKinds::new();
            assert_eq!(word_kinds.add(&bytes), quotes, "{bytes:?}");
            assert_eq!(word_kinds.summary(), expected, "{bytes:?}");
        }
    }

    #[test]
    fn finds_every_quote_and_the_kinds_of_bytes() {
        let mut index = LineIndex::default();
        for length in 0..=200 {
            let line: Vec<u8> = (0..length)
                .map(
                    |i| match i % 3 == 0 || i == 64 || (i * 7 + length) % 11 == 0 {
                        true => b'"',
                        false => b'a',
                    },
                )
                .collect();
            index.build(&line);
            let mut found = Vec::new();
            let mut from = 0;
            while let Some(quote) = index.next_quote(from) {
                found.push(quote);
                from = quote + 1;
            }
            let expected: Vec<usize> = (0..length).filter(|&i| line[i] == b'"').collect();
            assert_eq!(found, expected, "{length}");
            assert!(!index.backslash && !index.control && !index.non_ascii);
        }
        // A kind only in the last byte, or only in the first, of lines of any length.
        for length in 1..=200 {
            for (byte, kind) in [(b'\\', 0), (b'\n', 1), (0xc3, 2)] {
                for at in [0, length - 1] {
                    let mut line = vec![b'a'; length];
                    line[at] = byte;
                    index.build(&line);
                    let kinds = [index.backslash, index.control, index.non_ascii];
                    let expected: Vec<bool> = (0..3).map(|k| k == kind).collect();
                    assert_eq!(kinds.to_vec(), expected, "{length} {at} {byte}");
                }
            }
        }
        index.build("{\"a\":\"é\"}".as_bytes());
        assert!(index.non_ascii && !index.backslash && !index.control);
        index.build(b"{\"a\":\"\\t\"}\t");
        assert!(index.backslash && index.control && !index.non_ascii);
        // The kinds of one line do not leak into the next.
        index.build(b"{}");
        assert!(!index.backslash && !index.control && !index.non_ascii);
    }
}
