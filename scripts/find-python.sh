#!/usr/bin/env bash
# Prints a Python 3.12+ interpreter: the version pinned in .python-version if pyenv has it,
# then python3.13 / python3.12 on PATH, then python3 if it is new enough.
set -euo pipefail
pinned=$(cat "$(dirname "$0")/../.python-version")
candidates=("${PYENV_ROOT:-$HOME/.pyenv}/versions/$pinned/bin/python" python3.13 python3.12 python3)
for candidate in "${candidates[@]}"; do
  if command -v "$candidate" >/dev/null 2>&1 \
     && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    command -v "$candidate"
    exit 0
  fi
done
echo "Touchpoints needs Python 3.12 or newer (pinned: $pinned). Install it, e.g. 'pyenv install $pinned'." >&2
exit 1
