"""arch2vec for circuits: a variational graph isomorphism network (GIN) autoencoder of circuit DAGs.

Follows arch2vec (Yan et al., NeurIPS 2020) as used by "Quantum Architecture Search with Unsupervised
Representation Learning" (Sun et al., 2024): 4 GIN layers of width 128 with BatchNorm and a learnable eps;
per-node mean / log-variance heads (latent 16 for 4 qubits, 32 for 8); a decoder with a linear gate-type head
and an inner-product adjacency ``sigmoid(Z Z^T)``; loss = reconstruction of the gates + BCE of the
adjacency + KL. The circuit embedding is the mean of the node means.

The signed qubit occupancy (-1 control, +1 target, 0 unused) is decoded as a 3-way choice per qubit (a
cross-entropy), because a BCE cannot represent three values. Graphs are small and of one size in a pool, so
the model runs on dense batched adjacency matrices in plain torch (no graph library).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F


@dataclass
class Arch2VecConfig:
    """Model settings (defaults: the QAS paper's 4-qubit setting).

    Attributes:
        num_types: node types (START, the gate pool, END).
        num_qubits: width of the occupancy vector.
        hidden: GIN width (paper: 128).
        latent: latent size per node (paper: 16 for 4 qubits, 32 for 8).
        layers: GIN layers (paper: 4).
        mlp_layers: linear layers inside each GIN layer (arch2vec: 2).
        kl_weight: weight of the KL term (per node and latent dimension, averaged).
        adj_weight: weight of the adjacency BCE against the gate reconstruction.
    """

    num_types: int
    num_qubits: int
    hidden: int = 128
    latent: int = 16
    layers: int = 4
    mlp_layers: int = 2
    kl_weight: float = 0.005
    adj_weight: float = 1.0

    def to_dict(self) -> dict:
        """JSON-ready settings."""
        return asdict(self)


class GINLayer(nn.Module):
    """``h' = MLP((1 + eps) h + A h)`` with a learnable eps; BatchNorm + ReLU inside the MLP."""

    def __init__(self, dim_in: int, dim_out: int, mlp_layers: int) -> None:
        super().__init__()
        self.eps = nn.Parameter(torch.zeros(1))
        mods: list[nn.Module] = []
        dim = dim_in
        for i in range(mlp_layers):
            mods.append(nn.Linear(dim, dim_out))
            if i < mlp_layers - 1:
                mods += [_NodeBatchNorm(dim_out), nn.ReLU()]
            dim = dim_out
        self.mlp = nn.Sequential(*mods)
        self.norm = _NodeBatchNorm(dim_out)

    def forward(self, h: torch.Tensor, adj: torch.Tensor) -> torch.Tensor:
        """``h`` (B, L, D_in), ``adj`` (B, L, L) symmetric -> (B, L, D_out)."""
        agg = (1 + self.eps) * h + torch.bmm(adj, h)
        return F.relu(self.norm(self.mlp(agg)))


class _NodeBatchNorm(nn.BatchNorm1d):
    """BatchNorm over all nodes of a batch of graphs, for tensors (B, L, D)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # noqa: D102
        if x.dim() == 2:
            return super().forward(x)
        b, length, d = x.shape
        return super().forward(x.reshape(b * length, d)).reshape(b, length, d)


class Arch2Vec(nn.Module):
    """Variational GIN encoder + gate / occupancy / adjacency decoder.

    Forward shapes: features ``(B, L, T + n)``, adjacency ``(B, L, L)`` (directed, 0/1).
    """

    def __init__(self, config: Arch2VecConfig) -> None:
        super().__init__()
        self.config = config
        dim_in = config.num_types + config.num_qubits
        self.gin = nn.ModuleList(
            GINLayer(dim_in if i == 0 else config.hidden, config.hidden, config.mlp_layers)
            for i in range(config.layers)
        )
        self.mu = nn.Linear(config.hidden, config.latent)
        self.logvar = nn.Linear(config.hidden, config.latent)
        # start with small posterior noise (std e^-3) so the decoder sees the node signal from the first
        # steps; the KL term then widens it as far as reconstruction allows
        nn.init.zeros_(self.logvar.weight)
        nn.init.constant_(self.logvar.bias, -6.0)
        self.type_head = nn.Linear(config.latent, config.num_types)
        self.occ_head = nn.Linear(config.latent, 3 * config.num_qubits)

    def encode(self, features: torch.Tensor, adjacency: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Node means and log-variances, each ``(B, L, latent)``."""
        adj = adjacency + adjacency.transpose(1, 2)  # messages flow both ways along the DAG
        h = features
        for layer in self.gin:
            h = layer(h, adj)
        return self.mu(h), self.logvar(h)

    def decode(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Logits from node latents ``z`` (B, L, latent).

        Returns:
            type logits ``(B, L, T)``; occupancy logits ``(B, L, n, 3)`` over classes (0, +1, -1);
            adjacency logits ``(B, L, L)`` (``Z Z^T``; use the upper triangle).
        """
        b, length, _ = z.shape
        types = self.type_head(z)
        occ = self.occ_head(z).view(b, length, self.config.num_qubits, 3)
        adj = torch.bmm(z, z.transpose(1, 2))
        return types, occ, adj

    def forward(self, features: torch.Tensor, adjacency: torch.Tensor, sample: bool = True):
        """Encode, sample ``z = mu + eps * std`` (or take ``mu``), decode; returns logits, mu, logvar."""
        mu, logvar = self.encode(features, adjacency)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if sample else mu
        return self.decode(z), mu, logvar

    @torch.no_grad()
    def embed(self, features: torch.Tensor, adjacency: torch.Tensor) -> torch.Tensor:
        """Circuit embeddings ``(B, latent)``: the mean of the node means."""
        mu, _ = self.encode(features, adjacency)
        return mu.mean(dim=1)


def occupancy_classes(occupancy: torch.Tensor) -> torch.Tensor:
    """Signed occupancy {0, +1, -1} -> class index {0, 1, 2}."""
    occ = occupancy.long()
    return torch.where(occ < 0, torch.full_like(occ, 2), occ)


def classes_to_occupancy(classes: torch.Tensor) -> torch.Tensor:
    """Class index {0, 1, 2} -> signed occupancy {0, +1, -1}."""
    return torch.where(classes == 2, torch.full_like(classes, -1), classes)


def vae_loss(
    model: Arch2Vec,
    logits: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
    mu: torch.Tensor,
    logvar: torch.Tensor,
    types: torch.Tensor,
    occupancy: torch.Tensor,
    adjacency: torch.Tensor,
) -> tuple[torch.Tensor, dict[str, float]]:
    """Loss = CE(gate types) + CE(occupancy) + w_adj * BCE(upper-triangular adjacency) + w_kl * KL."""
    type_logits, occ_logits, adj_logits = logits
    cfg = model.config
    loss_types = F.cross_entropy(type_logits.reshape(-1, cfg.num_types), types.reshape(-1))
    loss_occ = F.cross_entropy(occ_logits.reshape(-1, 3), occupancy_classes(occupancy).reshape(-1))
    length = adjacency.shape[-1]
    iu = torch.triu_indices(length, length, offset=1, device=adjacency.device)
    loss_adj = F.binary_cross_entropy_with_logits(
        adj_logits[:, iu[0], iu[1]], adjacency[:, iu[0], iu[1]].float()
    )
    kl = -0.5 * torch.mean(1 + logvar - mu.pow(2) - logvar.exp())
    total = loss_types + loss_occ + cfg.adj_weight * loss_adj + cfg.kl_weight * kl
    parts = {
        "types": float(loss_types.detach()),
        "occupancy": float(loss_occ.detach()),
        "adjacency": float(loss_adj.detach()),
        "kl": float(kl.detach()),
        "total": float(total.detach()),
    }
    return total, parts


@torch.no_grad()
def reconstruct(model: Arch2Vec, features: torch.Tensor, adjacency: torch.Tensor, sample: bool = False):
    """Decoded ``(types (B, L), occupancy (B, L, n), adjacency (B, L, L))`` from the encoder's means."""
    (t, o, a), _, _ = model(features, adjacency, sample=sample)
    return decode_logits(t, o, a)


def decode_logits(type_logits: torch.Tensor, occ_logits: torch.Tensor, adj_logits: torch.Tensor):
    """Most likely node types, occupancies and (upper-triangular, p > 0.5) adjacency."""
    types = type_logits.argmax(-1)
    occ = classes_to_occupancy(occ_logits.argmax(-1))
    adj = torch.triu((adj_logits > 0).to(torch.uint8), diagonal=1)
    return types, occ, adj
