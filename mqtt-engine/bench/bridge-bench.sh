#!/usr/bin/env bash
# Benchmarks of the bridge (issue 4), recorded in BENCHMARKS.md under "Bridge and store".
#
#   mqtt-engine/bench/bridge-bench.sh store    durable appends/s: segment store vs SQLite WAL, per sync policy (JMH)
#   mqtt-engine/bench/bridge-bench.sh replay   backlog drain and loss: this bridge vs a mosquitto bridge
#   mqtt-engine/bench/bridge-bench.sh links    satellite and cellular scenarios over the link emulator (~45 min)
#   mqtt-engine/bench/bridge-bench.sh          store and replay
#
# Needs mosquitto (Debian package) for "replay". Builds with Maven first; results go to mqtt-engine/target/bench/.
# Set BENCH_DIR to put the store's files on the disk to measure (default: the system temp dir).
set -euo pipefail
cd "$(dirname "$0")/../.."
what="${1:-all}"
out=mqtt-engine/target/bench
mkdir -p "$out"
mvn -B -q -pl mqtt-engine -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$PWD/$out/classpath" -Dmdep.includeScope=test >/dev/null
cp="mqtt-engine/target/test-classes:mqtt-engine/target/classes:$(cat "$out/classpath")"
java_opts=(-Xmx1g -Dbench.dir="${BENCH_DIR:-${TMPDIR:-/tmp}}" -Dlogback.configurationFile=mqtt-engine/bench/logback-bench.xml)

if [ "$what" = store ] || [ "$what" = all ]; then
  echo "== durable appends/s (JMH, 1 fork, 3x2s warm-up, 5x3s measurement)"
  java "${java_opts[@]}" -cp "$cp" org.openjdk.jmh.Main StoreAppendBenchmark \
      -f 1 -wi 3 -w 2s -i 5 -r 3s -prof gc -rf json -rff "$out/store.json" | tee "$out/store.txt"
fi
if [ "$what" = links ]; then
  echo "== satellite and cellular links: stall detection, heal to reconnect, drain, probe bytes (docs/bridge.md)"
  java "${java_opts[@]}" -cp "$cp" io.outpost.mqtt.internal.bridge.bench.LinkScenarios "$out" | tee "$out/links.txt"
fi
if [ "$what" = replay ] || [ "$what" = all ]; then
  echo "== backlog replay and loss: this bridge vs mosquitto's bridge"
  java "${java_opts[@]}" -cp "$cp" io.outpost.mqtt.internal.bridge.bench.ReplayBenchmark "$out" | tee "$out/replay.txt"
fi
