#!/usr/bin/env bash
# Install the Debian packages the tests need (when missing and we are root) and the web/ npm
# packages (when web/package.json exists). Quiet and quick when everything is present.
#
#   scripts/system_deps.sh            # everything: apt packages + npm
#   scripts/system_deps.sh --npm-only # only npm in web/
#   OPSW_APT_PACKAGES="redis-server"  scripts/system_deps.sh   # a subset
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$OPSW_ROOT"

want_apt=1
[[ "${1:-}" == "--npm-only" ]] && want_apt=0

if (( want_apt )); then
  read -r -a pkgs <<< "${OPSW_APT_PACKAGES:-chromium chromium-driver redis-server postgresql shellcheck}"
  missing=()
  for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if (( ${#missing[@]} )); then
    if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
      opsw_log "installing Debian packages: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
      apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
      opsw_log "installed: ${missing[*]}"
    else
      opsw_log "missing Debian packages (tests that need them will fail or be skipped):"
      opsw_log "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    fi
  fi
fi

# npm packages for web/ (owned by the web part). web/build.sh (npm ci + vendor copies) is used when
# present, else npm ci / npm install. Re-run only when package(-lock).json changed or vendor/ is gone.
if [[ -f web/package.json ]]; then
  if ! command -v npm >/dev/null 2>&1; then
    opsw_log "web/package.json exists but npm is missing (install Node.js 20 + npm)"
  else
    stamp="web/node_modules/.opsw-stamp"
    sum="$(cat web/package.json web/package-lock.json web/build.sh 2>/dev/null | sha256sum | cut -c1-16)"
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$sum" || ( -f web/build.sh && ! -d web/vendor ) ]]; then
      opsw_log "installing/building web/ (npm)"
      if [[ -f web/build.sh ]]; then
        bash web/build.sh
      elif [[ -f web/package-lock.json ]]; then
        (cd web && npm ci --no-audit --no-fund --loglevel=error)
      else
        (cd web && npm install --no-audit --no-fund --loglevel=error)
      fi
      mkdir -p web/node_modules && echo "$sum" > "$stamp"
    fi
  fi
fi
