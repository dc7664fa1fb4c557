"""The reference documents what the tool does: every command is in the README's table, and
docs/cli.md is current (its sections per command: tests/test_cli.py)."""

from __future__ import annotations

import re
from pathlib import Path

from cogapp import Cog

ROOT = Path(__file__).resolve().parent.parent


def _commands() -> list[str]:
    from erc_parse.cli import app

    return sorted(c.name or c.callback.__name__ for c in app.registered_commands if c.callback)


def test_every_command_is_in_the_readme_table() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in _commands() if not re.search(rf"^\| `{c}\b", text, re.M)]
    assert not missing, missing


def test_the_reference_is_what_cog_would_write() -> None:
    """docs/cli.md's help texts and examples are generated: `uv run cog -r -I tests docs/cli.md`."""
    cog = Cog()
    status = cog.main(["cog", "--check", "-I", str(ROOT / "tests"), str(ROOT / "docs" / "cli.md")])
    assert status == 0, "docs/cli.md is stale: run `uv run cog -r -I tests docs/cli.md`"
