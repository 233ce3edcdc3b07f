"""Bayesian optimisation over the embedded pool with BoTorch: a GP on the latent space, expected improvement.

arch2vec (Yan et al., 2020) used DNGO with 16 initial samples, expected improvement and the top 5 candidates
per iteration; here the surrogate is BoTorch's exact ``SingleTaskGP`` (Matern-5/2 ARD kernel, outcomes
standardised) and the acquisition is log expected improvement (BoTorch's ``LogExpectedImprovement`` formula),
evaluated on every unvisited pool circuit from the GP's exact predictive mean and variance; the
``top_k`` best are scored together as one batch. GP hyperparameters are
refitted by maximum marginal likelihood whenever the data has grown by ``refit_growth`` since the last fit
(and kept, warm, in between), which keeps a 1,000-evaluation run at a few seconds.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import torch

from qgen.optional import require
from qgen.search.methods.base import METHODS, Oracle, SearchMethod, Trace, check_budget


class BayesOpt(SearchMethod):
    """GP + expected improvement over the pool embeddings, a batch of top-k per round.

    Args:
        initial: random circuits scored before the first GP (arch2vec: 16).
        top_k: candidates per round, by acquisition value (arch2vec: 5).
        refit_growth: refit hyperparameters when the data has grown by this factor since the last fit.
        chunk: candidates per acquisition evaluation (memory bound).
        fit_iterations: L-BFGS iterations of a hyperparameter fit.
        fit_points: hyperparameters are fitted on at most this many observations (a seeded random subset);
            the posterior always uses all of them.
        warp: model ``-log(1 - reward)`` instead of the reward (rewards in [0, 1]; an output warping that
            separates 0.98 from 0.999, useful for strict thresholds).
    """

    name = "bo"

    def __init__(
        self,
        initial: int = 16,
        top_k: int = 10,
        refit_growth: float = 2.0,
        chunk: int = 4096,
        fit_iterations: int = 50,
        fit_points: int = 256,
        warp: bool = False,
    ) -> None:
        self.initial, self.top_k, self.refit_growth, self.chunk = initial, top_k, refit_growth, chunk
        self.fit_iterations, self.fit_points, self.warp = fit_iterations, fit_points, warp

    def run(self, embeddings: np.ndarray, oracle: Oracle, budget: int, seed: int) -> Trace:
        """Search for ``budget`` evaluations."""
        t0 = time.perf_counter()
        total = check_budget(budget, len(embeddings))
        torch.manual_seed(int(seed))
        x = np.asarray(embeddings, dtype=np.float64)
        lo, hi = x.min(0), x.max(0)
        feats = torch.as_tensor((x - lo) / np.where(hi > lo, hi - lo, 1.0))  # unit cube, as BoTorch wants
        rng = np.random.default_rng(seed)
        first = rng.permutation(len(feats))[: min(self.initial, total)]
        order, rewards = list(first), list(oracle(first))
        visited = torch.zeros(len(feats), dtype=torch.bool)
        visited[torch.as_tensor(first)] = True
        post: _Posterior | None = None
        while len(order) < total:
            y = torch.as_tensor(np.asarray(rewards, dtype=np.float64))
            if self.warp:  # model -log(1 - r): differences near the top of [0, 1] become visible to the GP
                y = -torch.log((1.0 - y).clamp_min(1e-4))
            if post is None or len(order) >= self.refit_growth * post.fitted_at:
                sub = np.sort(rng.permutation(len(order))[: self.fit_points])
                model = _fit_gp(feats[torch.as_tensor(order)[sub]], y[sub], self.fit_iterations)
                post = _Posterior(model, feats, self.chunk, fitted_at=len(order), capacity=total)
                post.extend(feats[torch.as_tensor(order)])
            else:
                post.extend(feats[torch.as_tensor(order[post.size :])])
            k = min(self.top_k, total - len(order))
            log_ei = post.log_ei(y)
            log_ei[visited] = -torch.inf
            pick = torch.topk(log_ei, k).indices.numpy()
            visited[torch.as_tensor(pick)] = True
            order += list(pick)
            rewards += list(oracle(pick))
        return Trace(np.array(order[:total]), np.array(rewards[:total]), time.perf_counter() - t0)


def _fit_gp(train_x: torch.Tensor, train_y: torch.Tensor, iterations: int):
    """A BoTorch ``SingleTaskGP`` (standardised outcomes), hyperparameters fitted by marginal likelihood."""
    require("botorch", extra="search", purpose="Bayesian optimisation (--method bo)")
    from botorch.fit import fit_gpytorch_mll
    from botorch.models import SingleTaskGP
    from botorch.models.transforms.outcome import Standardize
    from gpytorch.mlls import ExactMarginalLogLikelihood

    model = SingleTaskGP(train_x, train_y[:, None], outcome_transform=Standardize(m=1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_gpytorch_mll(
            ExactMarginalLogLikelihood(model.likelihood, model),
            optimizer_kwargs={"options": {"maxiter": iterations}},
        )
    return model.eval()


class _Posterior:
    """Exact GP prediction on every pool point with the fitted model's kernel, noise and constant mean.

    Keeps ``V = L^-1 K(X_train, X_pool)`` (L the Cholesky factor of ``K(X_train, X_train) + noise I``); new
    observations extend L and V by their rows (O(k n N) per round instead of O(n^2 N)), so the predictive mean
    ``c + V^T L^-1 (y - c)`` and variance ``k(x, x) - sum_i V_i(x)^2`` of the whole pool stay cheap. Outcomes
    are standardised with the current data's mean and std, as BoTorch's ``Standardize`` does.
    """

    def __init__(self, model, feats: torch.Tensor, chunk: int, fitted_at: int, capacity: int) -> None:
        with torch.no_grad():
            self.kern = model.covar_module
            self.noise = model.likelihood.noise.reshape(-1)[0].detach()
            x_train = model.train_inputs[0]
            self.const = model.mean_module(x_train[:1]).reshape(-1)[0].detach()
            self.feats, self.chunk, self.fitted_at = feats, chunk, fitted_at
            prior = self.kern(feats[:1], diag=True)
            self.prior_var = (
                (prior.to_dense() if hasattr(prior, "to_dense") else prior).reshape(-1)[0].detach()
            )
            self.x_train = x_train[:0]
            self.chol = torch.zeros(0, 0, dtype=torch.float64)
            self.v = torch.empty(capacity, len(feats), dtype=torch.float64)  # rows 0..size-1 are used
            self.v_sq = torch.zeros(len(feats), dtype=torch.float64)  # column sums of V^2

    @property
    def size(self) -> int:
        """Number of observations in the factor."""
        return len(self.x_train)

    def _cross(self, x_new: torch.Tensor) -> torch.Tensor:
        parts = [
            self.kern(x_new, self.feats[b : b + self.chunk]).to_dense()
            for b in range(0, len(self.feats), self.chunk)
        ]
        return torch.cat(parts, dim=1)

    def extend(self, x_new: torch.Tensor) -> None:
        """Add observations at ``x_new`` (k, d) to the Cholesky factor and to V."""
        with torch.no_grad():
            k_nn = self.kern(x_new).to_dense() + self.noise * torch.eye(len(x_new), dtype=torch.float64)
            if self.size:
                k_on = self.kern(self.x_train, x_new).to_dense()
                l21 = torch.linalg.solve_triangular(self.chol, k_on, upper=False).T  # (k, n)
                l22 = torch.linalg.cholesky(k_nn - l21 @ l21.T)
                v_old = self.v[: self.size]
                v_new = torch.linalg.solve_triangular(l22, self._cross(x_new) - l21 @ v_old, upper=False)
                n, k = self.size, len(x_new)
                chol = torch.zeros(n + k, n + k, dtype=torch.float64)
                chol[:n, :n], chol[n:, :n], chol[n:, n:] = self.chol, l21, l22
            else:
                chol = torch.linalg.cholesky(k_nn)
                v_new = torch.linalg.solve_triangular(chol, self._cross(x_new), upper=False)
            self.chol = chol
            self.v[self.size : self.size + len(x_new)] = v_new
            self.v_sq += (v_new * v_new).sum(0)
            self.x_train = torch.cat([self.x_train, x_new])

    def log_ei(self, y: torch.Tensor) -> torch.Tensor:
        """log expected improvement over the best observation, for every pool point (BoTorch's stable
        ``_log_ei_helper``, the formula of its ``LogExpectedImprovement``)."""
        from botorch.acquisition.analytic import _log_ei_helper

        with torch.no_grad():
            std = y.std() if len(y) > 1 else torch.tensor(1.0, dtype=torch.float64)
            ys = (y - y.mean()) / (std if std > 0 else 1.0)
            beta = torch.linalg.solve_triangular(self.chol, (ys - self.const)[:, None], upper=False)
            mean = self.const + (beta[:, 0] @ self.v[: self.size])
            sd = (self.prior_var - self.v_sq).clamp_min(1e-12).sqrt()
            return _log_ei_helper((mean - ys.max()) / sd) + sd.log()


METHODS.register("bo", BayesOpt)
