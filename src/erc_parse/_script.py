"""The ``erc-parse`` console script: ``--version`` answered before Typer is imported.

People and scripts ask a tool its version often, and importing Typer is most of any
command's start-up; printing one line needs none of it. Everything else, ``--version``
with other arguments included, goes to ``erc_parse.cli.main``.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from erc_parse import __version__

        sys.stdout.write(f"erc-parse {__version__}\n")
        return
    from erc_parse.cli import main as cli_main

    cli_main()
