"""Batch conversion of many dumps: one output per input, in parallel, memory kept flat.

Naming: outputs **mirror** the inputs. A file given as SRC lands at ``OUT/<name>``; a
file found under a folder SRC lands at ``OUT/<path relative to SRC>``, so the corpus'
``evaluations/9396.txt`` and ``managementresponses/9396.txt`` stay apart. ``.txt`` is
replaced by ``.json`` (``--format json``) or by a folder holding the nine CSV tables
(``--format csv``). When two inputs would still land on one name (``a/x.txt b/x.txt``),
the later one gets ``x.<8 hex of its absolute path>.json``: stable from run to run and
never overwriting the first.

Memory: workers receive a path and write the output themselves, returning a small
``(source, error)`` tuple, so the parent never holds more than a chunk of paths in
flight. The one exception is ``--format sqlite``, whose writer takes all the models at
once (one transaction); the workers then send the models back.

Every output is written to a hidden temporary and renamed into place, so a failure or
a Ctrl-C never leaves a half-written file under a real name. The temporaries live in a
hidden staging folder under OUT, one subfolder per worker process, removed at the end:
creating a file takes its folder's lock, and on ext4 here that creation costs about a
millisecond of kernel time, so two workers creating their temporaries beside the outputs
(all in one folder) ran no faster than one. In their own folders they create in parallel,
and the rename into OUT, which is all that touches the shared folder, is cheap.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import importlib
import os
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from erc_parse.models import Evaluation

__all__ = [
    "MissingSource",
    "Report",
    "Task",
    "convert",
    "discover",
    "error_message",
    "plan",
    "remove_stale_staging",
]

Format = Literal["json", "csv", "sqlite"]
#: A unit of work: (input path, output path). Plain tuples pickle cheaply to workers.
Task = tuple[str, str]


@dataclass
class Report:
    """What a batch did; ``failed`` holds ``(input, one-line reason)``."""

    converted: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


class MissingSource(FileNotFoundError):
    """A source named to :func:`convert` does not exist (``filename`` says which)."""


def error_message(exc: BaseException) -> str:
    """One line a user can act on, for any failure reading or converting an input."""
    from erc_parse.reader import InputError

    if isinstance(exc, InputError):
        return str(exc)
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a directory, not a file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, OSError):
        return (exc.strerror or str(exc)).lower()
    # A parser or writer bug: say so on one line rather than sinking the whole batch.
    return f"internal error: {type(exc).__name__}: {exc}".splitlines()[0]


def _is_txt(name: str) -> bool:
    return name.lower().endswith(".txt") and not name.startswith(".")


def discover(sources: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Yield ``(input path, path relative to its SRC)``; missing SRCs yield ``(src, "")``.

    Folders are walked recursively for ``*.txt`` in sorted order (hidden names skipped);
    a file named explicitly is taken whatever its extension, since the user chose it.
    """
    for src in sources:
        if os.path.isdir(src):
            for root, dirs, files in os.walk(src):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                rel_root = os.path.relpath(root, src)  # once per folder: relpath is slow
                for name in sorted(files):
                    if _is_txt(name):
                        yield os.path.join(root, name), os.path.normpath(os.path.join(rel_root, name))
        else:
            yield src, os.path.basename(src) if os.path.exists(src) else ""


def _target(rel: str, out: str, fmt: Format) -> str:
    stem = rel[:-4] if rel.lower().endswith(".txt") else rel
    return os.path.join(out, stem if fmt == "csv" else stem + ".json")


def _identity(path: str) -> object:
    """What makes two paths the same input: the file itself (device and inode).

    One ``stat`` per input, where ``realpath`` made one system call per path component
    (about 0.1 ms a file: seconds for a large download); hard links count as one file.
    """
    try:
        st = os.stat(path)
    except OSError:
        return os.path.realpath(path)
    return (st.st_dev, st.st_ino)


def plan(sources: Sequence[str], out: str, fmt: Format) -> tuple[list[Task], Report]:
    """Decide every input's output name up front (so collisions are settled before work).

    Inputs that do not exist are recorded as failures in the returned report; the
    same file reached twice (named and inside a named folder) is converted once.
    """
    report = Report()
    tasks: list[Task] = []
    seen_inputs: set[object] = set()
    taken: set[str] = set()
    for path, rel in discover(sources):
        if not rel:
            report.failed.append((path, "no such file or folder"))
            continue
        identity = _identity(path)
        if identity in seen_inputs:
            continue
        seen_inputs.add(identity)
        if fmt == "sqlite":
            tasks.append((path, ""))
            continue
        target = _target(rel, out, fmt)
        key = os.path.normcase(target)
        if key in taken:
            real = os.path.realpath(path)
            tag = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:8]
            base, ext = os.path.splitext(target) if fmt != "csv" else (target, "")
            target = f"{base}.{tag}{ext}"
            key = os.path.normcase(target)
            report.renamed.append((path, target))
        taken.add(key)
        tasks.append((path, target))
    return tasks, report


STAGING_PREFIX = ".erc-parse-staging-"
_staging_made: dict[str, tuple[str, int]] = {}


def _staging(root: str | None, target_parent: str) -> str | None:
    """This process's staging folder under ``root``, if it shares ``target_parent``'s file system.

    A subfolder of OUT that is a mount point of its own cannot take a rename from the
    staging folder: its outputs get their temporaries beside them, as without staging.
    """
    if root is None:
        return None
    folder = os.path.join(root, str(os.getpid()))
    made = _staging_made.get(folder)
    if made is None:
        os.makedirs(folder, exist_ok=True)
        made = _staging_made[folder] = (folder, os.stat(folder).st_dev)
    return folder if os.stat(target_parent or ".").st_dev == made[1] else None


def _write_csv_folder(ev: Evaluation, target: str, staging: str | None = None) -> None:
    """The nine tables of one input appear together or not at all.

    They are written into a hidden sibling folder, which then replaces ``target`` in
    one rename (an empty folder can be replaced atomically; a previous run's folder
    is moved aside first and removed after). An interruption at any point leaves
    either the old tables, or none, never a mix.
    """
    import shutil
    import tempfile

    from erc_parse.export.csvout import write_tables

    if os.path.islink(target):
        # Written through to the folder the link names, which keeps the link; staging is on
        # OUT's file system, not necessarily on the target's.
        target, staging = os.path.realpath(target), None
    parent, name = os.path.split(target)
    os.makedirs(target, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=staging or parent or ".")
    old: str | None = None
    try:
        write_tables([ev], tmp)
        if os.listdir(target):
            old = tempfile.mkdtemp(prefix=f".{name}.old.", suffix=".tmp", dir=parent or ".")
            os.replace(target, os.path.join(old, name))
        os.replace(tmp, target)
    except BaseException:
        if old is not None and not os.path.exists(target):
            os.replace(os.path.join(old, name), target)  # put the previous tables back
        raise
    finally:
        for leftover in (tmp, old):
            if leftover is not None and os.path.exists(leftover):
                shutil.rmtree(leftover, ignore_errors=True)


def _convert_one(
    task: Task, fmt: Format, staging_root: str | None = None
) -> tuple[str, str | None, Evaluation | None]:
    """Worker body: a bad input is returned as its error, so one bad file cannot stop the pool.

    An output that cannot be written raises ``OutputError`` instead: a full disk or a
    read-only folder would fail every input after it alike, so the batch stops there.
    """
    from erc_parse.export import OutputError, output_error

    source, target = task
    try:
        from erc_parse import parse_file

        ev = parse_file(source)
    except Exception as exc:
        return source, error_message(exc), None
    if fmt == "sqlite":
        return source, None, ev
    try:
        parent = os.path.dirname(target)
        if parent:
            # Asked every time (a cheap stat): a cache would go stale if the folder
            # is removed between two batches run by the same process.
            os.makedirs(parent, exist_ok=True)
        staging = _staging(staging_root, parent)
        if fmt == "csv":
            _write_csv_folder(ev, target, staging)
        else:
            from erc_parse.export import atomic_open
            from erc_parse.export.jsonout import encode

            with atomic_open(target, staging=staging) as fh:
                fh.buffer.write(encode(ev, indent=2))  # the serializer's bytes, not decoded and encoded again
                fh.buffer.write(b"\n")
    except OSError as exc:
        raise OutputError(output_error(target, exc)) from None
    except Exception as exc:  # a writer bug: this input fails, the batch goes on
        return source, error_message(exc), None
    return source, None, None


def _work_json(task: Task, staging_root: str | None = None) -> tuple[str, str | None, None]:
    source, error, _ = _convert_one(task, "json", staging_root)
    return source, error, None


def _work_csv(task: Task, staging_root: str | None = None) -> tuple[str, str | None, None]:
    source, error, _ = _convert_one(task, "csv", staging_root)
    return source, error, None


def _work_sqlite(task: Task, staging_root: str | None = None) -> tuple[str, str | None, Evaluation | None]:
    return _convert_one(task, "sqlite")


_WORKERS = {"json": _work_json, "csv": _work_csv, "sqlite": _work_sqlite}
_WRITER_MODULES = {"json": ["erc_parse.export"], "csv": ["erc_parse.export.csvout"], "sqlite": []}


def _init_worker() -> None:
    import signal

    # Ctrl-C is the parent's to handle; terminate() then sends SIGTERM, which we turn
    # into SystemExit so atomic writers run their cleanup and leave no temporaries.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_term)


def _exit_on_term(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _results(
    tasks: list[Task], fmt: Format, jobs: int, staging_root: str | None = None
) -> Generator[tuple[str, str | None, Evaluation | None], None, None]:
    work = partial(_WORKERS[fmt], staging_root=staging_root)
    if jobs <= 1 or len(tasks) <= 1:
        # No pool for one worker: no start-up cost, and tracebacks stay debuggable.
        yield from map(work, tasks)
        return
    import multiprocessing

    # Load the parser, the models and the writers once, here: forked workers inherit them
    # instead of each importing pydantic on its own (a fixed cost that eats the speed-up of
    # small batches). Under the forkserver or spawn start methods they are preloaded there.
    modules = ["erc_parse.parser", *_WRITER_MODULES[fmt]]
    for name in modules:
        importlib.import_module(name)
    context = multiprocessing.get_context()
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(modules)
    # Small chunks: a worker left with a long last chunk while the other idles costs more
    # than the extra messages (one per chunk, each well under a millisecond).
    chunksize = max(1, min(16, len(tasks) // (jobs * 8)))
    # Forked workers share the parent's pages until they write to them, and the garbage
    # collector writes to every object it traverses: frozen, the inherited objects are
    # left alone and stay shared instead of being copied, page by page, into each worker.
    gc.freeze()
    pool = context.Pool(jobs, initializer=_init_worker)
    try:
        yield from pool.imap_unordered(work, tasks, chunksize=chunksize)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        gc.unfreeze()


def convert(
    sources: Sequence[str],
    out: str | os.PathLike[str],
    *,
    fmt: Format = "json",
    jobs: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[str, str | None], None] | None = None,
) -> Report:
    """Convert every input under ``sources`` into ``out``; failures are reported, not raised.

    ``on_start(total)`` is called once the inputs are known and ``on_result(input,
    error)`` as each finishes (in completion order), so a caller can draw progress
    and report failures as they happen. For ``sqlite``, ``out`` is the database file
    and ``erc_parse.export.sqlite.write_database`` is called once, in this process;
    an error there propagates (nothing was written: it is one transaction).
    """
    out = os.fspath(out)
    for src in sources:
        if not os.path.exists(src):
            # A mistyped SRC is a usage error, found before any work or any folder is made.
            raise MissingSource(errno.ENOENT, "no such file or folder", src)
    tasks, report = plan(sources, out, fmt)
    if on_result is not None:
        for missing, reason in report.failed:
            on_result(missing, reason)
    if on_start is not None:
        on_start(len(tasks))
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks) or 1))
    collected: list[tuple[str, Evaluation]] = []
    out_existed = os.path.isdir(out)
    staging_root = _make_staging_root(out) if tasks and fmt != "sqlite" else None
    results = _results(tasks, fmt, jobs, staging_root)
    try:
        for source, error, ev in results:
            if error is None:
                report.converted += 1
                if ev is not None:
                    collected.append((source, ev))
            else:
                report.failed.append((source, error))
            if on_result is not None:
                on_result(source, error)
    finally:
        # Workers first, explicitly: after an interruption raised outside the generator (in
        # on_result, say), only the generator's closing stops the pool, and a generator still
        # referenced (as here) would leave its workers writing into a folder being removed.
        results.close()
        if staging_root is not None:
            _remove_staging_root(staging_root, out, out_existed)
    if fmt == "sqlite" and collected:
        from erc_parse.export import sqlite_backend

        collected.sort(key=lambda pair: pair[0])
        sqlite_backend("write_database").write_database([ev for _, ev in collected], out)
    return report


def _make_staging_root(out: str) -> str:
    """The staging folder under OUT (created with OUT if needed), after removing stale ones.

    Its name says which run made it, ``.erc-parse-staging-<run id>-<random>.tmp`` (see
    ``run_id``), so a later run can tell a folder left by a killed run from one a live run
    is using. ``OutputError`` when OUT cannot be made or written: nothing could be converted.
    """
    import tempfile

    from erc_parse.export import OutputError, output_error

    try:
        os.makedirs(out, exist_ok=True)
        remove_stale_staging(out)
        return tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{run_id(os.getpid())}-", suffix=".tmp", dir=out)
    except OSError as exc:
        raise OutputError(output_error(out, exc)) from None


def _start_ticks(pid: int) -> int | None:
    """When process ``pid`` started, in clock ticks since boot (Linux's /proc); else None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return int(fh.read().rsplit(b")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def run_id(pid: int) -> str:
    """``<pid>-<start time>``: names one process for good, where a pid alone is soon reused.

    Process ids wrap around (at 32,768 by default, within minutes on a busy machine): a
    folder named by a pid alone could be taken for a live run's after its run was killed.
    With the start time as well (in clock ticks since boot; 0 where /proc cannot tell),
    the name matches exactly one process.
    """
    return f"{pid}-{_start_ticks(pid) or 0}"


def _running(owner: str) -> bool:
    """Whether the run named ``owner`` (a ``run_id``) is still running."""
    pid_text, _, ticks = owner.partition("-")
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0
    return ticks == "0" or _start_ticks(pid) in (None, int(ticks))


def remove_stale_staging(out: str | os.PathLike[str]) -> list[str]:
    """Remove the staging folders that killed runs left in ``out``; return their paths.

    A staging folder is stale when the run that made it (the run id in its name) is gone:
    a SIGKILL or a power cut skips the removal at the end of a run. Its pool workers may
    outlive it, orphaned, but they can no longer hand a result to anyone, and what they
    might still rename into OUT is complete. A live concurrent run's folder is left alone,
    and so is a folder whose name does not carry a run id.
    """
    import re
    import shutil

    removed = []
    pattern = re.compile(re.escape(STAGING_PREFIX) + r"(\d+-\d+)-[^/]*\.tmp")
    with os.scandir(out) as entries:
        found = [(e.path, m.group(1)) for e in entries if (m := pattern.fullmatch(e.name)) and e.is_dir()]
    for root, owner in found:
        if not _running(owner):
            shutil.rmtree(root, ignore_errors=True)
            removed.append(root)
    return removed


def _remove_staging_root(root: str, out: str, out_existed: bool) -> None:
    """Remove the staging folder (and OUT itself if this batch created it and wrote nothing)."""
    import shutil

    shutil.rmtree(root, ignore_errors=True)
    for folder in [f for f in _staging_made if os.path.dirname(f) == root]:
        del _staging_made[folder]
    if not out_existed:
        try:
            os.rmdir(out)  # only succeeds if empty
        except OSError:
            pass
