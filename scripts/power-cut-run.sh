#!/usr/bin/env bash
# The store through many simulated power cuts (PowerCutTest on FaultyFiles): `mvn verify` runs 300 from a fixed
# seed; this runs as many as you ask, from any seed.
#
#   scripts/power-cut-run.sh                   10,000 cuts from the build's seed (20261205)
#   scripts/power-cut-run.sh 50000 42          50,000 cuts from seed 42
#   scripts/power-cut-run.sh --run <seed>      repeat one failed run exactly (the failure names its seed)
#
# After every recovery it checks: nothing acknowledged lost, no QoS 2 message with durable handshake state handed
# out as new, order per topic kept, the store takes new appends. A failure prints the run's seed and the history of
# the message concerned; fix the store, then keep the seed in PowerCutTest.a_run_that_found_a_defect_passes.
# Runs offline (-o) from the project root; builds what it needs, never installs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

props=()
if [ "${1:-}" = "--run" ]; then
  props+=("-Dpowercut.run=${2:?a seed}")
else
  props+=("-Dpowercut.cuts=${1:-10000}" "-Dpowercut.seed=${2:-20261205}")
fi
exec mvn -o -q -pl mqtt-engine -am -DskipITs -Dfuzz.skip=true \
  -Dtest='PowerCutTest#after_every*' -Dsurefire.failIfNoSpecifiedTests=false "${props[@]}" verify
