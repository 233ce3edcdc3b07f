#!/usr/bin/env bash
# qgen's main job on the bundled examples: validate, profile and simulate OpenQASM circuits.
set -euo pipefail
cd "$(dirname "$0")/.."
Q=.venv/bin/qgen
$Q --version
$Q validate examples/ghz.qasm examples/qaoa_maxcut.qasm
$Q profile examples/qaoa_maxcut.qasm
$Q simulate examples/ghz.qasm --shots 1000 --seed 7 --top 4
$Q simulate examples/qaoa_maxcut.qasm --param gamma=0.39 --param beta=1.18 --top 4
echo "--- a malformed program is reported with file:line:col (exit code 1 expected):"
$Q validate examples/broken.qasm || echo "(exit code $?)"
