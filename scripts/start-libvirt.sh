#!/bin/sh
# Start what libvirt needs on this host, when it is not running: virtlogd
# and libvirtd (machines without systemd), and give /dev/kvm the mode a
# normal Debian host's udev rule gives it (0660 root:kvm): libvirt
# re-probes QEMU on every call while the device is 0600 root, which
# makes each domain start take tens of seconds.  Idempotent.
set -eu

if [ "$(id -u)" -ne 0 ]; then
	echo "start-libvirt: must run as root" >&2
	exit 1
fi

if [ -c /dev/kvm ] && getent group kvm >/dev/null; then
	chgrp kvm /dev/kvm
	chmod 0660 /dev/kvm
fi

if ! pgrep -x virtlogd >/dev/null; then
	virtlogd -d
fi
if ! pgrep -x libvirtd >/dev/null; then
	libvirtd -d
fi

# libvirtd takes a moment before it answers.
i=0
until virsh -c qemu:///system version >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 100 ]; then
		echo "start-libvirt: libvirtd does not answer" >&2
		exit 1
	fi
	sleep 0.1
done
