"""The ``erc-parse`` command line: thin Typer wrappers over the library.

Each command parses its options, calls one library function (``summary.render``,
``export.jsonout``, ``export.csvout.write_tables``, ``batch.convert``,
``actions.flatten``, ...) and maps failures to exit codes. Nothing heavy is imported
at module level: rich, pydantic, the models, dateutil and the parser load inside the
commands that use them, so ``erc-parse --help`` starts in the time it takes to import
Typer. (``erc-parse --version`` alone does not even import Typer: the console script,
``erc_parse._script``, answers it before coming here.)

Exit codes: 0 success; 1 failures found (``check``: errors, or warnings with
``--strict``; ``convert``: some inputs failed); 2 an input could not be read or is
not text (or a ``convert`` source does not exist), an output could not be written, or
bad usage. Errors are one line on stderr, never a traceback.

Unlike the rest of the package, this module does not use ``from __future__ import
annotations``: typer reads every command's signature at start-up, and evaluating
string annotations there costs more than evaluating them once at import.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperArgument, TyperCommand

if TYPE_CHECKING:
    import datetime as dt
    from types import ModuleType

    from rich.console import Console
    from typer._click.core import Context

    from erc_parse.models import Evaluation
    from erc_parse.portfolio import Portfolio

PROG = "erc-parse"
EXIT_OK, EXIT_FOUND, EXIT_INPUT = 0, 1, 2

app = typer.Typer(
    name=PROG,
    help="Turn text dumps of UNDP Evaluation Resource Centre pages into structured data.",
    epilog=(
        "Exit codes: 0 ok; 1 failures found (check: errors, or warnings with --strict;"
        " convert: some inputs failed); 2 an input could not be read or is not text"
        " (or a convert source does not exist), an output could not be written, or bad usage."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain help and usage errors: typer's rich help formatter imports rich, markdown-it and
    # pygments, which would make `erc-parse --help` ~3x slower than `import typer` alone.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class ExportFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    sqlite = "sqlite"


class ConvertFormat(StrEnum):
    json = "json"
    csv = "csv"
    sqlite = "sqlite"


class CheckFormat(StrEnum):
    text = "text"
    github = "github"
    json = "json"


class ActionsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class SearchFormat(StrEnum):
    text = "text"
    json = "json"


# --- help text: FILE... for arguments ----------------------------------------------------


class _Argument(TyperArgument):
    """An argument shown as ``FILE...`` in usage and help, as a person types it.

    Typer shows a required list argument as ``{FILE}...`` in the usage line and as
    ``FILE <list[str]>`` among the arguments: Python's type, not the user's.
    """

    def _shown(self) -> str:
        name = self.metavar or (self.name or "").upper()
        return f"{name}..." if self.nargs != 1 else name

    def get_usage_pieces(self, ctx: "Context") -> list[str]:
        return [self._shown() if self.required else f"[{self._shown()}]"]

    def display_type_rich(self, ctx: "Context") -> str | None:
        return None

    def get_help_record(self, ctx: "Context") -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        return None if record is None else (self._shown(), record[1])


class _Command(TyperCommand):
    """Every command's arguments shown as :class:`_Argument` shows them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if type(param) is TyperArgument:
                # Typer builds the arguments before the command and offers no hook for their
                # class; the subclass only changes how they are displayed.
                param.__class__ = _Argument


class ScorecardFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class GroupBy(StrEnum):
    commissioning_unit = "commissioning_unit"
    response_unit = "response_unit"
    country = "country"
    year = "year"
    none = "none"


class DiffFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


# --- shared option bundles ------------------------------------------------------------

Files = Annotated[
    list[str],
    typer.Argument(
        metavar="FILE",
        help="Dump files to read; '-' reads standard input.",
        show_default=False,
    ),
]
Output = Annotated[
    str | None,
    typer.Option(
        "-o",
        "--output",
        metavar="PATH",
        help="Write here instead of standard output (a file atomically: all or nothing).",
        show_default=False,
    ),
]
Paths = Annotated[
    list[str],
    typer.Argument(
        metavar="PATH",
        help="Dump files and folders (every *.txt inside, recursively); '-' reads standard input.",
        show_default=False,
    ),
]
By = Annotated[
    GroupBy,
    typer.Option("--by", help="One row per commissioning unit, response unit, country, year, or none."),
]
LongOverdue = Annotated[
    int,
    typer.Option(
        "--long-overdue-days",
        metavar="N",
        min=0,
        help="Overdue by more than N days after the due month's last day is long overdue.",
    ),
]
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Date overdue is judged against, e.g. 2019-12-31; default: today.",
        show_default=False,
    ),
]


# --- helpers -----------------------------------------------------------------------------


def _fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    """One line on stderr and out: what every user-facing error comes down to."""
    typer.echo(f"{PROG}: error: {message}", err=True)
    raise typer.Exit(code)


def _note(message: str) -> None:
    typer.echo(f"{PROG}: {message}", err=True)


def _console(*, stderr: bool = False) -> "Console":
    from rich.console import Console

    # Console() follows NO_COLOR, and renders plain text when not writing to a terminal.
    return Console(stderr=stderr, highlight=False)


def _json(value: Any) -> str:
    """The JSON every command prints: indented, non-ASCII kept, a value JSON lacks as text."""
    import json

    return json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n"


def _as_of(text: str | None) -> "dt.date":
    from erc_parse.actions import parse_as_of

    try:
        return parse_as_of(text)
    except ValueError as exc:
        _fail(f"--as-of: {exc}")


def _read_stdin() -> bytes:
    stream = sys.stdin
    buffer = getattr(stream, "buffer", None)
    return buffer.read() if buffer is not None else stream.read().encode("utf-8")


def _read(name: str) -> tuple[str, "Evaluation"]:
    """Read and parse one input; raises the underlying error for the caller to word."""
    from erc_parse import parse_bytes

    if name == "-":
        data = _read_stdin()
        ev = parse_bytes(data)
    else:
        with open(name, "rb") as fh:
            data = fh.read()
        ev = parse_bytes(data, path=name)
    return ("<stdin>" if name == "-" else name), ev


def _why(name: str, exc: BaseException) -> str:
    from erc_parse.batch import error_message

    label = "<stdin>" if name == "-" else name
    if isinstance(exc, IsADirectoryError) or (name != "-" and os.path.isdir(name)):
        return f"{label}: is a directory (erc-parse convert reads folders)"
    return f"{label}: {error_message(exc)}"


def _check_stdin_once(files: list[str]) -> None:
    if files.count("-") > 1:
        _fail("'-' (standard input) can be given only once")


def _load(files: list[str]) -> list[tuple[str, "Evaluation"]]:
    """All inputs parsed, or exit 2 naming the first that cannot be read.

    All-or-nothing on purpose: these commands produce one document (an array, a
    table set, a listing) and a partial one would pass for complete.
    """
    _check_stdin_once(files)
    results = []
    for name in files:
        try:
            results.append(_read(name))
        except Exception as exc:
            _fail(_why(name, exc))
    return results


def _inputs(paths: list[str]) -> list[str]:
    """Every dump under ``paths``, found as ``convert`` finds them; exit 2 before any output
    when a path does not exist or a folder holds no dump. The same file reached twice
    (named, and inside a named folder) is read once."""
    from erc_parse.batch import discover

    _check_stdin_once(paths)
    found: list[str] = []
    seen: set[object] = set()
    for src in paths:
        if src == "-":
            found.append(src)
            continue
        before = len(found)
        for path, rel in discover([src]):
            if not rel:
                _fail(f"{src}: no such file or folder")
            try:
                st = os.stat(path)
                identity: object = (st.st_dev, st.st_ino)
            except OSError:
                identity = path
            if identity not in seen:
                seen.add(identity)
                found.append(path)
        if len(found) == before and os.path.isdir(src):
            _fail(f"{src}: no *.txt files in this folder")
    return found


def _parse_each(names: list[str], failed: list[str]) -> Iterator["Evaluation"]:
    """Parse one input at a time; one that cannot be read is reported (one line) and skipped."""
    for name in names:
        try:
            yield _read(name)[1]
        except Exception as exc:
            typer.echo(f"{PROG}: error: {_why(name, exc)}", err=True)
            failed.append(name)


@contextmanager
def _output(path: str | None) -> Iterator[IO[str]]:
    """Standard output, or ``path`` written atomically; exit 2 if it cannot be written."""
    if path is None or path == "-":
        yield sys.stdout
        return
    from erc_parse.export import atomic_open, output_error

    try:
        with atomic_open(path, newline="") as fh:
            yield fh
    except OSError as exc:
        _fail(output_error(path, exc))


def _sqlite(*needs: str) -> "ModuleType":
    from erc_parse.export import Unavailable, sqlite_backend

    try:
        return sqlite_backend(*needs)
    except Unavailable as exc:
        _fail(str(exc))


def _version(value: bool) -> None:
    if value:
        from erc_parse import __version__

        typer.echo(f"{PROG} {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    """Turn text dumps of UNDP Evaluation Resource Centre pages into structured data."""


# --- commands ----------------------------------------------------------------------------


@app.command(cls=_Command)
def summary(
    paths: Paths,
    as_of: AsOf = None,
    detail: Annotated[
        bool, typer.Option("--detail", help="The full view of every page, even when there are several.")
    ] = False,
    long_overdue_days: LongOverdue = 365,
) -> None:
    """Show what each dump contains, readable in ten seconds; totals over several pages.

    One page: its full view (title, kind, plan, dates, money, countries, units,
    documents, contents, key actions by status with the overdue ones, flags).
    Several pages: one line per page (--detail: the full views), then Totals: pages
    by kind, evaluations (an evaluation page and its management-response page are one),
    key actions by status, the implementation rate, overdue and long-overdue key
    actions, and the units with the most overdue actions. Lines and Totals count as
    `scorecard` does: overdue = not Completed and the last day of the due month is
    before --as-of, or an Overdue-... status; long overdue = more than N days after
    that day; implementation rate = Completed / key actions, No Longer Applicable left
    out. (The full view judges Overdue-... statuses by their date, as `actions` does.)
    An input that cannot be read is reported and skipped (exit 2 at the end).
    """
    from erc_parse.summary import render, render_pages, render_totals
    from erc_parse.terminal import emit

    day = _as_of(as_of)
    names = _inputs(paths)
    console = _console()
    failed: list[str] = []
    evaluations = _parse_each(names, failed)
    if len(names) == 1:
        render(evaluations, console, day)
    else:
        from rich.text import Text

        from erc_parse.portfolio import Facts, Portfolio, facts, scorecard

        portfolio = Portfolio()
        pages: list[Facts] = []

        def kept() -> Iterator["Evaluation"]:
            for ev in evaluations:
                page = facts(ev)
                portfolio.add(page)
                pages.append(page)
                yield ev

        if detail:
            render(kept(), console, day)
        else:
            for _ in kept():
                pass
            if pages:
                render_pages(pages, console, day, long_overdue_days)
        if pages:
            emit(console, Text(""))
            card = scorecard(portfolio, as_of=day, long_overdue_days=long_overdue_days)
            render_totals(portfolio, card, console)
    if failed:
        raise typer.Exit(EXIT_INPUT)


@app.command(cls=_Command)
def export(
    files: Files,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Output format.")] = ExportFormat.json,
    output: Output = None,
) -> None:
    """Export dumps as JSON, JSON Lines, CSV tables (-o DIR) or SQLite (-o FILE)."""
    if fmt in (ExportFormat.csv, ExportFormat.sqlite) and not output:
        where = "a folder for the tables" if fmt is ExportFormat.csv else "the database file"
        _fail(f"--format {fmt.value} needs -o PATH ({where})")
    if fmt is ExportFormat.sqlite:
        backend = _sqlite("write_database")
        evaluations = [ev for _, ev in _load(files)]
        try:
            backend.write_database(evaluations, output)
        except ValueError as exc:  # SqliteExportError: one line that names the path
            _fail(str(exc))
        except OSError as exc:
            from erc_parse.batch import error_message

            _fail(f"cannot write {output}: {error_message(exc)}")
        return
    if fmt is ExportFormat.csv:
        assert output is not None
        if os.path.exists(output) and not os.path.isdir(output):
            _fail(f"-o {output}: exists and is not a folder (CSV export writes nine tables)")
        from erc_parse.export import output_error
        from erc_parse.export.csvout import write_tables

        evaluations = [ev for _, ev in _load(files)]
        try:
            write_tables(evaluations, output)
        except OSError as exc:
            # A table name taken by a folder is named; otherwise the folder the user gave.
            where = exc.filename if isinstance(exc, IsADirectoryError) and exc.filename else output
            _fail(output_error(where, exc))
        return

    from erc_parse.export.jsonout import write_json, write_jsonl

    evaluations = [ev for _, ev in _load(files)]
    with _output(output) as out:
        if fmt is ExportFormat.jsonl:
            write_jsonl(evaluations, out)
        else:
            write_json(evaluations, out, single=len(files) == 1)


@app.command(cls=_Command)
def convert(
    sources: Annotated[
        list[str],
        typer.Argument(
            metavar="SRC",
            help="Dump files and folders (searched for *.txt).",
            show_default=False,
        ),
    ],
    out: Annotated[
        str,
        typer.Option(
            "--out",
            metavar="DIR",
            help="Output folder (the database file for --format sqlite).",
            show_default=False,
        ),
    ],
    fmt: Annotated[ConvertFormat, typer.Option("--format", "-f", help="Output format.")] = ConvertFormat.json,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Worker processes.",
            show_default="number of CPUs",
        ),
    ] = None,
) -> None:
    """Convert many dumps, one output per input, in parallel; bad files are skipped."""
    from erc_parse.batch import MissingSource
    from erc_parse.batch import convert as run
    from erc_parse.export import OutputError, output_error

    if fmt is ConvertFormat.sqlite:
        _sqlite("write_database")
        if os.path.isdir(out):
            _fail(f"--out {out}: is a folder; --format sqlite writes a database file")
    elif os.path.exists(out) and not os.path.isdir(out):
        _fail(f"--out {out}: exists and is not a folder")

    # A progress bar only on a terminal; elsewhere (CI, a pipe, a benchmark) rich is never
    # imported, which is about a tenth of the command's start-up.
    err = _console(stderr=True) if sys.stderr.isatty() else None
    show_progress = err is not None and err.is_terminal
    progress = None
    task_id = None

    def on_start(total: int) -> None:
        nonlocal progress, task_id
        if show_progress and total > 1:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            progress = Progress(
                TextColumn("converting"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            )
            progress.start()
            task_id = progress.add_task("convert", total=total)

    def on_result(source: str, error: str | None) -> None:
        if error is not None:
            line = f"{PROG}: {source}: {error}"
            if progress is not None:
                progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
            else:
                typer.echo(line, err=True)
        if progress is not None and task_id is not None:
            progress.advance(task_id)

    try:
        report = run(
            sources,
            out,
            fmt=fmt.value,
            jobs=jobs,
            on_start=on_start,
            on_result=on_result,
        )
    except MissingSource as exc:
        _fail(f"{exc.filename}: no such file or folder")
    except OutputError as exc:  # OUT, or an output in it, cannot be written: the batch stopped
        _fail(str(exc))
    except ValueError as exc:  # the sqlite writer's own one line, which names the path
        _fail(str(exc))
    except Exception as exc:  # the sqlite writer otherwise: one transaction, nothing written
        _fail(output_error(out, exc))
    finally:
        if progress is not None:
            progress.stop()
    for source, target in report.renamed:
        _note(f"note: {source} -> {target} (name already taken)")
    if show_progress:
        _note(f"converted {report.converted}, failed {len(report.failed)}")
    if report.failed:
        raise typer.Exit(EXIT_FOUND)


@app.command(cls=_Command)
def check(
    files: Files,
    strict: Annotated[bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")] = False,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore",
            metavar="CODE",
            help="Leave out diagnostics with this code (e.g. truncated); repeat for several.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        CheckFormat,
        typer.Option("--format", "-f", help="text, GitHub Actions annotations, or JSON."),
    ] = CheckFormat.text,
) -> None:
    """Report parser diagnostics for CI; exit 1 on errors (and warnings with --strict).

    The report goes to standard output; a closing count line, 'N files: E errors,
    W warnings (I ignored)', to standard error.
    """
    from erc_parse.check import annotation, check_report

    _check_stdin_once(files)
    results = []
    unreadable = 0
    for name in files:
        try:
            results.append(_read(name))
        except Exception as exc:
            unreadable += 1
            message = _why(name, exc)
            typer.echo(f"{PROG}: error: {message}", err=True)
            if fmt is CheckFormat.github:
                typer.echo(annotation("error", "<stdin>" if name == "-" else name, "unreadable " + message))
    text, tally = check_report(results, fmt.value, ignore=frozenset(ignore or ()))
    tally.files += unreadable
    tally.unreadable = unreadable
    sys.stdout.write(text)
    sys.stdout.flush()
    typer.echo(tally.line(), err=True)
    if unreadable:
        raise typer.Exit(EXIT_INPUT)
    if tally.failed(strict=strict):
        raise typer.Exit(EXIT_FOUND)


@app.command(cls=_Command)
def actions(
    files: Files,
    as_of: AsOf = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only actions overdue at the as-of date.")
    ] = False,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            "-s",
            metavar="STATUS",
            help="Only this status (case-insensitive, exact); repeat for several.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        ActionsFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ActionsFormat.table,
    output: Output = None,
) -> None:
    """List key actions flat, with overdue status and days overdue."""
    from erc_parse.actions import flatten, render_table

    if output and fmt is ActionsFormat.table:
        _fail("-o needs --format json or csv")
    day = _as_of(as_of)
    rows = flatten([ev for _, ev in _load(files)], day, overdue_only=overdue, statuses=status)
    if fmt is ActionsFormat.table:
        render_table(rows, _console(), day)
        return
    with _output(output) as out:
        if fmt is ActionsFormat.json:
            out.write(_json([r.as_dict() for r in rows]))
        else:
            from erc_parse.actions import ActionRow
            from erc_parse.export.csvout import write_rows

            columns = ActionRow.columns()
            write_rows(out, columns, ([getattr(r, c) for c in columns] for r in rows))


def _portfolio(names: list[str], failed: list[str]) -> "Portfolio":
    """The inputs reduced page by page (see erc_parse.portfolio); unreadable ones in ``failed``."""
    from erc_parse.portfolio import collect

    return collect(_parse_each(names, failed))


@app.command(cls=_Command)
def scorecard(
    paths: Paths,
    by: By = GroupBy.commissioning_unit,
    as_of: AsOf = None,
    long_overdue_days: LongOverdue = 365,
    fmt: Annotated[
        ScorecardFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ScorecardFormat.table,
    output: Output = None,
) -> None:
    """UNDP's evaluation-management scorecard per group and in total.

    Evaluations: distinct evaluation and management-response pages (plan pages are
    not evaluations); an evaluation page and the response page with the same
    normalised title + commissioning unit + plan period are one evaluation, their key
    actions counted once, and the output says how many were merged.

    Part 1: evaluations_completed (the page gives a completion month),
    completed_on_time (completion month no later than the planned end month),
    on_time_pct (completed_on_time / completed evaluations that give a planned end
    month: a response page alone gives none, and is neither late nor on time).

    Part 2A: responses_due (completed, and the completion month ended more than 42
    days before --as-of), with_response (among them, the page says Management
    Response: Yes or shows a response), with_response_pct.

    Part 2B: key_actions (status not No Longer Applicable), completed, overdue (not
    Completed and the last day of the due month is before --as-of; an Overdue-...
    status counts too), long_overdue (overdue by more than N days after that day);
    not_overdue_pct, not_long_overdue_pct, implementation_rate_pct (completed /
    key_actions).

    Scores: part1 = on_time_pct; part2 = mean(with_response_pct,
    mean(not_overdue_pct, not_long_overdue_pct)) over the parts that exist; lights
    green >= 90, yellow >= 75, red below, on the rounded score. Part 3 (quality
    ratings) is not on ERC pages. A percentage over nothing is null (shown as —).
    Percentages are rounded half up to 0.1.

    --by country counts a multi-country evaluation in each of its countries and once
    in the total. A missing unit, country or year is the group "(none)".
    """
    from erc_parse.portfolio import scorecard as build
    from erc_parse.report import notes, render_table, write_csv

    if output and fmt is ScorecardFormat.table:
        _fail("-o needs --format json or csv")
    day = _as_of(as_of)
    failed: list[str] = []
    card = build(
        _portfolio(_inputs(paths), failed), by=by.value, as_of=day, long_overdue_days=long_overdue_days
    )
    if fmt is ScorecardFormat.table:
        render_table(card, _console(), unreadable=len(failed))
    else:
        with _output(output) as out:
            if fmt is ScorecardFormat.json:
                out.write(_json(card.as_dict()))
            else:
                write_csv(card, out)
        for line in notes(card, unreadable=len(failed)):
            _note(f"note: {line}")
    if failed:
        raise typer.Exit(EXIT_INPUT)


@app.command(cls=_Command)
def report(
    paths: Paths,
    output: Annotated[
        str,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="The HTML file to write (atomically: all or nothing).",
            show_default=False,
        ),
    ],
    by: By = GroupBy.commissioning_unit,
    as_of: AsOf = None,
    long_overdue_days: LongOverdue = 365,
) -> None:
    """Write the scorecard and its charts as one self-contained HTML file.

    The scorecard table with its traffic lights (the figures and definitions of
    `scorecard`), then charts: key actions by status per group (stacked bars),
    overdue actions by how late they are, evaluations completed per year by type, and
    the implementation rate per group (--by none: per commissioning unit). No
    script, no network: styles inline and charts as inline SVG, drawn with
    matplotlib (the `report` extra: pip install 'erc-parse[report]'). Prints on paper.
    """
    import datetime as dt

    from erc_parse.charts import Unavailable, require
    from erc_parse.portfolio import scorecard as build
    from erc_parse.report import html_report

    day = _as_of(as_of)
    try:
        require()  # before reading a large folder, not after
    except Unavailable as exc:
        _fail(str(exc))
    failed: list[str] = []
    names = _inputs(paths)
    portfolio = _portfolio(names, failed)
    card = build(portfolio, by=by.value, as_of=day, long_overdue_days=long_overdue_days)
    try:
        page = html_report(portfolio, card, inputs=names, unreadable=failed, generated=dt.date.today())
    except Unavailable as exc:
        _fail(str(exc))
    with _output(output) as out:
        out.write(page)
    if failed:
        raise typer.Exit(EXIT_INPUT)


@app.command(cls=_Command)
def schema(output: Output = None) -> None:
    """Print the JSON Schema of the export (what `export --format json` emits)."""
    from erc_parse.models import Evaluation

    doc = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **Evaluation.model_json_schema(mode="serialization"),
    }
    with _output(output) as out:
        out.write(_json(doc))


@app.command(cls=_Command)
def search(
    db: Annotated[str, typer.Argument(metavar="DB", help="Database written by --format sqlite.")],
    query: Annotated[
        str,
        typer.Argument(
            metavar="QUERY",
            help=(
                "Words that must all occur, in any order (case, accents and English word endings"
                ' ignored); "double quotes" for a phrase, a trailing * for a prefix. Anything'
                " else, FTS5 operators included, is searched as plain text."
            ),
        ),
    ],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Most hits to show.")] = 20,
    fmt: Annotated[SearchFormat, typer.Option("--format", "-f", help="Output format.")] = SearchFormat.text,
) -> None:
    """Full-text search of an exported database, best matches first."""
    backend = _sqlite("search")
    if not os.path.isfile(db):
        _fail(f"{db}: no such database file")
    try:
        hits = backend.search(db, query, limit)
    except Exception as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        _fail(message if isinstance(exc, ValueError) else f"search failed: {message}")
    if fmt is SearchFormat.json:
        sys.stdout.write(_json(hits))
        return
    if not hits:
        _note("no matches")
        return
    console = _console()
    for i, hit in enumerate(hits, 1):
        passage = " ".join(str(hit.get("snippet") or hit.get("text") or "").split())
        head = f"{i}. {hit.get('title') or '(no title)'} [{hit.get('section', '?')}]"
        if not console.is_terminal:
            typer.echo(head)
            typer.echo("   " + passage)
            continue
        from rich.text import Text

        # The backend marks matches **like this**; on a terminal, show them in bold.
        line = Text("   ")
        for j, part in enumerate(passage.split("**")):
            line.append(part, style="bold yellow" if j % 2 else None)
        console.print(Text(head, style="bold"), soft_wrap=True)
        console.print(line)


@app.command(cls=_Command)
def datasette(
    db: Annotated[str, typer.Argument(metavar="DB", help="Database written by --format sqlite.")],
    output: Output = None,
) -> None:
    """Print Datasette metadata for DB: canned queries (overdue key actions and implementation rate
    by unit, recommendations and responses mentioning a word)."""
    _sqlite("open_database")
    from erc_parse.export.datasette import metadata

    try:
        doc = metadata(db)
    except ValueError as exc:
        _fail(str(exc))
    with _output(output) as out:
        out.write(_json(doc))


@app.command(cls=_Command)
def diff(
    old: Annotated[str, typer.Argument(metavar="OLD", help="The earlier dump file, or folder of dumps.")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The later dump file, or folder of dumps.")],
    fmt: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="text, JSON, or Markdown (for a PR or an e-mail).")
    ] = DiffFormat.text,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 if anything changed, 0 if nothing did.")
    ] = False,
    as_of: AsOf = None,
) -> None:
    """Show what changed between two downloads of the same pages (files or folders).

    In folders, pages pair by relative path, else by identity (the same kind of page with
    the same title, commissioning unit and plan period); unpaired pages are listed as only
    in old or only in new. Source path and sha256, the order of diagnostics and
    whitespace alone are not changes. Highlighted: key-action status changes, due months pushed
    later, and actions newly overdue: overdue as of --as-of in NEW (open, due month ended
    before the date) but not in OLD at that date. Exit 2 on an input that cannot be read.
    """
    from erc_parse.diffreport import format_json, format_markdown, format_text
    from erc_parse.pagediff import DiffError, has_changes
    from erc_parse.pagediff import diff as compare

    day = _as_of(as_of)
    try:
        result = compare(old, new, as_of=day)
    except DiffError as exc:
        _fail(str(exc))
    if fmt is DiffFormat.json:
        sys.stdout.write(format_json(result))
    elif fmt is DiffFormat.markdown:
        sys.stdout.write(format_markdown(result))
    elif sys.stdout.isatty():
        from erc_parse.diffreport import text_lines

        console = _console()
        for line, style in text_lines(result):
            console.print(line, style=style, markup=False, highlight=False, soft_wrap=True)
    else:
        sys.stdout.write(format_text(result))
    if exit_code and has_changes(result):
        raise typer.Exit(EXIT_FOUND)


def main() -> None:
    """The CLI (``erc_parse._script`` calls it for all but a bare ``--version``); the last guard
    against a traceback reaching a user, with the console script, which reports what
    standard output itself refused."""
    try:
        try:
            app(prog_name=PROG)
        finally:
            sys.stdout.flush()  # a full disk behind `> file` shows here, not at the interpreter's exit
    except SystemExit:
        raise
    except OSError as exc:
        if exc.filename is not None:
            _internal_error(exc)  # a path of ours that no command turned into a user error
        raise  # a write error with no path, standard output's: the console script reports it
    except Exception as exc:
        _internal_error(exc)


def _internal_error(exc: Exception) -> NoReturn:
    """A bug: one line, and the way to see more."""
    if os.environ.get("ERC_PARSE_DEBUG"):
        raise exc
    message = f"{type(exc).__name__}: {exc}".splitlines()[0]
    typer.echo(f"{PROG}: internal error: {message} (ERC_PARSE_DEBUG=1 shows the traceback)", err=True)
    sys.exit(EXIT_INPUT)
