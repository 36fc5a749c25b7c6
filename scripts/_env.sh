# Shared by scripts/serve and scripts/test: find Python 3.11+, create .venv, install the project.
# Usage: source scripts/_env.sh EXTRAS   (EXTRAS: "" or "test")
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${NIANBAO_VENV:-.venv}"
pick_python() {
  for p in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
    [ -n "$p" ] || continue
    if command -v "$p" >/dev/null 2>&1 &&
       "$p" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$p"; return 0
    fi
  done
  echo "nianbao needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
  return 1
}
if [ ! -x "$VENV/bin/python" ]; then
  PY="$(pick_python)"
  echo "creating $VENV with $PY" >&2
  "$PY" -m venv "$VENV"
fi
extras="${1:-}"
stamp="$VENV/.installed${extras:+-$extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "installing nianbao${extras:+[$extras]} into $VENV" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".${extras:+[$extras]}"
  touch "$stamp"
fi
