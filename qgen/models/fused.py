"""A fused full-batch training step for the models' own readouts: one autograd call, the rest in numpy.

For a small model (a few qubits, a hundred samples) a training step's torch operations cost as much as the
simulation: the parameter matrix, the readout head and the loss each add operations and autograd nodes, and
the optimiser its bookkeeping, at microseconds apiece. :class:`FusedStep` keeps the simulator's expectation
values as the only autograd operation (with its exact backward) and does the rest in closed form in numpy:

* binary classifier: logits ``[0, z]``, ``z = b - a <Z_0>``; cross-entropy ``mean(log(1 + e^z) - t z)``,
  ``dL/dz = (sigmoid(z) - t) / N``;
* multi-class classifier: logits ``a <O_k> + b_k``; cross-entropy of their softmax,
  ``dL/dlogits = (softmax - onehot) / N``;
* regressor: ``y = a <Z_0> + b``; mean squared error, ``dL/dy = 2 (y - t) / N``;

and :class:`NumpyAdam` updates the parameters in place with torch's Adam arithmetic. The losses, gradients
and updates equal those of the torch loop up to rounding (the tests compare them).
:meth:`qgen.models.base.QuantumEstimator._train` uses it where it applies (see ``_fused_step`` there).
"""

from __future__ import annotations

import math

import numpy as np
import torch


class NumpyAdam:
    """Adam on numpy arrays, updated in place: the arithmetic of ``torch.optim.Adam`` (no weight decay, no
    amsgrad) in the same order, so that both give the same parameters up to rounding. The moments of all
    arrays are kept in one flat vector (one pass of array operations per step, whatever the array count)."""

    def __init__(self, params: list[np.ndarray], lr: float, betas=(0.9, 0.999), eps: float = 1e-8) -> None:
        self.params = params
        self.lr, self.eps = float(lr), float(eps)
        self.beta1, self.beta2 = (float(b) for b in betas)
        bounds = np.cumsum([0] + [p.size for p in params]).tolist()
        self._slices = [slice(lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]
        self.exp_avg = np.zeros(bounds[-1])
        self.exp_avg_sq = np.zeros(bounds[-1])
        self.grad = np.empty(bounds[-1])  # the flat gradient (step() fills it from its argument)
        self.steps = 0

    def step(self, grads: list[np.ndarray] | None = None) -> None:
        """One update with gradients ``grads`` (one per parameter array, same shapes), or with the flat
        gradient already written to :attr:`grad` (``grads=None``)."""
        self.steps += 1
        b1, b2 = self.beta1, self.beta2
        step_size = self.lr / (1 - b1**self.steps)
        bias2_sqrt = math.sqrt(1 - b2**self.steps)
        g, m, v = self.grad, self.exp_avg, self.exp_avg_sq
        if grads is not None:
            for part, grad in zip(self._slices, grads, strict=True):
                g[part] = np.ravel(grad)
        m += (1 - b1) * (g - m)  # torch's lerp for a weight below 1/2
        v *= b2
        v += (1 - b2) * g * g
        update = -step_size * (m / (np.sqrt(v) / bias2_sqrt + self.eps))
        for p, part in zip(self.params, self._slices, strict=True):
            p += update[part].reshape(p.shape)


def binary_cross_entropy(e: np.ndarray, scale: float, bias: np.ndarray, target: np.ndarray):
    """Loss and gradients (``e``, scale, bias) of cross-entropy on logits ``[0, b - a e[:, 0]]``:
    ``mean(softplus(z) - t z)``, ``dL/dz = (sigmoid(z) - t) / N`` (``sigmoid(z) = exp(z - softplus(z))``)."""
    e0 = e[:, 0]
    n = len(e0)
    z = bias[0] - scale * e0
    softplus = np.logaddexp(0.0, z)
    loss = (float(softplus.sum()) - float(np.dot(target, z))) / n
    dz = np.exp(z - softplus) - target  # N * dL/dz
    de = (-scale / n) * dz
    return loss, de.reshape(n, 1), -float(np.dot(dz, e0)) / n, float(dz.sum()) / n


def softmax_cross_entropy(e: np.ndarray, scale: float, bias: np.ndarray, onehot: np.ndarray):
    """Loss and gradients (``e``, scale, bias) of cross-entropy on logits ``a e + b`` (classes one-hot
    ``(N, K)``): ``dL/dlogits = (softmax - onehot) / N``. (Row sums as products with ones: numpy's reductions
    over a short last axis are slow.)"""
    n, k = e.shape
    logits = bias + e * scale
    top = logits.max()
    if top - logits.min() > 600.0:  # rows far apart: shift each row by its own maximum
        top = logits.max(1, keepdims=True)
    shifted = logits - top
    exp = np.exp(shifted)
    total = exp @ np.ones(k)
    loss = (float(np.log(total).sum()) - float(np.vdot(shifted, onehot))) / n
    d = exp / total[:, None] - onehot  # N * dL/dlogits
    return loss, (scale / n) * d, float(np.vdot(d, e)) / n, (np.ones(n) @ d) / n


def squared_error(e: np.ndarray, scale: float, bias: np.ndarray, target: np.ndarray):
    """Loss and gradients (``e``, scale, bias) of the mean squared error of ``a e[:, 0] + b``."""
    e0 = e[:, 0]
    n = len(e0)
    diff = bias + e0 * scale - target
    loss = float(np.dot(diff, diff)) / n
    dy = (2.0 / n) * diff
    return loss, (scale * dy).reshape(n, 1), float(np.dot(dy, e0)), float(dy.sum())


READOUT_LOSSES = {"binary": binary_cross_entropy, "softmax": softmax_cross_entropy, "mse": squared_error}


class FusedStep:
    """Full-batch training steps of a layer + ``a * <O> + b`` readout + loss (see the module docstring).

    Args:
        layer: the model's :class:`qgen.models.layer.QuantumLayer` (CPU, float64, diagonal readout).
        table: the readout table ``(2**n, K)`` of its observables.
        angles: the training angles ``(N, d)`` (no gradient).
        target: class indices (classifiers) or standardised targets (regressor) ``(N,)``.
        scale, bias: the model's output scale ``()`` and bias parameters.
        kind: ``"binary"``, ``"softmax"`` or ``"mse"``.
        lr: Adam's learning rate.

    Calling it makes one step and returns the loss before the step. The parameters are updated in place
    (numpy views of the torch tensors' memory), so the model holds the trained values at every step.
    """

    def __init__(self, layer, table, angles, target, scale, bias, kind: str, lr: float) -> None:
        self.engine = layer.engine(angles.device)
        self.table = table
        self.data = layer._data_columns(angles).detach().contiguous()  # (N, inputs + derived), fixed
        self.weight_cols = np.asarray(layer._cols["weights"], dtype=np.int64)
        self.data_cols, self.sim_weight_cols = layer.compiled.data_cols, layer.compiled.sim_weight_cols
        self.weights = layer.weights.detach().numpy()
        self.all_weights = len(self.weight_cols) == len(self.weights)
        # the weights as the simulator reads them: a leaf on the parameter's memory (or a gathered copy)
        shared = self.weights if self.all_weights else np.empty(len(self.weight_cols))
        self.shared = torch.from_numpy(shared).requires_grad_()
        self.scale = scale.detach().numpy()
        self.bias = bias.detach().numpy()
        t = target.detach().cpu().numpy()
        if kind == "softmax":  # one-hot rows (K = the readout's observables, one per class)
            self.target = np.zeros((len(t), table.shape[1]))
            self.target[np.arange(len(t)), t] = 1.0
        else:
            self.target = t.astype(np.float64)
        self.loss = READOUT_LOSSES[kind]
        self.adam = NumpyAdam([self.weights, self.scale, self.bias], lr)
        nw = self.weights.size
        grad = self.adam.grad  # flat: weights, scale, bias
        self._dw, self._dscale, self._dbias = grad[:nw], grad[nw : nw + 1], grad[nw + 1 :]
        # on the lanes executor: expectations and their gradient on numpy arrays, no autograd at all
        self.lanes = self.engine.lane_readout(table, len(self.data))
        self._data_np = self.data.numpy()
        as_index = lambda c: np.asarray(c, dtype=np.int64)  # noqa: E731
        self._cols = (as_index(self.data_cols), as_index(self.sim_weight_cols))

    def __call__(self) -> float:
        if not self.all_weights:
            self.shared.detach().numpy()[:] = self.weights[self.weight_cols]
        if self.lanes is not None:
            e, work = self.lanes.run(self._data_np, self.shared.detach().numpy(), *self._cols)
            loss, de, dscale, dbias = self.loss(e, float(self.scale), self.bias, self.target)
            dw = self.lanes.gradient(work, de, need_b=False)[1]
        else:
            self.shared.grad = None
            e = self.engine.expectations_split(self.data, self.shared, self.data_cols, self.sim_weight_cols,
                                               self.table, batched_grad=False)  # fmt: skip
            loss, de, dscale, dbias = self.loss(e.detach().numpy(), float(self.scale), self.bias, self.target)
            e.backward(torch.from_numpy(de))
            dw = self.shared.grad.numpy()
        if self.all_weights:
            self._dw[:] = dw
        else:
            self._dw[:] = 0.0
            self._dw[self.weight_cols] = dw
        self._dscale[0] = dscale
        self._dbias[:] = dbias
        self.adam.step()
        return loss
