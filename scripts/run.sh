#!/usr/bin/env bash
# make run: bootstrap, train if needed, start action server + Rasa server + web page, wait until
# they answer, print how to use them, then supervise them (a server that stops is restarted, up to
# OPSW_MAX_RESTARTS times). Ctrl-C stops everything this script started.
# Closed by default: loopback only, no HTTP API (OPSW_ENABLE_API=1 + OPSW_API_TOKEN opens it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$OPSW_ROOT"

bash scripts/bootstrap.sh
bash scripts/system_deps.sh --npm-only    # web/ build (socket.io client); no Debian packages needed to run
source scripts/servers.sh
opsw_check_api_settings   # OPSW_ENABLE_API=1 without OPSW_API_TOKEN: refuse before training

MODEL="$("$OPSW_PY" scripts/train_if_needed.py | tail -n 1)"

trap 'echo; opsw_log "stopping ..."; opsw_stop_all; opsw_log "stopped"' EXIT
trap 'exit 0' INT
trap 'exit 143' TERM

opsw_start_actions
opsw_start_rasa "$MODEL"
opsw_start_web
opsw_wait_actions 120
opsw_wait_web 30
opsw_log "waiting for the Rasa server to load the model (up to a few minutes) ..."
opsw_wait_rasa 600

R="http://$OPSW_HOST:$OPSW_RASA_PORT"
LOGS="${OPSW_LOG_DIR#"$OPSW_ROOT"/}"   # var/log, or where OPSW_LOG_DIR points
cat <<MSG

  ================================================================================
  Opschalingswijzer draait / is running      (model: $(basename "$MODEL"))

  Chat via REST (POST):   $R/webhooks/rest/webhook
      curl -s -X POST $R/webhooks/rest/webhook \\
           -H 'Content-Type: application/json' \\
           -d '{"sender": "test1", "message": "Ik ben het niet eens met het besluit van de gemeente"}'
MSG
[[ -n "${OPSW_WEB_PID:-}" ]] && echo "  Webpagina / web page:   http://$OPSW_HOST:$OPSW_WEB_PORT/"
[[ -n "${OPSW_ACTIONS_PID:-}" ]] && echo "  Action server:          http://$OPSW_HOST:$OPSW_ACTION_PORT/health"
cat <<MSG
  Socket.IO (web chat):   $R/socket.io     Callback: $R/webhooks/callback/webhook
  HTTP API:               $(if [[ "$OPSW_ENABLE_API" =~ ^(1|true|yes|on|ja)$ ]]; then echo "aan/on: $R/status?token=\$OPSW_API_TOKEN"; else echo "uit/off (OPSW_ENABLE_API=1 + OPSW_API_TOKEN to open it)"; fi)
  Luistert op / listens:  $OPSW_BIND   CORS: $OPSW_CORS_ORIGINS
  Logs:                   $LOGS/rasa.log, $LOGS/actions.log, $LOGS/web.log
  Gesprekken / trackers:  $(sed -E 's#//([^:/@]+):[^@]*@#//\1:***@#' <<< "$OPSW_TRACKER_DB_URL")

  Bewaking / supervised:  a server that stops is restarted (max $OPSW_MAX_RESTARTS times)
  Stoppen / stop:         Ctrl-C (stopt alle servers / stops all servers)
  ================================================================================

MSG

# stay in the foreground until Ctrl-C; restart a server that stops (opsw_supervise returns 1
# with a message naming the server and its log after OPSW_MAX_RESTARTS restarts)
opsw_supervise || exit 1
