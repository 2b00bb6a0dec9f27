# shellcheck shell=bash disable=SC2034  # sourced: its variables are used by the scripts that source it
# Start, supervise and stop the action server, the Rasa server and the web server.
# Source after scripts/env.sh. Every started process gets its own process group (setsid);
# opsw_stop_all stops exactly those groups (TERM, then KILL after 10 s).
#
# Closed by default (deploy/serve.py builds the arguments from the OPSW_* variables):
#   * Rasa server and action server listen on OPSW_BIND (127.0.0.1);
#   * Rasa's HTTP API is off; OPSW_ENABLE_API=1 opens it and then needs OPSW_API_TOKEN;
#   * CORS only for OPSW_CORS_ORIGINS (default: the web page's own origin);
#   * logs, pid files, the SQLite database and generated credentials are created with umask 077
#     (owner only); existing ones are chmod-ed.
# Supervision: opsw_supervise restarts a server that stops (OPSW_MAX_RESTARTS times, default 3;
# the count starts again after OPSW_RESTART_WINDOW seconds of running well, default 600), then
# returns 1 with a message naming the server and its log.
# Logs: $OPSW_LOG_DIR/{actions,rasa,web}.log (var/log); pid files: $OPSW_RUN_DIR/<name>.pid (var/run)

export OPSW_BIND="${OPSW_BIND:-127.0.0.1}"   # interface the servers listen on
OPSW_LOG_DIR="${OPSW_LOG_DIR:-$OPSW_ROOT/var/log}"
OPSW_RUN_DIR="${OPSW_RUN_DIR:-$OPSW_ROOT/var/run}"
OPSW_MAX_RESTARTS="${OPSW_MAX_RESTARTS:-3}"
OPSW_RESTART_WINDOW="${OPSW_RESTART_WINDOW:-600}"
OPSW_SUPERVISE_INTERVAL="${OPSW_SUPERVISE_INTERVAL:-1}"
OPSW_PIDS=()
OPSW_NAMES=()
declare -A OPSW_PID_OF=() OPSW_RESTARTS=() OPSW_STARTED=()

# private: var/ holds conversations (SQLite), logs with user messages and channel credentials
_opsw_private() {
  local old; old="$(umask)"; umask 077
  mkdir -p "$OPSW_LOG_DIR" "$OPSW_RUN_DIR" "$OPSW_ROOT/var"
  umask "$old"
  chmod 700 "$OPSW_ROOT/var" "$OPSW_LOG_DIR" "$OPSW_RUN_DIR" 2>/dev/null || true
  local f
  for f in "$OPSW_ROOT"/var/*.db "$OPSW_ROOT"/var/*.db-* "$OPSW_ROOT"/var/*.yml "$OPSW_LOG_DIR"/*.log; do
    [[ -f "$f" ]] && chmod 600 "$f" 2>/dev/null
  done
  return 0
}
_opsw_private

_opsw_log_of() { echo "$OPSW_LOG_DIR/$1.log"; }

# _opsw_launch NAME [append] : (re)start NAME's stored command; sets OPSW_LAST_PID
_opsw_launch() {
  local name="$1" mode="${2:-new}" old
  local -n _cmd="_opsw_cmd_$name"
  local log; log="$(_opsw_log_of "$name")"
  old="$(umask)"; umask 077
  if [[ "$mode" == append ]]; then
    setsid "${_cmd[@]}" >>"$log" 2>&1 </dev/null &
  else
    setsid "${_cmd[@]}" >"$log" 2>&1 </dev/null &
  fi
  OPSW_LAST_PID=$!
  umask "$old"
  OPSW_PID_OF[$name]=$OPSW_LAST_PID
  OPSW_STARTED[$name]=$SECONDS
  echo "$OPSW_LAST_PID" >"$OPSW_RUN_DIR/$name.pid"
  OPSW_PIDS=()
  local n
  for n in "${OPSW_NAMES[@]}"; do OPSW_PIDS+=("${OPSW_PID_OF[$n]}"); done
}

# opsw_spawn NAME CMD... : start CMD as server NAME (log: $OPSW_LOG_DIR/NAME.log); supervised
opsw_spawn() {
  local name="$1"; shift
  [[ "$name" =~ ^[a-z0-9_]+$ ]] || opsw_die "bad server name: $name"
  declare -ga "_opsw_cmd_$name"
  local -n _c="_opsw_cmd_$name"
  _c=("$@")
  [[ " ${OPSW_NAMES[*]} " == *" $name "* ]] || OPSW_NAMES+=("$name")
  OPSW_RESTARTS[$name]=0
  _opsw_launch "$name"
}
_opsw_spawn() { opsw_spawn "$@"; }   # old name

_opsw_fail_with_log() {
  local name="$1"
  opsw_log "last lines of $(_opsw_log_of "$name"):"
  tail -n 40 "$(_opsw_log_of "$name")" >&2 || true
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
  opsw_log "starting action server on $OPSW_BIND:$OPSW_ACTION_PORT (log: $(_opsw_log_of actions))"
  # rasa-sdk takes its interface from SANIC_HOST (deploy/serve.py sets it to OPSW_BIND)
  opsw_spawn actions "$OPSW_PY" -m deploy.serve actions --actions actions -p "$OPSW_ACTION_PORT"
  OPSW_ACTIONS_PID=$OPSW_LAST_PID
}

_opsw_local_url() {  # where this machine reaches a server bound to OPSW_BIND
  local host="$OPSW_BIND"
  [[ "$host" == "0.0.0.0" || -z "$host" ]] && host=127.0.0.1
  [[ "$host" == *:* ]] && host="[$host]"
  echo "http://$host:$1"
}

opsw_wait_actions() {
  [[ -n "${OPSW_PID_OF[actions]:-}" ]] || return 0
  opsw_wait_url "$(_opsw_local_url "$OPSW_ACTION_PORT")/health" "${1:-120}" "${OPSW_PID_OF[actions]}" \
    || _opsw_fail_with_log actions
}

opsw_check_api_settings() {  # refuse to start an open API without a token (Dutch + English)
  "$OPSW_PY" -m deploy.serve check || exit 2
}

opsw_start_rasa() {  # opsw_start_rasa MODEL [ENDPOINTS] [CREDENTIALS] [NAME]
  local model="$1" endpoints="${2:-${OPSW_ENDPOINTS:-endpoints.yml}}" creds="${3:-${OPSW_CREDENTIALS:-}}"
  local name="${4:-rasa}" old
  opsw_check_api_settings
  if [[ -z "$creds" ]]; then
    # credentials.yml plus Telegram / Twilio when their environment variables are set (docs/channels.md)
    old="$(umask)"; umask 077
    "$OPSW_PY" "$OPSW_ROOT/scripts/make_credentials.py" --strict
    umask "$old"
    chmod 600 "$OPSW_ROOT/var/credentials.generated.yml" 2>/dev/null || true
    creds="var/credentials.generated.yml"
  fi
  _opsw_check_free "$OPSW_RASA_PORT" "Rasa server" OPSW_RASA_PORT
  local api="HTTP API off"
  [[ "${OPSW_ENABLE_API:-0}" =~ ^(1|true|yes|on|ja)$ ]] && api="HTTP API on (token required)"
  opsw_log "starting Rasa server on $OPSW_BIND:$OPSW_RASA_PORT with $(basename "$model"), $api (log: $(_opsw_log_of "$name"))"
  opsw_spawn "$name" "$OPSW_PY" -m deploy.serve rasa -p "$OPSW_RASA_PORT" \
    --model "$model" --credentials "$creds" --endpoints "$endpoints"
  OPSW_RASA_PID=$OPSW_LAST_PID
}

opsw_wait_rasa() {  # opsw_wait_rasa [SECONDS] [NAME]; /health (deploy/serve.py) answers once the model is loaded
  local name="${2:-rasa}"
  opsw_wait_url "$(_opsw_local_url "$OPSW_RASA_PORT")/health" "${1:-300}" "${OPSW_PID_OF[$name]}" \
    || _opsw_fail_with_log "$name"
}

opsw_start_web() {
  local dir="$OPSW_ROOT/web"
  [[ -f "$dir/dist/index.html" ]] && dir="$dir/dist"
  if [[ ! -f "$dir/index.html" ]]; then
    opsw_log "no web/index.html: web server not started"
    return 0
  fi
  _opsw_check_free "$OPSW_WEB_PORT" "web server" OPSW_WEB_PORT
  opsw_log "serving ${dir#"$OPSW_ROOT"/} on port $OPSW_WEB_PORT (log: $(_opsw_log_of web))"
  opsw_spawn web "$OPSW_PY" "$OPSW_ROOT/scripts/serve_web.py" --dir "$dir" --bind "$OPSW_BIND" \
    --port "$OPSW_WEB_PORT" --rasa-url "http://$OPSW_HOST:$OPSW_RASA_PORT"
  OPSW_WEB_PID=$OPSW_LAST_PID
}

opsw_wait_web() {
  [[ -n "${OPSW_PID_OF[web]:-}" ]] || return 0
  opsw_wait_url "$(_opsw_local_url "$OPSW_WEB_PORT")/" "${1:-30}" "${OPSW_PID_OF[web]}" || _opsw_fail_with_log web
}

# opsw_supervise : foreground loop; restarts a server that stopped. Returns 1 (after a clear
# message) when one stopped more than OPSW_MAX_RESTARTS times in a row.
opsw_supervise() {
  local name pid rc n log
  opsw_log "bewaking/supervising: ${OPSW_NAMES[*]} (max $OPSW_MAX_RESTARTS restarts each)"
  while true; do
    for name in "${OPSW_NAMES[@]}"; do
      pid="${OPSW_PID_OF[$name]}"
      kill -0 "$pid" 2>/dev/null && continue
      rc=0; wait "$pid" 2>/dev/null || rc=$?
      log="$(_opsw_log_of "$name")"
      if (( SECONDS - ${OPSW_STARTED[$name]:-0} >= OPSW_RESTART_WINDOW )); then
        OPSW_RESTARTS[$name]=0   # it ran well for a long time: a new series of restarts
      fi
      n=$(( ${OPSW_RESTARTS[$name]:-0} + 1 ))
      if (( n > OPSW_MAX_RESTARTS )); then
        printf '\033[1;31m[opsw] FOUT/ERROR:\033[0m server "%s" is weer gestopt (exit %s) na %s herstarts; alles stopt. Zie %s\n' \
          "$name" "$rc" "$OPSW_MAX_RESTARTS" "$log" >&2
        printf '\033[1;31m[opsw] FOUT/ERROR:\033[0m server "%s" stopped again (exit %s) after %s restarts; stopping everything. See %s\n' \
          "$name" "$rc" "$OPSW_MAX_RESTARTS" "$log" >&2
        tail -n 20 "$log" >&2 2>/dev/null || true
        return 1
      fi
      OPSW_RESTARTS[$name]=$n
      opsw_log "server \"$name\" gestopt/stopped (exit $rc); herstart/restart $n van/of $OPSW_MAX_RESTARTS (log: $log)"
      printf '[opsw] --- herstart/restart %s of %s (exit %s) ---\n' "$n" "$OPSW_MAX_RESTARTS" "$rc" >>"$log"
      _opsw_launch "$name" append
    done
    sleep "$OPSW_SUPERVISE_INTERVAL"
  done
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
  local name
  for name in "${OPSW_NAMES[@]}"; do rm -f "$OPSW_RUN_DIR/$name.pid"; done
  OPSW_PIDS=()
  OPSW_NAMES=()
}
