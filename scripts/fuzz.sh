#!/usr/bin/env bash
# Longer fuzzing runs than the few seconds per target that `mvn verify` spends (Jazzer, coverage-guided).
#
#   scripts/fuzz.sh                       every target for 10 minutes each
#   scripts/fuzz.sh 1h MqttConnection     one target (name prefix) for an hour
#   scripts/fuzz.sh --list                the targets
#
# A finding stops its target and is written next to the target's kept inputs
# (src/test/resources/<package>/<Target>Inputs/<method>/crash-...): fix the code, keep the file, commit both; from
# then on every build runs it as a regression test. The coverage corpus grows in <module>/.cifuzz-corpus/ (not
# committed). Runs offline (-o) from the project root; builds what it needs, never installs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# target class | module | classes to instrument
targets=(
  "CommandPayloadFuzzTest|gateway-core|io.outpost.**"
  "ConfigLoaderFuzzTest|gateway-core|io.outpost.**"
  "MqttConnectionFuzzTest|mqtt-engine|io.outpost.**,io.netty.handler.codec.mqtt.**"
  "TsBatchDecoderFuzzTest|mqtt-engine|io.outpost.**"
  "ModbusTcpResponseFuzzTest|adapters/modbus|io.outpost.**"
  "ModbusRtuResponseFuzzTest|adapters/modbus|io.outpost.**"
  "BacnetValueFuzzTest|adapters/bacnet|io.outpost.**,com.serotonin.bacnet4j.type.**"
)

if [ "${1:-}" = "--list" ]; then
  for t in "${targets[@]}"; do echo "${t%%|*}"; done
  exit 0
fi
duration="${1:-10m}"
shift || true
wanted=("$@")

failed=0
for t in "${targets[@]}"; do
  IFS='|' read -r class module instrument <<<"$t"
  if [ ${#wanted[@]} -gt 0 ]; then
    match=0
    for w in "${wanted[@]}"; do [[ "$class" == "$w"* ]] && match=1; done
    [ $match -eq 1 ] || continue
  fi
  echo "fuzz: $class ($module) for $duration"
  if ! JAZZER_FUZZ=1 mvn -o -q -pl "$module" -am test -Dtest="$class" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.max_duration="$duration" -Djazzer.instrument="$instrument"; then
    echo "fuzz: $class found something: see $module/target/surefire-reports and the crash file in its Inputs folder" >&2
    failed=1
  fi
done
exit $failed
