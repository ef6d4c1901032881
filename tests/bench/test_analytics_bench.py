"""``python -m bench.analytics`` on a small movement: the command a reader of bench/RESULTS.md
runs prints every figure the results quote, each a number, and agrees with itself (the cluster
modularity of ours and of bare igraph are equal, as the results claim). It is not a timing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_analytics_benchmark_prints_its_figures() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.analytics", "--actors", "400", "--links", "2000",
         "--pairs", "30", "--seed", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    for figure in (
        "hops, unconstrained: ratio ours / bare (median, p99)",
        "hops, as_of + kinds + avoid, 1st pass: ratio ours / bare (median, p99)",
        "hops, as_of + kinds + avoid, 2nd pass: ratio ours / bare (median, p99)",
        "weighted: ratio ours / bare (median, p99)",
        "warm start, ProjectionCache.get (load + freeze) (s)",
    ):
        line = next((x for x in out.splitlines() if figure in x), None)
        assert line is not None, f"{figure!r} missing from:\n{out}"
        assert re.search(r"\d+\.\d+", line.split(figure, 1)[1]), line
    modularity = re.search(r"modularity bare / ours\s+([\d.]+) / ([\d.]+)", out)
    assert modularity is not None, out
    bare, ours = modularity.groups()
    assert float(ours) == float(bare) > 0
