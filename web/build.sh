#!/usr/bin/env bash
# Build step for the Opschalingswijzer web chat. Idempotent: safe to run again.
#  1. installs the pinned npm packages from package-lock.json (npm ci),
#  2. copies the browser files the widget needs from node_modules into web/vendor/.
# web/ is then a plain static document root (python -m http.server 8080 in web/ serves it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

npm ci --no-audit --no-fund --loglevel=error

mkdir -p vendor
# socket.io browser client (UMD build, sets window.io); the widget loads it from vendor/ next to itself.
cp -f node_modules/socket.io-client/dist/socket.io.min.js vendor/socket.io.min.js
cp -f node_modules/socket.io-client/LICENSE vendor/socket.io-client.LICENSE 2>/dev/null || true

echo "web build ok: vendor/socket.io.min.js (socket.io-client $(node -p "require('./node_modules/socket.io-client/package.json').version"))"
