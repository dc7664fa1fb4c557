"""Where outputs go: special files written straight, links written through, and write
errors as one line with exit 2 for every command that writes (issue 14, points 7 and 12).

Device nodes and FIFOs are made in the test's own folder; the real /dev is only ever
the target of a link (written through, never replaced, whatever the code does: a
rename replaces the link, not what it names).
"""

from __future__ import annotations

import errno
import json
import os
import select
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from erc_parse.cli import app
from erc_parse.export import OutputError, atomic_open, output_error, write_target

from .conftest import CORPUS, SAMPLE

runner = CliRunner()
EVAL = CORPUS / "evaluations" / "6921.txt"


def run(*args: object) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def schema_text() -> str:
    result = run("schema")
    assert result.exit_code == 0
    return str(result.stdout)


def device(folder: Path, name: str, minor: int) -> Path:
    """A character device like /dev/null (minor 3) or /dev/full (minor 7), in ``folder``."""
    path = folder / name
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except PermissionError:  # pragma: no cover - the suite and CI run as root
        pytest.skip("making a device node needs root")
    return path


class FifoReader(threading.Thread):
    """Reads a FIFO until its writer closes it, giving up after ``timeout`` seconds.

    Opened without blocking, so a writer that never comes (the FIFO replaced by a file)
    makes the test fail with what was read (nothing) instead of hanging.
    """

    def __init__(self, path: Path, timeout: float = 10.0) -> None:
        super().__init__(daemon=True)
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self.deadline = time.monotonic() + timeout
        self.data = b""

    def run(self) -> None:
        got_any = False
        try:
            while time.monotonic() < self.deadline:
                if not select.select([self.fd], [], [], 0.05)[0]:
                    continue
                chunk = os.read(self.fd, 65536)
                if chunk:
                    self.data += chunk
                    got_any = True
                elif got_any:
                    return  # the writer closed it: end of file
                else:
                    time.sleep(0.01)  # no writer yet
        finally:
            os.close(self.fd)


# --- point 7: what is not a regular file is never replaced ---------------------------------


def test_write_target_tells_files_from_places_to_send_bytes(tmp_path: Path) -> None:
    regular = tmp_path / "a.json"
    regular.write_text("old")
    assert write_target(regular) == (str(regular), True)
    assert write_target(tmp_path / "new.json") == (str(tmp_path / "new.json"), True)
    link = tmp_path / "link.json"
    link.symlink_to(regular)
    assert write_target(link) == (str(regular), True)
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "later.json")
    assert write_target(dangling) == (str(tmp_path / "later.json"), True)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert write_target(fifo) == (str(fifo), False)
    to_fifo = tmp_path / "to-fifo"
    to_fifo.symlink_to(fifo)
    assert write_target(to_fifo) == (str(to_fifo), False)
    with pytest.raises(IsADirectoryError):
        write_target(tmp_path)


def test_a_fifo_gets_the_bytes_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    reader.start()
    result = run("schema", "-o", fifo)
    reader.join()
    assert result.exit_code == 0, result.output
    assert reader.data.decode("utf-8") == schema_text()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo"]


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_export_to_a_fifo(tmp_path: Path, fmt: str) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    reader.start()
    result = run("export", EVAL, "-f", fmt, "-o", fifo)
    reader.join()
    assert result.exit_code == 0, result.output
    assert reader.data.decode("utf-8") == run("export", EVAL, "-f", fmt).stdout
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_device_is_written_to_not_replaced(tmp_path: Path) -> None:
    null = device(tmp_path, "null", 3)
    for args in (("schema",), ("export", EVAL), ("actions", SAMPLE, "-f", "csv")):
        result = run(*args, "-o", null)
        assert result.exit_code == 0, result.output
        assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_a_full_device_is_one_line_exit_2_and_stays_a_device(tmp_path: Path) -> None:
    full = device(tmp_path, "full", 7)
    result = run("schema", "-o", full)
    assert result.exit_code == 2
    assert result.stderr == f"erc-parse: error: cannot write {full}: no space left on the device\n"
    assert stat.S_ISCHR(os.lstat(full).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]


def test_a_link_is_written_through_atomically_at_its_target(tmp_path: Path) -> None:
    real = tmp_path / "data" / "schema.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "schema.json"
    link.symlink_to(real)
    result = run("schema", "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8") == schema_text()
    # The temporary was made beside the target (the same file system) and is gone.
    assert sorted(p.name for p in real.parent.iterdir()) == ["schema.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "schema.json"]


def test_a_dangling_link_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "made.json")
    result = run("export", EVAL, "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert json.loads((tmp_path / "made.json").read_text(encoding="utf-8"))["source"]["path"] == str(EVAL)


def test_a_failure_through_a_link_keeps_the_old_target(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with pytest.raises(KeyboardInterrupt), atomic_open(link) as fh:
        fh.write("half")
        raise KeyboardInterrupt
    assert real.read_text() == "old" and link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


def _erc_parse(*args: str, stdout: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "erc_parse", *args], stdout=stdout, stderr=subprocess.PIPE, timeout=60
    )


def test_dev_stdout_to_a_pipe_gets_the_bytes(tmp_path: Path) -> None:
    """``-o /dev/stdout`` in a CI job, through a link of ours so that nothing in /dev is at stake."""
    link = tmp_path / "stdout"
    link.symlink_to("/dev/stdout")
    done = _erc_parse("schema", "-o", str(link), stdout=subprocess.PIPE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("utf-8") == schema_text()
    assert link.is_symlink()


def test_dev_stdout_redirected_to_a_file_appends_like_the_shell(tmp_path: Path) -> None:
    """The descriptor's file is written where its owner left it, not replaced by a new file."""
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    log = tmp_path / "log.txt"
    with log.open("w", encoding="utf-8") as fh:
        fh.write("before\n")
        fh.flush()
        done = _erc_parse("schema", "-o", str(link), stdout=fh)
    assert done.returncode == 0, done.stderr
    assert log.read_text(encoding="utf-8") == "before\n" + schema_text()
    assert link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.txt", "stdout"]


def test_csv_tables_through_links_and_fifos(tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    folder.mkdir()
    kept = tmp_path / "kept.csv"
    kept.write_text("old")
    (folder / "countries.csv").symlink_to(kept)
    os.mkfifo(folder / "documents.csv")
    reader = FifoReader(folder / "documents.csv")
    reader.start()
    result = run("export", EVAL, "-f", "csv", "-o", folder)
    reader.join()
    assert result.exit_code == 0, result.output
    assert (folder / "countries.csv").is_symlink()
    assert kept.read_bytes().startswith(b"id,evaluation_id,position,name,iso3\r\n")
    assert reader.data.decode("utf-8").startswith(
        "id,evaluation_id,position,filename,type,language,size_kb,status,downloads\r\n"
    )
    assert stat.S_ISFIFO(os.lstat(folder / "documents.csv").st_mode)


# --- point 12: a path that cannot be written is one line, exit 2 ----------------------------

WRITERS = {
    "export json": ("export", EVAL, "-o"),
    "export jsonl": ("export", EVAL, "-f", "jsonl", "-o"),
    "actions json": ("actions", SAMPLE, "-f", "json", "-o"),
    "actions csv": ("actions", SAMPLE, "-f", "csv", "-o"),
    "schema": ("schema", "-o"),
}


@pytest.mark.parametrize("command", WRITERS)
def test_proc_is_one_line_exit_2(command: str) -> None:
    result = run(*WRITERS[command], "/proc/erc-parse-x.json")
    assert result.exit_code == 2
    assert (
        result.stderr == "erc-parse: error: cannot write /proc/erc-parse-x.json: /proc takes no new files\n"
    )


@pytest.mark.parametrize("command", WRITERS)
def test_a_full_disk_is_one_line_exit_2(command: str, tmp_path: Path) -> None:
    link = tmp_path / "out"
    link.symlink_to("/dev/full")
    result = run(*WRITERS[command], link)
    assert result.exit_code == 2
    assert result.stderr == f"erc-parse: error: cannot write {link}: no space left on the device\n"
    assert link.is_symlink()


@pytest.mark.parametrize("command", WRITERS)
def test_a_folder_given_as_a_file_is_one_line_exit_2(command: str, tmp_path: Path) -> None:
    result = run(*WRITERS[command], tmp_path)
    assert result.exit_code == 2
    assert result.stderr == f"erc-parse: error: cannot write {tmp_path}: is a folder\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", WRITERS)
def test_a_read_only_folder_is_one_line_exit_2(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Simulated: as root, permission bits do not stop a write, and a read-only mount needs privileges.
    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(args[0]))

    monkeypatch.setattr("erc_parse.export.open", read_only, raising=False)
    target = tmp_path / "out.json"
    result = run(*WRITERS[command], target)
    assert result.exit_code == 2
    assert result.stderr == f"erc-parse: error: cannot write {target}: read-only file system\n"


def test_a_missing_folder_is_named() -> None:
    result = run("schema", "-o", "/nonexistent-erc/sub/s.json")
    assert result.exit_code == 2
    assert result.stderr == (
        "erc-parse: error: cannot write /nonexistent-erc/sub/s.json: no such folder /nonexistent-erc/sub\n"
    )


def test_export_csv_write_errors_are_one_line(tmp_path: Path) -> None:
    result = run("export", EVAL, "-f", "csv", "-o", "/proc/erc-parse-tables")
    assert result.exit_code == 2
    assert (
        result.stderr == "erc-parse: error: cannot write /proc/erc-parse-tables: /proc takes no new files\n"
    )
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "team.csv").symlink_to("/dev/full")
    (folder / "lessons.csv").mkdir()
    result = run("export", EVAL, "-f", "csv", "-o", folder)
    assert result.exit_code == 2
    assert result.stderr == f"erc-parse: error: cannot write {folder / 'lessons.csv'}: is a folder\n"
    (folder / "lessons.csv").rmdir()
    result = run("export", EVAL, "-f", "csv", "-o", folder)
    assert result.exit_code == 2
    assert result.stderr == f"erc-parse: error: cannot write {folder}: no space left on the device\n"
    # All or nothing: no table was written before the full one failed.
    assert sorted(p.name for p in folder.iterdir()) == ["team.csv"]


def test_convert_stops_at_an_output_it_cannot_write(tmp_path: Path) -> None:
    """A full disk fails every input after it alike: one line, exit 2, not one line per input."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("a", "b", "c"):
        (src / f"{name}.txt").write_bytes(EVAL.read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").symlink_to("/dev/full")
    result = run("convert", src, "--out", out, "--jobs", "1")
    assert result.exit_code == 2
    assert result.stderr == f"erc-parse: error: cannot write {out / 'a.json'}: no space left on the device\n"
    assert sorted(p.name for p in out.iterdir()) == ["a.json"]  # no staging folder left
    result = run("convert", src, "--out", tmp_path / "src" / "a.txt" / "out")
    assert result.exit_code == 2
    assert result.stderr == (
        f"erc-parse: error: cannot write {src / 'a.txt' / 'out'}: a part of the path is not a folder\n"
    )


def test_output_error_wording() -> None:
    assert output_error("x", OSError(errno.ENOSPC, "No space left on device")) == (
        "cannot write x: no space left on the device"
    )
    assert (
        output_error("x", OSError(errno.EDQUOT, "Disk quota exceeded"))
        == "cannot write x: disk quota exceeded"
    )
    assert output_error("x", PermissionError(errno.EACCES, "Permission denied")) == (
        "cannot write x: permission denied"
    )
    assert output_error("x", OSError(errno.EXDEV, "Invalid cross-device link")) == (
        "cannot write x: invalid cross-device link"
    )
    assert output_error("x", OutputError("cannot write y: z")) == "cannot write y: z"
    assert (
        output_error("x.db", RuntimeError("database is\nlocked")) == "cannot write x.db: database is locked"
    )
    assert output_error("x", ValueError()) == "cannot write x: ValueError"
    assert (
        output_error("", FileNotFoundError(errno.ENOENT, "No such file")) == "cannot write to an empty path"
    )


@pytest.mark.parametrize("args", [("schema", "-o", ""), ("convert", SAMPLE, "--out", "")])
def test_an_empty_path_is_named(
    args: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr == "erc-parse: error: cannot write to an empty path\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ("--version",),
        ("schema",),
        ("summary", str(SAMPLE)),
        ("export", str(SAMPLE)),
        ("scorecard", str(SAMPLE)),
    ],
)
def test_full_standard_output_is_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    """`erc-parse ... > /dev/full`: the shell gave the path, so it is a user's error, not a bug."""
    with open("/dev/full", "wb") as full:
        done = _erc_parse(*args, stdout=full)
    assert done.returncode == 2
    assert done.stderr.decode() == "erc-parse: cannot write to standard output: No space left on device\n"


@pytest.mark.parametrize("args", [("--version",), ("export", str(SAMPLE))])
def test_a_reader_that_left_gets_silence(args: tuple[str, ...]) -> None:
    """`erc-parse ... | head`: no message to a pipe nobody reads, and no "Exception ignored"."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = _erc_parse(*args, stdout=write_end)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (1, b"")
