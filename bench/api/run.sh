#!/bin/bash
# bench/api: requests a second and latency of the EC2 API front door (a
# SigV4-signed DescribeInstanceTypes, replayed by wrk) against a trivial
# handler on the same HTTP stack, measured together in one run so the
# figure and its baseline come from the same machine.  Benchmark code,
# never part of the product.  `make bench-api` builds what it needs.
#
# Environment: BENCH_SECONDS (each wrk run, default 10), BIN_DIR
# (default bin), BENCH_TRIVIAL (default build/bench/mc-bench-trivial).
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN_DIR=${BIN_DIR:-$ROOT/bin}
BENCH_TRIVIAL=${BENCH_TRIVIAL:-$ROOT/build/bench/mc-bench-trivial}
BENCH_SECONDS=${BENCH_SECONDS:-10}
PY=/usr/bin/python3
HERE=$ROOT/bench/api

CTL_PID=
TRIVIAL_PID=
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mc-bench-api.XXXXXX")

stop() {	# PID: TERM it and reap it
	if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
		kill -TERM "$1" 2>/dev/null || true
		wait "$1" 2>/dev/null || true
	fi
}
cleanup() {
	stop "$TRIVIAL_PID"
	stop "$CTL_PID"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
	echo "bench/api: $*" >&2
	if [ -s "$TMP/controller.log" ]; then
		echo "--- controller log (last 20 lines)" >&2
		tail -n 20 "$TMP/controller.log" >&2
	fi
	exit 1
}

for f in "$BIN_DIR/minicloud-controller" "$BIN_DIR/minicloud" \
    "$BENCH_TRIVIAL"; do
	[ -x "$f" ] || die "$f is missing: run 'make bench-api'"
done
for t in wrk curl; do
	command -v "$t" >/dev/null || die "$t is not installed"
done
"$PY" -c 'import botocore' 2>/dev/null ||
	die "$PY cannot import botocore (apt-get install python3-botocore)"
case $BENCH_SECONDS in
''|*[!0-9]*|0) die "BENCH_SECONDS must be a positive integer" ;;
esac

# Two free ports on 127.0.0.1 (bound and released; the race is harmless
# here).
read -r PORT AGENT_PORT < <("$PY" -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in ss))
')

# Wait until something answers HTTP on port $1 (while process $2 lives).
wait_port() {
	local _
	for _ in $(seq 100); do
		if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/"; then
			return 0
		fi
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

"$BIN_DIR/minicloud-controller" --state-dir "$TMP/state" \
	--listen "127.0.0.1:$PORT" --agent-listen "127.0.0.1:$AGENT_PORT" \
	--api-rate 0 --log-level warn 2>"$TMP/controller.log" &
CTL_PID=$!
wait_port "$PORT" "$CTL_PID" || die "the controller did not start on $PORT"

# Credentials of a fresh account.
"$BIN_DIR/minicloud" --state-dir "$TMP/state" account create bench \
	>"$TMP/account" || die "minicloud account create failed"
AWS_ACCESS_KEY_ID=
AWS_SECRET_ACCESS_KEY=
while IFS='=' read -r k v; do
	case $k in
	AWS_ACCESS_KEY_ID) AWS_ACCESS_KEY_ID=$v ;;
	AWS_SECRET_ACCESS_KEY) AWS_SECRET_ACCESS_KEY=$v ;;
	esac
done <"$TMP/account"
if [ -z "$AWS_ACCESS_KEY_ID" ] || [ -z "$AWS_SECRET_ACCESS_KEY" ]; then
	die "no credentials in the output of minicloud account create"
fi
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

# Sign once; wrk replays the identical request (valid for 15 minutes).
"$PY" "$HERE/sign.py" "http://127.0.0.1:$PORT" "$TMP" ||
	die "sign.py failed"
export BENCH_REQUEST=$TMP/request.lua

# check URL WHAT: the replayed request must get a 200.
check() {
	local code
	code=$(curl -sS -o "$TMP/check.body" -w '%{http_code}' \
		-H @"$TMP/request.headers" --data-binary @"$TMP/request.body" \
		"$1") || die "curl $1 failed"
	if [ "$code" != 200 ]; then
		echo "--- $2 answered HTTP $code:" >&2
		cat "$TMP/check.body" >&2
		echo >&2
		die "$2 does not accept the replayed request"
	fi
}

# Latency as wrk prints it (12.34us, 1.23ms, 1.02s, 1.50m) in ms.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000
		else if (u == "s") n *= 1000
		else if (u == "m") n *= 60000
		else if (u != "ms") { print "?"; exit }
		printf "%.2f", n
	}'
}

# bench NAME URL THREADS CONNS: one wrk run; sets RPS, P50, P99.
bench() {
	local out=$TMP/wrk-$1-$4.txt
	wrk --latency -t"$3" -c"$4" -d"${BENCH_SECONDS}s" \
		-s "$HERE/replay.lua" "$2" >"$out" 2>&1 ||
		{ cat "$out" >&2; die "wrk failed against $1"; }
	if grep -q 'Non-2xx or 3xx responses' "$out"; then
		cat "$out" >&2
		die "$1 at c=$4: wrk got non-2xx responses"
	fi
	if grep -q 'Socket errors' "$out"; then
		cat "$out" >&2
		die "$1 at c=$4: wrk got socket errors"
	fi
	RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
	P50=$(awk '$1 == "50%" { print $2 }' "$out")
	P99=$(awk '$1 == "99%" { print $2 }' "$out")
	if [ -z "$RPS" ] || [ -z "$P50" ] || [ -z "$P99" ]; then
		cat "$out" >&2
		die "cannot read wrk's output"
	fi
	P50=$(to_ms "$P50")
	P99=$(to_ms "$P99")
}

declare -A RPS_OF ROWS
row() {	# KEY LABEL CONC
	ROWS[$1]=$(printf '%-28s %5s %9.0f %8sms %8sms' "$2" "$3" "$RPS" \
		"$P50" "$P99")
	RPS_OF[$1]=$RPS
}

API_URL=http://127.0.0.1:$PORT/
check "$API_URL" "the controller"
bench api "$API_URL" 1 1
row api1 DescribeInstanceTypes 1
bench api "$API_URL" 2 16
row api16 DescribeInstanceTypes 16
stop "$CTL_PID"
CTL_PID=

# The baseline, on the same stack with the same options.
"$BENCH_TRIVIAL" 127.0.0.1:0 >"$TMP/trivial.port" 2>"$TMP/trivial.log" &
TRIVIAL_PID=$!
for _ in $(seq 100); do
	[ -s "$TMP/trivial.port" ] && break
	kill -0 "$TRIVIAL_PID" 2>/dev/null ||
		{ cat "$TMP/trivial.log" >&2; die "the trivial server failed"; }
	sleep 0.1
done
TPORT=$(head -n 1 "$TMP/trivial.port")
case $TPORT in
''|*[!0-9]*) die "the trivial server printed no port" ;;
esac
TRIVIAL_URL=http://127.0.0.1:$TPORT/
check "$TRIVIAL_URL" "the trivial server"
bench trivial "$TRIVIAL_URL" 1 1
row base1 "trivial handler (baseline)" 1
bench trivial "$TRIVIAL_URL" 2 16
row base16 "trivial handler (baseline)" 16
stop "$TRIVIAL_PID"
TRIVIAL_PID=

WRK_VERSION=$(wrk -v 2>&1 | grep -o '[0-9]\+\.[0-9]\+' | head -n 1 || true)
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", 100 * a / b }'; }
echo "bench/api: signed DescribeInstanceTypes vs a trivial handler on the" \
	"same HTTP stack (ctl_http + libmicrohttpd), wrk ${WRK_VERSION:-?}," \
	"${BENCH_SECONDS}s each"
printf '%-28s %5s %9s %10s %10s\n' target conc req/s p50 p99
echo "${ROWS[api1]}"
echo "${ROWS[base1]}"
echo "${ROWS[api16]}"
echo "${ROWS[base16]}"
echo "ratio (API / baseline) c=1: $(pct "${RPS_OF[api1]}" "${RPS_OF[base1]}")" \
	"  c=16: $(pct "${RPS_OF[api16]}" "${RPS_OF[base16]}")"
