#!/usr/bin/env bash
# Builds (once) a sysroot holding Debian trixie's Node.js 20 for a foreign architecture, so the
# cross-built firmware can run here under qemu-user. Uses a private apt state under the cache
# folder: the system's apt configuration is neither read for sources nor changed.
#
# Usage: scripts/cross/sysroot.sh [arm64|armhf]     prints the sysroot path on stdout
# Env:   TIPRING_CACHE   cache folder (default <repo>/.cache)
#        DEBIAN_MIRROR   default http://deb.debian.org/debian
set -euo pipefail
ARCH="${1:-arm64}"
case "$ARCH" in arm64|armhf) ;; *) echo "sysroot: unknown arch '$ARCH' (arm64 or armhf)" >&2; exit 2 ;; esac
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CACHE="${TIPRING_CACHE:-$ROOT/.cache}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
BASE="$CACHE/$ARCH"
SYSROOT="$BASE/sysroot"
STAMP="$SYSROOT/.complete"

mkdir -p "$CACHE"
# The cache never belongs in git, whatever the repo's .gitignore says.
[ -f "$CACHE/.gitignore" ] || printf '*\n' > "$CACHE/.gitignore"

if [ -f "$STAMP" ]; then
  echo "$SYSROOT"
  exit 0
fi
[ -f "$KEYRING" ] || { echo "sysroot: $KEYRING missing (Debian package debian-archive-keyring)" >&2; exit 1; }

APTDIR="$BASE/apt"
mkdir -p "$APTDIR/lists/partial" "$APTDIR/archives/partial" "$APTDIR/etc" "$APTDIR/state"
: > "$APTDIR/state/status"
echo "deb [arch=$ARCH signed-by=$KEYRING] $MIRROR trixie main" > "$APTDIR/etc/sources.list"
APT_OPTS=(
  -o "Dir::Etc::SourceList=$APTDIR/etc/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::Etc::Preferences=/dev/null"
  -o "Dir::Etc::PreferencesParts=/dev/null"
  -o "Dir::State::Lists=$APTDIR/lists"
  -o "Dir::State::Status=$APTDIR/state/status"
  -o "Dir::Cache=$APTDIR/cache"
  -o "Dir::Cache::Archives=$APTDIR/archives"
  -o "APT::Architectures=$ARCH"
  -o "APT::Architecture=$ARCH"
  -o "Debug::NoLocking=1"
)
mkdir -p "$APTDIR/cache"
echo "sysroot: reading trixie/$ARCH package lists" >&2
apt-get "${APT_OPTS[@]}" -qq update >&2

# nodejs and everything it depends on (no recommends), as one flat list of real package names.
mapfile -t PKGS < <(apt-cache "${APT_OPTS[@]}" depends --recurse --no-recommends --no-suggests \
  --no-conflicts --no-breaks --no-replaces --no-enhances nodejs \
  | grep -E '^[a-z0-9]' | sed 's/:.*$//' | sort -u)
[ "${#PKGS[@]}" -gt 0 ] || { echo "sysroot: could not resolve nodejs's dependencies" >&2; exit 1; }
echo "sysroot: downloading ${#PKGS[@]} packages" >&2
DL="$APTDIR/archives"
# apt-get download writes into the current folder; virtual packages (no candidate) are skipped.
(
  cd "$DL"
  for p in "${PKGS[@]}"; do
    if ! ls "$DL"/"${p}"_*.deb >/dev/null 2>&1; then
      apt-get "${APT_OPTS[@]}" -qq download "$p:$ARCH" >&2 2>/dev/null || echo "sysroot: (skipped virtual/unavailable $p)" >&2
    fi
  done
)
rm -rf "$SYSROOT.tmp"
mkdir -p "$SYSROOT.tmp"
for deb in "$DL"/*.deb; do dpkg-deb -x "$deb" "$SYSROOT.tmp"; done
# trixie is merged-/usr: the dynamic loader is looked up as /lib/ld-linux-*.so.
for d in lib bin sbin; do [ -e "$SYSROOT.tmp/$d" ] || ln -s "usr/$d" "$SYSROOT.tmp/$d"; done
[ "$ARCH" = arm64 ] && { [ -e "$SYSROOT.tmp/lib64" ] || ln -s usr/lib64 "$SYSROOT.tmp/lib64" 2>/dev/null || true; }
[ -x "$SYSROOT.tmp/usr/bin/node" ] || [ -x "$SYSROOT.tmp/usr/bin/nodejs" ] || { echo "sysroot: node binary missing after extraction" >&2; exit 1; }
[ -e "$SYSROOT.tmp/usr/bin/node" ] || ln -s nodejs "$SYSROOT.tmp/usr/bin/node"
rm -rf "$SYSROOT"
mv "$SYSROOT.tmp" "$SYSROOT"
date -u +%FT%TZ > "$STAMP"
echo "sysroot: ready ($(du -sh "$SYSROOT" | cut -f1))" >&2
echo "$SYSROOT"
