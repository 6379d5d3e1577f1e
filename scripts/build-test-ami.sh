#!/bin/sh
# Build minicloud's test and demo AMI from Debian packages: a raw disk
# with an MBR, one ext2 partition holding Debian's kernel, a busybox
# initramfs and extlinux, converted to qcow2.  Its init prints
# "minicloud-test-ami: instance <id> up" on the serial console, powers off
# on ACPI power button, and (once it has a network) fetches its user-data
# and runs it when it starts with "#!".  What it carries is listed in
# images/test-ami/README.
#
# Usage: scripts/build-test-ami.sh [OUT.qcow2]   (default build/images/minicloud-test.qcow2)
# Also writes OUT's kernel and initramfs beside it (.vmlinuz, .initrd).
# Rebuilds only when this script, the image's files or the packages changed.
# Needs root (loop devices for extlinux).
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$TOP/build/images/minicloud-test.qcow2}
SRC=$TOP/images/test-ami
OUTDIR=$(dirname "$OUT")
CACHE=$OUTDIR/cache
DISK_MIB=64
# Modules the guest loads, in an order modprobe resolves fully.
MODULES="virtio_pci virtio_blk virtio_net virtio_rng ext4 evdev button"

die() { echo "build-test-ami: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (it mounts a loop device)"
for t in apt-get dpkg-deb depmod modprobe mke2fs sfdisk losetup extlinux \
    qemu-img cpio gzip busybox sha256sum ldd; do
	command -v "$t" >/dev/null 2>&1 || die "$t is missing (scripts/install-deps.sh)"
done
MBR=/usr/lib/syslinux/mbr/mbr.bin
[ -f "$MBR" ] || die "$MBR is missing (syslinux-common)"

mkdir -p "$CACHE"
KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
[ -n "$KPKG" ] || die "cannot resolve linux-image-amd64 (apt-get update?)"
KVER=${KPKG#linux-image-}

# The stamp names everything the image is made of.
STAMP=$( { cat "$0"; find "$SRC" -type f | sort | xargs cat;
	dpkg-query -W -f='${Version}' busybox-static curl e2fsprogs;
	echo "$KPKG"; } | sha256sum | cut -c1-16)
if [ -f "$OUT" ] && [ -f "${OUT%.qcow2}.initrd" ] &&
    [ "$(cat "$OUT.stamp" 2>/dev/null)" = "$STAMP" ]; then
	echo "build-test-ami: $OUT is up to date"
	exit 0
fi

WORK=$(mktemp -d /tmp/mc-ami-build.XXXXXX)
MNT=$WORK/mnt
LOOP=
cleanup() {
	mountpoint -q "$MNT" 2>/dev/null && umount "$MNT"
	[ -n "$LOOP" ] && losetup -d "$LOOP" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# 1. Debian's kernel, unpacked (not installed on this host).
DEB=$(ls "$CACHE"/"$KPKG"_*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$DEB" ]; then
	(cd "$CACHE" && apt-get download "$KPKG" 2>/dev/null) ||
		die "apt-get download $KPKG failed"
	DEB=$(ls "$CACHE"/"$KPKG"_*.deb | head -n 1)
fi
dpkg-deb -x "$DEB" "$WORK/kernel"
depmod -b "$WORK/kernel" "$KVER"

# 2. The initramfs: busybox, the modules, tools with their libraries.
R=$WORK/root
mkdir -p "$R"/bin "$R"/sbin "$R"/etc "$R"/proc "$R"/sys "$R"/dev "$R"/tmp \
	"$R"/run "$R"/mnt "$R"/root "$R"/var/run "$R"/usr/bin "$R"/usr/sbin \
	"$R"/lib/modules
cp /bin/busybox "$R"/bin/busybox
for a in $(busybox --list-full); do
	[ -e "$R/$a" ] || ln -s /bin/busybox "$R/$a"
done
ln -sf /bin/busybox "$R"/init
: >"$R"/etc/modules
for m in $MODULES; do
	modprobe -d "$WORK/kernel" -S "$KVER" --show-depends "$m" |
	    awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r ko; do
	cp "$ko" "$R"/lib/modules/
	echo "/lib/modules/$(basename "$ko")" >>"$R"/etc/modules
done
# Dynamic tools busybox lacks: curl (HTTP PUT with headers, for IMDSv2)
# and mke2fs (ext4).  Copy each with the libraries ldd names.
copy_with_libs() {
	cp -L "$1" "$R$2"
	ldd "$1" | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }' |
	while read -r lib; do
		[ -f "$lib" ] || continue
		mkdir -p "$R$(dirname "$lib")"
		cp -L "$lib" "$R$lib"
	done
}
copy_with_libs /usr/bin/curl /usr/bin/curl
copy_with_libs /usr/sbin/mke2fs /usr/sbin/mke2fs
for n in mkfs.ext4 mkfs.ext3; do ln -sf /usr/sbin/mke2fs "$R/sbin/$n"; done
cp -a "$SRC"/rootfs/. "$R"/
chmod 0755 "$R"/etc/rc.sysinit "$R"/etc/rc.net "$R"/usr/bin/mc-user-data \
	"$R"/etc/acpi/PWRF/00000080
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -9) >"$WORK/initrd.img"

# 3. The disk: MBR, one bootable ext2 partition with extlinux.
RAW=$WORK/disk.raw
truncate -s "${DISK_MIB}M" "$RAW"
echo 'start=2048, type=83, bootable' | sfdisk -q "$RAW"
# The partition through a loop device at its offset: partition nodes
# (loopNp1) need udev, which containers often lack.
LOOP=$(losetup --find --show --offset $((2048 * 512)) "$RAW")
mke2fs -q -t ext2 -L mc-boot "$LOOP"
mkdir -p "$MNT"
mount "$LOOP" "$MNT"
cp "$WORK/kernel/boot/vmlinuz-$KVER" "$MNT/vmlinuz"
cp "$WORK/initrd.img" "$MNT/initrd.img"
mkdir -p "$MNT/extlinux"
cp "$SRC/extlinux.conf" "$MNT/extlinux/extlinux.conf"
extlinux --install "$MNT/extlinux" >/dev/null 2>&1 || die "extlinux --install failed"
umount "$MNT"
losetup -d "$LOOP"
LOOP=
dd if="$MBR" of="$RAW" bs=440 count=1 conv=notrunc status=none

mkdir -p "$OUTDIR"
qemu-img convert -c -f raw -O qcow2 "$RAW" "$OUT.new"
mv "$OUT.new" "$OUT"
# The kernel and initramfs alone too, for direct kernel boot (aki-/ari-).
cp "$WORK/kernel/boot/vmlinuz-$KVER" "${OUT%.qcow2}.vmlinuz"
cp "$WORK/initrd.img" "${OUT%.qcow2}.initrd"
echo "$STAMP" >"$OUT.stamp"
echo "build-test-ami: built $OUT ($(du -h "$OUT" | cut -f1), kernel $KVER)"
