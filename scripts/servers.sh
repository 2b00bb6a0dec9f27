# shellcheck shell=bash
# Start/stop helpers for the action server, the Rasa server and the web server.
# Source after scripts/env.sh. Every started process gets its own process group (setsid);
# opsw_stop_all stops exactly those groups (TERM, then KILL after 10 s).
# Logs: var/log/{actions,rasa,web}.log

export OPSW_BIND="${OPSW_BIND:-127.0.0.1}"   # interface the servers listen on
OPSW_PIDS=()
OPSW_LOG_DIR="$OPSW_ROOT/var/log"
mkdir -p "$OPSW_LOG_DIR"

_opsw_spawn() {  # _opsw_spawn NAME CMD... ; sets OPSW_LAST_PID
  local name="$1"; shift
  setsid "$@" >"$OPSW_LOG_DIR/$name.log" 2>&1 < /dev/null &
  OPSW_LAST_PID=$!
  OPSW_PIDS+=("$OPSW_LAST_PID")
}

_opsw_fail_with_log() {
  local name="$1"
  opsw_log "last lines of var/log/$name.log:"
  tail -n 40 "$OPSW_LOG_DIR/$name.log" >&2 || true
  return 1
}

_opsw_check_free() {
  if opsw_port_busy "$1"; then
    opsw_die "port $1 ($2) is already in use. Stop the other process or choose another port ($3=...)."
  fi
}

opsw_start_actions() {
  if [[ ! -d "$OPSW_ROOT/actions" ]]; then
    opsw_log "no actions/ package: action server not started"
    return 0
  fi
  _opsw_check_free "$OPSW_ACTION_PORT" "action server" OPSW_ACTION_PORT
  opsw_log "starting action server on port $OPSW_ACTION_PORT (log: var/log/actions.log)"
  _opsw_spawn actions "$OPSW_RASA" run actions --actions actions -p "$OPSW_ACTION_PORT"
  OPSW_ACTIONS_PID=$OPSW_LAST_PID
}

opsw_wait_actions() {
  [[ -n "${OPSW_ACTIONS_PID:-}" ]] || return 0
  opsw_wait_url "http://127.0.0.1:$OPSW_ACTION_PORT/health" "${1:-120}" "$OPSW_ACTIONS_PID" \
    || _opsw_fail_with_log actions
}

opsw_start_rasa() {  # opsw_start_rasa MODEL [ENDPOINTS] [CREDENTIALS]
  local model="$1" endpoints="${2:-${OPSW_ENDPOINTS:-endpoints.yml}}" creds="${3:-${OPSW_CREDENTIALS:-}}"
  if [[ -z "$creds" ]]; then
    # credentials.yml plus Telegram / Twilio when their environment variables are set (docs/channels.md)
    "$OPSW_PY" "$OPSW_ROOT/scripts/make_credentials.py" --strict
    creds="var/credentials.generated.yml"
  fi
  _opsw_check_free "$OPSW_RASA_PORT" "Rasa server" OPSW_RASA_PORT
  opsw_log "starting Rasa server on port $OPSW_RASA_PORT with $(basename "$model") (log: var/log/rasa.log)"
  _opsw_spawn rasa "$OPSW_RASA" run --enable-api --cors "*" -i "$OPSW_BIND" -p "$OPSW_RASA_PORT" \
    --model "$model" --credentials "$creds" --endpoints "$endpoints"
  OPSW_RASA_PID=$OPSW_LAST_PID
}

opsw_wait_rasa() {
  opsw_wait_url "http://127.0.0.1:$OPSW_RASA_PORT/status" "${1:-300}" "$OPSW_RASA_PID" \
    || _opsw_fail_with_log rasa
}

opsw_start_web() {
  local dir="$OPSW_ROOT/web"
  [[ -f "$dir/dist/index.html" ]] && dir="$dir/dist"
  if [[ ! -f "$dir/index.html" ]]; then
    opsw_log "no web/index.html: web server not started"
    return 0
  fi
  _opsw_check_free "$OPSW_WEB_PORT" "web server" OPSW_WEB_PORT
  opsw_log "serving ${dir#"$OPSW_ROOT"/} on port $OPSW_WEB_PORT (log: var/log/web.log)"
  _opsw_spawn web "$OPSW_PY" "$OPSW_ROOT/scripts/serve_web.py" --dir "$dir" --bind "$OPSW_BIND" \
    --port "$OPSW_WEB_PORT" --rasa-url "http://$OPSW_HOST:$OPSW_RASA_PORT"
  OPSW_WEB_PID=$OPSW_LAST_PID
}

opsw_wait_web() {
  [[ -n "${OPSW_WEB_PID:-}" ]] || return 0
  opsw_wait_url "http://127.0.0.1:$OPSW_WEB_PORT/" "${1:-30}" "$OPSW_WEB_PID" || _opsw_fail_with_log web
}

opsw_stop_all() {
  local pid i alive
  ((${#OPSW_PIDS[@]})) || return 0
  for pid in "${OPSW_PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  for ((i = 0; i < 20; i++)); do
    alive=0
    for pid in "${OPSW_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.5
  done
  for pid in "${OPSW_PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  OPSW_PIDS=()
}
