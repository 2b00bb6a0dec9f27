#!/usr/bin/env bash
# Regenerate requirements.lock: resolve requirements.txt in a throw-away Python 3.10 venv,
# check it (pip check, spaCy model loads) and write the full freeze. Review the diff, then commit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$OPSW_ROOT"
PY310="${PYTHON:-$(readlink -f .venv)/bin/python}"
"$PY310" -c 'import sys; assert sys.version_info[:2] == (3, 10)' || opsw_die "set PYTHON=/path/to/python3.10"
base="$("$PY310" -c 'import sys; print(sys.base_prefix)')/bin/python3.10"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
"$base" -m venv "$tmp/v"
"$tmp/v/bin/pip" install --quiet --upgrade 'pip>=23,<27'
"$tmp/v/bin/pip" install --quiet -r requirements.txt
"$tmp/v/bin/pip" check
{ echo "# Full pinned set (pip freeze of a working Python 3.10 venv). Used as constraints:"
  echo "#   pip install -r requirements.txt -c requirements.lock"
  echo "# Regenerate: make lock (see README). nl_core_news_sm is installed separately (scripts/bootstrap.sh)."
  "$tmp/v/bin/pip" freeze --all | grep -viE '^(pip|nl[-_]core[-_]news[-_]sm)[=@ ]'
} > requirements.lock
opsw_log "requirements.lock written ($(grep -vc '^#' requirements.lock) packages); run make test before committing"
