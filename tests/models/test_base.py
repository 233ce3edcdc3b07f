"""The training loop of qgen.models (QuantumEstimator._train) against a plain torch loop written out here."""

import numpy as np
import pytest
import torch
from sklearn.datasets import make_moons

from qgen.models import VQClassifier, VQRegressor
from qgen.sim.training import OPTIMIZERS


@pytest.fixture(scope="module")
def moons():
    return make_moons(30, noise=0.1, random_state=1)


def reference_losses(model, X, target, loss_fn, epochs: int, batch_size: int | None, seed: int) -> list:
    """Adam (the registered one: fused, equal to torch's one-tensor loop, see tests/sim/test_train.py) on
    ``model.head`` from the model's current weights: the epoch losses. (A weight whose gradient is zero up to
    rounding moves by rounding noise under Adam, so the reference uses the same kernel.)"""
    params = [p for p in model.parameters() if p.requires_grad]
    opt = OPTIMIZERS["adam"](params, lr=model.lr)
    angles = model.angles(X)
    n = len(angles)
    bs = batch_size or n
    gen = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        order = gen.permutation(n) if bs < n else np.arange(n)
        total = 0.0
        for i in range(0, n, bs):
            idx = torch.as_tensor(order[i : i + bs])
            opt.zero_grad()
            loss = loss_fn(model.head(angles[idx]), target[idx])
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
        losses.append(total / n)
    return losses


@pytest.mark.parametrize("classes", [2, 3])
@pytest.mark.parametrize("batch_size", [None, 8])
def test_classifier_training_equals_a_plain_torch_loop(moons, batch_size, classes):
    """Full batch: the fused step (qgen.models.fused); mini-batches: the torch loop. Both equal a plain torch
    loop. (With two classes the last RY on qubit 1 does not reach the readout <Z_0>: its gradient is rounding
    noise, which Adam turns into steps of any size, so only the outputs are compared there.)"""
    X, y = moons
    y = y if classes == 2 else np.arange(len(y)) % 3
    kw = dict(feature_map="zz", ansatz="real-amplitudes", reps=1, epochs=12, lr=0.1, batch_size=batch_size)
    model = VQClassifier(**kw, random_state=2).fit(X, y)
    ref = VQClassifier(**{**kw, "epochs": 0}, random_state=2).fit(X, y)
    target = torch.as_tensor(y, dtype=torch.long)
    losses = reference_losses(ref, X, target, torch.nn.functional.cross_entropy, 12, batch_size, 2)
    np.testing.assert_allclose(model.history_["loss"], losses, atol=1e-12, rtol=0)
    np.testing.assert_allclose(model.predict_proba(X), ref.predict_proba(X), atol=1e-12, rtol=0)
    if classes == 3:
        torch.testing.assert_close(model.layer_.weights, ref.layer_.weights, atol=1e-12, rtol=0)
    torch.testing.assert_close(model.output_scale_, ref.output_scale_, atol=1e-12, rtol=0)
    torch.testing.assert_close(model.output_bias_, ref.output_bias_, atol=1e-12, rtol=0)
    assert model.history_["loss"][-1] < model.history_["loss"][0]


def test_classifier_head_is_the_documented_readout(moons):
    """Two classes: logits ``[0, b - a <Z_0>]``; more: ``a <O_k> + b_k``."""
    X, y = moons
    model = VQClassifier(epochs=2, random_state=0).fit(X, y)
    with torch.no_grad():
        model.output_scale_.fill_(1.7)
        model.output_bias_.fill_(-0.3)
        angles = model.angles(X)
        z = model.layer_(angles)[:, 0]
        expected = torch.stack([torch.zeros_like(z), -0.3 - 1.7 * z], dim=1)
        torch.testing.assert_close(model.head(angles), expected, atol=1e-15, rtol=0)
    three = np.arange(len(y)) % 3
    multi = VQClassifier(epochs=1, random_state=0).fit(X, three)
    with torch.no_grad():
        multi.output_bias_.copy_(torch.tensor([0.1, -0.2, 0.3]))
        angles = multi.angles(X)
        expected = multi.output_scale_ * multi.layer_(angles) + multi.output_bias_
        torch.testing.assert_close(multi.head(angles), expected, atol=1e-15, rtol=0)


def test_regressor_training_equals_a_plain_torch_loop():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (24, 2))
    y = np.sin(2 * X[:, 0]) + 0.5 * X[:, 1]
    kw = dict(epochs=10, lr=0.1)
    model = VQRegressor(**kw, random_state=1).fit(X, y)
    ref = VQRegressor(**{**kw, "epochs": 0}, random_state=1).fit(X, y)
    target = (torch.as_tensor(y) - ref.target_mean_) / ref.target_std_
    losses = reference_losses(ref, X, target, torch.nn.functional.mse_loss, 10, None, 1)
    np.testing.assert_allclose(model.history_["loss"], losses, atol=1e-12, rtol=0)
    np.testing.assert_allclose(model.predict(X), ref.predict(X), atol=1e-12, rtol=0)


def test_training_and_predictions_run_on_one_thread_and_restore_the_count(moons):
    X, y = moons
    seen = []

    class Probe(VQClassifier):
        def head(self, angles):
            seen.append(torch.get_num_threads())
            return super().head(angles)

    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        model = Probe(epochs=3, batch_size=10).fit(X, y)  # mini-batches: the torch loop calls head
        assert seen == [1] * 9 and torch.get_num_threads() == 2
        seen.clear()
        model.predict_proba(X)
        assert seen == [1] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_fused_step_only_where_it_equals_the_torch_loop(moons):
    from qgen.models.fused import FusedStep

    X, y = moons

    def step(model, loss=torch.nn.functional.cross_entropy):
        a = model.angles(X)
        return model._fused_step(a, torch.as_tensor(y), loss)

    fitted = VQClassifier(epochs=1).fit(X, y)
    assert isinstance(step(fitted), FusedStep)
    assert step(fitted, loss=torch.nn.functional.nll_loss) is None  # not the model's own loss
    assert step(VQClassifier(epochs=1, optimizer="sgd").fit(X, y)) is None
    assert step(VQClassifier(epochs=1, dtype="float32").fit(X, y)) is None

    class OwnHead(VQClassifier):
        def head(self, angles):
            return super().head(angles) * 2

    assert step(OwnHead(epochs=1).fit(X, y)) is None
    hooked = VQClassifier(epochs=1).fit(X, y)
    handle = hooked.layer_.register_forward_hook(lambda *args: None)
    assert step(hooked) is None
    handle.remove()
    assert isinstance(step(hooked), FusedStep)
    hooked.output_scale_.requires_grad_(False)  # a frozen parameter: the torch loop
    assert step(hooked) is None


def test_numpy_adam_equals_torch_adam():
    from qgen.models.fused import NumpyAdam

    rng = np.random.default_rng(0)
    start = [rng.normal(size=6), np.asarray(0.7), rng.normal(size=2)]
    ours = [p.copy() for p in start]
    theirs = [torch.tensor(p, requires_grad=True) for p in start]
    adam = NumpyAdam(ours, lr=0.05)
    ref = torch.optim.Adam(theirs, lr=0.05, foreach=False)
    for k in range(200):
        grads = [np.sin(3 * p + k) + 0.1 * p for p in ours]
        adam.step(grads)
        for t in theirs:
            t.grad = torch.as_tensor(np.sin(3 * t.detach().numpy() + k) + 0.1 * t.detach().numpy())
        ref.step()
    for p, t in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(p, t.detach().numpy(), atol=1e-12, rtol=0)
    assert not np.allclose(ours[0], start[0])


@pytest.mark.parametrize("scale", [0.8, -3.0, 900.0])
def test_closed_form_losses_equal_torch_autograd(scale):
    """The fused step's losses and gradients against torch's heads and losses (large scales: logits far
    apart, where a shifted log-sum-exp is needed)."""
    from qgen.models.fused import binary_cross_entropy, softmax_cross_entropy, squared_error

    rng = np.random.default_rng(3)
    n, k = 17, 3
    e = torch.tensor(rng.uniform(-1, 1, (n, k)), requires_grad=True)
    a = torch.tensor(scale, dtype=torch.float64, requires_grad=True)
    cases = []
    b2 = torch.tensor([0.3], dtype=torch.float64, requires_grad=True)
    t2 = torch.as_tensor(rng.integers(0, 2, n))
    z = b2 - a * e[:, :1]
    cases.append((binary_cross_entropy, b2, t2.double().numpy(),
                  torch.nn.functional.cross_entropy(torch.cat([torch.zeros_like(z), z], 1), t2)))  # fmt: skip
    bk = torch.tensor([0.1, -0.4, 0.2], dtype=torch.float64, requires_grad=True)
    tk = torch.as_tensor(rng.integers(0, k, n))
    cases.append((softmax_cross_entropy, bk, np.eye(k)[tk.numpy()],
                  torch.nn.functional.cross_entropy(a * e + bk, tk)))  # fmt: skip
    b0 = torch.tensor(-0.2, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(rng.normal(size=n))
    cases.append((squared_error, b0, y.numpy(), torch.nn.functional.mse_loss(a * e[:, 0] + b0, y)))
    for fn, bias, target, ref in cases:
        de_ref, da_ref, db_ref = torch.autograd.grad(ref, [e, a, bias])
        loss, de, da, db = fn(e.detach().numpy(), scale, bias.detach().numpy(), target)
        tol = 1e-12 * max(1.0, abs(scale))
        assert np.isfinite(loss) and abs(loss - float(ref.detach())) <= tol
        width = de.shape[1]
        np.testing.assert_allclose(de, de_ref.numpy()[:, :width], atol=tol, rtol=0)
        assert np.all(de_ref.numpy()[:, width:] == 0)
        assert abs(da - float(da_ref)) <= tol
        np.testing.assert_allclose(np.reshape(db, -1), db_ref.numpy().reshape(-1), atol=tol, rtol=0)
