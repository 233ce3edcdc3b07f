"""qgen.registry: lookups, suggestions, membership."""

from __future__ import annotations

import pytest

from qgen.errors import UnknownNameError
from qgen.registry import Registry


def test_registry_lookup_suggests_and_lists() -> None:
    reg: Registry[int] = Registry("target")
    reg.register("quantinuum-h2", 2)

    @reg.register("ibm-torino")
    def torino() -> int:
        return 133

    assert reg["quantinuum-h2"] == 2 and reg["ibm-torino"]() == 133
    assert "ibm-torino" in reg and None not in reg and 3 not in reg
    with pytest.raises(UnknownNameError) as err:
        reg["quantinuum-h3"]
    assert "Did you mean 'quantinuum-h2'?" in str(err.value)
    assert "Valid: ibm-torino, quantinuum-h2" in str(err.value)
    with pytest.raises(ValueError, match="already registered"):
        reg.register("ibm-torino", 1)
