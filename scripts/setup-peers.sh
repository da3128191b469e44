#!/usr/bin/env bash
# Installs the real peers the tests run against, from Debian's packages. Idempotent: packages
# already present are not fetched again. Needs root (or sudo).
set -euo pipefail
PKGS=(kamailio kamailio-tls-modules sip-tester baresip-core sipvicious libspandsp-dev libspeexdsp-dev
      socat dnsmasq-base iproute2 pkg-config build-essential espeak-ng sox qemu-user g++-aarch64-linux-gnu
      mtools fdisk e2fsprogs file xz-utils python3 openssl)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-peers: all peer packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup-peers: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-peers: done"
