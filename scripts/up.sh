#!/bin/sh
# Start the all-in-one minicloud on this host (called by `make up` once
# the dependencies are installed and the programs built): libvirt, the
# controller (state in STATE_DIR), one agent, the demo AMI imported as
# the public image "minicloud-demo", and an admin account whose keys and
# endpoint go to STATE_DIR/admin.env.  Running it again is harmless.
#
# HOSTS=N (N > 1) simulates N hosts on this machine instead of one
# agent: scripts/hosts.sh makes an underlay bridge mcund0 (198.18.0.1/24)
# with a network namespace mc-hI per host and mc-outside on it; each
# host runs its own agent there (net-prefix mcI, uplink und0, libvirt's
# embedded QEMU driver rooted in STATE_DIR/hosts/hI/embed), the hosts
# alternate between zones REGIONa and REGIONb, and the controller's
# agents' API listens on the bridge.
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
HOSTS=${HOSTS:-1}
HOSTS_DIR=$STATE_DIR/hosts
case $HOSTS in
'' | *[!0-9]* | 0) echo "minicloud: HOSTS must be a number >= 1" >&2; exit 2 ;;
esac
ZONE_ARGS="--zone $ZONE"
CTL_ARGS=
SHOWN="zone $ZONE"
if [ "$HOSTS" -gt 1 ]; then
	AGENT_LISTEN=198.18.0.1:8774
	ZONE_ARGS="--zone ${REGION}a --zone ${REGION}b"
	CTL_ARGS="--public-ips 198.18.0.100-198.18.0.199"
	SHOWN="$HOSTS hosts in zones ${REGION}a and ${REGION}b"
fi

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

# The underlay and the hosts' namespaces (scripts/hosts.sh), unless the
# same number of hosts is already wired: remaking it would kill the
# running agents and their guests.
underlay() {
	i=1 ok=
	if [ -f "$HOSTS_DIR/count" ] && [ "$(cat "$HOSTS_DIR/count")" = "$HOSTS" ] &&
	    ip link show mcund0 >/dev/null 2>&1; then
		ok=1
		while [ $i -le "$HOSTS" ]; do
			[ -e "/run/netns/mc-h$i" ] || ok=
			i=$((i + 1))
		done
	fi
	[ -n "$ok" ] && return 0
	sh "$TOP/scripts/hosts.sh" up mc "$HOSTS"
	mkdir -p "$HOSTS_DIR"
	echo "$HOSTS" >"$HOSTS_DIR/count"
}

# Host I: an agent in namespace mc-hI (nsenter --net, not `ip netns
# exec`, whose own mount namespace would hide the VPC namespaces the
# agent pins in /run/netns), its own libvirt (embedded QEMU driver).
start_hosts() {
	i=1
	while [ $i -le "$HOSTS" ]; do
		d=$HOSTS_DIR/h$i
		zone=${REGION}a
		[ $((i % 2)) -eq 0 ] && zone=${REGION}b
		mkdir -p "$d"
		chmod 0711 "$d"
		start "agent of host$i" "$d/agent.pid" "$d/agent.log" \
			nsenter --net=/run/netns/mc-h$i \
			"$BIN_DIR/minicloud-agent" --config /dev/null \
			--controller "http://$AGENT_LISTEN" --zone "$zone" \
			--host-name "host$i" --state-dir "$d/agent" \
			--cluster-token-file "$TOKEN" --net-prefix "mc$i" \
			--uplink und0 --libvirt-uri "qemu:///embed?root=$d/embed" \
			--underlay-ip "198.18.0.$((10 + i))"
		i=$((i + 1))
	done
}

mkdir -p "$STATE_DIR"
chmod 0711 "$STATE_DIR"
# One cloud per STATE_DIR: switching the number of hosts needs a
# `make down` first (the controller listens elsewhere).
was=1
[ -f "$HOSTS_DIR/count" ] && was=$(cat "$HOSTS_DIR/count")
if [ "$was" != "$HOSTS" ] && running "$STATE_DIR/controller.pid"; then
	echo "minicloud: running with $was host(s); make down first" >&2
	exit 1
fi
if [ ! -s "$TOKEN" ]; then
	(umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n=' >"$TOKEN")
fi

sh "$TOP/scripts/start-libvirt.sh"
sh "$TOP/scripts/build-test-ami.sh" "$AMI"
[ "$HOSTS" -gt 1 ] && underlay

# ZONE_ARGS and CTL_ARGS are lists of words, split on purpose.
# shellcheck disable=SC2086
start controller "$STATE_DIR/controller.pid" "$STATE_DIR/controller.log" \
	"$BIN_DIR/minicloud-controller" --config /dev/null \
	--state-dir "$STATE_DIR" --listen "$LISTEN" \
	--agent-listen "$AGENT_LISTEN" --region "$REGION" $ZONE_ARGS \
	--cluster-token-file "$TOKEN" $CTL_ARGS
i=0
until curl -s -o /dev/null "$ENDPOINT/"; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "minicloud: no API on $ENDPOINT" >&2; exit 1; }
	sleep 0.1
done
if [ "$HOSTS" -eq 1 ]; then
	start agent "$STATE_DIR/agent.pid" "$STATE_DIR/agent.log" \
		"$BIN_DIR/minicloud-agent" --config /dev/null \
		--controller "http://$AGENT_LISTEN" --zone "$ZONE" \
		--state-dir "$STATE_DIR/agent" --cluster-token-file "$TOKEN"
else
	start_hosts
fi

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

# Wait for the agents' hosts to be up, so that a launch can be placed.
i=0
until $ADMIN host list | awk -v n="$HOSTS" 'NR > 1 && $3 == "up" { ok++ }
    END { exit ok < n }'; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "minicloud: the agent did not register" >&2; exit 1; }
	sleep 0.1
done
down_args=
[ "$STATE_DIR" = /var/lib/minicloud ] || down_args=" STATE_DIR=$STATE_DIR"

cat <<EOT

minicloud is up.  EC2 API: $ENDPOINT (region $REGION, $SHOWN)
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
if [ "$HOSTS" -gt 1 ]; then
	cat <<EOT
Host I runs in network namespace mc-hI (198.18.0.(10+I) on bridge mcund0,
the hosts' LAN; public addresses 198.18.0.100-199 live there); a machine
of that LAN:             ip netns exec mc-outside sh
An agent's log:          $HOSTS_DIR/h1/agent.log
EOT
fi
