"""resolve_circuit: QASM text and files, registered names, search and tn-init outputs, generated rows."""

import json

import pytest

from qgen.circuits import dumps
from qgen.models.builders import build, compose
from qgen.models.errors import ModelError
from qgen.models.sources import resolve_circuit

QASM = """OPENQASM 3.0;
include "stdgates.inc";
input float[64] x0;
input float[64] x1;
input float[64] theta;
qubit[2] q;
ry(x0) q[0];
ry(x1) q[1];
cx q[0], q[1];
ry(theta) q[1];
"""


def test_qasm_text_inputs_and_weights():
    src = resolve_circuit(QASM, num_features=2)
    assert src.inputs == ["x0", "x1"] and src.weights == ["theta"]


def test_feature_count_mismatch_is_named():
    with pytest.raises(ModelError, match="reads 2 data input.*data has 3 feature"):
        resolve_circuit(QASM, num_features=3)


def test_check_names_missing_inputs_and_weights():
    ansatz = resolve_circuit("hardware-efficient", 2)
    with pytest.raises(ModelError, match="no data inputs"):
        ansatz.check()
    fm = resolve_circuit("zz", 2)
    with pytest.raises(ModelError, match="no trainable weights"):
        fm.check()


def test_registered_name_needs_feature_count():
    with pytest.raises(ModelError, match="number of features"):
        resolve_circuit("zz")


def test_unknown_source_lists_circuits():
    with pytest.raises(ModelError, match="re-uploading"):
        resolve_circuit("no-such-circuit", 2)


def test_row_with_qasm3_field():
    src = resolve_circuit({"qasm3": QASM, "prompt": "x"}, 2)
    assert src.origin == "the row's 'qasm3' field"
    with pytest.raises(ModelError, match="no 'qasm3' or 'qasm' field"):
        resolve_circuit({"text": "x"})


def test_search_output_folder_picks_best_reward(tmp_path):
    circuit = compose(build("angle", 2), build("hardware-efficient", 2, 1))
    for method, reward in (("random", 0.5), ("bo", 0.9)):
        (tmp_path / f"best_{method}.qasm").write_text(dumps(circuit))
        values = {p.name: reward for p in circuit.parameters if p.name.startswith("w")}
        (tmp_path / f"best_{method}.json").write_text(json.dumps({"values": values, "inputs": ["x0", "x1"]}))
    best = {m: {"reward": r, "qasm": f"best_{m}.qasm", "values": f"best_{m}.json"}
            for m, r in (("random", 0.5), ("bo", 0.9))}
    (tmp_path / "results.json").write_text(json.dumps({"best": best}))
    src = resolve_circuit(tmp_path, 2)
    assert src.origin.endswith("best_bo.qasm")
    assert set(src.initial.values()) == {0.9} and len(src.initial) == 6


def test_tn_init_output_values_become_initial_weights(tmp_path):
    ansatz = build("hardware-efficient", 2, 1)
    (tmp_path / "init.qasm").write_text(dumps(ansatz))
    params = {p.name: 0.25 for p in ansatz.parameters}
    (tmp_path / "init.json").write_text(json.dumps({"format": "qgen.tn-init/1", "parameters": params}))
    src = resolve_circuit(tmp_path / "init.qasm")
    assert src.inputs == [] and src.initial == params
    assert resolve_circuit(tmp_path).initial == params  # the folder works too
