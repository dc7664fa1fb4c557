"""Placeholder: the state-machine parser is being written; returns an empty result."""

from __future__ import annotations

from erc_parse.models import Evaluation, Source


def parse(text: str, *, path: str | None = None, sha256: str | None = None) -> Evaluation:
    return Evaluation(source=Source(path=path, sha256=sha256))
