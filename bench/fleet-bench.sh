#!/usr/bin/env bash
# The fleet at scale (issue 18): N simulated gateways (the real fleet agent, control link, signed-config check,
# validation and history code, sharing one JVM; only the runtime under each agent is simulated) plus a few real
# gateway processes (`outpost run`) receive one staged push (FleetRollout, what `outpost fleet push --to 'sim-*'
# --canary 5%` runs) through the cloud broker; prints push-to-applied p50/p99/max per gateway, the rollout's total
# time, the broker's own message counters and the simulation JVM's memory. See BENCHMARKS.md "Fleet: staged push
# to 1,000 gateways".
#
#   bench/fleet-bench.sh                                  1,000 simulated + 3 real, two-node RabbitMQ cluster
#   bench/fleet-bench.sh --broker mosquitto --gateways 250
#   options: --gateways N --processes N --broker rabbitmq|mosquitto --canary 5% --grace 15 (seconds)
#            --threads 2 (IO, agent and link threads shared by the simulated gateways, each) --timeout 600
#
# Needs Java 17, Maven, mosquitto and mosquitto-clients (mosquitto_sub reads its $SYS counters), and for the
# cluster Debian's rabbitmq-server (3.10, MQTT plugin). Results are appended to bench/target/fleet/results.txt;
# every gateway's folder, the push log and the brokers' logs are under bench/target/fleet/<broker>-<n>-<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/prepare.sh

exec java -Xmx1g -cp "$BENCH_CP" io.outpost.bench.fleet.FleetSimulation --gateway-cp "$GATEWAY_CP" \
    --work bench/target/fleet "$@"
