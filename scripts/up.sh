#!/bin/sh
# Start the all-in-one minicloud on this host (called by `make up` once
# the dependencies are installed and the programs built): libvirt, the
# controller (state in STATE_DIR), one agent, the demo AMI imported as
# the public image "minicloud-demo", and an admin account whose keys and
# endpoint go to STATE_DIR/admin.env.  Running it again is harmless.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
STATE_DIR=${STATE_DIR:-/var/lib/minicloud}
BIN_DIR=${BIN_DIR:-$TOP/bin}
LISTEN=${LISTEN:-127.0.0.1:8773}
AGENT_LISTEN=${AGENT_LISTEN:-127.0.0.1:8774}
REGION=${REGION:-mc-1}
ZONE=${ZONE:-${REGION}a}
AMI=${AMI:-$TOP/build/images/minicloud-test.qcow2}
TOKEN=$STATE_DIR/cluster.token
ENVFILE=$STATE_DIR/admin.env
ENDPOINT=http://$LISTEN
ADMIN="$BIN_DIR/minicloud --state-dir $STATE_DIR"

running() {	# PIDFILE
	[ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# start NAME PIDFILE LOG PROGRAM ARGS...: start it unless it runs.
start() {
	name=$1 pidfile=$2 log=$3
	shift 3
	if running "$pidfile"; then
		echo "minicloud: $name already running (pid $(cat "$pidfile"))"
		return 0
	fi
	# setsid: the daemon outlives this shell and make's process group.
	setsid "$@" >>"$log" 2>&1 </dev/null &
	echo $! >"$pidfile"
	sleep 0.3
	if ! running "$pidfile"; then
		echo "minicloud: $name did not start; its log:" >&2
		tail -n 20 "$log" >&2
		rm -f "$pidfile"
		exit 1
	fi
	echo "minicloud: $name started (pid $(cat "$pidfile"), log $log)"
}

mkdir -p "$STATE_DIR"
chmod 0711 "$STATE_DIR"
if [ ! -s "$TOKEN" ]; then
	(umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n=' >"$TOKEN")
fi

sh "$TOP/scripts/start-libvirt.sh"
sh "$TOP/scripts/build-test-ami.sh" "$AMI"

start controller "$STATE_DIR/controller.pid" "$STATE_DIR/controller.log" \
	"$BIN_DIR/minicloud-controller" --config /dev/null \
	--state-dir "$STATE_DIR" --listen "$LISTEN" \
	--agent-listen "$AGENT_LISTEN" --region "$REGION" --zone "$ZONE" \
	--cluster-token-file "$TOKEN"
i=0
until curl -s -o /dev/null "$ENDPOINT/"; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "minicloud: no API on $ENDPOINT" >&2; exit 1; }
	sleep 0.1
done
start agent "$STATE_DIR/agent.pid" "$STATE_DIR/agent.log" \
	"$BIN_DIR/minicloud-agent" --config /dev/null \
	--controller "http://$AGENT_LISTEN" --zone "$ZONE" \
	--state-dir "$STATE_DIR/agent" --cluster-token-file "$TOKEN"

if ! $ADMIN image list | awk '$6 == "minicloud-demo" { found = 1 } END { exit !found }'; then
	echo "minicloud: importing the demo AMI"
	$ADMIN image import "$AMI" --name minicloud-demo --public \
		--description "minicloud test and demo image (Debian kernel, busybox)" \
		>/dev/null
fi
DEMO=$($ADMIN image list | awk '$6 == "minicloud-demo" { print $1; exit }')

# One admin account, made once; its keys are kept for later `make up`s.
if [ ! -s "$ENVFILE" ]; then
	umask 077
	$ADMIN account create admin >"$ENVFILE.new"
	{
		sed 's/^/export /' "$ENVFILE.new"
		echo "export AWS_DEFAULT_REGION=$REGION"
		echo "export AWS_EC2_METADATA_DISABLED=true"
		echo "export MINICLOUD_ENDPOINT=$ENDPOINT"
	} >"$ENVFILE"
	rm -f "$ENVFILE.new"
fi

# Wait for the agent's host to be up, so that a launch can be placed.
i=0
until $ADMIN host list | awk 'NR > 1 && $3 == "up" { ok = 1 } END { exit !ok }'; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "minicloud: the agent did not register" >&2; exit 1; }
	sleep 0.1
done
down_args=
[ "$STATE_DIR" = /var/lib/minicloud ] || down_args=" STATE_DIR=$STATE_DIR"

cat <<EOT

minicloud is up.  EC2 API: $ENDPOINT (region $REGION, zone $ZONE)
Demo AMI: $DEMO (minicloud-demo)

    . $ENVFILE
    aws --endpoint-url \$MINICLOUD_ENDPOINT ec2 run-instances --image-id $DEMO --instance-type t3.micro
    aws --endpoint-url \$MINICLOUD_ENDPOINT ec2 describe-instances
    aws --endpoint-url \$MINICLOUD_ENDPOINT ec2 get-console-output --instance-id i-...
    $BIN_DIR/minicloud --state-dir $STATE_DIR explain i-...

Hosts:                   $ADMIN host list
More accounts and keys:  $ADMIN account create NAME
Stop it with:            make down$down_args
EOT
