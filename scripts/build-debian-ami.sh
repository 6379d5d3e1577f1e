#!/bin/sh
# Build a Debian 12 (bookworm, amd64) AMI with debootstrap: systemd,
# cloud-init (EC2 data source), openssh-server, ifupdown with dhclient,
# Debian's cloud kernel, on one ext4 partition booted by extlinux from an
# MBR, converted to a compressed qcow2.  Configured as a stock cloud image:
# user "admin" made by cloud-init, root locked, no SSH host keys, an empty
# machine-id, serial console on ttyS0.  What it holds: images/debian-ami/README.
#
# Usage: scripts/build-debian-ami.sh [OUT.qcow2]   (default build/images/debian-12.qcow2)
# Environment: MC_DEBIAN_MIRROR, MC_DEBIAN_SECURITY_MIRROR (default: the
# mirrors this machine's apt uses; "none" skips security updates),
# MC_IMAGE_CACHE (default /var/cache/minicloud/images).
# Rebuilds only when this script, images/debian-ami/ or the package list
# change; a built image is kept in MC_IMAGE_CACHE under the hash of those.
# Needs root (debootstrap, loop devices).
set -eu
umask 022

TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$TOP/build/images/debian-12.qcow2}
SRC=$TOP/images/debian-ami
CACHE=${MC_IMAGE_CACHE:-/var/cache/minicloud/images}
SUITE=bookworm
DISK_MIB=2048	# the virtual size; cloud-init grows the root to the volume
CACHE_KEEP=3	# built images kept in CACHE
NET_TRIES=5	# tries of a step that downloads
NET_WAIT=30	# seconds between them
# What debootstrap adds to minbase.  python3-cffi-backend: cloud-init
# needs it through python3-cryptography, which depends on virtual
# packages it provides, and debootstrap does not resolve those.
BASE_PKGS="systemd systemd-sysv udev dbus cloud-init python3-cffi-backend
openssh-server isc-dhcp-client ifupdown iproute2 netbase sudo
cloud-guest-utils fdisk ca-certificates curl procps less"
# Installed afterwards, from the suite and its updates.
KERNEL_PKGS="linux-image-cloud-amd64"

die() { echo "build-debian-ami: $*" >&2; exit 1; }
stage() { echo "build-debian-ami: $*"; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, loop devices)"
for t in debootstrap chroot qemu-img sfdisk losetup mkfs.ext4 extlinux \
    mount umount sha256sum awk; do
	command -v "$t" >/dev/null 2>&1 || die "$t is missing (scripts/install-deps.sh)"
done
MBR=/usr/lib/syslinux/mbr/mbr.bin
[ -f "$MBR" ] || die "$MBR is missing (syslinux-common)"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$KEYRING" ] || die "$KEYRING is missing (debian-archive-keyring)"

# The first "deb" URI of this machine's apt sources that serves suite $1,
# from deb822 .sources files, then one-line .list files.
host_mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && { cat "$f"; echo; }
	done | awk -v s="$1" '
	function flush() {
		if (!done && types ~ /(^| )deb( |$)/ && (suites " ") ~ (" " s " ") &&
		    en != "no" && uri != "") { print uri; done = 1 }
		types = suites = uri = en = ""
	}
	/^[ \t]*#/ { next }
	/^[ \t]*$/ { flush(); next }
	tolower($1) == "types:" { $1 = ""; types = $0 }
	tolower($1) == "uris:" { uri = $2 }
	tolower($1) == "suites:" { $1 = ""; suites = $0 }
	tolower($1) == "enabled:" { en = tolower($2) }
	END { flush() }' | head -n 1 | grep . && return 0
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
	awk -v s="$1" '$1 == "deb" {
		i = 2
		if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
		if ($(i + 1) == s) { print $i; exit }
	}'
}

MIRROR=${MC_DEBIAN_MIRROR:-$(host_mirror "$SUITE" || true)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY=${MC_DEBIAN_SECURITY_MIRROR:-$(host_mirror "$SUITE-security" || true)}
SECURITY=${SECURITY:-none}

# The key names everything the image is made of; the package lists are
# in this script.  Newer package versions alone do not trigger a rebuild.
KEY=$( { cat "$0"; (cd "$SRC" && find . -type f | LC_ALL=C sort |
	while read -r f; do echo "$f"; cat "$f"; done); } |
	sha256sum | cut -c1-16)
CACHED=$CACHE/debian-12-$KEY.qcow2
if [ -f "$OUT" ] && [ "$(cat "$OUT.stamp" 2>/dev/null)" = "$KEY" ]; then
	stage "$OUT is up to date"
	exit 0
fi

publish() {
	mkdir -p "$(dirname "$OUT")"
	rm -f "$OUT.stamp"
	cp --reflink=auto "$CACHED" "$OUT.new"
	mv "$OUT.new" "$OUT"
	echo "$KEY" >"$OUT.stamp"
}
if [ -f "$CACHED" ]; then
	publish
	stage "copied $OUT from the cache ($CACHED)"
	exit 0
fi

WORK=$(mktemp -d /tmp/mc-debian-ami.XXXXXX)
ROOT=$WORK/root
MNT=$WORK/mnt
LOOP=

# Unmount everything under WORK, deepest first; remove WORK only when
# nothing is mounted there any more (never rm through a bind of /dev).
unmount_all() {
	awk -v w="$WORK/" 'index($2 "/", w) == 1 { print $2 }' /proc/mounts |
	    sort -r | while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
}
cleanup() {
	rc=$?
	set +e
	unmount_all
	[ -n "$LOOP" ] && losetup -d "$LOOP" 2>/dev/null
	if awk -v w="$WORK/" 'index($2 "/", w) == 1 { f = 1 } END { exit !f }' \
	    /proc/mounts; then
		echo "build-debian-ami: $WORK still has mounts, left in place" >&2
	else
		rm -rf --one-file-system "$WORK"
	fi
	rm -f "$OUT.new"
	exit "$rc"
}
trap cleanup EXIT
trap 'echo "build-debian-ami: interrupted" >&2; exit 130' INT TERM

# Run a quiet step with its output in a log; show the log's end on failure.
logged() {
	log=$WORK/$1.log
	shift
	"$@" >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "$* failed"; }
}
# The same for a step that needs the archive: mirrors flap, so try it
# NET_TRIES times, NET_WAIT seconds apart.
retried() {
	name=$1
	shift
	n=1
	while ! "$@" >"$WORK/$name.log" 2>&1; do
		if [ "$n" -ge "$NET_TRIES" ]; then
			tail -n 30 "$WORK/$name.log" >&2
			die "$* failed $n times"
		fi
		stage "    $name failed, trying again in $NET_WAIT s"
		n=$((n + 1))
		sleep "$NET_WAIT"
	done
}
in_root() { chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
# apt in the chroot: retry downloads, and fail when an index could not be
# had (by default a failed security index is only a warning).
APT="apt-get -q -o Acquire::Retries=3"

# 1. The base system.
stage "1/6 debootstrap $SUITE from $MIRROR"
# A failed debootstrap starts again from an empty directory, with the
# packages it already has.
bootstrap() {
	unmount_all
	rm -rf --one-file-system "$ROOT"
	mkdir -p "$WORK/debs"
	debootstrap --arch=amd64 --variant=minbase --keyring="$KEYRING" \
	    --cache-dir="$WORK/debs" \
	    --include="$(printf '%s' "$BASE_PKGS" | tr -s ' \n' ',,')" \
	    "$SUITE" "$ROOT" "$MIRROR"
}
retried debootstrap bootstrap

# 2. Updates and the kernel, with the build's mirrors and no services
# started in the chroot.
stage "2/6 updates and $KERNEL_PKGS (security: $SECURITY)"
mount -t proc proc "$ROOT/proc"
mount -t sysfs sysfs "$ROOT/sys"
mount --bind /dev "$ROOT/dev"
mount --bind /dev/pts "$ROOT/dev/pts"
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
{
	echo "deb $MIRROR $SUITE main"
	echo "deb $MIRROR $SUITE-updates main"
	[ "$SECURITY" = none ] || echo "deb $SECURITY $SUITE-security main"
} >"$ROOT/etc/apt/sources.list"
# shellcheck disable=SC2086 # $APT and the package list are word lists
{
	retried apt-update in_root $APT --error-on=any update
	retried apt-upgrade in_root $APT -y dist-upgrade
	retried kernel in_root $APT -y install --no-install-recommends $KERNEL_PKGS
}
KVER=$(find "$ROOT/lib/modules/" -mindepth 1 -maxdepth 1 -printf '%f\n' | head -n 1)
if [ -z "$KVER" ] || [ ! -f "$ROOT/boot/initrd.img-$KVER" ]; then
	die "no kernel or initramfs in the image"
fi

# 3. A stock cloud image's configuration, then nothing of this build
# left: no host keys, machine-id, leases, apt lists, logs or caches.
stage "3/6 configure and clean (kernel $KVER)"
UUID=$(cat /proc/sys/kernel/random/uuid)
# Copied as root's, whoever owns the checkout.
cp -R "$SRC/rootfs/." "$ROOT/"
sed "s/@ROOT_UUID@/$UUID/" "$SRC/fstab" >"$ROOT/etc/fstab"
rm -f "$ROOT/etc/apt/sources.list" "$ROOT/usr/sbin/policy-rc.d"
in_root usermod -p '*' root
# e2scrub_reap removes e2scrub's leftover LVM snapshots; there is no LVM
# here, and on one slow vCPU it delays cloud-init by seconds.
logged e2scrub in_root systemctl disable e2scrub_reap.service e2scrub_all.timer
in_root apt-get clean
unmount_all
rm -f "$ROOT"/etc/ssh/ssh_host_*
: >"$ROOT/etc/machine-id"
rm -f "$ROOT/var/lib/dbus/machine-id"
ln -s /etc/machine-id "$ROOT/var/lib/dbus/machine-id"
: >"$ROOT/etc/resolv.conf"
rm -rf "$ROOT"/var/lib/dhcp/* "$ROOT"/var/lib/apt/lists/* \
	"$ROOT"/var/cache/apt/*.bin "$ROOT"/var/cache/debconf/*-old \
	"$ROOT"/var/lib/dpkg/*-old "$ROOT"/var/lib/cloud/* "$ROOT"/tmp/* \
	"$ROOT"/var/tmp/* "$ROOT"/root/.bash_history
mkdir -p "$ROOT/var/lib/apt/lists/partial"
find "$ROOT/var/log" -type f -exec truncate -s 0 {} +

# 4. The disk: MBR, one bootable ext4 partition.  extlinux reads ext4
# without the 64bit feature.  Inode tables are written now, so that the
# guest's first boot does not spend its time zeroing them.
stage "4/6 disk: ${DISK_MIB} MiB, ext4 UUID $UUID"
RAW=$WORK/disk.raw
truncate -s "${DISK_MIB}M" "$RAW"
echo 'start=2048, type=83, bootable' | sfdisk -q "$RAW"
PART_BYTES=$(( (DISK_MIB * 2048 - 2048) * 512 ))
# The partition through a loop device at its offset: partition nodes
# (loopNp1) need udev, which containers often lack.
LOOP=$(losetup --find --show --offset $((2048 * 512)) \
	--sizelimit "$PART_BYTES" "$RAW")
logged mkfs mkfs.ext4 -q -L root -U "$UUID" -O ^64bit \
	-E lazy_itable_init=0,lazy_journal_init=0 "$LOOP"
mkdir -p "$MNT"
mount "$LOOP" "$MNT"
cp -a "$ROOT/." "$MNT/"
mkdir -p "$MNT/boot/extlinux"
sed "s/@ROOT_UUID@/$UUID/" "$SRC/extlinux.conf" >"$MNT/boot/extlinux/extlinux.conf"
logged extlinux extlinux --install "$MNT/boot/extlinux"
USED=$(df -m --output=used "$MNT" | tail -n 1 | tr -d ' ')
umount "$MNT"
losetup -d "$LOOP"
LOOP=
dd if="$MBR" of="$RAW" bs=440 count=1 conv=notrunc status=none

# 5. Compressed qcow2 into the cache, under a temporary name first.
stage "5/6 qcow2 (${USED} MiB used in the filesystem)"
mkdir -p "$CACHE"
qemu-img convert -c -f raw -O qcow2 "$RAW" "$WORK/disk.qcow2"
mv "$WORK/disk.qcow2" "$CACHED.$$"
mv "$CACHED.$$" "$CACHED"
# shellcheck disable=SC2012 # our own names, no odd characters
ls -t "$CACHE"/debian-12-*.qcow2 | tail -n +$((CACHE_KEEP + 1)) |
	while read -r old; do rm -f "$old"; done

# 6. Where it was asked for.
publish
stage "6/6 built $OUT ($(du -h "$OUT" | cut -f1), kernel $KVER)"
