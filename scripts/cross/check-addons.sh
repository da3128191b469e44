#!/usr/bin/env bash
# Loads every native addon of a cross-built output tree with the target's own Node.js under
# qemu-user, and checks the firmware's CLI starts:  scripts/cross/check-addons.sh [--arch A] [--out DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ARCH=arm64
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) ARCH="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "check-addons: unknown option $1" >&2; exit 2 ;;
  esac
done
OUT="${OUT:-$ROOT/out/linux-$ARCH}"
[ -d "$OUT/node_modules" ] || { echo "check-addons: no build in $OUT (run scripts/build-arm64.sh --arch $ARCH)" >&2; exit 1; }
cd "$OUT"
bash "$ROOT/scripts/cross/qemu-node.sh" --arch "$ARCH" -e '
const { createRequire } = require("node:module");
const req = createRequire(process.cwd() + "/package.json");
const out = [];
const epoll = req("epoll");
if (typeof epoll.Epoll !== "function") throw new Error("epoll: no Epoll class");
out.push("epoll ok");
const spi = req("spi-device");
if (typeof spi.open !== "function" || typeof spi.openSync !== "function") throw new Error("spi-device: no open()");
out.push("spi-device ok");
const binding = req("node-gyp-build")(req.resolve("@serialport/bindings-cpp/package.json").replace(/package\.json$/, ""));
if (typeof binding.open !== "function") throw new Error("bindings-cpp: no open()");
out.push("@serialport/bindings-cpp ok");
import("onoff").then((m) => { if (typeof m.Gpio !== "function") throw new Error("onoff: no Gpio"); out.push("onoff ok");
  return import("serialport"); }).then((m) => { if (typeof m.SerialPort !== "function") throw new Error("serialport: no SerialPort"); out.push("serialport ok");
  console.log(`${process.version} ${process.arch} abi=${process.versions.modules}: ${out.join(", ")}`); });
'
bash "$ROOT/scripts/cross/qemu-node.sh" --arch "$ARCH" dist/firmware/cli.js --help >/dev/null 2>&1 \
  && echo "check-addons: dist/firmware/cli.js --help runs" \
  || { echo "check-addons: dist/firmware/cli.js --help failed under qemu" >&2; exit 1; }
