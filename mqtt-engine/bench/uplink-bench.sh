#!/usr/bin/env bash
# Uplink bytes per reading (issue 9), recorded in BENCHMARKS.md under "Uplink bytes per reading".
#
#   mqtt-engine/bench/uplink-bench.sh                 30 measured seconds per format (about 8 minutes)
#   BENCH_ROUNDS=10 mqtt-engine/bench/uplink-bench.sh a quick look
#   BENCH_AGGREGATES=true mqtt-engine/bench/uplink-bench.sh   raw readings versus 1-minute aggregates, bytes per hour
#   BENCH_ROWS=ts mqtt-engine/bench/uplink-bench.sh   only the ts-batch rows (every data shape) and the peer (issue 19)
#   BENCH_ROWS=ts BENCH_SHAPES=SENSOR BENCH_ROUNDS=120 BENCH_WARMUP=15 mqtt-engine/bench/uplink-bench.sh
#                                                     one shape, measured past its first tables (steady state)
#
# Needs mosquitto (Debian package). Builds with Maven first; the table goes to mqtt-engine/target/bench/uplink.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=mqtt-engine/target/bench
mkdir -p "$out"
mvn -B -q -pl mqtt-engine -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$PWD/$out/classpath" -Dmdep.includeScope=test >/dev/null
cp="mqtt-engine/target/test-classes:mqtt-engine/target/classes:$(cat "$out/classpath")"
java -Xmx1g -Dbench.rounds="${BENCH_ROUNDS:-30}" -Dbench.warmup="${BENCH_WARMUP:-3}" \
    -Dbench.aggregates="${BENCH_AGGREGATES:-false}" -Dbench.windows="${BENCH_WINDOWS:-5}" \
    -Dbench.rows="${BENCH_ROWS:-all}" -Dbench.shapes="${BENCH_SHAPES:-}" \
    -Dlogback.configurationFile=mqtt-engine/bench/logback-bench.xml \
    -cp "$cp" io.outpost.mqtt.internal.bridge.bench.UplinkBenchmark "$out" | tee "$out/uplink.txt"
