#!/bin/sh
# Set up tipring on a device (used by install.sh, by the .deb's postinst and by build-image.sh):
# system user, update root (bootstrap launcher, slot a, state, trusted root), config with a unique
# generated SIP password, update settings, systemd unit. Idempotent: an existing update state,
# config or settings file is kept.
#
# usage: setup-device.sh --bundle FILE --trusted-root FILE [--repository URL] [--board B]
#          [--root /opt/tipring] [--registrar HOST[:PORT]] [--domain D] [--sip-user U]
#          [--sip-password P] [--profile us] [--no-start] [--bootstrap-present]
# env DESTDIR=DIR  install into DIR (an image tree, or a test): no host user, no systemctl;
#                  if DIR/etc/passwd exists the user is added to that tree's passwd/group/shadow.
#     NODE=node    the Node.js binary used to run the set-up steps (default: node in PATH)
set -eu
BUNDLE="" ROOT_JSON="" REPOSITORY="https://updates.invalid/tipring" BOARD="rpi-ag1171" ROOT="/opt/tipring"
REGISTRAR="sip.example.invalid" DOMAIN="" SIP_USER="" SIP_PASSWORD="" PROFILE="us" START=1 BOOTSTRAP_PRESENT=0
HERE="$(cd "$(dirname "$0")" && pwd)"
while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) BUNDLE="$2"; shift 2 ;;
    --trusted-root) ROOT_JSON="$2"; shift 2 ;;
    --repository) REPOSITORY="$2"; shift 2 ;;
    --board) BOARD="$2"; shift 2 ;;
    --root) ROOT="$2"; shift 2 ;;
    --registrar) REGISTRAR="$2"; shift 2 ;;
    --domain) DOMAIN="$2"; shift 2 ;;
    --sip-user) SIP_USER="$2"; shift 2 ;;
    --sip-password) SIP_PASSWORD="$2"; shift 2 ;;
    --profile) PROFILE="$2"; shift 2 ;;
    --no-start) START=0; shift ;;
    --bootstrap-present) BOOTSTRAP_PRESENT=1; shift ;;
    *) echo "setup-device: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$BUNDLE" ] && [ -n "$ROOT_JSON" ] || { echo "setup-device: --bundle and --trusted-root are required" >&2; exit 2; }
D="${DESTDIR:-}"
NODE="${NODE:-node}"
R="$D$ROOT"
ETC="$D/etc/tipring"
USER_NAME=tipring

# --- 1. the system user (no login, no password) ---------------------------------------------
if [ -z "$D" ]; then
  if ! getent passwd "$USER_NAME" >/dev/null; then
    adduser --system --group --home "$ROOT" --no-create-home --shell /usr/sbin/nologin "$USER_NAME" >/dev/null
  fi
  for g in gpio spi i2c audio dialout; do getent group "$g" >/dev/null && usermod -aG "$g" "$USER_NAME" || true; done
  OWNER="$USER_NAME:$USER_NAME"
elif [ -f "$D/etc/passwd" ]; then
  if ! grep -q "^$USER_NAME:" "$D/etc/passwd"; then
    uid=999; while cut -d: -f3 "$D/etc/passwd" "$D/etc/group" | grep -qx "$uid"; do uid=$((uid - 1)); done
    echo "$USER_NAME:x:$uid:$uid:tipring ATA:$ROOT:/usr/sbin/nologin" >> "$D/etc/passwd"
    echo "$USER_NAME:x:$uid:" >> "$D/etc/group"
    [ -f "$D/etc/shadow" ] && echo "$USER_NAME:!:19000::::::" >> "$D/etc/shadow"
    for g in gpio spi i2c audio dialout; do
      grep -q "^$g:" "$D/etc/group" && sed -i "/^$g:/{s/:\$/:$USER_NAME/;t;s/\$/,$USER_NAME/}" "$D/etc/group"
    done
  fi
  uid=$(grep "^$USER_NAME:" "$D/etc/passwd" | cut -d: -f3)
  OWNER="$uid:$uid"
else
  OWNER=""
fi

# --- 2. the launcher (bootstrap) and the update root -----------------------------------------
mkdir -p "$R"
if [ "$BOOTSTRAP_PRESENT" = 0 ]; then
  rm -rf "$R/bootstrap.new" && mkdir -p "$R/bootstrap.new"
  tar -xzf "$BUNDLE" -C "$R/bootstrap.new"
  rm -rf "$R/bootstrap" && mv "$R/bootstrap.new" "$R/bootstrap"
fi
if [ ! -f "$R/state/update.json" ]; then
  "$NODE" "$R/bootstrap/dist/firmware/ota/ota-cli.js" ota-init --root "$R" --bundle "$BUNDLE" --trusted-root "$ROOT_JSON"
else
  echo "setup-device: $R/state/update.json exists: keeping the installed slots"
fi

# --- 3. configuration with a unique password ---------------------------------------------------
mkdir -p "$ETC"
GENERATED=""
if [ ! -f "$ETC/tipring.yaml" ]; then
  if [ -z "$SIP_PASSWORD" ]; then
    SIP_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=' | cut -c1-20)
    GENERATED=1
  fi
  [ -n "$SIP_USER" ] || SIP_USER="tipring-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  [ -n "$DOMAIN" ] || DOMAIN="${REGISTRAR%%:*}"
  umask 077
  sed -e "s|@BOARD@|$BOARD|g" -e "s|@PROFILE@|$PROFILE|g" -e "s|@REGISTRAR@|$REGISTRAR|g" -e "s|@DOMAIN@|$DOMAIN|g" \
      -e "s|@SIP_USER@|$SIP_USER|g" -e "s|@SIP_PASSWORD@|$SIP_PASSWORD|g" "$HERE/tipring.yaml.template" > "$ETC/tipring.yaml"
  chmod 600 "$ETC/tipring.yaml"
  umask 022
fi
if [ ! -f "$ETC/update.yaml" ]; then
  sed -e "s|@REPOSITORY@|$REPOSITORY|g" -e "s|@ROOT@|$ROOT|g" -e "s|@BOARD@|$BOARD|g" "$HERE/update.yaml.template" > "$ETC/update.yaml"
  chmod 644 "$ETC/update.yaml"
fi

# --- 4. ownership: the firmware writes its state, slots and trusted metadata -----------------------
if [ -n "$OWNER" ]; then
  chown -R "$OWNER" "$R/slots" "$R/state" "$R/tuf" "$R/dl"
  chown "$OWNER" "$ETC/tipring.yaml"
fi

# --- 5. systemd ---------------------------------------------------------------------------------
SUPP_GROUPS=""
for g in gpio spi i2c audio dialout; do
  if [ -z "$D" ]; then getent group "$g" >/dev/null && SUPP_GROUPS="$SUPP_GROUPS $g"
  elif [ -f "$D/etc/group" ]; then grep -q "^$g:" "$D/etc/group" && SUPP_GROUPS="$SUPP_GROUPS $g"; fi
done
UNIT_DIR="$D/etc/systemd/system"
mkdir -p "$UNIT_DIR/multi-user.target.wants"
sed -e "s|@ROOT@|$ROOT|g" -e "s|@GROUPS@|${SUPP_GROUPS# }|" "$HERE/tipring.service" > "$UNIT_DIR/tipring.service"
[ -n "$SUPP_GROUPS" ] || sed -i '/^SupplementaryGroups=/d' "$UNIT_DIR/tipring.service"
ln -sf ../tipring.service "$UNIT_DIR/multi-user.target.wants/tipring.service"
if [ -z "$D" ] && [ "$START" = 1 ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl restart tipring.service
fi

echo "tipring set up in $R (config $ETC/tipring.yaml, updates from $REPOSITORY)"
if [ -n "$GENERATED" ]; then
  echo "SIP account: user $SIP_USER, generated password $SIP_PASSWORD"
  echo "  set this password for that user on $REGISTRAR (it is stored only in $ETC/tipring.yaml)"
fi
