//! Python objects to the wire format's JSON text, and the library's results back to Python.
//!
//! In: `dict`, `list`/`tuple`, `str`, `int`, `bool`, `None`, `decimal.Decimal` (written as a
//! decimal string, exactly), `datetime.date` (ISO text) and timezone-aware `datetime.datetime`
//! (RFC 3339). A `float` anywhere is refused with `landed.InvalidType` (a `TypeError`) naming
//! its path: a binary float has already lost digits, so the amount it stood for is unknown.
//!
//! Out: every amount (a decimal string under an amount key, see [`kind_of`]) becomes a
//! `decimal.Decimal`, dates become `datetime.date`, instants `datetime.datetime`; no `float`
//! is ever produced.

use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};

use crate::errors;

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATE_FROM: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static DATETIME_FROM: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `date.fromisoformat` (or `datetime.fromisoformat`), looked up once.
fn from_iso<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    ty: fn(Python<'_>) -> PyResult<&Bound<'_, PyType>>,
) -> PyResult<&'py Bound<'py, PyAny>> {
    cell.get_or_try_init(py, || {
        Ok::<_, PyErr>(ty(py)?.getattr("fromisoformat")?.unbind())
    })
    .map(|f| f.bind(py))
}

/// `decimal.Decimal`.
pub(crate) fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

pub(crate) fn date_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATE.import(py, "datetime", "date")
}

pub(crate) fn datetime_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATETIME.import(py, "datetime", "datetime")
}

/// One step of the path to a value, for error messages (`lines[2].unit_price`).
enum Step<'py> {
    Key(Bound<'py, PyAny>),
    Index(usize),
}

/// The path of `steps` as the library names fields: `lines[2].unit_price`.
fn path_text(prefix: &str, steps: &[Step<'_>]) -> String {
    let mut s = prefix.to_owned();
    for step in steps {
        match step {
            Step::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                let _ = write!(s, "{k}");
            }
            Step::Index(i) => {
                let _ = write!(s, "[{i}]");
            }
        }
    }
    if s.is_empty() {
        "request".to_owned()
    } else {
        s
    }
}

/// Writes Python values as JSON text.
struct Writer<'py, 'p> {
    decimal: Bound<'py, PyType>,
    date: Bound<'py, PyType>,
    datetime: Bound<'py, PyType>,
    out: String,
    steps: Vec<Step<'py>>,
    /// Names the whole value in error paths (`ending` for a keyword argument, empty for a
    /// request).
    prefix: &'p str,
}

/// A request (`dict`, or JSON text as `str`) as the wire format's JSON text.
///
/// # Errors
/// `landed.InvalidType` (a `TypeError`) for a `float` or a value of another type, naming its
/// path; `landed.InvalidInput` for a naive `datetime` or an `int` beyond 64 bits.
pub(crate) fn request_json(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if !obj.is_instance_of::<PyDict>() {
        return Err(errors::invalid_type(
            obj.py(),
            "request",
            format!(
                "a request is a dict (or JSON text), not {}",
                obj.get_type().name()?
            ),
        ));
    }
    value_json(obj, "")
}

/// Any supported Python value as JSON text (see the module docs); `prefix` names the value in
/// error paths (`ending`, `rates`; empty for a request).
pub(crate) fn value_json(obj: &Bound<'_, PyAny>, prefix: &str) -> PyResult<String> {
    let py = obj.py();
    let mut w = Writer {
        decimal: decimal_type(py)?.clone(),
        date: date_type(py)?.clone(),
        datetime: datetime_type(py)?.clone(),
        out: String::with_capacity(512),
        steps: Vec::new(),
        prefix,
    };
    w.write(obj)?;
    Ok(w.out)
}

impl<'py> Writer<'py, '_> {
    fn path(&self) -> String {
        path_text(self.prefix, &self.steps)
    }

    fn write(&mut self, obj: &Bound<'py, PyAny>) -> PyResult<()> {
        let py = obj.py();
        if let Ok(s) = obj.cast::<PyString>() {
            write_json_str(&mut self.out, &s.to_cow()?);
            return Ok(());
        }
        if obj.is_instance(&self.decimal)? {
            return self.write_decimal(obj);
        }
        if let Ok(d) = obj.cast::<PyDict>() {
            self.out.push('{');
            for (i, (k, v)) in d.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                let Ok(ks) = k.cast::<PyString>() else {
                    return Err(errors::invalid_type(
                        py,
                        &self.path(),
                        format!("keys are str, not {}", k.get_type().name()?),
                    ));
                };
                write_json_str(&mut self.out, &ks.to_cow()?);
                self.out.push(':');
                self.steps.push(Step::Key(k.clone()));
                self.write(&v)?;
                self.steps.pop();
            }
            self.out.push('}');
            return Ok(());
        }
        if let Ok(l) = obj.cast::<PyList>() {
            return self.write_seq(l.iter());
        }
        if let Ok(t) = obj.cast::<PyTuple>() {
            return self.write_seq(t.iter());
        }
        if obj.is_none() {
            self.out.push_str("null");
            return Ok(());
        }
        if let Ok(b) = obj.cast::<PyBool>() {
            self.out
                .push_str(if b.is_true() { "true" } else { "false" });
            return Ok(());
        }
        if obj.is_instance_of::<PyInt>() {
            return match obj.extract::<i64>() {
                Ok(i) => {
                    let _ = write!(self.out, "{i}");
                    Ok(())
                }
                Err(_) => Err(errors::invalid_input(
                    py,
                    &self.path(),
                    format!("the integer {obj} is beyond 64 bits; pass it as a str or Decimal"),
                )),
            };
        }
        if obj.is_instance_of::<PyFloat>() {
            return Err(float_error(py, &self.path(), obj));
        }
        // `datetime` is a subclass of `date`: test it first.
        if obj.is_instance(&self.datetime)? {
            if obj.getattr("tzinfo")?.is_none() || obj.call_method0("utcoffset")?.is_none() {
                return Err(errors::invalid_input(
                    py,
                    &self.path(),
                    format!(
                        "the datetime {obj} has no timezone; give an aware datetime (datetime.now(timezone.utc)) or RFC 3339 text"
                    ),
                ));
            }
            let iso = obj.call_method0("isoformat")?;
            write_json_str(&mut self.out, &iso.cast::<PyString>()?.to_cow()?);
            return Ok(());
        }
        if obj.is_instance(&self.date)? {
            let iso = obj.call_method0("isoformat")?;
            write_json_str(&mut self.out, &iso.cast::<PyString>()?.to_cow()?);
            return Ok(());
        }
        Err(errors::invalid_type(
            py,
            &self.path(),
            format!(
                "a value of type {} is not accepted; pass dict, list, str, int, bool, None, Decimal, date or datetime",
                obj.get_type().name()?
            ),
        ))
    }

    fn write_seq(&mut self, items: impl Iterator<Item = Bound<'py, PyAny>>) -> PyResult<()> {
        self.out.push('[');
        for (i, v) in items.enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.steps.push(Step::Index(i));
            self.write(&v)?;
            self.steps.pop();
        }
        self.out.push(']');
        Ok(())
    }

    /// A `Decimal` as a plain decimal string: `str()` unless it is in exponent form
    /// (`1E+2`, `1E-8`), then `format(d, "f")`. NaN and infinities are written as they are
    /// and refused by the library's parser, which names the field.
    fn write_decimal(&mut self, obj: &Bound<'py, PyAny>) -> PyResult<()> {
        let s = obj.str()?;
        let text = s.to_cow()?;
        if text.contains(['E', 'e']) && !text.contains(['N', 'n', 'I', 'i']) {
            let f = obj.call_method1("__format__", ("f",))?;
            write_json_str(&mut self.out, &f.cast::<PyString>()?.to_cow()?);
        } else {
            write_json_str(&mut self.out, &text);
        }
        Ok(())
    }
}

/// The `TypeError` for a float at `path`.
pub(crate) fn float_error(py: Python<'_>, path: &str, obj: &Bound<'_, PyAny>) -> PyErr {
    let repr = obj
        .repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| "a float".to_owned());
    errors::invalid_type(
        py,
        path,
        format!(
            "the float {repr} is not accepted: a binary float has already lost digits; pass a decimal.Decimal or a str such as \"{repr}\""
        ),
    )
}

/// Writes `s` as a JSON string literal.
fn write_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// What a string under a key becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Amount,
    Date,
    Instant,
    Text,
}

/// The kind of the values under `key` (a `match`: this runs for every field of every result).
///
/// The amount keys are the fields of the library's results (and of the wire types they echo)
/// that hold amounts, rates or percentages: a decimal string under one becomes a
/// `decimal.Decimal` (a list under one, a list of them), and so does a whole number
/// (`"markup_bps": 150`). Every other string stays a `str` (hs codes, trace texts, rule names).
/// A test walks the results of every example request and fails when a decimal string is left
/// under a key not listed here.
pub(crate) fn kind_of(key: &str) -> Kind {
    match key {
        "all_in_rate"
        | "amount"
        | "base"
        | "before_ending"
        | "cash_amount"
        | "ceiling"
        | "cost_floor"
        | "costs"
        | "current_price"
        | "current_rate"
        | "customs_fees"
        | "customs_value"
        | "drift_bps"
        | "drift_bps_unrounded"
        | "drift_threshold_bps"
        | "due_at_checkout"
        | "due_on_delivery"
        | "duty"
        | "duty_rate"
        | "events"
        | "fee"
        | "fees"
        | "fixed_amount"
        | "flat_amount"
        | "floor"
        | "free"
        | "from"
        | "fx_markup"
        | "goods"
        | "goods_price"
        | "goods_value"
        | "high"
        | "increment"
        | "insurance"
        | "intrinsic_value"
        | "landed_cost"
        | "landed_total"
        | "locked_rate"
        | "low"
        | "lower_target"
        | "map"
        | "margin_percent"
        | "marketplace_fee"
        | "markup_amount"
        | "markup_bps"
        | "markup_percent"
        | "max_price"
        | "min_margin_percent"
        | "min_price"
        | "min_profit"
        | "net"
        | "offset"
        | "other_costs"
        | "package_amount"
        | "per_event_max"
        | "per_event_min"
        | "percent"
        | "period_amount"
        | "period_max"
        | "period_min"
        | "period_volume"
        | "previous_quantity"
        | "price"
        | "profit"
        | "quantity"
        | "rate"
        | "rate_percent"
        | "reference"
        | "reference_rate"
        | "remitted"
        | "rounding"
        | "shelf_price"
        | "shipping"
        | "solved_unit_price"
        | "target"
        | "target_total"
        | "tax"
        | "tax_rate"
        | "threshold"
        | "total"
        | "total_charges"
        | "unit_amount"
        | "unit_cost"
        | "unit_price"
        | "unit_prices"
        | "units"
        | "unrounded"
        | "up_to"
        | "upper_target"
        | "value"
        | "weight_kg" => Kind::Amount,
        "date" | "as_of" | "effective_from" | "effective_to" => Kind::Date,
        "expires_at" | "now" | "seen_at" => Kind::Instant,
        _ => Kind::Text,
    }
}

/// A plain decimal: optional sign, digits, optional fraction.
///
/// One pass over the bytes (this runs for every amount of every result): at least one digit
/// before the point, at most one point, digits after it (none is accepted: `12.`).
pub(crate) fn is_decimal_text(s: &str) -> bool {
    let b = s.as_bytes();
    let b = b.strip_prefix(b"-").unwrap_or(b);
    let (mut int_digits, mut point) = (false, false);
    for &c in b {
        if c.is_ascii_digit() {
            int_digits |= !point;
        } else if c == b'.' && !point && int_digits {
            point = true;
        } else {
            return false;
        }
    }
    int_digits
}

/// The most digits of an amount made from an integer ([`ToPy::make_decimal`]): every
/// 18-digit integer is an `i64`.
const MAX_DIGITS: usize = 18;

/// The most decimals of an amount made from an integer (a `rust_decimal` has at most 28).
const MAX_SCALE: usize = 28;

/// A plain decimal text (see [`is_decimal_text`]) as its digits read as one integer and the
/// number of digits after the point: `-12.50` is `(-1250, 2)`, `7` is `(7, 0)`, `12.` is
/// `(12, 0)`. `None` beyond [`MAX_DIGITS`] digits or [`MAX_SCALE`] decimals, and for a
/// negative zero (`-0.00`: the integer `0` has no sign).
fn mantissa_scale(s: &str) -> Option<(i64, usize)> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() || int.len().checked_add(frac.len())? > MAX_DIGITS || frac.len() > MAX_SCALE {
        return None;
    }
    let mut m: i64 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        m = m
            .checked_mul(10)?
            .checked_add(i64::from(b.checked_sub(b'0')?))?;
    }
    match (negative, m) {
        (false, m) => Some((m, frac.len())),
        (true, 0) => None,
        (true, m) => Some((m.checked_neg()?, frac.len())),
    }
}

/// `decimal.getcontext`, looked up once.
static GET_CONTEXT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `Decimal('1E-n')` for `n` = 0 … [`MAX_SCALE`], made once.
static POWERS_OF_TEN: PyOnceLock<Vec<Py<PyAny>>> = PyOnceLock::new();

/// See [`POWERS_OF_TEN`].
fn powers_of_ten(py: Python<'_>) -> PyResult<&[Py<PyAny>]> {
    POWERS_OF_TEN
        .get_or_try_init(py, || {
            let decimal = decimal_type(py)?;
            (0..=MAX_SCALE)
                .map(|n| Ok(decimal.call1((format!("1E-{n}"),))?.unbind()))
                .collect::<PyResult<Vec<_>>>()
        })
        .map(Vec::as_slice)
}

/// Whether the current thread's decimal context (the one `Decimal` arithmetic uses) computes
/// `m * Decimal('1E-n')` exactly, with the exponent `-n` kept, for every integer `m` of up to
/// [`MAX_DIGITS`] digits and `n` up to [`MAX_SCALE`]: its precision holds the digits (no
/// rounding), the adjusted exponent (`-28` … `17`) is within `Emin` … `Emax` (not subnormal,
/// no overflow), and with `clamp` set the exponent (`<= 0`) is at most `Emax - prec + 1` (not
/// folded down). Then no signal is raised and no trap can fire. The default context
/// (`prec=28`, `Emax=999999`, `Emin=-999999`, `clamp=0`) qualifies.
fn multiplies_exactly(py: Python<'_>) -> PyResult<bool> {
    let get_context = GET_CONTEXT.get_or_try_init(py, || {
        Ok::<_, PyErr>(py.import("decimal")?.getattr("getcontext")?.unbind())
    })?;
    let ctx = get_context.bind(py).call0()?;
    // The attribute names interned once (`getattr` with a `&str` would make a Python string
    // for each read, once per result).
    let int = |name: &Bound<'_, PyString>| -> PyResult<i64> { ctx.getattr(name)?.extract() };
    let prec = int(pyo3::intern!(py, "prec"))?;
    let emax = int(pyo3::intern!(py, "Emax"))?;
    let emin = int(pyo3::intern!(py, "Emin"))?;
    let clamp = int(pyo3::intern!(py, "clamp"))?;
    let digits = i64::try_from(MAX_DIGITS).unwrap_or(i64::MAX);
    let scale = i64::try_from(MAX_SCALE).unwrap_or(i64::MAX);
    Ok(prec >= digits
        && emax >= digits.saturating_sub(1)
        && emin <= scale.saturating_neg()
        && (clamp == 0 || emax >= prec.saturating_sub(1)))
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// FNV-1a for the result builder's map of field names, looked up for every field of every
/// result: SipHash (the default, which resists hash flooding; these keys are the library's own
/// field names) was a tenth of the conversion's time.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FnvHasher(u64);

impl Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }

    // The field-name map is keyed by addresses: one multiply per word (FxHash's step), not
    // FNV's one per byte.
    fn write_usize(&mut self, i: usize) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// The `BuildHasher` of [`FnvHasher`].
pub(crate) type Fnv = BuildHasherDefault<FnvHasher>;

/// Builds Python values for a result: `Decimal`s, dates, instants and the interned field
/// names (see [`crate::topy::Keys`]).
pub(crate) struct ToPy<'py> {
    py: Python<'py>,
    decimal: Bound<'py, PyType>,
    pub(crate) keys: crate::topy::Keys,
    /// Reused for the text of each `collect_str` value (decimals, dates, codes).
    pub(crate) buf: String,
    /// The values of the structs and lists being built, innermost last (each takes its own off
    /// the top at its end): one allocation per result, not one per struct.
    pub(crate) stack: Vec<Bound<'py, PyAny>>,
    pub(crate) key_stack: Vec<Bound<'py, PyString>>,
    /// The `Decimal`s made for this result, so that equal amounts of one result share an
    /// object (a quote repeats its totals: the duty in its charge, the customs value as the
    /// duty's base, …), found by their text through [`ToPy::shared_index`].
    shared: Vec<SharedDecimal<'py>>,
    /// An open-addressing table of `shared`: 1 + the index of an entry, 0 for a free slot.
    shared_index: [u8; SHARED_SLOTS],
    /// The powers of ten that make amounts from integers (see [`ToPy::make_decimal`]), when
    /// the caller's decimal context multiplies exactly; looked at once per result, at its
    /// first amount (`None` until then). Python code run while a result is built (a finalizer)
    /// is assumed not to narrow the thread's decimal context.
    scales: Option<Option<&'py [Py<PyAny>]>>,
}

/// The slots of [`ToPy::shared_index`] (at most half of them are filled).
const SHARED_SLOTS: usize = 128;

/// The longest decimal text [`ToPy::shared`] keeps.
const SHARED_TEXT: usize = 16;

/// A `Decimal` made in this result and its text.
struct SharedDecimal<'py> {
    len: usize,
    text: [u8; SHARED_TEXT],
    value: Bound<'py, PyAny>,
}

impl<'py> ToPy<'py> {
    pub(crate) fn new(py: Python<'py>) -> PyResult<Self> {
        Ok(Self {
            py,
            decimal: decimal_type(py)?.clone(),
            keys: crate::topy::Keys::default(),
            buf: String::new(),
            stack: Vec::with_capacity(64),
            key_stack: Vec::with_capacity(32),
            shared: Vec::with_capacity(SHARED_SLOTS / 2),
            shared_index: [0; SHARED_SLOTS],
            scales: None,
        })
    }

    /// The field name `name` as an interned Python string, and the kind of its values.
    pub(crate) fn field(&mut self, name: &'static str) -> (Bound<'py, PyString>, Kind) {
        self.keys.get(self.py, name)
    }

    pub(crate) fn py(&self) -> Python<'py> {
        self.py
    }

    /// A decimal string as a `decimal.Decimal`: the one made earlier in this result for the
    /// same text, if any.
    pub(crate) fn decimal(&mut self, s: &str) -> PyResult<Bound<'py, PyAny>> {
        let bytes = s.as_bytes();
        let mut text = [0u8; SHARED_TEXT];
        let (Some(t), true) = (
            text.get_mut(..bytes.len()),
            self.shared.len() < SHARED_SLOTS / 2,
        ) else {
            return self.make_decimal(s);
        };
        t.copy_from_slice(bytes);
        let mut slot = bytes.iter().fold(bytes.len(), |h, b| {
            h.wrapping_mul(31).wrapping_add(usize::from(*b))
        }) % SHARED_SLOTS;
        // Linear probing; the table is at most half full, so a free slot is always found.
        loop {
            match self.shared_index.get(slot).copied() {
                Some(0) => break,
                Some(i) => {
                    let entry = self.shared.get(usize::from(i).saturating_sub(1));
                    if let Some(e) = entry
                        && e.len == bytes.len()
                        && e.text == text
                    {
                        return Ok(e.value.clone());
                    }
                    slot = slot.wrapping_add(1) % SHARED_SLOTS;
                }
                None => return self.make_decimal(s),
            }
        }
        let value = self.make_decimal(s)?;
        self.shared.push(SharedDecimal {
            len: bytes.len(),
            text,
            value: value.clone(),
        });
        if let (Some(free), Ok(n)) = (
            self.shared_index.get_mut(slot),
            u8::try_from(self.shared.len()),
        ) {
            *free = n;
        }
        Ok(value)
    }

    /// A new `Decimal` of the plain decimal text `s`, with its digits and exponent.
    ///
    /// `Decimal(str)` parses the text (and needs a Python `str` and an argument tuple made for
    /// it); the product of an `int` and an exact power of ten (`151320 * Decimal('1E-2')`, that
    /// is `Decimal('1513.20')`: the coefficient is the integer's, the exponent the power's) is
    /// one C-level multiplication, about half the cost. Decimal arithmetic rounds to the
    /// caller's context, so the product is used only where that context cannot round it or
    /// move its exponent (see [`multiplies_exactly`]); otherwise, and for texts beyond
    /// [`MAX_DIGITS`] digits or [`MAX_SCALE`] decimals or a negative zero (no `int` has its
    /// sign), the text is parsed.
    fn make_decimal(&mut self, s: &str) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        if let Some((mantissa, scale)) = mantissa_scale(s)
            && let Some(power) = self.scales()?.and_then(|p| p.get(scale))
        {
            // The Decimal on the left: its own multiplication is the one called.
            return power.bind(py).mul(mantissa);
        }
        self.decimal.call1((s,))
    }

    /// The powers of ten `Decimal('1E-0')` … `Decimal('1E-28')`, or `None` when the caller's
    /// decimal context might round a product (checked once per result).
    fn scales(&mut self) -> PyResult<Option<&'py [Py<PyAny>]>> {
        if let Some(known) = self.scales {
            return Ok(known);
        }
        let py = self.py;
        let known = if multiplies_exactly(py)? {
            Some(powers_of_ten(py)?)
        } else {
            None
        };
        self.scales = Some(known);
        Ok(known)
    }

    /// A result's string under a key of `kind`: a `Decimal`, `date`, `datetime` or `str`.
    pub(crate) fn text(&mut self, s: &str, kind: Kind) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        match kind {
            Kind::Amount if is_decimal_text(s) => self.decimal(s),
            Kind::Date if is_iso_date(s) => from_iso(py, &DATE_FROM, date_type)?.call1((s,)),
            Kind::Instant if s.len() >= 20 => {
                let f = from_iso(py, &DATETIME_FROM, datetime_type)?;
                // Python before 3.11 does not read a trailing `Z`.
                match s.strip_suffix('Z') {
                    Some(t) => f.call1((format!("{t}+00:00"),)),
                    None => f.call1((s,)),
                }
            }
            _ => Ok(PyString::new(py, s).into_any()),
        }
    }
}

/// A serializable result as Python objects (see the module docs).
pub(crate) fn result_to_py<'py, T: serde::Serialize + ?Sized>(
    py: Python<'py>,
    result: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let mut to = ToPy::new(py)?;
    result
        .serialize(crate::topy::Ser {
            to: &mut to,
            kind: Kind::Text,
        })
        .map_err(|e| e.into_py(py))
}
