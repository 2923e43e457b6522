#!/usr/bin/env python3
"""Generate data/tariff_us_additional.csv and data/tariff_us_exemptions.csv (landed-csv, schema 1).

Usage:
    python3 data/research/us_additional_import.py /work/shared/reference/us-tariff/tracker [--out data] [--check-only]
        [--usitc DIR]   (USITC HTS JSON export; default: the `usitc` directory beside the tracker)

Reads The Budget Lab at Yale's Tariff Rate Tracker (MIT licence; commit recorded in the CSV headers)
for product scopes (Section 301 lists, IEEPA Annex II, fentanyl carve-outs, floor exemptions,
Brazil EO exemptions, Section 122 annex, Section 232 metal scopes) and the per-country IEEPA
reciprocal rates of EO 14326 (statutory_rates/master_tariff_list.json).  Programmes, dates,
rates, headings and citations are curated below (one comment per row).  Output is sorted and
deterministic.  After writing, the script compares the encoded per-country rates against the
tracker's tariff_rates_bnd_*.json snapshots and prints the mismatches (see check()).
Rows left without a chapter-99 heading by the curated table get one from USITC's HTS JSON export where
the export names it unambiguously (usitc_ch99_headings.py); the rows it cannot map are printed.
The Section 232 steel and aluminium rows of 2025-01-01 .. 2025-03-11 (section_232_legacy) take their headings and
excepted countries from the export's 2025 Basic Edition and the derivative stampings' statistical numbers from it.

Python 3.11, standard library only.
"""
import csv
import gzip
import io
import json
import re
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from usitc_ch99_headings import fill_headings, load as load_headings, verify_curated  # noqa: E402

# EO 14289 (90 FR 18907) sec. 3, retroactive to entries from 2025-03-04: an article subject to the CA/MX
# IEEPA duties (EO 14193 / EO 14194 as amended) is not subject to the Section 232 steel/aluminium duties.
# Proclamation 10947 (90 FR 24199) reversed the order for entries from 12:01 a.m. EDT 2025-06-04 (CBP CSMS
# #65236574): steel/aluminium first, then IEEPA Canada, then IEEPA Mexico. "Subject to" means more than 0 %
# owed (CBP CSMS #65054270), so a USMCA good, which owes no fentanyl duty, pays the 232 duty throughout.
METALS_FIRST = "2025-06-04"
FENT_CAMX = "ieepa_fentanyl_ca ieepa_fentanyl_ca_energy ieepa_fentanyl_ca_potash ieepa_fentanyl_mx ieepa_fentanyl_mx_potash"
S232_STEEL_ALU = "s232_aluminum s232_steel"   # the charging rows of Proclamations 9704/9705 as amended
IEEPA_LAST_DAY = "2026-02-23"  # CBP CSMS #67834313: IEEPA duties not collected on entries from 12:00 a.m. ET 2026-02-24
S122_FIRST, S122_LAST = "2026-02-24", "2026-07-23"  # CSMS #67844987: 12:01 a.m. EST 2026-02-24 to 12:01 a.m. EDT 2026-07-24

# ------------------------------------------------------------------ citations (publisher, document, URL)
SRC = {
    "s301_l1": "USTR 83 FR 28710 (FR Doc 2018-13248), List 1 25% from 2018-07-06: https://www.federalregister.gov/d/2018-13248 ; hts8 list: tracker s301_product_lists.csv",
    "s301_l2": "USTR 83 FR 40823 (FR Doc 2018-17709), List 2 25% from 2018-08-23: https://www.federalregister.gov/d/2018-17709 ; hts8 list: tracker s301_product_lists.csv",
    "s301_l3": "USTR 84 FR 20459 (FR Doc 2019-09681), List 3 10% -> 25% from 2019-05-10: https://www.federalregister.gov/d/2019-09681 ; hts8 list: tracker s301_product_lists.csv",
    "s301_l3b": "USTR Notice of Modification, 84 FR 20459 (2019-05-09, FR Doc 2019-09681), 25% from 2019-05-10; HTS heading 9903.88.04 (U.S. note 20(g), List 3 particular articles); hts8 list and 25% rate from the Tariff Rate Tracker (resources/s301_product_lists.csv, config/policy_params.yaml)",
    "s301_l4a": "USTR 85 FR 3741 (FR Doc 2020-00904), List 4A 15% -> 7.5% from 2020-02-14: https://www.federalregister.gov/d/2020-00904 ; hts8 list: tracker s301_product_lists.csv",
    "s301_fyr": "USTR four-year review, 89 FR 76581 (FR Doc 2024-21217), heading {h} ({note}) from {d}: https://www.federalregister.gov/d/2024-21217 ; hts8 list: tracker s301_product_lists.csv",
    "s301_fyr_dec": "USTR Notice of Modification (tungsten, wafers, polysilicon), Dec. 2024, 25%/50% from 2025-01-01, HTS heading {h}; heading, rate and hts8 list from the Tariff Rate Tracker (resources/s301_product_lists.csv, config/policy_params.yaml); see also 89 FR 77958 (2024-09-24, FR Doc 2024-21773) proposing the increases",
    "s301_excl": "USTR product exclusions, HTS heading {h} (U.S. note 20, window {f}..{t} as read from the heading text by the Tariff Rate Tracker, resources/s301_exclusion_headings.csv and s301_exclusion_lines.csv; extension through 2026-11-09 per USTR notice FR Doc 2025-21671)",
    "s301_note31": "USTR Section 301 (shipbuilding/maritime) action, U.S. note 31(k)/(l), HTS heading {h} +100% legally effective 2026-11-10 after the one-year suspension (90 FR 48320, 90 FR 50947) per the Tariff Rate Tracker (config/policy_params.yaml, bnd_2026-11-10 snapshot); implementation on 2026-11-10 not confirmed by a CBP CSMS read here",
    "fent_cn1": "EO 14195 (2025-02-01), 90 FR 9121, +10% on products of the PRC incl. Hong Kong from 12:01 a.m. EST 2025-02-04: https://www.federalregister.gov/documents/2025/02/07/2025-02408 ; HTS 9903.01.20",
    "fent_cn2": "EO 14228 (2025-03-03), 10% -> 20% from 2025-03-04: https://www.federalregister.gov/documents/2025/03/07/2025-03775 ; HTS 9903.01.24; CBP statement 2025-03-08 ('Additional 20% on goods from China and Hong Kong (increased from 10% on March 4)')",
    "fent_cn3": "EO of 2025-11-04 'Modifying Duties Addressing the Synthetic Opioid Supply Chain in the PRC' (FR Doc 2025-19825), 20% -> 10% effective 2025-11-10, heading 9903.01.24 modified: https://www.federalregister.gov/documents/2025/11/07/2025-19825 ; CBP CSMS #66749380",
    "fent_ca": "EO 14193 (2025-02-01), 90 FR 9113, as amended by EO 14197, EO 14226, EO 14231 (USMCA goods exempt from 2025-03-07); CBP notice 2025-03664 (+25% from 2025-03-04): https://www.federalregister.gov/documents/2025/03/06/2025-03664 ; CSMS #64336037 (USMCA exemption 9903.01.14 from 2025-03-07); HTS 9903.01.10",
    "fent_ca35": "EO of 2025-07-31 'Amendment to Duties to Address the Flow of Illicit Drugs Across Our Northern Border' (FR Doc 2025-14999), 25% -> 35% from 12:01 a.m. EDT 2025-08-01: https://www.federalregister.gov/documents/2025/08/06/2025-14999 ; CBP CSMS #65798609; HTS 9903.01.10; USMCA goods stay exempt (9903.01.14)",
    "fent_ca_en": "CBP CSMS #64472173 (energy and energy resources of Canada, 9903.01.13, +10% from 2025-03-04; USMCA-qualifying energy not subject); hts8 list from the Tariff Rate Tracker resources/fentanyl_carveout_products.csv (from the CSMS attachment via Tariff-ETRs)",
    "fent_ca_pot": "EO 14231 (2025-03-06) and CSMS #64336037: potash of Canada not qualifying for USMCA +10% (9903.01.15) instead of 9903.01.10 from 2025-03-07; hts8 list from the Tariff Rate Tracker resources/fentanyl_carveout_products.csv",
    "fent_mx": "EO 14194 (2025-02-01), 90 FR 9117, as amended (EO 14232, 2025-03-06: USMCA goods exempt from 2025-03-07); CBP notice 2025-03665 (+25% from 2025-03-04): https://www.federalregister.gov/documents/2025/03/06/2025-03665 ; CSMS #64297292; HTS 9903.01.01",
    "fent_mx_pot": "EO 14232 (2025-03-06): potash of Mexico not qualifying for USMCA +10% (9903.01.05) from 2025-03-07; hts8 list from the Tariff Rate Tracker resources/fentanyl_carveout_products.csv",
    "end": "ends 2026-02-23: CBP CSMS #67834313 (no IEEPA duties on entries from 12:00 a.m. ET 2026-02-24)",
    "rec_base": "EO 14257 (2025-04-02), 90 FR 15041, 10% on all trading partners from 12:01 a.m. EDT 2025-04-05 (not Canada/Mexico): https://www.federalregister.gov/documents/2025/04/07/2025-06063 ; HTS 9903.01.25 (CBP CSMS #66749380 quotes the heading); non-stacking with Section 232 goods: EO 14257 sec. 3(b)",
    "rec_cn84": "EO 14259 (2025-04-08), China (incl. Hong Kong, Macau) 34% -> 84% from 2025-04-09: https://www.federalregister.gov/documents/2025/04/14/2025-06378 ; HTS 9903.01.63 (heading named in CBP CSMS #66749380)",
    "rec_cn125": "EO 14266 (2025-04-09), China 84% -> 125% from 2025-04-10: https://www.whitehouse.gov/presidential-actions/2025/04/modifying-reciprocal-tariff-rates-to-reflect-trading-partner-retaliation-and-alignment/ ; until EO 14298 (2025-05-12) suspended the heading from 2025-05-14 (China back to the 10% of 9903.01.25): https://www.whitehouse.gov/presidential-actions/2025/05/modifying-reciprocal-tariff-rates-to-reflect-discussions-with-the-peoples-republic-of-china/ ; suspension continued to 2026-11-10 (CSMS #66749380)",
    "rec_p2": "EO 14326 (2025-07-31), 90 FR 37963, Annex I rate {r}% for {c} from 12:01 a.m. EDT 2025-08-07 (HTS 9903.02.02-9903.02.71): https://www.govinfo.gov/content/pkg/FR-2025-08-06/html/2025-15010.htm ; rate as in the Tariff Rate Tracker master_tariff_list.json",
    "eo14289": "EO 14289 (2025-04-29), 90 FR 18907 (FR Doc 2025-07835), 'Addressing Certain Tariffs on Imported Articles', sec. 3: an article subject to the IEEPA Canada/Mexico duties is not subject to the Section 232 aluminium/steel duties, retroactive to entries from 2025-03-04: https://www.govinfo.gov/content/pkg/FR-2025-05-02/html/2025-07835.htm (opening read; sec. 3 and the date as summarised by Tuttle Law 2025-05-29, Mondaq, metrocb); CBP CSMS #65054270 (2025-05-15; order autos, IEEPA Canada, IEEPA Mexico, 232 aluminium, 232 steel; 'subject to' means more than 0% owed; quoted by internationaltradeinsights.com, mti-worldwide) and CBP notice 2025-09066, 90 FR 21487 (HTSUS modified 2025-05-16, refunds); reversed by Proclamation 10947 (2025-06-03), 90 FR 24199, for entries from 12:01 a.m. EDT 2025-06-04: CBP CSMS #65236574 (new order autos, 232 aluminium, 232 steel, IEEPA Canada, IEEPA Mexico; quoted by sewwglobal, metrocb, gava, Mallory; Expeditors names it)",
    "rec_own10": "EO 14326 (2025-07-31), 90 FR 37963, Annex I: 10% for {c} from 12:01 a.m. EDT 2025-08-07: https://www.govinfo.gov/content/pkg/FR-2025-08-06/html/2025-15010.htm ; heading {h} from USITC HTS 2026 Basic Edition and 2026 Revision 10 (\"articles the product of {c} ... + 10%\"), which replaces the baseline's 9903.01.25 for it",
    "rec_ci": "EO 14326 (2025-07-31), 90 FR 37963, Annex I: Cote d'Ivoire 15% from 12:01 a.m. EDT 2025-08-07: https://www.govinfo.gov/content/pkg/FR-2025-08-06/html/2025-15010.htm ; rate and heading 9903.02.15 from USITC HTS 2026 Basic Edition and 2026 Revision 10 (\"articles the product of Cote d'Ivoire ... + 15%\"); not in the Tariff Rate Tracker's master list",
    "rec_eu": "EO 14326 (2025-07-31), 90 FR 37963, Annex I: European Union goods with column 1 rate < 15% pay 15% minus column 1, >= 15% pay nothing, from 2025-08-07: https://www.govinfo.gov/content/pkg/FR-2025-08-06/html/2025-15010.htm ; CBP CSMS #65829726",
    "rec_jp": "EO 14345 (2025-09-04), 90 FR 43535 (FR Doc 2025-17389): products of Japan 15% minus column 1 (nothing if column 1 >= 15%), in lieu of the EO 14326 rate, retroactive to entries from 12:01 a.m. EDT 2025-08-07: https://www.govinfo.gov/content/pkg/FR-2025-09-09/html/2025-17389.htm ; CBP CSMS #66146676",
    "rec_kr": "Korea: 15% (EO 14326 Annex I) from 2025-08-07; 15% all-in floor (column 1 + reciprocal = 15%) from 2025-11-14 per the US-Korea implementation notice published 2025-12 (legally retroactive to 2025-11-14) -- date and structure from the Tariff Rate Tracker (config/revision_dates.csv rev_32), the notice itself not read here",
    "rec_ch": "Switzerland/Liechtenstein framework: 15% all-in floor from 2025-11-14, FR Doc 2025-23316 (90 FR 59281): https://www.federalregister.gov/documents/2025/12/18/2025-23316/implementing-certain-tariff-related-elements-of-the-framework-for-a-united ; before: EO 14326 Annex I (Switzerland 39%, Liechtenstein 15%); dates per the Tariff Rate Tracker (config/policy_params.yaml swiss_framework)",
    "brazil": "EO 14323 (2025-07-30), 90 FR 37739, 'Addressing Threats to the United States by the Government of Brazil': +40% (HTS 9903.01.77) from 12:01 a.m. EDT 2025-08-06, in addition to the reciprocal 10%; Annex I exemptions (incl. articles subject to Section 232) -- International Trade Today 2025-07-30; exemption list from the Tariff Rate Tracker resources/country_eo_exempt_products.csv",
    "india": "EO 14329, 90 FR 38701, India +25% (9903.01.84) from 2025-08-27 (https://www.federalregister.gov/d/2025-16419), removed from 2026-02-07 (EO of Feb. 2026 on the Russian Federation, https://www.whitehouse.gov/presidential-actions/2026/02/modifying-duties-to-address-threats-to-the-united-states-by-the-government-of-the-russian-federation-04b2/ ; date per tracker); Annex II inherited via 9903.01.86 (U.S. note 2(z)(ii), tracker)",
    "annex2": "EO 14257 Annex II as amended (EO 14326, EO 14346, Nov. 2025 agricultural EO), HTS 9903.01.32, U.S. note 2(v)(iii): https://www.federalregister.gov/d/2025-06063 ; hts10 list and windows: tracker ieepa_exempt_products.csv",
    "floor_ex": "Deal-country floor exemption ({cat}, {grp}), HTS {h}, from {d}: tracker floor_exempt_products.csv (EU Sept. 2025 and Korea Dec. 2025 implementation notices; Switzerland FR Doc 2025-23316)",
    "s122": "Proclamation of 2026-02-20 'Imposing a Temporary Import Surcharge to Address Fundamental International Payments Problems' (Trade Act of 1974 s.122), FR Doc 2026-03824: https://www.federalregister.gov/documents/2026/02/25/2026-03824 ; CBP CSMS #67844987: 10% under HTS 9903.03.01 for entries from 12:01 a.m. EST 2026-02-24 to 12:01 a.m. EDT 2026-07-24; exemptions 9903.03.02-9903.03.11 (USMCA goods 9903.03.07/.08; Section 232 goods 9903.03.06, no stacking)",
    "s122_ex": "Section 122 Proclamation of 2026-02-20 (FR Doc 2026-03824) Annex II / U.S. note 2(aa), HTS 9903.03.03-.05: https://www.federalregister.gov/d/2026-03824 ; hts8 list: tracker s122_exempt_products.csv",
    "s232_steel": "Proclamation 10896 (2025-02-10), 90 FR 9817: steel 25%, all country exemptions and exclusions ended, from 2025-03-12; Proclamation 10947 (2025-06-03), 90 FR 24199: 50% from 2025-06-04 (United Kingdom stays 25%): https://www.federalregister.gov/documents/2025/06/09/2025-10524 ; HTS 9903.81.87/.88 (25% from 2025-03-12 and 50% from 2025-06-04 under the same headings: CBP CSMS #64348411, #64384423); scope: U.S. note 16(b) mill products of chapters 72/73 from the Tariff Rate Tracker resources/s232_metal_chapter_products.csv",
    "s232_25_steel": "25% of 2025-03-12..06-03 under heading {h}: CBP CSMS #64348411 (GUIDANCE: Import Duties on Imports of Steel and Steel Derivative Products) and CSMS #64384423 (its update, collection certified from 12:01 a.m. EDT 2025-03-12) give the 25% duty rate under 9903.81.87 (iron or steel products of note 16(j), except derivatives), 9903.81.88 (the same admitted to an FTZ in privileged foreign status before 2025-03-12), 9903.81.89 (derivatives of note 16(l), existing steel derivatives), 9903.81.90 (derivatives of note 16(m), new chapter-73 derivatives), 9903.81.93 (derivatives of 16(l)/(m) admitted to an FTZ) and 9903.81.91 (derivatives of note 16(n) outside chapter 73, on the steel content, from a date Commerce certifies); the heading numbers the generator gives the 50% rows from 2025-06-04 (summarised by Cole International, 'CBP Releases Enforcement Guidelines for 25% Tariffs on Steel and Aluminum Imports', and Willson International)",
    "s232_25_aluminum": "25% of 2025-03-12..06-03 under heading {h}: CBP CSMS #64348288 (GUIDANCE: Import Duties on Imports of Aluminum and Aluminum Derivative Products) and CSMS #64384496 (its update, collection certified from 12:01 a.m. EDT 2025-03-12) give the 25% duty rate under 9903.85.02 (aluminum products of note 19(g), except derivatives), 9903.85.04 (derivatives of note 19(i), existing aluminum derivatives), 9903.85.07 (derivatives of note 19(j), new chapter-76 derivatives) and 9903.85.08 (derivatives of note 19(k) outside chapter 76, on the aluminum content, from a date Commerce certifies); the heading numbers the generator gives the 50% rows from 2025-06-04 (summarised by Cole International, 'CBP Releases Enforcement Guidelines for 25% Tariffs on Steel and Aluminum Imports', and Willson International)",
    "s232_alu": "Proclamation 10895 (2025-02-10), 90 FR 9807: aluminium 10% -> 25%, exemptions ended, from 2025-03-12; Proclamation 10947 (2025-06-03), 90 FR 24199: 50% from 2025-06-04 (United Kingdom stays 25%): https://www.federalregister.gov/documents/2025/06/09/2025-10524 ; HTS 9903.85.02 (50%); scope: U.S. note 19(b) products of chapter 76 from the Tariff Rate Tracker resources/s232_metal_chapter_products.csv",
    "s232_deriv": "Section 232 steel/aluminium derivatives (U.S. notes 16 and 19, Proclamations 10895/10896, inclusions FR Doc 2025-15819 from 2025-08-18) are charged on the value of the steel/aluminium content until the 2026-04-06 annex restructuring; scope from the Tariff Rate Tracker resources/s232_metal_chapter_products.csv and s232_derivative_products.csv",
    "s232_annex": "Section 232 metals annex restructuring (proclamation effective 2026-04-06; Proclamation 11032 effective 2026-06-08 for annex I-C/III additions): annex {a} {r} on full value (U.S. note 16(c)); annex membership, rates and UK rates from the Tariff Rate Tracker (resources/s232_annex_products.csv, config/policy_params.yaml section_232_annexes); proclamation text not read here",
    "s232_cu": "Proclamation 10962 (2025-07-30), 'Adjusting Imports of Copper into the United States': 50% on semi-finished copper products and copper-intensive derivatives (HTS 9903.78.01, U.S. note 36) from 12:01 a.m. EDT 2025-08-01: https://www.federalregister.gov/documents/2025/08/05/2025-14893 ; hts list from the Tariff Rate Tracker resources/s232_copper_products.csv; replaced by annex I-A from 2026-04-06 (tracker)",
}

# ------------------------------------------------------------------ countries
EU27 = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
# Census country names in master_tariff_list.json -> ISO 3166 alpha-2 (only the names that occur there)
NAME_ISO = {
    "Nicaragua": "NI", "Costa Rica": "CR", "Trinidad and Tobago": "TT", "Venezuela": "VE", "Guyana": "GY",
    "Ecuador": "EC", "Bolivia": "BO", "Brazil": "BR", "Iceland": "IS", "Sweden": "SE", "Norway": "NO",
    "Finland": "FI", "Denmark, except Greenland": "DK", "Ireland": "IE", "Netherlands": "NL", "Belgium": "BE",
    "Luxembourg": "LU", "France": "FR", "Germany (Federal Republic of Germany)": "DE", "Austria": "AT",
    "Czech Republic": "CZ", "Slovakia": "SK", "Hungary": "HU", "Liechtenstein": "LI", "Switzerland": "CH",
    "Estonia": "EE", "Latvia": "LV", "Lithuania": "LT", "Poland": "PL", "Kazakhstan": "KZ",
    "Moldova (Republic of Moldova)": "MD", "Spain": "ES", "Portugal": "PT", "Malta": "MT", "Italy": "IT",
    "Croatia": "HR", "Slovenia": "SI", "Bosnia and Herzegovina": "BA", "North Macedonia": "MK", "Serbia": "RS",
    "Greece": "GR", "Romania": "RO", "Bulgaria": "BG", "Turkey": "TR", "Cyprus": "CY",
    "Syria (Syrian Arab Republic)": "SY", "Iraq": "IQ", "Israel": "IL", "Jordan": "JO", "Afghanistan": "AF",
    "India": "IN", "Pakistan": "PK", "Bangladesh": "BD", "Sri Lanka": "LK", "Burma (Myanmar)": "MM",
    "Thailand": "TH", "Vietnam": "VN", "Laos (Lao People's Democratic Republic)": "LA", "Cambodia": "KH",
    "Malaysia": "MY", "Indonesia": "ID", "Brunei": "BN", "Philippines": "PH",
    "South Korea (Republic of Korea)": "KR", "Taiwan": "TW", "Japan": "JP", "Papua New Guinea": "PG",
    "New Zealand": "NZ", "Vanuatu": "VU", "Nauru": "NR", "Fiji": "FJ", "Algeria": "DZ", "Tunisia": "TN",
    "Libya": "LY", "Equatorial Guinea": "GQ", "Cameroon": "CM", "Ghana": "GH", "Nigeria": "NG", "Chad": "TD",
    "Angola": "AO", "Congo, Democratic Republic of the Congo (formerly Za": "CD", "Uganda": "UG",
    "Mauritius": "MU", "Mozambique": "MZ", "Madagascar": "MG", "South Africa": "ZA", "Namibia": "NA",
    "Botswana": "BW", "Zambia": "ZM", "Zimbabwe": "ZW", "Malawi": "MW", "Lesotho": "LS",
    "China": "CN", "Hong Kong": "HK", "Macao": "MO", "Canada": "CA", "Mexico": "MX",
    "United Kingdom": "GB",
}
CENSUS_ISO_EXTRA = {"4120": "GB", "5700": "CN", "5820": "HK", "5660": "MO", "1220": "CA", "2010": "MX", "5520": "VN"}

COLS = ["territory", "name", "authority", "heading", "hs", "origins", "exclude_origins", "exclude_hs",
        "not_with_preference", "rate_percent", "top_up", "stacking", "group", "yields_to", "warn_only",
        "warning", "effective_from", "effective_to", "source"]
EX_COLS = ["territory", "duty", "hs", "origins", "heading", "effective_from", "effective_to", "source"]


def day_before(d):
    return (date.fromisoformat(d) - timedelta(days=1)).isoformat()


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def row(**kw):
    r = {c: "" for c in COLS}
    r.update({"territory": "US", "not_with_preference": "false", "top_up": "false", "warn_only": "false",
              "stacking": "cumulative"})
    r.update({k: v for k, v in kw.items() if v is not None})
    return r


def ex(**kw):
    r = {c: "" for c in EX_COLS}
    r["territory"] = "US"
    r.update({k: v for k, v in kw.items() if v is not None})
    return r


# ================================================================== Section 301 (China)
# list id in s301_product_lists.csv -> (row name, authority label, heading, rate, from, citation key, note)
S301_LISTS = {
    "1": ("s301_list_1", "Section 301 List 1", "9903.88.01", "25", "2018-07-06", "s301_l1"),          # 83 FR 28710
    "2": ("s301_list_2", "Section 301 List 2", "9903.88.02", "25", "2018-08-23", "s301_l2"),          # 83 FR 40823
    "3": ("s301_list_3", "Section 301 List 3", "9903.88.03", "25", "2019-05-10", "s301_l3"),          # 84 FR 20459
    "3_addl": ("s301_list_3_particular", "Section 301 List 3", "9903.88.04", "25", "2019-05-10", "s301_l3b"),  # note 20(g)
    "4A": ("s301_list_4a", "Section 301 List 4A", "9903.88.15", "7.5", "2020-02-14", "s301_l4a"),     # 85 FR 3741
    # 4B (9903.88.16, 15%) suspended since 2019-12-15: never collected -> no rows
    "biden_25": ("s301_review_2024_25", "Section 301 four-year review", "9903.91.01", "25", "2024-09-27", "s301_fyr:31(b)"),
    "biden_50": ("s301_review_2024_50", "Section 301 four-year review", "9903.91.02", "50", "2024-09-27", "s301_fyr:31(c)"),
    "biden_100": ("s301_review_2024_100", "Section 301 four-year review", "9903.91.03", "100", "2024-09-27", "s301_fyr:31(d)"),
    "biden_50_jan25": ("s301_review_2025_50", "Section 301 four-year review", "9903.91.05", "50", "2025-01-01", "s301_fyr:31(f)"),
    "biden_25_jan25": ("s301_review_2025_25", "Section 301 four-year review", "9903.91.11", "25", "2025-01-01", "s301_fyr_dec"),
    "cranes_301": ("s301_review_2024_cranes", "Section 301 four-year review", "9903.92.10", "25", "2024-09-27", "s301_fyr:ship-to-shore gantry cranes"),
}
# biden_jan26 is split by heading (9903.91.06 25%, .07 50%, .08 100%; all from 2026-01-01, 89 FR 76581)
S301_JAN26 = {
    "9903.91.06": ("s301_review_2026_25", "25", "31(g)"),
    "9903.91.07": ("s301_review_2026_50", "50", "31(h)"),   # masks: statistical numbers only -> warn_only (see below)
    "9903.91.08": ("s301_review_2026_100", "100", "31(i)"),
}


def section_301(tr):
    out, exrows = [], []
    lists = read_csv(tr / "resources/s301_product_lists.csv")
    for r in lists:
        lst, hs8, h = r["list"], r["hts8"], r["ch99_code"]
        if lst in S301_LISTS:
            name, auth, heading, rate, frm, ck = S301_LISTS[lst]
            assert heading == h, (lst, h)
            if ck.startswith("s301_fyr:"):
                src = SRC["s301_fyr"].format(h=heading, note=ck.split(":", 1)[1], d=frm)
            elif ck == "s301_fyr_dec":
                src = SRC["s301_fyr_dec"].format(h=heading)
            else:
                src = SRC[ck]
            out.append(row(name=name, authority=auth, heading=heading, hs=hs8, origins="CN", rate_percent=rate,
                           stacking="highest_in_group", group="s301", effective_from=frm, source=src))
        elif lst == "biden_jan26":
            name, rate, note = S301_JAN26[h]
            src = SRC["s301_fyr"].format(h=h, note="U.S. note " + note, d="2026-01-01")
            if h == "9903.91.07":
                # 9903.91.07 covers only the facemask/respirator statistical numbers of 6307.90.98 named in
                # U.S. note 31(h); the tracker keys it on the whole hts8 -> warning, not a charge.
                out.append(row(name=name, authority="Section 301 four-year review", heading=h, hs=hs8, origins="CN",
                               rate_percent=rate, stacking="highest_in_group", group="s301_conditional",
                               warn_only="true",
                               warning="Section 301 four-year review (9903.91.07): facemasks and respirators of "
                                       "6307.90.98 (statistical numbers in U.S. note 31(h)) of China pay 50% from "
                                       "2026-01-01 instead of List 4A 7.5%; check the 10-digit statistical number",
                               effective_from="2026-01-01", source=src))
            else:
                out.append(row(name=name, authority="Section 301 four-year review", heading=h, hs=hs8, origins="CN",
                               rate_percent=rate, stacking="highest_in_group", group="s301",
                               effective_from="2026-01-01", source=src))
        elif lst in ("note31_chassis", "note31_cranes"):
            # maritime 301 (+100%) from 2026-11-10: implementation not confirmed -> warning only
            what = "intermodal chassis and parts" if lst == "note31_chassis" else "ship-to-shore gantry cranes"
            out.append(row(name="s301_note31_" + lst.split("_")[1], authority="Section 301 (maritime)", heading=h,
                           hs=hs8, origins="CN", rate_percent="100", stacking="highest_in_group",
                           group="s301_conditional", warn_only="true",
                           warning=f"Section 301 maritime action ({h}): {what} of China may pay +100% from "
                                   "2026-11-10 (U.S. note 31(k)/(l)) unless the suspension was extended; check the "
                                   "current CBP CSMS before quoting",
                           effective_from="2026-11-10", source=SRC["s301_note31"].format(h=h)))
        else:
            assert lst == "4B", lst
    # Lithium-ion EV batteries (8507.60.0010): 7.5% -> 25% from 2024-09-27 (9903.91.01); the tracker keys
    # 8507.60.00 only on 9903.91.06 (2026). Product group table of 89 FR 76581.
    out.append(row(name="s301_review_2024_25", authority="Section 301 four-year review", heading="9903.91.01",
                   hs="8507600010", origins="CN", rate_percent="25", stacking="highest_in_group", group="s301",
                   effective_from="2024-09-27",
                   source=SRC["s301_fyr"].format(h="9903.91.01", note="lithium-ion electrical vehicle batteries, U.S. note 31(b)", d="2024-09-27")
                   + " ; product-group table (Li-ion EV batteries 25% from 2024-09-27): https://zh.wenxuecity.com/bbs/currentevent/3533175.html"))
    # USTR product exclusions: description-scoped within the hts10 -> warning rows, not exemptions
    heads = {r["ch99_code"]: r for r in read_csv(tr / "resources/s301_exclusion_headings.csv")}
    windows = {"9903.88.69": ("2024-06-15", "2026-11-09"), "9903.88.70": ("2024-01-01", "2026-11-09")}
    for r in read_csv(tr / "resources/s301_exclusion_lines.csv"):
        h = r["ch99_code"]
        if h not in windows:
            continue  # 9903.88.21-.28 are conditional derived-rate provisions, not product exclusions
        assert "NEEDS_REVIEW" not in heads[h]["source_note"]
        f, t = windows[h]
        out.append(row(name="s301_exclusion_" + h.replace(".", "_")[-5:], authority="Section 301 exclusion",
                       heading=h, hs=r["hts10"], origins="CN", rate_percent="0", group="s301_exclusion",
                       warn_only="true",
                       warning=f"a USTR Section 301 product exclusion ({h}) covers some products of this line until "
                               f"{t}; if the product matches the exclusion's description (U.S. note 20), Section 301 "
                               "does not apply -- the quote still charges it",
                       effective_from=f, effective_to=t, source=SRC["s301_excl"].format(h=h, f=f, t=t)))
    return out, exrows


# ================================================================== IEEPA fentanyl
def ieepa_fentanyl(tr):
    out, exrows = [], []
    end = IEEPA_LAST_DAY
    A = "IEEPA fentanyl"
    g = "ieepa_fentanyl"
    # China and Hong Kong
    for frm, to, rate, h, s in [("2025-02-04", "2025-03-03", "10", "9903.01.20", "fent_cn1"),
                                ("2025-03-04", "2025-11-09", "20", "9903.01.24", "fent_cn2"),
                                ("2025-11-10", end, "10", "9903.01.24", "fent_cn3")]:
        out.append(row(name="ieepa_fentanyl_cn", authority=A, heading=h, origins="CN HK", rate_percent=rate,
                       group=g, effective_from=frm, effective_to=to, source=SRC[s] + " ; " + SRC["end"]))
    # Canada (general), USMCA goods spared from 2025-03-07
    # (split on 2025-06-04, when EO 14289's order between these duties and the 232 steel/aluminium duties
    # was reversed: see apply_232_precedence)
    for frm, to, rate, npf, s in [("2025-03-04", "2025-03-06", "25", "false", "fent_ca"),
                                  ("2025-03-07", day_before(METALS_FIRST), "25", "true", "fent_ca"),
                                  (METALS_FIRST, "2025-07-31", "25", "true", "fent_ca"),
                                  ("2025-08-01", end, "35", "true", "fent_ca35")]:
        out.append(row(name="ieepa_fentanyl_ca", authority=A, heading="9903.01.10", origins="CA",
                       not_with_preference=npf, rate_percent=rate, group=g, effective_from=frm, effective_to=to,
                       source=SRC[s] + " ; " + SRC["end"]))
    out.append(row(name="ieepa_fentanyl_mx", authority=A, heading="9903.01.01", origins="MX", rate_percent="25",
                   group=g, effective_from="2025-03-04", effective_to="2025-03-06",
                   source=SRC["fent_mx"] + " ; " + SRC["end"]))
    for frm, to in [("2025-03-07", day_before(METALS_FIRST)), (METALS_FIRST, end)]:
        out.append(row(name="ieepa_fentanyl_mx", authority=A, heading="9903.01.01", origins="MX",
                       rate_percent="25", not_with_preference="true", group=g, effective_from=frm,
                       effective_to=to, source=SRC["fent_mx"] + " ; " + SRC["end"]))
    # carve-outs: lower rate rows + exemption of the general row on the same lines
    carve = read_csv(tr / "resources/fentanyl_carveout_products.csv")
    spec = {  # ch99 -> (row name, origin, general row spared, from, citation)
        "9903.01.13": ("ieepa_fentanyl_ca_energy", "CA", "ieepa_fentanyl_ca", "2025-03-04", "fent_ca_en"),
        "9903.01.15": ("ieepa_fentanyl_ca_potash", "CA", "ieepa_fentanyl_ca", "2025-03-07", "fent_ca_pot"),
        "9903.01.05": ("ieepa_fentanyl_mx_potash", "MX", "ieepa_fentanyl_mx", "2025-03-07", "fent_mx_pot"),
    }
    for r in carve:
        name, o, spared, frm, s = spec[r["ch99_code"]]
        periods = ([(frm, "2025-03-06", "false")] if frm < "2025-03-07" else []) + [
            ("2025-03-07", day_before(METALS_FIRST), "true"), (METALS_FIRST, end, "true")]
        for f, t, npf in periods:
            out.append(row(name=name, authority=A, heading=r["ch99_code"], hs=r["hts8"], origins=o,
                           not_with_preference=npf, rate_percent="10", group=g, effective_from=f, effective_to=t,
                           source=SRC[s] + " ; " + SRC["end"]))
        exrows.append(ex(duty=spared, hs=r["hts8"], origins=o, heading=r["ch99_code"], effective_from=frm,
                         effective_to=end, source=SRC[s]))
    return out, exrows


# ================================================================== IEEPA reciprocal (+ Brazil, India EOs)
def ieepa_reciprocal(tr):
    out, exrows = [], []
    end = IEEPA_LAST_DAY
    A = "IEEPA reciprocal"
    g = "ieepa_reciprocal"
    common = dict(authority=A, group=g, stacking="highest_in_group", yields_to="s232")
    # From 2025-08-07 Brazil, the Falkland Islands and the UK pay the same 10% under their own EO 14326
    # headings (9903.02.09, .21, .66 in USITC's HTS), not under the baseline's 9903.01.25.
    own10 = {"BR": ("9903.02.09", "Brazil"), "FK": ("9903.02.21", "Falkland Islands"),
             "GB": ("9903.02.66", "the United Kingdom")}
    out.append(row(name="ieepa_reciprocal_baseline", heading="9903.01.25", exclude_origins="CA MX", rate_percent="10",
                   effective_from="2025-04-05", effective_to="2025-08-06", source=SRC["rec_base"], **common))
    out.append(row(name="ieepa_reciprocal_baseline", heading="9903.01.25",
                   exclude_origins="CA MX " + " ".join(own10), rate_percent="10",
                   effective_from="2025-08-07", effective_to=end, source=SRC["rec_base"] + " ; " + SRC["end"], **common))
    for iso, (heading, country) in own10.items():
        out.append(row(name="ieepa_reciprocal_" + iso.lower(), origins=iso, rate_percent="10", heading=heading,
                       effective_from="2025-08-07", effective_to=end,
                       source=SRC["rec_own10"].format(h=heading, c=country) + " ; " + SRC["end"], **common))
    out.append(row(name="ieepa_reciprocal_cn", heading="9903.01.63", origins="CN HK MO", rate_percent="84",
                   effective_from="2025-04-09", effective_to="2025-04-09", source=SRC["rec_cn84"], **common))
    out.append(row(name="ieepa_reciprocal_cn", heading="9903.01.63", origins="CN HK MO", rate_percent="125",
                   effective_from="2025-04-10", effective_to="2025-05-13", source=SRC["rec_cn125"], **common))
    master = json.loads((tr / "statutory_rates/master_tariff_list.json").read_text())
    recip = next(e for e in master if e["tariff_name"] == "reciprocal")["effective_date"]
    special = set(EU27) | {"JP", "KR", "CH", "LI", "BR", "CN", "HK", "MO", "IN"}
    for e in recip:
        if e.get("adjust_date") != "2025-08-07":
            continue
        iso = NAME_ISO[e["country_name"]]
        if iso in special:
            continue
        rate = fmt(e["adjust_rate"] * 100)
        out.append(row(name="ieepa_reciprocal_" + iso.lower(), origins=iso, rate_percent=rate,
                       effective_from="2025-08-07", effective_to=end,
                       source=SRC["rec_p2"].format(r=rate, c=e["country_name"]) + " ; " + SRC["end"], **common))
    # Cote d'Ivoire: the tracker's master list has no 2025-08-07 entry for it (so it would pay the
    # 10% baseline), but USITC's HTS lists heading 9903.02.15, "articles the product of Cote
    # d'Ivoire ... + 15%" (2026 Basic Edition and Revision 10): EO 14326 Annex I's 15%.
    out.append(row(name="ieepa_reciprocal_ci", origins="CI", rate_percent="15", heading="9903.02.15",
                   effective_from="2025-08-07", effective_to=end,
                   source=SRC["rec_ci"] + " ; " + SRC["end"], **common))
    # India: 25% reciprocal (EO 14326) + separate Russian-oil +25% (EO 14329)
    out.append(row(name="ieepa_reciprocal_in", origins="IN", rate_percent="25", effective_from="2025-08-07",
                   effective_to=end, source=SRC["rec_p2"].format(r="25", c="India") + " ; " + SRC["end"], **common))
    out.append(row(name="ieepa_russia_oil_in", authority="IEEPA Russian oil (India)", heading="9903.01.84",
                   origins="IN", rate_percent="25", group="ieepa_russia_oil", yields_to="s232",
                   effective_from="2025-08-27", effective_to="2026-02-06", source=SRC["india"]))
    # Brazil: reciprocal stays at the 10% baseline (EO 14326 Annex I lists Brazil at 10%); +40% separately
    out.append(row(name="ieepa_brazil", authority="IEEPA Brazil", heading="9903.01.77", origins="BR",
                   rate_percent="40", group="ieepa_brazil", yields_to="s232", effective_from="2025-08-06",
                   effective_to=end, source=SRC["brazil"] + " ; " + SRC["end"]))
    # 15% all-in deals (top_up)
    out.append(row(name="ieepa_reciprocal_eu", origins=" ".join(EU27), rate_percent="15", top_up="true",
                   effective_from="2025-08-07", effective_to=end, source=SRC["rec_eu"] + " ; " + SRC["end"], **common))
    out.append(row(name="ieepa_reciprocal_jp", origins="JP", rate_percent="15", top_up="true",
                   effective_from="2025-08-07", effective_to=end, source=SRC["rec_jp"] + " ; " + SRC["end"], **common))
    out.append(row(name="ieepa_reciprocal_kr", origins="KR", rate_percent="15", effective_from="2025-08-07",
                   effective_to="2025-11-13", source=SRC["rec_p2"].format(r="15", c="South Korea"), **common))
    out.append(row(name="ieepa_reciprocal_kr", origins="KR", rate_percent="15", top_up="true",
                   effective_from="2025-11-14", effective_to=end, source=SRC["rec_kr"] + " ; " + SRC["end"], **common))
    out.append(row(name="ieepa_reciprocal_ch", origins="CH", rate_percent="39", effective_from="2025-08-07",
                   effective_to="2025-11-13", source=SRC["rec_p2"].format(r="39", c="Switzerland"), **common))
    out.append(row(name="ieepa_reciprocal_li", origins="LI", rate_percent="15", effective_from="2025-08-07",
                   effective_to="2025-11-13", source=SRC["rec_p2"].format(r="15", c="Liechtenstein"), **common))
    for iso in ("CH", "LI"):
        out.append(row(name="ieepa_reciprocal_" + iso.lower(), origins=iso, rate_percent="15", top_up="true",
                       effective_from="2025-11-14", effective_to=end, source=SRC["rec_ch"] + " ; " + SRC["end"], **common))
    # Annex II (9903.01.32): spares every reciprocal row; inherited by the India Russian-oil duty
    for r in read_csv(tr / "resources/ieepa_exempt_products.csv"):
        # One tracker row writes 8505.11.0070 with two extra zeros (850511007000); an HTS
        # number has at most ten digits, so trailing zeros past ten are dropped and reported.
        if len(r["hts10"]) > 10:
            if r["hts10"][10:].strip("0"):
                raise SystemExit(f"ieepa_exempt_products.csv: {r['hts10']} has more than 10 digits")
            print(f"note: ieepa_exempt_products.csv {r['hts10']} read as {r['hts10'][:10]}")
            r["hts10"] = r["hts10"][:10]
        f = "2025-04-05" if r["effective_date_start"] == "NA" else r["effective_date_start"]
        t = end if r["effective_date_end"] == "NA" else r["effective_date_end"]
        exrows.append(ex(duty="ieepa_reciprocal", hs=r["hts10"], heading="9903.01.32", effective_from=f,
                         effective_to=t, source=SRC["annex2"]))
        fi, ti = max(f, "2025-08-27"), min(t, "2026-02-06")
        if fi <= ti:
            exrows.append(ex(duty="ieepa_russia_oil", hs=r["hts10"], origins="IN", heading="9903.01.86",
                             effective_from=fi, effective_to=ti, source=SRC["india"] + " ; " + SRC["annex2"]))
    grp_origins = {"eu": " ".join(EU27), "swiss": "CH LI", "korea": "KR"}
    for r in read_csv(tr / "resources/floor_exempt_products.csv"):
        exrows.append(ex(duty="ieepa_reciprocal", hs=r["hts8"], origins=grp_origins[r["country_group"]],
                         heading=r["ch99_code"], effective_from=r["effective_date_start"], effective_to=end,
                         source=SRC["floor_ex"].format(cat=r["category"], grp=r["country_group"], h=r["ch99_code"],
                                                       d=r["effective_date_start"])))
    for r in read_csv(tr / "resources/country_eo_exempt_products.csv"):
        assert r["ch99_code"] == "9903.01.77"
        exrows.append(ex(duty="ieepa_brazil", hs=r["hts10"], origins="BR", heading="",
                         effective_from=r["effective_date_start"], effective_to=r["effective_date_end"] or end,
                         source=SRC["brazil"] + " (" + r["source"] + ")"))
    return out, exrows


# ================================================================== Section 122
def section_122(tr):
    out = [row(name="s122", authority="Section 122", heading="9903.03.01", exclude_origins="CA MX", rate_percent="10",
               group="s122", yields_to="s232", effective_from=S122_FIRST, effective_to=S122_LAST, source=SRC["s122"]),
           row(name="s122_usmca_partners", authority="Section 122", heading="9903.03.01", origins="CA MX",
               not_with_preference="true", rate_percent="10", group="s122", yields_to="s232",
               effective_from=S122_FIRST, effective_to=S122_LAST, source=SRC["s122"])]
    exrows = [ex(duty="s122", hs=r["hts8"], effective_from=S122_FIRST, effective_to=S122_LAST, source=SRC["s122_ex"])
              for r in read_csv(tr / "resources/s122_exempt_products.csv")]
    return out, exrows


# ================================================================== Section 232 metals (steel, aluminium, copper)
def section_232(tr):
    out = []
    annex_start = "2026-04-05"  # last day of the pre-annex regime
    chapter = read_csv(tr / "resources/s232_metal_chapter_products.csv")
    h50_of = {(r["metal_type"], r["hts_prefix"]): metal_heading_50(r["metal_type"], r["kind"], r["source"])
              for r in chapter if r["hts_prefix"][:2] in ("72", "73", "76")}
    froms = {(r["metal_type"], r["hts_prefix"]): r["effective_date"] or "2025-03-12" for r in chapter}
    for r in chapter:
        hs, metal, kind, frm = r["hts_prefix"], r["metal_type"], r["kind"], r["effective_date"] or "2025-03-12"
        frm = max(frm, "2025-03-12")
        full_value = hs[:2] in ("72", "73", "76")
        s = SRC["s232_steel" if metal == "steel" else "s232_alu"]
        if full_value:
            name = "s232_" + metal
            h50 = metal_heading_50(metal, kind, r["source"])
            # a line listed apart under this prefix with another heading (the tracker lists 7317.00.55.03 etc.
            # as note 16(a)(ii) under 7317.00.55 of note 16(m)) keeps its own row: the prefix's row excludes it
            apart = " ".join(sorted(x for (m, x), hx in h50_of.items()
                                    if m == metal and x != hs and x.startswith(hs) and hx != h50))
            hc = h50 or CANDIDATES[(metal, "derivative")]
            if frm < "2025-06-04":
                # 25 % of 2025-03-12..06-03 under the same heading numbers as the 50 % that follows (CBP CSMS
                # #64348411 / #64348288); a line listed apart has its own 25 % row from the same day or earlier
                assert all(max(froms[(metal, x)], "2025-03-12") <= frm for x in apart.split()), (hs, apart)
                out.append(row(name=name, exclude_hs=apart,
                               authority=f"Section 232 {'steel' if metal == 'steel' else 'aluminium'}",
                               heading=hc, hs=hs, rate_percent="25", stacking="highest_in_group", group="s232",
                               effective_from=frm, effective_to="2025-06-03",
                               source=s + f" ({r['source']})" + " ; " + SRC["s232_25_" + metal].format(
                                   h=" / ".join(hc.split()))))
            f50 = max(frm, "2025-06-04")
            out.append(row(name=name, exclude_hs=apart, authority=f"Section 232 {'steel' if metal == 'steel' else 'aluminium'}",
                           heading=hc, hs=hs, exclude_origins="GB", rate_percent="50", stacking="highest_in_group",
                           group="s232", effective_from=f50, effective_to=annex_start,
                           source=s + f" ({r['source']})" + " ; " + (metal_heading_source(h50) if h50
                                                                     else candidate_source(hc))))
            hg = CANDIDATES[("steel_gb", kind)] if metal == "steel" else CANDIDATES[("aluminum_gb", "")]
            out.append(row(name=name + "_gb", authority=f"Section 232 {'steel' if metal == 'steel' else 'aluminium'}",
                           hs=hs, origins="GB", rate_percent="25", stacking="highest_in_group", group="s232",
                           heading=hg, effective_from=f50, effective_to=annex_start,
                           source=s + f" ({r['source']})" + " ; " + candidate_source(hg)))
        else:
            out.append(deriv_warn(hs, metal, frm, annex_start, s + f" ({r['source']})"))
            if metal == "aluminum":
                out.append(ru_smelt_warn(hs, frm, annex_start, russian_origin=True))
    for r in read_csv(tr / "resources/s232_derivative_products.csv"):
        if r["hts_prefix"][:2] in ("72", "73", "76"):
            continue
        frm = max(r["effective_date"] or "2025-03-12", "2025-03-12")
        # the bumper and body stampings under 8708.10.30 / 8708.29.21 are charged on the full value by
        # section_232_stampings (and by s232_aluminium_ru for Russia): the content warnings leave them out
        stamp = " ".join(sorted(c for c in STAMPINGS if c.startswith(r["hts_prefix"])))
        out.append({**deriv_warn(r["hts_prefix"], r["derivative_type"], frm, annex_start,
                                 SRC["s232_deriv"] + f" (HTS {r['ch99_code']})", r["ch99_code"]), "exclude_hs": stamp})
        if r["derivative_type"] == "aluminum":
            out.append({**ru_smelt_warn(r["hts_prefix"], frm, annex_start, russian_origin=True), "exclude_hs": stamp})
    # copper 50% (9903.78.01) 2025-08-01 .. 2026-04-05 (then annex I-A per the tracker)
    for r in read_csv(tr / "resources/s232_copper_products.csv"):
        hs = r["hts10"]
        if hs[:2] == "74":
            out.append(row(name="s232_copper", authority="Section 232 copper", heading="9903.78.01", hs=hs,
                           rate_percent="50", stacking="highest_in_group", group="s232", effective_from="2025-08-01",
                           effective_to=annex_start, source=SRC["s232_cu"]))
        else:
            out.append(row(name="s232_copper", authority="Section 232 copper", heading="9903.78.01", hs=hs,
                           rate_percent="50", stacking="highest_in_group", group="s232_content", warn_only="true",
                           warning="Section 232 copper (9903.78.01): 50% on the value of the copper content of this "
                                   "derivative; add it manually from the copper value",
                           effective_from="2025-08-01", effective_to=annex_start, source=SRC["s232_cu"]))
    # annex regime from 2026-04-06 (full value)
    spec = {"1a": ("50", "25"), "1b": ("25", "15")}
    annex = read_csv(tr / "resources/s232_annex_products.csv")
    kind_of = lambda r: "alu" if r["metal_type"] == "aluminum" or r["hts_prefix"].startswith("76") else r["metal_type"]
    i_b = {}   # annex I-B line -> (the metals it is listed as, first day)
    for r in annex:
        if r["annex"] == "1b":
            k, f = i_b.get(r["hts_prefix"], (set(), r["effective_date"]))
            i_b[r["hts_prefix"]] = (k | {kind_of(r)}, min(f, r["effective_date"]))
    # the metals an I-B line is listed as, itself or under a broader entry (8302.41.30 steel under 8302.41
    # aluminium): its headings are those of every such metal
    i_b_kinds = lambda x: set().union(*(k for p, (k, _) in i_b.items() if x.startswith(p)))
    i_b_heading = lambda x, ru: ANNEX_CANDIDATES[("1b_ru" if ru else "1b", next(
        k for k in ("steel", "copper", "alu") if k in i_b_kinds(x)))]
    for r in annex:
        a, metal, frm, hs = r["annex"], r["metal_type"], r["effective_date"], r["hts_prefix"]
        label = {"steel": "steel", "aluminum": "aluminium", "copper": "copper"}[metal]
        name = f"s232_metals_annex_{a}"
        s = SRC["s232_annex"].format(a="I-" + a.upper() if a != "3" else "III", r="") + f" ({r['source']})"
        if a in spec:
            rate, uk = spec[a]
            # Annex I-A is split off for Russia (its own +50% heading for steel and copper, 9903.82.14, which
            # 9903.82.02 excepts); a Russian aluminium line pays the 200% of s232_aluminium_ru instead, which
            # outranks the 50% in group s232, so the RU row of an aluminium line has no heading.
            ru = a == "1a"
            alu = metal == "aluminum" or hs.startswith("76")
            h = ANNEX_HEADINGS.get(a)
            cite = lambda hd: s + " ; " + annex_heading_source(hd) if hd else s
            # Annex I-B is split off for Russia as well (its +25% heading 9903.82.16, which 9903.82.09 excepts);
            # the other origins show the general candidates 9903.82.09 / 9903.82.20
            apart = ""
            if not h:
                # 9903.82.20 is for derivative steel only: a line listed as steel (itself or under a broader
                # entry) shows it; a line listed under this prefix with other headings, or as other metals only
                # (8302.41.30 steel under 8302.41 aluminium), keeps its own row, which the prefix's row excludes
                h = i_b_heading(hs, False)
                apart = " ".join(sorted(x for x in i_b if x != hs and x.startswith(hs) and (
                    i_b_heading(x, False) != h or not i_b[x][0] & i_b[hs][0])))
                assert all(i_b[x][1] <= frm for x in apart.split()), (hs, apart)
                cite = lambda hd, s=s: (s + " ; " + (annex_heading_source(hd) if hd in ANNEX_HEADING_TEXT
                                                     else annex_candidate_source(hd)) if hd else s)
                ru = True
            if metal == "copper":
                out.append(row(name=name, authority=f"Section 232 {label}", hs=hs, exclude_origins="RU" if ru else "",
                               exclude_hs=apart, rate_percent=rate, heading=h, stacking="highest_in_group",
                               group="s232", effective_from=frm, source=cite(h)))
            else:
                out.append(row(name=name, authority=f"Section 232 {label}", hs=hs, exclude_hs=apart,
                               exclude_origins="GB RU" if ru else "GB", rate_percent=rate, heading=h,
                               stacking="highest_in_group", group="s232", effective_from=frm, source=cite(h)))
                hg = ANNEX_HEADINGS.get(a + "_gb")
                out.append(row(name=name + "_gb", authority=f"Section 232 {label}", hs=hs, origins="GB",
                               rate_percent=uk, heading=hg, stacking="highest_in_group", group="s232",
                               effective_from=frm,
                               source=cite(hg) + "; UK rate needs 95% UK-melted/smelted metal (U.S. note 16(d)), "
                                                 "else the general rate applies"))
            if ru:
                hr = (None if (alu if a == "1a" else i_b_kinds(hs) == {"alu"}) else
                      ANNEX_HEADINGS["1a_ru"] if a == "1a" else i_b_heading(hs, True))
                out.append(row(name=name + "_ru", authority=f"Section 232 {label}", hs=hs, origins="RU",
                               exclude_hs=apart, rate_percent=rate, heading=hr, stacking="highest_in_group", group="s232",
                               effective_from=frm,
                               source=cite(hr) if hr else s + " ; Russian aluminium: charged 200% by "
                                                              "s232_aluminium_ru (9903.85.67/.68), which outranks "
                                                              "this row"))
        elif a == "3":
            # split off for Russia: 9903.82.10 excepts Russia's 9903.82.17 (+ 25%), 9903.82.25 excepts nothing, so
            # the Russian row's heading (and rate) depends on note 16(f)/(k), not in the export: no heading
            h3 = ANNEX_CANDIDATES[("3", "")]
            general = s + "; 15% all-in floor, sunset 2027-12-31 ; " + annex_candidate_source(h3)
            for o, x, h, src, w, suffix in [
                    ("", "RU " + COLUMN_2_OTHERS, h3, general, "", ""),
                    ("RU", "", "", s + "; 15% all-in floor, sunset 2027-12-31 ; no heading: " + ANNEX_3_RU,
                     ANNEX_3_RU_WARNING, "_ru"),
                    (COLUMN_2_OTHERS, "", h3, general, ANNEX_3_COLUMN_2_WARNING, "_col2")]:
                out.append(row(name=name + suffix, authority=f"Section 232 {label}", hs=hs, origins=o,
                               exclude_origins=x, rate_percent="15", top_up="true", heading=h,
                               stacking="highest_in_group", group="s232", effective_from=frm,
                               effective_to="2027-12-31", source=src, warning=w))
        # annex 2 (removed from scope) and 1c (mobile industrial equipment, country-dependent) not charged
    return out, []


# ================================================================== Section 232: vehicles, wood, semiconductors, pharma
# Groups (one per programme family, so that precedence can be written with `yields_to`):
#   s232        metals (steel, aluminium, copper, metals annexes; Russian aluminium 200%)
#   s232_autos  passenger vehicles / light trucks and their parts (Proclamation 10908)
#   s232_wood   softwood lumber, upholstered wood furniture, kitchen cabinets/vanities (Proclamation 10976)
#   s232_mhd    medium- and heavy-duty vehicles, their parts, buses (Proclamation 10984)
#   s232_conditional  warn_only notes of these programmes (quota, USMCA content, end use, scope)
# Precedence (apply_232_precedence below): MHD beats autos, wood and metals; autos beat wood and metals;
# reciprocal / Section 122 / Brazil / India yield to every charging 232 group; CA/MX fentanyl yields to
# autos, wood and MHD; CA/MX fentanyl and 232 steel/aluminium: EO 14289's order, by date (METALS_FIRST).
S232_CHARGING = "s232 s232_autos s232_mhd s232_wood"
AUTO_START, PARTS_START = "2025-04-03", "2025-05-03"
GB_DEAL = "2025-06-30"       # FR Doc 2025-12060: "The changes in the HTSUS are effective June 30, 2025"
EU_AUTO = "2025-08-01"       # EU framework notice FR Doc 2025-18660: autos/parts retroactive to 12:01 a.m. EDT 2025-08-01
JP_AUTO = "2025-09-16"       # FR Doc 2025-17908 / CBP: entries from 12:01 a.m. EDT 2025-09-16
KR_AUTO = "2025-11-01"       # FR Doc 2025-21940: autos/parts retroactive to 12:01 a.m. 2025-11-01
KR_WOOD = "2025-11-14"       # FR Doc 2025-21940: timber/lumber/derivatives retroactive to 2025-11-14
TW_DEAL = "2026-05-01"       # FR Doc 2026-10571 (tracker only): auto parts and wood 15% all-in
WOOD_START = "2025-10-14"
MHD_START = "2025-11-01"
SEMI_START = "2026-01-15"
PHARMA_START = "2026-09-29"
ANNEX_1C_FROM, ANNEX_1C_TO = "2026-06-08", "2027-12-31"

SRC.update({
    "s232_autos": "Proclamation 10908 (2025-03-26), 90 FR 14705 (FR Doc 2025-05930), 'Adjusting Imports of Automobiles and Automobile Parts Into the United States': +25% on passenger vehicles and light trucks (HTS 9903.94.01) from 12:01 a.m. EDT 2025-04-03: https://www.govinfo.gov/content/pkg/FR-2025-04-03/html/2025-05930.htm ; vehicle prefixes from the Tariff Rate Tracker config/policy_params.yaml (section_232_headings autos_passenger, autos_light_trucks); not stacked with Section 232 steel/aluminium/copper (Proclamation 10947) nor with IEEPA CA/MX duties (EO 14289, 90 FR 18899)",
    "s232_parts": "Proclamation 10908 (2025-03-26), 90 FR 14705: +25% on automobile parts enumerated in U.S. note 33(g) (HTS 9903.94.05) from 12:01 a.m. ET 2025-05-03 (CBP CSMS #64913145 / #64916652, quoted by aacb.com, universallogistics.ca); USMCA-qualifying parts exempt (9903.94.06) until Commerce sets a non-U.S.-content process: https://www.govinfo.gov/content/pkg/FR-2025-04-03/html/2025-05930.htm ; part list: Tariff Rate Tracker resources/s232_auto_parts.txt (130 provisions, CBP Automobile Parts HTS List of CSMS #64916652, 2025-05-01), identical to U.S. note 33(g) of USITC HTS 2026 Revision 6; no provision added to note 33(g) by the Commerce inclusions process (15 CFR 705 appendix, 90 FR 44767) was found, so every line starts 2025-05-03 (per-line start dates: PARTS_ADDED in the generator)",
    "s232_autos_usmca": "Proclamation 10908: USMCA-qualifying vehicles pay 25% on the non-U.S. content only, with Commerce approval (HTS 9903.94.02/.03; CBP CSMS #65649652, govdelivery copy opened; procedures 90 FR 21450)",
    "s232_gb": "EO 14309 (2025-06-16) 'Implementing the General Terms of the US-UK Economic Prosperity Deal'; ITA notice FR Doc 2025-12060 (90 FR 27851), HTSUS changes effective 2025-06-30 (govinfo text opened): UK automobiles of heading 8703 within an annual tariff-rate quota (65,205 for 2025, 100,000 from 2026) +7.5% instead of +25% (HTS 9903.94.31; CBP CSMS #65475228, QB 25-508); UK parts for use in UK automobiles 10% all-in (HTS 9903.94.32; CSMS #65475725, quoted by GHY and C.H. Robinson): https://www.govinfo.gov/content/pkg/FR-2025-06-30/html/2025-12060.htm",
    "s232_eu": "US-EU framework, Commerce/USTR notice FR Doc 2025-18660 (published 2025-09-25), EO 14346: EU automobiles and parts subject to Proclamation 10908 pay 15% inclusive of the column 1 rate (nothing if column 1 >= 15%), retroactive to entries from 12:01 a.m. EDT 2025-08-01 (secondary: Butzel 2025-09-26, Mondaq/Thompson Coburn, Mondaq 1684528; the tracker dates it 2025-09-25, the publication date): https://www.federalregister.gov/documents/2025/09/25/2025-18660",
    "s232_jp": "EO 14345 (2025-09-04); ITA notice FR Doc 2025-17908 'Implementing Certain Tariff-Related Elements of the United States-Japan Agreement': Japanese automobiles and parts 15% inclusive of the column 1 rate from 12:01 a.m. EDT 2025-09-16 (CBP guidance quoted by Bloomberg/AFP): https://www.federalregister.gov/documents/2025/09/16/2025-17908",
    "s232_kr": "USTR/Commerce notice FR Doc 2025-21940 (published 2025-12-04) 'Implementing Certain Tariff-Related Elements of the U.S.-Korea Strategic Trade and Investment Deal': Korean automobiles and parts 15% inclusive of the column 1 rate, retroactive to 12:01 a.m. ET 2025-11-01 (Annex part A); timber, lumber and derivatives from 2025-11-14 (part B) (secondary: Thompson Hine 2025-12, Buckland, Thompson Coburn; the tracker dates both 2025-12-05): https://www.federalregister.gov/documents/2025/12/04/2025-21940",
    "s232_tw": "Commerce/USTR notice FR Doc 2026-10571 (published 2026-05-28) implementing the US-Taiwan trade and security agreement: Taiwanese automobile parts and wood products 15% all-in from 2026-05-01 -- rate, date and scope from the Tariff Rate Tracker (statutory_rates/master_tariff_list.json) only, notice not read here: https://www.federalregister.gov/documents/2026/05/28/2026-10571",
    "s232_wood": "Proclamation 10976 (2025-09-29) 'Adjusting Imports of Timber, Lumber, and Their Derivative Products Into the United States', FR Doc 2025-19482: from 12:01 a.m. EDT 2025-10-14 softwood timber and lumber +10% (HTS 9903.76.01, all countries), upholstered wooden furniture +25% (9903.76.02) and kitchen cabinets/vanities and parts +25% (9903.76.03) except UK (+10% at most), EU and Japan (15% inclusive of MFN); not stacked with the automobile 232 duties, IEEPA CA/MX, reciprocal, Brazil or India duties (CBP CSMS #66492057, quoted by Universal Logistics, Mallory, metrocb, internationaltradeinsights): https://www.federalregister.gov/documents/2025/10/06/2025-19482 ; the 2026-01-01 increases (furniture 30%, cabinets 50%) were postponed to 2027-01-01 by the proclamation of 2025-12-31 (secondary: dpa-AFX, Furniture Today); line lists from the Tariff Rate Tracker config/policy_params.yaml",
    "s232_mhd": "Proclamation 10984 (2025-10-17), 90 FR 48451 (FR Doc 2025-19639), 'Adjusting Imports of Medium- and Heavy-Duty Vehicles, Medium- and Heavy-Duty Vehicle Parts, and Buses': from 12:01 a.m. EDT 2025-11-01 MHD vehicles +25% (HTS 9903.74.01), buses +10% (9903.74.02), MHD parts +25% (9903.74.08; USMCA-qualifying parts 9903.74.10 0%); USMCA vehicles 25% on non-U.S. content (9903.74.03/.06); not stacked with 232 steel/aluminium/copper/automobiles/lumber, reciprocal or CA/MX/Brazil/India IEEPA duties (CBP CSMS #66665333 quoted by aacb.com, Buckland; Clark Hill): https://www.govinfo.gov/content/pkg/FR-2025-10-22/html/2025-19639.htm ; line lists from the Tariff Rate Tracker (config/policy_params.yaml mhd_vehicles, resources/s232_mhd_parts.txt)",
    "s232_semi": "Proclamation of 2026-01-14 'Adjusting Imports of Semiconductors, Semiconductor Manufacturing Equipment, and Their Derivative Products', FR Doc 2026-01052; CBP CSMS #67400472 (govdelivery copy opened): +25% (HTS 9903.79.01, U.S. note 39(b)) from 12:01 a.m. ET 2026-01-15 only on logic ICs or articles containing them that meet the TPP/DRAM-bandwidth parameters, else 9903.79.02 0%; end-use exemptions 9903.79.03-.09; hts10 list from the Tariff Rate Tracker resources/s232_semi_products.csv",
    "s232_pharma": "Proclamation 11020 (2026-04-02) 'Adjusting Imports of Pharmaceuticals and Pharmaceutical Ingredients', FR Doc 2026-06956, from 2026-09-29: 100% on patented pharmaceuticals and ingredients; EU, Japan, Korea, Switzerland, Liechtenstein 15% all-in; UK 10%; generics and companies with pricing/onshoring agreements exempt -- rates, dates and hts10 list from the Tariff Rate Tracker (statutory_rates/master_tariff_list.json, resources/s232_pharma_products.csv, config/policy_params.yaml pharmaceuticals) only; proclamation text not read here: https://www.federalregister.gov/documents/2026/04/09/2026-06956",
    "s232_ru": "Proclamation 10522 (2023-02-24), 88 FR 13267 (FR Doc 2023-04470): aluminium articles of Russia (and articles with Russian-smelted or cast aluminium) 200% from 2023-03-10: https://www.federalregister.gov/documents/2023/03/02/2023-04470 ; retained on annexes I-A, I-B and III by the 2026-04-06 restructuring per the Tariff Rate Tracker (config/policy_params.yaml country_surcharges; tracker only)",
    "s232_1c": "Section 232 metals annex I-C (mobile industrial equipment and machinery), Proclamation 11032 (2026-06-01), from 12:01 a.m. ET 2026-06-08 to 2027-12-31 (then annex I-B): 25% on full value; framework countries (EU-27, Japan, Korea, Switzerland, Liechtenstein, Taiwan, UK, Argentina, Ecuador, El Salvador, Guatemala) 15% all-in; Canada/Mexico USMCA steel 15% all-in with U.S.-content exemption capped at 40% -- rates, dates, countries and lines from the Tariff Rate Tracker (config/policy_params.yaml section_232_annexes.annex_1c, resources/s232_annex_products.csv) only; proclamation not read here",
})

# ---- automobile parts: a dated scope per line (U.S. note 33(g))
# NOTE_33G_2025: the provisions in force from 2025-05-03 -- CBP "Automobile Parts HTS List" (Attachment 2 of
# CSMS #64916652, 2025-05-01; 130 codes per the tracker's docs/assumptions.md 4a), identical, provision for
# provision, to U.S. note 33(g) as printed in USITC's HTS 2026 Revision 6 (the tracker's scrape
# data/us_notes/chapter99_2026_rev_6.txt, 2026-04-28; no subdivision of note 33 there names an inclusion).
# PARTS_ADDED: a provision added later (Commerce inclusions process, 15 CFR 705 appendix, IFR 90 FR 44767 of
# 2025-09-17: the notice lists the new subheadings, duty from the next day) -> (first day, citation). None was
# found up to USITC HTS 2026 Rev. 19 (note 33(g) still 130 provisions on 2026-09-24). A line of the tracker's
# list on neither table stops the generator: its start date is not established, and dating it 2025-05-03
# would charge it too early.
NOTE_33G_2025 = frozenset("""
4009120020 4009220020 4009320020 4009420020 40111010 40111050 40112010 40121940 40121980 40122060 4013100010
4013100020 4016996010 70072151 70091000 732010 73202010 83012000 83021030 830230 84073100 840732 840733 840734
84082020 8409911040 8409991040 84133010 84133090 84139110 8413919010 8414308030 84145930 8414596540 84148005
84152000 84212300 84213200 84254900 84269100 8431100090 8471 84821010 8482105044 8482105048 8482200020
8482200030 8482200040 8482200061 8482200070 8482200081 84824000 84825000 8483101030 84831030 850132 850133
850134 850140 850151 850152 850710 850760 85079040 85079080 8511100000 85112000 8511300040 8511300080 85114000
85115000 85118020 85118060 8511906020 8511906040 85122020 85122040 85123000 85124020 85124040 85129020 85129060
85129070 85198120 8525601010 852721 852729 8536410005 853710 853720 8539100010 8539100050 85443000 87060003
87060005 87060015 87060025 8707 8707100020 8707100040 8707905020 8707905040 8707905060 8707905080 87081030
87081060 87082100 870822 870829 870830 87084011 87084070 87084075 870850 870870 870880 870891 87089360 87089375
870894 870895 87089953 87089955 87089958 87089968 87169050 901510 902910 9029204080 94012000
""".split())
PARTS_ADDED = {}


def part_starts(parts):
    """{line: first day of 9903.94.05} for the tracker's parts list; stops on a line with no established date."""
    assert len(NOTE_33G_2025) == 130, len(NOTE_33G_2025)
    unknown = sorted(p for p in parts if p not in NOTE_33G_2025 and p not in PARTS_ADDED)
    if unknown:
        raise SystemExit("auto parts without an established start date (not in note 33(g) of 2025-05-03, no "
                         "PARTS_ADDED entry): " + " ".join(unknown))
    gone = sorted(NOTE_33G_2025 - set(parts))
    if gone:
        print("note: note 33(g) provisions missing from the tracker's list: " + " ".join(gone))
    return {p: PARTS_ADDED[p][0] if p in PARTS_ADDED else PARTS_START for p in parts}


VEHICLES = ("870322 870323 870324 870331 870332 870333 870334 870340 870350 870360 870370 870380 870390 "
            "87042101 87043101 87044100 87045100").split()  # tracker policy_params autos_passenger + autos_light_trucks
SOFTWOOD = ("44031100 44032101 44032201 44032301 44032401 44032501 44032601 44039901 44061100 44069100 "
            "44071100 44071200 44071300 44071400 44071900").split()  # = CSMS #66492057 list for 9903.76.01
FURNITURE = "9401614011 9401614031 9401616011 9401616031".split()   # 9903.76.02
CABINETS = "9403409060 9403608093 9403910080".split()              # 9903.76.03
MHD_VEHICLES = ("87012100 87012200 87012300 87012400 87012900 87041010 87041050 87042211 87042251 87042301 "
                "87043201 87044200 87044300 87045200 87046000 87049001 87054000 8705900080 87060003 "
                "8706000520 8706000575 87060025 87060050 87091100 87091900").split()
BUSES = ["8702"]
IC_FRAMEWORK = ["JP", "KR", "LI", "CH", "TW", "GB", "AR", "EC", "SV", "GT"] + EU27
EU = " ".join(EU27)


# Chapter-99 headings of the 2026 metals annexes (U.S. note 16(c)), from USITC's HTS 2026 Revision 10 (the
# first and only edition read that has the 9903.82 headings).  The export splits them by note 16(c)
# subdivision, which neither the tracker's annex lists nor the rows carry; a heading is given only where
# the row's rate and origin leave one heading in the export's text (verified against the export by
# usitc_ch99_headings.verify_curated when the generator runs).  Annex I-B (general 25%), I-C (25%) and III
# (15% all-in) show their candidate headings (ANNEX_CANDIDATES), Russia split off; see NOT_READ in
# usitc_ch99_headings.py for the rows left empty.
ANNEX_HEADINGS = {
    "1a": "9903.82.02",            # the only "+ 50%" heading but Russia's 9903.82.14
    "1a_gb": "9903.82.04",         # the only "+ 25%" heading naming the United Kingdom
    "1a_ru": "9903.82.14",         # "+ 50%", steel and copper of the Russian Federation
    "1b_gb": "9903.82.05",         # the only "+ 15%" heading
    "1c_framework": "9903.82.22",  # the only heading naming exactly the I-C framework countries, "15%"
}
# Candidate headings of the annexes whose rows the export does not give one heading (Revision 10; each text checked
# in ANNEX_CANDIDATE_TEXT). The I-B, I-C and III rows are split off for Russia, whose headings differ.
# (annex, kind of line) -> heading(s); 9903.82.20 ("derivative steel articles", note 16(j)) only on steel lines.
ANNEX_CANDIDATES = {
    ("1b", "steel"): "9903.82.09 9903.82.20",     # + 25%: note 16(c)(vi)-(viii), (xi) (except .16, .20-.26) / 16(j)
    ("1b", "alu"): "9903.82.09",
    ("1b", "copper"): "9903.82.09",
    ("1b_ru", "steel"): "9903.82.16 9903.82.20",  # + 25%: Russia's steel and copper of 16(c)(vii)-(viii), (xi) / 16(j)
    ("1b_ru", "copper"): "9903.82.16",            # (Russian aluminium: 9903.85.68 + 200%, the RU row has no heading)
    ("1c", "steel"): "9903.82.09 9903.82.20",     # as I-B: 16(c)(xi) is in 9903.82.09
    ("1c_ru", "steel"): "9903.82.16 9903.82.20",
    ("3", ""): "9903.82.10 9903.82.25",           # 15%: note 16(f) (except .12, .17, 9903.85.68) / 16(f) and (k)
}
ANNEX_3_RU = ("9903.82.10 (15%, note 16(f)) excepts Russia's 9903.82.17 (+ 25%, derivative steel of note 16(c)(x)), "
              "9903.82.25 (15%, note 16(f) and (k)) excepts no heading: whether a Russian annex III article owes "
              "15% all-in or + 25% depends on note 16(c)(x)/(f)/(k), not in the export; the row keeps the "
              "tracker's 15% all-in")
# The Russian annex III row charges the tracker's 15% all-in; the quote says the rate is not settled.
ANNEX_3_RU_WARNING = ("Section 232 annex III, Russia: charged at 15% all-in (9903.82.10 / 9903.82.25), but "
                      "9903.82.10 excepts Russia's 9903.82.17 (+25%, derivative steel of U.S. note 16(c)(x)) and "
                      "the HTS export does not say which applies to this line; the duty may be +25% instead -- "
                      "check the line's subdivision of note 16")
# The other countries of general note 3(b) (column 2): 9903.82.10 also excepts their 9903.82.12 (+25%).
COLUMN_2_OTHERS = "BY CU KP"
ANNEX_3_COLUMN_2_WARNING = ("Section 232 annex III: charged at 15% all-in (9903.82.10 / 9903.82.25), but "
                            "9903.82.10 excepts 9903.82.12 (+25%, products of the countries of general note 3(b)) "
                            "and the HTS export does not say which applies to this line; the duty may be +25% "
                            "instead -- check the line's subdivision of note 16")
ANNEX_CANDIDATE_TEXT = {
    "9903.82.09": ("The duty provided in the applicable subheading + 25%",
                   "Except as provided for in headings 9903.82.16, 9903.82.20–9903.82.26 and 9903.85.68, articles of "
                   "copper and derivative aluminum and steel articles, as provided for in subdivisions (c)(vi)–(viii) "
                   "and (xi) of U.S. note 16"),
    "9903.82.10": ("15%",
                   "Except as provided for in headings 9903.82.12, 9903.82.17 and 9903.85.68, derivative aluminum and "
                   "steel articles with an ad valorem (or ad valorem equivalent) rate of duty under column 1 less than "
                   "15 percent, as provided for in subdivision (f) of U.S. note 16"),
    "9903.82.16": ("The duty provided in the applicable subheading + 25%",
                   "Articles of copper and derivative steel the product of the Russian Federation, as provided for in "
                   "subdivisions (c)(vii)–(viii) and (xi) of U.S. note 16"),
    "9903.82.17": ("The duty provided in the applicable subheading + 25%",
                   "Derivative steel articles the product of the Russian Federation, as provided for in subdivision "
                   "(c)(x) of U.S. note 16"),
    "9903.82.20": ("The duty provided in the applicable subheading + a duty of 25%",
                   "Derivative steel articles as provided in subdivision (j) of U.S. note 16"),
    "9903.82.25": ("15%",
                   "Articles of copper and derivative aluminum and steel articles with an ad valorem (or ad valorem "
                   "equivalent) rate of duty under column 1 less than 15 percent, as provided for in subdivisions (f) "
                   "and (k) of U.S. note 16"),
}


def annex_candidate_source(hs_list):
    if " " not in hs_list:
        general, text = ANNEX_CANDIDATE_TEXT[hs_list]
        return (f"heading {hs_list} from USITC HTS 2026 Revision 10 (chapter 99, JSON export): \"{text}\", "
                f"{general.replace('The duty provided in the applicable subheading ', '')}")
    return (f"candidate headings {' / '.join(hs_list.split())} from USITC HTS 2026 Revision 10 (chapter 99, JSON "
            "export): which one applies depends on the U.S. note 16 subdivision of the article ((c)(vi)-(viii), (xi), "
            "(f), (j) or (k)), which neither the export nor the tracker's annex file gives")


# heading -> (general column, words of the description) as USITC HTS 2026 Revision 10 prints them
ANNEX_HEADING_TEXT = {
    "9903.82.02": ("The duty provided in the applicable subheading + 50%",
                   "Except as provided for in headings 9903.82.14, 9903.85.67 and 9903.85.68, articles of aluminum, "
                   "of steel or of copper and derivative aluminum or steel articles, as provided for in subdivisions "
                   "(c)(i)–(v) of U.S. note 16"),
    "9903.82.04": ("The duty provided in the applicable subheading + 25%",
                   "Articles of aluminum or of steel and derivative aluminum or steel articles the product of the "
                   "United Kingdom, as provided for in subdivisions (c)(i)–(iv) and (d) of U.S. note 16"),
    "9903.82.05": ("The duty provided in the applicable subheading + 15%",
                   "Derivative aluminum or steel articles the product of the United Kingdom, as provided for in "
                   "subdivisions (c)(vi)–(vii) and (d) of U.S. note 16"),
    "9903.82.14": ("The duty provided in the applicable subheading + 50%",
                   "Articles of steel or of copper and derivative steel the product of the Russian Federation, as "
                   "provided for in subdivisions (c)(iii)–(v) of U.S. note 16"),
    "9903.82.22": ("15%",
                   "Derivative steel articles the product of Argentina, Ecuador, El Salvador, Guatemala, Japan, the "
                   "Republic of Korea, Liechtenstein, Switzerland, Taiwan, the United Kingdom, or a member nation of "
                   "the European Union, as provided for in subdivision (c)(xi) of U.S. note 16"),
}


# Chapter-99 headings of the 50 % steel/aluminium rows (2025-06-04..2026-04-05) on chapters 72/73/76, from USITC's
# HTS 2026 Basic Edition (the only edition read that has them; Revision 10 has replaced them by the annex headings).
# Each heading names the U.S. note subdivision of its lines; the tracker's chapter file gives each line's
# subdivision in its `source` column. Mill products (note 16(b) / 19(b) in the tracker) stay under the general
# headings; the chapter-73 derivatives of note 16(m) and the chapter-76 derivatives of note 19(j) have their own
# "+ 50%" headings. The other derivatives of these chapters (note 16(a)(ii) and 19(a)(iii) of Proclamation 9980,
# and the lines of the 2025-08-18 inclusions, FR Doc 2025-15819) get none: the export's subdivisions (l), (n), (i),
# (k) are not tied to those lists in the export, and the tracker does not say which of them a line is on.
METAL_HEADINGS_50 = {  # (metal, the tracker's note subdivision, or "mill") -> heading
    ("steel", "mill"): "9903.81.87",
    ("steel", "note_16(m)"): "9903.81.90",
    ("aluminum", "mill"): "9903.85.02",
    ("aluminum", "note_19(j)"): "9903.85.07",
}
METAL_HEADING_TEXT = {  # heading -> (general column, words of the description) as the 2026 Basic Edition prints them
    "9903.81.87": ("The duty provided in the applicable subheading + 50%",
                   "Except for derivative iron or steel products described in headings 9903.81.89, 9903.81.90 or "
                   "9903.81.91, products of iron or steel provided for in the tariff headings or subheadings "
                   "enumerated in subdivision (j) of note 16"),
    "9903.81.90": ("The duty provided in the applicable subheading + 50%",
                   "Except as provided in heading 9903.81.92, derivative iron or steel products provided for in the "
                   "tariff subheadings enumerated in subdivision (m) of note 16"),
    "9903.85.02": ("The duty provided in the applicable subheading + 50%",
                   "Except as provided in headings 9903.85.67 or 9903.85.69, products of aluminum provided for in the "
                   "tariff headings or subheadings enumerated in subdivision (g) of note 19"),
    "9903.85.07": ("The duty provided in the applicable subheading + 50%",
                   "Except as provided in headings 9903.85.09, 9903.85.68 or 9903.85.70, derivative aluminum products, "
                   "provided for in the tariff provisions enumerated in subdivision (j) of note 19"),
}


# Candidate headings (issue 17 point 5: never silent): a charging row whose heading depends on facts a request does
# not give (the note 16/19 subdivision a derivative line is in, foreign-trade-zone status) shows every heading it
# may be entered under, space-separated in the heading column ("9903.81.89 9903.81.91"); the charge reads
# "Section 232 steel (9903.81.89 / 9903.81.91)". Each set is the one the research notes (section 5) give as the
# reason the row has no single heading; each heading's text is checked against the export (CANDIDATE_HEADING_TEXT).
CANDIDATES = {
    ("steel", "derivative"): "9903.81.89 9903.81.91",      # note 16(l) + 50% / 16(n) + 50% of the steel content
    ("aluminum", "derivative"): "9903.85.04 9903.85.08",   # note 19(i) + 50% / 19(k) + 50% of the aluminium content
    ("steel_gb", "mill"): "9903.81.94 9903.81.95",         # note 16(q) / the same admitted to an FTZ before 2025-06-04
    ("steel_gb", "derivative"): "9903.81.96 9903.81.97 9903.81.98 9903.81.99",  # 16(s), (t), (u) / FTZ
    ("aluminum_gb", ""): "9903.85.12 9903.85.13 9903.85.14",  # note 19(o) / (q) / (r), UK + 25%
    ("ru", "mill"): "9903.85.67 9903.85.69",               # + 200% / the same admitted to an FTZ before 2023-04-10
    ("ru", "derivative"): "9903.85.68 9903.85.70",         # derivatives + 200% / FTZ
    ("ru", "annex"): "9903.85.67 9903.85.68",              # Revision 10: articles (note 19(a)(vii)(A)/(m)(A)) / derivatives
}
# heading -> (general column, words of the description) as USITC HTS 2026 Basic Edition prints them (.67/.68 also
# Revision 10: CANDIDATE_HEADING_TEXT_R10)
CANDIDATE_HEADING_TEXT = {
    "9903.81.89": ("The duty provided in the applicable subheading + 50%",
                   "Derivative iron or steel products provided for in the tariff provisions enumerated in subdivision (l) of note 16"),
    "9903.81.91": ("The duty provided in the applicable subheading + a duty of 50% upon the value of the steel content",
                   "derivative iron or steel products provided for in the tariff subheadings enumerated in subdivision (n) of note 16"),
    "9903.81.94": ("The duty provided in the applicable subheading + 25%",
                   "products of iron or steel of the United Kingdom provided for in the tariff headings or subheadings enumerated in subdivision (q) of note 16"),
    "9903.81.95": ("The duty provided in the applicable subheading + 25%",
                   "Products of iron or steel of the United Kingdom provided for in the tariff headings or subheadings enumerated in subdivision (q) of note 16 to this subchapter, admitted to a U.S. foreign trade zone"),
    "9903.81.96": ("The duty provided in the applicable subheading + 25%",
                   "Derivative iron or steel products of the United Kingdom provided for in the tariff subheadings enumerated in subdivision (s) of note 16"),
    "9903.81.97": ("The duty provided in the applicable subheading + 25%",
                   "derivative iron or steel products of the United Kingdom provided for in the tariff subheadings enumerated in subdivision (t) of note 16"),
    "9903.81.98": ("The duty provided in the applicable subheading + 25%",
                   "derivative iron or steel products of the United Kingdom provided for in the tariff subheadings enumerated in subdivision (u) of note 16"),
    "9903.81.99": ("The duty provided in the applicable subheading + 25%",
                   "derivative products of iron or steel of the United Kingdom, as specified in subdivisions (s) and (t) of note 16"),
    "9903.85.04": ("The duty provided in the applicable subheading + 50%",
                   "derivative aluminum products provided for in the tariff headings or subheadings enumerated in subdivision (i) of note 19"),
    "9903.85.08": ("The duty provided in the applicable subheading + a duty of 50% upon the value of the aluminum content",
                   "derivative aluminum products, provided for in the tariff provisions enumerated in subdivision (k) of note 19"),
    "9903.85.12": ("The duty provided in the applicable subheading + 25%",
                   "products of aluminum of the United Kingdom provided for in the tariff headings or subheadings enumerated in subdivision (o) of note 19"),
    "9903.85.13": ("The duty provided in the applicable subheading + 25%",
                   "derivative aluminum products of the United Kingdom provided for in the tariff headings or subheadings enumerated in subdivision (q) of note 19"),
    "9903.85.14": ("The duty provided in the applicable subheading + 25%",
                   "derivative aluminum products of the United Kingdom, provided for in the tariff provisions enumerated in subdivision (r) of note 19"),
    "9903.85.67": ("The duty provided in the applicable subheading + 200%",
                   "Aluminum articles that are the product of Russia, or where any amount of primary aluminum used in the manufacture of the aluminum articles is smelted in Russia, or where the aluminum articles are cast in Russia"),
    "9903.85.68": ("The duty provided in the applicable subheading + 200%",
                   "Derivative aluminum articles that are products of Russia, or where any amount of primary aluminum used in the manufacture of the derivative articles is smelted in Russia"),
    "9903.85.69": ("The duty provided in the applicable subheading + 200%",
                   "aluminum articles that are the product of Russia, or where any amount of primary aluminum used in the manufacture of the aluminum articles is smelted in Russia, or where the aluminum articles are cast in Russia, the foregoing under the terms of note 19(a)(vii)"),
    "9903.85.70": ("The duty provided in the applicable subheading + 200%",
                   "derivative aluminum articles that are products of Russia, or where any amount of primary aluminum used in the manufacture of the derivative aluminum articles is smelted in Russia"),
}
CANDIDATE_HEADING_TEXT_R10 = {h: CANDIDATE_HEADING_TEXT[h] for h in ("9903.85.67", "9903.85.68")}


def candidate_source(hs_list, edition="USITC HTS 2026 Basic Edition"):
    return (f"candidate headings {' / '.join(hs_list.split())} from {edition} (chapter 99, JSON export): which one "
            "applies depends on the U.S. note subdivision of the article (mill product or derivative) or its "
            "foreign-trade-zone status, which a request does not give")


def metal_heading_50(metal, kind, source):
    """The heading of a 50 % chapter 72/73/76 row, or "" where the export does not settle it."""
    if kind == "mill":
        return METAL_HEADINGS_50[(metal, "mill")]
    sub = re.match(r"note_\d+(\([a-z]+\))*", source)   # "note_19(j) addition; ..." -> "note_19(j)"
    return METAL_HEADINGS_50.get((metal, sub.group(0) if sub else ""), "")


def metal_heading_source(h):
    general, text = METAL_HEADING_TEXT[h]
    return (f"heading {h} from USITC HTS 2026 Basic Edition (chapter 99, JSON export): \"{text}\", "
            f"{general.replace('The duty provided in the applicable subheading ', '')}; the line's note subdivision "
            f"from the tracker's s232_metal_chapter_products.csv")


def annex_heading_source(h):
    general, text = ANNEX_HEADING_TEXT[h]
    return (f"heading {h} from USITC HTS 2026 Revision 10 (chapter 99, JSON export): \"{text}\", "
            f"{general.replace('The duty provided in the applicable subheading ', '')}")


def periods(start, steps):
    """[(from, to, excluded)] for a general row whose excluded origins grow at each dated step."""
    out, excl, frm = [], [], start
    for d, add in steps:
        if d <= frm:
            excl = excl + add
            continue
        out.append((frm, day_before(d), list(excl)))
        excl, frm = excl + add, d
    out.append((frm, "", list(excl)))
    return out


def note(name, authority, heading, hs, warning, frm, src, to="", **kw):
    return row(name=name, authority=authority, heading=heading, hs=hs, rate_percent="0", group="s232_conditional",
               warn_only="true", warning=warning, effective_from=frm, effective_to=to, source=src, **kw)


SRC["s232_vintage"] = (
    "USITC HTS 2026 Basic Edition (JSON export): 9903.94.04 'Effective with respect to entries on or after April 3, 2025, "
    "certain passenger vehicles and light trucks, as provided for in subdivision (e) of U.S. note 33' and 9903.74.07 "
    "'Medium- and heavy-duty vehicles, as provided for in subdivision (g) of U.S. note 38', both at 'The duty provided in "
    "the applicable subheading'; U.S. note 33(e) and 38(g) of HTS 2026 Revision 6 (USITC text, as scraped in the Tariff "
    "Rate Tracker repository data/us_notes/chapter99_2026_rev_6.txt): vehicles of the note's subheadings 'manufactured "
    "in a year at least 25 years prior to the year of the date of entry' (38(g): subdivisions (b) or (c), buses included); "
    "Proclamation 10984 exempts MHD vehicles and buses over 25 years old (Thompson Hine 2025-10)")
SRC["s232_election"] = (
    "U.S. note 33(p) of HTS 2026 Revision 6 (USITC text, as scraped in the Tariff Rate Tracker repository "
    "data/us_notes/chapter99_2026_rev_6.txt): heading 9903.94.07 (+25%, USITC HTS 2026 Basic Edition and Revision 10) "
    "for automobile parts the importer of record certifies for automobile production or repair in the United States, "
    "not for articles of chapters 72, 73 or 76, of note 33(g) or of note 38(i); such articles are not subject to the "
    "metals duties of 9903.82.02 and 9903.82.04-.19; note 33(r) (9903.94.44/.45, .54/.55, .64/.65) and, in Revision 10, "
    "(u) (9903.94.68/.69) give EU, Japanese, Korean and Taiwanese parts 15% all-in; in force from 2025-11-01 (Proclamation "
    "10984 clause 12, Braumiller Law; CBP guidance of 2025-10-30 quoted by aacb.com)")
OFFSET_SRC = (
    "import adjustment offset: Proclamation 10925 (2025-04-29) 'Amendments to Adjusting Imports of Automobiles and "
    "Automobile Parts Into the United States' (3.75% of the MSRP of automobiles assembled in the U.S. to 2026-04-30, "
    "2.5% to 2027-04-30; secondary: IFF 2025-05-01) and Proclamation 10984 (FR Doc 2025-19639, govinfo text found): "
    "MHD parts offset of 3.75% of the value of MHD vehicles assembled in the U.S. 2025-11-01 .. 2030-10-31 (secondary: "
    "Mondaq 1694540); offset amounts for automobiles assembled 2025-04-03 .. 2030-04-30 and MHD vehicles 2025-11-01 "
    ".. 2030-10-31 (ITA information collection, OMB ICR 202601-0625-001, omb.report copy)")
MHD_OFFSET = ("Section 232 medium and heavy vehicle parts (9903.74.08) charged at 25%; U.S. assemblers of medium and "
              "heavy vehicles may offset part of this duty with the import adjustment offset of Proclamation 10984 "
              "(3.75% of the value of the vehicles they assemble in the U.S., 2025-11-01 .. 2030-10-31), used by "
              "importers they authorise -- not applied here")


def section_232_autos(tr):
    out = []
    A, hv, hp = "Section 232 automobiles", "9903.94.01", "9903.94.05"
    g = dict(stacking="highest_in_group", group="s232_autos")
    deals = [(GB_DEAL, []), (EU_AUTO, EU27), (JP_AUTO, ["JP"]), (KR_AUTO, ["KR"])]
    for hs in VEHICLES:
        passenger = hs.startswith("8703")
        steps = [(GB_DEAL, ["GB"] if passenger else [])] + deals[1:]
        for f, t, excl in periods(AUTO_START, steps):
            out.append(row(name="s232_autos", authority=A, heading=hv, hs=hs, exclude_origins=" ".join(["CA", "MX"] + excl),
                           rate_percent="25", effective_from=f, effective_to=t, source=SRC["s232_autos"], **g))
        # Canada/Mexico: non-USMCA vehicles pay 25%; USMCA vehicles 25% of the non-U.S. content (not computable)
        out.append(row(name="s232_autos_usmca", authority=A, heading=hv, hs=hs, origins="CA MX", not_with_preference="true",
                       rate_percent="25", effective_from=AUTO_START, source=SRC["s232_autos"], **g))
        out.append(note("s232_autos_usmca_content", A, "9903.94.03", hs,
                        "Section 232 automobiles (9903.94.02/.03): a USMCA-qualifying vehicle pays 25% on its non-U.S. "
                        "content only, with Commerce approval; the quote charges nothing on a line claiming USMCA "
                        "preference -- add 25% of the non-U.S. content value", AUTO_START,
                        SRC["s232_autos"] + " ; " + SRC["s232_autos_usmca"], origins="CA MX"))
        for iso, frm, s in [(EU, EU_AUTO, "s232_eu"), ("JP", JP_AUTO, "s232_jp"), ("KR", KR_AUTO, "s232_kr")]:
            out.append(row(name="s232_autos_" + ("eu" if iso == EU else iso.lower()), authority=A + " (15% all-in deal)",
                           hs=hs, origins=iso, rate_percent="15", top_up="true", effective_from=frm,
                           source=SRC[s], **g))
        out.append(note("s232_autos_vintage", A, "9903.94.04", hs,
                        "Section 232 automobiles (9903.94.04, U.S. note 33(e)): a vehicle manufactured in a year at least "
                        "25 years before the year of entry owes no automobile duty; the quote charges it because the "
                        "request does not give the year of manufacture -- remove it for such a vehicle",
                        AUTO_START, SRC["s232_vintage"]))
        if passenger:
            out.append(row(name="s232_autos_gb", authority=A + " (UK quota)", heading="9903.94.31", hs=hs, origins="GB",
                           rate_percent="7.5", effective_from=GB_DEAL, source=SRC["s232_gb"], **g))
            out.append(note("s232_autos_gb_quota", A, "9903.94.31", hs,
                            "Section 232 automobiles, UK tariff-rate quota (9903.94.31): the quote charges the in-quota "
                            "7.5% (10% with the 2.5% MFN); UK cars entered after the annual quota (65,205 in 2025, "
                            "100,000 a year from 2026, filled first come first served) pay 25% (9903.94.01) -- check the "
                            "quota status (CBP quota bulletin QB 25-508)", GB_DEAL, SRC["s232_gb"], origins="GB"))
    # ---- parts (note 33(g)); 8471 is on the list but general-purpose ADP machines are not vehicle parts
    parts = sorted({l.strip() for l in (tr / "resources/s232_auto_parts.txt").read_text().split() if l.strip()})
    starts = part_starts(parts)
    # The import adjustment offset (Proclamation 10925 of 2025-04-29, amending Proclamation 10908; extended by
    # Proclamation 10984 to automobiles assembled up to 2030-04-30) reduces the duty of importers a U.S. assembler
    # authorises, on any row of the parts duty (general, USMCA, deal rates): a warning on every charging parts row.
    offset = ("; U.S. automobile assemblers may offset part of this duty with the import adjustment offset of "
              "Proclamation 10925 (a share of the value of the automobiles they assemble in the U.S., for automobiles "
              "assembled 2025-04-03 .. 2030-04-30 as extended by Proclamation 10984), used by importers they "
              "authorise -- not applied here")
    for hs in parts:
        if hs.startswith("8471"):
            out.append(note("s232_auto_parts_scope", A, hp, hs,
                            "Section 232 automobile parts (9903.94.05): heading 8471 is listed in U.S. note 33(g), but "
                            "only an article that is a part of a passenger vehicle or light truck pays +25% (15% all-in "
                            "for EU/JP/KR); general-purpose computers do not -- add it if this article is a vehicle part",
                            starts[hs], part_source(hs)))
            continue
        start, src = starts[hs], part_source(hs)
        steps = [(EU_AUTO, EU27), (JP_AUTO, ["JP"]), (KR_AUTO, ["KR"]), (TW_DEAL, ["TW"])]
        for f, t, excl in periods(start, steps):
            out.append(row(name="s232_auto_parts", authority=A + " parts", heading=hp, hs=hs,
                           exclude_origins=" ".join(["CA", "MX"] + excl), rate_percent="25",
                           warning="Section 232 automobile parts (9903.94.05) charged at 25%" + offset,
                           effective_from=f, effective_to=t, source=src + " ; " + OFFSET_SRC, **g))
        out.append(row(name="s232_auto_parts_usmca", authority=A + " parts", heading=hp, hs=hs, origins="CA MX",
                       not_with_preference="true", rate_percent="25", effective_from=start,
                       warning="Section 232 automobile parts (9903.94.05) charged at 25%" + offset,
                       source=src + " ; USMCA-qualifying parts spared (9903.94.06) ; " + OFFSET_SRC, **g))
        for iso, frm, s in [(EU, EU_AUTO, "s232_eu"), ("JP", JP_AUTO, "s232_jp"), ("KR", KR_AUTO, "s232_kr"),
                            ("TW", TW_DEAL, "s232_tw")]:
            out.append(row(name="s232_auto_parts_" + ("eu" if iso == EU else iso.lower()),
                           authority=A + " parts (15% all-in deal)", hs=hs, origins=iso, rate_percent="15",
                           top_up="true", warning="Section 232 automobile parts, 15% all-in deal" + offset,
                           effective_from=max(frm, start), source=SRC[s] + " ; " + OFFSET_SRC, **g))
        out.append(note("s232_auto_parts_gb", A + " parts", "9903.94.32", hs,
                        "Section 232 automobile parts, UK deal (9903.94.32): UK parts for use in UK automobiles pay 10% "
                        "in all (MFN included) instead of +25%; the quote charges 25% because the end use is not "
                        "known -- reduce it if the part qualifies", max(GB_DEAL, start), SRC["s232_gb"], origins="GB"))
    out += parts_list_date_warnings(parts)
    return out, []


# The parts list is known to 2026-09-24 only (note 33(g) of USITC HTS 2026 Rev. 19 read then: the same 130
# provisions). Commerce's inclusions process (IFR 90 FR 44767, FR Doc 2025-18015, 15 CFR 705 appendix) may add
# subheadings from the next day of a Federal Register notice; an addition after 2026-09-24 would be missing from the
# data, uncharged. From 2026-09-25 the lines of every heading (4 digits) of the list that are not themselves listed
# warn; a heading listed whole (8471, 8707) has no such lines.
PARTS_LIST_KNOWN_TO = "2026-09-24"
SRC["s232_parts_list_date"] = (
    "Proclamation 10908 (90 FR 14705) and the automobile parts inclusions process, interim final rule FR Doc "
    "2025-18015, 90 FR 44767 (effective 2025-09-17; govinfo text opened): Commerce may add parts to U.S. note 33(g), "
    "duty from the day after the notice listing them; the data's list (130 provisions) is verified against note "
    "33(g) to 2026-09-24 (USITC HTS 2026 Rev. 19, secondary copy; research notes 4.2.1); warning scope: the 4-digit "
    "headings of the listed provisions, less the listed provisions")


def parts_list_date_warnings(parts):
    out = []
    heads = sorted({p[:4] for p in parts})
    for h in heads:
        listed = sorted(p for p in parts if p.startswith(h))
        if h in listed:
            continue   # the whole heading is listed (8471, 8707)
        out.append(note("s232_auto_parts_list_date", "Section 232 automobiles parts", "9903.94.05", h,
                        "Section 232 automobile parts (9903.94.05): this data knows the parts of U.S. note 33(g) to "
                        f"{PARTS_LIST_KNOWN_TO}; a subheading of this heading added later by Commerce's inclusions "
                        "process (a Federal Register notice) owes +25% (deal partners 15% all-in; USMCA-qualifying "
                        "parts spared) from the day after the notice -- check the current note 33(g)",
                        day_after(PARTS_LIST_KNOWN_TO), SRC["s232_parts_list_date"], exclude_hs=" ".join(listed)))
    return out


def day_after(d):
    return (date.fromisoformat(d) + timedelta(days=1)).isoformat()


def part_source(hs):
    """The citation of a parts row: Proclamation 10908's list, plus the inclusion notice of a later-added line."""
    return SRC["s232_parts"] + (" ; added to note 33(g) from " + " by ".join(PARTS_ADDED[hs])
                                if hs in PARTS_ADDED else "")


def section_232_wood(tr):
    out = []
    g = dict(stacking="highest_in_group", group="s232_wood")
    A = "Section 232 timber and lumber"
    for hs in SOFTWOOD:
        out.append(row(name="s232_softwood", authority=A, heading="9903.76.01", hs=hs, rate_percent="10",
                       effective_from=WOOD_START, source=SRC["s232_wood"], **g))
        # The tracker models 15% all-in for EU/JP (KR, TW later) softwood too; the CSMS lists 9903.76.01 at 10%
        # for all countries. Warn the deal countries rather than charge either number silently.
        out.append(note("s232_softwood_deal", A, "9903.76.01", hs,
                        "Section 232 softwood lumber (9903.76.01): charged at 10% as CBP CSMS #66492057 lists it for all "
                        "countries; the EU/Japan (and later Korea/Taiwan) 15% all-in deal may set a different total for "
                        "this origin -- check the entry's chapter-99 heading",
                        WOOD_START, SRC["s232_wood"], origins=" ".join(EU27 + ["JP", "KR", "TW"])))
    for lines, heading, what in [(FURNITURE, "9903.76.02", "upholstered wooden furniture"),
                                 (CABINETS, "9903.76.03", "kitchen cabinets and vanities")]:
        name = "s232_furniture" if heading.endswith("02") else "s232_cabinets"
        auth = f"Section 232 {what}"
        for hs in lines:
            for f, t, excl in periods(WOOD_START, [(WOOD_START, ["GB", "JP"] + EU27), (KR_WOOD, ["KR"]),
                                                   (TW_DEAL, ["TW"])]):
                out.append(row(name=name, authority=auth, heading=heading, hs=hs, exclude_origins=" ".join(excl),
                               rate_percent="25", effective_from=f, effective_to=t, source=SRC["s232_wood"], **g))
            out.append(row(name=name + "_gb", authority=auth + " (UK)", hs=hs, origins="GB", rate_percent="10",
                           effective_from=WOOD_START, source=SRC["s232_wood"], **g))
            # one row per deal partner (the EU and Japan were one row until dataset 2026.12.5): USITC's HTS
            # has one heading per partner (9903.76.22 EU, .21 JP, .23 KR, .24 TW), read by fill_headings
            for iso, frm, s in [(EU, WOOD_START, "s232_wood"), ("JP", WOOD_START, "s232_wood"),
                                ("KR", KR_WOOD, "s232_kr"), ("TW", TW_DEAL, "s232_tw")]:
                out.append(row(name=name + "_" + ("eu" if iso == EU else iso.lower()),
                               authority=auth + " (15% all-in deal)", hs=hs, origins=iso, rate_percent="15",
                               top_up="true", effective_from=frm, source=SRC[s], **g))
    return out, []


def section_232_mhd(tr):
    out = []
    g = dict(stacking="highest_in_group", group="s232_mhd")
    A = "Section 232 medium and heavy vehicles"
    for hs in MHD_VEHICLES:
        out.append(row(name="s232_mhd_vehicles", authority=A, heading="9903.74.01", hs=hs, exclude_origins="CA MX",
                       rate_percent="25", effective_from=MHD_START, source=SRC["s232_mhd"], **g))
        out.append(row(name="s232_mhd_vehicles_usmca", authority=A, heading="9903.74.01", hs=hs, origins="CA MX",
                       not_with_preference="true", rate_percent="25", effective_from=MHD_START,
                       source=SRC["s232_mhd"], **g))
        out.append(note("s232_mhd_vehicles_usmca_content", A, "9903.74.03", hs,
                        "Section 232 medium and heavy vehicles (9903.74.03/.06): a USMCA-qualifying vehicle pays 25% on "
                        "its non-U.S. content only, with Commerce approval; the quote charges nothing on a line claiming "
                        "USMCA preference -- add 25% of the non-U.S. content value", MHD_START, SRC["s232_mhd"],
                        origins="CA MX"))
    for hs in BUSES:  # buses: no USMCA treatment
        out.append(row(name="s232_buses", authority="Section 232 buses", heading="9903.74.02", hs=hs, rate_percent="10",
                       effective_from=MHD_START, source=SRC["s232_mhd"], **g))
    for hs in MHD_VEHICLES + BUSES:
        out.append(note("s232_mhd_vintage", A, "9903.74.07", hs,
                        "Section 232 medium and heavy vehicles and buses (9903.74.07, U.S. note 38(g)): a vehicle "
                        "manufactured in a year at least 25 years before the year of entry owes no Section 232 vehicle "
                        "duty; the quote charges it because the request does not give the year of manufacture -- remove "
                        "it for such a vehicle", MHD_START, SRC["s232_vintage"]))
    auto_parts = {l.strip() for l in (tr / "resources/s232_auto_parts.txt").read_text().split() if l.strip()}
    for hs in sorted({l.strip() for l in (tr / "resources/s232_mhd_parts.txt").read_text().split() if l.strip()}):
        out.append(row(name="s232_mhd_parts", authority=A + " parts", heading="9903.74.08", hs=hs,
                       exclude_origins="CA MX", rate_percent="25", effective_from=MHD_START,
                       warning=MHD_OFFSET, source=SRC["s232_mhd"] + " ; " + OFFSET_SRC, **g))
        out.append(row(name="s232_mhd_parts_usmca", authority=A + " parts", heading="9903.74.08", hs=hs,
                       origins="CA MX", not_with_preference="true", rate_percent="25", effective_from=MHD_START,
                       warning=MHD_OFFSET,
                       source=SRC["s232_mhd"] + " ; USMCA-qualifying parts spared (9903.74.10) ; " + OFFSET_SRC, **g))
        if any(hs.startswith(p) or p.startswith(hs) for p in auto_parts):
            out.append(note("s232_mhd_parts_for_autos", A + " parts", "9903.74.08", hs,
                            "Section 232 (9903.74.08 / 9903.94.07): this line is on both the heavy-vehicle and the "
                            "automobile parts lists; the quote charges the heavy-vehicle parts 25%. A part for a "
                            "passenger vehicle or light truck is entered under the automobile parts headings instead, "
                            "where EU/Japan/Korea pay 15% all-in and UK 10% all-in",
                            MHD_START, SRC["s232_mhd"] + " ; " + SRC["s232_parts"],
                            origins=" ".join(EU27 + ["JP", "KR", "GB", "TW"])))
    return out, []


def section_232_semi_pharma(tr):
    out = []
    for r in read_csv(tr / "resources/s232_semi_products.csv"):
        assert r["ch99_code"] == "9903.79.01", r
        out.append(note("s232_semiconductors", "Section 232 semiconductors", "9903.79.01", r["hts10"],
                        "Section 232 semiconductors (9903.79.01): +25% only on logic ICs, or articles containing one, "
                        "within the TPP/DRAM-bandwidth ranges of U.S. note 39(b) and not for an exempt U.S. end use "
                        "(9903.79.03-.09); other goods of this line enter under 9903.79.02 at 0% -- add 25% if the "
                        "article qualifies", SEMI_START, SRC["s232_semi"]))
    for r in read_csv(tr / "resources/s232_pharma_products.csv"):
        out.append(note("s232_pharmaceuticals", "Section 232 pharmaceuticals", "", r["hts10"],
                        "Section 232 pharmaceuticals (from 2026-09-29): patented pharmaceuticals and their ingredients "
                        "pay 100% (EU, Japan, Korea, Switzerland, Liechtenstein: 15% all-in; UK: 10%); generics and "
                        "products of companies with a U.S. pricing/onshoring agreement are exempt -- not charged here "
                        "because the line does not say which applies; add it for a patented product",
                        PHARMA_START, SRC["s232_pharma"]))
    return out, []


def section_232_metals_more(tr):
    """Russian aluminium 200% and the metals annex I-C (both group s232, highest_in_group)."""
    out = []
    g = dict(stacking="highest_in_group", group="s232")
    for r in read_csv(tr / "resources/s232_metal_chapter_products.csv"):
        if r["metal_type"] == "aluminum" and r["hts_prefix"][:2] == "76":
            hr = CANDIDATES[("ru", r["kind"])]
            # Proclamation 10522 charges the aluminium articles and derivatives of notes 19 as they stood: a derivative
            # line brought into note 19 later (2025-03-12, 2025-04-03, the 2025-08-18 inclusions; the tracker's
            # effective_date) owes the 200% only from that day; the note 19(b) mill products and the note
            # 19(a)(iii) derivatives of Proclamation 9980 (no date, in scope since 2018 / 2020-02-08) from 2023-03-10
            frm = max(RU_FROM, r["effective_date"] or RU_FROM)
            out.append(row(name="s232_aluminium_ru", authority="Section 232 aluminium (Russia)", hs=r["hts_prefix"],
                           origins="RU", rate_percent="200", effective_from=frm, effective_to="2026-04-05",
                           heading=hr, source=SRC["s232_ru"] + (" ; " + SRC["s232_ru_scope"] if frm > RU_FROM else "")
                           + " ; " + candidate_source(hr), **g))
    # the aluminium bumper and body stampings of Proclamation 9980 (note 19(a)(iii) since 2020-02-08)
    for code, (metal, _) in sorted(STAMPINGS.items()):
        if metal == "aluminum":
            hr = CANDIDATES[("ru", "derivative")]
            out.append(row(name="s232_aluminium_ru", authority="Section 232 aluminium (Russia)", hs=code,
                           origins="RU", rate_percent="200", effective_from=RU_FROM, effective_to="2026-04-05",
                           heading=hr, source=SRC["s232_ru"] + " ; " + SRC["s232_stampings"] + " ; "
                           + candidate_source(hr), **g))
    for r in read_csv(tr / "resources/s232_annex_products.csv"):
        a, hs, frm = r["annex"], r["hts_prefix"], r["effective_date"]
        # The tracker files 7601 (unwrought aluminium) under metal_type "steel"; chapter 76 is aluminium.
        if (r["metal_type"] == "aluminum" or hs.startswith("76")) and a in ("1a", "1b", "3"):
            hr = CANDIDATES[("ru", "annex")]
            out.append(row(name="s232_aluminium_ru", authority="Section 232 aluminium (Russia)", hs=hs, origins="RU",
                           rate_percent="200", effective_from=frm, heading=hr,
                           source=SRC["s232_ru"] + " ; " + candidate_source(hr, "USITC HTS 2026 Revision 10"), **g))
        if a == "1c":
            A = f"Section 232 {'steel' if r['metal_type'] == 'steel' else r['metal_type']} (annex I-C)"
            # split off for Russia (9903.82.09 excepts Russia's 9903.82.16), each with its candidate headings
            for o, x, hc in [("", " ".join(["CA", "MX", "RU"] + IC_FRAMEWORK), ANNEX_CANDIDATES[("1c", "steel")]),
                             ("RU", "", ANNEX_CANDIDATES[("1c_ru", "steel")])]:
                out.append(row(name="s232_metals_annex_1c" + ("_ru" if o else ""), authority=A, hs=hs, origins=o,
                               exclude_origins=x, rate_percent="25", heading=hc, effective_from=frm,
                               effective_to=ANNEX_1C_TO, source=SRC["s232_1c"] + " ; " + annex_candidate_source(hc),
                               **g))
            out.append(row(name="s232_metals_annex_1c_framework", authority=A + " (15% all-in)", hs=hs,
                           origins=" ".join(IC_FRAMEWORK), rate_percent="15", top_up="true", effective_from=frm,
                           effective_to=ANNEX_1C_TO, heading=ANNEX_HEADINGS["1c_framework"],
                           source=SRC["s232_1c"] + " ; " + annex_heading_source(ANNEX_HEADINGS["1c_framework"]),
                           **g))
            out.append(note("s232_metals_annex_1c_usmca", A, "", hs,
                            "Section 232 metals annex I-C: Canadian/Mexican goods pay 15% all-in with a U.S.-content "
                            "exemption capped at 40% (U.S. note 16(j)); not charged here because the U.S. content is "
                            "not known -- add it", frm, SRC["s232_1c"], to=ANNEX_1C_TO, origins="CA MX"))
    return out, []


# ================================================================== Section 232 metals before 2025-03-12 (issue 17)
# From the data's first US day (2025-01-01) to 2025-03-11 the 2018 steel and aluminium duties applied with the
# country arrangements Proclamations 10895/10896 ended on 2025-03-12. What USITC's HTS 2025 Basic Edition (JSON
# export, the edition in force on 2025-01-01) prints, checked by verify_curated (LEGACY_HEADING_TEXT):
#   9903.80.01  + 25%  steel articles of U.S. note 16, except products of Australia, Argentina, Brazil, Canada,
#               Mexico, South Korea, the EU, Japan, the UK and Ukraine "entered under the terms of" note 16;
#   9903.80.03  + 25%  derivative steel articles of note 16(a)(ii) (Proclamation 9980), the same exceptions;
#   9903.85.01  + 10%  aluminium articles of note 19, except products of Argentina, Australia, Canada, Mexico and the
#               EU (under its limitations) and except the in-quota headings (UK: 9903.85.50-.66);
#   9903.85.03  + 10%  derivative aluminium articles of note 19(a)(iii), except Argentina, Australia, Canada, Mexico,
#               the EU and the UK.
# How each excepted origin is treated (sources in SRC below and in the research note, section 4.8):
#   Canada, Australia           exempt, nothing to say.
#   Argentina, Brazil, Korea    steel mill articles: absolute quota (9903.80.05-.58), no duty: a warning (quantity).
#   Argentina                   aluminium articles: absolute quota (9903.85.05/.06), no duty: a warning.
#   EU, Japan (steel), UK       tariff-rate quota: in quota no duty, above it (or not melted and poured / no
#                               certificate of analysis) the full duty. The quota fill is not in a request: the quote
#                               charges the in-quota nothing and warns of the over-quota rate and heading (as the UK
#                               car quota of s232_autos_gb_quota does). Their derivatives: not subject (no row).
#   Mexico                      steel: + 25% (9903.81.85/.86) if melted and poured outside Mexico, Canada, the United
#                               States (Proclamation 10783): a warning; aluminium: s232_aluminium_mx_smelt (already).
#   Ukraine                     steel: suspended, + 25% (9903.81.83/.84) without a Ukrainian certificate of origin:
#                               a warning. Ukrainian aluminium is not excepted from 9903.85.01: charged.
#   Russia                      aluminium: the 200% of s232_aluminium_ru outranks the 10% (same group).
# The derivative stampings of 8708.10.30 and 8708.29.21 are scoped by the statistical numbers the 2025 Basic Edition
# gives them ("Stampings: Of steel" / "Of aluminum"); a request without them (8 digits) warns, as do 7317.00.55 and
# 7317.00.65, of which only some statistical numbers are note 16(a)(ii) articles (the tracker's 10-digit lines).
LEGACY_FROM, LEGACY_TO = "2025-01-01", "2025-03-11"
STEEL_EXCEPTED = ["AR", "AU", "BR", "CA", "GB", "JP", "KR", "MX", "UA"] + EU27   # 9903.80.01 / 9903.80.03
ALU_EXCEPTED = ["AR", "AU", "CA", "GB", "MX"] + EU27                            # 9903.85.01 (+ UK quota) / .03
LEGACY_HEADING_TEXT = {  # heading -> (general column, words of the description), USITC HTS 2025 Basic Edition
    "9903.80.01": ("The duty provided in the applicable subheading + 25%",
                   "products of iron or steel provided for in the tariff headings or subheadings enumerated in note 16 "
                   "to this subchapter, except products of Australia, of Argentina, of Brazil, of Canada, of Mexico "
                   "(as specified in subdivision (h)(i) of such U.S. note 16), of South Korea, of member countries of "
                   "the European Union specified in subdivision (f) of such U.S. note 16 or of Japan, or of the United "
                   "Kingdom, or of Ukraine entered under the terms of such U.S. note 16"),
    "9903.80.03": ("The duty provided in the applicable subheading + 25%",
                   "Derivative iron or steel products enumerated in U.S. note 16(a)(ii) to this subchapter, except "
                   "products of Argentina, of Australia, of Brazil, of Canada, of Mexico (as specified in subdivision "
                   "(h)(ii) of such U.S. note 16), of South Korea, of member countries of the European Union enumerated "
                   "in note 16(f) to this subchapter or of Japan, or of the United Kingdom, or of Ukraine"),
    "9903.85.01": ("The duty provided in the applicable subheading + 10%",
                   "products of aluminum provided for in the tariff headings or subheadings enumerated in note 19 to "
                   "this subchapter, except products of Argentina, of Australia, of Canada, of Mexico (except as "
                   "specified in subdivision (a)(viii) of such U.S. note 19), of member countries of the European "
                   "Union specified in subdivision (a)(v) of such U.S. note 19, under any limitations"),
    "9903.85.03": ("The duty provided in the applicable subheading + 10%",
                   "Derivative aluminum products enumerated in U.S. note 19(a)(iii) to this subchapter, except products "
                   "of Argentina, of Australia, of Canada, of Mexico (except as specified in subdivision (a)(ix) of such "
                   "U.S. note 19), of member countries of the European Union (as enumerated in U.S. note 19(a)(v) to "
                   "this subchapter or of the United Kingdom"),
    "9903.81.83": ("The duty provided in the applicable subheading + 25%",
                   "Iron or steel products described in subdivision (b) of note 16 to this subchapter, when such goods "
                   "are products of Ukraine and are not accompanied by certificates of origin"),
    "9903.81.84": ("The duty provided in the applicable subheading + 25%",
                   "Derivative iron or steel products enumerated in note 16(a)(ii) to this subchapter, when such goods "
                   "are products of Ukraine and are not accompanied by certificates of origin"),
    "9903.81.85": ("The duty provided in the applicable subheading + 25%",
                   "Steel articles of Mexico enumerated in U.S. note 16 to this subchapter, where the steel was melted "
                   "and poured in a country other than the United States, Mexico or Canada"),
    "9903.81.86": ("The duty provided in the applicable subheading + 25%",
                   "Derivative steel articles of Mexico enumerated in U.S. note 16 to this subchapter, where the steel "
                   "was melted and poured in a country other than the United States, Mexico or Canada"),
    "9903.85.05": ("The duty provided in the applicable subheading", "Unwrought aluminum, provided for in heading 7601"),
    "9903.85.06": ("The duty provided for in the applicable subheading",
                   "Wrought aluminum, provided for in headings 7604, 7605, 7606, 7607, 7608, 7609 and castings and "
                   "forgings of aluminum provided for in subheading 7616.99.51"),
}
# Proclamation 9980's bumper and body stampings, as the 2025 Basic Edition splits 8708.10.30 ("Stampings:" of steel
# .20, of aluminum .30, other .40; other bumpers .50) and 8708.29.21 (of steel .20, of aluminum .30, other .40):
# statistical number -> (metal, the description the export must give it)
STAMPINGS = {"8708103020": ("steel", "Of steel"), "8708292120": ("steel", "Of steel"),
             "8708103030": ("aluminum", "Of aluminum"), "8708292130": ("aluminum", "Of aluminum")}
# the subheadings of which only some statistical numbers are note 16(a)(ii) / 19(a)(iii) articles: a request giving
# 8 digits warns
STAT_SCOPED = ["73170055", "73170065", "87081030", "87082921"]

SRC.update({
    "s232_legacy_steel": (
        "Proclamation 9705 (2018-03-08), 83 FR 11625, as amended: +25% on steel articles (U.S. note 16) from "
        "2018-03-23 (recital 2 of Proclamation 9980), heading 9903.80.01, whose text in USITC HTS 2025 Basic Edition (JSON export) excepts products "
        "of Australia, Argentina, Brazil, Canada, Mexico, South Korea, the EU, Japan, the UK and Ukraine; Proclamation "
        "10896 (2025-02-10), 90 FR 9817 (FR Doc 2025-02833, govinfo text found, opening read), ended the arrangements "
        "with all ten from 12:01 a.m. 2025-03-12 (Fleischer CHB; Akin Gump: 'For all other countries, these duties "
        "have been in place since those proclamations in 2018 and 2020'); rows from the data's first US day "
        "(2025-01-01; the treatment the 2025 Basic Edition, in force that day, prints) to 2025-03-11; lines: "
        "the note 16(b) mill products of the Tariff Rate Tracker resources/s232_metal_chapter_products.csv, as the "
        "2025-03-12 rows ; stacks with Section 301 and the IEEPA China duty (EO 14195 on all articles of the PRC; CBP's "
        "9903.01.20 guidance: 'applies in addition to all other applicable' duties, quoted by nycscs.com)"),
    "s232_legacy_steel_deriv": (
        "Proclamation 9980 (2020-01-24), 85 FR 5281 (FR Doc 2020-01806; regulations.justia.com and govinfo Statutes at "
        "Large copies found, opening read): derivative steel articles of U.S. note 16(a)(ii) +25% from 12:01 a.m. EST "
        "2020-02-08 (annex II, docslib copy), heading 9903.80.03, whose text in USITC HTS 2025 Basic Edition excepts "
        "products of Argentina, Australia, Brazil, Canada, Mexico, South Korea, the EU, Japan, the UK and Ukraine; "
        "nails, tacks, drawing pins, corrugated nails, staples and bumper and body stampings of steel (Mondaq 893184, "
        "PMPA); ended for the ten by Proclamation 10896 from 2025-03-12; lines: the 7317 lines of the tracker "
        "(note_16(a)(ii)) and the statistical numbers 'Stampings: Of steel' 8708.10.30.20 and 'Of steel' 8708.29.21.20 "
        "of the 2025 Basic Edition (the note's own list of statistical numbers not read) ; stacks with Section 301 and "
        "the IEEPA China duty"),
    "s232_legacy_alu": (
        "Proclamation 9704 (2018-03-08), 83 FR 11619, as amended: +10% on aluminium articles (U.S. note 19) from "
        "2018-03-23 (recital 2 of Proclamation 9980), heading 9903.85.01, whose text in USITC HTS 2025 Basic Edition excepts products of "
        "Argentina, Australia, Canada, Mexico and the EU (under its limitations) and the in-quota headings "
        "9903.85.27-.44 and 9903.85.50-.66 (UK); Proclamation 10895 (2025-02-10), 90 FR 9807 (FR Doc 2025-02832, govinfo "
        "text found, opening read): 10% -> 25% and the arrangements with Argentina, Australia, Canada, Mexico, the EU "
        "and the UK ended from 2025-03-12 (Akin Gump, Winston & Strawn via Mondaq, 47-watch); Brazil, Korea, Japan and "
        "Ukraine were not excepted (Trade Law Daily 2018-05-02: Brazil chose the 10% tariff over an aluminium quota); "
        "rows 2025-01-01..2025-03-11; lines: the note 19(b) mill products of the tracker's "
        "s232_metal_chapter_products.csv, as the 2025-03-12 rows ; stacks with Section 301 and the IEEPA China duty"),
    "s232_legacy_alu_deriv": (
        "Proclamation 9980 (2020-01-24), 85 FR 5281: derivative aluminium articles of U.S. note 19(a)(iii) +10% from "
        "2020-02-08, heading 9903.85.03, whose text in USITC HTS 2025 Basic Edition excepts products of Argentina, "
        "Australia, Canada, Mexico, the EU and the UK; stranded wire, cables and the like and bumper and body stampings "
        "of aluminium (Mondaq 893184, PMPA); ended by Proclamation 10895 (25% from 2025-03-12); lines: 7614.10.50, "
        "7614.90.20/.40/.50 (tracker, note_19(a)(iii)) and 'Stampings: Of aluminum' 8708.10.30.30 and 'Of aluminum' "
        "8708.29.21.30 of the 2025 Basic Edition ; stacks with Section 301 and the IEEPA China duty"),
    "s232_legacy_aq": (
        "Absolute quotas in lieu of the Section 232 duty: steel mill articles of South Korea (Proclamation 9740, from "
        "2018-05-01; CBP QB 18-119) and of Argentina and Brazil (Proclamation 9759, from 2018-06-01), headings "
        "9903.80.05-9903.80.58 (CBP QB 18-137, QB 23-601: 'Absolute quota merchandise may not be imported into the U.S "
        "for consumption after the quota limit is reached'); aluminium of Argentina (Proclamation 9758, from "
        "2018-06-01), headings 9903.85.05/.06 (CBP QB 21-704, QB 23-702; CSMS 18-000412); first "
        "quarter 2025 bulletins QB 25-601 (CBP CSMS #63473223, 2024-12-20); ended by Proclamations 10895/10896 from "
        "2025-03-12"),
    "s232_legacy_trq": (
        "Tariff-rate quotas in lieu of the Section 232 duty: EU steel and aluminium (Proclamations 10327/10328, "
        "2021-12-27, from 2022-01-01; 87 FR 11, FR Doc 2021-28516, justia text found; steel 'must be melted and poured "
        "in a member country of the EU', above the quota 'the duties imposed by clause 2 of Proclamation 9705' (Steel "
        "Guru quote); aluminium with a certificate of analysis; EU derivatives not subject (Thompson Hine, GHY)); Japan "
        "steel (proclamation of 2022-03-31, from 2022-04-01, Steel Market Update: melted and poured in Japan, above the "
        "quota 25%, derivatives not subject: Thompson Hine, Miller & Co., CBP QB 22-622, in-quota headings "
        "9903.81.25-.78); UK "
        "steel and aluminium (from 2022-06-01: GHY, Livingston; UK steel melted and poured in the UK, wrought aluminium "
        "without primary aluminium of China, Russia or Belarus; UK derivatives not subject: UK government statement "
        "2022-03-23); first quarter 2025 bulletins QB 25-611 (EU), QB 25-621 (Japan/UK) (CBP CSMS #63473223); ended by "
        "Proclamations 10895/10896 from 2025-03-12"),
    "s232_legacy_mx": (
        "Proclamation 10783 (2024-07-10), 89 FR 57347 (FR Doc 2024-15641, justia text found, opening read): steel "
        "articles and derivative steel articles of Mexico melted and poured in a country other than Mexico, Canada or "
        "the United States +25% from 2024-07-10 (CBP CSMS #62095799, govdelivery copy: 'Effective July 10, 2024'; a "
        "steel mill certificate is required); headings 9903.81.85 / 9903.81.86 (C.H. Robinson 2024-07-24; USITC HTS "
        "2025 Basic Edition); Mexico's arrangement ended by Proclamation 10896 from 2025-03-12"),
    "s232_legacy_ua": (
        "Ukraine: Section 232 steel duty suspended for a year from 2022-06-01 (Proclamation 10403 of 2022-05-27, FR Doc "
        "2022-11991, govinfo text found), extended by Proclamation 10588 (2023-05-31; Husch Blackwell: 'Without "
        "certificates of origin from Ukraine, importers are subject to the 25 percent ad valorem duty') and again in "
        "2024 to 2025-06-01 (Expeditors 2024-06-06; the 2024 proclamation itself not read); headings 9903.81.83 / "
        "9903.81.84 (+25%, 'not accompanied by certificates of origin', USITC HTS 2025 Basic Edition); ended by "
        "Proclamation 10896 from 2025-03-12"),
})
LEGACY_EXCLUSIONS = (
    "Until 2025-03-11 goods covered by a Commerce product exclusion granted to their importer, and the 10-digit lines "
    "of Commerce's General Approved Exclusions (open to any importer; ended 2025-03-12 by Proclamations 10895/10896), "
    "owed none of this duty; neither list is encoded here -- check the importer's exclusions and whether the 10-digit "
    "line is a General Approved Exclusion")
LEGACY_AQ_STEEL = (
    "Section 232 steel, absolute quota of Argentina, Brazil and South Korea (ended 2025-03-12 by Proclamation 10896): "
    "steel mill articles of these countries owe no Section 232 duty, but enter for consumption only within the "
    "quarterly quota of their product category (headings 9903.80.05-9903.80.58); once it is filled they cannot be "
    "entered for consumption until the next quarter (warehouse, foreign-trade zone or export) -- check the quota status "
    "(CBP quota bulletin QB 25-601)")
LEGACY_AQ_ALU = (
    "Section 232 aluminium, absolute quota of Argentina (ended 2025-03-12 by Proclamation 10895): aluminium articles "
    "of Argentina owe no Section 232 duty, but enter for consumption only within the quarterly quota (heading {h}); "
    "once it is filled they cannot be entered for consumption until the next quarter -- check the quota status")
LEGACY_TRQ_STEEL = (
    "Section 232 steel, tariff-rate quota of the European Union (from 2022-01-01), Japan (from 2022-04-01) and the "
    "United Kingdom (from 2022-06-01), ended 2025-03-12 by Proclamation 10896: steel mill articles melted and poured "
    "in the partner enter free of the Section 232 duty within the quarterly quota of their product category; above the "
    "quota, or not melted and poured there, they pay +25% (9903.80.01) -- the quote charges the in-quota nothing; "
    "check the quota status (CBP quota bulletins QB 25-611, QB 25-621) and the mill certificate")
LEGACY_TRQ_ALU = (
    "Section 232 aluminium, tariff-rate quota of the European Union (from 2022-01-01) and the United Kingdom (from "
    "2022-06-01), ended 2025-03-12 by Proclamation 10895: aluminium articles with a certificate of analysis (UK "
    "wrought aluminium: no primary aluminium of China, Russia or Belarus) enter free of the Section 232 duty within "
    "the quota of their product category; above it they pay +10% (9903.85.01) -- the quote charges the in-quota "
    "nothing; check the quota status")
LEGACY_MX_STEEL = (
    "Section 232 steel, Proclamation 10783 (from 2024-07-10): steel articles of Mexico (9903.81.85) and its derivative "
    "steel articles (9903.81.86) pay +25% when the steel was melted and poured in a country other than Mexico, Canada "
    "or the United States (a mill certificate is required) -- not charged here because a request does not say where "
    "the steel was melted and poured; add it if so")
LEGACY_UA_STEEL = (
    "Section 232 steel, Ukraine: the duty on steel articles and derivatives of Ukraine was suspended from 2022-06-01 "
    "(Proclamation 10403, extended yearly, last to 2025-06-01; ended 2025-03-12 by Proclamation 10896) for goods "
    "accompanied by a Ukrainian certificate of origin; without one they pay +25% (9903.81.83, derivatives "
    "9903.81.84) -- the quote charges nothing; check the certificate")


def export_lines(usitc, edition_file="hts_2025_basic.json.gz"):
    """{10-digit code (digits only): description} of the export's statistical lines."""
    with gzip.open(Path(usitc) / edition_file, "rt", encoding="utf-8") as f:
        return {re.sub(r"\D", "", r["htsno"]): " ".join((r.get("description") or "").split())
                for r in json.load(f) if len(re.sub(r"\D", "", r.get("htsno") or "")) == 10}


def section_232_legacy(tr, usitc):
    """The Section 232 steel and aluminium rows of 2025-01-01 .. 2025-03-11 (the 2018 duties, their derivatives of
    Proclamation 9980, the country arrangements as warnings); see the comment above."""
    chapter = read_csv(tr / "resources/s232_metal_chapter_products.csv")
    stat = export_lines(usitc)
    for code, (_, words) in STAMPINGS.items():
        assert stat.get(code) == words, (code, stat.get(code))
    steel_mill = sorted({r["hts_prefix"] for r in chapter
                         if r["metal_type"] == "steel" and r["kind"] == "mill" and not r["effective_date"]})
    steel_deriv = sorted({r["hts_prefix"] for r in chapter if r["metal_type"] == "steel"
                          and r["source"].startswith("note_16(a)(ii)") and not r["effective_date"]}
                         | {c for c, (m, _) in STAMPINGS.items() if m == "steel"})
    alu_mill = sorted({r["hts_prefix"] for r in chapter
                       if r["metal_type"] == "aluminum" and r["kind"] == "mill" and not r["effective_date"]})
    alu_deriv = sorted({r["hts_prefix"] for r in chapter if r["metal_type"] == "aluminum"
                        and r["source"].startswith("note_19(a)(iii)") and not r["effective_date"]}
                       | {c for c, (m, _) in STAMPINGS.items() if m == "aluminum"})
    # the scope the 2025-03-12 rows start from: Proclamation 9705's mill products, 9704's, 9980's derivatives
    assert len(steel_mill) == 39 and len(alu_mill) == 9, (len(steel_mill), len(alu_mill))
    assert steel_deriv == ["73170030", "7317005503", "7317005505", "7317005507", "7317005560", "7317005580",
                           "7317006560", "8708103020", "8708292120"], steel_deriv
    assert set(alu_deriv) == {"76141050", "76149020", "76149040", "76149050", "8708103030", "8708292130"}, alu_deriv
    d = dict(effective_from=LEGACY_FROM, effective_to=LEGACY_TO)
    charge = dict(stacking="highest_in_group", group="s232", warning=LEGACY_EXCLUSIONS, **d)
    warn = dict(group="s232_conditional", warn_only="true", **d)
    out = []
    steel_x, alu_x = " ".join(STEEL_EXCEPTED), " ".join(ALU_EXCEPTED)
    mx_src = SRC["s232_legacy_mx"] + " ; precedence with the IEEPA Mexico duty from 2025-03-04: " + SRC["eo14289"]
    mx_yield = "ieepa_fentanyl_mx ieepa_fentanyl_mx_potash"   # EO 14289 sec. 3, retroactive to 2025-03-04
    for hs in steel_mill + steel_deriv:
        mill = hs in steel_mill
        out.append(row(name="s232_steel", authority="Section 232 steel", heading="9903.80.01" if mill else "9903.80.03",
                       hs=hs, exclude_origins=steel_x, rate_percent="25",
                       source=SRC["s232_legacy_steel" if mill else "s232_legacy_steel_deriv"], **charge))
        if mill:
            out.append(row(name="s232_steel_quota", authority="Section 232 steel", hs=hs, origins="AR BR KR",
                           rate_percent="0", warning=LEGACY_AQ_STEEL, source=SRC["s232_legacy_aq"], **warn))
            out.append(row(name="s232_steel_trq", authority="Section 232 steel", heading="9903.80.01", hs=hs,
                           origins=" ".join(EU27 + ["JP", "GB"]), rate_percent="25", warning=LEGACY_TRQ_STEEL,
                           source=SRC["s232_legacy_trq"], **warn))
        out.append(row(name="s232_steel_mx_melt", authority="Section 232 steel (Mexico)",
                       heading="9903.81.85" if mill else "9903.81.86", hs=hs, origins="MX", rate_percent="25",
                       yields_to=mx_yield, warning=LEGACY_MX_STEEL, source=mx_src, **warn))
        out.append(row(name="s232_steel_ua", authority="Section 232 steel (Ukraine)",
                       heading="9903.81.83" if mill else "9903.81.84", hs=hs, origins="UA", rate_percent="25",
                       warning=LEGACY_UA_STEEL, source=SRC["s232_legacy_ua"], **warn))
    for hs in alu_mill + alu_deriv:
        mill = hs in alu_mill
        out.append(row(name="s232_aluminum", authority="Section 232 aluminium",
                       heading="9903.85.01" if mill else "9903.85.03", hs=hs, exclude_origins=alu_x, rate_percent="10",
                       source=SRC["s232_legacy_alu" if mill else "s232_legacy_alu_deriv"], **charge))
        if mill:
            h = "9903.85.05" if hs.startswith("7601") else "9903.85.06"
            out.append(row(name="s232_aluminium_quota", authority="Section 232 aluminium", heading=h, hs=hs,
                           origins="AR", rate_percent="0", warning=LEGACY_AQ_ALU.format(h=h),
                           source=SRC["s232_legacy_aq"], **warn))
            out.append(row(name="s232_aluminium_trq", authority="Section 232 aluminium", heading="9903.85.01", hs=hs,
                           origins=" ".join(EU27 + ["GB"]), rate_percent="10", warning=LEGACY_TRQ_ALU,
                           source=SRC["s232_legacy_trq"], **warn))
    # a request giving 8 digits of a subheading only some statistical numbers of which are derivatives
    for p in STAT_SCOPED:
        under = sorted(c for c in stat if c.startswith(p))
        assert under, p
        for metal, lines, heading, rate, x, src in [
                ("steel", steel_deriv, "9903.80.03", "25", steel_x, "s232_legacy_steel_deriv"),
                ("aluminium", alu_deriv, "9903.85.03", "10", alu_x, "s232_legacy_alu_deriv")]:
            mine = [c for c in lines if c.startswith(p)]
            if not mine:
                continue
            listed = ", ".join(f"{c[:4]}.{c[4:6]}.{c[6:8]}.{c[8:]}" for c in mine)
            sub = f"{p[:4]}.{p[4:6]}.{p[6:]}"
            out.append(row(name=f"s232_{metal}_stat_scope", authority=f"Section 232 {metal}", heading=heading, hs=p,
                           exclude_hs=" ".join(under), exclude_origins=x, rate_percent=rate,
                           warning=f"Section 232 {metal} derivatives of Proclamation 9980 (to 2025-03-11): of subheading "
                                   f"{sub} only statistical number{'s' if len(mine) > 1 else ''} {listed} "
                                   f"pay{'' if len(mine) > 1 else 's'} +{rate}% ({heading}) -- not charged here "
                                   "because the request gives no 10-digit number; give it to have the duty charged",
                           source=SRC[src], **warn))
    return out


# Proclamation 9980's bumper and body stampings from 2025-03-12 (issue 17, dataset 2026.12.17). Until 2025-03-11 they
# paid 9903.80.03 / 9903.85.03 (section_232_legacy). From 2025-03-12 CBP's guidance puts the "existing" derivatives,
# note 16(l) / 19(i), under 9903.81.89 / 9903.85.04 at 25%, on the full value (the value of the metal content is for
# the new derivatives outside chapters 73/76 only, 9903.81.91 / 9903.85.08), and DB Schenker names 8708.10.30 and
# 8708.29.21 as the original-list derivatives outside chapters 72/73/76 in force that day; 9903.81.89 and 9903.85.04
# read "+ 50%" (not "upon the value of the ... content") in USITC's HTS 2026 Basic Edition (CANDIDATE_HEADING_TEXT).
# 50% from 2025-06-04 (UK 25%, Proclamation 10947), to 2026-04-05 (then the annex rows). From 2025-05-03 the
# automobile-parts duty (9903.94.05, U.S. note 33(g) lists 8708.10.30 and 8708.29.21) applies instead where it is
# charged: these rows are in group s232, which yields to s232_autos / s232_mhd (apply_232_precedence); a USMCA part
# entered with its preference owes no automobile-parts duty and pays these. The tracker files the two subheadings
# under aluminium only, at 8 digits, as content derivatives: its 8-digit rows stay warnings and exclude the stampings.
SRC["s232_stampings"] = (
    "bumper and body stampings of Proclamation 9980 (85 FR 5281, from 2020-02-08): steel 8708.10.30.20 / 8708.29.21.20 "
    "(9903.80.03), aluminium 8708.10.30.30 / 8708.29.21.30 (9903.85.03) per CBP's CSMS of 2020-02-04 (#41538803; quoted by "
    "Consumer Electronics Daily 2020-02-04 and NCBFAA); from 12:01 a.m. EDT 2025-03-12 at 25% under 9903.81.89 "
    "('Derivative iron or steel products listed in subdivision (l) (existing steel derivative articles subject to "
    "Section 232)') and 9903.85.04 ('... subdivision (i) (existing aluminum derivative articles subject to Section "
    "232)'): CBP CSMS #64348411 (MTI Worldwide copy) / #64384423 and #64384496 (CBP GovDelivery); the steel or "
    "aluminium content value is reported only for the new derivatives outside chapters 73/76 (9903.81.91 / 9903.85.08; "
    "International Trade Today 2025-03-10 quoting CSMS #64348411; BCB International: derivatives of chapters 73/76 and "
    "the listed ones on the full value); DB Schenker ('CBP Issues Guidance for Declaring Entries of Steel and Aluminum'): "
    "from 2025-03-12 'derivatives outside those chapters on the original list, which are 8708.10.30 and 8708.29.21 for "
    "bumper stampings of steel and aluminum'; USITC HTS 2026 Basic Edition: 9903.81.89 and 9903.85.04 '+ 50%' on the "
    "article (9903.81.91 / .85.08: 'upon the value of the ... content')")
STAMP_TEXT = {"steel": ("steel", "9903.81.89", "16(l)"), "aluminum": ("aluminium", "9903.85.04", "19(i)")}


def section_232_stampings(usitc):
    """The rows of Proclamation 9980's stampings from 2025-03-12 to 2026-04-05 (see the comment above)."""
    out, stat_lines = [], export_lines(usitc)
    for code, (metal, _) in sorted(STAMPINGS.items()):
        label, h, sub = STAMP_TEXT[metal]
        s = SRC["s232_steel" if metal == "steel" else "s232_alu"] + " ; " + SRC["s232_stampings"]
        name, a = "s232_" + metal, f"Section 232 {label}"
        g = dict(stacking="highest_in_group", group="s232", hs=code, authority=a)
        out.append(row(name=name, heading=h, rate_percent="25", effective_from="2025-03-12", effective_to="2025-06-03",
                       source=s, **g))
        out.append(row(name=name, heading=h, exclude_origins="GB", rate_percent="50", effective_from="2025-06-04",
                       effective_to="2026-04-05", source=s, **g))
        hg = CANDIDATES[("steel_gb", "derivative") if metal == "steel" else ("aluminum_gb", "")]
        out.append(row(name=name + "_gb", heading=hg, origins="GB", rate_percent="25", effective_from="2025-06-04",
                       effective_to="2026-04-05", source=s + " ; " + candidate_source(hg), **g))
    # a request giving 8 digits only: which statistical number it is decides (every statistical number of the 2025
    # Basic Edition excluded, as in section_232_legacy)
    stat = {p: [c for c in STAMPINGS if c.startswith(p)] for p in ("87081030", "87082921")}
    for p, codes in sorted(stat.items()):
        under = sorted(c for c in stat_lines if c.startswith(p))
        assert set(codes) < set(under), (p, under)
        for metal in ("steel", "aluminum"):
            label, h, sub = STAMP_TEXT[metal]
            mine = [c for c in codes if STAMPINGS[c][0] == metal]
            listed = ", ".join(f"{c[:4]}.{c[4:6]}.{c[6:8]}.{c[8:]}" for c in mine)
            for rate, f, t, more in [("25", "2025-03-12", "2025-06-03", ""),
                                     ("50", "2025-06-04", "2026-04-05", "; United Kingdom 25%")]:
                out.append(row(name=f"s232_{'steel' if metal == 'steel' else 'aluminium'}_stat_scope", authority=f"Section 232 {label}",
                               heading=h, hs=p, exclude_hs=" ".join(under), rate_percent=rate,
                               group="s232_conditional", warn_only="true", yields_to="s232_autos s232_mhd",
                               warning=f"Section 232 {label} derivatives of note {sub} (Proclamation 9980's stampings): "
                                       f"of subheading {p[:4]}.{p[4:6]}.{p[6:]} statistical number {listed} pays "
                                       f"+{rate}% on the full value ({h}{more}"
                                       f"{'; Russia 200%, 9903.85.68' if metal == 'aluminum' else ''}) -- not charged "
                                       "here because the request "
                                       "gives no 10-digit number; give it to have the duty charged (an automobile part "
                                       "charged the automobile-parts duty owes neither)",
                               effective_from=f, effective_to=t, source=SRC["s232_stampings"]))
    return out


def drop_nested_232(rows):
    """Drop a Section 232 row (or the part of its period) that a broader row of the same name, origins and rate
    already covers (the annex file lists e.g. both 8429 and 8429.11.00 in annex I-B). Two such rows tie in
    their highest_in_group group (same rate, same name) and would both be charged. The broader rows may be
    cut in periods (annex moves of other lines under them); the narrower row keeps only the days none of them
    covers. A broader row covers the narrower line unless it excludes (exclude_hs) the line or part of it."""
    key = lambda r: tuple(r[c] for c in COLS if c not in ("hs", "source", "authority", "exclude_hs", "effective_from",
                                                           "effective_to"))
    end = lambda r: r["effective_to"] or "9999-12-31"
    by = {}
    for r in rows:
        if r["name"].startswith("s232_") and r["hs"]:
            by.setdefault(key(r), []).append(r)
    out, dropped, trimmed = [], 0, 0
    for r in rows:
        if not (r["name"].startswith("s232_") and r["hs"]):
            out.append(r)
            continue
        h = r["hs"]
        cover = sorted((b["effective_from"], end(b)) for b in by[key(r)]
                       if b["hs"] != h and h.startswith(b["hs"])
                       and not any(x.startswith(h) or h.startswith(x) for x in b["exclude_hs"].split()))
        free, f = [], r["effective_from"]       # the days of r no broader row covers
        for cf, ct in cover:
            if cf > end(r) or f > end(r):
                break
            if ct < f:
                continue
            if cf > f:
                free.append((f, day_before(cf)))
            f = (date.fromisoformat(ct) + timedelta(days=1)).isoformat() if ct < "9999-12-31" else "9999-12-31"
        if f <= end(r) and f < "9999-12-31":
            free.append((f, end(r)))
        if not free:
            dropped += 1
            continue
        if free != [(r["effective_from"], end(r))]:
            trimmed += 1
        for a, b in free:
            out.append({**r, "effective_from": a, "effective_to": "" if b == "9999-12-31" else b})
    print(f"note: {dropped} Section 232 rows dropped, {trimmed} cut: their line lies under a broader row of the "
          "same programme")
    return out


def post_sunset(tr):
    """{annex: (sunset_date, post_sunset_annex)} from the tracker's config/policy_params.yaml
    (section_232_annexes.annexes.annex_*: sunset_date, post_sunset_annex); read line by line, no YAML parser."""
    out, cur, ind = {}, None, None
    for line in (tr / "config/policy_params.yaml").read_text(encoding="utf-8").splitlines():
        body = line.strip()
        if not body or body.startswith("#"):
            continue
        depth = len(line) - len(line.lstrip())
        if body.startswith("annex_") and body.endswith(":"):
            cur, ind = body[len("annex_"):-1], depth
            continue
        if cur is not None and depth <= ind:
            cur = None
        if cur is not None and ":" in body:
            k, v = (x.strip().strip("'\"") for x in body.split("#")[0].split(":", 1))
            if k in ("sunset_date", "post_sunset_annex"):
                out.setdefault(cur, {})[k] = v.replace("annex_", "")
    return {a: (v["sunset_date"], v["post_sunset_annex"]) for a, v in out.items()
            if "sunset_date" in v and "post_sunset_annex" in v}


def annex_timelines(tr):
    """{hts_prefix: [(from, annex), ...]} for every line of the tracker's s232_annex_products.csv: each dated
    entry puts the line in its annex from that date; a temporary annex (I-C, III) ends on its sunset date and
    the line moves to the annex's post-sunset annex (config: I-B for both) the day after."""
    sunset = post_sunset(tr)
    entries = {}
    for r in read_csv(tr / "resources/s232_annex_products.csv"):
        entries.setdefault(r["hts_prefix"], set()).add((r["effective_date"], r["annex"]))
    out = {}
    for hs, es in entries.items():
        tl = {}
        for frm, a in sorted(es):
            assert tl.get(frm, a) == a, f"{hs}: two annexes from {frm}"
            tl[frm] = a
        for frm, a in sorted(tl.items()):
            if a in sunset:
                to, then = sunset[a]
                nxt = min([f for f in tl if f > frm] or ["9999"])
                after = (date.fromisoformat(to) + timedelta(days=1)).isoformat()
                if after < nxt:
                    tl.setdefault(after, then)
        out[hs] = sorted(tl.items())
    return out


def annex_on(tl, d):
    """The annex of a line on day d from its timeline, or None before its first entry."""
    a = None
    for frm, x in tl:
        if frm <= d:
            a = x
    return a


ANNEX_ROW = re.compile(r"s232_metals_annex_(1a|1b|1c|3)(_|$)")


def row_annexes(r):
    """The annexes whose lines a Section 232 annex-era row charges: its own annex (from its name), or I-A, I-B and
    III for the Russian aluminium 200% row from 2026-04-06; None for any other row."""
    m = ANNEX_ROW.match(r["name"])
    if m:
        return {m.group(1)}
    if r["name"] == "s232_aluminium_ru" and r["effective_from"] >= "2026-04-06":
        return {"1a", "1b", "3"}
    return None


def split_annex_moves(rows, tl):
    """Give every annex-era metals row (annexes I-A, I-B, I-C, III and the Russian aluminium 200%) the dates
    the tracker's annex file gives its line, and those of the lines listed under it (issue 17). A row charges
    its line only while the line is in the row's annex; a line of the file under the row's prefix that is in
    another annex on a day (I-B to I-C or III from 2026-06-08 and back to I-B after their 2027-12-31 sunset;
    annex II = out of scope; or another annex from its first entry, e.g. 8501.53.40 in annex II under the
    8501 I-B row) is excluded from the row (exclude_hs) on that day: the most specific entry of the file gives
    a line's annex. Without this the broader row's I-B 25% (GB 15%) would outrank the annex III / I-C rows in
    highest_in_group group s232, and charge a line of annex II."""
    out = []
    for r in rows:
        allowed = row_annexes(r)
        if allowed is None or r["hs"] not in tl:
            out.append(r)
            continue
        p, f, to = r["hs"], r["effective_from"], r["effective_to"] or "9999-12-31"
        inner = [q for q in tl if q != p and q.startswith(p)]
        cuts = sorted({f} | {d for q in [p] + inner for d, _ in tl[q] if f < d <= to})
        pieces = []
        for a, b in zip(cuts, cuts[1:] + [""]):
            if annex_on(tl[p], a) not in allowed:
                continue
            last = day_before(b) if b else r["effective_to"]
            exc = " ".join(sorted(set(r["exclude_hs"].split())
                                  | {q for q in inner if annex_on(tl[q], a) not in (None, *allowed)}))
            if pieces and pieces[-1]["exclude_hs"] == exc and pieces[-1]["effective_to"] == day_before(a):
                pieces[-1]["effective_to"] = last
            else:
                pieces.append({**r, "exclude_hs": exc, "effective_from": a, "effective_to": last})
        out += pieces
    return out


def apply_232_precedence(rows):
    """Write the non-stacking rules between Section 232 programmes and the other authorities as `yields_to`.

    Ref: Proclamation 10908 cl. (autos not also charged steel/aluminium; Proclamation 10947), copper
    Proclamation 10962, Proclamation 10976 (wood yields to autos), Proclamation 10984 (MHD/buses not also
    charged steel, aluminium, copper, automobiles or lumber 232, reciprocal, CA/MX, Brazil, India), EO 14289
    (an article under the automobile 232 owes no CA/MX IEEPA duty), EO 14257 s.3(b), 9903.03.06 (s122).
    """
    rows = split_at(rows, METALS_FIRST, lambda r: r["name"] in ("s232_steel_derivative", "s232_aluminum_derivative"))
    eo = " ; precedence with the IEEPA Canada/Mexico duties: " + SRC["eo14289"]
    for r in rows:
        grp = r["group"]
        if r["yields_to"] == "s232":
            r["yields_to"] = S232_CHARGING            # reciprocal, Brazil, India, Section 122
        elif grp in ("s232", "s232_content"):
            r["yields_to"] = "s232_autos s232_mhd"    # metals and their content warnings
        elif grp == "s232_wood":
            r["yields_to"] = "s232_autos s232_mhd"
        elif grp == "s232_autos" or (grp == "s232_conditional" and r["name"].startswith("s232_auto")):
            r["yields_to"] = "s232_mhd"
        elif grp == "s232_conditional" and r["name"].startswith("s232_softwood"):
            r["yields_to"] = "s232_autos s232_mhd"
        elif grp == "ieepa_fentanyl" and set(r["origins"].split()) <= {"CA", "MX"}:
            r["yields_to"] = "s232_autos s232_mhd s232_wood"
        # EO 14289 sec. 3 between the CA/MX fentanyl duties and the 232 steel/aluminium duties (rows named,
        # not groups: China's fentanyl row and the 232 copper row are in the same groups and stack). Until
        # 2025-06-03 the steel/aluminium rows (and their content warnings) give way to a charging CA/MX
        # fentanyl row; from 2025-06-04 the CA/MX fentanyl rows give way to them.
        # (The rows before 2025-03-12 exclude Canada and Mexico, whose exemptions ended that day.)
        if r["name"] in S232_STEEL_ALU.split() + ["s232_steel_derivative", "s232_aluminum_derivative"] \
                and r["effective_to"] and r["effective_from"] > LEGACY_TO and r["effective_to"] < METALS_FIRST:
            r["yields_to"] = (r["yields_to"] + " " + FENT_CAMX).strip()
            r["source"] += eo
        elif r["name"] in FENT_CAMX.split():
            if r["effective_from"] >= METALS_FIRST:
                r["yields_to"] = (r["yields_to"] + " " + S232_STEEL_ALU).strip()
            if r["effective_to"] >= "2025-03-12":   # the CA/MX steel/aluminium exemptions ended 2025-03-12
                r["source"] += eo
    return rows


def split_at(rows, day, pred):
    """Rows matching `pred` that are in force on the day before `day` and on `day` are cut in two there."""
    out = []
    for r in rows:
        if pred(r) and r["effective_from"] < day and (not r["effective_to"] or day <= r["effective_to"]):
            out.append({**r, "effective_to": day_before(day)})
            out.append({**r, "effective_from": day})
        else:
            out.append(r)
    return out


# Proclamation 10522 (88 FR 13267, FR Doc 2023-04470): +200% on aluminium articles and derivatives of Russia from
# 12:01 a.m. EDT 2023-03-10, and on those of any country where any amount of the primary aluminium used was smelted
# in Russia, or the article was cast in Russia, from 12:01 a.m. EDT 2023-04-10 (the proclamation's text found, its
# opening read on regulations.justia.com; the two dates as Mondaq, Thompson Hine, JD Supra and Braumiller Law quote
# it). USITC's HTS 2026 Basic Edition and Revision 10 keep the wording in 9903.85.67 (articles) and .68 (derivatives),
# "+ 200%"; .69/.70 name the same goods admitted to an FTZ "prior to April 10, 2023". Where the metal was smelted or
# cast is not in a request: a warning, not a charge.
RU_SMELT_FROM = "2023-04-10"
RU_FROM = "2023-03-10"   # Russian goods (Proclamation 10522)
# 9903.85.68 as USITC's HTS 2026 Basic Edition prints it (checked by verify_curated): the derivatives of note 19(a)(iii)
# or 19(i)/(j)/(k) "as applicable per the date of entry": a line brought into note 19 later owes the 200% from then
RU_SCOPE_TEXT = {"9903.85.68": ("The duty provided in the applicable subheading + 200%",
                                "when such derivative articles are provided for in the headings or subheadings "
                                "enumerated in note 19(a)(iii) to this subchapter, or notes 19(i), 19(j) or 19(k) to "
                                "this subchapter, as applicable per the date of entry for consumption or withdrawal "
                                "from warehouse for consumption")}
SRC["s232_ru_scope"] = (
    "derivative line brought into U.S. note 19 after 2023-03-10: the 200% from the day it entered the scope (the "
    "tracker's effective_date: 2025-03-12 note 19(j) annex of Proclamation 10895, 2025-04-03 the 7612.90.10 addition, "
    "2025-08-18 the inclusions of FR Doc 2025-15819); 9903.85.68 in USITC HTS 2026 Basic Edition: derivatives "
    "'provided for in ... note 19(a)(iii) ..., or notes 19(i), 19(j) or 19(k) ..., as applicable per the date of entry'; "
    "in 2023 the heading named note 19(a)(iii) only (L.W. Hanson & Associates 2023-03-10, 'CBP Issues New Guidance on "
    "Aluminum Products from Russia', quoting CBP); Proclamation 10895 cl. 3: Russian derivatives of its Annex I owe "
    "the 200% of Proclamation 10522 from the Commerce certification date (text as quoted on a public forum; "
    "not read on an official site)")
SRC["s232_ru_smelt"] = (
    "Proclamation 10522 (2023-02-24), 88 FR 13267 (FR Doc 2023-04470): 200% on aluminium articles and derivative "
    "aluminium articles of Russia from 12:01 a.m. EDT 2023-03-10, and from 12:01 a.m. EDT 2023-04-10 on those of any "
    "country where any amount of the primary aluminium used in their manufacture is smelted in Russia or the articles "
    "are cast in Russia: https://www.federalregister.gov/documents/2023/03/02/2023-04470 (text found, opening read on "
    "regulations.justia.com; dates as quoted by Mondaq 1292434, Thompson Hine 2023-03, JD Supra, Braumiller Law) ; "
    "USITC HTS 2026 Basic Edition and Revision 10, headings 9903.85.67 and 9903.85.68 (+ 200%): 'Aluminum articles "
    "that are the product of Russia, or where any amount of primary aluminum used in the manufacture of the aluminum "
    "articles is smelted in Russia, or where the aluminum articles are cast in Russia'; lines: the aluminium lines of "
    "the encoded Section 232 aluminium rows (tracker)")


def election_warnings(rows, tr):
    """9903.94.07 (U.S. note 33(p)): an automobile part outside chapters 72/73/76, note 33(g) and note 38(i), certified
    for U.S. automobile production or repair, may be entered at +25% (15% all-in for EU/JP/KR/TW parts) and then owes no
    metals-annex duty. That is cheaper than the annex I-A 50% for the general origins, and than annex I-B 25% for the
    deal partners: a warning on those annex rows' lines and days (same line, excluded lines, origins, dates)."""
    listed = sorted(NOTE_33G_2025 | set(PARTS_ADDED)
                    | {l.strip() for l in (tr / "resources/s232_mhd_parts.txt").read_text().split() if l.strip()})
    deal = " ".join(EU27 + ["JP", "KR"])
    text = ("Section 232 automobile parts (9903.94.07, U.S. note 33(p)): if this article is an automobile part that the "
            "importer of record certifies for automobile production or repair in the United States, it may be entered "
            "at +25% (EU, Japan, Korea and Taiwan parts: 15% all-in) and then owes no Section 232 metals duty; the quote "
            "charges the metals duty -- check whether the election applies")
    out = []
    for r in rows:
        if r["name"] not in ("s232_metals_annex_1a", "s232_metals_annex_1b") or r["hs"][:2] in ("72", "73", "76"):
            continue
        h = r["hs"]
        if any(h.startswith(p) for p in listed):
            continue
        ex = " ".join(sorted(set(r["exclude_hs"].split()) | {p for p in listed if p.startswith(h) and p != h}))
        frm, to = max(r["effective_from"], "2025-11-01"), r["effective_to"]
        w = dict(authority="Section 232 automobile parts", heading="9903.94.07", hs=h, exclude_hs=ex,
                 rate_percent="25", group="s232_conditional", warn_only="true", yields_to="s232_autos s232_mhd",
                 warning=text, source=SRC["s232_election"])
        if r["name"] == "s232_metals_annex_1a":
            out.append(row(name="s232_auto_parts_election", exclude_origins=r["exclude_origins"], effective_from=frm,
                           effective_to=to, **w))
            continue
        # annex I-B (25%): cheaper only at the deal partners' 15% all-in (Taiwan from its deal date)
        for f, t, o in [(frm, min(to or "9999-12-31", day_before(TW_DEAL)), deal),
                        (max(frm, TW_DEAL), to or "9999-12-31", deal + " TW")]:
            if f <= t:
                out.append(row(name="s232_auto_parts_election_deal", origins=o, effective_from=f,
                               effective_to="" if t == "9999-12-31" else t, **w))
    return out


def ru_smelt_warn(hs, frm, to, russian_origin=False):
    """The warning that aluminium smelted or cast in Russia owes the 200 % whatever the country of origin; on a
    content-based derivative line (russian_origin) for Russian goods too, which no row charges there."""
    who = ("of Russia, or of any country" if russian_origin else "of any country other than Russia (whose goods are "
           "charged the 200% here)")
    return row(name="s232_aluminium_ru_smelt", authority="Section 232 aluminium (Russia)",
               heading="9903.85.67 9903.85.68", hs=hs, exclude_origins="" if russian_origin else "RU",
               rate_percent="200", group="s232_conditional", warn_only="true", yields_to="s232_autos s232_mhd",
               warning=f"Section 232 aluminium, Proclamation 10522: aluminium articles and derivatives {who} pay +200% "
                       "(instead of the Section 232 aluminium rate) when any primary aluminium used in them was "
                       "smelted in Russia, or they were cast in Russia (from 2023-04-10; Russian goods from "
                       "2023-03-10) -- not charged here because a request does not say where the metal was smelted "
                       "or cast; add it if so",
               effective_from=frm, effective_to=to, source=SRC["s232_ru_smelt"])


# Proclamation 10782 of 2024-07-10 (89 FR 57339, FR Doc 2024-15632): aluminium articles of Mexico, and its derivative
# aluminium articles of U.S. note 19(a)(iii), owe +10% (9903.85.71 / 9903.85.72) when the primary aluminium in them has
# China, Russia, Belarus or Iran as primary or secondary country of smelt or country of most recent cast; entries from
# 12:01 a.m. EDT 2024-07-10 (the proclamation's opening read on regulations.justia.com, its effective-date clause not;
# the date as Barnes Richardson, Steel Market Update, Policy Risk Report and Livingston give it; CBP CSMS #62063449:
# Proclamation 10522's 200% supersedes it for Russian smelt or cast). USITC's HTS 2025 and 2026 Basic Editions print
# both headings, "+ 10%"; Revision 10 (2026-06-08) has neither. Where the metal was smelted or cast is not in a
# request: a warning on Mexican goods, not a charge, from the data's first US day (2025-01-01) to 2026-06-07, the day
# before Revision 10 (they may have ended earlier, in a 2026 revision not held here). Proclamation 10895 ended
# Mexico's exemption from 2025-03-12 (all origins 25%, then 50%, charged by the s232 rows); no source read says
# whether it ended these headings too, so the warning from that day says so. Lines: before 2025-03-12 the lines of
# note 19 then (the tracker's mill products of note 19(b) and the six note 19(a)(iii) derivatives, both without a
# start date); from 2025-03-12 every line and day of the Russian-smelt warning (the data's aluminium lines), each
# chapter-76 line from its own first day. Heading: 9903.85.71 on a mill-product line, 9903.85.72 on a note 19(a)(iii)
# line, both (candidates) on any other line (a derivative the notes added in 2025, or an annex line covering both).
MX_SMELT_FROM, MX_SMELT_TO, MX_EXEMPTION_END = "2025-01-01", "2026-06-07", "2025-03-12"
MX_SMELT_HEADING_TEXT = {  # heading -> (general column, words of the description), 2025 and 2026 Basic Editions
    "9903.85.71": ("The duty provided in the applicable subheading + 10%",
                   "Aluminum articles of Mexico enumerated in U.S. note 19 to this subchapter, containing primary "
                   "aluminum for which the primary country of smelt, secondary country of smelt, or country of most "
                   "recent cast, is China, Russia, Belarus or Iran"),
    "9903.85.72": ("The duty provided in the applicable subheading + 10%",
                   "Derivative aluminum articles of Mexico enumerated in U.S. note 19(a)(iii) to this subchapter, "
                   "containing primary aluminum for which the primary country of smelt, secondary country of smelt, or "
                   "country of most recent cast, is China, Russia, Belarus or Iran"),
}
NOTE_19_A_III = frozenset("76141050 76149020 76149040 76149050 87081030 87082921".split())  # Proclamation 9980
SRC["s232_mx_smelt"] = (
    "Proclamation 10782 of 2024-07-10 'Adjusting Imports of Aluminum Into the United States', 89 FR 57339 (FR Doc "
    "2024-15632, published 2024-07-15; text found on regulations.justia.com, opening read, effective-date clause not "
    "read): +10% on aluminium articles and derivative aluminium articles of Mexico whose primary aluminium has China, "
    "Russia, Belarus or Iran as primary or secondary country of smelt or country of most recent cast, entries from "
    "12:01 a.m. EDT 2024-07-10 (Barnes Richardson 2024-07-10: in effect that day from 12:01 a.m.; Steel Market Update "
    "2024-07-10, Policy Risk Report, Livingston, GEODIS: entries on or after 2024-07-10) ; CBP CSMS #62063449 "
    "(govdelivery copy opened): the same +10% on products of Mexico by reported country of smelt or most recent cast, "
    "Proclamation 10522's 200% superseding it where the metal was smelted or cast in Russia ; headings 9903.85.71 "
    "(aluminium articles) and 9903.85.72 (derivative aluminium articles of U.S. note 19(a)(iii)), + 10%: GHY "
    "2024-07-16, Livingston, and the wording of USITC HTS 2025 and 2026 Basic Editions (JSON export); neither heading "
    "in USITC HTS 2026 Revision 10 (2026-06-08): rows end 2026-06-07, the headings may have ended earlier in a 2026 "
    "revision not held here ; Proclamation 10895 (90 FR 9807) ended Mexico's exemption from 2025-03-12 (all origins "
    "25%: CBP CSMS #64384496); no source read says whether it ended 9903.85.71/.72 (the 2026 Basic Edition keeps "
    "them, as it keeps the superseded 9903.85.01/.03) ; rows start on the data's first US day, 2025-01-01 ; lines: "
    "before 2025-03-12 the note 19(b) mill products and the note 19(a)(iii) derivatives of the tracker "
    "(s232_metal_chapter_products.csv, s232_derivative_products.csv), from 2025-03-12 those of the Russian-smelt "
    "warning")
MX_SMELT_COMMON = ("when the primary aluminium in them has China, Russia, Belarus or Iran as its primary or secondary "
                   "country of smelt or its country of most recent cast (smelted or cast in Russia: the +200% of "
                   "Proclamation 10522 instead)")
MX_SMELT_WARNING = (  # to 2025-03-11, while Mexican aluminium was otherwise exempt
    "Section 232 aluminium, Proclamation 10782 (from 2024-07-10): aluminium articles of Mexico (9903.85.71) and its "
    "derivative aluminium articles of U.S. note 19(a)(iii) (9903.85.72) pay +10% " + MX_SMELT_COMMON + " -- not "
    "charged here because a request does not say where the metal was smelted or cast; add it if so")
MX_SMELT_WARNING_LATER = (  # from 2025-03-12, when Proclamation 10895 ended Mexico's exemption
    "Section 232 aluminium, Proclamation 10782: headings 9903.85.71 (aluminium articles of Mexico) and 9903.85.72 "
    "(its derivative aluminium articles of U.S. note 19(a)(iii)) add 10% " + MX_SMELT_COMMON + ". Since 2025-03-12 "
    "Mexican aluminium owes the general Section 232 aluminium duty like every origin (Proclamation 10895), and no "
    "source read for this data says whether these headings then lapsed or still add 10%; they are in USITC's HTS "
    "2026 Basic Edition, not in Revision 10 (2026-06-08), and may have ended earlier, in a 2026 revision not held "
    "here -- not charged here because a request does not say where the metal was smelted or cast; check the "
    "entry's chapter-99 headings")


def mx_smelt_warnings(rows, tr):
    """The Proclamation 10782 warning rows (origin MX) for the data's aluminium lines, 2025-01-01 .. 2026-06-07."""
    chapter = [r for r in read_csv(tr / "resources/s232_metal_chapter_products.csv") if r["metal_type"] == "aluminum"]
    deriv = [r for r in read_csv(tr / "resources/s232_derivative_products.csv") if r["derivative_type"] == "aluminum"]
    mill = sorted(r["hts_prefix"] for r in chapter if r["kind"] == "mill" and not r["effective_date"])
    a3 = sorted({r["hts_prefix"] for r in chapter if r["source"].startswith("note_19(a)(iii)")}
                | {r["hts_prefix"] for r in deriv if r["ch99_code"] == "9903.85.04"})
    # note 19(a)(iii) of Proclamation 9980: 7614.10.50, 7614.90.20/.40/.50, 8708.10.30, 8708.29.21, in the tracker
    # without a start date (in force before 2025)
    assert set(a3) == NOTE_19_A_III and not any(r["effective_date"] for r in chapter + deriv
                                                if r["hts_prefix"] in NOTE_19_A_III), a3
    first = {r["hts_prefix"]: r["effective_date"] for r in chapter if r["effective_date"]}

    def heading(hs):
        if any(hs.startswith(p) for p in mill):
            return "9903.85.71"
        if any(hs.startswith(p) for p in NOTE_19_A_III):
            return "9903.85.72"
        return "9903.85.71 9903.85.72"

    def rows_for(hs, exclude_hs, frm, to):
        # EO 14289 sec. 3 (to 2025-06-03): an article subject to the IEEPA Mexico duty owes no 232 aluminium duty
        out = []
        for f, t, fent in [(frm, min(to, day_before(METALS_FIRST)), True), (max(frm, METALS_FIRST), to, False)]:
            if f > t:
                continue
            out.append(row(name="s232_aluminium_mx_smelt", authority="Section 232 aluminium (Mexico)",
                           heading=heading(hs), hs=hs, origins="MX", exclude_hs=exclude_hs, rate_percent="10",
                           group="s232_conditional", warn_only="true",
                           yields_to="s232_autos s232_mhd" + (" ieepa_fentanyl_mx ieepa_fentanyl_mx_potash" if fent
                                                              else ""),
                           warning=MX_SMELT_WARNING if t < MX_EXEMPTION_END else MX_SMELT_WARNING_LATER,
                           effective_from=f, effective_to=t,
                           source=SRC["s232_mx_smelt"] + (" ; precedence with the IEEPA Mexico duty: " + SRC["eo14289"]
                                                          if fent and t >= "2025-03-04" else "")))
        return out

    out = []
    for hs in mill + a3:   # the lines of note 19 before Proclamation 10895
        out += rows_for(hs, "", MX_SMELT_FROM, day_before(MX_EXEMPTION_END))
    for r in rows:
        if r["name"] != "s232_aluminium_ru_smelt":
            continue
        f = max(r["effective_from"], MX_EXEMPTION_END, first.get(r["hs"], ""))
        t = min(r["effective_to"] or "9999-12-31", MX_SMELT_TO)
        if f <= t:
            out += rows_for(r["hs"], r["exclude_hs"], f, t)
    return out


def deriv_warn(hs, metal, frm, to, src, heading=""):
    label = "steel" if metal == "steel" else "aluminium"
    return row(name=f"s232_{metal}_derivative", authority=f"Section 232 {label}", heading=heading, hs=hs,
               rate_percent="50", stacking="highest_in_group", group="s232_content", warn_only="true",
               warning=f"Section 232 {label} derivative{(' (' + heading + ')') if heading else ''}: 25% (50% from "
                       f"2025-06-04; UK 25%) on the value of the {label} content, not charged here: add it from the "
                       "metal value. IEEPA reciprocal / Section 122 (and for Canada and Mexico from 2025-06-04 the "
                       "IEEPA fentanyl duty) are owed on the non-metal part only; this quote charges them on the "
                       "full value",
               effective_from=frm, effective_to=to, source=src)


def fmt(x):
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return s


# ================================================================== output
def write(path, section, cols, rows, comments):
    buf = io.StringIO()
    buf.write(f"# landed-csv section={section} territory=US schema=1\n")
    for c in comments:
        buf.write("# " + c + "\n")
    # Each distinct source is written once as a citation (`# cite @cN: text`, landed-csv) and
    # the rows cite it as `@cN`: the rows of one notice share its text.
    cites = {}
    for r in rows:
        if r["source"] not in cites:
            cites[r["source"]] = f"c{len(cites) + 1}"
    buf.write("# Citations: a source cell @cN stands for the text of its line below.\n")
    for text, name in cites.items():
        assert "\n" not in text
        buf.write(f"# cite @{name}: {text}\n")
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({**r, "source": "@" + cites[r["source"]]})
    Path(path).write_text(buf.getvalue(), encoding="utf-8")


def sort_key(cols):
    return lambda r: tuple(r[c] for c in ("name", "hs", "origins", "effective_from") if c in cols) + tuple(r[c] for c in cols)


def generate(tr, usitc):
    rows, exrows = [], []
    for fn in (section_301, ieepa_fentanyl, ieepa_reciprocal, section_122, section_232, section_232_autos,
               section_232_wood, section_232_mhd, section_232_semi_pharma, section_232_metals_more):
        a, b = fn(tr)
        rows += a
        exrows += b
    rows += section_232_legacy(tr, usitc)   # 2025-01-01 .. 2025-03-11
    rows += section_232_stampings(usitc)          # Proclamation 9980's stampings, 2025-03-12 .. 2026-04-05
    # dedupe identical rows (e.g. an hts8 listed twice in one list)
    rows = sorted({tuple(r[c] for c in COLS): r for r in rows}.values(), key=sort_key(COLS))
    # one row per (name, hs, origins, exclude_origins, effective_from): the tracker lists some lines twice
    # (two annex sources, or a derivative in two files with two dates); keep the first (earliest) one
    kept_by, kept = {}, []
    for r in rows:
        k = (r["name"], r["hs"], r["origins"], r["exclude_origins"])
        if r["name"].startswith("s232_") and any(in_force(p, r["effective_from"]) for p in kept_by.get(k, [])):
            continue
        kept_by.setdefault(k, []).append(r)
        kept.append(r)
    rows = apply_232_precedence(drop_nested_232(split_annex_moves(kept, annex_timelines(tr))))
    # the Russian-smelt warning on every line and day the Russian 200% row charges, for the other origins (its
    # rows as the annex moves and nesting left them: same line, excluded lines and days, from 2023-04-10)
    rows += [{**ru_smelt_warn(r["hs"], max(r["effective_from"], RU_SMELT_FROM), r["effective_to"]),
              "exclude_hs": r["exclude_hs"]}
             for r in rows if r["name"] == "s232_aluminium_ru" and (r["effective_to"] or "9999") >= RU_SMELT_FROM]
    # Proclamation 10782's Mexican warning on the same lines (and, before 2025-03-12, on the note 19 lines then)
    rows += mx_smelt_warnings(rows, tr)
    rows += election_warnings(rows, tr)
    rows = sorted(rows, key=sort_key(COLS))
    # exemptions in the loader's series order (territory, hs, duty, origins, then date; AdditionalIndex::build), so
    # that the loader finds them sorted; it accepts any order
    exrows = sorted({tuple(r[c] for c in EX_COLS): r for r in exrows}.values(),
                    key=lambda r: tuple(r[c] for c in ("territory", "hs", "duty", "origins", "effective_from"))
                    + tuple(r[c] for c in EX_COLS))
    return rows, exrows


def validate(rows):
    series = {}
    for r in rows:
        assert r["group"], r
        series.setdefault((r["territory"], r["hs"], r["name"], r["origins"], r["exclude_origins"]), []).append(r)
    problems = []
    for k, rs in series.items():
        rs.sort(key=lambda r: r["effective_from"])
        for a, b in zip(rs, rs[1:]):
            if not a["effective_to"] or a["effective_to"] >= b["effective_from"]:
                problems.append(f"overlap in series {k}: {a['effective_from']}..{a['effective_to']} / {b['effective_from']}")
    # same (territory, hs, name) across different origin sets must not overlap either
    by = {}
    for r in rows:
        by.setdefault((r["territory"], r["hs"], r["name"]), []).append(r)
    for k, rs in by.items():
        rs.sort(key=lambda r: r["effective_from"])
        for i, a in enumerate(rs):
            for b in rs[i + 1:]:
                if (a["effective_to"] or "9999") >= b["effective_from"]:
                    problems.append(f"overlap {k}: {a['origins']}|{a['effective_from']} vs {b['origins']}|{b['effective_from']}")
    return problems


# ================================================================== checker against the tracker snapshots
def in_force(r, d):
    return r["effective_from"] <= d and (not r["effective_to"] or d <= r["effective_to"])


def covers(r, iso):
    if r["origins"] and iso not in r["origins"].split():
        return False
    return iso not in r["exclude_origins"].split()


def check(tr, rows):
    """Compare the encoded country-level (all-goods) rates with the tracker's bnd snapshots.

    IEEPA fentanyl: the general (hs-empty) row.  IEEPA reciprocal: highest all-goods reciprocal row plus the
    Brazil and India EO rows (the tracker folds them into 'reciprocal').  Section 122: the all-goods row.
    Section 301: presence of any China row.  Section 232 steel/aluminium: the rate of the mill-product rows.
    """
    out = []
    census_iso = {}
    master = json.loads((tr / "statutory_rates/master_tariff_list.json").read_text())
    for e in master:
        for x in e["effective_date"]:
            if "census_code" in x and x["country_name"] in NAME_ISO:
                census_iso[x["census_code"]] = NAME_ISO[x["country_name"]]
    census_iso.update(CENSUS_ISO_EXTRA)
    allg = [r for r in rows if not r["hs"] and r["warn_only"] == "false"]
    for snap in sorted(tr.glob("statutory_rates/tariff_rates_bnd_*.json")):
        data = json.loads(snap.read_text())
        d = data["policy_effective_date"]
        n_cmp, mism = 0, []
        for code, c in sorted(data.items()):
            if code == "policy_effective_date" or code not in census_iso:
                continue
            iso = census_iso[code]
            t = {(x["tariff_authority"], x["tariff_name"]): x["tariff_rate"] for x in c["tariffs"]}
            act = [r for r in allg if in_force(r, d) and covers(r, iso)]
            enc_f = sum(float(r["rate_percent"]) for r in act if r["group"] == "ieepa_fentanyl")
            rec = [float(r["rate_percent"]) for r in act if r["group"] == "ieepa_reciprocal"]
            enc_r = (max(rec) if rec else 0) + sum(float(r["rate_percent"]) for r in act
                                                   if r["group"] in ("ieepa_brazil", "ieepa_russia_oil"))
            enc_122 = max([float(r["rate_percent"]) for r in act if r["group"] == "s122"] or [0])
            has301 = any(r["group"] == "s301" and in_force(r, d) for r in rows) and iso == "CN"
            steel = [float(r["rate_percent"]) for r in rows if r["group"] == "s232" and r["hs"] == "7208"
                     and in_force(r, d) and covers(r, iso)]
            for label, enc, trk in [("IEEPA fentanyl", enc_f, t.get(("ieepa", "fentanyl"), 0) * 100),
                                    ("IEEPA reciprocal", enc_r, t.get(("ieepa", "reciprocal"), 0) * 100),
                                    ("Section 122", enc_122, t.get(("s122", "section_122"), 0) * 100),
                                    ("Section 301 (present)", 1 if has301 else 0, 1 if ("s301", "china_301") in t else 0),
                                    ("Section 232 steel (7208)", max(steel or [0]), t.get(("s232", "steel"), 0) * 100)]:
                n_cmp += 1
                if abs(enc - trk) > 1e-9:
                    mism.append(f"{d} {iso} {label}: encoded {fmt(enc)} vs tracker {fmt(trk)}")
        out.append((d, n_cmp, mism))
    return out


# ------------------------------------------------------------------ checker for the 232 programmes beyond the metals
# (tracker tariff name, representative line, group the line's charge is in). Each snapshot's per-country
# rate is compared with the encoded rate of the line (a top_up row counts as its floor, as the tracker does).
CHECK_232 = [("autos", "87032301", "s232_autos"), ("auto_parts", "40111010", "s232_autos"),
             ("softwood_lumber", "44071100", "s232_wood"), ("wood_furniture", "9401614011", "s232_wood"),
             ("kitchen_cabinets", "9403409060", "s232_wood"), ("mhd_vehicles", "87012300", "s232_mhd"),
             ("mhd_parts", "8708995300", "s232_mhd"), ("buses", "87021031", "s232_mhd")]


def covers_line(r, hs, iso, d, preferential=False):
    return (in_force(r, d) and covers(r, iso) and (not r["hs"] or hs.startswith(r["hs"]))
            and not any(hs.startswith(x) for x in r["exclude_hs"].split())
            and not (preferential and r["not_with_preference"] == "true"))


def line_rate(rows, hs, iso, d, group, preferential=False):
    """The engine's steps 1, 3 and 4 for one line (no exemptions): the charging rate of `group`, or 0."""
    cov = [r for r in rows if r["warn_only"] == "false" and covers_line(r, hs, iso, d, preferential)]
    named = {r["group"] for r in cov} | {r["name"] for r in cov}   # yields_to names a group or a row
    live = [r for r in cov if r["group"] == group and not set(r["yields_to"].split()) & named]
    return max([float(r["rate_percent"]) for r in live] or [0])


def check_232(tr, rows):
    census_iso = {}
    for e in json.loads((tr / "statutory_rates/master_tariff_list.json").read_text()):
        for x in e["effective_date"]:
            if "census_code" in x and x["country_name"] in NAME_ISO:
                census_iso[x["census_code"]] = NAME_ISO[x["country_name"]]
    census_iso.update(CENSUS_ISO_EXTRA)
    pool = [r for r in rows if r["group"].startswith("s232")]
    out = []
    for snap in sorted(tr.glob("statutory_rates/tariff_rates_bnd_*.json")):
        data = json.loads(snap.read_text())
        d = data["policy_effective_date"]
        n, mism = 0, []
        for code, c in sorted(data.items()):
            if code == "policy_effective_date" or code not in census_iso:
                continue
            iso = census_iso[code]
            t = {x["tariff_name"]: x["tariff_rate"] for x in c["tariffs"] if x["tariff_authority"] == "s232"}
            for name, hs, group in CHECK_232:
                # CA/MX: the tracker's 0 on parts is the USMCA exemption; compare a preferential line
                pref = iso in ("CA", "MX") and name in ("auto_parts", "mhd_parts")
                enc, trk = line_rate(pool, hs, iso, d, group, pref), t.get(name, 0) * 100
                n += 1
                if abs(enc - trk) > 1e-9:
                    mism.append(f"{d} {iso} {name}: encoded {fmt(enc)} vs tracker {fmt(trk)}")
        out.append((d, n, mism))
    return out


def known_232(m):
    """The explained differences between the encoded 232 rates and the tracker's snapshots, else None."""
    d, iso, name = m.split()[:3]
    name = name.rstrip(":")
    if name in ("autos", "auto_parts") and iso in EU27 and EU_AUTO <= d < "2025-09-25":
        return "EU autos/parts at 15% from the retroactive 2025-08-01, the tracker from 2025-09-25"
    if iso == "KR" and KR_AUTO <= d < "2025-12-05" and name in ("autos", "auto_parts", "wood_furniture",
                                                                   "kitchen_cabinets", "softwood_lumber"):
        return "Korea deal from the retroactive 2025-11-01 (autos) / 2025-11-14 (wood), the tracker from 2025-12-05"
    if iso == "GB" and name == "autos" and m.endswith("encoded 7.5 vs tracker 10"):
        return "UK in-quota cars: +7.5% encoded, 10% all-in (with the 2.5% MFN) in the tracker"
    if iso == "GB" and name == "auto_parts" and m.endswith("encoded 25 vs tracker 10"):
        return "UK parts charged 25% with a warning: the 10% all-in needs use in UK automobiles"
    if name == "softwood_lumber" and m.endswith("encoded 10 vs tracker 15"):
        return "deal-country softwood at the CSMS 10% (with a warning), the tracker at 15%"
    return None


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    tr = Path(argv[1])
    outdir = Path(argv[argv.index("--out") + 1]) if "--out" in argv else Path(__file__).resolve().parents[1]
    usitc = Path(argv[argv.index("--usitc") + 1]) if "--usitc" in argv else tr.parent / "usitc"
    rows, exrows = generate(tr, usitc)
    verify_curated(LEGACY_HEADING_TEXT, "USITC HTS 2025 Basic Edition", usitc)
    verify_curated(ANNEX_HEADING_TEXT, "USITC HTS 2026 Revision 10", usitc)
    verify_curated(ANNEX_CANDIDATE_TEXT, "USITC HTS 2026 Revision 10", usitc)
    assert {h for v in ANNEX_CANDIDATES.values() for h in v.split()} | {"9903.82.17"} == set(ANNEX_CANDIDATE_TEXT)
    verify_curated(METAL_HEADING_TEXT, "USITC HTS 2026 Basic Edition", usitc)
    verify_curated(CANDIDATE_HEADING_TEXT, "USITC HTS 2026 Basic Edition", usitc)
    verify_curated(CANDIDATE_HEADING_TEXT_R10, "USITC HTS 2026 Revision 10", usitc)
    verify_curated(RU_SCOPE_TEXT, "USITC HTS 2026 Basic Edition", usitc)
    for edition in ("USITC HTS 2025 Basic Edition", "USITC HTS 2026 Basic Edition"):
        verify_curated(MX_SMELT_HEADING_TEXT, edition, usitc)
    gone = load_headings(usitc)   # the Mexican headings end the day before Revision 10, which has neither
    assert not any(lab == "USITC HTS 2026 Revision 10" for h in MX_SMELT_HEADING_TEXT for lab, _, _ in gone.get(h, []))
    assert {h for v in CANDIDATES.values() for h in v.split()} == set(CANDIDATE_HEADING_TEXT)
    mapped, unmapped = fill_headings(rows, usitc)
    print(f"headings from the USITC export: {len(mapped)} row series mapped, {len(unmapped)} left empty")
    for (name, origins, rate, top_up), (h, label) in sorted(mapped.items()):
        print(f"  mapped {name} [{origins if len(origins) < 12 else 'EU-27'}] {rate}%"
              f"{' all-in' if top_up == 'true' else ''} -> {h} ({label})")
    for (name, origins, rate, top_up), why in sorted(unmapped.items()):
        print(f"  not mapped {name} [{origins if len(origins) < 12 else origins[:11] + '...'}] {rate}%"
              f"{' all-in' if top_up == 'true' else ''}: {why}")
    problems = validate(rows)
    for p in problems[:50]:
        print("VALIDATION:", p)
    commit = (tr / "COMMIT").read_text().split()[0] if (tr / "COMMIT").exists() else "unknown"
    common = [
        "Generated by data/research/us_additional_import.py from The Budget Lab at Yale's Tariff Rate Tracker",
        f"(MIT licence, https://github.com/Budget-Lab-Yale/tariff-rate-tracker, commit {commit}) plus the curated",
        "programme table in the script (dates, rates, headings, citations). Research notes:",
        "data/research/us-additional-2026-12-07.md. Regenerate:",
        "  python3 data/research/us_additional_import.py /work/shared/reference/us-tariff/tracker",
        "effective_to is inclusive (last day in force); empty = open. Rates are percent of customs value.",
    ]
    if "--check-only" not in argv:
        write(outdir / "tariff_us_additional.csv", "additional_duty", COLS, rows, [
            "US additional duties by origin (Section 301 China, IEEPA fentanyl/reciprocal/Brazil/India 2025-02-04..",
            "2026-02-23, Section 122 2026-02-24..2026-07-23, Section 232 metals, automobiles and parts, wood,",
            "medium/heavy vehicles and buses; semiconductors and pharmaceuticals as warnings). Section 232 metals",
            "to 2025-03-11: the 2018 duties (9903.80.01/.03, 9903.85.01/.03) with the country arrangements that",
            "Proclamations 10895/10896 ended on 2025-03-12 (exempt, or warnings: quotas, melt and pour, Ukraine).",
            "stacking highest_in_group: only the highest covering row of the group applies (overlapping 301 lists;",
            "baseline vs country reciprocal rates); top_up=true: rate is a floor on MFN + this duty;",
            "yields_to: not applied to a line covered by a charging row of a named group or name (reciprocal, s122,",
            "Brazil, India yield to every 232 group: EO 14257 s.3(b), EO 14323, 9903.03.06; 232 metals and wood",
            "yield to s232_autos and s232_mhd, autos to s232_mhd; CA/MX fentanyl to autos, wood, MHD: EO 14289,",
            "Proclamations 10976, 10984; 232 steel/aluminium to the CA/MX fentanyl rows to 2025-06-03 and those",
            "rows to 232 steel/aluminium from 2025-06-04: EO 14289 sec. 3, Proclamation 10947, CBP CSMS #65054270,",
            "#65236574). warn_only rows add a warning, no charge.",
        ] + common)
        write(outdir / "tariff_us_exemptions.csv", "duty_exemption", EX_COLS, exrows, [
            "Product exemptions from US additional duties: IEEPA Annex II (9903.01.32), deal-country floor",
            "exemptions (9903.02.74-.86), Brazil EO 14323 annex, Canada/Mexico fentanyl carve-outs (lines charged",
            "at 10% by their own rows), Section 122 annex (9903.03.03-.05). duty = group or row name spared.",
        ] + common)
        print(f"wrote {len(rows)} additional_duty rows, {len(exrows)} duty_exemption rows")
    for d, n, mism in check(tr, rows):
        # known convention difference: the tracker zeroes IEEPA from the ruling date (2026-02-20,
        # ieepa_invalidation_policy_date); the encoded rows run to the last day CBP collected (2026-02-23)
        known = [m for m in mism if d == "2026-02-20" and " IEEPA " in m and m.endswith("vs tracker 0")]
        other = [m for m in mism if m not in known]
        print(f"check {d}: {n} comparisons, {len(other)} mismatches"
              + (f" (+{len(known)} IEEPA rows still in force on 2026-02-20..23: CBP collected until 2026-02-23, "
                 "the tracker zeroes IEEPA from the 2026-02-20 ruling)" if known else ""))
        for m in other:
            print("  " + m)
    for d, n, mism in check_232(tr, rows):
        kinds = {}
        for m in mism:
            kinds.setdefault(known_232(m), []).append(m)
        other = kinds.pop(None, [])
        print(f"check 232 {d}: {n} comparisons, {len(other)} mismatches"
              + "".join(f" (+{len(v)} {k})" for k, v in sorted(kinds.items())))
        for m in other:
            print("  " + m)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
