#!/usr/bin/env bash
# Compares Outpost's built-in MQTT broker with mosquitto (Debian package) under the same load, in the same run:
#
# 1. Closed loop (io.outpost.bench.LoadGenerator): QoS 0, 1 and 2; fan-in (50 publishers -> 1 subscriber) and
#    fan-out (1 publisher -> 50 subscribers); each publisher keeps at most 16 messages on their way until every
#    subscriber has them, so this load never overloads a broker: it measures capacity, delivered per second and
#    end-to-end latency p50/p99.
# 2. Overload (bench/src/main/node/overload.mjs, MQTT.js, an independent client): 20 publishers each keeping 20
#    QoS 1 messages unacknowledged (a new one per PUBACK: they go as fast as the broker acknowledges) -> one
#    subscriber on bench/#, and 1 such publisher -> 20 subscribers. Counts what the broker acknowledged to the
#    publishers and what it delivered; a broker that acknowledges faster than it delivers builds a queue, its latency
#    grows ("behind" = acknowledged x subscribers - delivered at the end). Also the broker's resident memory
#    before and after.
# 3. The heap of Outpost's broker (after a full GC) and the resident memory of both with 1,000 idle clients.
#
# Prints Markdown tables for BENCHMARKS.md.
#
#   bench/broker-bench.sh                           full run (about 12 minutes)
#   DURATION=5 WARMUP=2 REPEAT=1 bench/broker-bench.sh   a quick look
#   SCENARIOS=overload bench/broker-bench.sh        only the overload part (closed, overload, idle; comma separated)
#
# Both brokers and the load generator run on this machine on loopback. Each scenario runs REPEAT times, each time
# against mosquitto and then Outpost, so that both see the same machine conditions; the table shows medians. Next
# to throughput it shows the broker's CPU time per delivered message (user + system, from /proc), which a busy
# machine disturbs much less than throughput and latency. Needs: Java 17, Maven, mosquitto, python3 (free
# ports), jcmd (the JDK's), Node 18+ and npm (MQTT.js is installed into bench/src/main/node on first use).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
REPEAT=${REPEAT:-3}
IDLE_CLIENTS=${IDLE_CLIENTS:-1000}
OUTPOST_JAVA_OPTS=${OUTPOST_JAVA_OPTS:--Xmx256m}
MOSQUITTO=${MOSQUITTO:-/usr/sbin/mosquitto}
SCENARIOS=${SCENARIOS:-closed,overload,idle}
has() { [[ ",$SCENARIOS," == *",$1,"* ]]; }

echo "building the bench module..." >&2
# test-compile, not compile: the adapters' test jars the bench module depends on resolve from the reactor then.
mvn -B -q ${MVN_OFFLINE:-} -pl bench -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
    -Dmdep.includeScope=runtime >&2
NODE_DIR=bench/src/main/node
if has overload && [ ! -d "$NODE_DIR/node_modules" ]; then
  (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
CP="bench/target/classes:$(cat bench/target/bench-classpath.txt)"

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_port() {
  for _ in $(seq 1 300); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 1)" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2; exit 1
}

start_mosquitto() {
  local port=$1 conf="$work/mosquitto-$1.conf"
  # Same settings as Outpost where both have them: 32 in flight per client, generous queues, TCP_NODELAY.
  printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 32\nmax_queued_messages 100000\nset_tcp_nodelay true\npersistence false\nlog_dest none\n' \
    "$port" > "$conf"
  "$MOSQUITTO" -c "$conf" > "$work/mosquitto-$port.log" 2>&1 &
  pids+=($!)
  MOSQUITTO_PID=$!
  wait_port "$port"
}

start_outpost() {
  local port=$1
  # shellcheck disable=SC2086
  java $OUTPOST_JAVA_OPTS -cp "$CP" io.outpost.bench.BrokerServer "$port" "$work/outpost-$port" > "$work/outpost-$port.log" 2>&1 &
  pids+=($!)
  OUTPOST_PID=$!
  wait_port "$port"
}

TICK=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

load() { # label port pid mode qos -> the generator's RESULT line with the broker's CPU us per message appended
  local before after line total
  before=$(cpu_ticks "$3")
  line=$(java -Xmx512m -cp "$CP" io.outpost.bench.LoadGenerator --label "$1" --port "$2" --mode "$4" --qos "$5" \
    --duration "$DURATION" --warmup "$WARMUP" | grep '^RESULT')
  after=$(cpu_ticks "$3")
  total=${line##*total=}
  echo "$line cpuus=$(awk -v t="$((after - before))" -v n="$total" -v hz="$TICK" 'BEGIN { printf "%.2f", (n > 0 ? t * 1e6 / hz / n : 0) }')"
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start, $(date -Is)" >&2
MP=$(free_port); start_mosquitto "$MP"
OP=$(free_port); start_outpost "$OP"

M_PID=$MOSQUITTO_PID
O_PID=$OUTPOST_PID
results="$work/results.txt"
touch "$results"
if has closed; then
  for round in $(seq 1 "$REPEAT"); do
    for qos in 0 1 2; do
      for mode in fanin fanout; do
        load mosquitto "$MP" "$M_PID" "$mode" "$qos" | tee -a "$results" >&2
        load outpost "$OP" "$O_PID" "$mode" "$qos" | tee -a "$results" >&2
      done
    done
  done
fi

rss_kb() { ps -o rss= -p "$1" | tr -d ' '; }

overload() { # label port pid mode -> the generator's RESULT line with the broker's RSS before and after appended
  local before after line
  before=$(rss_kb "$3")
  line=$(cd "$NODE_DIR" && node overload.mjs --label "$1" --port "$2" --mode "$4" --qos 1 --duration "$DURATION" \
    --warmup "$WARMUP" | grep '^RESULT')
  after=$(rss_kb "$3")
  echo "$line rssmb=$((before / 1024))->$((after / 1024))"
}

overloads="$work/overload.txt"
touch "$overloads"
if has overload; then
  for round in $(seq 1 "$REPEAT"); do
    for mode in fanin fanout; do
      overload mosquitto "$MP" "$M_PID" "$mode" | tee -a "$overloads" >&2
      overload outpost "$OP" "$O_PID" "$mode" | tee -a "$overloads" >&2
    done
  done
fi

idle() { # label port pid -> prints "rss_kb heap_used_kb"
  local fifo="$work/hold-$2"
  mkfifo "$fifo"
  java -Xmx512m -cp "$CP" io.outpost.bench.LoadGenerator --port "$2" --mode idle --clients "$IDLE_CLIENTS" < "$fifo" > "$work/idle-$2.out" &
  local gen=$!
  exec 9> "$fifo"
  for _ in $(seq 1 600); do grep -q READY "$work/idle-$2.out" 2>/dev/null && break; sleep 0.1; done
  local heap=-
  if [ "$1" = outpost ]; then
    jcmd "$3" GC.run > /dev/null
    sleep 1
    heap=$(jcmd "$3" GC.heap_info | awk '/garbage-first heap/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); print v; exit } }')
  fi
  local rss
  rss=$(ps -o rss= -p "$3" | tr -d ' ')
  exec 9>&-
  wait "$gen" || true
  echo "$rss $heap"
}

if has idle; then
  echo "idle clients: $IDLE_CLIENTS each" >&2
  IP=$(free_port); start_mosquitto "$IP"; read -r m_rss _ < <(idle mosquitto "$IP" "$MOSQUITTO_PID")
  IO=$(free_port); start_outpost "$IO"; read -r o_rss o_heap < <(idle outpost "$IO" "$OUTPOST_PID")
fi

echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) at end" >&2
if has closed; then
echo
echo "Closed loop: medians of $REPEAT runs of ${DURATION} s (after ${WARMUP} s warm-up) each."
echo
echo "| scenario | QoS | mosquitto msg/s | outpost msg/s | ratio | mosquitto p50 / p99 (us) | outpost p50 / p99 (us) | p99 ratio | CPU us/msg mosquitto / outpost |"
echo "|---|---|---|---|---|---|---|---|---|"
awk '
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ");
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { split($4, q, "="); split($7, r, "="); split($8, a, "="); split($9, b, "="); split($12, c, "=");
    key = $3 " " q[2]; rate[$2, key] = rate[$2, key] " " r[2]; p50[$2, key] = p50[$2, key] " " a[2];
    p99[$2, key] = p99[$2, key] " " b[2]; cpu[$2, key] = cpu[$2, key] " " c[2];
    if (!(key in seen)) { seen[key] = 1; order[n++] = key } }
  END {
    for (i = 0; i < n; i++) {
      k = order[i]; split(k, parts, " ");
      name = parts[1] == "fanin" ? "fan-in 50 -> 1" : "fan-out 1 -> 50";
      mr = median(rate["mosquitto", k]); or = median(rate["outpost", k]);
      m99 = median(p99["mosquitto", k]); o99 = median(p99["outpost", k]);
      printf "| %s | %s | %d | %d | %.2f | %d / %d | %d / %d | %.2f | %.1f / %.1f |\n", name, parts[2], mr, or, or / mr,
        median(p50["mosquitto", k]), m99, median(p50["outpost", k]), o99, o99 / m99,
        median(cpu["mosquitto", k]), median(cpu["outpost", k])
    }
  }' "$results"
fi
if has overload; then
echo
echo "Overload (MQTT.js, QoS 1, 20 unacknowledged per publisher): medians of $REPEAT runs of ${DURATION} s (after ${WARMUP} s warm-up)."
echo
echo "| scenario | broker | acknowledged msg/s | delivered msg/s | p50 / p99 / max latency (ms) | behind at the end | lost | broker RSS before -> after (MB) |"
echo "|---|---|---|---|---|---|---|---|"
awk '
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ");
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { for (i = 4; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    key = $3 " " $2; if (!(key in seen)) { seen[key] = 1; order[n++] = key }
    ack[key] = ack[key] " " v["acked/s"]; del[key] = del[key] " " v["delivered/s"]; p50[key] = p50[key] " " v["p50ms"];
    p99[key] = p99[key] " " v["p99ms"]; mx[key] = mx[key] " " v["maxms"]; beh[key] = beh[key] " " v["behind"];
    lost[key] = lost[key] " " v["lost"]; rss[key] = v["rssmb"] }
  END {
    for (i = 0; i < n; i++) {
      k = order[i]; split(k, parts, " ");
      name = parts[1] == "fanin" ? "fan-in 20 x 20 -> 1" : "fan-out 1 x 20 -> 20";
      printf "| %s | %s | %d | %d | %.1f / %.1f / %.1f | %d | %d | %s |\n", name, parts[2], median(ack[k]), median(del[k]),
        median(p50[k]), median(p99[k]), median(mx[k]), median(beh[k]), median(lost[k]), rss[k]
    }
  }' "$overloads"
fi
if has idle; then
echo
echo "| $IDLE_CLIENTS idle clients | mosquitto | outpost |"
echo "|---|---|---|"
echo "| resident memory (RSS) | $((m_rss / 1024)) MB | $((o_rss / 1024)) MB |"
echo "| Java heap used after full GC | - | $(( ${o_heap:-0} / 1024 )) MB |"
fi
