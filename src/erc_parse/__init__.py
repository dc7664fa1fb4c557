"""erc-parse: UNDP Evaluation Resource Centre page dumps to structured data.

    >>> from erc_parse import parse_file
    >>> ev = parse_file("samples/ilms-western-balkans-2018.txt")
    >>> ev.metadata.title
    'Promoting Inclusive Labour Market Solutions in the Western Balkans'

``parse_text`` never raises; what it cannot place becomes a diagnostic.
``parse_bytes`` raises only ``InputError``, for input that is not text.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from erc_parse.reader import InputError, decode

if TYPE_CHECKING:
    from erc_parse.models import Evaluation
    from erc_parse.pagediff import diff
    from erc_parse.parser import parse_text

__version__ = "0.1.0"
__all__ = ["Evaluation", "InputError", "__version__", "diff", "parse_bytes", "parse_file", "parse_text"]


def parse_bytes(data: bytes, *, path: str | None = None) -> Evaluation:
    """Decode (UTF-8, UTF-16 with or without BOM, cp1252/latin-1) and parse.

    ``InputError`` for what is not a text dump: binary data, or a PDF, Office, ZIP or
    HTML file (named in the message).
    """
    import hashlib  # here, not at the top: OpenSSL's loading is a start-up cost `--version` skips

    from erc_parse.parser import parse_text

    text = decode(data)
    return parse_text(text, path=path, sha256=hashlib.sha256(data).hexdigest())


def parse_file(path: str | os.PathLike[str]) -> Evaluation:
    """Read a dump from disk and parse it, recording its path and sha256."""
    with open(path, "rb") as fh:
        data = fh.read()
    return parse_bytes(data, path=os.fspath(path))


def __getattr__(name: str) -> object:
    # Lazy so that `import erc_parse` (and `erc-parse --version`) does not pay for pydantic.
    if name == "parse_text":
        # The parser's own function, not a wrapper: a wrapper would run this import at every call.
        from erc_parse.parser import parse_text

        return parse_text
    if name == "Evaluation":
        from erc_parse.models import Evaluation

        return Evaluation
    if name == "diff":
        # The module is pagediff, not diff: importing a submodule `diff` would replace this
        # function with the module on the package.
        from erc_parse.pagediff import diff

        return diff
    raise AttributeError(name)
