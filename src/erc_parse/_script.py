"""The ``erc-parse`` console script: ``--version`` answered before Typer is imported.

People and scripts ask a tool its version often, and importing Typer is most of any
command's start-up; printing one line needs none of it. Everything else, ``--version``
with other arguments included, goes to ``erc_parse.cli.main``.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn


def main() -> None:
    try:
        if sys.argv[1:] == ["--version"]:
            from erc_parse import __version__

            sys.stdout.write(f"erc-parse {__version__}\n")
            sys.stdout.flush()
            return
        from erc_parse.cli import main as cli_main

        cli_main()
    except OSError as exc:  # `cli.main` passes on only standard output's own errors
        _stdout_failed(exc)


def _stdout_failed(exc: OSError) -> NoReturn:
    """Standard output refused a write: one line and exit 2, or, for a reader that left
    (`| head`), nothing and exit 1, as click does when the pipe closes inside a command."""
    if not isinstance(exc, BrokenPipeError):
        sys.stderr.write(f"erc-parse: cannot write to standard output: {exc.strerror or exc}\n")
    # What is still buffered goes to /dev/null, so that the interpreter's own flush at
    # exit fails no second time (it would print "Exception ignored ...").
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(1 if isinstance(exc, BrokenPipeError) else 2)
