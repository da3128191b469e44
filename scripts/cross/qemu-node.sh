#!/usr/bin/env bash
# Runs the target's Node.js (Debian trixie, from scripts/cross/sysroot.sh) under qemu-user:
#   scripts/cross/qemu-node.sh [--arch arm64|armhf] <node args...>
# Builds the sysroot on first use (cached under .cache/).
set -euo pipefail
ARCH=arm64
if [ "${1:-}" = --arch ]; then ARCH="$2"; shift 2; fi
case "$ARCH" in arm64) QEMU=qemu-aarch64 ;; armhf) QEMU=qemu-arm ;; *) echo "qemu-node: unknown arch '$ARCH'" >&2; exit 2 ;; esac
command -v "$QEMU" >/dev/null || { echo "qemu-node: $QEMU not found (apt-get install qemu-user)" >&2; exit 1; }
SYSROOT="$(bash "$(dirname "$0")/sysroot.sh" "$ARCH")"
exec "$QEMU" -L "$SYSROOT" "$SYSROOT/usr/bin/node" "$@"
