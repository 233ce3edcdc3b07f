"""qgen.optional: a missing optional dependency raises MissingExtraError naming the pip extra."""

from __future__ import annotations

import pytest

from qgen.errors import QgenError
from qgen.optional import EXTRAS, MissingExtraError, require


def test_message_names_module_purpose_and_extra() -> None:
    exc = MissingExtraError("pytket", "compile", purpose="compiling for Quantinuum")
    assert str(exc) == (
        "pytket is needed for compiling for Quantinuum but is not installed; "
        "install it with: pip install 'qgen[compile]'"
    )
    assert (exc.module, exc.extra) == ("pytket", "compile")
    assert isinstance(exc, QgenError) and isinstance(exc, ImportError)


def test_require_returns_the_module() -> None:
    import json

    assert require("json") is json


def test_require_uses_the_extras_table_for_the_top_module(monkeypatch) -> None:
    monkeypatch.setitem(EXTRAS, "qgen_test_missing_pkg", "tn")
    with pytest.raises(MissingExtraError) as info:
        require("qgen_test_missing_pkg.sub")
    assert info.value.module == "qgen_test_missing_pkg" and info.value.extra == "tn"
    assert "pip install 'qgen[tn]'" in str(info.value)


def test_unknown_module_defaults_to_all() -> None:
    with pytest.raises(MissingExtraError, match=r"pip install 'qgen\[all\]'"):
        require("qgen_no_such_module_anywhere")


def test_a_missing_dependency_of_an_installed_module_names_its_extra(tmp_path, monkeypatch) -> None:
    (tmp_path / "qgen_test_wrapper.py").write_text("import qgen_test_fake_rl_dep\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(EXTRAS, "qgen_test_fake_rl_dep", "rl")
    with pytest.raises(MissingExtraError) as info:
        require("qgen_test_wrapper", purpose="deep-Q synthesis")
    assert info.value.module == "qgen_test_fake_rl_dep" and info.value.extra == "rl"


def test_a_missing_dependency_outside_the_table_is_not_hidden(tmp_path, monkeypatch) -> None:
    (tmp_path / "qgen_test_wrapper2.py").write_text("import qgen_test_unknown_dep\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError) as info:
        require("qgen_test_wrapper2")
    assert not isinstance(info.value, MissingExtraError) and info.value.name == "qgen_test_unknown_dep"


def test_a_folder_without_init_does_not_stand_in_for_a_library(tmp_path, monkeypatch):
    """The checkout's recipe folder ``datasets/`` must not pass for Hugging Face's package."""
    import sys

    from qgen.optional import MissingExtraError, require

    (tmp_path / "qgen_ns_probe").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "qgen_ns_probe", raising=False)
    with pytest.raises(MissingExtraError, match=r"pip install 'qgen\[data\]'"):
        require("qgen_ns_probe", extra="data")
