#!/usr/bin/env python3
"""Generate data/gazetteer/countries.tsv and data/gazetteer/fr_subdivisions.tsv from Debian's iso-codes.

Source: Debian package `iso-codes` (LGPL-2.1-or-later), files
/usr/share/iso-codes/json/iso_3166-1.json, iso_3166-2.json and the French translations
/usr/share/locale/fr/LC_MESSAGES/iso_3166-1.mo (read with `gettext`).

    apt-get install -y iso-codes && python3 scripts/gen-gazetteer.py

Columns: entity_id, type, canonical, aliases (`|`-separated). The ISO French name is often in inverted
"catalogue" form ("Russie, Fédération de"); EXTRA gives the usual news form and common variants.
"""
import gettext
import json
import os
import sys

ISO = os.environ.get("ISO_CODES_DIR", "/usr/share/iso-codes/json")
LOCALE = os.environ.get("ISO_CODES_LOCALE", "/usr/share/locale")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "gazetteer")

# alpha-2 -> (canonical French news name, extra aliases). Canonical replaces the ISO name when given.
EXTRA = {
    "RU": ("Russie", ["Fédération de Russie"]),
    "US": ("États-Unis", ["Etats-Unis", "USA", "Amérique"]),
    "GB": ("Royaume-Uni", ["Grande-Bretagne", "Angleterre"]),
    "KR": ("Corée du Sud", ["République de Corée"]),
    "KP": ("Corée du Nord", ["République populaire démocratique de Corée"]),
    "IR": ("Iran", []),
    "SY": ("Syrie", []),
    "TW": ("Taïwan", ["Taiwan"]),
    "CN": ("Chine", ["République populaire de Chine", "Chine populaire"]),
    "VN": ("Viêt Nam", ["Vietnam", "Viet Nam", "Viêt-nam"]),
    "LA": ("Laos", []),
    "MD": ("Moldavie", ["Moldova"]),
    "TZ": ("Tanzanie", []),
    "VE": ("Venezuela", ["Vénézuéla"]),
    "BO": ("Bolivie", []),
    "CD": ("République démocratique du Congo", ["RDC", "RD Congo", "Congo-Kinshasa"]),
    "CG": ("Congo", ["Congo-Brazzaville"]),
    "VA": ("Vatican", ["Saint-Siège", "Cité du Vatican"]),
    "PS": ("Palestine", ["Territoires palestiniens"]),
    "MK": ("Macédoine du Nord", ["Macédoine"]),
    "CZ": ("Tchéquie", ["République tchèque"]),
    "NL": ("Pays-Bas", ["Hollande"]),
    "MM": ("Birmanie", ["Myanmar"]),
    "CI": ("Côte d'Ivoire", []),
    "FM": ("Micronésie", []),
    "BN": ("Brunei", ["Brunéi Darussalam"]),
    "SZ": ("Eswatini", ["Swaziland"]),
    "CV": ("Cap-Vert", ["Cabo Verde"]),
    "TL": ("Timor oriental", ["Timor-Leste"]),
    "FK": ("Malouines", ["îles Malouines", "Falkland"]),
    "VG": ("Îles Vierges britanniques", []),
    "VI": ("Îles Vierges des États-Unis", []),
    "BQ": ("Pays-Bas caribéens", ["Bonaire", "Saba", "Saint-Eustache"]),
    "SH": ("Sainte-Hélène", []),
    "TR": ("Turquie", ["Türkiye"]),
    "BY": ("Biélorussie", ["Bélarus", "Belarus"]),
    "KG": ("Kirghizistan", ["Kirghizstan"]),
    "AE": ("Émirats arabes unis", ["Emirats arabes unis", "EAU"]),
    "SA": ("Arabie saoudite", ["Arabie Saoudite"]),
    "ZA": ("Afrique du Sud", []),
    "CF": ("Centrafrique", ["République centrafricaine"]),
    "DO": ("République dominicaine", []),
    "EG": ("Égypte", ["Egypte"]),
    "ER": ("Érythrée", ["Erythrée"]),
    "EC": ("Équateur", ["Equateur"]),
    "ET": ("Éthiopie", ["Ethiopie"]),
    "GQ": ("Guinée équatoriale", []),
    "IL": ("Israël", ["Israel"]),
    "KZ": ("Kazakhstan", []),
    "LY": ("Libye", []),
    "UA": ("Ukraine", []),
    "RE": ("La Réunion", ["Réunion", "île de la Réunion"]),
    "XK": ("Kosovo", []),
}
# Not in ISO 3166-1 but used as countries in the news.
ADDED = [("XK", "Kosovo")]


def uninvert(name):
    """'Russie, Fédération de' -> 'Fédération de Russie'; 'Åland, Îles' -> 'Îles Åland'."""
    if "," not in name:
        return name
    if name.count(",") != 1:
        return None
    head, tail = (x.strip() for x in name.split(","))
    if tail.endswith("'"):
        return f"{tail}{head}"
    if tail.split()[-1] in ("de", "du", "des") or tail in ("Île", "Îles", "île", "îles"):
        return f"{tail} {head}"
    return None  # 'Taïwan, province de Chine': no natural re-ordering


def tsv_row(eid, typ, canonical, aliases):
    seen, out = {canonical}, []
    for a in aliases:
        a = (a or "").strip()
        if a and a not in seen and "," not in a and "(" not in a:
            seen.add(a)
            out.append(a)
    return f"{eid}\t{typ}\t{canonical}\t{'|'.join(out)}\n"


def main():
    tr = gettext.translation("iso_3166-1", localedir=LOCALE, languages=["fr"])
    countries = json.load(open(os.path.join(ISO, "iso_3166-1.json"), encoding="utf-8"))["3166-1"]
    rows = []
    for c in countries:
        a2 = c["alpha_2"]
        names = [uninvert(tr.gettext(c["name"]))]
        for key in ("common_name", "official_name"):
            if key in c:
                names.append(uninvert(tr.gettext(c[key])))
        canonical, extra = EXTRA.get(a2, (None, []))
        if canonical is None:
            canonical = next((n for n in [names[1] if "common_name" in c else None, names[0]] if n), None)
        if canonical is None:
            sys.exit(f"no usable French name for {a2}: {names}; add it to EXTRA")
        rows.append(tsv_row(f"country:{a2.lower()}", "LOC", canonical, names + extra))
    known = {c["alpha_2"] for c in countries}
    for a2, name in ADDED:
        if a2 not in known:
            canonical, extra = EXTRA.get(a2, (name, []))
            rows.append(tsv_row(f"country:{a2.lower()}", "LOC", canonical, extra))
    header = "# entity_id\ttype\tcanonical\taliases — generated by scripts/gen-gazetteer.py from Debian iso-codes (LGPL-2.1+)\n"
    with open(os.path.join(OUT, "countries.tsv"), "w", encoding="utf-8") as f:
        f.write(header)
        f.writelines(sorted(rows))

    subs = json.load(open(os.path.join(ISO, "iso_3166-2.json"), encoding="utf-8"))["3166-2"]
    rows = []
    for s in subs:
        if not s["code"].startswith("FR-"):
            continue
        name = s["name"]
        if "," in name or "(" in name:
            continue
        rows.append(tsv_row(f"fr-sub:{s['code'][3:].lower()}", "LOC", name, []))
    with open(os.path.join(OUT, "fr_subdivisions.tsv"), "w", encoding="utf-8") as f:
        f.write(header)
        f.writelines(sorted(rows))


if __name__ == "__main__":
    main()
