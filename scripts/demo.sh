#!/usr/bin/env bash
# qgen's main job on the bundled examples: compile an 8-qubit VQE ansatz to Quantinuum H2 (verified,
# parameters kept), run it on the local H2 emulator; then validate / profile / simulate OpenQASM circuits.
set -euo pipefail
cd "$(dirname "$0")/.."
Q=.venv/bin/qgen
mkdir -p outputs
$Q --version
$Q compile examples/vqe_ansatz.qasm --target quantinuum-h2 -o outputs/vqe_h2.qasm
$Q run outputs/vqe_h2.qasm --backend quantinuum-h2-emulator --random-params --seed 1 --shots 1000
$Q targets
$Q validate examples/ghz.qasm examples/qaoa_maxcut.qasm
$Q profile examples/qaoa_maxcut.qasm
$Q simulate examples/ghz.qasm --shots 1000 --seed 7 --top 4
echo "--- a malformed program is reported with file:line:col (exit code 1 expected):"
$Q validate examples/broken.qasm || echo "(exit code $?)"
