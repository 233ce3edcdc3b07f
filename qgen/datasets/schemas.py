"""Columns of the built-in dataset kinds (type specs of :mod:`qgen.datasets.builders` and descriptions)."""

from __future__ import annotations

_S, _I, _F, _B = "string", "int64", "float64", "bool"
_MESSAGE = ("struct", (("role", _S), ("content", _S)))
DEFAULT_MAX_QUBITS = 10


def split_list(value: str | None) -> tuple[str, ...]:
    """``"a, b,c"`` -> ``("a", "b", "c")`` (None or empty: ``()``)."""
    return tuple(v.strip() for v in value.split(",") if v.strip()) if value else ()


OPTIMIZATION_FIELDS: tuple[tuple[str, object, str], ...] = (
    ("id", _S, "unique row id: s{seed}-{plan index:06d}"),
    ("index", _I, "position in the build plan (row ids and seeds derive from it)"),
    ("split", _S, "train or test (held-out instances)"),
    ("problem", _S, "problem family (registry name, `qgen dataset problems`)"),
    ("problem_title", _S, "problem family in words"),
    ("sense", _S, "min or max: the sense of the original objective (energy = objective or -objective)"),
    ("problem_size", _I, "the family's size parameter (nodes, cities, edges, qubits, ...)"),
    ("graph", _S, "the instance graph as networkx node-link JSON (null for non-graph problems)"),
    ("instance", _S, "problem attributes as JSON (weights, numbers, capacity, clauses, penalty, ...)"),
    ("instance_text", _S, "the instance in words (used by the prompts)"),
    ("num_qubits", _I, "qubits = binary variables (x_k is qubit k, the k-th bit from the right)"),
    ("hamiltonian_paulis", ("list", _S), "Pauli labels of the Ising cost Hamiltonian (Qiskit order)"),
    ("hamiltonian_coeffs", ("list", _F), "their real coefficients (the constant is the all-I term)"),
    ("method", _S, "qaoa, vqe or adapt"),
    ("ansatz", _S, "ansatz name (`qaoa`, `sim2` ... `sim15`, `real_amplitudes`, `efficient_su2`, `adapt`)"),
    ("layers", _I, "QAOA p / VQE repetitions / number of ADAPT operators"),
    ("num_parameters", _I, "length of `parameters`"),
    ("parameters", ("list", _F), "optimised parameter values, in the order t000, t001, ..."),
    ("expectation_value", _F, "energy <psi|H|psi> of the stored circuit (complex128 statevector)"),
    (
        "random_mean_energy",
        _F,
        "mean energy of the same circuit over random parameters (uniform in [-pi, pi))",
    ),
    ("random_std_energy", _F, "standard deviation of that random-parameter energy"),
    ("beats_random", _B, "expectation_value < random_mean_energy"),
    ("top_bitstrings", ("list", _S), "the most probable bitstrings (qubit 0 rightmost), most probable first"),
    ("top_probabilities", ("list", _F), "their probabilities"),
    ("most_probable", _S, "the most probable bitstring"),
    ("ground_energy", _F, "exact ground energy (enumeration of all 2^n states)"),
    ("first_excited_energy", _F, "exact first excited energy (null if the spectrum is flat)"),
    ("max_energy", _F, "exact highest energy"),
    ("ground_states", ("list", _S), "all ground-state bitstrings"),
    ("num_ground_states", _I, "ground-state degeneracy"),
    ("ground_state_probability", _F, "total probability of the ground states"),
    ("success", _B, "the most probable bitstring is a ground state"),
    ("approximation_ratio", _F, "(E_max - expectation_value) / (E_max - E_0): 1 = ground energy, 0 = worst"),
    (
        "converged",
        _B,
        "the optimiser's stop rule fired (QAOA/VQE: ground state most probable and energy "
        "below the random mean; ADAPT: pool gradient norm < 3e-3)",
    ),
    ("train_steps", _I, "optimisation steps (best start of each round, summed; ADAPT: all inner steps)"),
    ("train_starts", _I, "random starts used (ADAPT: 1)"),
    ("adapt_gradient_norm", _F, "ADAPT only: pool gradient norm at the end (null otherwise)"),
    ("depth", _I, "depth of the stored circuit"),
    ("num_gates", _I, "gates of the stored circuit"),
    ("two_qubit_gates", _I, "two-qubit gates of the stored circuit"),
    ("qasm3", _S, "OpenQASM 3.0, parameters bound (what the expectation value and probabilities are of)"),
    ("qasm3_symbolic", _S, "OpenQASM 3.0 with `input float[64] t000;` ... parameters"),
    (
        "qasm3_compact",
        _S,
        "the same circuit as `qasm3`, compact OpenQASM 3.0: one `gate layer(...)` called once per layer "
        "with its numbers (qgen.datasets.compact)",
    ),
    ("prompt", _S, "a worded user prompt (one of qgen.datasets.prompts.TEMPLATES)"),
    ("response", _S, "its answer: the bound OpenQASM 3.0 circuit (`qasm3`)"),
    ("prompt_compact", _S, "the short prompt: method, ansatz, layers, qubits and the graph or Pauli terms"),
    (
        "messages",
        ("list", _MESSAGE),
        "the SFT chat: system, user (`prompt_compact`), assistant (`qasm3_compact`)",
    ),
    ("prompt_template", _I, "which prompt template (qgen.datasets.prompts.TEMPLATES) wrote the prompt"),
    ("seed", _I, "the build seed"),
)

ALGORITHM_FIELDS: tuple[tuple[str, object, str], ...] = (
    ("id", _S, "unique row id: {family}-{level}-{qubits}-{real|random}"),
    ("pair_id", _S, "the real circuit and its random counterpart share it"),
    ("split", _S, "train or test (by pair)"),
    ("family", _S, "MQT Bench benchmark name"),
    ("level", _S, "alg (algorithm level) or indep (target-independent level)"),
    ("label", _S, "real (MQT Bench) or random (the counterpart)"),
    ("is_real", _B, "label == 'real'"),
    ("num_qubits", _I, "qubits"),
    ("num_clbits", _I, "classical bits"),
    ("qasm2", _S, "OpenQASM 2.0 text (classical conditions on single bits use one-bit registers)"),
    ("qasm3", _S, "OpenQASM 3.0 text"),
    ("num_lines", _I, "lines of the QASM 2 text"),
    ("depth", _I, "circuit depth"),
    ("num_gates", _I, "unitary gates (no measure / barrier / reset)"),
    ("gate_counts", _S, "gates by name, JSON"),
    ("two_qubit_gates", _I, "gates on two or more qubits"),
    ("two_qubit_fraction", _F, "two_qubit_gates / num_gates"),
    ("two_qubit_depth", _I, "depth counting multi-qubit gates only"),
    ("num_interaction_edges", _I, "edges of the qubit interaction graph"),
    ("max_degree", _I, "largest degree of the interaction graph"),
    ("density", _F, "interaction-graph density"),
    ("measurements", _I, "measure operations"),
    ("seed", _I, "the build seed"),
)
