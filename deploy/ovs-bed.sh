#!/usr/bin/env bash
# A small real test bed: one OVS userspace bridge and N hosts in network namespaces.
#   deploy/ovs-bed.sh up   BRIDGE N [SUBNET]   creates bridge BRIDGE and hosts BRIDGE-h1..hN,
#                                               host i at SUBNET.i/24 (default 10.77.0)
#   deploy/ovs-bed.sh down BRIDGE              removes them again
# Needs root and a running Open vSwitch (deploy/setup-host.sh starts one).
set -euo pipefail

die() { echo "testbed: $*" >&2; exit 1; }

up() {
  local bridge=$1 hosts=$2 subnet=${3:-10.77.0}
  [[ ${#bridge} -le 10 ]] || die "bridge name '$bridge' is longer than 10 characters"
  [[ $hosts =~ ^[0-9]+$ && $hosts -ge 1 && $hosts -le 250 ]] || die "host count must be 1..250, got '$hosts'"
  ovs-vsctl --may-exist add-br "$bridge" -- set bridge "$bridge" datapath_type=netdev \
    || die "cannot create bridge $bridge (is Open vSwitch running?)"
  ip link set "$bridge" up 2>/dev/null || true
  for i in $(seq 1 "$hosts"); do
    local ns="$bridge-h$i" veth="$bridge-v$i"
    ip netns add "$ns" 2>/dev/null || true
    if ! ip link show "$veth" >/dev/null 2>&1; then
      ip link add "$veth" type veth peer name eth0 netns "$ns"
    fi
    ip link set "$veth" up
    ovs-vsctl --may-exist add-port "$bridge" "$veth"
    ip -n "$ns" addr replace "$subnet.$i/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    # TCP over the userspace datapath needs checksum offload off on the namespace end.
    ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null
  done
}

down() {
  local bridge=$1
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^$bridge-h[0-9]+$" || true); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$ns"
  done
  for veth in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E "^$bridge-v[0-9]+$" || true); do
    ip link del "$veth" 2>/dev/null || true
  done
  ovs-vsctl --if-exists del-br "$bridge"
}

case "${1:-}" in
  up) [[ $# -ge 3 ]] || die "usage: $0 up BRIDGE N [SUBNET]"; up "$2" "$3" "${4:-10.77.0}" ;;
  down) [[ $# -ge 2 ]] || die "usage: $0 down BRIDGE"; down "$2" ;;
  *) die "usage: $0 up BRIDGE N [SUBNET] | down BRIDGE" ;;
esac
