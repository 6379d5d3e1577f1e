#!/bin/sh
# Start the all-in-one minicloud on this host (called by `make up`, after
# the dependencies are installed and the programs built): the controller
# with its state in STATE_DIR, an admin account whose keys go to
# STATE_DIR/admin.env, then instructions for pointing aws at it.
# Until the agent exists (issue #3) this is the controller alone.
set -eu

STATE_DIR=${STATE_DIR:-/var/lib/minicloud}
BIN_DIR=${BIN_DIR:-$(cd "$(dirname "$0")/.." && pwd)/bin}
LISTEN=${LISTEN:-127.0.0.1:8773}
AGENT_LISTEN=${AGENT_LISTEN:-127.0.0.1:8774}
REGION=${REGION:-mc-1}
PIDFILE=$STATE_DIR/controller.pid
LOG=$STATE_DIR/controller.log
ENVFILE=$STATE_DIR/admin.env
ENDPOINT=http://$LISTEN

running() {
	[ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

mkdir -p "$STATE_DIR"
chmod 0700 "$STATE_DIR"

if running; then
	echo "minicloud: the controller is already running (pid $(cat "$PIDFILE"))"
else
	# setsid: the daemon outlives this shell and make's process group.
	setsid "$BIN_DIR/minicloud-controller" --state-dir "$STATE_DIR" \
		--listen "$LISTEN" --agent-listen "$AGENT_LISTEN" \
		--region "$REGION" >>"$LOG" 2>&1 </dev/null &
	echo $! >"$PIDFILE"
	i=0
	until curl -s -o /dev/null "$ENDPOINT/"; do
		i=$((i + 1))
		if ! running || [ $i -gt 100 ]; then
			echo "minicloud: the controller did not start; its log:" >&2
			tail -n 20 "$LOG" >&2
			rm -f "$PIDFILE"
			exit 1
		fi
		sleep 0.1
	done
	echo "minicloud: controller started (pid $(cat "$PIDFILE"), log $LOG)"
fi

# One admin account, made once; its keys are kept for later `make up`s.
if [ ! -s "$ENVFILE" ]; then
	umask 077
	"$BIN_DIR/minicloud" --state-dir "$STATE_DIR" account create admin \
		>"$ENVFILE.new"
	{
		sed 's/^/export /' "$ENVFILE.new"
		echo "export AWS_DEFAULT_REGION=$REGION"
		echo "export AWS_EC2_METADATA_DISABLED=true"
	} >"$ENVFILE"
	rm -f "$ENVFILE.new"
fi

cat <<EOT

minicloud is up.  EC2 API: $ENDPOINT (region $REGION)

Point the aws CLI (or boto3, or an SDK) at it:

    . $ENVFILE
    aws --endpoint-url $ENDPOINT ec2 describe-instance-types
    aws --endpoint-url $ENDPOINT ec2 describe-availability-zones

More accounts and keys:  $BIN_DIR/minicloud --state-dir $STATE_DIR account create NAME
Stop it with:            make down$( [ "$STATE_DIR" = /var/lib/minicloud ] || echo " STATE_DIR=$STATE_DIR")
EOT
