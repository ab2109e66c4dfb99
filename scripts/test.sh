#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, then lint and pytest.
# Debian's chromium drives the browser tests (Playwright's own browser download is not used).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: chromium (browser tests), a Java runtime (the Nu HTML checker), node and npm (Lighthouse),
# hugo (the benchmark builds the same corpus with it; a test checks that its site matches ours)
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium fonts-dejavu-core"
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
command -v hugo >/dev/null 2>&1 || missing="$missing hugo"
if [ -n "$missing" ]; then
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq $missing >/dev/null
fi

# Lighthouse, pinned, from the npm registry, beside the project (not global)
[ -x .tools/node_modules/.bin/lighthouse ] || npm install --prefix .tools lighthouse@12.2.3 --no-audit --no-fund --silent

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e '.[test]'

.venv/bin/ruff check survey tests scripts benchmarks
.venv/bin/ruff format --check survey tests scripts benchmarks
SURVEY_REQUIRE_BROWSER=1 .venv/bin/python -m pytest "$@"
