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
mvn -B -q -pl bench -am compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
    -Dmdep.includeScope=runtime >&2
GATEWAY_CP="$PWD/gateway-app/target/classes:$(cat gateway-app/target/classpath.txt)"
BENCH_CP="bench/target/classes:$(cat bench/target/classpath.txt)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)" >&2
