# shellcheck shell=bash disable=SC2034  # sourced: its variables are used by the scripts that source it
# Shared environment for every script (source it; it only sets variables and helpers).
#   source scripts/env.sh        # also handy before running `rasa ...` by hand
# Every variable can be overridden from the environment; see README.md.

OPSW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export OPSW_ROOT

# --- caches (outside the clone, shared by clones on the same machine) -------------------------
export OPSW_CACHE="${OPSW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/opschalingswijzer}"
# offline stand-in wheel for nl_core_news_sm (folder may be absent: then `spacy download` is used)
export OPSW_WHEELS="${OPSW_WHEELS:-$OPSW_ROOT/../shared/wheels}"

# --- ports / addresses ---------------------------------------------------------------------------
export OPSW_HOST="${OPSW_HOST:-localhost}"          # host name printed and used to reach the servers
export OPSW_RASA_PORT="${OPSW_RASA_PORT:-5005}"     # Rasa server (REST, socket.io, callback, HTTP API)
export OPSW_ACTION_PORT="${OPSW_ACTION_PORT:-5055}" # action server
export OPSW_WEB_PORT="${OPSW_WEB_PORT:-8080}"       # static web page (web/)
export OPSW_ACTION_URL="${OPSW_ACTION_URL:-http://localhost:${OPSW_ACTION_PORT}/webhook}"
# interface the Rasa server AND the action server listen on (loopback: nothing outside this
# machine reaches them; behind a reverse proxy / several hosts see docs/deploy.md)
export OPSW_BIND="${OPSW_BIND:-127.0.0.1}"

# --- HTTP API (closed by default) ----------------------------------------------------------------
# OPSW_ENABLE_API=1 opens Rasa's HTTP API (trackers, events, model, execute); it then REQUIRES
# OPSW_API_TOKEN (sent as ?token=...). CORS: only these origins (space separated) may call the
# server from a browser; default: the web page's own origin.
export OPSW_ENABLE_API="${OPSW_ENABLE_API:-0}"
if [[ -z "${OPSW_CORS_ORIGINS:-}" ]]; then
  OPSW_CORS_ORIGINS="http://${OPSW_HOST}:${OPSW_WEB_PORT}"
  # the page opened as localhost or as 127.0.0.1 is the same page
  [[ "$OPSW_HOST" == localhost ]] && OPSW_CORS_ORIGINS+=" http://127.0.0.1:${OPSW_WEB_PORT}"
fi
export OPSW_CORS_ORIGINS
export OPSW_CALLBACK_URL="${OPSW_CALLBACK_URL:-http://localhost:5034/bot}"

# --- tracker store (SQL): SQLite file by default, PostgreSQL via OPSW_PG_* or a full URL ---------
mkdir -p "$OPSW_ROOT/var"
if [[ -z "${OPSW_TRACKER_DB_URL:-}" ]]; then
  if [[ -n "${OPSW_PG_HOST:-}" ]]; then
    _pg_auth="${OPSW_PG_USER:-rasa}"
    [[ -n "${OPSW_PG_PASSWORD:-}" ]] && _pg_auth="${_pg_auth}:${OPSW_PG_PASSWORD}"
    OPSW_TRACKER_DB_URL="postgresql://${_pg_auth}@${OPSW_PG_HOST}:${OPSW_PG_PORT:-5432}/${OPSW_PG_DB:-rasa}"
    unset _pg_auth
  else
    OPSW_TRACKER_DB_URL="sqlite:///${OPSW_ROOT}/var/trackers.db"
  fi
fi
export OPSW_TRACKER_DB_URL

# --- lock store: in_memory (one server) or redis (several servers) -------------------------------
export OPSW_LOCK_STORE="${OPSW_LOCK_STORE:-in_memory}"
export OPSW_REDIS_HOST="${OPSW_REDIS_HOST:-localhost}"
export OPSW_REDIS_PORT="${OPSW_REDIS_PORT:-6379}"
export OPSW_REDIS_DB="${OPSW_REDIS_DB:-1}"
export OPSW_REDIS_PASSWORD="${OPSW_REDIS_PASSWORD:-}"
export OPSW_REDIS_KEY_PREFIX="${OPSW_REDIS_KEY_PREFIX:-opsw}"
# lock store of endpoints.multi.yml: our atomic Redis store (Rasa's own `redis` store loses
# messages with several servers: docs/deploy.md). OPSW_LOCK_STORE=deploy.lock_store.AtomicRedisLockStore
# selects it in endpoints.yml too.
export OPSW_MULTI_LOCK_STORE="${OPSW_MULTI_LOCK_STORE:-deploy.lock_store.AtomicRedisLockStore}"
# `make retention`: conversations whose last event is older than this many days are deleted
export OPSW_RETENTION_DAYS="${OPSW_RETENTION_DAYS:-30}"

# --- documents (issue 16): links to a conversation's draft letters, calendar file and overview ---------
# OPSW_DOCUMENT_SECRET seals the links (channels/documents.py): set the same long random value on every server of a
# deployment; unset, one server makes a random per-install secret in var/document_secret. OPSW_PUBLIC_URL: the Rasa
# server as users reach it (the links sent on Telegram and Twilio).
export OPSW_PUBLIC_URL="${OPSW_PUBLIC_URL:-http://${OPSW_HOST}:${OPSW_RASA_PORT}}"

# --- quiet, offline-friendly Rasa / TensorFlow ---------------------------------------------------
export RASA_TELEMETRY_ENABLED="${RASA_TELEMETRY_ENABLED:-false}"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONPATH="$OPSW_ROOT${PYTHONPATH:+:$PYTHONPATH}"
# rasa's own training cache, shared between clones (speeds up re-training after small changes)
export RASA_CACHE_DIRECTORY="${RASA_CACHE_DIRECTORY:-$OPSW_CACHE/rasa-train-cache}"

OPSW_VENV="$OPSW_ROOT/.venv"
OPSW_PY="$OPSW_VENV/bin/python"
OPSW_RASA="$OPSW_VENV/bin/rasa"

opsw_log() { printf '\033[1;34m[opsw]\033[0m %s\n' "$*" >&2; }
opsw_die() { printf '\033[1;31m[opsw] FOUT/ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

# opsw_wait_url URL SECONDS [PID] : poll until URL answers 2xx; fail early if PID died.
opsw_wait_url() {
  local url="$1" secs="$2" pid="${3:-}" i
  for ((i = 0; i < secs; i++)); do
    if "$OPSW_PY" - "$url" <<'PY' 2>/dev/null; then return 0; fi
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=2).read()
PY
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      opsw_log "process $pid stopped before $url answered"
      return 1
    fi
    sleep 1
  done
  opsw_log "timeout after ${secs}s waiting for $url"
  return 1
}

# opsw_port_busy PORT : true when something listens on 127.0.0.1:PORT
opsw_port_busy() {
  "$OPSW_PY" - "$1" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(); s.settimeout(0.5)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
PY
}

# opsw_domain_arg : prints domain.yml or domain/ (whichever exists)
opsw_domain_path() {
  if [[ -d "$OPSW_ROOT/domain" ]]; then echo "$OPSW_ROOT/domain"; else echo "$OPSW_ROOT/domain.yml"; fi
}
