#!/usr/bin/env python3
"""Writes data/fx_ecb.toml from an ECB history file in the layout of eurofxref-hist.csv.

Usage: python3 data/research/ecb_history_import.py HIST.csv > data/fx_ecb.toml
then `cargo run --example refresh_manifest -- data` and bump dataset_version.

The input used for dataset 2026.11.8 is ecb-eurofxref-hist-2024-01-02_2026-07-21.csv (the
ECB's figures from a public parquet mirror of eurofxref-hist.csv, torfason/fxdata, snapshot of
2026-07-22). The mirror stores numbers, so trailing zeros are lost (143.0 for the ECB's
143.00). The ECB publishes every currency with a fixed number of decimals; this script pads
each value back to the most decimals the currency shows on any day of the file. For the 30
currencies of 2024-2026 those counts equal the decimals of the ECB's own daily XML of
2025-10-21 (GBP 5; CZK, PHP, THB 3; JPY, HUF, ISK, IDR, KRW 2; the others 4). Values are not
otherwise changed; N/A (a currency not quoted that day) stays N/A.
"""
import csv
import sys

rows = [r for r in csv.reader(open(sys.argv[1], encoding="utf-8")) if r]
header, days = rows[0], rows[1:]
cols = [c for c in header[1:] if c]
decimals = {}
for r in days:
    for c, v in zip(cols, r[1:]):
        if v != "N/A":
            decimals[c] = max(decimals.get(c, 0), len(v.split(".")[1]) if "." in v else 0)


def pad(c, v):
    if v == "N/A":
        return v
    whole, _, frac = v.partition(".")
    d = decimals[c]
    return whole + ("." + frac.ljust(d, "0") if d else "")


first, last = min(r[0] for r in days), max(r[0] for r in days)
out = sys.stdout
out.write(f"""# ECB euro foreign exchange reference rates, every publication day from {first} to {last}
# ({len(days)} days), in the layout of the ECB's history file eurofxref-hist.csv: one line per
# publication day, newest first, `EUR 1 = x`, N/A where the ECB did not quote a currency that
# day (BGN from 2026-01-01, when Bulgaria adopted the euro).
#
# Publisher: European Central Bank, "Euro foreign exchange reference rates"
# (https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/html/index.en.html).
# The ECB publishes the rates for information purposes only. Figures taken from a public mirror
# of eurofxref-hist.csv (torfason/fxdata, snapshot of 2026-07-22), trailing zeros restored to
# the ECB's decimals per currency by data/research/ecb_history_import.py (see there).
#
# A day is in force from its publication date until the next publication; no publication falls
# on weekends or TARGET holidays (New Year's Day, Good Friday, Easter Monday, 1 May, 25 and
# 26 December), so the rate source's max_age_days in fx.toml covers those gaps. Newer rates:
# load the ECB's daily file (https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml)
# with ReferenceRates::from_ecb_xml.
schema_version = 1

[[reference_rates_csv]]
source = "ECB"
pivot = "EUR"
citation = "European Central Bank, euro foreign exchange reference rates, publication days {first} to {last} (history file eurofxref-hist.csv, https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/html/index.en.html; 'EUR 1 = x', concertation 14:10 CET). The ECB publishes the rates for information purposes; this crate uses them as the reference mid rate and states any markup separately."
csv = '''
""")
out.write(",".join(["Date"] + cols) + ",\n")
for r in days:
    out.write(",".join([r[0]] + [pad(c, v) for c, v in zip(cols, r[1:])]) + ",\n")
out.write("'''\n")
