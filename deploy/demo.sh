#!/usr/bin/env bash
# The main job for now: builds S-CORE, makes a small real test bed (an OVS bridge and six hosts
# in network namespaces), runs iperf3 TCP and UDP between three pairs, and shows what
# `score flows` sees. As root on Debian; installs what it needs first; cleans up after itself.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
deploy/setup-host.sh
mvn -B -ntp -q package -DskipTests
bridge=scdemo
cleanup() { deploy/ovs-bed.sh down "$bridge" >/dev/null 2>&1 || true; }
trap cleanup EXIT
deploy/ovs-bed.sh up "$bridge" 6 10.78.0
for server in 2 4 6; do
  ip netns exec "$bridge-h$server" iperf3 -s -D -1 -p 5201
done
sleep 0.5
echo "demo: traffic for 8 s: 10.78.0.1 -> .2 TCP, .3 -> .4 UDP at 80 Mbit/s, .6 -> .5 TCP (reverse)"
ip netns exec "$bridge-h1" iperf3 -c 10.78.0.2 -t 8 >/dev/null &
ip netns exec "$bridge-h3" iperf3 -c 10.78.0.4 -u -b 80M -t 8 >/dev/null &
ip netns exec "$bridge-h5" iperf3 -c 10.78.0.6 -R -t 8 >/dev/null &
bin/score flows --bridge "$bridge" --for 11s
wait
