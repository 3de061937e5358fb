#!/usr/bin/env bash
# Runs one benchmark: microbench/run.sh NAME [ARGS]. The last line printed is one JSON object.
#   flowtable      flow table vs the paper's HashMap structure, 1,000,000 flows (JMH + JOL)
#   ovs-parse      parsing a recorded ovs-ofctl dump of 100,000 flow lines (JMH)
#   ovs-poll-cpu   agent CPU for polling 10,000 flows each second on a real OVS bridge (root)
#   token          token size, encode+decode time, and handover latency between two agents
#   planner        single-VM migration plans per second; pre/post-copy choice for 64 VMs (JMH)
#   simulate       simulator: one load-aware round on the paper's set-up; 100,000 hosts, 3 rounds;
#                  1,000,000 hosts x 8 VMs (paper scenario, 3 load-aware rounds) in a 16 GiB JVM
#   idle-ring      CPU of five real agents on loopback with no VMs, over 60 s after start-up
#   migrate        score migrate --deadline on the test bed at 3 dirty rates: prediction vs measured
#   migrate-background  migration time and downtime under background traffic (S-CORE Fig. 4b/4c)
#   mission        deploy/mission.sh: agents on 4 hosts cut the communication cost (Prometheus)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
name=${1:-}
[[ -n $name ]] || { sed -n '2,14p' "$0" >&2; exit 2; }
shift
if [[ $name == mission ]]; then
  # The whole mission; its last line is the JSON (hosts, vms, initialCost, finalCost,
  # reductionPct, migrations, rotations, guestsIntact, seconds), all read from Prometheus.
  exec deploy/mission.sh --json "$@"
fi
if [[ $name == ovs-poll-cpu || $name == migrate || $name == migrate-background ]]; then
  deploy/setup-host.sh >&2
fi
if [[ $name == migrate-background ]]; then
  source deploy/lib.sh
  ensure_packages bench iperf3 >&2
fi
jar=microbench/target/microbench.jar
if [[ ! -f $jar ]] || [[ -n $(find flowtable protocol daemon microbench -name '*.java' -newer "$jar" -print -quit) ]]; then
  mvn -B -ntp -q package -DskipTests -pl microbench -am >&2
fi
if [[ $name == idle-ring || $name == migrate* ]] && { [[ ! -f daemon/cli/target/score.jar ]] || [[ -n $(find flowtable protocol daemon -name '*.java' -newer daemon/cli/target/score.jar -print -quit) ]]; }; then
  mvn -B -ntp -q package -DskipTests -pl daemon/cli -am >&2
fi
# JOL walks object graphs; allow it to attach to read exact object sizes.
heap=12g
# The simulator's scale target is 8 GiB of heap: run it inside that.
[[ $name == simulate ]] && heap=8g
# The poll's CPU is measured in a JVM set up as bin/score sets up `score agent`.
jvm_opts=()
[[ $name == ovs-poll-cpu ]] && jvm_opts=(-XX:+UseSerialGC -XX:-UsePerfData)
exec java -Xmx$heap "${jvm_opts[@]}" -Djdk.attach.allowAttachSelf=true -jar "$jar" "$name" "$@"
