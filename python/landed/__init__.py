"""Cross-border e-commerce pricing on versioned, dated rate data, with exact decimals.

- ``quote(request)``: landed cost (duty, import VAT/GST, fees);
- ``reprice(request)``: FX repricing with a transparent markup;
- ``fees(request)``: tiered fee schedules and fee chains;
- ``band(request)``: competitor-based price bands;
- ``matrix(request)``: a catalogue priced for a list of markets;
- ``display_price(request)``: a listing's tax-inclusive price with its label.

Requests are ``dict``\\ s (or JSON text) in the wire format of the Rust crate; results are
``dict``\\ s. Every amount is a :class:`decimal.Decimal` both ways, never a ``float``: a float
argument raises :class:`InvalidType` (a ``TypeError``). Dates are :class:`datetime.date` or
ISO text. Batch work on columns: :class:`Repricer` (``reprice_minor`` on int64 NumPy or Arrow
arrays of minor units), :class:`FeeSchedule` (``evaluate_batch``, ``evaluate_groups``) and
:func:`quote_many`, all with the GIL released while they compute.
"""

from __future__ import annotations

from ._errors import (
    DataError,
    DataProblem,
    InvalidInput,
    InvalidType,
    LandedError,
    MalformedRates,
    NoRateInForce,
    NoReferenceRate,
    Overflow,
    QuoteExpired,
    RateError,
    RatesFromTheFuture,
    StaleRates,
    TargetUnreachable,
    UnknownSeries,
)
from ._landed import (
    FeeSchedule,
    Rates,
    Repricer,
    Tables,
    __version__,
    band,
    data_version,
    display_price,
    fees,
    matrix,
    quote,
    quote_many,
    reprice,
)

__all__ = [
    "DataError",
    "DataProblem",
    "FeeSchedule",
    "InvalidInput",
    "InvalidType",
    "LandedError",
    "MalformedRates",
    "NoRateInForce",
    "NoReferenceRate",
    "Overflow",
    "QuoteExpired",
    "RateError",
    "Rates",
    "RatesFromTheFuture",
    "Repricer",
    "StaleRates",
    "TargetUnreachable",
    "Tables",
    "UnknownSeries",
    "__version__",
    "band",
    "data_version",
    "display_price",
    "fees",
    "matrix",
    "quote",
    "quote_many",
    "reprice",
]
