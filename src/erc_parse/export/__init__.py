"""Writers that turn parsed evaluations into files: JSON, CSV and (elsewhere) SQLite.

This package's ``__init__`` holds what every writer shares: the stable evaluation id
that keys rows back to their dump, and atomic file replacement. It stays free of
pydantic and of the models so that importing a writer costs nothing until it runs.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import importlib
import os
import re
import secrets
import stat
from collections.abc import Iterator
from types import ModuleType
from typing import IO, TYPE_CHECKING, TextIO, cast

if TYPE_CHECKING:
    from erc_parse.models import Evaluation

__all__ = [
    "OutputError",
    "Unavailable",
    "atomic_open",
    "content_sha256",
    "evaluation_id",
    "output_error",
    "reserve_temp",
    "sqlite_backend",
    "temp_path",
    "write_target",
]


class Unavailable(RuntimeError):
    """An optional writer is missing from this installation; the message is one line."""


class OutputError(OSError):
    """An output could not be written; ``str()`` is the one line to show (see :func:`output_error`)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "cannot write the output"


_WRITE_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "is a folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ENAMETOOLONG: "name too long",
    errno.EFBIG: "file too large",
    errno.EIO: "input/output error",
}


def output_error(path: str | os.PathLike[str], exc: BaseException) -> str:
    """``cannot write PATH: REASON``, one line, for any failure writing where the user asked.

    Shared by every writer's caller (files, CSV folders, batch outputs, databases), so a
    full disk or a read-only folder reads the same whichever command met it. ``ENOENT``
    while creating a file means the folder is missing, or is one that takes no new files
    (``/proc``, ``/sys``); the message says which.
    """
    name = os.fspath(path)
    if isinstance(exc, OutputError):
        return str(exc)
    if not name:
        return "cannot write to an empty path"
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOENT:
            folder = os.path.dirname(os.path.abspath(name))
            reason = f"{folder} takes no new files" if os.path.isdir(folder) else f"no such folder {folder}"
        else:
            reason = _WRITE_REASONS.get(exc.errno or 0) or (exc.strerror or str(exc) or "failed").lower()
    else:
        reason = " ".join(str(exc).split()) or type(exc).__name__
    return f"cannot write {name}: {reason}"


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
    return content_sha256(ev)


def content_sha256(ev: Evaluation) -> str:
    """The sha256 of the evaluation's compact JSON: equal content, equal hash."""
    from erc_parse.export.jsonout import encode

    return hashlib.sha256(encode(ev, indent=None)).hexdigest()


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


#: Paths that name one of this process's open file descriptors (``/dev/stdout`` and kin).
_FD_PATH = re.compile(r"/(?:proc/(?:self|thread-self|\d+)(?:/task/\d+)?/fd|dev/fd)/\d+|/dev/std(?:out|err)")


def _through_descriptor(path: str) -> bool:
    """Whether ``path`` leads, by symbolic links, to an already open file descriptor.

    Such a path (``-o /dev/stdout`` with standard output redirected to a file) stands for
    the descriptor, not for the file's name: replacing the file by a new one would send the
    bytes past what the shell opened (and lose what ``>>`` appended to).
    """
    current = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on links followed
        if _FD_PATH.fullmatch(current):
            return True
        try:
            link = os.readlink(current)
        except OSError:
            return False
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
    return False


def write_target(path: str | os.PathLike[str]) -> tuple[str, bool]:
    """Where to write for ``path``, and whether it can be replaced atomically there.

    A regular file (or a name not yet taken) is replaced by renaming a complete temporary
    over it; through a symbolic link, that happens at the link's target, so the link stays.
    Anything else (a FIFO, a terminal, ``/dev/null``, a device, ``/dev/stdout``) is not a
    file to replace but a place to send bytes to: it is written straight, as a shell's
    ``>`` would. A folder is refused with ``IsADirectoryError``.
    """
    name = os.fspath(path)
    try:
        st = os.stat(name)
    except FileNotFoundError:  # new, or a link to a name not yet taken
        return (os.path.realpath(name) if os.path.islink(name) else name), True
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "Is a directory", name)
    if not stat.S_ISREG(st.st_mode) or _through_descriptor(name):
        return name, False
    return (os.path.realpath(name) if os.path.islink(name) else name), True


@contextlib.contextmanager
def _closing(fh: IO[str]) -> Iterator[None]:
    """Close ``fh``; after a failure, without letting the flush's own error (a full disk,
    say) hide the failure that stopped the writing."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):
            fh.close()
        raise
    fh.close()


@contextlib.contextmanager
def atomic_open(
    path: str | os.PathLike[str], *, newline: str | None = None, staging: str | None = None
) -> Iterator[TextIO]:
    """Open a UTF-8 text file whose content appears at ``path`` only if the block succeeds.

    Readers (and the user, after a crash or Ctrl-C) see either the old file or the
    complete new one, never a half-written one; on any failure the temporary is removed.
    The temporary is created in ``staging`` when given (same file system as ``path``).
    What is not a regular file (see :func:`write_target`) is written straight instead:
    a FIFO or a device cannot be replaced without destroying it.
    """
    target, atomic = write_target(path)
    if not atomic:
        # Append to a descriptor's file (its owner chose where writing starts); a FIFO or
        # a device has no content to keep, and "w" opens it as any program would.
        mode = "a" if os.path.isfile(target) else "w"
        fh = cast(TextIO, open(target, mode, encoding="utf-8", newline=newline))  # (a text mode either way)
        with _closing(fh):
            yield fh
        return
    if target != os.fspath(path):
        staging = None  # the staging folder is on the file system of path, not of the link's target
    while True:
        tmp = temp_path(target, staging)
        try:
            # "x": created exclusively, 0o666 through the umask like any open(); one system
            # call where reserving the name and opening it again took three.
            fh = open(tmp, "x", encoding="utf-8", newline=newline)
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue
        break
    try:
        with _closing(fh):
            yield fh
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
