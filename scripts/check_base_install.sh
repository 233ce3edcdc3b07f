#!/usr/bin/env bash
# Base-install check: qgen with no extras (torch pinned as in scripts/setup.sh) runs its light commands, and
# a command that needs an extra fails with exit code 1 and one line naming `pip install 'qgen[EXTRA]'`.
# The venv is .venv-base in the checkout (QGEN_BASE_VENV overrides it); it is reused between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
unset PYTHONPATH
PY=${PYTHON:-python3}
VENV=${QGEN_BASE_VENV:-.venv-base}
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
if ! "$VENV/bin/python" -c "import torch" >/dev/null 2>&1; then
  "$VENV/bin/python" -m pip install --quiet "torch==${QGEN_TORCH_VERSION:-2.13.0}" 2>&1 | grep -v "^WARNING: Location" || true
fi
"$VENV/bin/python" -m pip install --quiet . 2>&1 | grep -v "^WARNING: Location" || true
QGEN="$VENV/bin/qgen"
CASE=examples/ghz.qasm

echo "base install: $("$VENV/bin/python" -c 'import qgen, torch; print(f"qgen {qgen.__version__}, torch {torch.__version__}")')"
for extra_module in pytket qiskit_aer datasets transformers sklearn quimb; do
  # -I: the checkout's folders (the recipe folder datasets/) must not stand in for a library
  if "$VENV/bin/python" -I -c "import $extra_module" >/dev/null 2>&1; then
    echo "FAIL: $extra_module is installed in $VENV; the base install must not have it" >&2
    exit 1
  fi
done
echo "ok   no optional dependency is installed (pytket, qiskit_aer, datasets, transformers, sklearn, quimb)"

failed=0
check() {
  local out
  if ! out=$("$@" 2>&1); then
    echo "FAIL $*" >&2
    echo "$out" | tail -20 | sed 's/^/     /' >&2
    failed=1
    return 0
  fi
  echo "ok   $*"
}

check "$QGEN" --help
check "$QGEN" validate "$CASE"
check "$QGEN" profile "$CASE"
check "$QGEN" simulate "$CASE"
check "$QGEN" compile "$CASE" --target generic --engine qiskit

# a command that needs an extra: exit 1 and the pip extra named on stderr, no traceback
set +e
err=$("$QGEN" compile "$CASE" --target quantinuum-h2 --engine tket 2>&1 >/dev/null)
rc=$?
set -e
if [ "$rc" -ne 1 ] || ! grep -q "pip install 'qgen\[" <<<"$err" || grep -q Traceback <<<"$err"; then
  echo "FAIL qgen compile --engine tket without qgen[compile]: exit $rc, stderr:" >&2
  echo "$err" | tail -20 | sed 's/^/     /' >&2
  failed=1
else
  echo "ok   qgen compile $CASE --target quantinuum-h2 --engine tket -> exit 1: $err"
fi
if [ "$failed" -ne 0 ]; then
  echo "base install: some checks FAILED" >&2
  exit 1
fi
echo "base install: all checks passed"
