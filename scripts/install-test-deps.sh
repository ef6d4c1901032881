#!/usr/bin/env bash
# Install what the browser tests (tests/web, marker `browser`) need, idempotently:
#   - Debian's headless Chromium and its WebDriver (apt packages `chromium`, `chromium-driver`);
#   - the Selenium client in the project's virtualenv (PyPI `selenium`, pinned below).
# Nothing is downloaded when everything is already there. Run as root (or with sudo) on Debian /
# Ubuntu; the lead's `.ci/run` calls it before the test suite.
#   scripts/install-test-deps.sh            # apt packages + selenium into ./.venv (if present)
#   PYTHON=/path/to/python scripts/install-test-deps.sh
set -euo pipefail

SELENIUM_VERSION="4.51.0"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
# pdftotext: the territory sheet's tests read the PDF with it too (and with pypdf)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
if ((${#need_apt[@]})); then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "install-test-deps: apt-get not found; install ${need_apt[*]} by hand" >&2
        exit 1
    fi
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "install-test-deps: installing ${need_apt[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    # refresh the package lists only when they are missing or older than a day
    if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
        $sudo apt-get update -q
    fi
    $sudo apt-get install -y -q --no-install-recommends "${need_apt[@]}" fonts-dejavu-core
else
    echo "install-test-deps: chromium, chromium-driver and poppler-utils already installed"
fi

python="${PYTHON:-}"
if [ -z "$python" ]; then
    if [ -x "$here/.venv/bin/python" ]; then python="$here/.venv/bin/python"; else python="python3"; fi
fi
if "$python" -c "import selenium, sys; sys.exit(selenium.__version__ != '$SELENIUM_VERSION')" 2>/dev/null; then
    echo "install-test-deps: selenium $SELENIUM_VERSION already installed"
else
    echo "install-test-deps: installing selenium==$SELENIUM_VERSION with $python"
    "$python" -m pip install -q "selenium==$SELENIUM_VERSION"
fi

# (Debian's chromium wrapper script may print a harmless shell warning on stderr)
chromium --version 2>/dev/null
chromedriver --version
