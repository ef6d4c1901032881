"""The projection: canonical build, date conversion, snapshots, the cache (no database)."""

from __future__ import annotations

import gc
import logging
import os
import pickle
import random
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from graph_model.errors import InvalidDates
from queries.cache import ProjectionCache
from queries.projection import (
    SNAPSHOT_FORMAT,
    Projection,
    build_projection,
    load_snapshot,
    save_snapshot,
)

if TYPE_CHECKING:
    from tests.queries.analytics.conftest import Graphs


def rows(projection: Projection) -> tuple[list[Any], list[Any]]:
    graph = projection.graph
    return list(graph.nodes(data=True)), list(graph.edges(keys=True, data=True))


def test_build_is_canonical_whatever_the_row_order(example: Projection) -> None:
    graph = example.graph
    actors = [
        {
            "id": a,
            "latitude": d["lat"],
            "longitude": d["lon"],
            "location_precision": "exact" if d["precise"] else "commune",
            **d,
        }
        for a, d in graph.nodes(data=True)
    ]
    links = [
        {"id": k, "source": u, "target": v, **d} for u, v, k, d in graph.edges(keys=True, data=True)
    ]
    rng = random.Random(0)
    for _ in range(4):
        rng.shuffle(actors)
        rng.shuffle(links)
        again = Projection.from_records(actors, links, version=1)
        assert list(again.graph) == sorted(again.graph)
        assert rows(again) == rows(example)
        assert [list(again.graph._succ[a]) for a in again.graph] == [
            list(graph._succ[a]) for a in graph
        ]


def test_records_are_converted(graphs: type[Graphs]) -> None:
    projection = Projection.from_records(
        [
            {"id": "a-1", "kind": "Organisation", "name": "Un", "latitude": "45.5",
             "longitude": 4, "location_precision": "exact", "themes": ["x", "y"], "level": ""},
            {"id": "a-2", "kind": "Network", "name": None, "themes": None, "methods": ["m"]},
        ],
        [
            {"id": "l-1", "kind": "MEMBER_OF", "source": "a-1", "target": "a-2",
             "since": date(2019, 3, 1), "until": "2021-01-31", "sources": ['{"a": 1}']},
            {"id": "l-2", "kind": "FUNDS", "source": "a-1", "target": "a-ghost"},
            {"id": "l-3", "kind": "FUNDS", "source": "a-1", "target": "a-1"},
        ],
        version=7,
    )  # fmt: skip
    nodes = projection.graph.nodes
    assert nodes["a-1"]["lat"] == 45.5
    assert nodes["a-1"]["precise"] is True
    assert nodes["a-1"]["themes"] == frozenset({"x", "y"})
    assert nodes["a-1"]["level"] is None
    assert nodes["a-2"]["name"] == "a-2"
    assert nodes["a-2"]["methods"] == frozenset({"m"})
    assert nodes["a-2"]["precise"] is False
    edge = projection.graph.edges["a-1", "a-2", "l-1"]
    assert edge["since"] == date(2019, 3, 1)
    assert type(edge["since"]) is date
    assert edge["until"] == date(2021, 1, 31)
    assert edge["sources"] == ('{"a": 1}',)
    assert projection.graph.number_of_edges() == 1  # the dangling and the self link skipped
    assert projection.version == 7
    with pytest.raises(InvalidDates) as caught:
        Projection.from_records(
            [{"id": "a-1", "kind": "Project"}, {"id": "a-2", "kind": "Project"}],
            [{"id": "l", "kind": "FUNDS", "source": "a-1", "target": "a-2", "since": "2019-31-01"}],
        )
    assert caught.value.field == "since"


def test_snapshot_round_trip(example: Projection, tmp_path: Path) -> None:
    path = tmp_path / "snap" / "projection.snapshot"
    written = save_snapshot(example, path)
    assert written == path.stat().st_size
    loaded = load_snapshot(path, expected_version=1)
    assert loaded is not None
    assert loaded.version == 1
    assert rows(loaded) == rows(example)
    assert loaded.graph.succ["org-marseille"].keys() == example.graph.succ["org-marseille"].keys()
    assert loaded.graph.pred["ab-ess-france"].keys() == example.graph.pred["ab-ess-france"].keys()
    assert load_snapshot(path) is not None
    assert not list(path.parent.glob("*.tmp"))


def _corrupt(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[-10] ^= 0xFF
    path.write_bytes(bytes(raw))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-100])


def _foreign(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04 not a snapshot")


def _other_format(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    start = len(b"MAILLAGE-PROJECTION\n")
    raw[start : start + 4] = struct.pack("<I", SNAPSHOT_FORMAT + 1)
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_corrupt, "corrupt"),
        (_truncate, "corrupt"),
        (_foreign, "not a Maillage"),
        (_other_format, "format"),
    ],
)
def test_damaged_snapshots_are_ignored_with_a_warning(
    example: Projection, tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: Any, message: str
) -> None:
    path = tmp_path / "projection.snapshot"
    save_snapshot(example, path)
    damage(path)
    with caplog.at_level(logging.WARNING, logger="queries.projection"):
        assert load_snapshot(path) is None
    assert message in caplog.text


def test_a_snapshot_at_another_version_is_ignored(
    example: Projection, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "projection.snapshot"
    save_snapshot(example, path)
    with caplog.at_level(logging.WARNING, logger="queries.projection"):
        assert load_snapshot(path, expected_version=2) is None
    assert "graph version 1, the store is at 2" in caplog.text
    assert load_snapshot(tmp_path / "missing.snapshot") is None


class _Boom:
    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, ("echo owned > /dev/null",))


def test_a_tampered_snapshot_cannot_run_code(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    payload = pickle.dumps(({}, {}, {"a": _Boom()}, {}))
    header = b"MAILLAGE-PROJECTION\n" + struct.pack(
        "<IQQI", SNAPSHOT_FORMAT, 1, len(payload), zlib.crc32(payload)
    )
    path = tmp_path / "projection.snapshot"
    path.write_bytes(header + payload)
    with caplog.at_level(logging.WARNING, logger="queries.projection"):
        assert load_snapshot(path) is None
    assert "not allowed" in caplog.text


class FakeStore:
    """The part of the port a projection reads: a version and two streams, counting pulls."""

    def __init__(self, projection: Projection, version: int = 1) -> None:
        self.projection = projection
        self.current = version
        self.pulls = 0
        self.lock = threading.Lock()

    def graph_version(self) -> int:
        return self.current

    def _pulled(self) -> None:
        with self.lock:
            self.pulls += 1
        time.sleep(0.01)  # long enough for concurrent callers to pile up

    def stream_actors(self) -> Iterator[dict[str, Any]]:
        self._pulled()
        for actor, d in self.projection.graph.nodes(data=True):
            yield {
                "id": actor,
                "kind": d["kind"],
                "name": d["name"],
                "legal_form": d["legal_form"],
                "level": d["level"],
                "commune": d["commune"],
                "departement": d["departement"],
                "region": d["region"],
                "epci": d["epci"],
                "latitude": d["lat"],
                "longitude": d["lon"],
                "location_precision": "exact" if d["precise"] else "commune",
                "themes": sorted(d["themes"]),
                "methods": sorted(d["methods"]),
            }

    def stream_links(self) -> Iterator[dict[str, Any]]:
        self._pulled()
        for u, v, key, d in self.projection.graph.edges(keys=True, data=True):
            yield {
                "id": key,
                "kind": d["kind"],
                "source": u,
                "target": v,
                "subkind": d["subkind"],
                "since": d["since"],
                "until": d["until"],
                "sources": list(d["sources"]),
            }


def test_build_projection_from_a_store(example: Projection) -> None:
    store = FakeStore(example, version=9)
    built = build_projection(store)
    assert built.version == 9
    assert rows(built) == rows(example)


def test_cache_rebuilds_only_when_the_version_moves(example: Projection, tmp_path: Path) -> None:
    store = FakeStore(example)
    cache = ProjectionCache(tmp_path, freeze=False)
    first = cache.get(store)
    assert store.pulls == 2
    assert cache.get(store) is first
    assert store.pulls == 2
    store.current = 2
    second = cache.get(store)
    assert second.version == 2
    assert store.pulls == 4
    assert cache.current is second


def test_check_interval_spares_version_reads(example: Projection) -> None:
    class Counting(FakeStore):
        asked = 0

        def graph_version(self) -> int:
            self.asked += 1
            return self.current

    store = Counting(example)
    cache = ProjectionCache(freeze=False, check_interval=60.0)
    first = cache.get(store)
    asked = store.asked
    store.current = 2
    assert cache.get(store) is first  # within the interval: the store is not asked
    assert store.asked == asked
    assert ProjectionCache(freeze=False).get(store).version == 2


def test_a_restart_starts_from_the_snapshot(example: Projection, tmp_path: Path) -> None:
    store = FakeStore(example, version=3)
    ProjectionCache(tmp_path, freeze=False).get(store)
    assert store.pulls == 2
    restarted = ProjectionCache(tmp_path, freeze=False)
    warm = restarted.get(store)
    assert store.pulls == 2  # nothing pulled over Bolt
    assert rows(warm) == rows(example)
    store.current = 4  # the graph changed while the process was down
    ProjectionCache(tmp_path, freeze=False).get(store)
    assert store.pulls == 4


def test_concurrent_callers_share_one_rebuild(example: Projection) -> None:
    store = FakeStore(example)
    cache = ProjectionCache(freeze=False)
    results: list[Projection] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(store))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.pulls == 2
    assert len({id(p) for p in results}) == 1


def test_the_cache_freezes_its_projection_out_of_the_collector(example: Projection) -> None:
    store = FakeStore(example)
    cache = ProjectionCache()
    try:
        first = cache.get(store)
        assert gc.get_freeze_count() > 0
        store.current = 2
        second = cache.get(store)  # the old one is unfrozen, collected, the new one frozen
        assert second is not first
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_derived_indexes_are_built_once(example: Projection) -> None:
    calls: list[int] = []

    def build(projection: Projection) -> int:
        calls.append(1)
        return int(projection.graph.number_of_nodes())

    assert example.derived("count", build) == 7
    assert example.derived("count", build) == 7
    assert calls == [1]
    assert "version=1" in repr(example)
