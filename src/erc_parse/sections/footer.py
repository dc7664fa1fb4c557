"""The portal's footer: `Latest Evaluations`, `Contact us`, the address.

It carries no data of the evaluation, but it proves the dump is whole (a dump that
stops before it was cut), and it is quoted in one `page-footer` info diagnostic so
that nothing is dropped silently.
"""

from __future__ import annotations

from erc_parse.state import Page, quote


def opened(p: Page, s: str) -> None:
    """`Latest Evaluations` or `Contact us` starts the footer."""
    if not p.footer:
        p.footer_line = p.ln
    p.footer.append(s)


def line(p: Page, s: str) -> None:
    """State FOOTER: every line is the footer's."""
    p.footer.append(s)


def finish(p: Page) -> None:
    if p.footer:
        p.diag("info", "page-footer", quote(" / ".join(p.footer)), p.footer_line)
