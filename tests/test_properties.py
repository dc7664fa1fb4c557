"""Robustness by property (issue 6): bad input never crashes, nothing is lost, output is whole.

- ``parse_text`` never fails on any string; ``parse_bytes`` raises only ``InputError``,
  and only for bytes that are not text.
- Real dumps, mutated the ways crawls and downloads damage pages, parse without an
  internal error, survive a JSON round trip, lose no word, and read the same with
  ``\\n``, ``\\r\\n`` or ``\\r`` line ends and in every encoding the reader accepts.
- The pathological inputs of the benchmark parse (their timing is the benchmark's).
- ``convert`` leaves no partial output when an input fails or a write is interrupted,
  and one failing input never stops the others.

Example counts are bounded (``strategies.profile``); scale them up with
``ERC_PARSE_EXAMPLES_SCALE``.
"""

from __future__ import annotations

import codecs
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

import erc_parse.export as export_pkg
import erc_parse.export.csvout as csvout
from erc_parse import InputError, parse_bytes, parse_text
from erc_parse.batch import convert
from erc_parse.models import Evaluation
from erc_parse.reader import decode
from erc_parse.sections.common import norm_label
from erc_parse.sections.metadata import LABELS, NEW_LAYOUT_LABELS

from . import strategies as hs
from .conftest import CORPUS, CORPUS_FILES, SAMPLE, clipped_lines

ROOT = Path(__file__).resolve().parent.parent


# --- helpers -------------------------------------------------------------------------------------


def internal_errors(ev: Evaluation) -> list[str]:
    return [d.message for d in ev.diagnostics if d.code == "internal-error"]


def assert_round_trip(ev: Evaluation) -> None:
    """What the parser built (with ``model_construct``) is what the contract validates.

    And the ``truncated`` flag says what the ``truncated`` diagnostic says (issue 14, point 6).
    """
    assert Evaluation.model_validate_json(ev.model_dump_json()) == ev
    assert ev.truncated is any(d.code == "truncated" for d in ev.diagnostics)


def same(a: Evaluation, b: Evaluation) -> bool:
    return a.model_dump(exclude={"source"}) == b.model_dump(exclude={"source"})


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


_LABELLED = re.compile(r"^[^:|]{2,90}:")
_WORDS = re.compile(r"[^\W\d_]{4,}")
_COUNTRIES_LINE = re.compile(r"^[\s•·▪|\-]*Countries\b")
_SEPARATORS = re.compile(r"[\s,;]")


def _is_label(line: str) -> bool:
    """A known label alone on its line (`Plan Date`, `Countries:`): structure, like `Label:`."""
    key = norm_label(line.strip(" \t•·▪|-").rstrip(": "))
    return key in LABELS or key in NEW_LAYOUT_LABELS or key.startswith("corporate outcome")


def _structure(word: str) -> bool:
    """A structure word, or a cut piece of one (`Resp` of a cut `Responsible` column title)."""
    return word in hs.STRUCTURE_WORDS or any(w.startswith(word) for w in hs.STRUCTURE_WORDS)


def lost_words(lines: list[str] | tuple[str, ...], ev: Evaluation) -> list[tuple[int, str]]:
    """Words (4+ letters) of input lines found in no field and no diagnostic.

    The same check as ``test_corpus.test_no_line_is_lost``: a line's label part (and a
    line that is a known label), and the page's structure words may be consumed;
    everything else must be somewhere. A run-together `Countries:` value is compared
    with the separators taken out.
    """
    blob = "\n".join(_strings(ev.model_dump()))
    packed = _SEPARATORS.sub("", "".join(c.name for c in ev.metadata.countries))
    clipped = clipped_lines(ev)
    lost = []
    for ln, raw in enumerate(lines, 1):
        if _is_label(raw) or ln in clipped:
            continue
        bare = raw.lstrip(" \t|•·▪-")  # table pipes, bullets and `- Label:` are layout
        text = bare.split(":", 1)[1] if _LABELLED.match(bare) else raw
        countries = bool(_COUNTRIES_LINE.match(raw))
        for word in _WORDS.findall(text):
            if word in blob or (countries and word in packed) or _structure(word):
                continue
            lost.append((ln, word))
    return lost


_QUOTING = {"unparsed-line": ": ", "plan-table-row": ": ", "truncated": "dump ends mid-line: "}


def misplaced_diagnostics(lines: list[str] | tuple[str, ...], ev: Evaluation) -> list[str]:
    """Diagnostics that quote a line but name a line number whose text is not in the quote.

    (A cut value is quoted with its label, which may stand on the line above.)
    """
    bad = []
    for d in ev.diagnostics:
        sep = _QUOTING.get(d.code)
        if sep is None or sep not in d.message or not 0 < d.line <= len(lines):
            continue
        quote = d.message.split(sep, 1)[1]
        line = lines[d.line - 1]
        clipped = re.search(r"… \([\d,]+ characters\)$", quote)
        if clipped:  # a long line is quoted by its start (after a label, for a cut value)
            quoted = set(_WORDS.findall(quote[: clipped.start()]))
            if not set(_WORDS.findall(line[:100])[:-1]) <= quoted:
                bad.append(f"{d.line}: {d.code}: {d.message[:80]!r} vs {line[:80]!r}")
            continue
        quoted = set(_WORDS.findall(quote))
        if not set(_WORDS.findall(line)) <= quoted:
            bad.append(f"{d.line}: {d.code}: {d.message[:80]!r} vs {lines[d.line - 1][:80]!r}")
    return bad


# --- text in, never an exception --------------------------------------------------------------


@hs.profile(300)
@given(hs.any_text())
@example("\ud800Title x\n")
@example("Key Action Update History\n[Added: 2018/11/23]\n")
@example("Quantum Project Number\n00117224, 00120890\n")
@example("Download document x" + " " * 3000 + "y")
@example("x" * 300)  # one cut line holding nothing of a page: cut all the same
def test_parse_text_never_raises_and_its_result_is_valid(text: str) -> None:
    ev = parse_text(text)
    assert internal_errors(ev) == []
    assert_round_trip(ev)


@hs.profile(150)
@given(hs.mutants())
def test_mutated_dumps_parse_round_trip_and_lose_nothing(mutant: hs.Mutant) -> None:
    ev = parse_text(mutant.text("\n"))
    assert internal_errors(ev) == []
    assert_round_trip(ev)
    assert lost_words(mutant.lines, ev) == []
    assert misplaced_diagnostics(mutant.lines, ev) == []
    for end in ("\r\n", "\r"):
        assert same(parse_text(mutant.text(end)), ev), f"{end!r} line ends read differently"


def _rendered_pages() -> st.SearchStrategy[str]:
    from .render import render

    return st.builds(render, hs.evaluations(), st.randoms(use_true_random=False))


@hs.profile(60)
@given(hs.mutants(_rendered_pages()))
def test_mutated_rendered_pages_parse_round_trip_and_lose_nothing(mutant: hs.Mutant) -> None:
    """The same, over whole pages: the corpus dumps stop after ~2 kB, rendered pages do not."""
    ev = parse_text(mutant.text())
    assert internal_errors(ev) == []
    assert_round_trip(ev)
    assert lost_words(mutant.lines, ev) == []
    assert misplaced_diagnostics(mutant.lines, ev) == []


def test_every_dump_round_trips_with_every_line_end() -> None:
    for text in hs.dump_texts():
        ev = parse_text(text)
        assert internal_errors(ev) == []
        assert_round_trip(ev)
        assert misplaced_diagnostics(text.split("\n"), ev) == []
        for end in ("\r\n", "\r"):
            assert same(parse_text(text.replace("\n", end)), ev)


# --- bytes in: text accepted, everything else refused with InputError --------------------------


@hs.profile(200)
@given(st.binary(max_size=2048))
@example(codecs.BOM_UTF16_LE + b"\x00\xd8")
@example(b"\xef\xbb\xbf\x00")
def test_parse_bytes_raises_only_input_error(data: bytes) -> None:
    try:
        ev = parse_bytes(data)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert internal_errors(ev) == []


# Text as the reader defines it: no NUL, no C0 control but tab, LF, VT, FF and CR.
_TEXT = st.text(
    st.characters(
        exclude_categories=["Cs"],
        exclude_characters=[chr(c) for c in range(32) if c not in (9, 10, 11, 12, 13)] + ["\x7f"],
    )
)


@hs.profile(150)
@given(_TEXT)
def test_text_in_any_accepted_encoding_is_read_as_text(text: str) -> None:
    """UTF-8 (with or without BOM) and UTF-16 with BOM give the same parse as the text."""
    text = text.lstrip("\ufeff")  # a BOM is the encoding's, not the page's
    ref = parse_text(text)
    for data in (text.encode("utf-8"), codecs.BOM_UTF8 + text.encode("utf-8"), text.encode("utf-16")):
        assert same(parse_bytes(data), ref)


@hs.profile(100)
@given(st.binary(max_size=512), st.integers(0, 512), st.integers(1, 4))
def test_nul_bytes_are_refused(data: bytes, at: int, count: int) -> None:
    """A NUL is never in a text dump outside UTF-16: bytes with a NUL are refused, or read
    as UTF-16 (BOM-less, known by its NUL pattern), never as 8-bit text."""
    data = data[:at] + b"\x00" * count + data[at:]
    assume(not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)))
    try:
        text = decode(data)
    except InputError:
        return
    assert text in {data.decode("utf-16-le", "replace"), data.decode("utf-16-be", "replace")}
    assert "\x00" not in text


@hs.profile(50)
@given(st.integers(0, 2**64 - 1), st.integers(256, 8192))
def test_random_bytes_are_refused(seed: int, size: int) -> None:
    """Uniformly random bytes (a zip, an image) are refused, whatever the seed."""
    data = random.Random(seed).randbytes(size)
    with pytest.raises(InputError):
        parse_bytes(data)


_ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "utf-16-le-bom": lambda t: t.encode("utf-16"),
    "utf-16-be-bom": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "cp1252": lambda t: t.encode("cp1252"),
}


@hs.profile(60)
@given(st.one_of(hs.cp1252_dumps(), hs.mutants(hs.cp1252_dumps()).map(lambda m: m.text())))
def test_same_page_same_result_in_every_encoding(text: str) -> None:
    """UTF-8 with and without BOM, UTF-16 with BOM and cp1252: one page, one result."""
    assume(hs._encodes(text, "cp1252"))
    cp = text.encode("cp1252")
    # cp1252 bytes that happen to be valid UTF-8 are read as UTF-8 (first choice): the
    # bytes alone cannot say which was meant, so such texts say nothing here.
    assume(cp.isascii() or not _is_utf8(cp))
    outcomes: dict[str, str] = {}
    for name, encode in _ENCODINGS.items():
        try:
            outcomes[name] = json.dumps(
                parse_bytes(encode(text)).model_dump(exclude={"source"}), sort_keys=True
            )
        except InputError:
            outcomes[name] = "refused"
    assert len(set(outcomes.values())) == 1, outcomes.keys()


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_every_cp1252_corpus_file_reads_alike_in_every_encoding() -> None:
    checked = 0
    for path in [SAMPLE, *CORPUS_FILES]:
        text = path.read_text(encoding="utf-8")
        if not hs._encodes(text, "cp1252"):
            continue
        results = {
            json.dumps(parse_bytes(enc(text)).model_dump(exclude={"source"})) for enc in _ENCODINGS.values()
        }
        assert len(results) == 1, path
        checked += 1
    assert checked >= 90


# --- pathological inputs (timed by the benchmark, not here) ---------------------------------------


def _pathological() -> dict[str, str]:
    texts = hs.dump_texts()
    return {
        "2 MB single line": ("Ribonaw tesumi, 2018/11 Completed: Download document x.pdf  " * 40_000)[
            :2_000_000
        ],
        "2 MB single line of spaces": "Download document x" + " " * 2_000_000 + "y",
        "40 dumps concatenated": "\n".join(texts[1:41]),  # corpus dumps: no footer ends the parse early
        "1 MB of 1.1.": "1.1.\n" * 200_000,
        "1 MB of 1.1. among key actions": "Title T\nKey Actions:\n" + "1.1.\n" * 200_000,
        "200,000 blank lines": "\n" * 200_000,
        # Long runs inside the lines whose regexes backtracked (see the regressions below).
        "2 MB of spaces in a key-action row": "Title T\n1. Recommendation: r\nManagement Response: "
        "[Added: 2018/11/23]\nKey Actions:\nx\n[Added: 2018/11/23]\nUNDP" + " " * 2_000_000 + "2019/05 Done",
        "2 MB of @ in a team row": "Title T\nEvaluation Team members:\nName Title Email Nationality\na"
        + "@" * 2_000_000,
    }


@pytest.mark.parametrize("name", list(_pathological()))
def test_pathological_inputs_parse(name: str) -> None:
    text = _pathological()[name]
    ev = parse_text(text)
    assert internal_errors(ev) == []
    lines = text.split("\n")
    if len(lines) < 1000:  # the no-loss check is quadratic-ish in words; enough on the short ones
        assert lost_words(lines, ev) == []


# --- regressions: the parser bugs the properties found, pinned -------------------------------------


def test_newer_layout_header_values_are_read_by_their_kind() -> None:
    ev = parse_text(
        "T\n\nT\n\nCompletedon 31 May, 2009\nQuantum Project Number\n00117224, 00120890\n"
        "Joint Programme\nNo\nKey Stakeholders\nA, B\nCountries\nKyrgyzstan\nLatest Evaluations\n"
    )
    m = ev.metadata
    assert m.atlas_project_numbers == ["00117224", "00120890"] and m.joint_programme is False
    assert m.key_stakeholders == ["A", "B"] and [c.iso3 for c in m.countries] == ["KGZ"]
    assert_round_trip(ev)


def test_a_key_action_stamp_before_any_recommendation() -> None:
    ev = parse_text("Key Action Update History\nFirst action\n[Added: 2018/11/23]\nUNDP 2019/05 Completed\n")
    assert internal_errors(ev) == []
    (mr,) = ev.management_responses
    assert (mr.recommendation_number, mr.key_actions[0].text) == (None, "First action")


def test_numbers_no_json_can_hold_are_not_read() -> None:
    """400 digits made ``inf`` (written as null); 5000 passed ``int()``'s limit; `²` is no digit."""
    ev = parse_text(
        "T\n\nShare\nDocument Type Language Size Status Downloads\n"
        "Download document a.pdf report English 1.00 KB Posted " + "1" * 5000 + "\n"
        "Title T\nEvaluation Budget(US $): " + "9" * 400 + "\nLessons\nLatest Evaluations\n"
    )
    assert internal_errors(ev) == [] and ev.metadata.budget_usd is None
    assert {d.code for d in ev.diagnostics} >= {"bad-value", "bad-document-row"}
    table = parse_text(
        "T\nShare\nDocument | Type | Language | Size | Status | Downloads |\n---|---|\n![]() |\n"
        "tor | English | 1" + "0" * 400 + " KB | Posted | ² |\nLatest Evaluations\n"
    )
    assert [(d.size_kb, d.downloads) for d in table.documents] == [(None, None)]
    assert_round_trip(ev)
    assert_round_trip(table)


def test_lone_surrogates_become_replacement_characters() -> None:
    ev = parse_text("Title a\ud800b\nLatest Evaluations\n")
    assert ev.metadata.title == "a\ufffdb"
    assert [(d.line, d.code) for d in ev.diagnostics if d.code == "bad-characters"] == [(1, "bad-characters")]
    assert_round_trip(ev)


def test_no_value_is_erased_or_replaced_silently() -> None:
    empty = parse_text(
        "The Page Title\n\nShare\nTitle\nStatus: Completed\nStatus:\nLessons\nLatest Evaluations\n"
    )
    assert (empty.metadata.title, empty.metadata.status) == ("The Page Title", "Completed")
    other = parse_text("The Page Title\n\nShare\nTitle Another\nLessons\nLatest Evaluations\n")
    assert other.metadata.title == "Another"
    (d,) = [d for d in other.diagnostics if d.code == "conflicting-values"]
    assert d.line == 1 and "The Page Title" in d.message


def test_a_repeated_paragraph_label_reports_the_text_it_replaces() -> None:
    ev = parse_text(
        "Title T\nComments: First words.\nmore of them\nComments :\nSecond.\nLessons\nLatest Evaluations\n"
    )
    assert ev.metadata.comments == "Second."
    (d,) = [d for d in ev.diagnostics if d.code == "conflicting-values"]
    assert d.line == 2 and "First words.\\nmore of them" in d.message


def test_a_yes_no_nuance_is_kept_only_with_its_value_and_never_dropped() -> None:
    page = "T\n\nManagement Response:\n{}\n\nShare\nTitle T\nManagement Response: {}\nLessons\nLatest Evaluations\n"
    both = parse_text(page.format("Yes (Partial)", "Yes (Mostly)"))
    assert both.metadata.extra == {"Management Response": "Yes (Mostly)"}
    assert [d.line for d in both.diagnostics if d.code == "conflicting-values"] == [4]
    contradicted = parse_text(page.format("Yes (Partial)", "No"))
    assert contradicted.metadata.management_response is False and contradicted.metadata.extra == {}
    assert any(
        "Yes (Partial)" in d.message for d in contradicted.diagnostics if d.code == "conflicting-values"
    )


def test_gef_and_extra_values_are_not_replaced_silently() -> None:
    ev = parse_text(
        "Title T\nGEF Evaluation: Yes\nEvaluation Type: Mid-term Review\nEvaluation Type: Terminal Evaluation\n"
        "Quality Assessment: Good\nQuality Assessment: Fair\nLessons\nLatest Evaluations\n"
    )
    assert ev.metadata.gef is not None and ev.metadata.gef.evaluation_type == "Terminal Evaluation"
    assert ev.metadata.extra == {"Quality Assessment": "Fair"}
    got = sorted((d.line, "Mid-term Review" in d.message or "Good" in d.message) for d in ev.diagnostics)
    assert got == [(3, True), (5, True), (8, False)]  # and the footer


def test_a_repeated_header_label_reports_the_value_it_replaces() -> None:
    ev = parse_text("T\n\nStatus:\nOngoing\nStatus:\nCompleted\n\nShare\nLessons\nLatest Evaluations\n")
    assert ev.metadata.status == "Completed"
    (d,) = [d for d in ev.diagnostics if d.code == "conflicting-values"]
    assert d.line == 4 and "Ongoing" in d.message


def test_text_pending_when_a_cut_dump_ends_is_reported_line_by_line() -> None:
    ev = parse_text("Title T\nKey Actions:\nfirst pending line\nsecond pending line\nthird, cut")
    got = [(d.line, d.code) for d in ev.diagnostics if d.severity == "warning"]
    assert got == [(3, "unparsed-line"), (4, "unparsed-line"), (5, "truncated")]


# --- batch safety -----------------------------------------------------------------------------------

_GOOD = ["evaluations/9396.txt", "managementresponses/9091.txt", "plans/1606.txt"]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp") or p.name.startswith("."))


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """Good dumps, a binary file and an unreadable one (a dangling link; root reads any mode)."""
    src = tmp_path / "src"
    src.mkdir()
    for rel in _GOOD:
        shutil.copy(CORPUS / rel, src / rel.replace("/", "-"))
    (src / "binary.txt").write_bytes(b"PK\x03\x04\x00\x00" + bytes(range(256)) * 4)
    (src / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    if os.geteuid() != 0:
        locked = src / "locked.txt"
        locked.write_text("Title T\n")
        locked.chmod(0)
    return src


@pytest.mark.parametrize("jobs", [1, 2])
def test_failing_inputs_stop_nothing_and_leave_nothing(mixed: Path, tmp_path: Path, jobs: int) -> None:
    out = tmp_path / "out"
    report = convert([str(mixed)], out, jobs=jobs)
    failed = sorted(Path(p).name for p, _ in report.failed)
    assert failed == sorted(["binary.txt", "gone.txt"] + (["locked.txt"] if os.geteuid() != 0 else []))
    assert report.converted == len(_GOOD)
    produced = sorted(p.name for p in out.iterdir())
    assert produced == sorted(rel.replace("/", "-")[:-4] + ".json" for rel in _GOOD)
    assert _leftovers(out) == []
    for p in out.iterdir():
        Evaluation.model_validate_json(p.read_text(encoding="utf-8"))


def test_the_cli_reports_each_failing_input_on_one_line_and_converts_the_rest(
    mixed: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from erc_parse.cli import app

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["convert", str(mixed), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert sorted(name for name in ("binary.txt", "gone.txt") if any(name in x for x in lines)) == [
        "binary.txt",
        "gone.txt",
    ]
    assert all(x.startswith("erc-parse: ") for x in lines)
    assert len(list(out.glob("*.json"))) == len(_GOOD) and _leftovers(out) == []


class _Dying:
    """A file whose write stores half of the data, then fails like an interruption or a full disk."""

    def __init__(self, fh: IO[Any], exc: BaseException) -> None:
        self._fh = fh
        self._exc = exc

    def write(self, data: Any) -> int:
        self._fh.write(data[: len(data) // 2])
        self._fh.flush()
        raise self._exc

    @property
    def buffer(self) -> _Dying:
        """The bytes under the text (what convert writes JSON to) die the same way."""
        return _Dying(self._fh.buffer, self._exc)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)

    def __enter__(self) -> _Dying:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()


def _dying_open(victim: str | Callable[[str], bool], exc: BaseException) -> Any:
    """``open`` that hands out a dying file for the victim's paths (containing it, or chosen by it)."""
    import builtins

    chosen = victim if callable(victim) else (lambda path: victim in path)

    def fake(path: Any, *args: Any, **kwargs: Any) -> Any:
        fh = builtins.open(path, *args, **kwargs)
        return _Dying(fh, exc) if chosen(os.fspath(path)) else fh

    return fake


def _inputs(tmp_path: Path, n: int = 4) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for i, path in enumerate(CORPUS_FILES[:n]):
        shutil.copy(path, src / f"{i}.txt")
    return src


def test_interrupted_json_write_leaves_no_partial_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    src, out = _inputs(tmp_path), tmp_path / "out"
    out.mkdir()
    (out / "2.json").write_text("previous run")  # an older output must survive, untouched
    monkeypatch.setattr(export_pkg, "open", _dying_open("2.json", KeyboardInterrupt()), raising=False)
    with pytest.raises(KeyboardInterrupt):
        convert([str(src)], out, jobs=1)
    assert (out / "2.json").read_text() == "previous run"
    assert _leftovers(out) == []
    assert sorted(p.name for p in out.iterdir()) == ["0.json", "1.json", "2.json"]  # 3 never started
    for name in ("0.json", "1.json"):
        Evaluation.model_validate_json((out / name).read_text(encoding="utf-8"))


def test_failed_json_write_stops_the_batch_and_leaves_whole_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A full disk fails every output alike: the batch stops at the first (issue 14, point 12)."""
    src, out = _inputs(tmp_path), tmp_path / "out"
    monkeypatch.setattr(
        export_pkg, "open", _dying_open("1.json", OSError(28, "No space left on device")), raising=False
    )
    with pytest.raises(export_pkg.OutputError) as info:
        convert([str(src)], out, jobs=1)
    assert str(info.value) == f"cannot write {out / '1.json'}: no space left on the device"
    assert sorted(p.name for p in out.iterdir()) == ["0.json"]
    assert _leftovers(out) == []


def test_interrupted_csv_write_leaves_no_partial_table(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    src, out = _inputs(tmp_path, 2), tmp_path / "out"

    def of_input_1(path: str) -> bool:  # its tables' folder, or the hidden one they are written in
        folder = Path(path).parent.name
        return folder == "1" or folder.startswith(".1.")

    monkeypatch.setattr(export_pkg, "open", _dying_open(of_input_1, KeyboardInterrupt()), raising=False)
    with pytest.raises(KeyboardInterrupt):
        convert([str(src)], out, fmt="csv", jobs=1)
    assert _leftovers(out) == []
    assert _tables(out / "1") == {}  # no table of the interrupted input
    assert len(list((out / "0").iterdir())) == len(csvout.TABLES)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_during_a_parallel_convert_leaves_only_whole_files(tmp_path: Path) -> None:
    """A real Ctrl-C (SIGINT to the process group) in the middle of a two-worker run."""
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    sample = SAMPLE.read_bytes()
    for i in range(400):
        (src / f"{i:03}.txt").write_bytes(sample)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "erc_parse", "convert", str(src), "--out", str(out), "-j", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(list(out.glob("*.json"))) < 5 and proc.poll() is None:
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
    assert proc.returncode != 0
    outputs = list(out.glob("*.json"))
    assert 0 < len(outputs) < 400, "the interrupt should land mid-run"
    assert _leftovers(out) == []
    for path in outputs:
        Evaluation.model_validate_json(path.read_text(encoding="utf-8"))


# Two problems the properties found in batch.py / export (fixed there in 51605fc): a
# folder cache that went stale between two batches of one process, and CSV tables
# renamed one by one, so that an interruption left a folder with some of them.


def test_a_second_convert_in_one_process_recreates_a_removed_output_folder(tmp_path: Path) -> None:
    src, out = _inputs(tmp_path, 2), tmp_path / "out" / "json"
    assert convert([str(src)], out, jobs=1).ok
    shutil.rmtree(tmp_path / "out")
    report = convert([str(src)], out, jobs=1)
    assert report.failed == [] and report.converted == 2


def _tables(folder: Path) -> dict[str, str]:
    return (
        {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())} if folder.exists() else {}
    )


@pytest.mark.parametrize("previous", [False, True], ids=["first-run", "over-a-previous-run"])
def test_csv_interrupted_at_any_rename_leaves_the_old_tables_or_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, previous: bool
) -> None:
    """Ctrl-C at each rename of a CSV conversion: never a mix of tables, never a leftover."""
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    before: dict[str, str] = {}
    if previous:
        shutil.copy(CORPUS_FILES[1], src / "0.txt")
        assert convert([str(src)], out, fmt="csv", jobs=1).ok
        before = _tables(out / "0")
    shutil.copy(CORPUS_FILES[0], src / "0.txt")
    real = os.replace
    renames: list[str] = []

    def counting(a: Any, b: Any) -> None:
        renames.append(os.fspath(a))
        real(a, b)

    snapshot = tmp_path / "snapshot"
    if out.exists():
        shutil.copytree(out, snapshot)
    with monkeypatch.context() as m:
        m.setattr(os, "replace", counting)
        assert convert([str(src)], out, fmt="csv", jobs=1).ok
    after = _tables(out / "0")
    assert len(after) == len(csvout.TABLES) and after != before
    for k in range(1, len(renames) + 1):
        shutil.rmtree(out)
        if snapshot.exists():
            shutil.copytree(snapshot, out)
        calls: list[str] = []

        def dying(a: Any, b: Any, k: int = k, calls: list[str] = calls) -> None:
            calls.append(os.fspath(a))
            if len(calls) == k:
                raise KeyboardInterrupt
            real(a, b)

        with monkeypatch.context() as m, pytest.raises(KeyboardInterrupt):
            m.setattr(os, "replace", dying)
            convert([str(src)], out, fmt="csv", jobs=1)
        assert _leftovers(out) == [], k
        # The previous run's tables whole, or the new ones whole; on a first run, none.
        assert _tables(out / "0") in ((before, after) if previous else ({}, after)), k
