"""Batch conversion: folders, bad files among good ones, naming, atomic outputs."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import sys
import time
import types
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from erc_parse import parse_file
from erc_parse.batch import MissingSource, convert, plan
from erc_parse.cli import app
from erc_parse.export import OutputError, atomic_open
from erc_parse.export.csvout import TABLES
from erc_parse.models import Evaluation

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
GOOD = {
    "evaluations/6921.txt": CORPUS / "evaluations" / "6921.txt",
    "evaluations/9396.txt": CORPUS / "evaluations" / "9396.txt",
    "managementresponses/9396.txt": CORPUS / "managementresponses" / "9396.txt",
    "plans/1606.txt": CORPUS / "plans" / "1606.txt",
}

runner = CliRunner()


def run(*args: object) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith(".tmp")]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small download: four good dumps in subfolders, one binary, one non-txt file."""
    src = tmp_path / "src"
    for rel, path in GOOD.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, src / rel)
    (src / "plans" / "broken.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (src / "notes.md").write_text("not a dump")
    (src / ".hidden.txt").write_text("skipped")
    return src


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_folder_with_one_bad_file(tree: Path, tmp_path: Path, jobs: str) -> None:
    out = tmp_path / "out"
    result = run("convert", tree, "--out", out, "--jobs", jobs)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("erc-parse: ") and "broken.txt" in line and "binary" in line
    produced = sorted(str(p.relative_to(out)) for p in out.rglob("*.json"))
    assert produced == sorted(rel[:-4] + ".json" for rel in GOOD)
    assert not (out / "plans" / "broken.json").exists()
    assert leftovers(out) == []
    for rel in GOOD:
        got = Evaluation.model_validate_json((out / (rel[:-4] + ".json")).read_text("utf-8"))
        assert got == parse_file(str(tree / rel))


def test_all_good_is_exit_0_and_rerun_replaces(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = list(GOOD.values())[:2]
    assert run("convert", *files, "--out", out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["6921.json", "9396.json"]
    (out / "6921.json").write_text("stale")
    result = run("convert", *files, "--out", out, "-j", "1")
    assert result.exit_code == 0 and result.stderr == ""
    assert (out / "6921.json").read_text("utf-8").startswith("{")


def test_convert_writes_the_json_model_dump_json_gives(tmp_path: Path) -> None:
    """convert writes the serializer's bytes as they come: the same text as ``model_dump_json``, byte for byte."""
    src = tmp_path / "src"
    files = {"sample.txt": ROOT / "samples" / "ilms-western-balkans-2018.txt"}
    files |= {f"{p.parent.name}/{p.name}": p for p in sorted(CORPUS.glob("*/*.txt"))[::9]}
    for rel, path in files.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, src / rel)
    out = tmp_path / "out"
    assert run("convert", src, "--out", out, "-j", "1").exit_code == 0
    for rel in files:
        written = (out / rel).with_suffix(".json").read_bytes()
        assert written == (parse_file(src / rel).model_dump_json(indent=2) + "\n").encode("utf-8"), rel
    assert "•".encode() in (out / "sample.json").read_bytes()  # non-ASCII text as UTF-8, not escaped


def test_same_basename_from_two_places_does_not_collide(tmp_path: Path) -> None:
    a, b = GOOD["evaluations/9396.txt"], GOOD["managementresponses/9396.txt"]
    out = tmp_path / "out"
    result = run("convert", a, b, "--out", out)
    assert result.exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 2 and "9396.json" in names
    (other,) = set(names) - {"9396.json"}
    assert re.fullmatch(r"9396\.[0-9a-f]{8}\.json", other)
    assert "name already taken" in result.stderr
    # Stable: the same inputs get the same names next time.
    run("convert", a, b, "--out", out)
    assert sorted(p.name for p in out.iterdir()) == names


def test_same_file_twice_is_converted_once(tree: Path, tmp_path: Path) -> None:
    tasks, report = plan([str(tree / "plans"), str(tree / "plans" / "1606.txt")], "o", "json")
    assert [os.path.basename(t[0]) for t in tasks] == ["1606.txt", "broken.txt"]
    assert report.failed == [] and report.renamed == []


def test_a_missing_source_is_exit_2_before_any_work_and_no_out_is_made(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("convert", GOOD["plans/1606.txt"], tmp_path / "nope", "--out", out)
    assert result.exit_code == 2
    assert result.stderr == f"erc-parse: error: {tmp_path / 'nope'}: no such file or folder\n"
    assert not out.exists()
    with pytest.raises(MissingSource) as info:
        convert([str(tmp_path / "nope")], out)
    assert info.value.filename == str(tmp_path / "nope")
    assert not out.exists()


def test_out_must_be_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    result = run("convert", GOOD["plans/1606.txt"], "--out", target)
    assert result.exit_code == 2
    assert result.stderr.startswith("erc-parse: error: ") and result.stderr.count("\n") == 1


def test_csv_one_folder_of_tables_per_input(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("convert", tree / "evaluations", "--out", out, "--format", "csv", "-j", "2")
    assert result.exit_code == 0, result.output
    for stem in ("6921", "9396"):
        assert sorted(p.name for p in (out / stem).iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    assert leftovers(out) == []


def test_library_convert_reports_progress(tree: Path, tmp_path: Path) -> None:
    seen: list[tuple[str, str | None]] = []
    totals: list[int] = []
    report = convert(
        [str(tree)], tmp_path / "o", jobs=1, on_start=totals.append,
        on_result=lambda s, e: seen.append((s, e)),
    )  # fmt: skip
    assert totals == [5]
    assert report.converted == 4 and len(report.failed) == 1 and not report.ok
    assert sorted(os.path.basename(s) for s, _ in seen) == sorted(
        ["6921.txt", "9396.txt", "9396.txt", "1606.txt", "broken.txt"]
    )


def test_sqlite_parses_in_workers_and_writes_once(
    monkeypatch: pytest.MonkeyPatch, tree: Path, tmp_path: Path
) -> None:
    calls: list[tuple[list[str | None], str]] = []
    module = types.ModuleType("erc_parse.export.sqlite")

    def write_database(evaluations: list[Evaluation], path: str | os.PathLike[str]) -> None:
        calls.append(([ev.source.path for ev in evaluations], os.fspath(path)))

    module.write_database = write_database  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "erc_parse.export.sqlite", module)
    db = tmp_path / "e.db"
    result = run("convert", tree, "--out", db, "--format", "sqlite", "--jobs", "2")
    assert result.exit_code == 1  # broken.txt
    (paths, where), = calls  # fmt: skip
    assert where == str(db)
    assert sorted(os.path.relpath(str(p), tree) for p in paths) == sorted(GOOD)


def test_sqlite_without_backend_fails_before_work(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "erc_parse.export.sqlite", None)
    result = run("convert", GOOD["plans/1606.txt"], "--out", tmp_path / "e.db", "-f", "sqlite")
    assert result.exit_code == 2
    assert "SQLite" in result.stderr and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_atomic_open_keeps_the_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_open(target) as fh:
        fh.write("half of the new")
        raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["x.json"]
    with atomic_open(target) as fh:
        fh.write("new")
    assert target.read_text() == "new"
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_temporaries_are_staged_in_a_hidden_folder_removed_at_the_end(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    import erc_parse.export as export_pkg
    from erc_parse.batch import STAGING_PREFIX

    opened: list[Path] = []

    def recording_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(Path(path))
        return builtins.open(path, *args, **kwargs)

    monkeypatch.setattr(export_pkg, "open", recording_open, raising=False)
    out = tmp_path / "out"
    report = convert([str(tree)], out, jobs=1)
    assert report.converted == len(opened) > 0
    # Each temporary sits in this process's folder of the staging folder, not beside its output.
    for path in opened:
        assert path.parent.name == str(os.getpid())
        assert path.parent.parent.name.startswith(STAGING_PREFIX)
        assert path.parent.parent.parent == out
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert len(list(out.rglob("*.json"))) == report.converted


def test_out_is_not_left_behind_when_nothing_converts(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    report = convert([str(bad)], tmp_path / "out", jobs=1)
    assert report.converted == 0 and len(report.failed) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("spelling", ["plain", "trailing-slash", "dotted", "absolute"])
def test_discover_names_each_input_relative_to_its_source(tree: Path, spelling: str) -> None:
    from erc_parse.batch import discover

    src = {
        "plain": os.path.relpath(tree),
        "trailing-slash": os.path.relpath(tree) + os.sep,
        "dotted": os.path.join(os.path.relpath(tree), "..", tree.name),
        "absolute": str(tree),
    }[spelling]
    found = list(discover([src]))
    assert len(found) >= 2
    assert [rel for _, rel in found] == [os.path.relpath(path, src) for path, _ in found]
    assert any(os.sep in rel for _, rel in found)  # the tree has a subfolder


def test_an_out_that_cannot_be_made_stops_the_batch_with_one_line(tree: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("OUT would have to be a folder inside this file")
    with pytest.raises(OutputError) as info:
        convert([str(tree)], blocker / "out", jobs=1)
    assert str(info.value) == f"cannot write {blocker / 'out'}: a part of the path is not a folder"
    assert blocker.read_text().startswith("OUT would")
    result = run("convert", tree, "--out", "/proc/erc-parse-out")
    assert result.exit_code == 2
    assert result.stderr == "erc-parse: error: cannot write /proc/erc-parse-out: /proc takes no new files\n"


def test_an_interruption_in_on_result_stops_the_workers_before_the_staging_folder_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    import erc_parse.batch as batch

    alive_at_removal: list[int] = []
    remove = batch._remove_staging_root

    def watched_remove(root: str, out: str, out_existed: bool) -> None:
        alive_at_removal.append(len(multiprocessing.active_children()))
        remove(root, out, out_existed)

    monkeypatch.setattr(batch, "_remove_staging_root", watched_remove)

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    sample = (ROOT / "samples" / "ilms-western-balkans-2018.txt").read_bytes()
    for i in range(120):
        (src / f"{i:03}.txt").write_bytes(sample)
    seen: list[str] = []

    def interrupt(source: str, error: str | None) -> None:
        seen.append(source)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        convert([str(src)], out, jobs=2, on_result=interrupt)
    # The workers were stopped first, and only then was the staging folder removed: no
    # process left writing into it, no temporary, no staging folder.
    assert alive_at_removal == [0]
    assert multiprocessing.active_children() == []
    assert not [p for p in out.rglob("*") if p.name.startswith(".")]
    for path in out.rglob("*.json"):
        Evaluation.model_validate_json(path.read_text(encoding="utf-8"))


# --- stale staging folders (issue 14, point 10) ----------------------------------------------

KILLED_RUN = """
import os, signal, sys
from erc_parse.batch import convert

def die(source, error):
    os.kill(os.getpid(), signal.SIGKILL)  # mid-batch, as a power cut would: no clean-up runs

convert([sys.argv[1]], sys.argv[2], jobs=int(sys.argv[3]), on_result=die)
"""


def _dead_pid() -> int:
    import subprocess

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_killed_run_leaves_staging_that_the_next_run_removes(tree: Path, tmp_path: Path, jobs: str) -> None:
    import subprocess

    from erc_parse.batch import STAGING_PREFIX

    out = tmp_path / "out"
    # In a session of its own, so that the pool workers it orphans can be ended with it.
    killed = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, str(tree), str(out), jobs],
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert killed.wait(timeout=120) == -9
        stale = [p for p in out.iterdir() if p.name.startswith(STAGING_PREFIX)]
        assert len(stale) == 1 and stale[0].is_dir()
        assert stale[0].name.startswith(f"{STAGING_PREFIX}{killed.pid}-")
        _workers_end_with_their_parent(killed.pid)
        _next_run_removes_it(tree, out, jobs)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(killed.pid, signal.SIGKILL)


def _workers_end_with_their_parent(session: int) -> None:
    """The pool's workers do not outlive a parent killed outright: none is left in its session.

    A parent killed by SIGKILL runs no clean-up; the workers end because each closed its
    copy of the work queue's write end, so the parent's death is the queue's end of file.
    """
    deadline = time.monotonic() + 30
    while _alive_in_group(session):
        assert time.monotonic() < deadline, "pool workers outlived their killed parent"
        time.sleep(0.05)


def _alive_in_group(group: int) -> int:
    """Processes of this process group that are not zombies (an init that does not reap
    its adopted children, as in some containers, leaves those behind)."""
    alive = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        alive += int(fields[2]) == group and fields[0] != "Z"
    return alive


def _next_run_removes_it(tree: Path, out: Path, jobs: str) -> None:
    from erc_parse.batch import STAGING_PREFIX, run_id

    # A live run's folder (this process's id) and a folder without an id are left alone.
    live = out / f"{STAGING_PREFIX}{run_id(os.getpid())}-live.tmp"
    (live / str(os.getpid())).mkdir(parents=True)
    unknown = out / f"{STAGING_PREFIX}olderformat.tmp"
    unknown.mkdir()
    result = run("convert", tree, "--out", out, "--jobs", jobs)
    assert result.exit_code == 1  # broken.txt
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == sorted(
        [live.name, unknown.name]
    )
    assert len(list(out.rglob("*.json"))) == len(GOOD)


def test_staging_is_stale_only_when_the_run_that_made_it_is_gone(tmp_path: Path) -> None:
    from erc_parse.batch import STAGING_PREFIX, remove_stale_staging, run_id

    dead = _dead_pid()
    gone = tmp_path / f"{STAGING_PREFIX}{dead}-1234-a.tmp"
    (gone / str(dead)).mkdir(parents=True)
    (gone / str(dead) / ".x.json.0123abcd.tmp").write_text("half")
    orphaned = tmp_path / f"{STAGING_PREFIX}{dead}-1234-b.tmp"
    (orphaned / str(os.getpid())).mkdir(parents=True)  # a worker still alive does not keep it
    owner_alive = tmp_path / f"{STAGING_PREFIX}{run_id(os.getpid())}-c.tmp"
    owner_alive.mkdir()  # just made: its workers have not started yet
    not_staging = tmp_path / f"{STAGING_PREFIX}{dead}-1234-d"  # no .tmp: not a name we make
    not_staging.mkdir()
    no_run_id = tmp_path / f"{STAGING_PREFIX}{dead}-e.tmp"  # a pid alone: not a name we make
    no_run_id.mkdir()
    assert sorted(remove_stale_staging(tmp_path)) == sorted([str(gone), str(orphaned)])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [owner_alive.name, not_staging.name, no_run_id.name]
    )


def test_a_reused_pid_does_not_keep_the_folder_of_the_run_it_once_named(tmp_path: Path) -> None:
    """Process ids wrap around: a live process with the dead run's id started at another time."""
    from erc_parse.batch import STAGING_PREFIX, remove_stale_staging, run_id

    pid, ticks = run_id(os.getpid()).split("-")
    assert int(ticks) > 0  # Linux: /proc tells when this process started
    earlier = tmp_path / f"{STAGING_PREFIX}{pid}-{int(ticks) - 1}-old.tmp"
    earlier.mkdir()
    assert remove_stale_staging(tmp_path) == [str(earlier)]
