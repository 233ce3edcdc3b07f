"""scikit-learn's estimator checks (``parametrize_with_checks``) for qgen's estimators.

Expected failures (skipped here, with the reason):

* ``check_regressors_train`` for VQRegressor: the check wants R^2 > 0.5 after fitting a 10-feature dataset;
  a 10-qubit variational circuit trained for the few epochs a test can afford does not reach it (it does
  with more epochs, see docs/models.md).
* ``check_classifiers_train`` for QSVC: with the ZZ feature map on the check's Gaussian blobs the fidelity
  kernel is almost diagonal (exponential concentration), so the SVC generalises poorly; a known property of
  that kernel, not an API problem.
"""

import functools

import pytest
import torch
from sklearn.utils.estimator_checks import parametrize_with_checks

from qgen.models.kernels import QSVC
from qgen.models.reservoir import QuantumReservoirClassifier
from qgen.models.vqc import VQClassifier, VQRegressor

EXPECTED = {
    "VQRegressor": {"check_regressors_train": "a 10-qubit circuit needs more epochs than a test affords"},
    "QSVC": {"check_classifiers_train": "the ZZ fidelity kernel concentrates on Gaussian blobs"},
}


def _name(check) -> str:
    return check.func.__name__ if isinstance(check, functools.partial) else check.__name__


@pytest.mark.slow
@parametrize_with_checks(
    [
        VQClassifier(epochs=20, lr=0.1, reps=1),
        VQRegressor(epochs=5, lr=0.1, reps=1),  # no check it runs needs a trained fit (see EXPECTED)
        QSVC(),
        QuantumReservoirClassifier(reps=1),
    ]
)
def test_sklearn_estimator_checks(estimator, check):
    reason = EXPECTED.get(type(estimator).__name__, {}).get(_name(check))
    if reason:
        pytest.skip(f"expected failure: {reason}")
    torch.manual_seed(0)
    check(estimator)
