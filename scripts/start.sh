#!/usr/bin/env bash
# README's run command: installs the npm packages, builds, and runs the firmware on the simulated
# board with the example config (or the config given as the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm install --no-audit --no-fund --loglevel=error
npm run build --silent
exec node dist/firmware/cli.js run --config "${1:-firmware/config/example.yaml}"
