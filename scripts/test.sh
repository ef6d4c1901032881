#!/usr/bin/env bash
# Run Maillage's test suite, in one of two lanes:
#
#   bash scripts/test.sh            the full run: every test, on the in-memory store and on the
#                                   real servers (embedded ArcadeDB; Neo4j when a Docker engine
#                                   answers), the browser tests in Debian's Chromium, slow tests
#   bash scripts/test.sh --fast     unit tests and the contract suite on the in-memory store: no
#                                   JVM, no browser, nothing marked slow (under a minute here)
#
# The full run installs what the tests need beyond the package (idempotent): the pinned npm
# tooling (Compose schema, front-end build) and Debian's Chromium. Other arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

fast=false
args=()
for arg in "$@"; do
    if [ "$arg" = "--fast" ]; then fast=true; else args+=("$arg"); fi
done

[ -x .venv/bin/python ] || bash scripts/setup.sh
if $fast; then
    exec .venv/bin/python -m pytest -m "not arcadedb and not neo4j and not browser and not slow" \
        ${args[@]+"${args[@]}"}
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
if [ -f scripts/install-test-deps.sh ]; then
    bash scripts/install-test-deps.sh
fi
exec .venv/bin/python -m pytest ${args[@]+"${args[@]}"}
