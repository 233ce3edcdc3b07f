"""OpenQASM 2/3 loading and writing: versions, files, parameters, round trips, clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter
from qiskit.quantum_info import Operator

import qgen
from qgen.circuits import dump, dumps, load
from qgen.errors import QasmError, QgenError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

QASM3_PARAM = """OPENQASM 3.0;
include "stdgates.inc";
input float[64] alpha;
input float[64] theta;
qubit[3] q;
h q[0];
rx(theta) q[0];
rz(2*theta + 0.5) q[1];
crx(alpha - theta) q[1], q[2];
cx q[0], q[2];
"""


def test_load_qasm2_and_qasm3_text_and_files() -> None:
    ghz = load(EXAMPLES / "ghz.qasm")
    assert ghz.num_qubits == 4 and ghz.count_ops()["cx"] == 3
    assert load(str(EXAMPLES / "ghz.qasm")).count_ops() == ghz.count_ops()
    qc = load(QASM3_PARAM)
    assert [p.name for p in qc.parameters] == ["alpha", "theta"]


def test_missing_header_is_a_clear_error() -> None:
    with pytest.raises(QasmError) as err:
        load('include "stdgates.inc";\nqubit[1] q;\nh q[0];\n')
    assert err.value.line == 1 and err.value.column == 1
    assert "OPENQASM" in err.value.message


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(QgenError, match="no such file"):
        load(tmp_path / "nope.qasm")
    with pytest.raises(QgenError, match="no such file"):
        load("does/not/exist.qasm")


def test_error_carries_file_line_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.qasm"
    bad.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncx q[0], q[5];\n')
    with pytest.raises(QasmError) as err:
        load(bad)
    assert err.value.file == str(bad) and err.value.line == 4
    assert str(err.value).startswith(f"{bad}:4:")


def test_parametrised_qasm3_round_trip_is_exact() -> None:
    qc = load(QASM3_PARAM)
    text = dumps(qc, version=3)
    again = load(text)
    assert dumps(again, version=3) == text
    assert [p.name for p in again.parameters] == ["alpha", "theta"]
    values = {"alpha": 0.3, "theta": -1.7}
    a = qc.assign_parameters({p: values[p.name] for p in qc.parameters})
    b = again.assign_parameters({p: values[p.name] for p in again.parameters})
    assert Operator(a).equiv(Operator(b))
    assert np.allclose(Operator(a).data, Operator(b).data)


def test_free_identifier_becomes_parameter() -> None:
    qc = load('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[1] q;\nrx(phi) q[0];\nry(2*phi) q[0];\n')
    assert [p.name for p in qc.parameters] == ["phi"]
    text = dumps(qc)
    assert "input float[64] phi;" in text
    assert [p.name for p in load(text).parameters] == ["phi"]


def test_qiskit_parameters_dump_and_reload() -> None:
    a, b = Parameter("a"), Parameter("b")
    qc = QuantumCircuit(2)
    qc.ry(a, 0)
    qc.rzz(a * 2 - b, 0, 1)
    text = dumps(qc)
    again = load(text)
    assert sorted(p.name for p in again.parameters) == ["a", "b"]
    vals = {"a": 0.4, "b": 1.1}
    assert Operator(qc.assign_parameters({p: vals[p.name] for p in qc.parameters})).equiv(
        Operator(again.assign_parameters({p: vals[p.name] for p in again.parameters}))
    )


def test_qasm2_dump_needs_bound_parameters() -> None:
    qc = QuantumCircuit(1)
    qc.rx(Parameter("t"), 0)
    with pytest.raises(QgenError, match="cannot hold free parameters"):
        dumps(qc, version=2)
    with pytest.raises(QgenError, match="version must be 2 or 3"):
        dumps(qc, version=4)


def test_dump_is_atomic(tmp_path: Path) -> None:
    qc = QuantumCircuit(1)
    qc.rx(Parameter("t"), 0)
    target = tmp_path / "out.qasm"
    with pytest.raises(QgenError):
        dump(qc, target, version=2)
    assert not target.exists() and not list(tmp_path.iterdir())
    dump(qc, target, version=3)
    assert load(target).num_parameters == 1


def test_front_door_exports() -> None:
    assert qgen.load is load and callable(qgen.validate) and callable(qgen.profile)
    assert isinstance(qgen.__version__, str)
