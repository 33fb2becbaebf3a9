//! One pass over a line that finds its quotes and tells what kinds of bytes it holds, sixteen
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

/// What a block of sixteen bytes holds: where its quotes are (bit `i` for byte `i`), and,
/// in the other masks, non-zero when it holds a byte of that kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct BlockMasks {
    quote: u16,
    backslash: u64,
    control: u64,
    non_ascii: u64,
}

impl BlockMasks {
    /// The summary of two blocks (quotes aside).
    #[inline]
    fn any(self, other: BlockMasks) -> BlockMasks {
        BlockMasks {
            quote: 0,
            backslash: self.backslash | other.backslash,
            control: self.control | other.control,
            non_ascii: self.non_ascii | other.non_ascii,
        }
    }
}

impl LineIndex {
    /// Indexes `line`.
    pub fn build(&mut self, line: &[u8]) {
        self.quotes.clear();
        let mut any = BlockMasks::default();
        let mut word = 0u64;
        let mut add = |block: usize, masks: BlockMasks| {
            word |= u64::from(masks.quote) << (16 * (block % 4));
            any = any.any(masks);
            if block % 4 == 3 {
                self.quotes.push(word);
                word = 0;
            }
        };
        let mut blocks = line.chunks_exact(16);
        for (block, bytes) in (&mut blocks).enumerate() {
            add(block, block_masks(bytes.try_into().unwrap_or(&[b' '; 16])));
        }
        let tail = blocks.remainder();
        if !tail.is_empty() {
            // Padding with spaces adds no quote, backslash, control or high byte.
            let mut bytes = [b' '; 16];
            bytes[..tail.len()].copy_from_slice(tail);
            add(line.len() / 16, block_masks(&bytes));
        }
        // The last word, when its four blocks were not all there.
        if !line.len().div_ceil(16).is_multiple_of(4) {
            self.quotes.push(word);
        }
        self.backslash = any.backslash != 0;
        self.control = any.control != 0;
        self.non_ascii = any.non_ascii != 0;
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

/// The masks of a block, with the SSE2 instructions every x86-64 processor has.
#[cfg(target_arch = "x86_64")]
#[inline]
fn block_masks(block: &[u8; 16]) -> BlockMasks {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, cmp_lt_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };
    let bytes = load_unaligned_m128i(block);
    let equal =
        |c: u8| move_mask_i8_m128i(cmp_eq_mask_i8_m128i(bytes, set_splat_i8_m128i(c as i8)));
    let non_ascii = move_mask_i8_m128i(bytes);
    // A signed comparison: bytes of 0x80 and above count as negative, hence below 0x20 too.
    let below_space = move_mask_i8_m128i(cmp_lt_mask_i8_m128i(bytes, set_splat_i8_m128i(0x20)));
    BlockMasks {
        quote: equal(b'"') as u16,
        backslash: equal(b'\\') as u64,
        control: (below_space & !non_ascii) as u64,
        non_ascii: non_ascii as u64,
    }
}

/// The masks of a block on other processors: two words of eight bytes.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn block_masks(block: &[u8; 16]) -> BlockMasks {
    word_block_masks(block)
}

/// The masks of a block, a word of eight bytes at a time, on any processor.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn word_block_masks(block: &[u8; 16]) -> BlockMasks {
    let word = |half: &[u8]| u64::from_le_bytes(half.try_into().unwrap_or([b' '; 8]));
    let (low, high) = (word_masks(word(&block[..8])), word_masks(word(&block[8..])));
    BlockMasks {
        quote: low.quote | high.quote << 8,
        ..low.any(high)
    }
}

/// The masks of one word (the first byte in the lowest bits), as [`BlockMasks`] with the
/// quotes of eight bytes. Each test works on the low seven bits of every byte, where adding
/// cannot carry into the next byte, so a byte's result never depends on its neighbours.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn word_masks(word: u64) -> BlockMasks {
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
    let control = !((low + ONES * 0x60) | high) & HIGHS;
    // Each byte's high bit lands in a distinct bit of the top byte; no two products overlap.
    let quote = ((equal(b'"') >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u16;
    BlockMasks {
        quote,
        backslash: equal(b'\\'),
        control,
        non_ascii: high,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The masks agree with a byte-by-byte reading on every kind of byte, in every position,
    /// and the word-at-a-time path agrees with the processor's.
    #[test]
    fn block_masks_match_a_byte_by_byte_reading() {
        let interesting = [
            0u8, 0x1f, 0x20, b'"', b'\\', b'a', 0x7f, 0x80, 0xa2, 0xdc, 0xff,
        ];
        for seed in 0..5000usize {
            let block: [u8; 16] = std::array::from_fn(|i| {
                interesting[(seed * 7 + i * 13 + (seed >> 3) * i + (seed >> 6)) % interesting.len()]
            });
            for masks in [block_masks(&block), word_block_masks(&block)] {
                let quotes = block
                    .iter()
                    .enumerate()
                    .filter(|&(_, &b)| b == b'"')
                    .fold(0u16, |mask, (i, _)| mask | 1 << i);
                assert_eq!(masks.quote, quotes, "{block:?}");
                assert_eq!(masks.backslash != 0, block.contains(&b'\\'), "{block:?}");
                assert_eq!(
                    masks.control != 0,
                    block.iter().any(|&b| b < 0x20),
                    "{block:?}"
                );
                assert_eq!(masks.non_ascii != 0, !block.is_ascii(), "{block:?}");
            }
        }
    }

    #[test]
    fn finds_every_quote_and_the_kinds_of_bytes() {
        let mut index = LineIndex::default();
        for length in [0, 1, 15, 16, 17, 63, 64, 65, 130] {
            let line: Vec<u8> = (0..length)
                .map(|i| if i % 3 == 0 || i == 64 { b'"' } else { b'a' })
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
        }
        index.build("{\"a\":\"é\"}".as_bytes());
        assert!(index.non_ascii && !index.backslash && !index.control);
        index.build(b"{\"a\":\"\\t\"}\t");
        assert!(index.backslash && index.control && !index.non_ascii);
    }
}
