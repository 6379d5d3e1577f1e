#!/bin/sh
# Stop what `make up` started.  Safe to run when nothing is running.
set -eu

STATE_DIR=${STATE_DIR:-/var/lib/minicloud}
PIDFILE=$STATE_DIR/controller.pid

if [ ! -f "$PIDFILE" ]; then
	echo "minicloud: not running"
	exit 0
fi
pid=$(cat "$PIDFILE")
if kill -TERM "$pid" 2>/dev/null; then
	i=0
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "minicloud: controller $pid ignores SIGTERM; killing it"
			kill -KILL "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.1
	done
	echo "minicloud: controller stopped"
else
	echo "minicloud: not running (stale pid file)"
fi
rm -f "$PIDFILE"
