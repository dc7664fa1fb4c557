"""Writers that turn parsed evaluations into files: JSON, CSV and (elsewhere) SQLite.

This package's ``__init__`` holds what every writer shares: the stable evaluation id
that keys rows back to their dump, and atomic file replacement. It stays free of
pydantic and of the models so that importing a writer costs nothing until it runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import os
import secrets
from collections.abc import Iterator
from types import ModuleType
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from erc_parse.models import Evaluation

__all__ = [
    "Unavailable",
    "atomic_open",
    "evaluation_id",
    "reserve_temp",
    "sqlite_backend",
    "temp_path",
]


class Unavailable(RuntimeError):
    """An optional writer is missing from this installation; the message is one line."""


def sqlite_backend(*needs: str) -> ModuleType:
    """``erc_parse.export.sqlite``, imported only when a command asks for it.

    Looked up by name so that the rest of the package works (and type-checks) whether
    or not the SQLite writer is installed; a missing module or function becomes
    ``Unavailable`` with a message fit for one line on stderr.
    """
    name = "erc_parse.export.sqlite"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            raise Unavailable(f"SQLite support is not available ({name} is missing)") from None
        raise Unavailable(f"SQLite support needs the module {exc.name!r}, not installed") from None
    for attr in needs:
        if not callable(getattr(module, attr, None)):
            raise Unavailable(f"SQLite support is incomplete ({name}.{attr} is missing)")
    return module


def evaluation_id(ev: Evaluation) -> str:
    """The key that ties exported rows to one dump, across runs and machines.

    The source's sha256 is content-derived, so exporting the same dump twice (from any
    path, or from standard input) yields the same id and a database can replace rather
    than duplicate it. Evaluations built without a sha256 fall back to a hash of their
    own JSON, which is just as stable for equal content.
    """
    if ev.source.sha256:
        return ev.source.sha256
    return hashlib.sha256(ev.model_dump_json().encode("utf-8")).hexdigest()


def temp_path(path: str | os.PathLike[str], staging: str | None = None) -> str:
    """A hidden temporary name for ``path``: beside it, or in the ``staging`` folder.

    Same file system, so ``os.replace`` is a rename (atomic); leading dot and ``.tmp``
    suffix, so a crash leftover is recognisable and never matches ``*.txt``, ``*.json``
    or ``*.csv`` globs of a later run. ``staging`` must be on the file system of
    ``path`` (see ``erc_parse.batch``, which gives each worker its own).
    """
    folder, name = os.path.split(os.fspath(path))
    return os.path.join(staging or folder, f".{name}.{secrets.token_hex(4)}.tmp")


def reserve_temp(path: str | os.PathLike[str]) -> str:
    """Create an empty hidden temporary beside ``path`` and return its name."""
    while True:
        tmp = temp_path(path)
        try:
            # 0o666 through the umask, like open(): mkstemp's 0o600 would leak onto the output.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue
        os.close(fd)
        return tmp


@contextlib.contextmanager
def atomic_open(
    path: str | os.PathLike[str], *, newline: str | None = None, staging: str | None = None
) -> Iterator[IO[str]]:
    """Open a UTF-8 text file whose content appears at ``path`` only if the block succeeds.

    Readers (and the user, after a crash or Ctrl-C) see either the old file or the
    complete new one, never a half-written one; on any failure the temporary is removed.
    The temporary is created in ``staging`` when given (same file system as ``path``).
    """
    while True:
        tmp = temp_path(path, staging)
        try:
            # "x": created exclusively, 0o666 through the umask like any open(); one system
            # call where reserving the name and opening it again took three.
            fh = open(tmp, "x", encoding="utf-8", newline=newline)
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue
        break
    try:
        with fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
