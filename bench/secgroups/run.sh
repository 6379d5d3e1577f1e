#!/bin/sh
# bench/secgroups: net_fw at 1000 ports and per packet, against a linear
# ruleset, in one run.  Benchmark code, never part of the product; as
# root.  Namespaces "mcbench-*" left by an earlier run are removed first,
# and ours at the end, also on failure or Ctrl-C.
#
# Environment: BENCH_SG (default build/bench/mc-bench-secgroups),
# BENCH_SECONDS (per packet run, default 1; 3 runs per figure).
set -eu

cd "$(dirname "$0")/../.."
BENCH_SG=${BENCH_SG:-$PWD/build/bench/mc-bench-secgroups}
BENCH_SECONDS=${BENCH_SECONDS:-1}

die() {
	echo "bench/secgroups: $*" >&2
	exit 1
}

cleanup() {	# every namespace of ours, whatever state it is in
	for ns in $(ip netns list 2>/dev/null | awk '/^mcbench-/ { print $1 }'); do
		ip netns delete "$ns" 2>/dev/null || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" -eq 0 ] || die "run as root (namespaces, nftables)"
[ -x "$BENCH_SG" ] || die "$BENCH_SG is missing: run 'make bench-secgroups'"
case $BENCH_SECONDS in
''|*[!0-9.]*) die "BENCH_SECONDS must be a number of seconds" ;;
esac
command -v ip >/dev/null || die "ip (iproute2) is not installed"

cleanup
echo "== bench/secgroups: $(nproc) cores, kernel $(uname -r)"
"$BENCH_SG" "$BENCH_SECONDS"
