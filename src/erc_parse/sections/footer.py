"""The portal's footer: `Latest Evaluations`, `Contact us`, the address.

It carries no data of the evaluation, but it proves the dump is whole (a dump that
stops before it was cut), and it is quoted in a `page-footer` info diagnostic so that
nothing is dropped silently: one for the usual few short lines, or one a line where
the footer is long (a page whose text follows its footer lines).
"""

from __future__ import annotations

from erc_parse.state import QUOTE_LIMIT, Page, quote


def opened(p: Page, s: str) -> None:
    """`Latest Evaluations` or `Contact us` starts the footer."""
    p.footer.append((p.ln, s))


def line(p: Page, s: str) -> None:
    """State FOOTER: every line is the footer's."""
    p.footer.append((p.ln, s))


def finish(p: Page) -> None:
    if not p.footer:
        return
    text = " / ".join(s for _, s in p.footer)
    if len(text) <= QUOTE_LIMIT:
        p.diag("info", "page-footer", text, p.footer[0][0])
        return
    for ln, s in p.footer:
        p.diag("info", "page-footer", quote(s), ln)
