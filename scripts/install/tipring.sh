#!/bin/sh
# /usr/bin/tipring: run the tipring CLI from the committed slot (the build that runs).
ROOT="${TIPRING_OTA_ROOT:-@ROOT@}"
SLOT=$(node -e 'try{process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).committed.slot)}catch{process.stdout.write("a")}' "$ROOT/state/update.json")
export TIPRING_UPDATE_SETTINGS="${TIPRING_UPDATE_SETTINGS:-/etc/tipring/update.yaml}"
exec node "$ROOT/slots/$SLOT/dist/firmware/cli.js" "$@"
