#!/usr/bin/env bash
# A data-centre-shaped test bed on one machine (../shared/TESTBED.md, "Several hosts"):
#   deploy/testbed.sh up N [RACKS [PODS]]
#                                    N hosts (default racks: 2), each in its own network, mount and
#                                    UTS namespace with its own Open vSwitch (bridge br0, userspace
#                                    datapath) and its own libvirtd, joined by top-of-rack bridges
#                                    t1..tR under an aggregation bridge agg (two link levels); with
#                                    PODS > 1 the racks sit under pod bridges p1..pP under agg
#                                    (three link levels)
#   deploy/testbed.sh status         each host: its address, OVS, libvirtd and guests
#   deploy/testbed.sh down           stops every daemon it started and removes what it made
#   deploy/testbed.sh uri H          host H's libvirt URI, usable from the root namespace
#   deploy/testbed.sh exec H CMD...  runs CMD inside host H (its network and mount namespace);
#                                    H = fab: inside the switches' namespace (agg, t1..tR)
#   deploy/testbed.sh guest H NAME IP [--memory MiB] [tb.KEY=VALUE...]
#                                    starts a test guest (deploy/guest) on host H with address IP
#                                    (10.210.1.0/16 and up), 128 MiB (or MiB) + 8 KiB of memory and
#                                    the workload's parameters; prints its serial log, which
#                                    follows it from host to host
#   deploy/testbed.sh libvirtd H stop|start   kills (SIGKILL) or restarts host H's libvirtd (faults)
#   deploy/testbed.sh uplink H down|up        takes host H's link to its top-of-rack switch down/up
#   deploy/testbed.sh config [cluster]  the bed's agent.yaml (members h1..hN with their libvirt and
#                                    migration URIs), for score migrate --config; or its cluster file
# Host i has address 10.210.0.i/16 on br0's internal port; guests use 10.210.1.0/24 and up. Every
# host defines the libvirt network "score" on its own br0, so a guest attaches wherever it runs.
# The machine's own Open vSwitch and libvirt are left alone. As root on Debian.
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
state=/run/score-testbed
prefix=sc
subnet=10.210
die() { echo "testbed: $*" >&2; exit 1; }
# shellcheck source=deploy/lib.sh
source "$here/lib.sh"
[[ $(id -u) -eq 0 ]] || die "run as root (it makes namespaces and starts daemons)"

packages=(openvswitch-switch libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
  qemu-system-x86 qemu-utils iproute2 ethtool util-linux procps)

install_packages() {
  ensure_packages testbed "${packages[@]}" || exit 1
  # Without recommends, libvirt's users and folders are missing (TESTBED.md).
  getent group kvm >/dev/null || groupadd --system kvm
  getent group libvirt >/dev/null || groupadd --system libvirt
  getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
  getent passwd libvirt-qemu >/dev/null \
    || useradd --system -g kvm -G libvirt-qemu -d /var/lib/libvirt -M -s /usr/sbin/nologin libvirt-qemu
}

# The folders each host (and the fabric) gets privately, bind-mounted over the machine's own.
private_dirs=(/run/openvswitch /etc/openvswitch /var/log/openvswitch /var/lib/openvswitch
  /run/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt /etc/libvirt)

# Runs inside a fresh mount namespace: bind private folders, start OVS (and for a host libvirtd),
# then sleep so that nsenter can find the namespaces by this process's pid.
node_script() {
  cat <<'NODE'
set -euo pipefail
dir=$1 role=$2 index=$3
mkdir -p /etc/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt /run/libvirt \
  /run/openvswitch /etc/openvswitch /var/log/openvswitch /var/lib/openvswitch
for target in /run/openvswitch /etc/openvswitch /var/log/openvswitch /var/lib/openvswitch \
    /run/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt /etc/libvirt; do
  private=$dir/root$target
  mkdir -p "$private"
  mount --bind "$private" "$target"
done
hostname "$role$index"
ovsdb-tool create /etc/openvswitch/conf.db /usr/share/openvswitch/vswitch.ovsschema
ovsdb-server --remote=punix:/run/openvswitch/db.sock --pidfile=/run/openvswitch/ovsdb-server.pid \
  --detach --log-file=/var/log/openvswitch/ovsdb-server.log
ovs-vsctl --no-wait init
ovs-vswitchd --pidfile=/run/openvswitch/ovs-vswitchd.pid --detach \
  --log-file=/var/log/openvswitch/ovs-vswitchd.log
echo ready > "$dir/ready"
exec sleep infinity
NODE
}

node_pid() { cat "$state/$1/pid" 2>/dev/null; }

# Runs a command inside node $1 (network, mount and UTS namespaces).
in_node() {
  local node=$1
  shift
  local pid
  pid=$(node_pid "$node") || die "no such node: $node"
  nsenter -t "$pid" -m -n -u -- "$@"
}

start_node() {
  local node=$1 role=$2 index=$3
  local dir=$state/$node
  mkdir -p "$dir"
  ip netns add "$prefix-$node"
  ip -n "$prefix-$node" link set lo up
  node_script > "$dir/node.sh"
  setsid ip netns exec "$prefix-$node" unshare -m -u --propagation private \
    bash "$dir/node.sh" "$dir" "$role" "$index" > "$dir/node.log" 2>&1 < /dev/null &
  for _ in $(seq 1 100); do
    [[ -f $dir/ready ]] && break
    sleep 0.1
  done
  [[ -f $dir/ready ]] || die "$node did not start its switch (see $dir/node.log)"
  # The sleeping process holds the namespaces; its pid is how we enter them.
  local pid=
  for _ in $(seq 1 50); do
    pid=$(ip netns pids "$prefix-$node" | while read -r p; do
      if [[ $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null) == "sleep infinity " ]]; then
        echo "$p"
      fi
    done | head -1 || true)
    [[ -n $pid ]] && break
    sleep 0.1
  done
  [[ -n $pid ]] || die "cannot find $node's holder process"
  echo "$pid" > "$dir/pid"
}

# A veth pair: $1 in node $2 (or the root if empty), $3 in node $4; both up, offloads off.
link() {
  local a=$1 node_a=$2 b=$3 node_b=$4
  ip link add "$a" type veth peer name "$b"
  [[ -n $node_a ]] && ip link set "$a" netns "$prefix-$node_a"
  [[ -n $node_b ]] && ip link set "$b" netns "$prefix-$node_b"
  for end in "$a:$node_a" "$b:$node_b"; do
    local name=${end%%:*} node=${end#*:}
    if [[ -n $node ]]; then
      ip -n "$prefix-$node" link set "$name" up
      ip netns exec "$prefix-$node" ethtool -K "$name" tx off >/dev/null 2>&1 || true
    fi
  done
}

host_libvirt() {
  local host=$1 index=$2
  local dir=$state/$host
  # The machine's libvirt configuration, copied into the host's private /etc/libvirt.
  cp -a /etc/libvirt/. "$dir/root/etc/libvirt/"
  mkdir -p "$dir/root/var/lib/libvirt/qemu" "$dir/root/var/lib/libvirt/images" \
    "$dir/root/var/log/libvirt/qemu" "$dir/root/var/cache/libvirt/qemu"
  # Seed QEMU's capabilities cache from an earlier host: saves about 2 s per host.
  [[ -d $state/caps && ! -d $dir/root/var/cache/libvirt/qemu/capabilities ]] \
    && cp -a "$state/caps" "$dir/root/var/cache/libvirt/qemu/capabilities"
  local uuid
  uuid=$(printf '5c0e0000-0000-4000-8000-%012d' "$index")
  cat >> "$dir/root/etc/libvirt/libvirtd.conf" <<CONF

# score test bed, host $index
listen_tls = 0
listen_tcp = 1
auth_tcp = "none"
host_uuid = "$uuid"
CONF
  cat >> "$dir/root/etc/libvirt/qemu.conf" <<CONF

# score test bed, host $index
cgroup_controllers = [ ]
migration_port_min = $((49152 + 100 * index))
migration_port_max = $((49152 + 100 * index + 63))
user = "root"
group = "root"
CONF
  in_node "$host" virtlogd -d -p /run/libvirt/virtlogd.pid
  start_libvirtd "$index"
  local network=$dir/score-net.xml
  cat > "$network" <<XML
<network>
  <name>score</name>
  <forward mode='bridge'/>
  <bridge name='br0'/>
  <virtualport type='openvswitch'/>
</network>
XML
  virsh -q -c "$(uri_of "$index")" net-define "$network" >/dev/null
  virsh -q -c "$(uri_of "$index")" net-start score >/dev/null
  [[ -d $state/caps ]] || cp -a "$dir/root/var/cache/libvirt/qemu/capabilities" "$state/caps" 2>/dev/null || true
}

# The cluster file of the bed: agents on port 7400 of each host's address, libvirt through the
# host's socket (reachable from the root namespace), migration streams to the host's address.
write_cluster_file() {
  local hosts=$1
  od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$state/cluster.key"
  chmod 600 "$state/cluster.key"
  {
    echo "# score test bed: $hosts hosts"
    echo "key-file $state/cluster.key"
    for i in $(seq 1 "$hosts"); do
      echo "host $i $subnet.0.$i:7400 rack=t$(cat "$state/h$i/rack") name=h$i libvirt=$(uri_of "$i") migration=tcp://$subnet.0.$i"
    done
  } > "$state/cluster.conf"
  {
    echo "# score test bed: $hosts hosts (agent.yaml; host: is given per agent with --host)"
    echo "key-file: $state/cluster.key"
    echo "members:"
    for i in $(seq 1 "$hosts"); do
      local rack pod=""
      rack=$(cat "$state/h$i/rack")
      [[ $(cat "$state/rack$rack.pod") != agg ]] && pod=", pod: p$(cat "$state/rack$rack.pod")"
      echo "  - {id: $i, name: h$i, address: \"$subnet.0.$i:7400\", rack: t$rack$pod, libvirt: \"$(uri_of "$i")\", migration: \"tcp://$subnet.0.$i\"}"
    done
  } > "$state/agent.yaml"
}

# A guest: 128 MiB (or --memory MiB) + 8 KiB of memory (QEMU 7.2 corrupts TCG guests whose RAM is
# a multiple of 256 KiB when they migrate: TESTBED.md), one vCPU under TCG, direct kernel boot of the cached guest image, a
# virtio NIC on the "score" network with offloads off, its serial console logged to a file.
start_guest() {
  local host=$1 name=$2 ip=$3 mib=128
  shift 3
  if [[ ${1:-} == --memory ]]; then
    [[ ${2:-} =~ ^[0-9]+$ && $2 -ge 64 && $2 -le 4096 ]] || die "--memory takes 64..4096 (MiB)"
    mib=$2
    shift 2
  fi
  local kib=$((mib * 1024 + 8))
  [[ -f $state/h$host/pid ]] || die "no host h$host"
  [[ $name =~ ^[A-Za-z0-9_-]{1,40}$ ]] || die "guest name must be 1-40 of A-Za-z0-9_-: '$name'"
  [[ $ip =~ ^10\.210\.([1-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\.([0-9]{1,3})$ ]] \
    || die "guest address must be 10.210.X.Y with X >= 1 (hosts use 10.210.0.0/24): '$ip'"
  (( $(echo "$ip" | cut -d. -f4) <= 255 )) || die "not an IPv4 address: '$ip'"
  local parameter
  for parameter in "$@"; do
    [[ $parameter =~ ^tb\.[a-z]+=[A-Za-z0-9.,:]+$ ]] || die "not a tb.KEY=VALUE parameter: '$parameter'"
  done
  local image
  image=$("$here/guest/build.sh" | tail -1) || die "cannot build the guest image"
  mkdir -p "$state/guests"
  local log=$state/guests/$name.log
  rm -f "$log"
  # The MAC follows from the address, so two guests never share one.
  local mac
  mac=$(printf '52:54:00:5c:%02x:%02x' "$(echo "$ip" | cut -d. -f3)" "$(echo "$ip" | cut -d. -f4)")
  local xml=$state/guests/$name.xml
  cat > "$xml" <<XML
<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$name</name>
  <memory unit='KiB'>$((mib * 1024))</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$image/vmlinuz</kernel>
    <initrd>$image/initrd.img</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet tb.ip=$ip/16 $*</cmdline>
  </os>
  <on_reboot>destroy</on_reboot>
  <devices>
    <interface type='network'><source network='score'/><mac address='$mac'/><model type='virtio'/><driver name='qemu'><host csum='off' gso='off' tso4='off' tso6='off' ecn='off' ufo='off'/><guest csum='off' tso4='off' tso6='off' ecn='off' ufo='off'/></driver></interface>
    <serial type='pty'><log file='$log' append='on'/></serial>
    <console type='pty'/>
    <memballoon model='none'/>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-object'/><qemu:arg value='memory-backend-ram,id=ram1,size=${kib}K'/>
    <qemu:arg value='-machine'/><qemu:arg value='memory-backend=ram1'/>
    <qemu:arg value='-m'/><qemu:arg value='${kib}K'/>
  </qemu:commandline>
</domain>
XML
  virsh -q -c "$(uri_of "$host")" create "$xml" >/dev/null || die "libvirt of h$host refused guest $name"
  echo "$log"
}

start_libvirtd() {
  local index=$1
  in_node "h$index" libvirtd -d -l -p /run/libvirt/libvirtd.pid
  for _ in $(seq 1 100); do
    virsh -c "$(uri_of "$index")" version >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "h$index's libvirtd did not start"
}

libvirtd_control() {
  local index=$1 action=$2
  [[ -f $state/h$index/pid ]] || die "no host h$index"
  local pidfile=$state/h$index/root/run/libvirt/libvirtd.pid
  case $action in
    stop)
      [[ -f $pidfile ]] && kill -9 "$(cat "$pidfile")" 2>/dev/null || true
      rm -f "$pidfile"
      for _ in $(seq 1 50); do
        virsh -c "$(uri_of "$index")" version >/dev/null 2>&1 || return 0
        sleep 0.1
      done
      die "h$index's libvirtd still answers" ;;
    start) start_libvirtd "$index" ;;
    *) die "usage: $0 libvirtd H stop|start" ;;
  esac
}

uplink_control() {
  local index=$1 state_wanted=$2
  [[ $state_wanted == up || $state_wanted == down ]] || die "usage: $0 uplink H down|up"
  [[ -f $state/h$index/pid ]] || die "no host h$index"
  in_node "h$index" ip link set up0 "$state_wanted"
}

uri_of() { echo "qemu+unix:///system?socket=$state/h$1/root/run/libvirt/libvirt-sock"; }

up() {
  local hosts=$1 racks=${2:-2} pods=${3:-1}
  [[ $hosts =~ ^[0-9]+$ && $hosts -ge 1 && $hosts -le 32 ]] || die "host count must be 1..32, got '$hosts'"
  [[ $racks =~ ^[0-9]+$ && $racks -ge 1 && $racks -le $hosts ]] || die "racks must be 1..$hosts"
  [[ $pods =~ ^[0-9]+$ && $pods -ge 1 && $pods -le $racks ]] || die "pods must be 1..$racks"
  [[ ! -d $state ]] || die "a test bed is up already ($state); run: $0 down"
  install_packages
  command -v nsenter >/dev/null || die "nsenter (util-linux) is missing"
  local started=$SECONDS
  mkdir -p "$state"
  echo "$hosts $racks $pods" > "$state/shape"
  # The userspace datapath reads each port through a socket sized by rmem_default: raise it while
  # the ports are made, or bursts are dropped silently (TESTBED.md), and restore it afterwards.
  local rmem
  rmem=$(sysctl -n net.core.rmem_default)
  echo "$rmem" > "$state/rmem_default"
  sysctl -q -w net.core.rmem_default=4194304
  start_node fab fab 0
  in_node fab ovs-vsctl add-br agg -- set bridge agg datapath_type=netdev
  in_node fab ip link set agg up
  if [[ $pods -gt 1 ]]; then
    for pod in $(seq 1 "$pods"); do
      in_node fab ovs-vsctl add-br "p$pod" -- set bridge "p$pod" datapath_type=netdev
      in_node fab ip link set "p$pod" up
      link "c$pod" fab "q$pod" fab
      in_node fab ovs-vsctl add-port agg "c$pod" -- add-port "p$pod" "q$pod"
    done
  fi
  for rack in $(seq 1 "$racks"); do
    in_node fab ovs-vsctl add-br "t$rack" -- set bridge "t$rack" datapath_type=netdev \
      protocols=OpenFlow10,OpenFlow13
    in_node fab ip link set "t$rack" up
    link "a$rack" fab "u$rack" fab
    local above=agg
    [[ $pods -gt 1 ]] && above=p$(( (rack - 1) * pods / racks + 1 ))
    in_node fab ovs-vsctl add-port "$above" "a$rack" -- add-port "t$rack" "u$rack"
    echo "${above#p}" > "$state/rack$rack.pod"
  done
  for i in $(seq 1 "$hosts"); do
    local rack=$(( (i - 1) * racks / hosts + 1 ))
    start_node "h$i" h "$i"
    in_node "h$i" ovs-vsctl add-br br0 -- set bridge br0 datapath_type=netdev
    link "d$i" fab up0 "h$i"
    in_node fab ovs-vsctl add-port "t$rack" "d$i"
    in_node "h$i" ovs-vsctl add-port br0 up0
    in_node "h$i" ip addr add "$subnet.0.$i/16" dev br0
    in_node "h$i" ip link set br0 up
    echo "$rack" > "$state/h$i/rack"
    host_libvirt "h$i" "$i"
  done
  sysctl -q -w net.core.rmem_default="$rmem"
  write_cluster_file "$hosts"
  echo "testbed: $hosts hosts in $racks racks up in $((SECONDS - started)) s" >&2
  status
}

status() {
  [[ -d $state ]] || { echo "testbed: no test bed is up"; return 0; }
  read -r hosts racks _ < "$state/shape"
  printf '%-4s %-5s %-14s %-6s %-9s %s\n' HOST RACK ADDRESS OVS LIBVIRTD GUESTS
  for i in $(seq 1 "$hosts"); do
    local ovs=down libvirtd=down guests=-
    in_node "h$i" ovs-vsctl --timeout=2 br-exists br0 2>/dev/null && ovs=up
    if virsh -c "$(uri_of "$i")" version >/dev/null 2>&1; then
      libvirtd=up
      guests=$(virsh -c "$(uri_of "$i")" list --name 2>/dev/null | sed '/^$/d' | paste -sd, -)
      guests=${guests:--}
    fi
    printf '%-4s %-5s %-14s %-6s %-9s %s\n' "h$i" "t$(cat "$state/h$i/rack")" "$subnet.0.$i" \
      "$ovs" "$libvirtd" "$guests"
  done
  echo "libvirt: $0 uri H  (host 1: $(uri_of 1))"
}

down() {
  [[ -d $state ]] || { echo "testbed: nothing to take down"; return 0; }
  local hosts=0
  [[ -f $state/shape ]] && read -r hosts _ < "$state/shape"
  for i in $(seq 1 "$hosts"); do
    if [[ -f $state/h$i/pid ]]; then
      # Guests first (their QEMU processes live in the host's namespaces), then the daemons.
      for guest in $(virsh -c "$(uri_of "$i")" list --name 2>/dev/null); do
        virsh -c "$(uri_of "$i")" destroy "$guest" >/dev/null 2>&1 || true
      done
    fi
  done
  for node in $(ls "$state" 2>/dev/null); do
    [[ -d $state/$node ]] || continue
    if ip netns list | awk '{print $1}' | grep -qx "$prefix-$node"; then
      for pid in $(ip netns pids "$prefix-$node" 2>/dev/null); do
        kill "$pid" 2>/dev/null || true
      done
    fi
  done
  sleep 0.5
  for node in $(ls "$state" 2>/dev/null); do
    if ip netns list | awk '{print $1}' | grep -qx "$prefix-$node"; then
      for pid in $(ip netns pids "$prefix-$node" 2>/dev/null); do
        kill -9 "$pid" 2>/dev/null || true
      done
      ip netns del "$prefix-$node" 2>/dev/null || true
    fi
  done
  [[ -f $state/rmem_default ]] && sysctl -q -w net.core.rmem_default="$(cat "$state/rmem_default")"
  rm -rf "$state"
  echo "testbed: down" >&2
}

case "${1:-}" in
  up) [[ $# -ge 2 ]] || die "usage: $0 up N [RACKS [PODS]]"; up "$2" "${3:-2}" "${4:-1}" ;;
  status) status ;;
  down) down ;;
  uri) [[ $# -eq 2 ]] || die "usage: $0 uri H"; uri_of "$2" ;;
  guest) [[ $# -ge 4 ]] || die "usage: $0 guest H NAME IP [--memory MiB] [tb.KEY=VALUE...]"; shift; start_guest "$@" ;;
  libvirtd) [[ $# -eq 3 ]] || die "usage: $0 libvirtd H stop|start"; libvirtd_control "$2" "$3" ;;
  uplink) [[ $# -eq 3 ]] || die "usage: $0 uplink H down|up"; uplink_control "$2" "$3" ;;
  config) [[ -f $state/agent.yaml ]] || die "no test bed is up"
    if [[ ${2:-} == cluster ]]; then echo "$state/cluster.conf"; else echo "$state/agent.yaml"; fi ;;
  exec) [[ $# -ge 3 ]] || die "usage: $0 exec H|fab COMMAND..."
    node=h$2; [[ $2 == fab ]] && node=fab
    shift 2; in_node "$node" "$@" ;;
  *) die "usage: $0 up N [RACKS] | status | down | uri H | guest H NAME IP [...] | libvirtd H stop|start | uplink H down|up | config | exec H COMMAND..." ;;
esac
