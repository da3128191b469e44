#!/usr/bin/env bash
# Build a .deb of tipring from a release bundle (dpkg-deb, no root needed):
#
#   scripts/install/build-deb.sh --bundle release/tipring-0.1.0-rpi-ag1171-arm64.tar.gz \
#       --trusted-root keys/../repo/metadata/root.json --repository https://updates.example.net/tipring [--out DIR]
#
# The package holds the launcher (/opt/tipring/bootstrap), the first bundle and trusted root
# (/usr/share/tipring), the set-up script and templates, and /usr/bin/tipring. Its postinst runs
# the same set-up as install.sh (user, slots, state, config with a generated password, unit);
# with DPKG_ROOT set it acts on that directory instead of / (tests).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
BUNDLE="" ROOT_JSON="" REPOSITORY="https://updates.invalid/tipring" OUT="$PWD" BOARD=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) BUNDLE="$2"; shift 2 ;;
    --trusted-root) ROOT_JSON="$2"; shift 2 ;;
    --repository) REPOSITORY="$2"; shift 2 ;;
    --board) BOARD="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "build-deb: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -f "$BUNDLE" ] && [ -f "$ROOT_JSON" ] || { echo "build-deb: --bundle FILE and --trusted-root FILE are required" >&2; exit 2; }
MANIFEST="$(tar -xzOf "$BUNDLE" manifest.json)"
field() { node -e 'const m=JSON.parse(require("fs").readFileSync(0,"utf8"));const v=m[process.argv[1]];process.stdout.write(Array.isArray(v)?v[0]:String(v))' "$1" <<<"$MANIFEST"; }
VERSION="$(field version)"
ARCH="$(field arch)"
[ -n "$BOARD" ] || BOARD="$(field hardware)"
case "$ARCH" in arm64) DEBARCH=arm64 ;; arm) DEBARCH=armhf ;; x64) DEBARCH=amd64 ;; *) echo "build-deb: unknown arch $ARCH" >&2; exit 2 ;; esac
DEBVERSION="$(printf %s "$VERSION" | tr -c 'A-Za-z0-9.+~\n' '~')"

PKG="$(mktemp -d "${TMPDIR:-/tmp}/tipring-deb.XXXXXX")"
trap 'rm -rf "$PKG"' EXIT
chmod 755 "$PKG"
mkdir -p "$PKG/DEBIAN" "$PKG/opt/tipring/bootstrap" "$PKG/usr/share/tipring" "$PKG/usr/bin" "$PKG/usr/share/doc/tipring"
tar -xzf "$BUNDLE" -C "$PKG/opt/tipring/bootstrap"
cp "$BUNDLE" "$PKG/usr/share/tipring/bundle.tar.gz"
cp "$ROOT_JSON" "$PKG/usr/share/tipring/root.json"
cp "$HERE/setup-device.sh" "$HERE/tipring.yaml.template" "$HERE/update.yaml.template" "$HERE/tipring.service" "$HERE/tipring-watchdog.conf" "$PKG/usr/share/tipring/"
printf '%s\n' "$REPOSITORY" > "$PKG/usr/share/tipring/repository"
printf '%s\n' "$BOARD" > "$PKG/usr/share/tipring/board"
sed "s|@ROOT@|/opt/tipring|g" "$HERE/tipring.sh" > "$PKG/usr/bin/tipring"
chmod 755 "$PKG/usr/bin/tipring" "$PKG/usr/share/tipring/setup-device.sh"
printf 'tipring %s\nLicense: MIT\n' "$VERSION" > "$PKG/usr/share/doc/tipring/copyright"
SIZE="$(du -sk "$PKG" | cut -f1)"
cat > "$PKG/DEBIAN/control" <<CONTROL
Package: tipring
Version: $DEBVERSION
Architecture: $DEBARCH
Maintainer: tipring developers <tipring@invalid>
Depends: nodejs (>= 20), adduser, passwd
Installed-Size: $SIZE
Section: comm
Priority: optional
Homepage: https://tipring.invalid
Description: analog telephone adapter firmware (FXS SLIC + SIP/RTP)
 tipring turns a Raspberry-Pi-class board with an FXS SLIC into an ATA: plug in an
 analog phone, make and take SIP calls. Signed (TUF) A/B updates with trial boot and
 automatic rollback. Board: $BOARD; bundle $VERSION.
CONTROL
cat > "$PKG/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
# tipring postinst: set up the device (idempotent). DPKG_ROOT=DIR acts on DIR instead of /.
set -e
if [ "$1" = configure ]; then
  S="${DPKG_ROOT:-}/usr/share/tipring"
  DESTDIR="${DPKG_ROOT:-}" sh "$S/setup-device.sh" --bootstrap-present \
    --bundle "$S/bundle.tar.gz" --trusted-root "$S/root.json" \
    --repository "$(cat "$S/repository")" --board "$(cat "$S/board")"
fi
exit 0
POSTINST
cat > "$PKG/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if [ -z "${DPKG_ROOT:-}" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  systemctl stop tipring.service || true
  [ "$1" = remove ] && systemctl disable tipring.service || true
fi
exit 0
PRERM
cat > "$PKG/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
# purge: remove the device's data (slots, state, trusted metadata), config, unit and user.
set -e
if [ "$1" = purge ]; then
  R="${DPKG_ROOT:-}"
  rm -rf "$R/opt/tipring/slots" "$R/opt/tipring/state" "$R/opt/tipring/tuf" "$R/opt/tipring/dl" "$R/etc/tipring" \
         "$R/etc/systemd/system/tipring.service" "$R/etc/systemd/system/multi-user.target.wants/tipring.service"
  if [ -z "$R" ] && getent passwd tipring >/dev/null; then deluser --system tipring >/dev/null || true; fi
fi
exit 0
POSTRM
chmod 755 "$PKG/DEBIAN/postinst" "$PKG/DEBIAN/prerm" "$PKG/DEBIAN/postrm"
mkdir -p "$OUT"
DEB="$OUT/tipring_${DEBVERSION}_${DEBARCH}.deb"
dpkg-deb --root-owner-group -Zgzip --build "$PKG" "$DEB" >/dev/null
echo "$DEB"
