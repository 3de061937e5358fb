#!/usr/bin/env bash
# Runs every test of S-CORE, including those on real Open vSwitch bridges. As root on Debian;
# installs what it needs first. Extra arguments go to Maven (for example -Dtest=FlowTableTest).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
deploy/setup-host.sh
exec mvn -B -ntp verify "$@"
