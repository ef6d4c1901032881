#!/usr/bin/env bash
# Install Maillage in ./.venv (Python >= 3.11): the package, its embedded graph server
# (arcadedb-embedded bundles its own Java runtime) and the development tools.
# Idempotent: re-running it updates the installation.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Maillage needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
    exit 2
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
echo "installed: $(.venv/bin/maillage --help >/dev/null && echo 'maillage' ) in .venv"
