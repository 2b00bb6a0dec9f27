#!/usr/bin/env bash
# make test: the whole check, as CI runs it (CI=true, no stdin). Exit code != 0 on any failure.
#   1. bootstrap the venv (cached), Debian packages + web/ npm when missing
#   2. rasa data validate (errors fail; warnings are printed)
#   3. train the model if its inputs changed (cached; log in reports/train.log)
#   4. make lint (ruff, shellcheck, yamllint) and make types (mypy)
#   5. pytest tests/  (exit code 5 = "no tests collected" is a failure)
# Conversations are tested through the REST channel with the action server running (tests/integration,
# tests/scenarios), not with `rasa test core`, which replays stories without calling the action server.
# Extra pytest arguments: OPSW_PYTEST_ARGS="-k lock -x" make test
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$OPSW_ROOT"
export CI="${CI:-true}"
start=$SECONDS

bash scripts/bootstrap.sh
bash scripts/system_deps.sh
source scripts/servers.sh

# free ports for the servers this script starts (never collides with a running `make run`)
free_port() { "$OPSW_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
OPSW_ACTION_PORT="$(free_port)"
export OPSW_ACTION_PORT
export OPSW_ACTION_URL="http://127.0.0.1:${OPSW_ACTION_PORT}/webhook"
export OPSW_TRACKER_DB_URL="sqlite:///$OPSW_ROOT/var/test-trackers.db"
trap 'opsw_stop_all' EXIT

mkdir -p reports
declare -A status=()
failed=0
step() { status["$1"]="$2"; [[ "$2" == FAIL* ]] && failed=1; return 0; }

echo "==> rasa data validate"
DOMAIN="$(opsw_domain_path)"
if "$OPSW_RASA" data validate --config config.yml --domain "$DOMAIN" --data data 2>&1 | tee reports/validate.log; then
  step validate ok
else
  step validate FAIL
fi
if grep -q "UserWarning" reports/validate.log; then
  echo "   (warnings above; not failing on them)"
fi

echo "==> train (if needed; log: reports/train.log)"
if ! "$OPSW_PY" scripts/train_if_needed.py > reports/train.out 2> reports/train.log; then
  grep -vE 'Processed|Epochs|Warning|warn\(' reports/train.log | tail -n 40 >&2 || true
  opsw_die "training failed (full log: reports/train.log); fix the data (rasa data validate) and rerun"
fi
grep '^\[opsw\]' reports/train.log || true

echo "==> lint (ruff, shellcheck, yamllint) and types (mypy)"
if make --no-print-directory -o bootstrap lint; then step lint ok; else step lint FAIL; fi
if make --no-print-directory -o bootstrap types; then step types ok; else step types FAIL; fi

echo "==> pytest tests/"
set +e
read -r -a extra <<< "${OPSW_PYTEST_ARGS:-}"
"$OPSW_PY" -m pytest tests "${extra[@]}" --junitxml=reports/pytest.xml -p no:cacheprovider
rc=$?
set -e
case $rc in
  0) step pytest ok ;;
  5) step pytest "FAIL (no tests were collected: exit 5)" ;;
  *) step pytest "FAIL (exit $rc)" ;;
esac

echo
echo "==> summary ($((SECONDS - start))s)"
for k in validate lint types pytest; do printf '   %-9s %s\n' "$k" "${status[$k]:-not run}"; done
# plain closing line with the pytest counts
"$OPSW_PY" - <<'PY' || true
import xml.etree.ElementTree as ET
try:
    root = ET.parse("reports/pytest.xml").getroot()
except Exception:
    print("tests: 0 passed, 1 failed"); raise SystemExit
suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
t = sum(int(s.get("tests", 0)) for s in suites)
f = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
sk = sum(int(s.get("skipped", 0)) for s in suites)
print(f"tests: {t - f - sk} passed, {f} failed, {sk} skipped")
PY
exit $failed
