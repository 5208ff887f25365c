#!/usr/bin/env bash
# Runs every test of Outpost on a fresh machine: installs the independent peers the tests talk to (Debian
# packages, npm packages), then builds all modules and runs unit and integration tests with Maven.
#
#   ./scripts/test.sh                 everything (what CI runs)
#   ./scripts/test.sh -pl mqtt-engine extra Maven arguments are passed on
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PEERS=(mosquitto strace mosquitto-clients python3-paho-mqtt python3-pymodbus python3-serial-asyncio python3-prometheus-client socat iproute2 nftables openssl chromium systemd python3-cbor2 python3-zstandard zstd)

missing=()
for pkg in "${DEBIAN_PEERS[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
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
    echo "warning: not root; tests that need ${missing[*]} will be skipped with a message" >&2
  fi
fi

# npm peers (node-opcua-server, @bacnet-js/client, mqtt): each test folder with a package.json gets its
# node_modules once; package-lock.json pins the versions.
while IFS= read -r pkgjson; do
  dir=$(dirname "$pkgjson")
  if [ ! -d "$dir/node_modules" ] || [ "$pkgjson" -nt "$dir/node_modules" ]; then
    echo "installing npm test peers in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error 2>/dev/null || npm install --no-audit --no-fund --loglevel=error)
    touch "$dir/node_modules"
  fi
done < <(find . -path ./node_modules -prune -o -path '*/src/test/node/package.json' -print -o -path './test-peers/*/package.json' -print | grep -v node_modules)

exec mvn -B verify "$@"
