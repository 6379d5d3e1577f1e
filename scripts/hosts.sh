#!/bin/sh
# Simulated hosts on one machine: each host is a network namespace
# PREFIX-hI joined to the others by an underlay bridge, which doubles as
# the hosts' LAN (NAT goes out there, public addresses are answered
# there), with a namespace PREFIX-outside on it playing the LAN's other
# machines.  Used by `make up HOSTS=N` and by tests/e2e/multihost.py.
#
#   hosts.sh up PREFIX N     remove an earlier run's leftovers, then make
#                            the bridge, the outside host and N hosts
#   hosts.sh down PREFIX     kill every process in the namespaces below,
#                            remove them and the links
#
# Names (PREFIX: 2-3 of a-z 0-9, e.g. "mc", "mcx"):
#   PREFIXund0   bridge in the root namespace, 198.18.0.1/24
#   PREFIXuI     root end of host I's veth; inside PREFIX-hI it is und0,
#                198.18.0.(10+I)/24, default route via 198.18.0.1
#   PREFIXuo     root end of the outside host's veth (eth0, 198.18.0.2/24)
#   PREFIXI-vpc-*  the VPC namespaces that host I's agent (net-prefix
#                PREFIXI) makes; `down` removes them too
# 198.18.0.0/15 is set aside for benchmarking networks (RFC 2544): it is
# never anyone's real LAN.  Nothing else is touched: no other link, no
# firewall table of the root namespace.  So the underlay has no way out
# of the machine, and where br_netfilter is loaded and the root
# namespace's firewall drops forwarded packets (Docker sets FORWARD to
# DROP), it drops what crosses the bridge too: allow mcund0 there.
set -eu

NET=198.18.0
GW=$NET.1
OUTSIDE=$NET.2
MAX_HOSTS=50

usage() {
	echo "usage: hosts.sh up PREFIX N | hosts.sh down PREFIX" >&2
	exit 2
}

check_prefix() {
	case $1 in
	[a-z][a-z0-9] | [a-z][a-z0-9][a-z0-9]) ;;
	*) echo "hosts.sh: bad prefix '$1' (2-3 of a-z 0-9)" >&2; exit 2 ;;
	esac
}

# Every namespace of ours: PREFIX-h*, PREFIX-outside, PREFIX<digits>-*.
our_namespaces() {
	ip netns list 2>/dev/null | awk -v p="$1" '{
		n = $1
		if (n ~ ("^" p "-h[0-9]+$") || n == p "-outside" ||
		    n ~ ("^" p "[0-9]+-"))
			print n
	}'
}

# Root links of ours: the bridge and the veths' root ends.
our_links() {
	ip -o link show 2>/dev/null | awk -F': ' -v p="$1" '{
		n = $2
		sub(/@.*/, "", n)
		if (n == p "und0" || n == p "uo" || n ~ ("^" p "u[0-9]+$"))
			print n
	}'
}

down() {
	p=$1
	# The processes first (agents, dnsmasqs, embedded QEMUs): a
	# namespace with a process left in it does not go away.
	for ns in $(our_namespaces "$p"); do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null || true
		done
	done
	for ns in $(our_namespaces "$p"); do
		ip netns delete "$ns" 2>/dev/null || true
	done
	for l in $(our_links "$p"); do
		ip link delete "$l" 2>/dev/null || true
	done
}

# veth ROOT_END NS INSIDE_NAME ADDR: a link from the bridge into NS.
veth() {
	ip link add "$1" type veth peer name "$3" netns "$2"
	ip link set "$1" master "$BR" up
	ip -n "$2" addr add "$4/24" dev "$3"
	ip -n "$2" link set "$3" up
	ip -n "$2" link set lo up
	ip -n "$2" route add default via "$GW"
}

up() {
	p=$1 n=$2
	case $n in
	'' | *[!0-9]*) usage ;;
	esac
	if [ "$n" -lt 1 ] || [ "$n" -gt $MAX_HOSTS ]; then
		echo "hosts.sh: 1 to $MAX_HOSTS hosts" >&2
		exit 2
	fi
	down "$p"
	BR=${p}und0
	ip link add "$BR" type bridge
	ip addr add "$GW/24" dev "$BR"
	ip link set "$BR" up
	ip netns add "$p-outside"
	veth "${p}uo" "$p-outside" eth0 "$OUTSIDE"
	i=1
	while [ $i -le "$n" ]; do
		ip netns add "$p-h$i"
		veth "${p}u$i" "$p-h$i" und0 "$NET.$((10 + i))"
		i=$((i + 1))
	done
}

[ $# -ge 2 ] || usage
check_prefix "$2"
case $1 in
up)	[ $# -eq 3 ] || usage; up "$2" "$3" ;;
down)	[ $# -eq 2 ] || usage; down "$2" ;;
*)	usage ;;
esac
