//! Sums that do not depend on the order of their terms, so that `sum` and `avg` give the same
//! result however records are split across accumulators and merged.
//!
//! Integers are added exactly in an `i128` (no run can hold enough records to overflow it), and
//! floats are kept as Shewchuk's non-overlapping partials (the method of Python's `math.fsum`),
//! rounded once when the total is read. The result is therefore the exact total correctly
//! rounded, whatever the order.

use crate::prelude::*;

/// 2^512. Finite floats at least this large are kept scaled down by it, so that no running
/// total of finite values can overflow before the final rounding.
const BIG: f64 = 1.340_780_792_994_259_7e154;

/// 2^-512, the inverse of [`BIG`].
const BIG_INVERSE: f64 = 7.458_340_731_200_207e-155;

/// Adds `x` to the non-overlapping partials, in increasing magnitude, whose exact sum is kept.
/// Once the partials hold an infinity (the total overflowed) further finite terms are absorbed.
fn add_partial(partials: &mut Vec<f64>, mut x: f64) {
    if partials.last().is_some_and(|top| top.is_infinite()) {
        return;
    }
    let mut kept = 0;
    for j in 0..partials.len() {
        let mut y = partials[j];
        if x.abs() < y.abs() {
            std::mem::swap(&mut x, &mut y);
        }
        let hi = x + y;
        if hi.is_infinite() {
            *partials = vec![hi];
            return;
        }
        let lo = y - (hi - x);
        if lo != 0.0 {
            partials[kept] = lo;
            kept += 1;
        }
        x = hi;
    }
    partials.truncate(kept);
    partials.push(x);
}

/// The exact sum of `partials`, rounded to the nearest float (ties to even).
fn round_partials(partials: &[f64]) -> f64 {
    let Some((&top, rest)) = partials.split_last() else {
        return 0.0;
    };
    let mut hi = top;
    let mut lo = 0.0;
    let mut n = rest.len();
    while n > 0 {
        n -= 1;
        let x = hi;
        let y = rest[n];
        hi = x + y;
        lo = y - (hi - x);
        if lo != 0.0 {
            break;
        }
    }
    // The partials below `lo` decide whether a tie between two floats must round away from
    // `hi`: when they share its sign the exact sum lies past the halfway point.
    if n > 0 && ((lo < 0.0 && rest[n - 1] < 0.0) || (lo > 0.0 && rest[n - 1] > 0.0)) {
        let y = lo * 2.0;
        let x = hi + y;
        if y == x - hi {
            hi = x;
        }
    }
    hi
}

/// An order-independent sum of floats: finite terms kept exactly, infinities and NaN apart.
#[derive(Clone, Debug, Default)]
struct FloatSum {
    /// Partials of the finite terms below [`BIG`] in magnitude.
    small: Vec<f64>,
    /// Partials of the larger finite terms, each divided by [`BIG`] (exactly).
    big: Vec<f64>,
    /// The sum of the infinite and NaN terms, if any.
    special: Option<f64>,
}

impl FloatSum {
    fn add(&mut self, x: f64) {
        if !x.is_finite() {
            self.special = Some(self.special.map_or(x, |special| special + x));
        } else if x.abs() >= BIG {
            add_partial(&mut self.big, x * BIG_INVERSE);
        } else {
            add_partial(&mut self.small, x);
        }
    }

    fn merge(&mut self, other: &FloatSum) {
        for &p in &other.small {
            add_partial(&mut self.small, p);
        }
        for &p in &other.big {
            add_partial(&mut self.big, p);
        }
        if let Some(special) = other.special {
            self.add(special);
        }
    }

    fn value(&self) -> f64 {
        let mut partials = self.small.clone();
        for &p in &self.big {
            add_partial(&mut partials, p * BIG);
        }
        let finite = round_partials(&partials);
        self.special.map_or(finite, |special| special + finite)
    }
}

/// The running sum of the numbers `sum` and `avg` are given.
#[derive(Clone, Debug, Default)]
pub(super) struct NumericSum {
    /// The exact sum of the integer terms.
    ints: i128,
    /// The float terms, boxed because few groups see any (most sums are of integers).
    floats: Option<Box<FloatSum>>,
    /// How many terms were added.
    count: u64,
    /// Whether any term was a float.
    saw_float: bool,
}

impl NumericSum {
    /// Adds one term.
    pub(super) fn add(&mut self, n: Number) {
        match n {
            Number::Int(i) => self.ints += i128::from(i),
            Number::Float(f) => {
                self.floats.get_or_insert_with(Box::default).add(f);
                self.saw_float = true;
            }
        }
        self.count += 1;
    }

    /// Adds every term of `other`.
    pub(super) fn merge(&mut self, other: &NumericSum) {
        self.ints += other.ints;
        if let Some(theirs) = &other.floats {
            self.floats.get_or_insert_with(Box::default).merge(theirs);
        }
        self.count += other.count;
        self.saw_float |= other.saw_float;
    }

    /// How many terms were added.
    pub(super) fn count(&self) -> u64 {
        self.count
    }

    /// The total: an integer when every term was one and the exact total fits in an `i64`,
    /// otherwise the correctly rounded float; `None` without terms.
    pub(super) fn total(&self) -> Option<Number> {
        if self.count == 0 {
            return None;
        }
        match i64::try_from(self.ints) {
            Ok(total) if !self.saw_float => Some(Number::Int(total)),
            _ => Some(Number::Float(self.total_f64())),
        }
    }

    /// The total of every term, integers included, correctly rounded to a float.
    pub(super) fn total_f64(&self) -> f64 {
        let mut all = self.floats.as_deref().cloned().unwrap_or_default();
        let mut rest = self.ints;
        // Each piece takes the leading 53 bits of what is left, so three pieces at most.
        while rest != 0 {
            let piece = rest as f64;
            all.add(piece);
            rest -= piece as i128;
        }
        all.value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn float_total(terms: &[f64]) -> f64 {
        let mut sum = NumericSum::default();
        for &t in terms {
            sum.add(Number::Float(t));
        }
        sum.total_f64()
    }

    #[test]
    fn scale_constants_are_powers_of_two() {
        assert_eq!(BIG, 2f64.powi(512));
        assert_eq!(BIG * BIG_INVERSE, 1.0);
    }

    #[test]
    fn float_totals_are_exactly_rounded() {
        assert_eq!(float_total(&[0.1, 0.2, 0.3]), 0.6);
        assert_eq!(float_total(&[0.3, 0.2, 0.1]), 0.6);
        assert_eq!(float_total(&[1e100, 1.0, -1e100]), 1.0);
        assert_eq!(float_total(&[1e308, 1e308, -1e308]), 1e308);
        assert_eq!(float_total(&[1e308, 1e308]), f64::INFINITY);
        assert_eq!(float_total(&[]), 0.0);
    }

    #[test]
    fn specials_dominate() {
        assert_eq!(float_total(&[1.0, f64::INFINITY]), f64::INFINITY);
        assert!(float_total(&[f64::INFINITY, f64::NEG_INFINITY]).is_nan());
        assert!(float_total(&[f64::NAN, 2.0]).is_nan());
    }

    #[test]
    fn integers_stay_exact_and_overflow_to_float() {
        let mut sum = NumericSum::default();
        assert_eq!(sum.total(), None);
        sum.add(Number::Int(i64::MAX));
        sum.add(Number::Int(1));
        assert_eq!(
            sum.total(),
            Some(Number::Float(9_223_372_036_854_775_808.0))
        );
        sum.add(Number::Int(-2));
        assert_eq!(sum.total(), Some(Number::Int(i64::MAX - 1)));
        sum.add(Number::Float(0.5));
        assert_eq!(
            sum.total(),
            Some(Number::Float(9_223_372_036_854_775_806.0))
        );
        assert_eq!(sum.count(), 4);
    }

    #[test]
    fn merging_any_split_gives_the_one_pass_total() {
        let terms: Vec<Number> = (0..40)
            .map(|i| match i % 4 {
                0 => Number::Float(0.1 * f64::from(i)),
                1 => Number::Int(i64::MAX / 3),
                2 => Number::Float(-1e16 / f64::from(i)),
                _ => Number::Float(1e300),
            })
            .collect();
        let mut one_pass = NumericSum::default();
        terms.iter().for_each(|&t| one_pass.add(t));
        for split in 0..terms.len() {
            let (mut left, mut right) = (NumericSum::default(), NumericSum::default());
            terms[..split].iter().rev().for_each(|&t| left.add(t));
            terms[split..].iter().for_each(|&t| right.add(t));
            right.merge(&left);
            assert_eq!(right.total(), one_pass.total(), "split at {split}");
        }
    }
}
