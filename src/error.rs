//! Errors of computations (this module) and of data loading ([`crate::data::DataError`]).
//!
//! Messages are lower-case, name what is wrong and say what to do. Every variant carries
//! structured fields so that callers can react to a specific case without parsing text.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::codes::{Currency, Territory};

/// The kind of value a parse error is about, so the message can name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueKind {
    /// An ISO 3166-1 alpha-2 country code.
    Country,
    /// A subdivision (region) code such as a Canadian province.
    Region,
    /// An ISO 4217 currency code.
    Currency,
    /// A Harmonized System tariff code.
    HsCode,
    /// A decimal amount.
    Decimal,
    /// A percentage.
    Percent,
    /// A value in basis points.
    Bps,
    /// A rounding mode name.
    RoundingMode,
    /// A tax category identifier.
    TaxCategory,
    /// An ISO date.
    Date,
    /// A customs territory code.
    Territory,
}

impl core::fmt::Display for ValueKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Country => "country code",
            Self::Region => "region code",
            Self::Currency => "currency code",
            Self::HsCode => "hs code",
            Self::Decimal => "decimal",
            Self::Percent => "percent",
            Self::Bps => "basis points",
            Self::RoundingMode => "rounding mode",
            Self::TaxCategory => "tax category",
            Self::Date => "date",
            Self::Territory => "territory",
        })
    }
}

/// Why a string was not accepted as a value of some [`ValueKind`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseProblem {
    /// The input was empty.
    Empty,
    /// The input does not have the expected shape; the text says which.
    Malformed(&'static str),
    /// The input is well-formed but not an assigned code.
    Unknown,
    /// The input is a common alias; the code to use instead is given.
    UseInstead(&'static str),
    /// The input is a number outside the accepted range; the text says which.
    OutOfRange(&'static str),
}

impl core::fmt::Display for ParseProblem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Empty => f.write_str("it is empty; give a value"),
            Self::Malformed(what) => f.write_str(what),
            Self::Unknown => f.write_str("it is not an assigned code; check the spelling"),
            Self::UseInstead(code) => write!(f, "it is not the iso code; use {code}"),
            Self::OutOfRange(what) => f.write_str(what),
        }
    }
}

/// An error of a computation: arithmetic, input validation or a rate lookup.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A checked arithmetic operation overflowed `Decimal`'s range.
    #[error(
        "arithmetic overflow in {operation}; the amounts are too large for 28 significant digits"
    )]
    Overflow {
        /// The operation that overflowed, e.g. `"money add"`.
        operation: &'static str,
    },
    /// Division by zero.
    #[error("division by zero in {operation}")]
    DivisionByZero {
        /// The operation that divided.
        operation: &'static str,
    },
    /// Two amounts in different currencies were combined.
    #[error("currency mismatch in {operation}: {left} and {right}; convert one amount first")]
    CurrencyMismatch {
        /// The operation.
        operation: &'static str,
        /// Currency of the left operand.
        left: Currency,
        /// Currency of the right operand.
        right: Currency,
    },
    /// A string could not be parsed as the named kind of value.
    #[error("invalid {kind} {input:?}: {problem}")]
    Parse {
        /// What was being parsed.
        kind: ValueKind,
        /// The rejected input.
        input: String,
        /// Why it was rejected.
        problem: ParseProblem,
    },
    /// A rounding increment that is zero or negative.
    #[error("rounding increment {increment} must be greater than zero")]
    InvalidIncrement {
        /// The rejected increment.
        increment: Decimal,
    },
    /// An allocation weight was negative.
    #[error(
        "allocation weight {weight} at position {index} is negative; weights must be zero or more"
    )]
    NegativeWeight {
        /// Position of the weight.
        index: usize,
        /// The weight.
        weight: Decimal,
    },
    /// Allocation across no parts.
    #[error("cannot allocate across zero parts; give at least one weight")]
    NoParts,
    /// An amount has more decimals than the scale it must be handled at.
    #[error(
        "amount {amount} has more than {scale} decimals; round it to the currency's minor unit first"
    )]
    OffGrid {
        /// The amount.
        amount: Decimal,
        /// The scale (number of decimals) required.
        scale: u32,
    },
    /// A currency has no minor unit (e.g. XAU, XDR) and cannot be priced.
    #[error("currency {currency} has no minor unit and cannot be used for prices")]
    NotPriceable {
        /// The currency.
        currency: Currency,
    },
    /// A request field is missing, malformed or out of range.
    #[error("{field}: {reason}")]
    InvalidInput {
        /// The field's path in the request, e.g. `lines[2].quantity`.
        field: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// An amount must be converted between two currencies but the request gives no rate for
    /// the pair in either direction.
    #[error(
        "exchange_rates: no rate for {from}→{to} (nor {to}→{from}); add {{\"from\": \"{from}\", \"to\": \"{to}\", \"rate\": \"…\"}}"
    )]
    MissingExchangeRate {
        /// Currency converted from.
        from: Currency,
        /// Currency converted to.
        to: Currency,
    },
    /// A price ending would take a positive price to zero or below (or a negative one to zero
    /// or above).
    #[error(
        "the price ending takes {price} to {result}, which is not a price of the same sign; use direction up or targets that stay above zero"
    )]
    EndingNotPositive {
        /// The price before the ending.
        price: Decimal,
        /// What the ending would have produced.
        result: Decimal,
    },
    /// A price too large to convert: the conversion would leave `Decimal`'s 28 significant
    /// digits, or the result could not keep the target currency's minor unit.
    #[error(
        "{amount} {from} is too large to convert to {to}: at this rate at most {limit} {from} (either sign) converts with {to}'s {scale} decimals in 28 significant digits; split the price into smaller amounts"
    )]
    AmountTooLarge {
        /// The amount asked for.
        amount: Decimal,
        /// Its currency.
        from: Currency,
        /// The target currency.
        to: Currency,
        /// The largest magnitude that converts at this rate and markup.
        limit: Decimal,
        /// The target's minor-unit scale.
        scale: u32,
    },
    /// A locked FX quote was honoured at or after its expiry.
    #[error(
        "the locked quote expired at {expires_at} and cannot be honoured at {at}; request a new quote"
    )]
    QuoteExpired {
        /// When the lock ended (the first instant it is no longer honoured).
        expires_at: DateTime<Utc>,
        /// When it was asked for.
        at: DateTime<Utc>,
    },
    /// Reference rates are older than the source's maximum age. When they are the newest of
    /// their source loaded (`newest_loaded`), the message says how to load fresh ones: for the
    /// ECB, [`ReferenceRates::from_ecb_xml`](crate::data::ReferenceRates::from_ecb_xml) on the
    /// daily file [`ECB_DAILY_XML_URL`](crate::data::ECB_DAILY_XML_URL).
    #[error(
        "the {source_name} rates of {as_of} are {age_days} days old on {today}, more than the {max_age_days} allowed; {}",
        FreshRatesHint { source_name, newest_loaded: *newest_loaded }
    )]
    StaleRates {
        /// The rate source, e.g. `ECB`.
        source_name: String,
        /// The rates' date.
        as_of: NaiveDate,
        /// The day of the check.
        today: NaiveDate,
        /// Whole days between them.
        age_days: i64,
        /// The maximum allowed.
        max_age_days: u32,
        /// True when no newer table of the source is loaded (the embedded series has ended,
        /// or the caller's table is the newest they have): fresh rates must be loaded.
        newest_loaded: bool,
    },
    /// Reference rates dated after the moment they are used: a clock or data mistake.
    #[error(
        "the {source_name} rates are dated {as_of}, after now ({now}); check `now` and the rate table's as_of"
    )]
    RatesFromTheFuture {
        /// The rate source.
        source_name: String,
        /// The rates' date.
        as_of: NaiveDate,
        /// The moment of use.
        now: DateTime<Utc>,
    },
    /// A reference rate table has no rate for a currency.
    #[error(
        "the {source_name} rates of {as_of} have no rate for {currency}; pick a currency the table lists or load a table that has it"
    )]
    NoReferenceRate {
        /// The currency asked for.
        currency: Currency,
        /// The rate source.
        source_name: String,
        /// The rates' date.
        as_of: NaiveDate,
    },
    /// A reference rate file (ECB CSV or XML, or a rates object) could not be read.
    #[error("malformed {format} rate table{}: {reason}", AtLine(*line))]
    MalformedRates {
        /// `ECB XML`, `ECB CSV` or `rates`.
        format: &'static str,
        /// The 1-based line (0 when not known).
        line: usize,
        /// What is wrong and what to do.
        reason: String,
    },
    /// The tables have no series for the key at all.
    #[error("no {table} data for {key}; check the code or load a table that covers it")]
    UnknownSeries {
        /// Table name, e.g. `"vat"`.
        table: &'static str,
        /// The looked-up key, printed.
        key: String,
    },
    /// A series exists, but no row is in force on the date. The message names the date asked
    /// and the first (or last) day covered: `no regime rate in force for EU (destination DE)
    /// on 2020-06-01: the regime data starts on 2021-07-01, and 2020-06-01 is before it; …`.
    #[error(
        "no {table} rate in force for {key} on {date}{}",
        OutsideCoverage { table, date: *date, coverage: *coverage }
    )]
    NoRateInForce {
        /// Table name, e.g. `"vat"`.
        table: &'static str,
        /// The looked-up key, printed.
        key: String,
        /// The date asked for.
        date: NaiveDate,
        /// Which dates the series does cover.
        coverage: Coverage,
    },
    /// A data file read on first use has problems: a territory's CSV tariff schedule, which
    /// [`RateTables`](crate::RateTables) reads on the first lookup of that territory rather
    /// than when the tables are loaded. The error lists every problem with its file, line
    /// and column. It is kept: later lookups of the territory return it again without
    /// reading the files again; other territories are not affected.
    #[error("the {territory} tariff data read on first use is broken: {error}")]
    LazyData {
        /// The territory whose files were read.
        territory: Territory,
        /// Every problem found in them.
        error: Box<crate::data::DataError>,
    },
    /// A list longer than the crate accepts, so that one request's cost stays bounded (e.g.
    /// a fee chain of more than [`MAX_CHAIN_FEES`](crate::data::MAX_CHAIN_FEES) fees).
    #[error("{field}: {count} entries, more than the limit of {limit}; {advice}")]
    TooLong {
        /// The field holding the list, e.g. `chain.fees`.
        field: String,
        /// How many entries it has.
        count: usize,
        /// The most accepted.
        limit: usize,
        /// What to do instead.
        advice: &'static str,
    },
    /// Reverse pricing: no unit price gives the target total exactly, because the landed total
    /// jumps over it (a threshold, rounding to a coarse increment, a minimum charge) or the
    /// target is below the total at a zero price. The nearest achievable totals are given.
    #[error(
        "target_total {target}: no unit price gives exactly this landed total; nearest below: {}; nearest above: {}; choose one of them or change the target",
        Nearest(below.as_deref()),
        Nearest(above.as_deref())
    )]
    TargetUnreachable {
        /// The target total.
        target: rust_decimal::Decimal,
        /// The largest total below the target and its prices; `None` when even a zero price
        /// gives more.
        below: Option<Box<crate::market::Reached>>,
        /// The smallest total above the target and its prices; `None` when no price up to
        /// the solver's range reaches the target.
        above: Option<Box<crate::market::Reached>>,
    },
}

/// How a [`Error::TargetUnreachable`] message shows one of the nearest totals.
struct Nearest<'a>(Option<&'a crate::market::Reached>);

impl core::fmt::Display for Nearest<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let Some(r) = self.0 else {
            return f.write_str("none");
        };
        write!(f, "{} at unit price", r.landed_total)?;
        if r.unit_prices.len() > 1 {
            f.write_str("s")?;
        }
        for (i, p) in r.unit_prices.iter().enumerate() {
            write!(f, "{}{p}", if i == 0 { " " } else { ", " })?;
        }
        write!(f, " ({})", r.regime)
    }
}

/// What a [`Error::StaleRates`] message says to do.
struct FreshRatesHint<'a> {
    source_name: &'a str,
    newest_loaded: bool,
}

impl core::fmt::Display for FreshRatesHint<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match (self.newest_loaded, self.source_name) {
            (true, "ECB") => write!(
                f,
                "they are the newest ECB rates loaded: load fresh ones with ReferenceRates::from_ecb_xml from the ECB's daily file {} (in a request, give them as `rates`), or raise max_age_days",
                crate::data::ECB_DAILY_XML_URL
            ),
            (true, source) => write!(
                f,
                "they are the newest {source} rates loaded: load a fresh {source} table (ReferenceRates::new, or `rates` in a request), or raise max_age_days"
            ),
            (false, _) => f.write_str(
                "use the rates in force on the day (leave out `rates` to take the loaded ones), load newer rates or raise max_age_days",
            ),
        }
    }
}

/// ` at line N` for a known line, nothing for line 0.
struct AtLine(usize);

impl core::fmt::Display for AtLine {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0 {
            0 => Ok(()),
            n => write!(f, " at line {n}"),
        }
    }
}

/// The dates a series covers, for error messages about dates outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    /// First day covered.
    pub from: NaiveDate,
    /// First day no longer covered, if the series ends.
    pub until: Option<NaiveDate>,
}

impl core::fmt::Display for Coverage {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.until {
            Some(until) => write!(
                f,
                "the data covers {} up to (not including) {until}",
                self.from
            ),
            None => write!(f, "the data covers {} onwards", self.from),
        }
    }
}

/// The end of a [`Error::NoRateInForce`] message: which side of the coverage the date falls
/// on, the first or last day covered, and what to do.
struct OutsideCoverage<'a> {
    table: &'a str,
    date: NaiveDate,
    coverage: Coverage,
}

impl core::fmt::Display for OutsideCoverage<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let Self {
            table,
            date,
            coverage,
        } = self;
        let from = coverage.from;
        if *date < from {
            return write!(
                f,
                ": the {table} data starts on {from}, and {date} is before it; ask for a date on or after {from}, or load data that covers {date}"
            );
        }
        let last = coverage
            .until
            .filter(|u| *date >= *u)
            .and_then(|u| u.pred_opt());
        match last {
            Some(last) => write!(
                f,
                ": the {table} data ends on {last}, and {date} is after it; ask for a date up to {last}, or load data that covers {date}"
            ),
            // Unreachable for a contiguous series; kept so the message never lies.
            None => write!(f, "; {coverage}"),
        }
    }
}

impl Error {
    /// Shorthand for an overflow error in `operation`.
    pub(crate) const fn overflow(operation: &'static str) -> Self {
        Self::Overflow { operation }
    }

    /// Shorthand for an invalid-input error.
    pub(crate) fn input(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Shorthand for a parse error.
    pub(crate) fn parse(kind: ValueKind, input: &str, problem: ParseProblem) -> Self {
        Self::Parse {
            kind,
            input: input.to_owned(),
            problem,
        }
    }

    /// True for [`Error::Overflow`].
    pub const fn is_overflow(&self) -> bool {
        matches!(self, Self::Overflow { .. })
    }

    /// True for [`Error::TooLong`]: a list past the crate's limit.
    pub const fn is_too_long(&self) -> bool {
        matches!(self, Self::TooLong { .. })
    }

    /// True for [`Error::LazyData`]: a data file read on first use has problems.
    pub const fn is_data(&self) -> bool {
        matches!(self, Self::LazyData { .. })
    }

    /// True for [`Error::TargetUnreachable`]: reverse pricing found no exact price.
    pub const fn is_target_unreachable(&self) -> bool {
        matches!(self, Self::TargetUnreachable { .. })
    }

    /// True when no rate is in force for a date or the key is unknown.
    pub const fn is_missing_rate(&self) -> bool {
        matches!(
            self,
            Self::NoRateInForce { .. } | Self::UnknownSeries { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn no_rate(on: &str, until: Option<&str>) -> String {
        Error::NoRateInForce {
            table: "regime",
            key: "EU (destination DE)".to_owned(),
            date: date(on),
            coverage: Coverage {
                from: date("2021-07-01"),
                until: until.map(date),
            },
        }
        .to_string()
    }

    #[test]
    fn a_date_before_the_coverage_names_the_date_and_the_first_day() {
        assert_eq!(
            no_rate("2020-06-01", None),
            "no regime rate in force for EU (destination DE) on 2020-06-01: the regime data starts on 2021-07-01, and 2020-06-01 is before it; ask for a date on or after 2021-07-01, or load data that covers 2020-06-01"
        );
    }

    #[test]
    fn a_date_after_the_coverage_names_the_last_day() {
        // `until` is the first day no longer covered: the last day is the day before.
        assert_eq!(
            no_rate("2030-01-01", Some("2028-01-01")),
            "no regime rate in force for EU (destination DE) on 2030-01-01: the regime data ends on 2027-12-31, and 2030-01-01 is after it; ask for a date up to 2027-12-31, or load data that covers 2030-01-01"
        );
        assert!(no_rate("2028-01-01", Some("2028-01-01")).contains("ends on 2027-12-31"));
    }
}
