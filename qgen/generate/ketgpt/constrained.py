"""Constrained decoding: a ``LogitsProcessor`` that lets the model emit valid programs only.

The grammar of the word sequence (:mod:`qgen.generate.ketgpt.tokenizer`) is
``size (gate angle^p qubit^k)* </s>`` with ``p``, ``k`` fixed per gate. Each sequence of the batch carries
a small state: register size ``n``, angles and qubits still owed by the current gate, the qubits it already
used, gates so far. Every step the state is advanced from the last token and a ``(B, V)`` mask is built
from per-word tables with a handful of broadcast comparisons (no Python loop over the batch or the
vocabulary), so the constraint costs a few tensor operations per step on the CPU or the GPU. Masked words
get ``-inf``:

- a size word ``n1..nW`` first (restricted to the allowed sizes), and never again;
- after a gate, exactly its number of angle words, then its number of qubit words, each ``< n`` and not yet
  used by this gate (so no repeated qubit);
- between statements: a gate that fits in ``n`` qubits and whose statement still fits in the length budget
  (so the sequence can still end), or ``</s>`` once ``min_gates`` gates were written and the sequence has
  reached its ``min_length`` (or no gate fits any more);
- after ``</s>``: ``</s>`` (padding; generation stops there);
- optionally (``cancel_free``, on in :func:`qgen.generate.ketgpt.sample`): no statement that undoes or
  merges into the previous statement on the same qubits when no other gate touched those qubits in between:
  ``h q[0]; h q[0];``, ``s`` then ``sdg``, ``cx a,b; cx a,b;``, ``cz`` / ``swap`` in either qubit order
  (the pair is the identity), and two rotations about the same axis (``rz(a) q[0]; rz(b) q[0];``,
  ``cp``, ``crx``, ``rzz`` ...; the pair is one rotation). MQT Bench circuits almost never contain one,
  while a sampler left alone falls into loops of them (``h q[4]; h q[4]; ...``). The rule masks the last
  qubit word of such a statement unless every qubit word would be masked (then it lets the pair through
  rather than dead-ending the program).

Apply it before any top-k / top-p warper (``sample`` in :mod:`qgen.generate.ketgpt.sampling` builds that
order).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from qgen.generate.errors import ModelError
from qgen.generate.ketgpt.gateset import GATES
from qgen.optional import require

LogitsProcessor = require("transformers", extra="generate", purpose="constrained sampling").LogitsProcessor

_OTHER, _SIZE, _GATE, _ANGLE, _QUBIT, _EOS = range(6)

#: The inverse of every parameter-free gate of the set (self-inverse gates map to themselves).
#: (:data:`INVERSES` and :data:`MERGES` name, per gate, the gate of a previous statement it must not follow.)
INVERSES = {
    **{g: g for g in ("x", "y", "z", "h", "cx", "cy", "cz", "ch", "swap", "ccx", "cswap")},
    **{"s": "sdg", "sdg": "s", "t": "tdg", "tdg": "t", "sx": "sxdg", "sxdg": "sx"},
}
#: Rotations about one axis: two in a row on the same qubits merge into one (whatever their angles).
MERGES = {g: g for g in ("rx", "ry", "rz", "p", "crx", "cry", "crz", "cp", "rxx", "rzz")}
#: Gates whose (two) qubits can be exchanged.
SYMMETRIC = frozenset({"cz", "swap", "cp", "rxx", "rzz"})


@dataclass
class GrammarTables:
    """Per-word tables of the vocabulary (length ``V`` tensors) that the mask is built from."""

    kind: torch.Tensor  # (V,) word kind: other, size, gate, angle, qubit, eos
    size: torch.Tensor  # (V,) register size of a size word, else 0
    num_params: torch.Tensor  # (V,) angles of a gate word, else 0
    num_qubits: torch.Tensor  # (V,) qubits of a gate word, else 0
    qubit: torch.Tensor  # (V,) index of a qubit word, else 0 (use with kind == qubit)
    inverse: torch.Tensor  # (V,) gate word a statement of this gate undoes or merges with, else -2
    symmetric: torch.Tensor  # (V,) gate whose qubits can be swapped (cz, swap)
    max_qubits: int
    eos_id: int

    @classmethod
    def from_tokenizer(cls, tokenizer) -> GrammarTables:
        """Classify every word of the tokenizer's vocabulary."""
        vocab = tokenizer.get_vocab()
        size = len(tokenizer)
        kind = torch.zeros(size, dtype=torch.long)
        nsize, npar, nq, qidx = (torch.zeros(size, dtype=torch.long) for _ in range(4))
        inverse = torch.full((size,), -2, dtype=torch.long)
        symmetric = torch.zeros(size, dtype=torch.bool)
        for word, i in vocab.items():
            partner = INVERSES.get(word) or MERGES.get(word)
            if partner in vocab:
                inverse[i] = vocab[partner]
            symmetric[i] = word in SYMMETRIC
            if word == tokenizer.eos_token:
                kind[i] = _EOS
            elif word in GATES:
                kind[i] = _GATE
                npar[i], nq[i] = GATES[word]
            elif word[:1] in "nq" and word[1:].isdigit():
                kind[i] = _SIZE if word[0] == "n" else _QUBIT
                (nsize if word[0] == "n" else qidx)[i] = int(word[1:])
            elif word not in tokenizer.all_special_tokens:
                kind[i] = _ANGLE
        width = int(nsize.max())
        if width < 1 or not bool((kind == _GATE).any()) or not bool((kind == _ANGLE).any()):
            raise ModelError("the tokenizer's vocabulary has no size, gate or angle words")
        return cls(kind, nsize, npar, nq, qidx, inverse, symmetric, width, int(tokenizer.eos_token_id))

    def to(self, device: torch.device) -> GrammarTables:
        """The same tables on ``device``."""
        move = {k: v.to(device) for k, v in vars(self).items() if isinstance(v, torch.Tensor)}
        return GrammarTables(**move, max_qubits=self.max_qubits, eos_id=self.eos_id)


class QasmGrammarProcessor(LogitsProcessor):
    """Mask every word that would make the program invalid (see the module docstring).

    Args:
        tables: :class:`GrammarTables` of the tokenizer.
        max_length: total length (prompt + generated, in tokens) each sequence must end within; a tensor
            ``(B,)`` gives each sequence its own budget.
        min_gates: ``</s>`` is allowed only after this many gates (when the budget allows them).
        min_length: total length before which ``</s>`` is masked (unless no gate fits); an int or a ``(B,)``
            tensor (KetGPT-style lengths drawn from the data: the program ends close to its budget).
        sizes: register sizes allowed for the size word when the prompt does not give it (default: all).
        cancel_free: mask a statement that undoes the previous one on the same qubits (module docstring).
    """

    def __init__(
        self,
        tables: GrammarTables,
        max_length: int | torch.Tensor,
        min_gates: int = 1,
        sizes: list[int] | None = None,
        min_length: int | torch.Tensor = 0,
        cancel_free: bool = False,
    ) -> None:
        self.tables = tables
        self.cancel_free = cancel_free
        self.max_length = max_length
        self.min_gates = min_gates
        self.min_length = min_length
        allowed = torch.zeros(tables.max_qubits + 1, dtype=torch.bool)
        allowed[sizes if sizes else slice(1, None)] = True
        self._size_allowed = allowed
        self._length = -1
        self._device: torch.device | None = None

    # ----------------------------------------------------------------- state
    def _to(self, dev: torch.device) -> None:
        """Move the tables to ``dev`` and precompute the per-word masks the steps combine."""
        t = self.tables = self.tables.to(dev)
        big = torch.iinfo(torch.long).max // 2
        self._is_size = ((t.kind == _SIZE) & self._size_allowed.to(dev)[t.size])[None, :]
        self._is_angle = (t.kind == _ANGLE)[None, :]
        self._is_eos = (t.kind == _EOS)[None, :]
        # non-gates need "infinitely many" qubits and non-qubits have an "infinite" index: one comparison
        # then both checks the kind and the register size
        self._gate_width = torch.where(t.kind == _GATE, t.num_qubits, big)[None, :]
        self._statement = (1 + t.num_params + t.num_qubits)[None, :]  # words of a statement begun by a gate
        self._qubit_index = torch.where(t.kind == _QUBIT, t.qubit, big)[None, :]
        self._qubit_column = t.qubit.clamp(max=t.max_qubits - 1)
        self._columns = torch.arange(t.max_qubits, device=dev)[None, :]
        # one-qubit gates with an inverse: blocked between statements when every qubit's last statement is
        # their inverse (no placement would be left)
        self._gates_1q = torch.nonzero((t.kind == _GATE) & (t.num_qubits == 1) & (t.inverse >= 0))[:, 0]
        self._device = dev

    def _reset(self, input_ids: torch.Tensor) -> None:
        dev, batch = input_ids.device, input_ids.shape[0]
        if self._device != dev:
            self._to(dev)
        zeros = torch.zeros(batch, dtype=torch.long, device=dev)
        self.n, self.params_left, self.qubits_left, self.gates = (zeros.clone() for _ in range(4))
        self.used = torch.zeros(batch, self.tables.max_qubits, dtype=torch.bool, device=dev)
        self.done = torch.zeros(batch, dtype=torch.bool, device=dev)
        # last statement on every qubit: its gate word, its index and this qubit's place in it
        self.last_gate = torch.full((batch, self.tables.max_qubits), -1, dtype=torch.long, device=dev)
        self.last_stmt, self.last_role = (torch.zeros_like(self.last_gate) for _ in range(2))
        self.cur_gate, self.role, self.sid = (zeros.clone() for _ in range(3))
        self.undoing = torch.zeros(batch, dtype=torch.bool, device=dev)  # qubits so far repeat an inverse
        budget = self.max_length
        if not isinstance(budget, torch.Tensor):
            budget = torch.full((batch,), int(budget), dtype=torch.long)
        self.budget = budget.to(dev)
        floor = self.min_length
        if not isinstance(floor, torch.Tensor):
            floor = torch.full((batch,), int(floor), dtype=torch.long)
        self.floor = floor.to(dev)
        for t in range(input_ids.shape[1]):
            self._advance(input_ids[:, t])

    def _advance(self, token: torch.Tensor) -> None:
        """Update every sequence's state with its last token (elementwise only: no host sync on a GPU)."""
        t = self.tables
        kind = t.kind[token]
        is_gate, is_qubit = kind == _GATE, kind == _QUBIT
        self.n = torch.where(kind == _SIZE, t.size[token], self.n)
        self.params_left = torch.where(
            is_gate, t.num_params[token], self.params_left - (kind == _ANGLE).long()
        )
        self.qubits_left = torch.where(is_gate, t.num_qubits[token], self.qubits_left - is_qubit.long())
        hit = is_qubit[:, None] & (self._columns == t.qubit[token][:, None])
        self.used = (self.used & ~is_gate[:, None]) | hit
        self.gates += is_gate.long()
        self.done |= kind == _EOS
        if self.cancel_free:
            self._track(token, is_gate, is_qubit, hit)

    def _track(self, token, is_gate, is_qubit, hit) -> None:
        """Keep the last statement of every qubit, and whether the current one so far undoes it."""
        t = self.tables
        self.cur_gate = torch.where(is_gate, token, self.cur_gate)
        self.role = torch.where(is_gate, 0, self.role)
        self.undoing = torch.where(is_gate, t.inverse[token] >= 0, self.undoing)
        col = t.qubit[token].clamp(max=t.max_qubits - 1)[:, None]
        prev_gate = self.last_gate.gather(1, col)[:, 0]
        prev_stmt = self.last_stmt.gather(1, col)[:, 0]
        prev_role = self.last_role.gather(1, col)[:, 0]
        same = (prev_gate == t.inverse[self.cur_gate]) & (
            t.symmetric[self.cur_gate] | (prev_role == self.role)
        )
        first = self.role == 0
        same &= first | (prev_stmt == self.sid)
        self.undoing = torch.where(is_qubit, self.undoing & same, self.undoing)
        self.sid = torch.where(is_qubit & first, prev_stmt, self.sid)
        self.last_gate = torch.where(hit, self.cur_gate[:, None], self.last_gate)
        self.last_stmt = torch.where(hit, self.gates[:, None], self.last_stmt)
        self.last_role = torch.where(hit, self.role[:, None], self.last_role)
        self.role = self.role + is_qubit.long()

    # ------------------------------------------------------------------ mask
    def allowed(self, length: int) -> torch.Tensor:
        """``(B, V)`` boolean mask of the words allowed at position ``length`` (0-based)."""
        n = self.n[:, None]
        left = (self.budget - length)[:, None]  # positions left, this one included
        need_size = n == 0
        in_params = (self.params_left > 0)[:, None] & ~need_size
        in_qubits = ((self.params_left <= 0) & (self.qubits_left > 0))[:, None] & ~need_size
        boundary = ~(need_size | in_params | in_qubits | self.done[:, None])
        gate_ok = (self._gate_width <= n) & (self._statement < left)
        if self.cancel_free:
            gate_ok = gate_ok & ~self._blocked_gates()
        long_enough = (self.gates[:, None] >= self.min_gates) & (self.floor[:, None] <= length)
        eos_ok = self._is_eos & (long_enough | ~gate_ok.any(dim=1, keepdim=True))
        qubit_ok = (self._qubit_index < n) & ~self.used[:, self._qubit_column]
        if self.cancel_free:
            qubit_ok = qubit_ok & ~self._undo_mask(qubit_ok)
        return (
            (need_size & self._is_size & (left >= 2))
            | (in_params & self._is_angle)
            | (in_qubits & qubit_ok)
            | (boundary & (gate_ok | eos_ok))
            | (self.done[:, None] & self._is_eos)
        )

    def _blocked_gates(self) -> torch.Tensor:
        """``(B, V)``: one-qubit gate words every placement of which would undo the previous statement."""
        t, g = self.tables, self._gates_1q
        inv = t.inverse[g][None, None, :]  # (1, 1, G)
        live = self._columns[:, :, None] < self.n[:, None, None]  # (B, W, 1) qubits of the register
        undone = (self.last_gate[:, :, None] == inv) | ~live  # (B, W, G)
        blocked = torch.zeros(len(self.n), len(t.kind), dtype=torch.bool, device=self.n.device)
        blocked[:, g] = undone.all(dim=1) & (self.n > 0)[:, None]
        return blocked

    def _undo_mask(self, qubit_ok: torch.Tensor) -> torch.Tensor:
        """``(B, V)``: qubit words that would complete a statement undoing the previous one."""
        t = self.tables
        cols = self._qubit_column
        inv = t.inverse[self.cur_gate][:, None]
        role = self.role[:, None]
        match = (self.last_gate[:, cols] == inv) & (
            t.symmetric[self.cur_gate][:, None] | (self.last_role[:, cols] == role)
        )
        match &= (role == 0) | (self.last_stmt[:, cols] == self.sid[:, None])
        last = (self.qubits_left == 1) & (self.params_left <= 0) & self.undoing  # the statement's last qubit
        undo = match & last[:, None]
        undo &= self._qubit_index < t.max_qubits  # qubit words only
        stuck = ~(qubit_ok & ~undo).any(dim=1, keepdim=True)  # every qubit masked: let the pair through
        return undo & ~stuck

    def __call__(self, input_ids: torch.LongTensor, scores: torch.Tensor) -> torch.Tensor:
        """Advance the state with the last token and mask the scores of disallowed words."""
        length = input_ids.shape[1]
        if (
            length != self._length + 1
            or self._device != input_ids.device
            or self.n.shape[0] != len(input_ids)
        ):
            self._reset(input_ids)
        else:
            self._advance(input_ids[:, -1])
        self._length = length
        mask = self.allowed(length)
        if mask.shape[1] < scores.shape[1]:  # the model's embedding may be padded past the vocabulary
            mask = torch.nn.functional.pad(mask, (0, scores.shape[1] - mask.shape[1]))
        return scores.masked_fill(~mask, float("-inf"))
