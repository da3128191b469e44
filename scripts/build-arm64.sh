#!/usr/bin/env bash
# Builds the firmware for a Raspberry-Pi-class board: an output tree holding the compiled
# JavaScript (dist/), package.json, the example config and the production node_modules with the
# native addons compiled for the target (onoff's `epoll` and `spi-device` with Debian's cross
# compilers; `@serialport/bindings-cpp` from the arm prebuild inside its npm package).
#
# Usage: scripts/build-arm64.sh [--arch arm64|armhf] [--out DIR] [--check]
#   --arch   target (default arm64: Pi 3/4/5 with a 64-bit OS; armhf: 32-bit Raspberry Pi OS)
#   --out    output folder (default out/linux-<arch>)
#   --check  afterwards, load every native addon with the target's Node.js under qemu-user
#            (scripts/cross/check-addons.sh; builds the sysroot on first use)
# Needs: g++-aarch64-linux-gnu (or g++-arm-linux-gnueabihf), Node 20 headers in /usr/include/node
# (Debian's / NodeSource's nodejs package; same major as the target: ABI 115), network or npm
# cache for `npm ci`. Copy the output folder to the board and run `node dist/firmware/cli.js run`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ARCH=arm64
OUT=""
CHECK=0
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) ARCH="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --check) CHECK=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "build-arm64: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$ARCH" in
  arm64) TRIPLE=aarch64-linux-gnu; GYP_ARCH=arm64; ELF_MACHINE=AArch64; PREBUILD=linux-arm64 ;;
  armhf) TRIPLE=arm-linux-gnueabihf; GYP_ARCH=arm; ELF_MACHINE=ARM; PREBUILD=linux-arm ;;
  *) echo "build-arm64: unknown arch '$ARCH' (arm64 or armhf)" >&2; exit 2 ;;
esac
OUT="${OUT:-$ROOT/out/linux-$ARCH}"
NODEDIR="${TIPRING_NODEDIR:-/usr}"

need() { command -v "$1" >/dev/null 2>&1 || { echo "build-arm64: '$1' not found ($2)" >&2; exit 1; }; }
need "$TRIPLE-g++" "apt-get install g++-$TRIPLE"
need readelf "apt-get install binutils"
[ -f "$NODEDIR/include/node/node.h" ] || { echo "build-arm64: no Node headers in $NODEDIR/include/node" >&2; exit 1; }
HOST_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
HDR_MAJOR="$(sed -n 's/^#define NODE_MAJOR_VERSION \([0-9]*\).*/\1/p' "$NODEDIR/include/node/node_version.h")"
[ "$HDR_MAJOR" = 20 ] || echo "build-arm64: warning: headers are Node $HDR_MAJOR, the target runs Node 20 (ABI 115)" >&2
NPM_DIR="$(dirname "$(readlink -f "$(command -v npm)")")/.."
NODE_GYP="$(node -p "require.resolve('node-gyp/bin/node-gyp.js', { paths: ['$NPM_DIR', '$NPM_DIR/node_modules/npm'] })" 2>/dev/null || true)"
[ -n "$NODE_GYP" ] && [ -f "$NODE_GYP" ] || { echo "build-arm64: node-gyp (bundled with npm) not found" >&2; exit 1; }

echo "build-arm64: compiling TypeScript (host node $HOST_MAJOR)"
(cd "$ROOT" && npx tsc -p . >/dev/null) || echo "build-arm64: warning: tsc reported errors; emitted files are used anyway" >&2
for d in dist/firmware dist/hal dist/board; do [ -d "$ROOT/$d" ] || { echo "build-arm64: $d missing after tsc" >&2; exit 1; }; done

echo "build-arm64: staging $OUT"
rm -rf "$OUT"
mkdir -p "$OUT/dist" "$OUT/firmware/config"
cp "$ROOT/package.json" "$ROOT/package-lock.json" "$OUT/"
cp -r "$ROOT/dist/firmware" "$ROOT/dist/hal" "$ROOT/dist/board" "$OUT/dist/"
find "$OUT/dist" -name '*.map' -delete
cp "$ROOT/firmware/config/example.yaml" "$OUT/firmware/config/"
# Outputs stay out of git without touching the repo's .gitignore.
mkdir -p "$(dirname "$OUT")"
[ -f "$(dirname "$OUT")/.gitignore" ] || printf '*\n' > "$(dirname "$OUT")/.gitignore"

echo "build-arm64: production dependencies (npm ci --omit=dev, scripts off)"
(cd "$OUT" && npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error)

export CC="$TRIPLE-gcc" CXX="$TRIPLE-g++" LINK="$TRIPLE-g++" AR="$TRIPLE-ar" STRIP="$TRIPLE-strip"
for addon in epoll spi-device; do
  dir="$OUT/node_modules/$addon"
  [ -d "$dir" ] || { echo "build-arm64: $addon missing from node_modules" >&2; exit 1; }
  echo "build-arm64: cross-compiling $addon for $ARCH"
  (cd "$dir" && node "$NODE_GYP" rebuild --arch="$GYP_ARCH" --nodedir="$NODEDIR" --jobs=max --loglevel=warn >/dev/null)
  rm -rf "$dir/build/Release/obj.target" "$dir/build/Release/.deps" "$dir/build/Release/obj" "$dir/build/Makefile" "$dir/build"/*.mk
  "$STRIP" --strip-unneeded "$dir/build/Release/"*.node
done

# serialport's addon: keep the prebuild for the target, drop the others.
BCPP="$OUT/node_modules/@serialport/bindings-cpp/prebuilds"
[ -d "$BCPP/$PREBUILD" ] || { echo "build-arm64: @serialport/bindings-cpp has no $PREBUILD prebuild" >&2; exit 1; }
find "$BCPP" -mindepth 1 -maxdepth 1 ! -name "$PREBUILD" -exec rm -rf {} +
find "$BCPP/$PREBUILD" -name '*musl*' -delete

echo "build-arm64: checking the native addons are $ELF_MACHINE ELF"
bad=0
while IFS= read -r f; do
  m="$(readelf -h "$f" | sed -n 's/^ *Machine: *//p')"
  case "$m" in *"$ELF_MACHINE"*) echo "  ok  ${f#"$OUT"/} ($m)" ;; *) echo "  BAD ${f#"$OUT"/} ($m)"; bad=1 ;; esac
done < <(find "$OUT/node_modules" -name '*.node' -type f)
[ "$bad" = 0 ] || { echo "build-arm64: some addons are not built for $ARCH" >&2; exit 1; }
printf '{ "arch": "%s", "node_abi": 115, "built": "%s" }\n' "$ARCH" "$(date -u +%FT%TZ)" > "$OUT/BUILD-INFO.json"
echo "build-arm64: done: $OUT ($(du -sh "$OUT" | cut -f1))"

if [ "$CHECK" = 1 ]; then
  bash "$ROOT/scripts/cross/check-addons.sh" --arch "$ARCH" --out "$OUT"
fi
