#!/usr/bin/env bash
# Create (or reuse) the project's Python 3.10 virtualenv and link it as .venv.
#
# The venv lives OUTSIDE the clone, in $OPSW_CACHE/venv-<hash>, where <hash> covers
# requirements.lock, requirements.txt, the Python version and the spaCy model source, so a fresh
# clone (CI) reuses a complete venv in a second. A marker file makes the fast path safe:
# a venv without the marker (interrupted install) is rebuilt. A lock file serialises
# concurrent bootstraps on one machine.
#
# Python 3.10 is found via: $PYTHON, pyenv (newest installed 3.10.x), python3.10 on PATH, uv.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$OPSW_ROOT"

is_py310() { [[ -x "$1" ]] && "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; }

find_python() {
  local cand v
  if [[ -n "${PYTHON:-}" ]]; then
    cand="$(command -v "$PYTHON" || true)"
    is_py310 "$cand" && { echo "$cand"; return; }
    opsw_log "PYTHON=$PYTHON is not Python 3.10; looking further"
  fi
  if command -v pyenv >/dev/null 2>&1; then
    v="$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10\.[0-9]+$' | sort -V | tail -1 || true)"
    if [[ -n "$v" ]]; then
      cand="$(pyenv prefix "$v")/bin/python"
      is_py310 "$cand" && { echo "$cand"; return; }
    fi
  fi
  for cand in python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    cand="$(command -v "$cand" 2>/dev/null || true)"
    [[ -n "$cand" ]] && is_py310 "$cand" && { echo "$cand"; return; }
  done
  if command -v uv >/dev/null 2>&1; then
    cand="$(uv python find 3.10 2>/dev/null || true)"
    if [[ -z "$cand" ]]; then
      opsw_log "asking uv to install Python 3.10"
      uv python install 3.10 >&2 || true
      cand="$(uv python find 3.10 2>/dev/null || true)"
    fi
    [[ -n "$cand" ]] && is_py310 "$cand" && { echo "$cand"; return; }
  fi
  return 1
}

PY310="$(find_python)" || opsw_die "Python 3.10 not found. Rasa 3.6 needs exactly Python 3.10.
  Install it (e.g. 'pyenv install 3.10.13', 'apt-get install python3.10' or 'uv python install 3.10')
  or point PYTHON=/path/to/python3.10 at it."
PYVER="$("$PY310" -c 'import platform; print(platform.python_version())')"

wheel_dir=""
if [[ -d "$OPSW_WHEELS" ]] && ls "$OPSW_WHEELS"/nl_core_news_sm-*.whl >/dev/null 2>&1; then
  wheel_dir="$(cd "$OPSW_WHEELS" && pwd)"
fi
spacy_src="download"
[[ -n "$wheel_dir" ]] && spacy_src="$(cd "$wheel_dir" && printf '%s\n' nl_core_news_sm-*.whl | sort | tail -1)"

hash="$( { cat requirements.lock requirements.txt; echo "python=$PYVER"; echo "nl_core=$spacy_src"; echo "machine=$(uname -m)"; } \
        | sha256sum | cut -c1-16)"
VENV="$OPSW_CACHE/venv-$hash"
MARKER="$VENV/.opsw-complete"

link_venv() {
  if [[ "$(readlink .venv 2>/dev/null || true)" != "$VENV" ]]; then
    if [[ -e .venv && ! -L .venv ]]; then opsw_die ".venv exists and is not a symlink; remove it (rm -rf .venv) and rerun"; fi
    ln -sfn "$VENV" .venv
  fi
}

if [[ -f "$MARKER" ]]; then
  link_venv
  opsw_log "venv ready (cached): .venv -> $VENV (Python $PYVER)"
  exit 0
fi

mkdir -p "$OPSW_CACHE"
exec 9>"$VENV.lock"
opsw_log "waiting for the venv lock ($VENV.lock) ..."
flock 9
if [[ -f "$MARKER" ]]; then   # somebody else finished it while we waited
  link_venv
  opsw_log "venv ready (built by a concurrent run): $VENV"
  exit 0
fi

start=$SECONDS
opsw_log "creating venv $VENV with $PY310 (Python $PYVER)"
rm -rf "$VENV"
"$PY310" -m venv "$VENV"
VPY="$VENV/bin/python"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
"$VPY" -m pip install --quiet --upgrade 'pip>=23,<27'
opsw_log "installing requirements.txt constrained by requirements.lock (a few minutes the first time)"
"$VPY" -m pip install --quiet -r requirements.txt -c requirements.lock

if [[ -n "$wheel_dir" ]]; then
  opsw_log "installing nl_core_news_sm from $wheel_dir (offline stand-in; see its README.md)"
  # --no-index: never pick an unrelated package of the same name from an index
  "$VPY" -m pip install --quiet --no-index --find-links "$wheel_dir" nl_core_news_sm
else
  opsw_log "no wheel folder at $OPSW_WHEELS: downloading nl_core_news_sm with spaCy"
  "$VPY" -m spacy download nl_core_news_sm
fi

"$VPY" -m pip check
"$VPY" -c 'import spacy; nlp = spacy.load("nl_core_news_sm"); print("spaCy", spacy.__version__, "nl_core_news_sm", nlp.meta["version"])'
"$VPY" -c 'import rasa, rasa_sdk; print("rasa", rasa.__version__, "rasa_sdk", rasa_sdk.__version__)' 2>/dev/null

# deduce (privacy masking in channels/privacy.py) builds its lookup cache inside site-packages on first use (about
# 80 s): build it here, once per venv, so that no user waits for it on the first message.
opsw_log "building the de-identification cache (deduce, once per venv)"
(cd "$OPSW_ROOT" && "$VPY" -c 'import channels.privacy as p; p.warm_up()')

date -u +%FT%TZ > "$MARKER"
link_venv
opsw_log "venv built in $((SECONDS - start))s: .venv -> $VENV"
