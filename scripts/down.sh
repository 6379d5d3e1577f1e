#!/bin/sh
# Stop what `make up` started: every instance on this host (they show as
# stopped, to be started again later), the agent, the controller.  State
# stays in STATE_DIR.  Safe to run when nothing is running.  After
# `make up HOSTS=N` also every simulated host's agent, then the hosts'
# namespaces (and whatever still runs in them: embedded QEMUs, dnsmasqs)
# and the underlay (scripts/hosts.sh down mc).
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
STATE_DIR=${STATE_DIR:-/var/lib/minicloud}
BIN_DIR=${BIN_DIR:-$TOP/bin}
ADMIN="$BIN_DIR/minicloud --state-dir $STATE_DIR"
HOSTS_DIR=$STATE_DIR/hosts
EMBED_QEMUS="qemu-system.*$HOSTS_DIR/h[0-9]*/embed/"

running() {
	[ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

stop() {	# NAME PIDFILE
	if ! running "$2"; then
		rm -f "$2"
		return 0
	fi
	pid=$(cat "$2")
	kill -TERM "$pid"
	i=0
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 150 ]; then
			echo "minicloud: $1 ignores SIGTERM; killing it"
			kill -KILL "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.1
	done
	rm -f "$2"
	echo "minicloud: $1 stopped"
}

# Do the agents of this cloud run (one, or a simulated host's)?
agents_running() {
	running "$STATE_DIR/agent.pid" && return 0
	for p in "$HOSTS_DIR"/h*/agent.pid; do
		running "$p" && return 0
	done
	return 1
}

# Are instances of this cloud still running?
guests_running() {
	virsh -c qemu:///system list --name 2>/dev/null | grep -q '^i-' ||
	    pgrep -f "$EMBED_QEMUS" >/dev/null
}

# The instances first, while the agents still run to stop them.
if agents_running && running "$STATE_DIR/controller.pid"; then
	for h in $($ADMIN host list | awk 'NR > 1 && $3 == "up" { print $1 }'); do
		$ADMIN host stop-instances "$h"
	done
	i=0
	while guests_running; do
		i=$((i + 1))
		[ $i -gt 300 ] && break
		sleep 0.1
	done
fi
stop agent "$STATE_DIR/agent.pid"
for p in "$HOSTS_DIR"/h*/agent.pid; do
	[ -f "$p" ] || continue
	h=${p%/agent.pid}
	stop "agent of host${h##*/h}" "$p"
done
stop controller "$STATE_DIR/controller.pid"
if [ -f "$HOSTS_DIR/count" ]; then
	sh "$TOP/scripts/hosts.sh" down mc
	# A QEMU outside the namespaces (none expected): ours by its root.
	pkill -KILL -f "$EMBED_QEMUS" 2>/dev/null || true
	rm -f "$HOSTS_DIR/count"
	echo "minicloud: simulated hosts and their underlay removed"
fi
# Anything of ours still running (an agent that was already gone).
for d in $(virsh -c qemu:///system list --name 2>/dev/null | grep '^i-' || true); do
	if virsh -c qemu:///system metadata "$d" urn:minicloud:instance:1 \
	    >/dev/null 2>&1; then
		virsh -c qemu:///system destroy "$d" >/dev/null 2>&1 || true
		echo "minicloud: instance $d stopped"
	fi
done
