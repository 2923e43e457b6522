"""Tables, rates from ECB files, and errors with their fields."""

from __future__ import annotations

import copy
import datetime
import json
import shutil
from decimal import Decimal

import pytest

import landed

from conftest import REPO, REQUESTS

ECB_XML = """<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <Cube>
    <Cube time='2025-10-21'>
      <Cube currency='USD' rate='1.1607'/>
      <Cube currency='JPY' rate='176.45'/>
      <Cube currency='GBP' rate='0.86900'/>
    </Cube>
  </Cube>
</gesmes:Envelope>
"""


def test_tables_embedded_and_from_dir():
    t = landed.Tables.embedded()
    assert t.version == landed.data_version()
    assert t.as_of is not None and t.verified_until > t.as_of
    assert "amazon_us/jewelry" in t.fee_schedule_ids()
    loaded = landed.Tables.from_dir(REPO / "data")
    # The same files give the same dataset version.
    assert loaded.version == t.version
    req = json.loads((REQUESTS / "de_ioss.json").read_text())
    assert landed.quote(req, tables=loaded) == landed.quote(req)


def test_with_overrides_changes_a_series(tmp_path):
    override = tmp_path / "de_vat.toml"
    override.write_text(
        'schema_version = 1\n'
        '[[vat]]\ncountry = "DE"\ncategory = "standard"\nrate_percent = "21"\n'
        'effective_from = "2021-01-01"\nsource = "test: a made-up rate"\n'
    )
    t = landed.Tables.embedded().with_overrides(override)
    assert t.version != landed.Tables.embedded().version
    req = json.loads((REQUESTS / "de_import.json").read_text())
    vat = [c for c in landed.quote(req, tables=t)["charges"] if c["kind"] == "tax"]
    assert any(c["rate"] == Decimal("21") for c in vat)


def test_data_error_lists_problems_with_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'schema_version = 1\n[[vat]]\ncountry = "DE"\ncategory = "standard"\n'
        'rate_percent = 19.0\neffective_from = "2021-01-01"\nsource = "x"\n'
    )
    with pytest.raises(landed.DataError) as info:
        landed.Tables.embedded().with_overrides(bad)
    err = info.value
    assert isinstance(err, landed.LandedError)
    p = err.problems[0]
    assert isinstance(p, landed.DataProblem)
    assert (p.file, p.line) == ("bad.toml", 5)
    assert p.column > 0
    assert p.kind == "bare_float"
    assert "bare float" in p.message


def test_data_error_from_a_directory_with_a_changed_file(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data, ignore=shutil.ignore_patterns("research"))
    vat = data / "vat.toml"
    vat.write_text(vat.read_text() + "\n# an edit the manifest does not know\n")
    with pytest.raises(landed.DataError) as info:
        landed.Tables.from_dir(data)
    kinds = {(p.file, p.kind) for p in info.value.problems}
    assert ("vat.toml", "hash_mismatch") in kinds


def test_rates_from_ecb_files(tmp_path):
    xml = tmp_path / "eurofxref-daily.xml"
    xml.write_text(ECB_XML)
    rates = landed.Rates.from_ecb_xml(xml)
    assert (rates.pivot, rates.source, rates.as_of) == ("EUR", "ECB", datetime.date(2025, 10, 21))
    assert rates.rates["GBP"] == Decimal("0.86900")
    csv = tmp_path / "eurofxref.csv"
    csv.write_text("Date, USD, JPY, GBP, \n21 October 2025, 1.1607, 176.45, 0.86900, \n")
    assert landed.Rates.from_ecb_csv(csv).rates == rates.rates
    r = landed.Repricer("JPY", markup_bps=150, rates=rates)
    assert r.amount(Decimal("10.00"), "USD") == Decimal(
        (Decimal("10.00") * Decimal("176.45") * Decimal("1.015") / Decimal("1.1607"))
        .quantize(Decimal("1"))
    )
    bad = tmp_path / "bad.xml"
    bad.write_text("<Cube time='2025-10-21'>\n<Cube currency='USD' rate='x'/></Cube>")
    with pytest.raises(landed.MalformedRates) as info:
        landed.Rates.from_ecb_xml(bad)
    assert info.value.format == "ECB XML"
    assert info.value.line == 2
    assert isinstance(info.value, landed.RateError)


def test_invalid_input_names_the_field(de_ioss):
    req = copy.deepcopy(de_ioss)
    req["lines"][2]["hs_code"] = "zz"
    with pytest.raises(landed.InvalidInput) as info:
        landed.quote(req)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.field == "lines[2].hs_code"
    assert err.kind == "invalid_input"
    # The position in the generated JSON text is not shown for a dict request.
    assert " at line " not in str(err)
    del req["lines"]
    with pytest.raises(landed.InvalidInput) as info:
        landed.quote(req)
    assert "lines" in str(info.value)


def test_no_rate_in_force_names_the_coverage(de_ioss):
    req = copy.deepcopy(de_ioss)
    req["date"] = "1990-01-01"
    with pytest.raises(landed.LandedError) as info:
        landed.quote(req)
    err = info.value
    assert isinstance(err, landed.NoRateInForce), repr(err)
    assert isinstance(err, LookupError)
    assert err.date == datetime.date(1990, 1, 1)
    assert err.covered_from > err.date


def test_stale_rates_with_their_fields():
    req = json.loads((REQUESTS / "reprice_jpy.json").read_text())
    req["now"] = "2025-05-04T10:00:00Z"
    req.pop("lock_minutes")
    with pytest.raises(landed.StaleRates) as info:
        landed.reprice(req)
    err = info.value
    assert err.source == "ECB"
    assert err.as_of == datetime.date(2025, 4, 3)
    assert err.today == datetime.date(2025, 5, 4)
    assert err.age_days == 31
    assert err.max_age_days == 5
    assert err.kind == "stale_rates"


def test_no_reference_rate():
    rates = landed.Rates("EUR", "2025-04-03", "ECB", {"USD": "1.1097"})
    with pytest.raises(landed.NoReferenceRate) as info:
        landed.Repricer("CHF", rates=rates)
    assert info.value.currency == "CHF"
