#!/usr/bin/env bash
# Records the real `ovs-ofctl dump-flows` output that `microbench/run.sh ovs-parse` parses:
# a bridge with the agent's counting pipeline, UDP datagrams of varied sizes on FLOWS distinct
# 5-tuples between two namespaces, then one dump of the whole bridge (gzip'ed into
# microbench/data/). As root, after deploy/setup-host.sh. Usage: record-ovs-dump.sh [FLOWS]
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
flows=${1:-100000}
bridge=screc
out=microbench/data/ovs-dump-${flows}.txt.gz
trap 'deploy/ovs-bed.sh down "$bridge" >/dev/null 2>&1 || true' EXIT
deploy/ovs-bed.sh up "$bridge" 2 10.79.0
mvn -B -ntp -q package -DskipTests -pl daemon -am
# The agent's own counting pipeline, beside the bridge's default NORMAL rule.
java -cp daemon/cli/target/score.jar score.agent.ovs.PrintPipeline | ovs-ofctl add-flows "$bridge" -
ip netns exec "$bridge-h1" ping -c 2 -q 10.79.0.2 >/dev/null
ip netns exec "$bridge-h1" python3 - "$flows" <<'PY'
import random, socket, sys, time
flows = int(sys.argv[1]); rng = random.Random(1)
def tuples():
    for i in range(flows):
        yield 1024 + i % 60000, 2000 + i // 60000
def each_socket(action):
    socks = {}
    for n, (sport, dport) in enumerate(tuples()):
        s = socks.get(sport)
        if s is None:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("10.79.0.1", sport)); socks[sport] = s
        action(s, dport)
        if len(socks) >= 1000:
            for t in socks.values(): t.close()
            socks.clear()
        if n % 500 == 499:
            time.sleep(0.04)  # let OVS's upcall handlers learn every new 5-tuple
# Pass 1 makes OVS learn each 5-tuple (the learning packet is not counted), pass 2 is counted.
# Twice: upcalls dropped under load in the first round are learned in the second.
for _ in range(2):
    each_socket(lambda s, dport: s.sendto(b"x" * 18, ("10.79.0.2", dport)))
    time.sleep(1)
each_socket(lambda s, dport: [s.sendto(b"x" * rng.randint(18, 1400), ("10.79.0.2", dport))
                              for _ in range(rng.choice((1, 1, 2, 3, 8, 40)))])
PY
sleep 3
ovs-ofctl dump-flows "$bridge" | gzip -9 > "$out"
echo "recorded $(zcat "$out" | grep -c 'table=1,') counting rules into $out"
