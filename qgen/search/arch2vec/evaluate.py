"""Evaluation of a trained arch2vec: pool embeddings, held-out reconstruction, decoding from the prior."""

from __future__ import annotations

import numpy as np
import torch

from qgen.search.arch2vec.model import Arch2Vec, decode_logits, reconstruct
from qgen.search.encoding import Encoding, decode, encode_pool
from qgen.search.pool import Pool, pool_from_gatelists


def tensors(enc: Encoding, num_types: int) -> tuple[torch.Tensor, ...]:
    feats = torch.from_numpy(enc.features(num_types))
    adj = torch.from_numpy(enc.adjacency.astype(np.float32))
    types = torch.from_numpy(enc.types)
    occ = torch.from_numpy(enc.occupancy.astype(np.int64))
    return feats, adj, types, occ


def embed_pool(model: Arch2Vec, pool: Pool, batch_size: int = 4096) -> np.ndarray:
    """Embeddings ``(N, latent)`` of every pool circuit (mean of the encoder's node means)."""
    model.eval()
    enc = encode_pool(pool)
    feats, adj, _, _ = tensors(enc, model.config.num_types)
    out = []
    with torch.no_grad():
        for b in range(0, len(pool), batch_size):
            out.append(model.embed(feats[b : b + batch_size], adj[b : b + batch_size]))
    return torch.cat(out).numpy().astype(np.float32)


def reconstruction_accuracy(model: Arch2Vec, pool: Pool, indices: np.ndarray | None = None) -> dict:
    """Reconstruction from the encoder's means: share of circuits decoded exactly, and per-part accuracies.

    A circuit counts as reconstructed when every node type, every occupancy entry and every upper-triangular
    adjacency entry is decoded correctly.
    """
    idx = np.arange(len(pool)) if indices is None else np.asarray(indices)
    if len(idx) == 0:
        return {"circuits": 0}
    enc = encode_pool(pool.subset(idx))
    feats, adj, types, occ = tensors(enc, model.config.num_types)
    t_hat, o_hat, a_hat = [], [], []
    for b in range(0, len(idx), 4096):
        t, o, a = reconstruct(model, feats[b : b + 4096], adj[b : b + 4096])
        t_hat.append(t), o_hat.append(o), a_hat.append(a)
    t_hat, o_hat, a_hat = torch.cat(t_hat), torch.cat(o_hat), torch.cat(a_hat)
    length = adj.shape[-1]
    iu = torch.triu_indices(length, length, offset=1)
    a_true = adj.to(torch.uint8)[:, iu[0], iu[1]]
    a_pred = a_hat[:, iu[0], iu[1]]
    ok_t = (t_hat == types).all(-1)
    ok_o = (o_hat == occ).all(-1).all(-1)
    ok_a = (a_pred == a_true).all(-1)
    return {
        "circuits": len(idx),
        "circuit_accuracy": float((ok_t & ok_o & ok_a).float().mean()),
        "gate_type_accuracy": float((t_hat == types).float().mean()),
        "occupancy_accuracy": float((o_hat == occ).float().mean()),
        "adjacency_accuracy": float((a_pred == a_true).float().mean()),
        "definition": "circuit_accuracy = share of held-out circuits whose node types, qubit occupancies "
        "and adjacency are all decoded exactly from the encoder means",
    }


def prior_validity(model: Arch2Vec, pool: Pool, samples: int, seed: int = 0) -> dict:
    """Decode ``samples`` latent draws from the prior N(0, I): validity, uniqueness and novelty.

    validity = share of draws that decode to a circuit of the space (types, occupancy, depth limit, and an
    adjacency equal to the one the gates imply); uniqueness = distinct circuits / valid ones; novelty =
    share of the distinct valid circuits that are not in the pool. ``validity_gates`` is the looser share
    whose node types and occupancies alone form a circuit of the space (the adjacency then follows from the
    gate order).
    """
    if samples <= 0:
        return {"samples": 0}
    length = pool.space.num_gates + 2
    gen = torch.Generator().manual_seed(seed)
    z = torch.randn(samples, length, model.config.latent, generator=gen)
    with torch.no_grad():
        t, o, a = decode_logits(*model.decode(z))
    circuits = decode(pool.space, t.numpy(), o.numpy(), a.numpy())
    valid = [c for c in circuits if c is not None]
    loose = sum(c is not None for c in decode(pool.space, t.numpy(), o.numpy()))
    keys = set(pool_from_gatelists(pool.space, valid).row_keys()) if valid else set()
    pool_keys = set(pool.row_keys()) if keys else set()
    return {
        "samples": samples,
        "validity": len(valid) / samples,
        "validity_gates": loose / samples,
        "uniqueness": (len(keys) / len(valid)) if valid else 0.0,
        "novelty": (len(keys - pool_keys) / len(keys)) if keys else 0.0,
    }
