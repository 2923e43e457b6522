//! A list of HS prefixes read from a data row (`include_hs`, `exclude_hs`), kept for a fast
//! membership test: two-digit prefixes (whole chapters, e.g. CH industrial goods, chapters
//! 25–97) as a bit set tested with one lookup, longer prefixes by a binary search.
//!
//! Invariant of the search: the longer prefixes are kept sorted by their digits and free of
//! prefixes that extend another kept one (those add nothing to the set). Then a code starts
//! with some kept prefix exactly when it starts with the greatest kept prefix not above it:
//! a prefix `p` of the code is not above it, and any string between `p` and the code starts
//! with `p`, so a greater kept prefix not above the code would extend `p`. Digits are
//! compared as [`key`]s, numbers that order as the digit strings do.

use crate::codes::HsCode;

/// HS prefixes: a code is in the set when it starts with one of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HsPrefixes {
    /// The prefixes as written.
    all: Vec<HsCode>,
    /// Bit `n` set: chapter `n` is in the set whole.
    chapters: u128,
    /// The [`key`]s of the prefixes of more than two digits, sorted, none extending another
    /// (see the module's invariant).
    longer: Vec<u128>,
}

/// A code's digits as a number that orders as the digit strings do: its
/// [`HsCode::order_key`].
fn key(code: &HsCode) -> u128 {
    code.order_key()
}

/// True when the code of key `code` starts with the prefix of key `prefix`: they agree on
/// the prefix's digits, its non-zero top bytes.
fn key_starts_with(code: u128, prefix: u128) -> bool {
    let unused = prefix.trailing_zeros() & !7;
    let mask = u128::MAX.checked_shl(unused).unwrap_or(0);
    prefix != 0 && code & mask == prefix
}

/// The chapter (first two digits) of a code.
fn chapter(code: &HsCode) -> Option<u32> {
    let b = code.digit_bytes();
    let d = |i: usize| b.get(i).and_then(|c| char::from(*c).to_digit(10));
    d(0)?.checked_mul(10)?.checked_add(d(1)?)
}

impl HsPrefixes {
    /// The set of `prefixes`.
    pub(crate) fn new(prefixes: Vec<HsCode>) -> Self {
        let mut chapters = 0u128;
        let mut longer = Vec::new();
        for p in &prefixes {
            match chapter(p).filter(|_| p.len() == 2) {
                Some(c) => chapters |= 1u128.checked_shl(c).unwrap_or(0),
                None => longer.push(key(p)),
            }
        }
        longer.sort_unstable();
        // Sorted, a prefix's extensions follow it: keep a prefix only when it does not extend
        // the last one kept.
        longer.dedup_by(|p, kept| key_starts_with(*p, *kept));
        Self {
            all: prefixes,
            chapters,
            longer,
        }
    }

    /// True when the set has no prefix.
    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// The prefixes as written in the data.
    pub fn as_slice(&self) -> &[HsCode] {
        &self.all
    }

    /// True when `code` starts with one of the prefixes.
    pub fn covers(&self, code: &HsCode) -> bool {
        let in_chapter = chapter(code)
            .and_then(|c| 1u128.checked_shl(c))
            .is_some_and(|bit| self.chapters & bit != 0);
        if in_chapter {
            return true;
        }
        let k = key(code);
        let above = self.longer.partition_point(|p| *p <= k);
        above
            .checked_sub(1)
            .and_then(|i| self.longer.get(i))
            .is_some_and(|p| key_starts_with(k, *p))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::super::tariff::hs_starts_with;
    use super::*;
    use proptest::prelude::*;

    fn code(digits: &str) -> HsCode {
        digits.parse().unwrap()
    }

    /// Codes of 2 to 10 digits from a small alphabet, so that prefixes nest often.
    fn digits() -> impl Strategy<Value = String> {
        proptest::collection::vec(prop_oneof![Just('0'), Just('1'), Just('9')], 2..=10)
            .prop_map(|d| d.into_iter().collect())
    }

    #[test]
    fn nested_prefixes_and_chapters_are_covered() {
        let set = HsPrefixes::new(
            ["6110", "611020", "61", "8517", "85176", "0101"]
                .map(code)
                .to_vec(),
        );
        for (c, want) in [
            ("611020030", true),
            ("6110900000", true),
            ("6109", true),
            ("851762", true),
            ("8518", false),
            ("0101210000", true),
            ("0102", false),
            ("01", false),
        ] {
            assert_eq!(set.covers(&code(c)), want, "{c}");
        }
        assert_eq!(set.as_slice().len(), 6);
    }

    proptest! {
        #[test]
        fn the_search_covers_what_a_scan_of_the_prefixes_covers(
            prefixes in proptest::collection::vec(digits(), 0..40),
            codes in proptest::collection::vec(digits(), 1..40),
        ) {
            let prefixes: Vec<HsCode> = prefixes.iter().map(|p| code(p)).collect();
            let set = HsPrefixes::new(prefixes.clone());
            for c in codes.iter().map(|c| code(c)) {
                let scan = prefixes.iter().any(|p| hs_starts_with(&c, p));
                for p in &prefixes {
                    prop_assert_eq!(key_starts_with(key(&c), key(p)), hs_starts_with(&c, p));
                    prop_assert_eq!(key(&c).cmp(&key(p)), c.digit_bytes().cmp(p.digit_bytes()));
                }
                prop_assert_eq!(set.covers(&c), scan, "{}", c.as_str());
            }
        }
    }
}
