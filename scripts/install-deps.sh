#!/bin/sh
# Install every build and test dependency of minicloud from Debian's archive.
# Idempotent: packages already installed are left alone, and apt is not run
# at all when nothing is missing.
set -eu

PKGS="
build-essential
pkg-config
libmicrohttpd-dev
libsqlite3-dev
sqlite3
libssl-dev
openssl
openssh-client
uuid-dev
libcmocka-dev
libcurl4-openssl-dev
libjson-c-dev
libvirt-dev
libmnl-dev
libnftables-dev
libnftnl-dev
iproute2
libvirt-daemon-system
libvirt-clients
qemu-system-x86
qemu-utils
extlinux
syslinux-common
busybox-static
fdisk
cpio
kmod
e2fsprogs
debootstrap
debian-archive-keyring
clang
libclang-rt-14-dev
wrk
curl
python3
python3-pytest
python3-boto3
python3-botocore
awscli
"

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: must run as root (it installs Debian packages)" >&2
	exit 1
fi

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	"install ok installed") ;;
	*) missing="$missing $p" ;;
	esac
done

# node and npm run the JavaScript SDK tests.  Any install of them will do
# (Debian's, or a newer one already on the machine), so look for the
# commands rather than for Debian's packages.
for c in node npm; do
	command -v "$c" >/dev/null 2>&1 || missing="$missing nodejs npm"
done

if [ -z "$missing" ]; then
	echo "install-deps: all dependencies present"
	exit 0
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086 # word splitting of the package list is wanted
apt-get install -y -q --no-install-recommends \
	-o Dpkg::Options::=--force-confnew $(echo $missing | tr ' ' '\n' | sort -u)
