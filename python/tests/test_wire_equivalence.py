"""The Python results equal the wire format's JSON, value by value and digit by digit.

The result dicts are built by the extension's own serializer (python/src/topy.rs), which makes
`Decimal`s, dates and strings directly; the reference here is the JSON text of the `landed`
command (cli/), written by serde_json from the same result types. Every leaf must agree: a
`Decimal` with the wire's text exactly (sign, digits and exponent: `1.50` stays `1.50`), a
`date`/`datetime` with its ISO text, a `str`, `int`, `bool` or `None` as it is; same keys in
the same order, same list lengths. The results must not depend on the caller's decimal
context either.
"""

from __future__ import annotations

import datetime
import decimal
import json
import shutil
import subprocess
from decimal import Decimal
from typing import Any

import pytest

import landed

from conftest import FUNCTIONS, REPO, example_requests, job_of

# Every signal of the decimal module, trapped in one of the contexts below.
ALL_SIGNALS = [
    decimal.Clamped,
    decimal.DivisionByZero,
    decimal.FloatOperation,
    decimal.Inexact,
    decimal.InvalidOperation,
    decimal.Overflow,
    decimal.Rounded,
    decimal.Subnormal,
    decimal.Underflow,
]

# The command's subcommand for each job.
COMMANDS = {"display": "display-price"}


def wire_answers(job: str, requests: list[dict[str, Any]]) -> list[Any]:
    """The command's JSON answers to `requests`, one per request (`--jsonl`)."""
    lines = "".join(json.dumps(r) + "\n" for r in requests)
    out = subprocess.run(
        ["cargo", "run", "-q", "-p", "landed-cli", "--", COMMANDS.get(job, job), "--jsonl", "-"],
        cwd=REPO,
        input=lines,
        capture_output=True,
        text=True,
        check=False,
    )
    # A float on the wire would be read as a Decimal and then differ in type from the result.
    answers = [
        json.loads(line, parse_float=Decimal) for line in out.stdout.splitlines() if line.strip()
    ]
    assert len(answers) == len(requests), out.stderr
    return answers


def assert_same(value: Any, wire: Any, path: str) -> None:
    """`value` (a Python result) is what the JSON `wire` says, at `path`."""
    if isinstance(value, dict):
        assert type(value) is dict, path
        assert isinstance(wire, dict), path
        assert list(value) == list(wire), path
        for k in value:
            assert_same(value[k], wire[k], f"{path}.{k}")
    elif isinstance(value, list):
        assert type(value) is list and isinstance(wire, list), path
        assert len(value) == len(wire), path
        for i, (v, w) in enumerate(zip(value, wire)):
            assert_same(v, w, f"{path}[{i}]")
    elif isinstance(value, Decimal):
        assert type(value) is Decimal, path
        # A whole number may sit on the wire as a JSON integer (`"markup_bps": 150`).
        expected = Decimal(wire if isinstance(wire, str) else str(wire))
        assert value.as_tuple() == expected.as_tuple(), f"{path}: {value!r} != {wire!r}"
    elif isinstance(value, datetime.datetime):
        assert value == datetime.datetime.fromisoformat(wire.replace("Z", "+00:00")), path
    elif isinstance(value, datetime.date):
        assert value.isoformat() == wire, path
    else:
        assert type(value) in (str, int, bool, type(None)), f"{path}: {type(value)}"
        assert type(value) is type(wire) and value == wire, f"{path}: {value!r} != {wire!r}"


def answers_by_job() -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """The example requests grouped by the function that answers them."""
    jobs: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for name, request in example_requests():
        jobs.setdefault(job_of(name), []).append((name, request))
    return jobs


@pytest.mark.skipif(shutil.which("cargo") is None, reason="the reference is the landed command")
@pytest.mark.parametrize("job", sorted(answers_by_job()))
def test_results_equal_the_wire_json(job):
    examples = answers_by_job()[job]
    wire = wire_answers(job, [r for _, r in examples])
    for (name, request), answer in zip(examples, wire):
        if "error" in answer and len(answer) <= 2:
            with pytest.raises(landed.LandedError):
                FUNCTIONS[job](request)
            continue
        assert_same(FUNCTIONS[job](request), answer, name)


@pytest.mark.parametrize(
    "context",
    [
        decimal.Context(prec=3),
        decimal.Context(prec=28, Emax=5, Emin=-5),
        decimal.Context(clamp=1, Emax=30),
        decimal.Context(traps=ALL_SIGNALS),
    ],
    ids=["prec3", "narrow_exponents", "clamp", "all_traps"],
)
def test_results_do_not_depend_on_the_decimal_context(context):
    plain = {name: FUNCTIONS[job_of(name)](r) for name, r in example_requests()}
    with decimal.localcontext(context) as ctx:
        for name, request in example_requests():
            result = FUNCTIONS[job_of(name)](request)
            assert repr(result) == repr(plain[name]), name
        # No signal was raised in the caller's context.
        assert not any(ctx.flags.values()), ctx.flags
