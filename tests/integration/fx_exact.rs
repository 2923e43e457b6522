//! Exact or refused: every conversion equals the exact rational value of
//! `amount × rate(to) × (1 + bps/10,000) / rate(from)` rounded with the policy's mode, or is
//! refused naming its field. Checked against a small big-rational oracle in base 10, built
//! independently of the library's binary arithmetic.

use std::cmp::Ordering;
use std::sync::Arc;

use landed::data::ReferenceRates;
use landed::fx::{FxPolicy, RepriceRequest, Repricer, reprice};
use landed::{Bps, Currency, Error, Money, RateTables, RoundingMode};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::date;

fn tables() -> &'static RateTables {
    RateTables::embedded().unwrap()
}

/// A non-negative integer as decimal digits, most significant first, no leading zero.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Nat(Vec<u8>);

impl Nat {
    fn parse(s: &str) -> Self {
        let mut n = Nat(s.bytes().map(|b| b - b'0').collect());
        n.trim();
        n
    }
    fn trim(&mut self) {
        let z = self.0.iter().take_while(|d| **d == 0).count();
        self.0.drain(..z);
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
    fn shift(&self, n: usize) -> Self {
        let mut v = self.0.clone();
        if !v.is_empty() {
            v.extend(std::iter::repeat_n(0, n));
        }
        Nat(v)
    }
    fn mul(&self, o: &Self) -> Self {
        let mut acc = vec![0u32; self.0.len() + o.0.len()];
        for (i, a) in self.0.iter().rev().enumerate() {
            for (j, b) in o.0.iter().rev().enumerate() {
                acc[i + j] += u32::from(*a) * u32::from(*b);
            }
        }
        let mut carry = 0;
        for d in acc.iter_mut() {
            let t = *d + carry;
            *d = t % 10;
            carry = t / 10;
        }
        assert_eq!(carry, 0);
        let mut n = Nat(acc.into_iter().rev().map(|d| d as u8).collect());
        n.trim();
        n
    }
    fn sub(&self, o: &Self) -> Self {
        let mut out = Vec::new();
        let mut borrow = 0i8;
        let mut b = o.0.iter().rev();
        for a in self.0.iter().rev() {
            let mut d = *a as i8 - borrow - b.next().map_or(0, |x| *x as i8);
            borrow = 0;
            if d < 0 {
                d += 10;
                borrow = 1;
            }
            out.push(d as u8);
        }
        assert_eq!(borrow, 0);
        out.reverse();
        let mut n = Nat(out);
        n.trim();
        n
    }
    /// Quotient and remainder by schoolbook long division, one decimal digit at a time.
    fn divrem(&self, d: &Self) -> (Self, Self) {
        assert!(!d.is_zero());
        let mut q = Vec::new();
        let mut r = Nat(vec![]);
        for digit in &self.0 {
            r = r.shift(1);
            if r.is_zero() {
                r = Nat(vec![*digit]);
            } else {
                *r.0.last_mut().unwrap() = *digit;
            }
            r.trim();
            let mut k = 0;
            while r.cmp(d) != Ordering::Less {
                r = r.sub(d);
                k += 1;
            }
            q.push(k);
        }
        let mut q = Nat(q);
        q.trim();
        (q, r)
    }
    fn add_one(&self) -> Self {
        let mut v = self.0.clone();
        let mut i = v.len();
        loop {
            if i == 0 {
                v.insert(0, 1);
                break;
            }
            i -= 1;
            if v[i] == 9 {
                v[i] = 0;
            } else {
                v[i] += 1;
                break;
            }
        }
        Nat(v)
    }
    fn digits(&self) -> String {
        if self.0.is_empty() {
            "0".into()
        } else {
            self.0.iter().map(|d| char::from(b'0' + d)).collect()
        }
    }
}

impl PartialOrd for Nat {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Nat {
    fn cmp(&self, o: &Self) -> Ordering {
        self.0.len().cmp(&o.0.len()).then_with(|| self.0.cmp(&o.0))
    }
}

/// Sign, digits and scale of a decimal.
fn parts(d: Decimal) -> (bool, Nat, usize) {
    (
        d.is_sign_negative() && !d.is_zero(),
        Nat::parse(&d.mantissa().unsigned_abs().to_string()),
        d.scale() as usize,
    )
}

/// The exact conversion rounded to `scale` decimals with `mode`, as a decimal string
/// (`-12.340`), by the oracle.
fn oracle(
    amount: Decimal,
    rate_to: Decimal,
    rate_from: Decimal,
    bps: Decimal,
    scale: u32,
    mode: RoundingMode,
) -> String {
    let (an, a, sa) = parts(amount);
    let (_, t, st) = parts(rate_to);
    let (_, f, sf) = parts(rate_from);
    let (bn, b, sb) = parts(bps);
    // 1 + bps/10^4 = (10^(4+sb) ± B) / 10^(4+sb).
    let one = Nat::parse("1").shift(4 + sb);
    let factor = if bn {
        one.sub(&b)
    } else {
        one.mul(&Nat::parse("1")).add(&b)
    };
    let num = a.mul(&t).mul(&factor).shift(sf + scale as usize);
    let den = f.shift(sa + st + 4 + sb);
    let (q, r) = num.divrem(&den);
    let neg = an && !num.is_zero();
    let twice = r.mul(&Nat::parse("2"));
    let half = twice.cmp(&den);
    let odd = q.0.last().is_some_and(|d| d % 2 == 1);
    let away = !r.is_zero()
        && match mode {
            RoundingMode::HalfUp => half != Ordering::Less,
            RoundingMode::HalfDown => half == Ordering::Greater,
            RoundingMode::HalfEven => half == Ordering::Greater || (half == Ordering::Equal && odd),
            RoundingMode::HalfCeiling => {
                half == Ordering::Greater || (half == Ordering::Equal && !neg)
            }
            RoundingMode::Up => true,
            RoundingMode::Down => false,
            RoundingMode::Ceiling => !neg,
            RoundingMode::Floor => neg,
            _ => unreachable!(),
        };
    let q = if away { q.add_one() } else { q };
    let neg = neg && !q.is_zero();
    let mut digits = q.digits();
    let scale = scale as usize;
    if scale > 0 {
        while digits.len() <= scale {
            digits.insert(0, '0');
        }
        digits.insert(digits.len() - scale, '.');
    }
    if neg {
        digits.insert(0, '-');
    }
    digits
}

impl Nat {
    fn add(&self, o: &Self) -> Self {
        let (mut x, mut y) = (self.0.iter().rev(), o.0.iter().rev());
        let mut out = Vec::new();
        let mut carry = 0;
        loop {
            let (a, b) = (x.next(), y.next());
            if a.is_none() && b.is_none() {
                break;
            }
            let t = a.copied().unwrap_or(0) + b.copied().unwrap_or(0) + carry;
            out.push(t % 10);
            carry = t / 10;
        }
        if carry > 0 {
            out.push(carry);
        }
        out.reverse();
        let mut n = Nat(out);
        n.trim();
        n
    }
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn cur(s: &str) -> Currency {
    s.parse().unwrap()
}

/// A repricer over a two-rate table (pivot EUR) into `to`.
fn repricer(rates: &[(&str, Decimal)], to: &str, bps: Decimal, mode: RoundingMode) -> Repricer {
    let table = ReferenceRates::new(
        cur("EUR"),
        date("2025-10-21"),
        "TEST",
        rates.iter().map(|(c, r)| (cur(c), *r)),
    )
    .unwrap();
    let policy = FxPolicy::new(cur(to))
        .with_markup(Bps::new(bps))
        .with_rounding(mode);
    Repricer::new(tables(), Arc::new(table), &policy, None).unwrap()
}

fn rate_of(rates: &[(&str, Decimal)], c: &str) -> Decimal {
    rates
        .iter()
        .find(|(k, _)| *k == c)
        .map_or(Decimal::ONE, |(_, r)| *r)
}

#[test]
fn a_long_rate_converting_a_currency_to_itself_stays_exact() {
    // USD → USD through EUR at a 22-digit rate: the exact value is the amount itself, and the
    // 28-digit product used to read 685208.91000000000000000000001, which rounds up to .92.
    let rates = [("USD", d("377.6656484972659072707"))];
    let r = repricer(&rates, "USD", Decimal::ZERO, RoundingMode::Ceiling);
    let q = r
        .convert(Money::parse("685208.91", "USD").unwrap())
        .unwrap();
    assert_eq!(q.amount.to_string(), "685208.91");
    assert_eq!(q.before_ending.to_string(), "685208.91");
    assert_eq!(q.unrounded.to_string(), "685208.91");
    assert_eq!(
        r.amount(d("685208.91"), cur("USD")).unwrap().to_string(),
        "685208.91"
    );
}

#[test]
fn a_long_rate_with_markup_rounds_the_exact_midpoint_half_even() {
    // 40165 BHD → BHD through EUR at 0.0516935979260779654863 with 111 bps, half-even: the
    // exact value is 40165 × 1.0111 = 40610.8315, which rounds to .832, not .831.
    let rate = d("0.0516935979260779654863");
    let rates = [("BHD", rate)];
    let r = repricer(&rates, "BHD", d("111"), RoundingMode::HalfEven);
    let exact = oracle(d("40165"), rate, rate, d("111"), 3, RoundingMode::HalfEven);
    assert_eq!(exact, "40610.832");
    let got = r.amount(d("40165"), cur("BHD")).unwrap();
    assert_eq!(got.to_string(), exact);
    let q = r.convert(Money::parse("40165", "BHD").unwrap()).unwrap();
    assert_eq!(q.unrounded.to_string(), "40610.8315");
    assert_eq!(q.markup_amount.to_string(), "445.832");
}

#[test]
fn the_issue_cases_agree_with_the_oracle_in_every_mode() {
    let rate = d("0.0516935979260779654863");
    for mode in RoundingMode::ALL {
        let r = repricer(&[("BHD", rate)], "BHD", d("111"), mode);
        let got = r.amount(d("40165"), cur("BHD")).unwrap();
        assert_eq!(
            got.to_string(),
            oracle(d("40165"), rate, rate, d("111"), 3, mode),
            "{mode}"
        );
        let usd = d("377.6656484972659072707");
        let r = repricer(&[("USD", usd)], "USD", Decimal::ZERO, mode);
        let got = r.amount(d("-685208.91"), cur("USD")).unwrap();
        assert_eq!(got.to_string(), "-685208.91", "{mode}");
    }
}

#[test]
fn an_amount_of_ten_to_the_28_keeps_the_currency_decimals_or_is_refused() {
    // 10^28 USD → KWD: the result used to come back as …142.5 where the exact value is
    // …142.471. Either exact with three decimals, or refused as too large, naming the limit.
    let ecb = Arc::clone(tables().reference_rates("ECB", date("2025-10-21")).unwrap());
    let rate_from = ecb.rate(cur("USD")).unwrap();
    let rate_to = ecb.rate(cur("KWD")).unwrap_or(Decimal::ONE);
    let policy = FxPolicy::new(cur("KWD"));
    let Ok(r) = Repricer::new(tables(), Arc::clone(&ecb), &policy, None) else {
        return; // KWD not in the table: nothing to check.
    };
    for amount in [
        "10000000000000000000000000000",
        "100000000000000000000000",
        "123456789012345678901.23",
    ] {
        match r.amount(d(amount), cur("USD")) {
            Ok(v) => {
                assert_eq!(v.scale(), 3, "{amount} → {v}");
                assert_eq!(
                    v.to_string(),
                    oracle(
                        d(amount),
                        rate_to,
                        rate_from,
                        Decimal::ZERO,
                        3,
                        RoundingMode::HalfUp
                    )
                );
            }
            Err(e) => {
                assert!(matches!(e, Error::AmountTooLarge { .. }), "{e}");
            }
        }
    }
}

#[test]
fn a_markup_with_28_decimals_is_applied_exactly() {
    // 1 + bps/10,000 with 25 decimals of bps has 29 decimals: Decimal rounds the factor, the
    // engine must not.
    let bps = d("0.0000000000000000000000005");
    let rates = [("USD", d("1.5"))];
    for mode in RoundingMode::ALL {
        let r = repricer(&rates, "USD", bps, mode);
        for amount in ["1000000.005", "0.01", "333333333333333.33"] {
            let got = r.amount(d(amount), cur("EUR")).unwrap();
            assert_eq!(
                got.to_string(),
                oracle(d(amount), d("1.5"), Decimal::ONE, bps, 2, mode),
                "{mode} {amount}"
            );
            let bulk = r.reprice_bulk(cur("EUR"), &[d(amount)]).unwrap();
            assert_eq!(bulk, vec![got]);
        }
    }
}

#[test]
fn the_reprice_request_reports_the_exact_value() {
    let req = RepriceRequest::from_json(
        r#"{"to": "USD", "rounding": "ceiling",
            "rates": {"pivot": "EUR", "as_of": "2025-04-03", "source": "TEST",
                      "rates": {"USD": "377.6656484972659072707"}},
            "prices": [{"amount": "685208.91", "currency": "USD"}]}"#,
    )
    .unwrap();
    let resp = reprice(tables(), &req).unwrap();
    let json = resp.to_json().unwrap();
    assert!(json.contains("\"685208.91\""), "{json}");
    assert!(!json.contains("685208.92"), "{json}");
}

/// A rate of 1 to 28 significant digits, its decimal point anywhere that keeps it in range.
fn long_rate() -> impl Strategy<Value = Decimal> {
    (1u32..=28, any::<u128>(), 0u32..=28).prop_filter_map("in range", |(digits, m, scale)| {
        let bound = 10u128.pow(digits);
        let m = (m % bound).max(1);
        let v = Decimal::try_from_i128_with_scale(m as i128, scale.min(28)).ok()?;
        (v >= d("0.000000000001") && v <= d("1000000000000")).then_some(v)
    })
}

/// An amount up to 28 digits, 0 to 10 decimals, either sign.
fn big_amount() -> impl Strategy<Value = Decimal> {
    (any::<i128>(), 1u32..=28, 0u32..=10).prop_map(|(m, digits, scale)| {
        let bound = 10i128.pow(digits);
        Decimal::from_i128_with_scale(m % bound, scale)
    })
}

fn markup() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::ZERO),
        (-9_999i64..=100_000).prop_map(Decimal::from),
        (-99_999_999i64..=1_000_000_000, 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Every conversion is the exact rational value rounded under the mode, or refused as too
    /// large: never one minor unit off and never fewer decimals than the currency has.
    #[test]
    fn conversions_are_exact_or_refused(
        rate_from in long_rate(),
        rate_to in long_rate(),
        amount in big_amount(),
        bps in markup(),
        mode in proptest::sample::select(RoundingMode::ALL.to_vec()),
        to in proptest::sample::select(vec!["JPY", "USD", "BHD", "KWD", "CLF"]),
    ) {
        let rates = [("GBP", rate_from), (to, rate_to)];
        let table = ReferenceRates::new(
            cur("EUR"),
            date("2025-10-21"),
            "TEST",
            rates.iter().map(|(c, r)| (cur(c), *r)),
        )
        .unwrap();
        let policy = FxPolicy::new(cur(to)).with_markup(Bps::new(bps)).with_rounding(mode);
        let Ok(r) = Repricer::new(tables(), Arc::new(table), &policy, None) else {
            return Ok(()); // a currency not in the data on this date
        };
        let scale = r.scale();
        let rate_to = rate_of(&rates, to);
        match r.amount(amount, cur("GBP")) {
            Ok(v) => {
                prop_assert_eq!(v.scale(), scale);
                prop_assert_eq!(v, d(&oracle(amount, rate_to, rate_from, bps, scale, mode)), "{} {} {} {} {}", amount, rate_to, rate_from, bps, mode);
                let bulk = r.reprice_bulk(cur("GBP"), &[amount]).unwrap();
                prop_assert_eq!(bulk, vec![v]);
                let q = r.convert(Money::new(amount, cur("GBP"))).unwrap();
                prop_assert_eq!(q.amount, v);
            }
            Err(e) => prop_assert!(matches!(e, Error::AmountTooLarge { .. }), "{}", e),
        }
    }
}
