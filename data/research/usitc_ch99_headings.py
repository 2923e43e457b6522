"""Chapter-99 headings for the generated US additional-duty rows, read from USITC's own HTS JSON export.

Used by us_additional_import.py (fill_headings).  A generated row whose `heading` is empty gets a heading
only when the export has exactly one chapter-99 heading that

  * names the row's origin (one country, or the European Union for a row over the 27 member states) and
    no other country in its description,
  * has the row's rate in its `general` column: "The duty provided in the applicable subheading + N%" for an
    additive row, "N%" (all-in) for a `top_up` row (so of a deal's pair of headings, "column-1 rate equal to
    or greater than 15 percent" at the subheading's duty and "less than 15 percent" at 15 %, the second), and
  * has the wording of the row's programme (PROGRAMMES below: the EO 14326 reciprocal headings, the
    automobile / automobile-parts deal headings of U.S. note 33, the wood deal headings of U.S. note 37).

Anything else stays empty and is reported with the reason; nothing is guessed.  The heading's text and
rate must be the same in every edition that has it; the citation names the first edition that has it.

Python 3.11, standard library only.
"""
import gzip
import json
import re
from pathlib import Path

EDITIONS = [  # (file, label), oldest first
    ("hts_2025_basic.json.gz", "USITC HTS 2025 Basic Edition"),
    ("hts_2026_basic.json.gz", "USITC HTS 2026 Basic Edition"),
    ("hts_2026_rev_10.json.gz", "USITC HTS 2026 Revision 10"),
]

EU27 = set("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())

# Country names as the export writes them -> ISO 3166 alpha-2 ("EU" for the European Union).  Every name
# that occurs in the chapter-99 headings this module looks at is listed, so that a description naming a
# second country is seen as ambiguous.
NAMES = {
    "Afghanistan": "AF", "Algeria": "DZ", "Angola": "AO", "Argentina": "AR", "Australia": "AU",
    "Bangladesh": "BD", "Belarus": "BY", "Bolivia": "BO", "Bosnia and Herzegovina": "BA", "Botswana": "BW",
    "Brazil": "BR", "Brunei": "BN", "Cambodia": "KH", "Cameroon": "CM", "Canada": "CA", "Chad": "TD",
    "China": "CN", "Costa Rica": "CR", "Côte d’Ivoire": "CI", "Democratic Republic of the Congo": "CD",
    "Ecuador": "EC", "El Salvador": "SV", "Equatorial Guinea": "GQ", "European Union": "EU",
    "Falkland Islands": "FK", "Fiji": "FJ", "Ghana": "GH", "Guatemala": "GT", "Guyana": "GY",
    "Hong Kong": "HK", "Iceland": "IS", "India": "IN", "Indonesia": "ID", "Iran": "IR", "Iraq": "IQ",
    "Israel": "IL", "Japan": "JP", "Jordan": "JO", "Kazakhstan": "KZ", "Laos": "LA", "Lesotho": "LS",
    "Libya": "LY", "Liechtenstein": "LI", "Madagascar": "MG", "Malawi": "MW", "Malaysia": "MY",
    "Mauritius": "MU", "Mexico": "MX", "Moldova": "MD", "Mozambique": "MZ", "Myanmar": "MM", "Namibia": "NA",
    "Nauru": "NR", "New Zealand": "NZ", "Nicaragua": "NI", "Nigeria": "NG", "North Macedonia": "MK",
    "Norway": "NO", "Pakistan": "PK", "Papua New Guinea": "PG", "Philippines": "PH", "Russia": "RU",
    "Russian Federation": "RU", "Serbia": "RS", "South Africa": "ZA", "South Korea": "KR",
    "Republic of Korea": "KR", "Sri Lanka": "LK", "Switzerland": "CH", "Syria": "SY", "Taiwan": "TW",
    "Thailand": "TH", "Trinidad and Tobago": "TT", "Tunisia": "TN", "Turkey": "TR", "Uganda": "UG",
    "Ukraine": "UA", "United Kingdom": "GB", "Vanuatu": "VU", "Venezuela": "VE", "Vietnam": "VN",
    "Zambia": "ZM", "Zimbabwe": "ZW",
}
_NAME_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, NAMES), key=len, reverse=True)) + r")\b")

# Programme wording: (row-name prefix, test on the description, what the test means).  The first matching
# prefix wins.
PROGRAMMES = [
    ("ieepa_reciprocal_",
     lambda h, d: "9903.02.02" <= h <= "9903.02.91" and "subdivision (v)" in d,
     "an EO 14326 country heading 9903.02.02-.91 (U.S. note 2(v) of subchapter III)"),
    ("s232_autos_",
     lambda h, d: h.startswith("9903.94.") and d.startswith("Passenger vehicles and light trucks that are products of"),
     "'Passenger vehicles and light trucks that are products of <country>' (9903.94.xx, U.S. note 33)"),
    ("s232_auto_parts_",
     lambda h, d: (h.startswith("9903.94.") and d.startswith("Parts of passenger vehicles and light trucks")
                   and not re.search(r"subdivisions? \(r\)", d)),
     "'Parts of passenger vehicles and light trucks ... of <country>' of the note 33(g) parts, not the "
     "note 33(r) headings of the later parts list (9903.94.07)"),
    ("s232_furniture_", lambda h, d: h.startswith("9903.76.") and d.startswith("Wood products of"),
     "'Wood products of <country>' (9903.76.2x, U.S. note 37(d) and (f))"),
    ("s232_cabinets_", lambda h, d: h.startswith("9903.76.") and d.startswith("Wood products of"),
     "'Wood products of <country>' (9903.76.2x, U.S. note 37(d) and (f))"),
]

# Programmes with no PROGRAMMES entry: why the export is not read for them (printed with the row).
NOT_READ = [
    ("s232_aluminium_ru",
     "before 2026-04-06 the export has two +200% headings for the same Russian aluminium articles, 9903.85.67 and "
     "9903.85.69 (admitted into a foreign trade zone under privileged foreign status before 2023-04-10), and "
     "derivative ones (.68/.70, note 19(a)(iii), (i)-(k)): FTZ status and the note 19 list decide; from 2026-04-06 "
     "(Revision 10: .67 and .68 only) articles of note 19(a)(vii)(A)/(m)(A) vs derivatives of note 19(a)(iii), "
     "(i), (j), (k), lists the export and the tracker's annex file do not give"),
    ("s232_metals_annex_1a_ru",
     "Russian aluminium line of annex I-A: never charged (the 200% of s232_aluminium_ru outranks it); 9903.82.02 "
     "excepts 9903.85.67/.68 goods and Russia's 9903.82.14 covers steel and copper only"),
    ("s232_metals_annex_1b_ru",
     "Russian aluminium line of annex I-B: never charged (the 200% of s232_aluminium_ru outranks it); 9903.82.09 "
     "excepts 9903.85.68 goods and Russia's 9903.82.16 covers copper and derivative steel only"),
    ("s232_metals_annex_3_ru",
     "15% all-in on a Russian annex III line: 9903.82.10 (15%, note 16(f)) excepts Russia's 9903.82.17 (+ 25%, "
     "derivative steel of note 16(c)(x)) and 9903.85.68, 9903.82.25 (15%, note 16(f) and (k)) excepts no heading: "
     "the heading, and whether the article owes 15% all-in or + 25%, depend on note 16(c)(x)/(f)/(k), not in the "
     "export"),
    ("s232_steel_gb",
     "UK +25% from 2025-06-04: 9903.81.94 (note 16(q) products) or .95 (the same, admitted into a foreign trade "
     "zone under privileged foreign status before 2025-06-04), derivatives .96/.97/.98 (note 16(s)/(t)/(u)) or .99 "
     "(FTZ): FTZ status and the note 16 subdivision (mill product or derivative) decide"),
    ("s232_steel",
     "50% from 2025-06-04 (and 25% from 2025-03-12 under the same heading numbers, CBP CSMS #64348411): the "
     "generator gives mill products 9903.81.87 and note 16(m) derivatives 9903.81.90; the chapter-73 derivatives "
     "of note 16(a)(ii) and of the 2025-08-18 inclusions are under 9903.81.89 (note 16(l)) or .91 (16(n)), "
     "subdivisions the export does not list"),
    ("s232_aluminum_gb",
     "UK +25% from 2025-06-04: 9903.85.12 (note 19(o) articles), .13 (19(q)) or .14 (19(r) derivatives); which "
     "subdivision a chapter-76 line is in is not in the export"),
    ("s232_aluminum",
     "50% from 2025-06-04 (and 25% from 2025-03-12 under the same heading numbers, CBP CSMS #64348288): the "
     "generator gives mill products 9903.85.02 and note 19(j) derivatives 9903.85.07; the chapter-76 derivatives "
     "of note 19(a)(iii) and of the 2025-08-18 inclusions are under 9903.85.04 (note 19(i)) or .08 (19(k)), "
     "subdivisions the export does not list"),
    ("s232_metals_annex_",
     "the 2026 metals-annex headings (9903.82.xx, Revision 10) are split by U.S. note 16(c) subdivision, which the "
     "tracker's annex lists do not give"),
    ("s232_", "the export's steel/aluminium headings (9903.80-.81, 9903.85) are split by U.S. note 16/19 "
              "subdivision (mill product, derivative, FTZ status), not by country and rate; the row does not "
              "carry the subdivision"),
]


def parse_general(g):
    """('add', rate) for 'The duty provided in the applicable subheading + N%', ('all_in', rate) for 'N%'."""
    g = " ".join((g or "").split())
    m = re.fullmatch(r"The duty provided in the applicable subheading \+ (\d+(?:\.\d+)?)%", g)
    if m:
        return ("add", float(m.group(1)))
    m = re.fullmatch(r"(\d+(?:\.\d+)?)%", g)
    if m:
        return ("all_in", float(m.group(1)))
    return None


def load(usitc_dir):
    """{heading: [(edition label, general, description)]} for every 9903 heading of every edition."""
    usitc_dir = Path(usitc_dir)
    out = {}
    for fname, label in EDITIONS:
        path = usitc_dir / fname
        if not path.exists():
            raise SystemExit(f"USITC export {path} not found (pass --usitc DIR)")
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for r in json.load(f):
                h = (r.get("htsno") or "").strip()
                if h.startswith("9903."):
                    out.setdefault(h, []).append((label, r.get("general") or "", " ".join((r.get("description") or "").split())))
    return out


def origin_key(origins):
    """The one origin a row is about: an ISO code, 'EU' for exactly the 27 member states, else None."""
    o = set(origins.split())
    if o == EU27:
        return "EU"
    if len(o) == 1:
        return o.pop()
    return None


def find(headings, row):
    """(heading, edition label, None) or (None, None, reason)."""
    prog = next((p for p in PROGRAMMES if row["name"].startswith(p[0])), None)
    if prog is None:
        return None, None, next((why for p, why in NOT_READ if row["name"].startswith(p)),
                                "programme has no country-specific heading wording to match in the export")
    origin = origin_key(row["origins"])
    if origin is None:
        what = "no origin list" if not row["origins"] else f"{len(row['origins'].split())} origins"
        return None, None, f"row covers {what}; the export names one country (or the EU) per heading"
    want = ("all_in" if row["top_up"] == "true" else "add", float(row["rate_percent"]))
    hits, near = [], []
    for h, eds in sorted(headings.items()):
        label, general, desc = eds[0]
        if not prog[1](h, desc):
            continue
        if {NAMES[m] for m in _NAME_RE.findall(desc)} != {origin}:
            continue
        if parse_general(general) != want:
            near.append(f"{h} ({' '.join(general.split()) or 'no rate'})")
            continue
        # every edition that has the heading must give it the same wording, country and rate (the
        # note subdivisions it cites may be renumbered between editions)
        if any(not prog[1](h, d) or {NAMES[m] for m in _NAME_RE.findall(d)} != {origin} or parse_general(g) != want
               for _, g, d in eds[1:]):
            near.append(f"{h} (country, wording or rate differs between editions)")
            continue
        hits.append((h, label))
    if len(hits) == 1:
        return hits[0][0], hits[0][1], None
    if len(hits) > 1:
        return None, None, "ambiguous: " + ", ".join(h for h, _ in hits)
    rate = ("all-in " if want[0] == "all_in" else "+") + f"{want[1]:g}%"
    return None, None, (f"no heading of the form {prog[2]} names {origin} at {rate}"
                        + (f"; same country, other rate or wording: {', '.join(near)}" if near else ""))


def fill_headings(rows, usitc_dir):
    """Set the heading of every charging row whose heading is empty, where the export names it.

    Returns (mapped, unmapped): mapped = {(name, origins, rate, top_up): (heading, edition)},
    unmapped = {(name, origins, rate, top_up): reason}.  The row's source gets the edition appended.
    """
    headings = load(usitc_dir)
    mapped, unmapped = {}, {}
    for r in rows:
        if r["heading"] or r["warn_only"] == "true":
            continue
        key = (r["name"], r["origins"], r["rate_percent"], r["top_up"])
        if key not in mapped and key not in unmapped:
            h, label, why = find(headings, r)
            if h:
                mapped[key] = (h, label)
            else:
                unmapped[key] = why
        if key in mapped:
            h, label = mapped[key]
            r["heading"] = h
            r["source"] += f" ; heading {h} as read from {label} (chapter 99, JSON export)"
    return mapped, unmapped


def verify_curated(texts, label, usitc_dir):
    """Check headings curated in the generator against the export: {heading: (general, words of the
    description)} must be printed so (whitespace-normalised) by the edition `label`."""
    headings = load(usitc_dir)
    for h, (general, words) in texts.items():
        eds = {lab: (g, d) for lab, g, d in headings.get(h, [])}
        if label not in eds:
            raise SystemExit(f"curated heading {h} not in {label}")
        g, d = eds[label]
        if " ".join(g.split()).rstrip(".") != general or words not in d:
            raise SystemExit(f"curated heading {h}: {label} reads {g!r} / {d!r}")
