# Sourced by bench/e2e-bench.sh and bench/soak.sh from the repository's root: makes sure mosquitto is there
# (installed with apt-get when running as root), builds the gateway and the bench module, and sets GATEWAY_CP and
# BENCH_CP, the class paths of the gateway application and of the bench programs.
if ! command -v /usr/sbin/mosquitto >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing mosquitto..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto >/dev/null
  else
    echo "mosquitto is needed: sudo apt-get install mosquitto" >&2; exit 1
  fi
fi

echo "building the gateway and the bench module..." >&2
# test-compile, not compile: modules depend on gateway-core's test jar, which a fresh clone has no classes of yet.
mvn -B -q -pl bench -am test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
    -Dmdep.includeScope=runtime >&2
# OUTPOST_GATEWAY_HOME: measure the gateway of another checkout (built the same way), e.g. the commit before a change,
# with this checkout's simulators and meter, so that before and after run the same load.
GATEWAY_HOME=${OUTPOST_GATEWAY_HOME:-$PWD}
# OUTPOST_GATEWAY_CP: the gateway's class path as given, e.g. the packaged jars (class-data sharing archives only
# classes from jars): "gateway-app/target/gateway-app-0.1.0-SNAPSHOT.jar:gateway-app/target/lib/*".
GATEWAY_CP=${OUTPOST_GATEWAY_CP:-"$GATEWAY_HOME/gateway-app/target/classes:$(cat "$GATEWAY_HOME/gateway-app/target/classpath.txt")"}
BENCH_CP="bench/target/classes:$(cat bench/target/classpath.txt)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)" >&2
