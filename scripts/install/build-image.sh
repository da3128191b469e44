#!/usr/bin/env bash
# Write a ready-to-flash SD-card image: a Raspberry Pi OS (Lite) image with tipring installed,
# built WITHOUT loop devices or root mounts: the root partition is copied out of the image file
# (sfdisk offsets + dd), unpacked with debugfs, tipring is installed into that tree (install.sh
# with DESTDIR), the partition is rebuilt with mkfs.ext4 -d (same UUID and label) and written
# back; the boot (FAT) partition is edited with mtools. Run as root or under fakeroot (file
# ownership inside the image).
#
#   scripts/install/build-image.sh --base 2024-11-19-raspios-bookworm-arm64-lite.img.xz \
#       --bundle release/tipring-0.1.0-rpi-ag1171-arm64.tar.gz --trusted-root repo/metadata/root.json \
#       --repository https://updates.example.net/tipring --out tipring.img \
#       [--node-tarball node-v20.18.0-linux-arm64.tar.xz] [--grow-mb 256] [--ssh] [install.sh options]
#
# Then: dd if=tipring.img of=/dev/sdX bs=4M conv=fsync (or Raspberry Pi Imager, "custom image").
# Needs: sfdisk (fdisk), debugfs + mkfs.ext4 (e2fsprogs), mtools, xz-utils, node >= 20 on this host.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
BASE="" OUT="" NODE_TARBALL="" GROW_MB=0 SSH=0 PASS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --base) BASE="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --node-tarball) NODE_TARBALL="$2"; shift 2 ;;
    --grow-mb) GROW_MB="$2"; shift 2 ;;
    --ssh) SSH=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) PASS+=("$1"); shift ;;
  esac
done
[ -f "$BASE" ] && [ -n "$OUT" ] || { echo "build-image: --base IMAGE and --out FILE are required" >&2; exit 2; }
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tipring-image.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

echo "build-image: copying $BASE" >&2
case "$BASE" in *.xz) xz -dc "$BASE" > "$OUT" ;; *) cp --sparse=always "$BASE" "$OUT" ;; esac
if [ "$GROW_MB" -gt 0 ]; then
  truncate -s +"${GROW_MB}M" "$OUT"
  echo ", +" | sfdisk --no-reread --no-tell-kernel -q -N 2 "$OUT" >/dev/null
fi
part() { sfdisk -J "$OUT" | node -e 'const p=JSON.parse(require("fs").readFileSync(0,"utf8")).partitiontable.partitions[Number(process.argv[1])-1];if(!p)process.exit(1);process.stdout.write(p.start+" "+p.size+"\n")' "$1"; }
read -r BOOT_START BOOT_SIZE < <(part 1)
read -r ROOT_START ROOT_SIZE < <(part 2)
echo "build-image: boot partition at sector $BOOT_START ($BOOT_SIZE sectors), root at $ROOT_START ($ROOT_SIZE sectors)" >&2

# Root partition: out of the image, unpacked, tipring installed, rebuilt, back in.
dd if="$OUT" of="$WORK/root.ext4" bs=512 skip="$ROOT_START" count="$ROOT_SIZE" status=none
if [ "$GROW_MB" -gt 0 ]; then e2fsck -fy "$WORK/root.ext4" >/dev/null 2>&1 || true; fi
UUID="$(dumpe2fs -h "$WORK/root.ext4" 2>/dev/null | sed -n 's/^Filesystem UUID: *//p')"
LABEL="$(dumpe2fs -h "$WORK/root.ext4" 2>/dev/null | sed -n 's/^Filesystem volume name: *//p')"
[ "$LABEL" != "<none>" ] || LABEL=""
mkdir "$WORK/tree"
debugfs -R "rdump / $WORK/tree" "$WORK/root.ext4" >/dev/null 2>&1
rm -rf "$WORK/tree/lost+found"
if [ -n "$NODE_TARBALL" ]; then
  echo "build-image: adding Node.js from $NODE_TARBALL to /usr/local" >&2
  tar -xf "$NODE_TARBALL" -C "$WORK/tree/usr/local" --strip-components=1 --exclude='*/include' --exclude='*/share/doc'
elif [ ! -x "$WORK/tree/usr/bin/node" ] && [ ! -x "$WORK/tree/usr/local/bin/node" ]; then
  echo "build-image: WARNING: the image has no Node.js; give --node-tarball (Node >= 20 for the board's arch)" >&2
fi
DESTDIR="$WORK/tree" sh "$HERE/install.sh" --no-start "${PASS[@]}"
mkfs.ext4 -q -F -d "$WORK/tree" ${UUID:+-U "$UUID"} ${LABEL:+-L "$LABEL"} -b 4096 "$WORK/root.new.ext4" "$((ROOT_SIZE / 2))k"
dd if="$WORK/root.new.ext4" of="$OUT" bs=512 seek="$ROOT_START" conv=notrunc status=none

# Boot partition (FAT): mtools works on the image file at the partition's offset.
if [ "$SSH" = 1 ]; then
  : > "$WORK/ssh"
  mcopy -o -i "$OUT@@$((BOOT_START * 512))" "$WORK/ssh" ::ssh
fi
echo "build-image: $OUT ready (tipring in partition 2; flash with dd or Raspberry Pi Imager)" >&2
