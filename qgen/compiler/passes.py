"""pytket passes that several targets share: placement + routing + optimisation, and a plain rebase."""

from __future__ import annotations

from collections.abc import Sequence

from qgen.compiler.tket import to_optypes
from qgen.optional import require


def routed_tket_pass(basis: Sequence[str], edges, level: int, single_qubit: Sequence[str]):
    """FullPeepholeOptimise (level >= 2), tket placement + routing, KAK/Clifford clean-up, rebase, squash."""
    require("pytket", extra="compile", purpose="pytket compilation")
    from pytket.architecture import Architecture, FullyConnected
    from pytket.circuit import Node
    from pytket.passes import (
        AutoRebase,
        AutoSquash,
        CliffordSimp,
        DecomposeBoxes,
        DefaultMappingPass,
        FullPeepholeOptimise,
        KAKDecomposition,
        RemoveRedundancies,
        SequencePass,
        SynthesiseTket,
    )

    rebase = AutoRebase(to_optypes(basis))
    passes = [DecomposeBoxes()]
    if level >= 2:
        passes.append(FullPeepholeOptimise(allow_swaps=edges is not None))
    elif level == 1:
        passes.append(SynthesiseTket())
    if edges is not None:
        arch = Architecture([(Node("node", a), Node("node", b)) for a, b in edges])
        passes += [rebase, DefaultMappingPass(arch)]
        if level >= 2:
            passes += [KAKDecomposition(allow_swaps=False), CliffordSimp(False), SynthesiseTket()]
    else:
        _ = FullyConnected  # all-to-all: no placement needed
    passes += [rebase, AutoSquash(to_optypes(single_qubit)), RemoveRedundancies()]
    return SequencePass(passes)


def plain_rebase(basis: Sequence[str], single_qubit: Sequence[str]):
    """Rebase + squash + remove redundancies, no routing."""
    require("pytket", extra="compile", purpose="pytket compilation")
    from pytket.passes import AutoRebase, AutoSquash, RemoveRedundancies, SequencePass

    return SequencePass(
        [AutoRebase(to_optypes(basis)), AutoSquash(to_optypes(single_qubit)), RemoveRedundancies()]
    )
