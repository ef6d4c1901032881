"""The web map's own CSV exports escape formulas (OWASP's rule), run by node on export.js.

The browser tests download the same files through Chromium; this one runs the module's
functions directly, so a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is checked on its own, fast and without a server.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

EXPORT_JS = Path(__file__).resolve().parents[2] / "web" / "static" / "js" / "export.js"

SCRIPT = """
import { actorsCSV, linksCSV } from "./export.mjs";
const actor = (id, name, lon) => ({
  id, name, kind: "association", lat: 45.1, lon, precision: "commune",
  themes: [{ id: "@theme" }], cluster: null,
});
const actors = [
  actor("a1", "=HYPERLINK(\\"http://evil.example\\",\\"clic\\")", -1.5),
  actor("a2", "+33 1 23", 2.0),
  actor("a3", "\\t=cmd|' /C calc'!A0", 2.0),
  actor("a4", "Ordinary - name", 2.0),
];
const links = [{ id: "l1", kind: "member_of", subkind: "-x", from: "a1", to: "a2",
  since: null, until: null }];
console.log(JSON.stringify({ actors: actorsCSV(actors), links: linksCSV(links) }));
"""


def test_the_maps_csv_escapes_formula_cells(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to run the web map's export module (apt: nodejs)")
    (tmp_path / "export.mjs").write_text(EXPORT_JS.read_text("utf-8"), "utf-8")
    (tmp_path / "run.mjs").write_text(SCRIPT, "utf-8")
    done = subprocess.run(
        [node, "run.mjs"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True
    )
    out = json.loads(done.stdout)
    actors = list(csv.DictReader(io.StringIO(out["actors"].lstrip("\ufeff"))))
    names = [row["name"] for row in actors]
    assert names == [
        '\'=HYPERLINK("http://evil.example","clic")',
        "'+33 1 23",
        "'\t=cmd|' /C calc'!A0",
        "Ordinary - name",
    ]
    assert actors[0]["longitude"] == "-1.5"  # a number is not text: left as it is
    assert actors[0]["themes"] == "'@theme"
    links = list(csv.DictReader(io.StringIO(out["links"].lstrip("\ufeff"))))
    assert links[0]["subkind"] == "'-x"
