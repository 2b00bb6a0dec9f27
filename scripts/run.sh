#!/usr/bin/env bash
# make run: bootstrap, train if needed, start action server + Rasa server + web page, wait until
# they answer, print how to use them. Ctrl-C stops everything this script started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$OPSW_ROOT"

bash scripts/bootstrap.sh
bash scripts/system_deps.sh --npm-only    # web/ build (socket.io client); no Debian packages needed to run
source scripts/servers.sh

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
  Status:                 $R/status
  Logs:                   var/log/rasa.log, var/log/actions.log, var/log/web.log
  Gesprekken / trackers:  $(sed -E 's#//([^:/@]+):[^@]*@#//\1:***@#' <<< "$OPSW_TRACKER_DB_URL")

  Stoppen / stop:         Ctrl-C (stopt alle servers / stops all servers)
  ================================================================================

MSG

# stay in the foreground until Ctrl-C or until one of the servers stops
while true; do
  for pid in "${OPSW_PIDS[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      opsw_log "a server stopped unexpectedly (pid $pid); see var/log/"
      exit 1
    fi
  done
  sleep 2
done
