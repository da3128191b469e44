#!/bin/sh
# Install tipring on a stock Raspberry Pi OS / Debian system from a release bundle.
#
#   sudo scripts/install/install.sh --bundle tipring-0.1.0-rpi-ag1171-arm64.tar.gz \
#        --trusted-root root.json --repository https://updates.example.net/tipring \
#        [--board rpi-ag1171] [--registrar pbx.lan:5060 --sip-user 201 --sip-password ...]
#        [--hw-watchdog] [--no-start]
#
# Creates the tipring system user, the A/B update root in /opt/tipring (launcher, slot a, state,
# trusted TUF root), /etc/tipring/tipring.yaml from the template with a unique generated SIP
# password (unless one is given), /etc/tipring/update.yaml, the systemd unit (enabled, started)
# and /usr/local/bin/tipring. Needs Node.js >= 20 (Debian 12 ships 18: see docs/updates.md).
# DESTDIR=DIR installs into a directory tree instead (SD-card images, tests).
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
D="${DESTDIR:-}"
HW_WATCHDOG=0
ROOT=/opt/tipring
ARGS=""
for a in "$@"; do
  case "$a" in
    --hw-watchdog) HW_WATCHDOG=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) ARGS="$ARGS '$(printf %s "$a" | sed "s/'/'\\\\''/g")'" ;;
  esac
done
prev=""
for a in "$@"; do [ "$prev" = "--root" ] && ROOT="$a"; prev="$a"; done
if [ -z "$D" ] && [ "$(id -u)" -ne 0 ]; then echo "install: run as root (sudo)" >&2; exit 1; fi
NODE="${NODE:-node}"
if ! command -v "$NODE" >/dev/null; then echo "install: Node.js >= 20 is needed (see docs/updates.md)" >&2; exit 1; fi
major=$("$NODE" -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then echo "install: Node.js $("$NODE" --version) is too old: tipring needs >= 20 (see docs/updates.md)" >&2; exit 1; fi

mkdir -p "$D/usr/local/bin"
sed "s|@ROOT@|$ROOT|g" "$HERE/tipring.sh" > "$D/usr/local/bin/tipring"
chmod 755 "$D/usr/local/bin/tipring"
if [ "$HW_WATCHDOG" = 1 ]; then
  mkdir -p "$D/etc/systemd/system.conf.d"
  cp "$HERE/tipring-watchdog.conf" "$D/etc/systemd/system.conf.d/tipring-watchdog.conf"
fi
eval "set -- $ARGS"
exec sh "$HERE/setup-device.sh" "$@"
