#!/usr/bin/env bash
# Chaos soak of the whole gateway (issue 10): Modbus devices and a local QoS 1/2 publisher feed the gateway while
# faults run in a random order: uplink flaps, stalls and slow periods (user-space link emulator between the
# gateway and the cloud mosquitto), SIGKILL of the gateway with a restart as systemd would (same data directory),
# a device power-cycled, the cloud broker restarted. Then it drains and reconciles: every message the gateway
# accepted must be at the cloud, in order per topic, QoS 2 without duplicates; it prints generated, accepted,
# delivered, duplicated and lost counts and exits non-zero on any loss, QoS 2 duplicate or disorder.
#
#   bench/soak.sh --minutes 30                 the long run
#   bench/soak.sh --minutes 3 --seed 42        replay a schedule
#   options: --devices 20 --points 50 --qos2-devices 4 --publish-rate 200 --java-opts "..." (default: the
#   JVM options of systemd/outpost.service, whose other Environment= variables always apply)
#
# The short variant runs in `mvn verify` as ChaosSoakIT (bench module, 3 minutes). Needs Java 17, Maven and
# mosquitto (installed with apt-get when missing and run as root). Work files (gateway log, config, mosquitto's
# persistence) go to bench/target/soak-<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/prepare.sh

exec java -Xmx1g -cp "$BENCH_CP" io.outpost.bench.soak.SoakRun --gateway-cp "$GATEWAY_CP" "$@"
