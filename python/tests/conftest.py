"""Shared fixtures: the repository's example requests and small helpers."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import pytest

import landed

REPO = Path(__file__).resolve().parents[2]
REQUESTS = REPO / "examples" / "requests"


# The function answering each kind of example request (see `job_of`).
FUNCTIONS = {
    "quote": landed.quote,
    "reprice": landed.reprice,
    "fees": landed.fees,
    "band": landed.band,
    "matrix": landed.matrix,
    "display": landed.display_price,
}


def job_of(name: str) -> str:
    """Which function answers an example request, by its file name."""
    for prefix in ("band", "fees", "reprice", "matrix", "display"):
        if name.startswith(prefix):
            return prefix
    return "quote"


def example_requests() -> list[tuple[str, dict[str, Any]]]:
    """Every example request as its file has it (amounts as decimal strings)."""
    return [
        (p.name, json.loads(p.read_text()))
        for p in sorted(REQUESTS.glob("*.json"))
    ]


DECIMAL_TEXT = re.compile(r"^-?\d+(\.\d+)?$")


def leaves(value: Any, key: str | None = None) -> Iterator[tuple[str | None, Any]]:
    """Every (key, leaf) of a result: a list's items sit under the list's key."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from leaves(v, key)
    else:
        yield key, value


@pytest.fixture
def de_ioss() -> dict[str, Any]:
    return json.loads((REQUESTS / "de_ioss.json").read_text())


def dec(s: str) -> Decimal:
    return Decimal(s)
