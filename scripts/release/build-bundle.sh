#!/usr/bin/env bash
# Build a versioned tipring release bundle for one board and CPU architecture:
#   compiled firmware (dist/firmware, dist/hal, dist/board) + package.json + lockfile-installed
#   production node_modules for the target arch + manifest.json (sha256 of every file, version,
#   release counter, hardware ids, arch, node range, entry script), as a reproducible .tar.gz.
#
# usage: scripts/release/build-bundle.sh --counter N [--version V] [--board B[,B...]] [--arch ARCH]
#                                         [--out DIR] [--skip-build] [--keep-stage]
#   --counter  release counter (anti-rollback index): must increase with every release
#   --version  default: package.json version
#   --board    hardware id(s) this build is for (board names): default rpi-ag1171
#   --arch     Node arch of the device: arm64 (Pi 3/4/5, Zero 2 W, 64-bit OS), arm (32-bit OS), x64
#              default: this machine's
#
# Native addons: npm installs optional/platform packages for --cpu/--os, but a package that
# compiles C++ at install time cannot be cross-built here (scripts are not run). Use packages
# that ship prebuilt binaries for linux-arm64/arm (prebuildify/node-gyp-build), or build the
# bundle on the target architecture. The script warns about any .node file that is not for ARCH.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
VERSION="" COUNTER="" BOARD="rpi-ag1171" ARCH="$(node -p process.arch)" OUT="$ROOT/release" SKIP_BUILD=0 KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --version) VERSION="$2"; shift 2 ;;
    --counter) COUNTER="$2"; shift 2 ;;
    --board) BOARD="$2"; shift 2 ;;
    --arch) ARCH="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --keep-stage) KEEP=1; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "build-bundle: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$COUNTER" ] || { echo "build-bundle: --counter N is required (it must grow with every release)" >&2; exit 2; }
[ -n "$VERSION" ] || VERSION="$(node -p "require('./package.json').version")"
case "$ARCH" in arm64|arm|x64) ;; *) echo "build-bundle: unsupported arch $ARCH" >&2; exit 2 ;; esac
NODE_RANGE="$(node -p "require('./package.json').engines?.node ?? '>=20'")"

[ "$SKIP_BUILD" = 1 ] || npm run build --silent
STAGE="$(mktemp -d "${TMPDIR:-/tmp}/tipring-stage.XXXXXX")"
[ "$KEEP" = 1 ] || trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/dist"
for d in firmware hal board; do cp -a "dist/$d" "$STAGE/dist/$d"; done
# The firmware's own tests and tooling are not shipped.
find "$STAGE/dist" -name '*.test.js' -delete
cp package.json package-lock.json "$STAGE/"
( cd "$STAGE" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error --cpu="$ARCH" --os=linux >&2 )
rm -f "$STAGE/package-lock.json" "$STAGE/node_modules/.package-lock.json"
# Prebuilt addons (prebuildify layout: prebuilds/<platform>-<arch>/): keep only linux-ARCH.
while IFS= read -r d; do
  case "$(basename "$d")" in linux-"$ARCH") ;; *) rm -rf "$d" ;; esac
done < <(find "$STAGE/node_modules" -type d -path '*/prebuilds/*' -prune)
# Native addons built for another arch would only fail on the device: say so now.
while IFS= read -r f; do
  desc="$(file -b "$f" 2>/dev/null || true)"
  case "$ARCH:$desc" in
    arm64:*aarch64*|arm:*ARM,*|x64:*x86-64*) ;;
    *) echo "build-bundle: WARNING: native addon $f is not for $ARCH ($desc)" >&2 ;;
  esac
done < <(find "$STAGE/node_modules" -name '*.node' -type f)
mkdir -p "$OUT"
node dist/firmware/ota/ota-cli.js bundle --from "$STAGE" --out "$OUT" --version "$VERSION" --counter "$COUNTER" \
  --board "$BOARD" --arch "$ARCH" --node "$NODE_RANGE" --entry dist/firmware/cli.js
[ "$KEEP" = 0 ] || echo "stage kept: $STAGE" >&2
