#!/bin/sh
# bench/scale: the controller at 1,000 simulated hosts and 10,000
# instances (placements a second, RSS, DescribeInstances), against one
# host and 1,000 instances in the same run; see bench/scale/scale.py.
# Nothing boots.  Environment: BENCH_HOSTS (1000), BENCH_INSTANCES
# (10000), BENCH_BASE (1000), BENCH_BATCH (MaxCount, 50), BENCH_CLIENTS
# (4), BENCH_REPS (10), BENCH_WALKS (3), BIN_DIR (bin);
# BENCH_PERF=FILE: perf record of the controller during the bulk launch.
set -eu
cd "$(dirname "$0")/../.."
for f in minicloud minicloud-controller; do
	[ -x "${BIN_DIR:-bin}/$f" ] || {
		echo "bench/scale: ${BIN_DIR:-bin}/$f is missing: make" >&2
		exit 1
	}
done
/usr/bin/python3 -c 'import botocore, pytest' 2>/dev/null || {
	echo "bench/scale: /usr/bin/python3 needs python3-botocore and" \
	    "python3-pytest" >&2
	exit 1
}
MC_BIN_DIR=${BIN_DIR:-$PWD/bin} exec /usr/bin/python3 bench/scale/scale.py
