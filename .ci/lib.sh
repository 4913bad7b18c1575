# Shared by .ci/dev and .ci/test: make the project's own virtual environment and
# install what the project declares, so nothing installed by hand is needed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

python_bin() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
      && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.11 or newer is required" >&2; return 1
}

# ensure_venv EXTRAS: create .venv and (re)install the package with EXTRAS when
# pyproject.toml changed since the last install. Without extras, an install of
# this pyproject.toml with any extras will do (it holds everything needed).
ensure_venv() {
  local extras="$1" stamp=".venv/.install-stamp-${1//,/-}" want
  [ -x .venv/bin/python ] || "$(python_bin)" -m venv .venv
  want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ -z "$extras" ] && grep -qxF "$want" .venv/.install-stamp-* 2>/dev/null; then
    return 0
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "==> installing shopgraph[$extras] into .venv (first run takes a minute or two)"
    .venv/bin/python -m pip install --quiet --upgrade pip
    if [ -n "$extras" ]; then
      .venv/bin/python -m pip install --quiet -e ".[$extras]"
    else
      .venv/bin/python -m pip install --quiet -e .
    fi
    echo "$want" > "$stamp"
  fi
}

# ensure_npm DIR: install DIR's locked npm packages when its lock file changed.
ensure_npm() {
  local dir="$1" stamp want
  [ -f "$dir/package-lock.json" ] || return 0
  command -v npm >/dev/null 2>&1 || { echo "npm (Node 20) is required for $dir" >&2; return 1; }
  stamp="$dir/node_modules/.install-stamp"
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "==> npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  fi
}

# ensure_chromium: Debian's Chromium for the GraphiQL browser test, installed
# through apt when it is missing (the machines run as root; apt is reachable).
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium is required for the GraphiQL browser test (Debian package chromium)" >&2
    return 1
  fi
  echo "==> apt-get install chromium (for the GraphiQL browser test)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq || true  # a stale package list still often works
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium
}
