"""qgen.models.compiled: refits of the same circuit reuse its compiled form and share nothing per model."""

import pickle

import numpy as np
import pytest
import torch
from qiskit import QuantumCircuit
from qiskit.circuit import Gate, Parameter
from sklearn.datasets import make_moons

from qgen.models import VQClassifier
from qgen.models.builders import build, compose
from qgen.models.compiled import _CACHE, CACHE_SIZE, clear_cache, compiled, structure_key
from qgen.models.layer import QuantumLayer


@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(40, noise=0.1, random_state=0)
    return X, y


def circuit(n: int = 2) -> QuantumCircuit:
    return compose(build("zz", n), build("real-amplitudes", n, 1))


def test_same_structure_same_entry_other_structure_other_entry():
    clear_cache()
    a, b = compiled(circuit()), compiled(circuit())  # two circuits built afresh, equal structure
    assert a is b and len(_CACHE) == 1
    other = circuit()
    other.rz(0.25, 0)
    changed = circuit()
    changed.data[-1] = changed.data[-1].replace(qubits=(changed.qubits[0],))  # same gate, other qubit
    keys = {structure_key(c) for c in (circuit(), other, changed)}
    assert len(keys) == 3
    assert compiled(other) is not a and len(_CACHE) == 2


def test_angle_expressions_and_global_phase_are_part_of_the_key():
    x = Parameter("x0")
    qcs = []
    for angle, phase in ((x, 0.0), (2 * x, 0.0), (x, 0.5), (x + 1e-12, 0.0)):
        qc = QuantumCircuit(1, global_phase=phase)
        qc.ry(angle, 0)
        qcs.append(qc)
    assert len({structure_key(qc) for qc in qcs}) == 4


def test_custom_gates_are_not_cached():
    qc = QuantumCircuit(1)
    qc.append(Gate("mine", 1, []), [0])
    assert structure_key(qc) is None


def test_the_cache_keeps_the_last_circuits_only():
    clear_cache()
    for k in range(CACHE_SIZE + 3):
        qc = circuit()
        qc.rz(0.1 * k, 0)
        compiled(qc)
    assert len(_CACHE) == CACHE_SIZE


def test_models_on_one_compiled_circuit_keep_their_own_weights(moons):
    X, y = moons
    clear_cache()
    a = VQClassifier(feature_map="zz", ansatz="real-amplitudes", reps=1, epochs=5, random_state=0).fit(X, y)
    b = VQClassifier(feature_map="zz", ansatz="real-amplitudes", reps=1, epochs=5, random_state=1).fit(X, y)
    assert a.layer_.compiled is b.layer_.compiled and len(_CACHE) == 1
    assert a.layer_.weights.data_ptr() != b.layer_.weights.data_ptr()
    before = a.predict_proba(X)
    weights = a.layer_.weights.detach().clone()
    b.set_params(epochs=20).fit(X, y)  # training b moves b only
    assert torch.equal(a.layer_.weights.detach(), weights)
    np.testing.assert_array_equal(a.predict_proba(X), before)


def test_a_refit_from_the_cache_equals_a_fit_compiled_afresh(moons):
    X, y = moons

    def fit():
        model = VQClassifier(feature_map="zz", ansatz="real-amplitudes", reps=1, epochs=8, random_state=3)
        return model.fit(X, y)

    clear_cache()
    fresh = fit()
    again = fit()
    assert again.layer_.compiled is fresh.layer_.compiled
    assert again.history_["loss"] == fresh.history_["loss"]
    np.testing.assert_array_equal(again.predict_proba(X), fresh.predict_proba(X))


def test_a_pickled_layer_rebuilds_its_simulator():
    layer = QuantumLayer(circuit(), seed=1)
    x = torch.rand(5, 2, dtype=torch.float64)
    out = layer(x)
    copy = pickle.loads(pickle.dumps(layer))
    assert copy.compiled is not layer.compiled and copy.compiled._engines == {}
    torch.testing.assert_close(copy(x), out, atol=1e-14, rtol=0)


def test_barriers_are_cached_and_controlled_states_kept_apart():
    plain, barred = circuit(), circuit()
    barred.barrier()
    assert structure_key(barred) is not None and structure_key(barred) != structure_key(plain)
    open_ctrl = QuantumCircuit(2)
    open_ctrl.cx(0, 1, ctrl_state=0)  # not Qiskit's standard CX: not cached
    assert structure_key(open_ctrl) is None
