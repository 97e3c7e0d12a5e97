"""Rebuild ``kg/data/countries.tsv``: the world's countries and territories by their standard Chinese names.

Not imported by ``kg`` at run time. The names are CLDR's (Unicode Common Locale Data Repository, the ``zh``
locale's territory names), read through the ``babel`` package, which ships CLDR. Only two-letter ISO 3166
regions are kept; China itself and its special administrative regions and Taiwan are left out (the divisions
file covers them), as are groupings that are not places (欧盟, 联合国, 欧元区) and CLDR's pseudo regions.

Usage (from the repository root, with ``pip install babel``)::

    python kg/data/countries_build.py

The output is sorted by code and deterministic for a given babel version (written in the file's header).
"""

from __future__ import annotations

from pathlib import Path

NOT_FOREIGN = {"CN", "HK", "MO", "TW"}
NOT_PLACES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


def main() -> None:
    import babel
    from babel import Locale

    names = Locale("zh").territories
    rows = sorted((code, name) for code, name in names.items()
                  if len(code) == 2 and code.isalpha() and code not in NOT_FOREIGN | NOT_PLACES)
    out = Path(__file__).with_name("countries.tsv")
    header = [f"# Countries and territories outside China, CLDR zh names via babel {babel.__version__}",
              "# (kg/data/countries_build.py). Columns: ISO 3166-1 alpha-2 code<TAB>Chinese name"]
    out.write_text("\n".join(header + [f"{c}\t{n}" for c, n in rows]) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(rows)} countries and territories")


if __name__ == "__main__":
    main()
