//! Texts written only when read: a fixed template whose `{}` places hold values (amounts,
//! codes, dates, names). Results that explain themselves (a band's trace, a quote's charges)
//! keep their texts as [`Note`]s, so computing a result costs no allocation and no decimal
//! formatting for an explanation nobody reads; [`fmt::Display`] and serialization write it.
//! Each kind of result has its own value type (`bands::TraceArg`, `landed::ChargeArg`).

use std::fmt;

/// A text written when read: a fixed template whose `{}` places are filled, in order, with
/// `N` values of type `A`. Displays (and serializes) as the text, e.g.
/// `tariff EU 640411@2026-01-01`; compare it with a `&str` by `==`, or use `to_string()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Note<A, const N: usize> {
    pub(crate) text: &'static str,
    pub(crate) args: [A; N],
}

impl<A: fmt::Display, const N: usize> fmt::Display for Note<A, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut args = self.args.iter();
        let mut rest = self.text;
        while let Some((before, after)) = split_at_place(rest) {
            f.write_str(before)?;
            match args.next() {
                Some(a) => write!(f, "{a}")?,
                None => f.write_str("{}")?,
            }
            rest = after;
        }
        f.write_str(rest)
    }
}

impl<A: fmt::Display, const N: usize> serde::Serialize for Note<A, N> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `text` split around its first `{}` place, as `str::split("{}")` splits it. A byte scan: a
/// two-byte `&str` pattern sets up a two-way searcher for every text written.
fn split_at_place(text: &str) -> Option<(&str, &str)> {
    let i = text.as_bytes().windows(2).position(|w| w == b"{}")?;
    Some((text.get(..i)?, text.get(i.checked_add(2)?..)?))
}

/// Compares a text with a string as it is written, without building the text.
struct Matches<'s>(&'s str);

impl fmt::Write for Matches<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 = self.0.strip_prefix(s).ok_or(fmt::Error)?;
        Ok(())
    }
}

impl<A: fmt::Display, const N: usize> PartialEq<str> for Note<A, N> {
    fn eq(&self, other: &str) -> bool {
        let mut m = Matches(other);
        fmt::write(&mut m, format_args!("{self}")).is_ok() && m.0.is_empty()
    }
}

impl<A: fmt::Display, const N: usize> PartialEq<&str> for Note<A, N> {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct N(Option<u32>);

    impl fmt::Display for N {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self.0 {
                Some(v) => write!(f, "{v}"),
                None => f.write_str("none"),
            }
        }
    }

    #[test]
    fn a_note_fills_its_places_in_order_when_read() {
        let n = Note {
            text: "costs {}, min_price {}",
            args: [N(Some(9)), N(None)],
        };
        assert_eq!(n.to_string(), "costs 9, min_price none");
        assert_eq!(
            serde_json::to_string(&n).unwrap(),
            "\"costs 9, min_price none\""
        );
        assert_eq!(n, "costs 9, min_price none");
        assert_ne!(n, "costs 9, min_price none and more");
        assert_ne!(n, "costs 9");
        // More places than values: the place is written as it stands.
        let short = Note {
            text: "{} and {}",
            args: [N(Some(2))],
        };
        assert_eq!(short.to_string(), "2 and {}");
    }

    #[test]
    fn places_are_found_as_split_finds_them() {
        for text in [
            "", "{}", "{}{}", "{{}", "{}}", "a{}b{}c", "{ }", "x{", "}{}{", "é{}ü",
        ] {
            let n = Note {
                text,
                args: [N(Some(1)), N(Some(2))],
            };
            // The text as `split("{}")` cut it.
            let mut parts = text.split("{}");
            let mut expected = parts.next().unwrap().to_owned();
            for (i, part) in parts.enumerate() {
                expected.push_str(["1", "2"].get(i).copied().unwrap_or("{}"));
                expected.push_str(part);
            }
            assert_eq!(n.to_string(), expected, "{text:?}");
        }
    }
}
