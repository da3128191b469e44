#!/usr/bin/env bash
# README's test command: installs everything the tests need (npm packages, the Debian packages of the
# real peers) and runs the whole suite: unit, simulated-board end-to-end against real peers, HIL on the sim rig.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-peers.sh
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
npm test
