#!/usr/bin/env bash
# Runs every test of Outpost on a fresh machine: installs the independent peers the tests talk to (Debian
# packages, npm packages), then builds all modules and runs unit and integration tests with Maven.
#
#   ./scripts/test.sh                 everything (what CI runs)
#   ./scripts/test.sh -pl mqtt-engine extra Maven arguments are passed on
set -euo pipefail
cd "$(dirname "$0")/.."

# Every program a test talks to, as Debian 12 packages. "package:command" means: install the package only when the
# command is missing (a Node.js or JDK from elsewhere, such as NodeSource's nodejs with its own npm, is fine).
#   build:    JDK 17 and Maven (the tests run under them)
#   MQTT:     mosquitto (broker), mosquitto-clients, python3-paho-mqtt (independent clients)
#   Modbus:   python3-pymodbus, python3-serial-asyncio (peer server), socat (virtual serial pairs)
#   uplink:   python3-cbor2, python3-zstandard, zstd (the cloud side's reading of the batch formats)
#   syscalls: strace (tests that check what reaches the disk: directory fsyncs, file modes)
#   ops:      python3-prometheus-client (/metrics parser), systemd (systemd-notify, systemd-analyze), openssl (TLS
#             certificates), chromium (the console's browser test), dpkg (dpkg-deb, the package test)
#   network:  iproute2, nftables (network namespaces, packet loss)
#   fleet:    rabbitmq-server (a two-node cluster with the MQTT plugin on loopback, FleetClusterIT; never started as a
#             service: the test runs its nodes from a temporary folder)
#   Node.js:  nodejs and npm (node-opcua, @bacnet-js/client, playwright-core for chromium; npm ci below)
DEBIAN_PEERS=(openjdk-17-jdk-headless:javac maven:mvn
  mosquitto mosquitto-clients python3-paho-mqtt python3-pymodbus python3-serial-asyncio python3-prometheus-client
  strace socat iproute2 nftables openssl chromium systemd dpkg python3-cbor2 python3-zstandard zstd nodejs:node npm:npm
  rabbitmq-server)

missing=()
for entry in "${DEBIAN_PEERS[@]}"; do
  pkg=${entry%%:*}
  if [[ "$entry" == *:* ]]; then
    command -v "${entry#*:}" >/dev/null || missing+=("$pkg")
  else
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing test peers: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "warning: not root; tests that need ${missing[*]} will be skipped with a message (and fail when CI=true)" >&2
  fi
fi

# Debian 12's nodejs is 18; playwright-core (console test) needs 20 and node-opcua-server says 22 (works on 20).
if command -v node >/dev/null; then
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$node_major" -lt 20 ]; then
    echo "warning: Node.js $(node --version) is older than 20: the console and OPC UA peer tests need Node.js 20 or" \
      "later (NodeSource, or Debian 13); with CI=true they fail" >&2
  fi
fi

# npm peers (node-opcua-server, @bacnet-js/client, playwright-core, the ts-batch decoder's fzstd): each test folder with a package.json gets its
# node_modules once; package-lock.json pins the versions.
while IFS= read -r pkgjson; do
  dir=$(dirname "$pkgjson")
  if [ ! -d "$dir/node_modules" ] || [ "$pkgjson" -nt "$dir/node_modules" ]; then
    echo "installing npm test peers in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error 2>/dev/null || npm install --no-audit --no-fund --loglevel=error)
    touch "$dir/node_modules"
  fi
done < <(find . -path ./node_modules -prune -o -path '*/src/test/node/package.json' -print -o -path './test-peers/*/package.json' -print -o -path './decoders/js/*/package.json' -print | grep -v node_modules)

# With CI=true (as CI services set it), a test an assumption skips fails the build unless it is on the allow-list
# test-support/src/main/resources/io/outpost/testing/junit/allowed-skips.txt (io.outpost.testing.junit.NoSilentSkips).
exec mvn -B verify "$@"
