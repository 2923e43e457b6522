"""Type stubs of the Rust extension module ``landed._landed`` (re-exported by ``landed``)."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from typing import Any, Iterable, Literal, Mapping, Sequence, TypeVar, Union

import numpy as np
import numpy.typing as npt
import pyarrow as pa

__version__: str

#: A request in the wire format: a dict (amounts as ``Decimal`` or ``str``, dates as
#: ``datetime.date`` or ISO text, instants as aware ``datetime`` or RFC 3339 text), or its
#: JSON text. A ``float`` anywhere raises ``InvalidType``.
Request = Union[Mapping[str, Any], str]
#: An exact amount: ``Decimal``, decimal text or ``int``; never ``float``.
Amount = Union[Decimal, str, int]
#: A path to a file or directory.
PathLike = Union[str, "os.PathLike[str]"]
#: An int64 column: a one-dimensional NumPy array or a PyArrow ``Int64Array``/``ChunkedArray``.
Column = Union["npt.NDArray[np.int64]", "pa.Array", "pa.ChunkedArray"]
#: The kind of column that goes in comes out.
ColumnT = TypeVar("ColumnT", "npt.NDArray[np.int64]", "pa.Array", "pa.ChunkedArray")
#: An instant: an aware ``datetime`` or RFC 3339 text.
Instant = Union[datetime.datetime, str]

def quote(request: Request, *, tables: Tables | None = None) -> dict[str, Any]:
    """A landed-cost quote (duty, import VAT/GST, fees) for a request in the wire format of
    ``examples/requests/*.json``. Amounts in the result are ``Decimal``. With ``target_total``
    in place of ``unit_price`` on every line: reverse DDP pricing, the quote plus
    ``solved_unit_price`` (raises ``TargetUnreachable`` when no price gives the target)."""

def reprice(
    request: Request, *, tables: Tables | None = None, rates: Rates | None = None
) -> dict[str, Any]:
    """FX repricing with a transparent markup; ``rates`` stands for the request's ``rates``."""

def fees(request: Request, *, tables: Tables | None = None) -> dict[str, Any]:
    """A fee schedule (inline or named), or a fee chain, evaluated on a request's inputs."""

def matrix(request: Request, *, tables: Tables | None = None) -> dict[str, Any]:
    """The market matrix: products priced for a list of markets, with the duty, tax, FX
    markup and fees inside each shelf price, the seller's net, margin and binding rule."""

def display_price(request: Request, *, tables: Tables | None = None) -> dict[str, Any]:
    """The display price of a listing: one unit quoted, the price with the tax (and under DDP
    the duty) inside it, the statutory tax rate and name, and the sourced label to show
    (``language`` picks it; default the destination's primary language)."""

def band(request: Request, *, tables: Tables | None = None) -> dict[str, Any]:
    """A competitor-based price band: the new price, the band, the binding constraint, the
    excluded offers and the trace."""

def quote_many(
    requests: Iterable[Request],
    *,
    tables: Tables | None = None,
    errors: Literal["raise", "return"] = "raise",
) -> list[Any]:
    """Quotes every request, computing with the GIL released. With ``errors="raise"`` the
    first failing request's error is raised (its ``index`` says which); with
    ``errors="return"`` the exception takes the request's place in the list."""

def data_version() -> str:
    """The embedded data's version, e.g. ``2026.11.8+sha256:ba9f5432``."""

class Tables:
    """Rate data (VAT, duty, de minimis, customs, currencies, fee schedules, reference FX
    rates), each row dated; pass as ``tables=``. The default is ``Tables.embedded()``."""

    @staticmethod
    def embedded() -> Tables:
        """The dataset compiled into the package."""
    @staticmethod
    def from_dir(path: PathLike) -> Tables:
        """A dataset directory with its ``MANIFEST.toml`` (hashes checked). Raises
        ``DataError`` listing every problem with its file, line and column."""
    def with_overrides(self, path: PathLike) -> Tables:
        """These tables with every series of the TOML file at ``path`` replacing theirs."""
    @property
    def version(self) -> str:
        """The data version that results carry as ``data_version``."""
    @property
    def as_of(self) -> datetime.date | None: ...
    @property
    def verified_until(self) -> datetime.date | None: ...
    def fee_schedule_ids(self) -> list[str]: ...

class Rates:
    """One day's reference FX rates against a pivot; pass as ``rates=``."""

    def __init__(
        self,
        pivot: str,
        as_of: datetime.date | str,
        source: str,
        rates: Mapping[str, Amount],
    ) -> None: ...
    @staticmethod
    def from_ecb_xml(path: PathLike) -> Rates:
        """The newest day of an ECB XML file. Raises ``MalformedRates`` naming the line."""
    @staticmethod
    def from_ecb_csv(path: PathLike) -> Rates:
        """The newest day of an ECB CSV file (daily or history layout)."""
    @staticmethod
    def embedded(on: datetime.date | None = None, *, tables: Tables | None = None) -> Rates:
        """The embedded ECB table published on or before ``on`` (the newest when ``None``)."""
    @property
    def pivot(self) -> str: ...
    @property
    def as_of(self) -> datetime.date: ...
    @property
    def source(self) -> str: ...
    @property
    def rates(self) -> dict[str, Decimal]: ...

class Repricer:
    """An FX policy prepared against one table of reference rates."""

    def __init__(
        self,
        to: str,
        *,
        markup_bps: Amount | None = None,
        rounding: str | None = None,
        ending: Mapping[str, Any] | None = None,
        rates: Rates | Mapping[str, Any] | None = None,
        now: Instant | None = None,
        max_age_days: int | None = None,
        staleness: Literal["error", "warn"] | None = None,
        tables: Tables | None = None,
    ) -> None: ...
    def reprice_minor(self, prices: ColumnT, currency: str) -> ColumnT:
        """Prices in minor units of ``currency`` repriced into minor units of the target, as
        the same kind of column (NumPy in, NumPy out; PyArrow in, PyArrow out, nulls kept).
        The GIL is released during the computation."""
    def amount(self, amount: Amount, currency: str) -> Decimal:
        """One amount repriced, as each price of ``reprice_minor``."""
    @property
    def scale(self) -> int:
        """The target currency's number of decimals."""
    @property
    def rates(self) -> Rates: ...
    @property
    def warnings(self) -> list[str]: ...
    @property
    def data_version(self) -> str: ...

class FeeSchedule:
    """A validated fee schedule: inline (the wire format's ``schedule`` object) or named."""

    def __init__(self, spec: Mapping[str, Any] | str) -> None: ...
    @staticmethod
    def named(id: str, date: datetime.date | str, *, tables: Tables | None = None) -> FeeSchedule:
        """The schedule ``id`` (``provider/category[/REGION]``) in force on ``date``."""
    @property
    def currency(self) -> str: ...
    @property
    def scale(self) -> int:
        """The currency's decimals: the default scale of the minor-unit columns."""
    def evaluate(
        self,
        *,
        quantity: Amount | None = None,
        events: Sequence[Amount] | None = None,
        period_volume: Amount | None = None,
        previous_quantity: Amount | None = None,
    ) -> dict[str, Any]:
        """The result ``dict`` of ``landed.fees`` for one input."""
    def evaluate_batch(
        self, events: Column, *, period_volume: Amount | None = None, scale: int | None = None
    ) -> dict[str, Any]:
        """One batch of events in minor units (an int64 column); the totals ``dict`` without
        per-event fees. The GIL is released during the computation."""
    def evaluate_groups(
        self,
        amounts: ColumnT,
        offsets: Column | npt.NDArray[np.int32],
        *,
        period_volumes: Column | None = None,
        scale: int | None = None,
    ) -> ColumnT:
        """One fee per group (``amounts[offsets[i]:offsets[i + 1]]``, an Arrow list column's
        values and offsets), in minor units of the currency, as a column of the kind of
        ``amounts``. The GIL is released during the computation."""
