#!/bin/sh
# bench/launch: launch latency of minicloud against plain QEMU, in one run.
# Builds the programs and the test AMI first; needs libvirtd (started).
set -eu
cd "$(dirname "$0")/../.."
sh scripts/start-libvirt.sh
MC_BIN_DIR=${BIN_DIR:-$PWD/bin} MC_AMI=${AMI:-$PWD/build/images/minicloud-test.qcow2} \
	exec /usr/bin/python3 bench/launch/bench.py
