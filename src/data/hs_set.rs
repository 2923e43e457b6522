//! A list of HS prefixes read from a data row (`include_hs`, `exclude_hs`), kept for a fast
//! membership test: two-digit prefixes (whole chapters, e.g. CH industrial goods, chapters
//! 25–97) as a bit set tested with one lookup, longer prefixes compared one by one.

use crate::codes::HsCode;

use super::tariff::hs_starts_with;

/// HS prefixes: a code is in the set when it starts with one of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HsPrefixes {
    /// The prefixes as written.
    all: Vec<HsCode>,
    /// Bit `n` set: chapter `n` is in the set whole.
    chapters: u128,
    /// The prefixes of more than two digits.
    longer: Vec<HsCode>,
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
                None => longer.push(*p),
            }
        }
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
        in_chapter || self.longer.iter().any(|p| hs_starts_with(code, p))
    }
}
