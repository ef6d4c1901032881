#!/usr/bin/env bash
# Run Maillage's test suite. Installs what the tests need beyond the package (idempotent):
# the pinned npm tooling (Compose schema, front-end build) and, for the browser tests,
# Debian's Chromium. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x .venv/bin/python ] || bash scripts/setup.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
if [ -f scripts/install-test-deps.sh ]; then
    bash scripts/install-test-deps.sh
fi
exec .venv/bin/python -m pytest "$@"
