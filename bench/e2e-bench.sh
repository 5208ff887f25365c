#!/usr/bin/env bash
# End-to-end benchmark of the whole gateway (issue 10): simulated field devices polled every second, mapped,
# queued durably and forwarded to a mosquitto upstream on loopback; point updates/s, the gateway's CPU, resident
# memory and heap, start-up time to the first forwarded message, end-to-end latency p50/p99 (device change ->
# arrival upstream). Three processes besides mosquitto: the devices, the gateway (`outpost run`, with the JVM options
# and environment of systemd/outpost.service) and the measuring subscriber, so that the gateway's figures are its own.
#
#   bench/e2e-bench.sh               1k, 10k and 100k points, one run each
#   bench/e2e-bench.sh 10k           one scale
#   bench/e2e-bench.sh 100k --uplink cbor-batch-zstd   the uplink format of the forward rule (or UPLINK=...):
#                                    per-point (default: one QoS 1 message per point update, as published),
#                                    json-batch, cbor-batch, cbor-batch-zstd, json-batch-deflate (one batch per
#                                    device and poll, max-delay 50 ms)
#   REPEAT=3 DURATION=60 WARMUP=20 bench/e2e-bench.sh 10k
#   OUTPOST_JAVA_OPTS="-Xmx256m -XX:StartFlightRecording=filename=/tmp/gw.jfr" bench/e2e-bench.sh 10k   (profile;
#   without OUTPOST_JAVA_OPTS the gateway gets the JVM options of systemd/outpost.service)
#
# Needs Java 17, Maven and mosquitto (installed with apt-get when missing and run as root). Results: one line per
# run on stdout and appended to bench/target/e2e/results.txt; the gateway's log and config are beside it.
set -euo pipefail
cd "$(dirname "$0")/.."

UPLINK=${UPLINK:-per-point}
SCALES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --uplink) UPLINK=${2:?--uplink needs a format}; shift 2 ;;
    --uplink=*) UPLINK=${1#--uplink=}; shift ;;
    *) SCALES+=("$1"); shift ;;
  esac
done
[ ${#SCALES[@]} -gt 0 ] || SCALES=(1k 10k 100k)
REPEAT=${REPEAT:-1}
DURATION=${DURATION:-60}
WARMUP=${WARMUP:-20}
# Empty: the JVM options of systemd/outpost.service (its other Environment= variables are always applied).
OUTPOST_JAVA_OPTS=${OUTPOST_JAVA_OPTS:-}

. bench/prepare.sh

for scale in "${SCALES[@]}"; do
  for _ in $(seq 1 "$REPEAT"); do
    java -Xmx512m -cp "$BENCH_CP" io.outpost.bench.e2e.E2eBenchmark --scale "$scale" --warmup "$WARMUP" \
        --duration "$DURATION" --uplink "$UPLINK" --bench-cp "$BENCH_CP" --gateway-cp "$GATEWAY_CP" --java-opts "$OUTPOST_JAVA_OPTS" \
        --work bench/target/e2e
  done
done
