"""How a view reaches a person: through rich on a terminal, as plain lines elsewhere.

rich pads every line of a table to the console's width. On a terminal that is
invisible; in a file or a pipe it leaves trailing spaces that a diff or a ``grep 'x$'``
trips on. Every view prints through ``emit``, so piped output never has them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


def emit(console: Console, renderable: RenderableType) -> None:
    """Print; off a terminal, without the trailing spaces rich pads lines with."""
    if console.is_terminal:
        console.print(renderable)
        return
    with console.capture() as captured:
        console.print(renderable)
    console.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
