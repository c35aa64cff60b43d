#!/usr/bin/env bash
# Type-check the package as installed (mypy cannot follow an editable install's path mapping):
# installs the working tree non-editable into a throwaway venv and runs mypy there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${PLANKG_TYPECHECK_VENV:-/tmp/plankg-typecheck}"
[ -x "$venv/bin/mypy" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q mypy; }
"$venv/bin/pip" install -q --no-deps --force-reinstall "$root" >/dev/null
"$venv/bin/pip" install -q "$root" >/dev/null
cd /tmp && "$venv/bin/mypy" --config-file "$root/pyproject.toml" -p plankg
