#!/usr/bin/env bash
# Prepares a Debian machine (as root) to build, test and demo S-CORE: installs the system
# packages it needs if they are missing and starts Open vSwitch. Safe to run again.
set -euo pipefail
# shellcheck source=deploy/lib.sh
source "$(dirname "$(readlink -f "$0")")/lib.sh"

die() { echo "setup-host: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || die "run as root (it installs packages and starts Open vSwitch)"
command -v apt-get >/dev/null || die "this script expects Debian (apt-get not found)"

packages=(
  openjdk-17-jdk-headless maven          # build
  openvswitch-switch                     # the real switch the agent polls
  iperf3 ethtool iproute2 iputils-ping   # test bed traffic and namespaces
  procps                                 # pgrep, ps for tests
  spin gcc libc6-dev                     # model checking the ring protocol (protocol/model)
  fontconfig fonts-dejavu-core           # text in `score simulate --plot` (Java2D needs a font)
  libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils
                                         # the data-centre test bed's hosts (deploy/testbed.sh)
  busybox-static cpio xz-utils util-linux # its guests (deploy/guest/build.sh), nsenter
  prometheus                             # promtool checks the metrics; a real server scrapes them
  curl jq gnuplot-nox                    # the mission reads Prometheus's HTTP API and plots it
)
ensure_packages setup-host "${packages[@]}" || exit 1

for tool in java mvn ovs-vsctl ovs-ofctl iperf3 ethtool ip spin gcc; do
  command -v "$tool" >/dev/null || die "$tool is still missing after installing packages"
done

# Open vSwitch: userspace datapath only here (no kernel module), started by ovs-ctl.
ovs_ctl=/usr/share/openvswitch/scripts/ovs-ctl
if ! ovs-vsctl --timeout=3 show >/dev/null 2>&1 || ! ovs-appctl --timeout=3 version >/dev/null 2>&1; then
  echo "setup-host: starting Open vSwitch"
  # ovs-ctl refuses to start while the monitor of a killed ovs-vswitchd is still exiting.
  for _ in $(seq 1 50); do
    pgrep -x ovs-vswitchd >/dev/null && ! ovs-appctl --timeout=1 version >/dev/null 2>&1 || break
    sleep 0.1
  done
  "$ovs_ctl" --system-id=random start 2>&1 | grep -v "ulimit" || true
fi
ovs-vsctl --timeout=5 show >/dev/null || die "Open vSwitch did not start (see /var/log/openvswitch/)"
ovs-appctl --timeout=5 version >/dev/null || die "ovs-vswitchd did not start (see /var/log/openvswitch/)"
echo "setup-host: ready ($(ovs-vswitchd --version | head -1), $(java -version 2>&1 | head -1))"
