"""Program bytes to text: UTF-8 only, binary files refused with a clear error."""

from __future__ import annotations

from qgen.errors import QasmError


def decode_source(data: bytes, filename: str | None = None) -> str:
    """UTF-8 bytes as text (a leading BOM dropped); binary or other encodings raise a ``QasmError``."""
    nul = data.find(b"\0")
    if nul >= 0:
        raise QasmError(f"not a text file: NUL byte at byte {nul}", file=filename, line=1, column=1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QasmError(
            f"not a text file / not UTF-8 at byte {exc.start}: save the program as UTF-8",
            file=filename,
            line=1,
            column=1,
        ) from None
    return text[1:] if text.startswith("\ufeff") else text
