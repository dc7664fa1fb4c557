"""Start-up guards: what `erc-parse --help` and `--version` may import, and what they print.

bench/run.py measures the start-up times against `import typer`; these tests only pin
the causes (no test asserts a wall-clock time), so a regression fails here, not just
in a benchmark nobody ran.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import erc_parse
from erc_parse import cli

HEAVY = ("rich", "pydantic", "pydantic_core", "dateutil", "multiprocessing", "markdown_it", "pygments")

_PROBE = """
import sys
sys.argv = ["erc-parse", *{args!r}]
from {entry} import main
try:
    main()
except SystemExit:
    pass
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))
own = sorted(m for m in sys.modules if m in ("erc_parse.models", "erc_parse.parser", "hashlib", "json"))
sys.stderr.write(chr(10) + "IMPORTED " + repr(heavy + own))
"""


def _imported(*args: str, entry: str = "erc_parse.cli", heavy: tuple[str, ...] = HEAVY) -> str:
    code = _PROBE.format(args=list(args), heavy=heavy, entry=entry)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stderr.rsplit("IMPORTED ", 1)[1].strip()


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["--version"], []])
def test_help_and_version_import_nothing_heavy(args: list[str]) -> None:
    """Help is rendered by typer's plain formatter: no rich, markdown-it or pygments.

    (A command's own `--help` loads pydantic all the same: typer builds its parameter
    coercion with pydantic once a command is chosen. Only the top level is kept lean.)
    """
    assert _imported(*args) == "[]"


def test_version_with_other_arguments_goes_through_typer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["erc-parse", "--version", "summary"])
    with pytest.raises(SystemExit) as exc:
        cli.main()
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"erc-parse {erc_parse.__version__}\n"


def test_the_console_script_is_the_lean_entry() -> None:
    import tomllib

    from .conftest import ROOT

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"erc-parse": "erc_parse._script:main"}


def test_script_version_imports_not_even_typer() -> None:
    """`erc-parse --version` is the console script's own: Typer is most of any start-up."""
    assert _imported("--version", entry="erc_parse._script", heavy=(*HEAVY, "typer", "click")) == "[]"


def test_script_hands_everything_else_to_the_cli() -> None:
    assert "typer" in _imported("--help", entry="erc_parse._script", heavy=("typer",))


def test_script_version_prints_what_typer_prints(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from typer.testing import CliRunner

    from erc_parse import _script

    monkeypatch.setattr(sys, "argv", ["erc-parse", "--version"])
    _script.main()
    fast = capsys.readouterr()
    slow = CliRunner().invoke(cli.app, ["--version"])
    assert slow.exit_code == 0
    assert fast.out == slow.stdout == f"erc-parse {erc_parse.__version__}\n"
    assert fast.err == ""


def test_python_dash_m_uses_the_script_entry() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "erc_parse", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout == f"erc-parse {erc_parse.__version__}\n"
