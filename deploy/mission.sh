#!/usr/bin/env bash
# S-CORE's mission on one machine (README, first command): a test bed of four hosts in two racks
# under two pods (three link levels), guests placed badly on purpose (each chatty pair split across
# the pods), `score agent` on every host, a real Prometheus server scraping them all; the agents
# are paused until the cost before is measured, then the token goes round, VMs migrate and the
# communication cost (eq. 1 over the guests' real traffic) falls. Every figure is read from
# Prometheus's HTTP API. Ends with a before/after table, a CSV and a PNG plot in the output folder.
#
#   deploy/mission.sh [--dry-run] [--kill-holder] [--json] [--timeout SECONDS] [--out DIR]
#                     [--pairs N] [--kbps K] [--policy NAME]
#     --dry-run   the agents decide and log, and migrate nothing
#     --kill-holder  a fault: the agent that migrates first is killed (SIGKILL) mid-migration and
#                 started again 5 s later (as systemd would); migrations are slowed to 30 s so
#                 the kill lands in the middle
#     --json      the last line is one JSON object: hosts, vms, initialCost, finalCost,
#                 reductionPct, migrations, rotations, guestsIntact, seconds (and more)
#     --timeout   stop waiting for the agents to settle after this many seconds (default 300)
#     --out       where the table, mission.csv, mission.png and the agents' logs go (mission-out)
#     --pairs     chatty guest pairs (default 2; the two cores are the limit, TESTBED.md)
#     --kbps      each guest's rate to its peer in kbit/s (default 400)
#     --policy    the token's order: load-aware (default), distributed, round-robin or global
# As root on Debian; installs what it needs first (SCORE_SKIP_SETUP=1 skips that and the build;
# SCORE_LAUNCHER replaces bin/score, e.g. "java -cp CLASSPATH score.cli.ScoreCommand" in tests);
# stops what it started and takes the test bed down, also when it fails.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
root=$PWD
die() { echo "mission: $*" >&2; exit 2; }

dry_run=false kill_holder=false json=false timeout=300 out=$root/mission-out pairs=2 kbps=400
policy=load-aware
while [[ $# -gt 0 ]]; do
  case $1 in
    --dry-run) dry_run=true ;;
    --kill-holder) kill_holder=true ;;
    --json) json=true ;;
    --timeout) [[ ${2:-} =~ ^[0-9]+$ ]] || die "--timeout takes seconds"; timeout=$2; shift ;;
    --out) [[ -n ${2:-} ]] || die "--out takes a folder"; out=$2; shift ;;
    --pairs) [[ ${2:-} =~ ^[1-4]$ ]] || die "--pairs takes 1..4"; pairs=$2; shift ;;
    --kbps) [[ ${2:-} =~ ^[0-9]+$ && $2 -ge 10 && $2 -le 20000 ]] || die "--kbps takes 10..20000"
      kbps=$2; shift ;;
    --policy) [[ ${2:-} =~ ^(load-aware|distributed|round-robin|global)$ ]] ||
      die "--policy takes load-aware, distributed, round-robin or global"
      policy=$2; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
  shift
done
[[ $(id -u) -eq 0 ]] || die "run as root (it makes namespaces, bridges and guests)"

if [[ ${SCORE_SKIP_SETUP:-0} != 1 ]]; then
  deploy/setup-host.sh
  mvn -B -ntp -q package -DskipTests
fi
read -ra score <<< "${SCORE_LAUNCHER:-$root/bin/score}"
[[ -n ${SCORE_LAUNCHER:-} || -f daemon/cli/target/score.jar ]] || die "build first: mvn -q package -DskipTests"
for tool in curl jq prometheus; do
  command -v "$tool" >/dev/null || die "$tool is missing: run deploy/setup-host.sh"
done

hosts=4
state=/run/score-testbed
mkdir -p "$out"
rm -f "$out"/agent-h*.log "$out"/mission.csv "$out"/mission.png "$out"/table.txt
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  for i in $(seq 1 "$hosts"); do
    [[ -f $state/h$i/agent.log ]] && cp "$state/h$i/agent.log" "$out/agent-h$i.log" 2>/dev/null
    [[ -f $state/h$i/node.log ]] && cp "$state/h$i/node.log" "$out/node-h$i.log" 2>/dev/null
  done
  cp "$state"/guests/*.log "$out/" 2>/dev/null || true
  deploy/testbed.sh down >/dev/null 2>&1 || true
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=$SECONDS
deploy/testbed.sh status | grep -q "no test bed is up" || die "a test bed is up already: deploy/testbed.sh down"
deploy/testbed.sh up "$hosts" 2 2 >/dev/null

# Chatty pairs split across the pods: pair k has one guest in rack t1 (pod p1), one in t2 (p2).
vms=$((2 * pairs))
guest_host=()
for k in $(seq 1 "$pairs"); do
  a=$((2 * k - 1)) b=$((2 * k))
  guest_host[$a]=$(( (k - 1) % 2 + 1 ))   # h1 or h2
  guest_host[$b]=$(( (k - 1) % 2 + 3 ))   # h3 or h4
  for g in $a $b; do
    peer=$(( g == a ? b : a ))
    deploy/testbed.sh guest "${guest_host[$g]}" "g$g" "10.210.1.$g" \
      "tb.peers=10.210.1.$peer:9000" "tb.kbps=$kbps" >/dev/null
  done
done
boot_of() { grep -o 'boot=[0-9a-f]*' "$state/guests/g$1.log" | tail -n 1 | cut -d= -f2; }
for g in $(seq 1 "$vms"); do
  for _ in $(seq 1 300); do [[ -n $(boot_of "$g") ]] && break; sleep 0.2; done
  [[ -n $(boot_of "$g") ]] || die "guest g$g never sent a heartbeat"
done
declare -A boots
for g in $(seq 1 "$vms"); do boots[$g]=$(boot_of "$g"); done

# agent.yaml: the bed's members, plus how the agents decide and migrate.
config=$state/mission.yaml
{
  cat "$state/agent.yaml"
  echo "ring: {policy: $policy}"
  echo "decision: {migration-cost: 0.1, probe-timeout: 1s, hold-limit: 60s}"
    if $kill_holder; then
    echo "migration: {deadline-per-gib: 240s, max-downtime: 300ms}"
  else
    echo "migration: {deadline-per-gib: 60s, max-downtime: 300ms}"
  fi
  echo "libvirt: {vm-slots: 4}"
  echo "metrics: {address: \"0.0.0.0:9410\"}"
  echo "dry-run: $dry_run"
} > "$config"

start_agent() {
  local i=$1
  setsid deploy/testbed.sh exec "$i" "${score[@]}" agent --config "$config" --host "h$i" \
    --control "$state/h$i/agent.sock" >> "$state/h$i/agent.log" 2>&1 &
  agent_pid[$i]=$!
  pids+=($!)
}
declare -A agent_pid
for i in $(seq 1 "$hosts"); do start_agent "$i"; done
# Paused as soon as they answer: the cost before is measured with every VM where it was put.
for i in $(seq 1 "$hosts"); do
  for _ in $(seq 1 300); do
    "${score[@]}" pause --control "$state/h$i/agent.sock" >/dev/null 2>&1 && break
    kill -0 "${agent_pid[$i]}" 2>/dev/null || { cat "$state/h$i/agent.log" >&2; die "agent h$i stopped"; }
    sleep 0.2
  done
done

# Prometheus in host h1's network (it reaches every agent), its data in the bed's state.
mkdir -p "$state/prometheus"
targets=$(for i in $(seq 1 "$hosts"); do printf '"10.210.0.%d:9410",' "$i"; done)
cat > "$state/prometheus/prometheus.yml" <<EOF
global: {scrape_interval: 2s, evaluation_interval: 2s}
scrape_configs:
  - job_name: score
    static_configs: [{targets: [${targets%,}]}]
EOF
promtool check config "$state/prometheus/prometheus.yml" >/dev/null
setsid deploy/testbed.sh exec 1 prometheus --config.file="$state/prometheus/prometheus.yml" \
  --storage.tsdb.path="$state/prometheus/data" --web.listen-address=10.210.0.1:9090 \
  > "$state/prometheus/log" 2>&1 &
pids+=($!)
query() {
  deploy/testbed.sh exec 1 curl -sf --max-time 5 --get "http://10.210.0.1:9090/api/v1/query" \
    --data-urlencode "query=$1" 2>/dev/null | jq -r '.data.result[0].value[1] // "nan"' 2>/dev/null \
    || echo nan
}
# A query with no series yet reads 0; a series that reads NaN is a broken gauge: stop and say so.
value() {
  local v; v=$(query "$1")
  [[ $v == NaN ]] && die "Prometheus reads NaN for $1: an agent exports a broken gauge"
  [[ $v == nan ]] && echo 0 || echo "$v"
}

# The cost before: all agents scraped, every neighbour located, steady for three scrapes.
echo "mission: $vms guests on $hosts hosts, each chatty pair split across the pods; measuring the cost before"
initial=0 steady=0
for _ in $(seq 1 90); do
  up=$(value 'sum(up{job="score"})')
  unlocated=$(query 'sum(score_communication_cost_unlocated_neighbours)')
  cost=$(query 'sum(score_communication_cost)')
  if [[ ${up%.*} -eq $hosts && $unlocated == 0 && $cost != nan && $cost != 0 ]]; then
    if awk -v a="$cost" -v b="$initial" 'BEGIN { exit !(b > 0 && a > 0.8 * b && a < 1.25 * b) }'; then
      steady=$((steady + 1))
    else
      steady=0
    fi
    initial=$cost
    [[ $steady -ge 3 ]] && break
  fi
  sleep 2
done
[[ $steady -ge 3 ]] || die "the cost before never settled (up=$up unlocated=$unlocated cost=$cost)"
initial=$(query 'avg_over_time(sum(score_communication_cost)[6s:2s])')

for i in $(seq 1 "$hosts"); do "${score[@]}" resume --control "$state/h$i/agent.sock" >/dev/null; done
"${score[@]}" token inject --control "$state/h1/agent.sock" --policy "$policy" >/dev/null 2>&1 || true
t0=$SECONDS
echo "mission: cost before $(printf '%.0f' "$initial"); agents resumed, token injected"
echo "seconds,cost,migrations,rotations" > "$out/mission.csv"
final=$initial migrations=0 rotations=0 settled_at=-1 last_started=-1
while (( SECONDS - t0 < timeout )); do
  sleep 4
  cost=$(query 'sum(score_communication_cost)')
  migrations=$(value 'sum(score_migrations_total{outcome="succeeded"})')
  started_now=$(value 'sum(score_migrations_total) + sum(score_migrations_running)')
  running=$(value 'sum(score_migrations_running)')
  rotations=$(value 'sum(score_token_rotations_total)')
  [[ $cost == nan ]] && continue
  final=$cost
  echo "$((SECONDS - t0)),$cost,${migrations%.*},${rotations%.*}" >> "$out/mission.csv"
  printf 'mission: %4d s  cost %10.0f  migrations %s (running %s)  rotations %s\n' \
    "$((SECONDS - t0))" "$cost" "${migrations%.*}" "${running%.*}" "${rotations%.*}"
  if $kill_holder && [[ -z ${killed:-} && ${running%.*} -gt 0 ]]; then
    instance=$(deploy/testbed.sh exec 1 curl -sf --get "http://10.210.0.1:9090/api/v1/query" \
      --data-urlencode 'query=score_migrations_running > 0' | jq -r '.data.result[0].metric.instance // ""')
    if [[ $instance =~ ^10\.210\.0\.([0-9]+): ]]; then
      killed=${BASH_REMATCH[1]}
      epoch_before=$(value 'max(score_ring_token_epoch)')
      kill -KILL -- "-${agent_pid[$killed]}" 2>/dev/null || true
      echo "mission: killed the agent of h$killed in the middle of its migration"
      sleep 5
      start_agent "$killed"
      echo "mission: started the agent of h$killed again"
      last_started=-1
      continue
    fi
  fi
  # Settled: two rotations in a row without a migration started or running, and longer than the
  # agents keep a location answer (30 s) since the last one: a VM whose move was never announced
  # (its mover killed) is then seen where it runs (in a dry run: three rotations); the cost after
  # is the mean of the next scrapes.
  if [[ ${started_now%.*} != "$last_started" || ${running%.*} -gt 0 ]]; then
    last_started=${started_now%.*} settled_at=${rotations%.*} quiet_since=$SECONDS
  fi
  if $dry_run; then
    [[ ${rotations%.*} -ge 3 ]] && break
  elif [[ ${rotations%.*} -ge $((settled_at + 2)) ]] && (( SECONDS - ${quiet_since:-0} >= 35 )); then
    sleep 8
    final=$(query 'avg_over_time(sum(score_communication_cost)[6s:2s])')
    break
  fi
done
# The metric names and help texts as Prometheus's own linter sees them, on a real agent.
scraped=$(deploy/testbed.sh exec 1 curl -sf http://10.210.0.1:9410/metrics || true)
lint=$(promtool check metrics <<< "$scraped" 2>&1) \
  && metrics_lint=ok || metrics_lint=$(head -n 3 <<< "$lint" | tr '\n' ' ')
# promtool accepts NaN; an agent's gauge that reads NaN has lost what it reads.
nan_series=$(grep -E '^score_[^ ]* NaN$' <<< "$scraped" | head -n 3 | tr '\n' ' ' || true)
[[ -z $nan_series ]] || metrics_lint="NaN: $nan_series"
decisions=$(deploy/testbed.sh exec 1 curl -sf --get "http://10.210.0.1:9090/api/v1/query" \
  --data-urlencode 'query=sum by (outcome) (score_decisions_total)' \
  | jq -c '[.data.result[] | {(.metric.outcome): (.value[1] | tonumber)}] | add // {}')
failed=$(value 'sum(score_migrations_total{outcome="failed"})')

# The agents start no more migrations and finish theirs, so the placement holds still.
for i in $(seq 1 "$hosts"); do
  "${score[@]}" pause --control "$state/h$i/agent.sock" >/dev/null 2>&1 || true
done
for _ in $(seq 1 60); do
  [[ $(value 'sum(score_migrations_running)') == 0 ]] && break
  sleep 2
done
sleep 3
# Every guest: running on exactly one host, same boot, heartbeats going on, no corrupted page.
intact=0 placement="" problems=""
where_is() {
  local i
  for i in $(seq 1 "$hosts"); do
    virsh -c "$(deploy/testbed.sh uri "$i")" list --name 2>/dev/null | grep -qx "g$1" && printf 'h%s ' "$i"
  done
}
for g in $(seq 1 "$vms"); do
  seq_before=$(grep -o 'seq=[0-9]*' "$state/guests/g$g.log" | tail -n 1 | cut -d= -f2)
  ok=false
  for _ in $(seq 1 50); do
    read -ra on <<< "$(where_is "$g")"
    last=$(grep 'score-hb' "$state/guests/g$g.log" | tail -n 1)
    seq_now=$(grep -o 'seq=[0-9]*' <<< "$last" | cut -d= -f2)
    if [[ ${#on[@]} -eq 1 && $(boot_of "$g") == "${boots[$g]}" && $last == *" bad=0 "* \
          && ${seq_now:-0} -gt ${seq_before:-0} ]]; then
      ok=true; break
    fi
    sleep 0.2
  done
  placement+="g$g:${on[*]:-none} "
  if $ok; then
    intact=$((intact + 1))
  else
    problems+="g$g on ${on[*]:-no host}, boot $(boot_of "$g") (was ${boots[$g]}), last: $last; "
  fi
done
seconds=$((SECONDS - started))
reduction=$(awk -v a="$final" -v b="$initial" 'BEGIN { r = 0; if (b > 0) r = 100 * (1 - a / b); printf "%.1f", r }')

{
  printf '%-28s %14s %14s\n' "" before after
  printf '%-28s %14.0f %14.0f\n' "communication cost (eq. 1)" "$initial" "$final"
  printf '%-28s %14s %14s\n' "cost reduction" "" "$reduction %"
  printf '%-28s %14s %14s\n' "migrations (failed)" 0 "${migrations%.*} (${failed%.*})"
  printf '%-28s %14s %14s\n' "token rotations" 0 "${rotations%.*}"
  printf '%-28s %14s %14s\n' "guests intact" "$vms" "$intact of $vms"
  echo "placement after: $placement"
  [[ -z $problems ]] || echo "not intact: $problems"
  echo "decisions: $decisions"
} | tee "$out/table.txt"
if command -v gnuplot >/dev/null; then
  gnuplot <<EOF || echo "mission: no plot (gnuplot failed)" >&2
set terminal png size 800,450
set output "$out/mission.png"
set datafile separator ","
set title "S-CORE mission: communication cost (eq. 1) from Prometheus"
set xlabel "seconds after the token was injected"
set ylabel "cost (bytes/s x link weights)"
set y2label "migrations"
set y2tics 1
set y2range [0:*]
set offsets 0, 0, graph 0.1, 0
set key top right
plot "$out/mission.csv" using 1:2 skip 1 with linespoints title "cost", \
     "" using 1:3 skip 1 axes x1y2 with steps title "migrations"
EOF
  echo "mission: plot in $out/mission.png, figures in $out/mission.csv"
fi
if $json; then
  jq -cn --argjson hosts "$hosts" --argjson vms "$vms" --argjson initialCost "$initial" \
    --argjson finalCost "$final" --argjson reductionPct "$reduction" \
    --argjson migrations "${migrations%.*}" --argjson failedMigrations "${failed%.*}" \
    --argjson rotations "${rotations%.*}" --argjson guestsIntact "$intact" \
    --argjson seconds "$seconds" --argjson dryRun "$dry_run" --argjson decisions "$decisions" \
    --arg placement "${placement% }" --arg metricsLint "$metrics_lint" --arg problems "$problems" \
    --arg killedHost "${killed:+h$killed}" --argjson epochBefore "${epoch_before:-0}" \
    --argjson epochAfter "$(value 'max(score_ring_token_epoch)')" --arg policy "$policy" \
    --argjson ringErrors "$(value 'sum(score_ring_errors_total)')" \
    '{policy: $policy, hosts: $hosts, vms: $vms, initialCost: $initialCost, finalCost: $finalCost,
      reductionPct: $reductionPct, migrations: $migrations, failedMigrations: $failedMigrations,
      rotations: $rotations, guestsIntact: $guestsIntact, seconds: $seconds, dryRun: $dryRun,
      decisions: $decisions, placement: $placement, metricsLint: $metricsLint, problems: $problems,
      killedHost: $killedHost, tokenEpochBefore: $epochBefore, tokenEpochAfter: $epochAfter,
      ringErrors: $ringErrors}'
fi
