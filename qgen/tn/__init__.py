"""qgen.tn: tensor-network pre-initialisation of parametrised circuits.

Find a good state classically as an MPS (DMRG ground state with quimb, or any given MPS / statevector), encode
it into staircase layers of two-qubit unitaries (Ran 2020, with sweeping optimisation), and parametrise every
unitary as a 15-parameter KAK block, giving a Qiskit circuit with ``Parameter``s and starting values
(Rudolph et al., Nat. Commun. 14, 8367, 2023). See ``docs/tn.md``.

>>> from qgen.tn import tn_initial_parameters
>>> circuit, values = tn_initial_parameters("tfim", 2, num_qubits=4)
>>> len(values) == circuit.num_parameters
True
"""

from qgen.hamiltonians import HAMILTONIANS, exact_ground_energy, hamiltonian, load_hamiltonian
from qgen.tn.encode import Encoding, encode_mps
from qgen.tn.errors import HamiltonianError, TNError
from qgen.tn.init import TNInit, fit_to_state, tn_init, tn_initial_parameters
from qgen.tn.inits import INITS, initial_values
from qgen.tn.kak import StaircaseAnsatz, kak_angles
from qgen.tn.layers import staircase_from_mps
from qgen.tn.mpo import pauli_sum_to_mpo
from qgen.tn.mps import MPS, fidelity, random_mps
from qgen.tn.sources import GroundState, dmrg_ground_state

__all__ = [
    "HAMILTONIANS",
    "INITS",
    "MPS",
    "Encoding",
    "GroundState",
    "HamiltonianError",
    "StaircaseAnsatz",
    "TNError",
    "TNInit",
    "dmrg_ground_state",
    "encode_mps",
    "exact_ground_energy",
    "fidelity",
    "fit_to_state",
    "hamiltonian",
    "initial_values",
    "kak_angles",
    "load_hamiltonian",
    "pauli_sum_to_mpo",
    "random_mps",
    "staircase_from_mps",
    "tn_init",
    "tn_initial_parameters",
]
