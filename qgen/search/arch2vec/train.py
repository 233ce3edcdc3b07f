"""Train the arch2vec circuit autoencoder on a pool, with checkpoints and resume; embed pools; evaluate.

Settings follow "Quantum Architecture Search with Unsupervised Representation Learning" (Sun et al., 2024):
Adam 1e-3, batch 32, 16 epochs, a 90/10 train / held-out split. Every epoch ends with a checkpoint
(model, optimiser, RNG state) written atomically; a later call with the same output folder and settings
resumes after the last finished epoch. Checkpoints are ``checkpoint-<epoch>`` folders of
:mod:`qgen.train.checkpoints` (safetensors weights + JSON state; the two newest are kept).

>>> from qgen.search import SearchSpace, build_pool
>>> import tempfile
>>> pool = build_pool(SearchSpace(2, 3, None, gate_pool=("h", "cx", "ry")), 40, seed=0)
>>> res = train_arch2vec(pool, tempfile.mkdtemp(), epochs=1, hidden=16, latent=4, prior_samples=10)
>>> res.embeddings.shape
(40, 4)
"""

from __future__ import annotations

import json
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from qgen._version import __version__
from qgen.files import atomic_write_text
from qgen.progress import Progress, report
from qgen.search.arch2vec.evaluate import embed_pool, prior_validity, reconstruction_accuracy, tensors
from qgen.search.arch2vec.model import Arch2Vec, Arch2VecConfig, vae_loss
from qgen.search.encoding import encode_pool, node_types
from qgen.search.errors import CheckpointError, PoolError
from qgen.search.pool import Pool, atomic_savez, space_to_dict
from qgen.search.space import SearchSpace
from qgen.sim.device import resolve_device
from qgen.train.checkpoints import latest_checkpoint, load_checkpoint, prune_checkpoints, save_checkpoint

CHECKPOINTS = "checkpoints"
MODEL_JSON = "arch2vec.json"
EMBEDDINGS = "embeddings.npz"


@dataclass
class Arch2VecResult:
    """Outcome of :func:`train_arch2vec`.

    Attributes:
        model: the trained autoencoder (eval mode, on the CPU).
        embeddings: ``(N, latent)`` embedding of every pool circuit (mean of node means).
        metrics: reconstruction accuracy on held-out circuits, validity / uniqueness of prior samples, losses.
        out_dir: folder with the checkpoint, ``arch2vec.json`` and ``embeddings.npz``.
    """

    model: Arch2Vec
    embeddings: np.ndarray
    metrics: dict
    out_dir: Path
    history: list[dict] = field(default_factory=list)


def split_indices(size: int, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded train / held-out split of ``range(size)``."""
    perm = np.random.default_rng(seed).permutation(size)
    n_val = max(1, int(round(size * val_fraction))) if size > 1 else 0
    return np.sort(perm[n_val:]), np.sort(perm[:n_val])


def train_arch2vec(
    pool: Pool,
    out_dir: str | Path,
    *,
    epochs: int = 16,
    batch_size: int = 32,
    lr: float = 1e-3,
    hidden: int = 128,
    latent: int | None = None,
    layers: int = 4,
    kl_weight: float = 0.005,
    val_fraction: float = 0.1,
    prior_samples: int = 1000,
    seed: int = 0,
    device: str = "cpu",
    resume: bool = True,
    progress: Progress | None = None,
) -> Arch2VecResult:
    """Train arch2vec on ``pool``; write checkpoint, settings, metrics and pool embeddings to ``out_dir``.

    Args:
        pool: circuits to learn from (:func:`qgen.search.build_pool`).
        out_dir: output folder (created); holds ``checkpoints/checkpoint-<epoch>``, ``arch2vec.json``,
            ``embeddings.npz``.
        epochs, batch_size, lr: Adam training schedule (paper: 16, 32, 1e-3).
        hidden, latent, layers: GIN width, latent size per node (default 16 up to 4 qubits, else 32), depth.
        kl_weight: weight of the KL term.
        val_fraction: held-out share for the reconstruction accuracy (paper: 0.1).
        prior_samples: circuits decoded from the prior N(0, I) to measure validity and uniqueness.
        seed: seed of the split, the initial weights and the batches.
        device: ``"cpu"``, ``"cuda"`` or ``"auto"``.
        resume: continue from ``out_dir``'s checkpoint when its settings match.
        progress: receives one ``advance`` per batch (with ``loss`` and ``epoch``) under task ``"arch2vec"``.

    Returns:
        An :class:`Arch2VecResult`.

    Raises:
        PoolError: the pool is too small to split.
        CheckpointError: the checkpoint in ``out_dir`` was trained with other settings or another pool.
    """
    if len(pool) < 2:
        raise PoolError(f"arch2vec needs at least 2 circuits to train and hold out; the pool has {len(pool)}")
    if epochs < 0 or batch_size < 1:
        raise CheckpointError(f"epochs must be >= 0 and batch_size >= 1; got {epochs}, {batch_size}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    space = pool.space
    types_names = node_types(space)
    latent = latent if latent is not None else (16 if space.num_qubits <= 4 else 32)
    config = Arch2VecConfig(
        len(types_names), space.num_qubits, hidden=hidden, latent=latent, layers=layers, kl_weight=kl_weight
    )
    dev = resolve_device(device)
    settings = {
        "model": config.to_dict(),
        "epochs": epochs,
        "batch_size": batch_size,
        "lr": lr,
        "val_fraction": val_fraction,
        "seed": seed,
        "pool_size": len(pool),
        "pool_fingerprint": _fingerprint(pool),
    }
    torch.manual_seed(seed)
    model = Arch2Vec(config).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    train_idx, val_idx = split_indices(len(pool), val_fraction, seed)
    enc = encode_pool(pool)
    feats, adj, types, occ = tensors(enc, config.num_types)
    gen = torch.Generator().manual_seed(seed)
    start_epoch, history = 0, []
    ckpt_dir = out / CHECKPOINTS
    last = latest_checkpoint(ckpt_dir) if resume else None
    if last is not None:
        state = _load_checkpoint(last)
        same = {k: v for k, v in state["settings"].items() if k != "epochs"}
        want = {k: v for k, v in settings.items() if k != "epochs"}
        if same != want:
            raise CheckpointError(
                f"{last} was trained with other settings or another pool; use a new --out folder "
                "or pass resume=False (--no-resume) to start over"
            )
        _restore(state, model, opt, gen)
        start_epoch, history = int(state["epoch"]), list(state["history"])
    tr = torch.from_numpy(train_idx)
    per_epoch = sum(1 for b in range(0, len(tr), batch_size) if len(tr) - b >= 2)
    bar = report(progress)
    bar.start("arch2vec", total=per_epoch * max(0, epochs - start_epoch), unit="batch")
    for epoch in range(start_epoch, epochs):
        model.train()
        t0 = time.perf_counter()
        order = tr[torch.randperm(len(tr), generator=gen)]
        sums: dict[str, float] = {}
        batches = 0
        for b in range(0, len(order), batch_size):
            idx = order[b : b + batch_size]
            if len(idx) < 2:  # BatchNorm needs two graphs
                continue
            f, a, t, o = feats[idx].to(dev), adj[idx].to(dev), types[idx].to(dev), occ[idx].to(dev)
            logits, mu, logvar = model(f, a)
            loss, parts = vae_loss(model, logits, mu, logvar, t, o, a)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            for k, v in parts.items():
                sums[k] = sums.get(k, 0.0) + v
            batches += 1
            bar.advance("arch2vec", 1, loss=float(loss.detach()), epoch=epoch + 1)
        row = {"epoch": epoch + 1, "seconds": time.perf_counter() - t0}
        row.update({f"loss_{k}": v / max(batches, 1) for k, v in sums.items()})
        history.append(row)
        _save_checkpoint(ckpt_dir, model, opt, gen, epoch + 1, settings, history)
    bar.finish("arch2vec")
    if start_epoch == 0 and epochs == 0:
        _save_checkpoint(ckpt_dir, model, opt, gen, 0, settings, history)
    model.eval().cpu()
    metrics = {
        "held_out": reconstruction_accuracy(model, pool, val_idx),
        "prior": prior_validity(model, pool, prior_samples, seed=seed),
        "epochs_trained": len(history),
        "final_losses": history[-1] if history else None,
    }
    embeddings = embed_pool(model, pool)
    atomic_savez(out / EMBEDDINGS, embeddings=embeddings, val_indices=val_idx)
    meta = {
        "settings": settings,
        "metrics": metrics,
        "history": history,
        "space": _space_dict(space),
        "versions": {"qgen": __version__, "torch": torch.__version__, "python": platform.python_version()},
    }
    atomic_write_text(out / MODEL_JSON, json.dumps(meta, indent=2))
    return Arch2VecResult(model, embeddings, metrics, out, history)


def _space_dict(space: SearchSpace) -> dict:
    return space_to_dict(space)


def _fingerprint(pool: Pool) -> str:
    import hashlib

    h = hashlib.sha1()
    h.update(pool.gates.tobytes())
    h.update(pool.qubits.tobytes())
    return h.hexdigest()[:16]


def _save_checkpoint(folder: Path, model, opt, gen, epoch: int, settings: dict, history: list) -> None:
    """Weights, Adam moments and RNG states as safetensors; epoch, settings and history as JSON."""
    opt_state = opt.state_dict()
    tensors = {f"model.{k}": v for k, v in model.state_dict().items()}
    for pid, slots in opt_state["state"].items():
        for key, value in slots.items():
            tensors[f"optimizer.{pid}.{key}"] = torch.as_tensor(value)
    tensors["rng.generator"] = gen.get_state()
    tensors["rng.torch"] = torch.get_rng_state()
    groups = opt_state["param_groups"]
    state = {"epoch": epoch, "settings": settings, "history": history, "param_groups": groups}
    save_checkpoint(folder, epoch, tensors, state)
    prune_checkpoints(folder, keep=2)


def _load_checkpoint(path: Path) -> dict:
    """Read a checkpoint folder: its JSON state, with the tensors under ``"tensors"``."""
    try:
        _, tensors, state = load_checkpoint(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the same user problem
        raise CheckpointError(
            f"{path}: cannot read the checkpoint ({exc}); delete it to start over"
        ) from None
    state["tensors"] = tensors
    return state


def _restore(state: dict, model: Arch2Vec, opt=None, gen=None) -> None:
    """Load a checkpoint's weights into ``model`` and, where given, Adam's moments and the RNG states."""
    tensors = state["tensors"]
    model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
    if opt is not None:
        slots: dict[int, dict] = {}
        for k, v in tensors.items():
            if k.startswith("optimizer."):
                _, pid, key = k.split(".", 2)
                slots.setdefault(int(pid), {})[key] = v
        opt.load_state_dict({"state": slots, "param_groups": state["param_groups"]})
    if gen is not None:
        gen.set_state(tensors["rng.generator"])
        torch.set_rng_state(tensors["rng.torch"])


def load_arch2vec(out_dir: str | Path) -> tuple[Arch2Vec, dict]:
    """The trained model of a folder written by :func:`train_arch2vec`, and its ``arch2vec.json``.

    Raises:
        CheckpointError: the folder has no checkpoint.
    """
    out = Path(out_dir)
    ckpt = latest_checkpoint(out / CHECKPOINTS)
    if ckpt is None:
        raise CheckpointError(
            f"{out}: no arch2vec checkpoint ({CHECKPOINTS}/checkpoint-<epoch>); "
            "run `qgen train arch2vec` first"
        )
    state = _load_checkpoint(ckpt)
    config = Arch2VecConfig(**state["settings"]["model"])
    model = Arch2Vec(config)
    _restore(state, model)
    state.pop("tensors")
    model.eval()
    meta = json.loads((out / MODEL_JSON).read_text()) if (out / MODEL_JSON).is_file() else {}
    meta.setdefault("settings", state["settings"])
    return model, meta


def load_embeddings(out_dir: str | Path) -> np.ndarray:
    """The pool embeddings saved by :func:`train_arch2vec`."""
    path = Path(out_dir) / EMBEDDINGS
    if not path.is_file():
        raise CheckpointError(f"{out_dir}: no {EMBEDDINGS}; train arch2vec on the pool first")
    with np.load(path) as data:
        return data["embeddings"]


__all__ = [
    "Arch2VecResult",
    "load_arch2vec",
    "load_embeddings",
    "split_indices",
    "train_arch2vec",
]
