"""Splink on the identity benchmark's lists, for comparison (run by ``bench.identity --splink``).

``PYTHON -m bench.identity_splink PREPARED.csv PAIRS.csv`` with an interpreter that has Splink
(``pip install splink``: it brings DuckDB; not a dependency of Maillage). ``PREPARED.csv``
holds
both lists as ``bench.identity`` prepared them — the same normalised names (the words of
:func:`importers.names.name_tokens`), INSEE communes, départements, points and web domains the
project's own score sees — so that the comparison is of the models, not of the cleaning.
Written: every predicted A–B pair with its match probability (``PAIRS.csv``).

The model, as Splink's documentation builds one: link only, blocking on the département, on
the first word of the name and on the SIREN, comparisons on the name (exact with term-frequency
adjustment, Jaro-Winkler 0.92 / 0.8), the commune (exact, term frequencies), the distance
between points (1, 5, 20 km), the website and the SIREN (exact); u estimated by random
sampling, m by expectation maximisation blocked on the name and on the commune. Its pairs are
decided with the project's thresholds (0.99 merged, 0.5 held).
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path
from typing import Any


def main(prepared: Path, pairs: Path) -> None:
    # only in an interpreter with Splink (not a dependency of the project)
    import duckdb  # type: ignore[import-not-found, unused-ignore]
    import splink.comparison_library as cl  # type: ignore[import-not-found, unused-ignore]
    from splink import (  # type: ignore[import-not-found, unused-ignore]
        DuckDBAPI,
        Linker,
        SettingsCreator,
        block_on,
    )

    con = duckdb.connect()
    rel = con.read_csv(str(prepared), header=True, delimiter=";")
    con.register("prepared", rel)
    db_api = DuckDBAPI(con)
    a = db_api.register(
        con.sql("SELECT * FROM prepared WHERE source = 'a'"), dataset_display_name="liste_a"
    )
    b = db_api.register(
        con.sql("SELECT * FROM prepared WHERE source = 'b'"), dataset_display_name="liste_b"
    )
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("departement"),
            block_on("first_word"),
            block_on("siren"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.92, 0.8]).configure(
                term_frequency_adjustments=True
            ),
            cl.ExactMatch("commune").configure(term_frequency_adjustments=True),
            cl.DistanceInKMAtThresholds("latitude", "longitude", [1, 5, 20]),
            cl.ExactMatch("web"),
            cl.ExactMatch("siren"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    start = time.perf_counter()
    linker = Linker([a, b], settings, log_level=30)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("commune"))
    predicted = linker.inference.predict(threshold_match_probability=0.01)
    rows: list[Any] = predicted.as_duckdbpyrelation().fetchall()
    columns = list(predicted.as_duckdbpyrelation().columns)
    seconds = time.perf_counter() - start
    with pairs.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(("a", "b", "probability"))
        for row in rows:
            r = dict(zip(columns, row, strict=True))
            left, right = str(r["unique_id_l"]), str(r["unique_id_r"])
            a_key, b_key = (
                (left, right) if r["source_dataset_l"] < r["source_dataset_r"] else (right, left)
            )
            writer.writerow((a_key, b_key, r["match_probability"]))
    print(f"splink: {len(rows)} pairs predicted in {seconds:.1f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
