"""The exceptions of the ``landed`` package, raised by its Rust extension.

Every exception is a :class:`LandedError`; its ``kind`` names the library's error kind in
snake case and its other attributes carry the error's structured fields, so callers react
to a case without parsing the message.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class LandedError(Exception):
    """Base of every error of the ``landed`` package.

    ``kind`` is the library's error kind (``"invalid_input"``, ``"stale_rates"``, ...).
    """

    kind: str

    def __init__(self, message: str, *, kind: str = "error", **fields: Any) -> None:
        super().__init__(message)
        self.kind = kind
        for name, value in fields.items():
            setattr(self, name, value)


class InvalidInput(LandedError, ValueError):
    """A request field is missing, malformed or out of range.

    ``field`` is its path in the request (``lines[2].unit_price``), ``reason`` says what is
    wrong and what to do.
    """

    field: str
    reason: str


class InvalidType(InvalidInput, TypeError):
    """A value of a type that cannot be exact: a ``float`` (pass ``decimal.Decimal`` or
    ``str``), or a type the wire format has no place for. Also a ``TypeError``."""


class TargetUnreachable(LandedError, ValueError):
    """Reverse pricing: no unit price gives ``target`` (a ``Decimal``) exactly. ``below`` and
    ``above`` are the nearest achievable results (``None`` when there is none on that side),
    each a dict with ``unit_prices`` (one per line), ``landed_total`` and ``regime``."""

    target: Any
    below: dict[str, Any] | None
    above: dict[str, Any] | None


class DataProblem(NamedTuple):
    """One problem found while loading rate data."""

    file: str
    #: 1-based line, 0 when the problem is about the whole file.
    line: int
    #: 1-based column, 0 when unknown.
    column: int
    #: The kind of problem (``"syntax"``, ``"bare_float"``, ``"overlap"``, ``"hash_mismatch"``, ...).
    kind: str
    message: str


class DataError(LandedError):
    """Loading rate data failed; ``problems`` lists every problem found."""

    problems: list[DataProblem]


class RateError(LandedError):
    """A problem with reference FX rates."""


class StaleRates(RateError):
    """Reference rates older than the source's maximum age (``source``, ``as_of``, ``today``,
    ``age_days``, ``max_age_days``, ``newest_loaded``)."""


class RatesFromTheFuture(RateError):
    """Reference rates dated after the moment of use (``source``, ``as_of``)."""


class NoReferenceRate(RateError):
    """A rate table without a rate for ``currency`` (``source``, ``as_of``)."""


class MalformedRates(RateError):
    """An ECB file or rates object that could not be read (``format``, ``line``, ``reason``)."""


class QuoteExpired(RateError):
    """A locked FX quote honoured after its expiry."""


class NoRateInForce(LandedError, LookupError):
    """The data has the series but no row in force on ``date`` (``table``, ``key``,
    ``covered_from``, ``covered_until``: the first and last day covered)."""


class UnknownSeries(LandedError, LookupError):
    """The data has no series for ``key`` in ``table`` at all."""


class Overflow(LandedError, ArithmeticError):
    """Amounts too large for 28 significant digits (``operation``)."""


__all__ = [
    "DataError",
    "DataProblem",
    "InvalidInput",
    "InvalidType",
    "LandedError",
    "MalformedRates",
    "NoRateInForce",
    "NoReferenceRate",
    "Overflow",
    "QuoteExpired",
    "RateError",
    "RatesFromTheFuture",
    "StaleRates",
    "UnknownSeries",
]
