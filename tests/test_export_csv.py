"""CSV export: exact cells against the page, and tables that agree with the JSON export.

The expected texts below were read off the dumps by hand (the sample page and corpus
pages 11226, a GEF evaluation, and 12718, with unknown labels in ``extra``); the cell
rules (empty cells, ``true``/``false``, line-joined lists, JSON ``extra``, the ``'``
before formula characters) are checked on exact strings, so that a writer that shifts a
position, empties a column or drops the quote fails here.

Mutation testing (``uv run mutmut run``, see bench/README.md): 95 of 98 mutants of
csvout.py killed, 221 of 224 of tables.py. The survivors are equivalent mutants, which no
test can kill:

- ``json.dumps(..., ensure_ascii=None)`` for ``False``: both falsy;
- ``atomic_open(..., newline=None)`` or no ``newline`` for ``""``: the csv module writes
  ``\r\n`` itself and, on POSIX, no newline translation adds anything to it;
- in tables.py, ``zip(..., strict=True)`` made ``None``, ``False`` or left out: the keys
  and their values always have the same length (``strict`` only guards against a bug).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from erc_parse import parse_file
from erc_parse.cli import app
from erc_parse.export import evaluation_id
from erc_parse.export.csvout import TABLES, cell, neutralise, rows, unneutralise, write_rows, write_tables
from erc_parse.models import (
    Country,
    Diagnostic,
    Evaluation,
    Gef,
    Item,
    KeyAction,
    ManagementResponse,
    Metadata,
    Source,
    TeamMember,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "ilms-western-balkans-2018.txt"
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
GEF_PAGE = CORPUS / "evaluations" / "11226.txt"
EXTRA_PAGE = CORPUS / "evaluations" / "12718.txt"
INPUTS = [
    SAMPLE,
    CORPUS / "evaluations" / "6921.txt",
    CORPUS / "evaluations" / "9894.txt",
    CORPUS / "managementresponses" / "9846.txt",
    CORPUS / "plans" / "1606.txt",
    GEF_PAGE,
    EXTRA_PAGE,
]
S = "705ebee8699387ce101b1dfd5d43af7a538564cf2ccd1f022f4e65a450d6fee4"  # the sample's sha256
G = "2873da406af247c1dd5a19064cd9094cf054b6c8fab7e16d67486ba562379c38"  # 11226's
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
NUMERIC = {"position", "number", "recommendation_number", "budget_usd",
           "expenditure_usd", "size_kb", "downloads"}  # fmt: skip

runner = CliRunner()


def raw_table(folder: Path, name: str) -> list[dict[str, str]]:
    """The cells as written (no unquoting)."""
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == TABLES[name]
        return list(reader)


def read_table(folder: Path, name: str) -> list[dict[str, str]]:
    return [{k: unneutralise(v) for k, v in row.items()} for row in raw_table(folder, name)]


def of(rows: list[dict[str, str]], eid: str) -> list[dict[str, str]]:
    return [row for row in rows if row["evaluation_id"] == eid]


def expected(value: Any) -> str:
    """The documented cell rules, applied to a value from the JSON export."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "\n".join(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    return str(value)


def pick(obj: dict[str, Any], *names: str) -> dict[str, str]:
    return {name: expected(obj[name]) for name in names}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("csv") / "tables"  # created by the export
    args = ["export", *(os.path.relpath(p, ROOT) for p in INPUTS)]
    cwd = os.getcwd()
    os.chdir(ROOT)  # relative paths, as a user types them: source_path is what was given
    try:
        result = runner.invoke(app, [*args, "--format", "csv", "-o", str(folder)])
        as_json = json.loads(runner.invoke(app, args).stdout)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    return folder, as_json


# ----------------------------------------------------------------- exact cells


def test_the_nine_tables_and_their_columns(exported: tuple[Path, list[dict[str, Any]]]) -> None:
    folder, _ = exported
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    assert list(TABLES) == ["evaluations", "team", "countries", "documents", "lessons", "findings",
                            "recommendations", "management_responses", "key_actions"]  # fmt: skip
    assert TABLES["team"] == ("id", "evaluation_id", "position", "name", "title", "email", "nationality")
    assert TABLES["key_actions"][:5] == ("id", "evaluation_id", "response_id", "position", "number")
    assert TABLES["evaluations"][:8] == (
        "evaluation_id", "schema_version", "source_path", "source_sha256", "kind", "layout", "truncated", "title",
    )  # fmt: skip
    gef = TABLES["evaluations"].index("gef")
    assert TABLES["evaluations"][gef : gef + 8] == (
        "gef", "gef_project_title", "gef_evaluation_type", "gef_focal_area", "gef_project_type",
        "gef_phase", "gef_project_id", "gef_pims_number",
    )  # fmt: skip
    assert TABLES["evaluations"][-1] == "extra" and "diagnostics" not in TABLES


def test_sample_evaluation_row(exported: tuple[Path, list[dict[str, Any]]]) -> None:
    folder, _ = exported
    (row,) = of(raw_table(folder, "evaluations"), S)
    empty = [k for k, v in row.items() if v == ""]
    assert {k: v for k, v in row.items() if v != ""} == {
        "evaluation_id": S,
        "schema_version": "1.0",
        "source_path": "samples/ilms-western-balkans-2018.txt",
        "source_sha256": S,
        "kind": "evaluation",
        "layout": "plain",
        "truncated": "false",
        "title": "Promoting Inclusive Labour Market Solutions in the Western Balkans",
        "atlas_project_numbers": "00095840",
        "evaluation_plan": "2018-2021, RBEC",
        "evaluation_type": "Final Project",
        "status": "Completed",
        "completion_date": "2018-11",
        "planned_end_date": "2018-09",
        "management_response": "true",
        "budget_usd": "13200",
        "expenditure_usd": "13200",
        "source_of_funding": "Project",
        "strategic_plan": "2018-2021",
        "corporate_outcomes": row["corporate_outcomes"],
        "joint_programme": "false",
        "joint_evaluation": "false",
        "gef": "false",
        "key_stakeholders": "Country Offices\nILO",  # a list: one item per line
        "commissioning_unit": "RBEC",
    }
    assert row["corporate_outcomes"].startswith("Output 1.1.2 Marginalised groups, particularly the poor")
    assert "mandatory" in empty and "gef_project_id" in empty and "extra" in empty and "summary" in empty


def test_sample_child_rows_are_numbered_from_one(exported: tuple[Path, list[dict[str, Any]]]) -> None:
    folder, _ = exported
    documents = of(raw_table(folder, "documents"), S)
    assert [
        (d["id"], d["position"], d["filename"], d["type"], d["size_kb"], d["downloads"]) for d in documents
    ] == [
        (f"{S}:1", "1", "ToR_Evaluation_ILMS_Final.pdf", "tor", "167.71", "44"),
        (f"{S}:2", "2", "UNDP WB ILM Final Evaluation Report 2018_final.pdf", "report", "1710.55", "75"),
        (f"{S}:3", "3", "Annex 4 Logframe matrix.docx", "related-document", "137.59", "32"),
    ]
    assert {(d["language"], d["status"]) for d in documents} == {("English", "Posted")}
    assert of(raw_table(folder, "team"), S) == [
        {"id": f"{S}:1", "evaluation_id": S, "position": "1", "name": "Thomas Vasseur",
         "title": "Independent Evaluator", "email": "thomas.vasseur@gmail.com", "nationality": ""},
    ]  # fmt: skip
    countries = of(raw_table(folder, "countries"), S)
    assert [(c["id"], c["position"], c["name"], c["iso3"]) for c in countries] == [
        (f"{S}:1", "1", "ALBANIA", "ALB"),
        (f"{S}:2", "2", "BOSNIA AND HERCEGOVINA", "BIH"),
        (f"{S}:3", "3", "KOSOVO", ""),
        (f"{S}:4", "4", "MACEDONIA, THE FORMER YUGOSLAV REPUBLIC OF", "MKD"),
        (f"{S}:5", "5", "MONTENEGRO", "MNE"),
        (f"{S}:6", "6", "SERBIA", "SRB"),
        (f"{S}:7", "7", "TURKEY", "TUR"),
    ]
    (lesson,) = of(raw_table(folder, "lessons"), S)
    assert (lesson["id"], lesson["position"], lesson["number"], lesson["heading"]) == (f"{S}:1", "1", "1", "")
    assert lesson["text"].startswith("The regional dimension of ILMS is not just an add-on but offers")


def test_sample_responses_and_key_actions(exported: tuple[Path, list[dict[str, Any]]]) -> None:
    folder, _ = exported
    responses = of(raw_table(folder, "management_responses"), S)
    assert [(r["id"], r["position"], r["recommendation_number"]) for r in responses] == [
        (f"{S}:{n}", str(n), str(n)) for n in range(1, 12)
    ]
    assert responses[0]["added"] == "2018-11-23" and responses[0]["last_updated"] == ""
    assert responses[0]["response"].startswith(
        "UNDP as the Executive of the Project accept this recommendation"
    )
    actions = of(raw_table(folder, "key_actions"), S)
    assert len(actions) == 25
    assert [a["status"] for a in actions].count("Completed") == 15
    assert [a["status"] for a in actions].count("Initiated") == 10
    by_id = {a["id"]: a for a in actions}
    assert by_id[f"{S}:9:3"] == {
        "id": f"{S}:9:3", "evaluation_id": S, "response_id": f"{S}:9", "position": "3", "number": "9.3",
        "text": "Use the available ILO Guidelines and training materials on TEPs/LEPs",
        "added": "2018-12-17", "last_updated": "", "responsible": "SDT IRH/ES UNDP COs /NPC", "due": "2019-06",
        "status": "Initiated", "comments": "ILMS II foresees LEP workshops/trainings organized by ILO",
        "justification": "", "has_history": "false",
    }  # fmt: skip
    second = by_id[f"{S}:9:4"]  # the page numbers it 9.3 too
    assert (second["number"], second["position"], second["last_updated"], second["has_history"]) == (
        "9.3", "4", "2018-12-18", "true",
    )  # fmt: skip
    assert second["text"].startswith("Agree on the particular added value and resources")
    unnumbered = by_id[f"{S}:10:2"]
    assert (unnumbered["number"], unnumbered["due"], unnumbered["status"]) == ("", "2018-12", "Completed")


def test_gef_page_cells(exported: tuple[Path, list[dict[str, Any]]]) -> None:
    folder, _ = exported
    (row,) = of(raw_table(folder, "evaluations"), G)
    assert {k: row[k] for k in TABLES["evaluations"] if k.startswith("gef")} == {
        "gef": "true",
        "gef_project_title": "Senegal National pawesebavu plan",
        "gef_evaluation_type": "Mid-term Review",
        "gef_focal_area": "Climate Change",
        "gef_project_type": "FSP",
        "gef_phase": "GEF-6",
        "gef_project_id": "00109722",  # leading zeros kept: read with dtype=str
        "gef_pims_number": "5428",
    }
    assert (row["budget_usd"], row["expenditure_usd"], row["source_of_funding"]) == ("30000", "24000", "GEF")
    assert (row["joint_programme"], row["joint_evaluation"], row["management_response"]) == (
        "false",
        "false",
        "true",
    )
    assert (row["truncated"], row["atlas_project_numbers"], row["focus_areas"]) == (
        "true",
        "00110519",
        "Cucoja",
    )
    outcomes = row["corporate_outcomes"].split("\n")
    assert [o.split(" ")[1] for o in outcomes] == ["1.4.1", "1.5.1", "2.1.1"]  # three items, three lines
    team = of(raw_table(folder, "team"), G)
    assert [(t["id"], t["position"], t["name"]) for t in team] == [
        (f"{G}:1", "1", "Bezecesum Dirun"),
        (f"{G}:2", "2", "Nedanov memama"),
    ]
    assert of(raw_table(folder, "countries"), G)[0]["name"] == "SENEGAL"


def test_extra_is_a_json_object(exported: tuple[Path, list[dict[str, Any]]]) -> None:
    folder, evaluations = exported
    extra_id = evaluations[INPUTS.index(EXTRA_PAGE)]["source"]["sha256"]
    (row,) = of(raw_table(folder, "evaluations"), extra_id)
    assert row["extra"] == '{"Management Response": "Yes (Partial)", "Quality Assessment": "Yes"}'
    assert row["sdg_goals"].count("\n") == 1 and row["sdg_goals"].startswith("Goal 3. ")


# ----------------------------------------------------------------- agreement with JSON


def test_tables_agree_with_json(exported: tuple[Path, list[dict[str, Any]]]) -> None:
    folder, evaluations = exported
    ids = [ev["source"]["sha256"] for ev in evaluations]
    got = read_table(folder, "evaluations")
    assert [row["evaluation_id"] for row in got] == ids
    for row, ev in zip(got, evaluations, strict=True):
        assert row["source_path"] == ev["source"]["path"]
        assert row["kind"] == ev["kind"] and row["truncated"] == expected(ev["truncated"])
        for name, value in ev["metadata"].items():
            if name not in ("team", "countries", "gef"):
                assert row[name] == expected(value), name
        assert row["gef"] == expected(ev["metadata"]["gef"] is not None)
        for name, value in (ev["metadata"]["gef"] or {}).items():
            assert row[f"gef_{name}"] == expected(value)

    def rows_of(table: str) -> dict[str, list[dict[str, str]]]:
        by_id: dict[str, list[dict[str, str]]] = {i: [] for i in ids}
        for row in read_table(folder, table):
            by_id[row["evaluation_id"]].append(row)
        return by_id

    def values(rows: list[dict[str, str]], *keys: str) -> list[dict[str, str]]:
        return [
            {k: v for k, v in r.items() if k not in ("id", "evaluation_id", "position", *keys)} for r in rows
        ]

    def positions(rows: list[dict[str, str]], parent: str) -> list[tuple[str, str]]:
        return [(r["id"], r["position"]) for r in rows]

    fields = {
        "documents": (
            lambda ev: ev["documents"],
            ("filename", "type", "language", "size_kb", "status", "downloads"),
        ),
        "team": (lambda ev: ev["metadata"]["team"], ("name", "title", "email", "nationality")),
        "countries": (lambda ev: ev["metadata"]["countries"], ("name", "iso3")),
        "lessons": (lambda ev: ev["lessons"], ("number", "heading", "text")),
        "findings": (lambda ev: ev["findings"], ("number", "heading", "text")),
        "recommendations": (lambda ev: ev["recommendations"], ("number", "heading", "text")),
        "management_responses": (
            lambda ev: ev["management_responses"],
            ("recommendation_number", "recommendation", "response", "added", "last_updated"),
        ),
    }
    for table, (items, names) in fields.items():
        by_id = rows_of(table)
        for eid, ev in zip(ids, evaluations, strict=True):
            want = [pick(item, *names) for item in items(ev)]
            assert values(by_id[eid]) == want, table
            assert positions(by_id[eid], eid) == [(f"{eid}:{i}", str(i)) for i in range(1, len(want) + 1)]
    actions = rows_of("key_actions")
    for eid, ev in zip(ids, evaluations, strict=True):
        want_actions = [
            {"response_id": f"{eid}:{r}", **pick(ka, *TABLES["key_actions"][4:])}
            for r, mr in enumerate(ev["management_responses"], 1)
            for ka in mr["key_actions"]
        ]
        assert values(actions[eid]) == want_actions
        assert [(a["id"], a["position"]) for a in actions[eid]] == [
            (f"{eid}:{r}:{k}", str(k))
            for r, mr in enumerate(ev["management_responses"], 1)
            for k in range(1, len(mr["key_actions"]) + 1)
        ]


def test_no_cell_can_run_as_a_formula(exported: tuple[Path, list[dict[str, Any]]]) -> None:
    folder, _ = exported
    for table in TABLES:
        for row in raw_table(folder, table):
            for column, value in row.items():
                if column not in NUMERIC:
                    assert not value.startswith(DANGEROUS), (table, column, value)


def test_rfc4180_utf8_crlf(exported: tuple[Path, list[dict[str, Any]]]) -> None:
    folder, _ = exported
    raw = (folder / "team.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM
    assert raw.decode("utf-8").split("\r\n")[:2] == [
        "id,evaluation_id,position,name,title,email,nationality",
        f"{S}:1,{S},1,Thomas Vasseur,Independent Evaluator,thomas.vasseur@gmail.com,",
    ]
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")


# ----------------------------------------------------------------- the cell rules


def test_cell_rules() -> None:
    assert cell(None) == ""
    assert cell(True) == "true" and cell(False) == "false"
    assert cell(0) == "0" and cell(-5) == "-5" and cell(1.5) == "1.5" and cell(167.71) == "167.71"
    assert cell("") == "" and cell("plain") == "plain"
    assert cell("=1+1") == "'=1+1" and cell("-note") == "'-note"
    assert cell(["a", "b", "c"]) == "a\nb\nc" and cell([]) == ""
    assert cell(("x", "y")) == "x\ny"
    assert cell(["-a", "b"]) == "'-a\nb"  # the cell starts with a formula character
    assert cell({"b": "2", "a": "ü"}) == '{"a": "ü", "b": "2"}'  # sorted keys, UTF-8 kept
    assert cell({}) == ""
    assert cell({"=x": "1"}) == '{"=x": "1"}'  # a JSON object starts with {, never a formula
    assert cell(dt.date(2019, 12, 31)) == "2019-12-31"
    assert cell(dt.timedelta(days=-1)) == "'-1 day, 0:00:00"  # anything else: its text, quoted if need be


@pytest.mark.parametrize("first", DANGEROUS)
def test_each_formula_character_is_quoted(first: str) -> None:
    assert neutralise(first + "x") == "'" + first + "x"
    assert unneutralise("'" + first + "x") == first + "x"
    assert neutralise("x" + first) == "x" + first


def test_unneutralise_keeps_other_quotes() -> None:
    assert unneutralise("'quoted already") == "'quoted already"
    assert unneutralise("'") == "'" and unneutralise("") == ""
    assert unneutralise("''=x") == "''=x"


@given(st.text())
def test_unneutralise_inverts_neutralise(text: str) -> None:
    assert unneutralise(neutralise(text)) == text
    assert not neutralise(text).startswith(DANGEROUS)


def test_write_rows_text() -> None:
    import io

    out = io.StringIO(newline="")
    write_rows(out, ("a", "b", "c"), [[1, None, True], ["=x", ["l1", "l2"], {"k": "v"}]])
    assert out.getvalue() == 'a,b,c\r\n1,,true\r\n\'=x,"l1\nl2","{""k"": ""v""}"\r\n'


def formula_evaluation() -> Evaluation:
    nasty = ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
    return Evaluation(
        source=Source(path="nasty.txt", sha256="f" * 64),
        metadata=Metadata(
            title=nasty[0],
            budget_usd=-5,
            focus_areas=["-a", "b"],
            team=[TeamMember(name="A"), TeamMember(name="B"), TeamMember(name="C")],
            countries=[Country(name="SERBIA", iso3="SRB")],
            gef=Gef(phase="GEF-5"),
            extra={"Quality Assessment": "=Satisfactory"},
        ),
        lessons=[Item(number=i, text=t) for i, t in enumerate(nasty, 1)]
        + [Item(number=9, text="a = b; safe"), Item(number=10, text="'quoted already")],
        management_responses=[
            ManagementResponse(
                key_actions=[KeyAction(number="-", text="line one\nline two", has_history=True)]
            )
        ],
    )


def test_formula_neutralisation_in_the_files(tmp_path: Path) -> None:
    write_tables([formula_evaluation()], tmp_path)
    raw = (tmp_path / "lessons.csv").read_bytes().decode("utf-8")
    f = "f" * 64
    assert raw.split("\r\n")[1:4] == [
        f'{f}:1,{f},1,1,,"\'=HYPERLINK(""http://x"")"',
        f"{f}:2,{f},2,2,,'+1+2",
        f"{f}:3,{f},3,3,,'-2+3",
    ]
    texts = [row["text"] for row in raw_table(tmp_path, "lessons")]
    assert texts == ['\'=HYPERLINK("http://x")', "'+1+2", "'-2+3", "'@SUM(A1)", "'\tTAB", "'\rCR",
                     "a = b; safe", "'quoted already"]  # fmt: skip
    (ev,) = read_table(tmp_path, "evaluations")
    assert ev["title"] == '=HYPERLINK("http://x")'  # unneutralise gives the page text back
    (raw_ev,) = raw_table(tmp_path, "evaluations")
    assert raw_ev["budget_usd"] == "-5"  # numbers are ours, never touched
    assert raw_ev["focus_areas"] == "'-a\nb"
    assert raw_ev["extra"] == '{"Quality Assessment": "=Satisfactory"}'
    assert (raw_ev["gef"], raw_ev["gef_phase"], raw_ev["gef_project_id"]) == ("true", "GEF-5", "")
    assert [(t["position"], t["name"]) for t in raw_table(tmp_path, "team")] == [
        ("1", "A"),
        ("2", "B"),
        ("3", "C"),
    ]
    (ka,) = read_table(tmp_path, "key_actions")
    assert (ka["id"], ka["response_id"], ka["position"]) == (f"{f}:1:1", f"{f}:1", "1")
    assert ka["number"] == "-" and ka["text"] == "line one\nline two" and ka["has_history"] == "true"


# ----------------------------------------------------------------- writing


def test_rows_of_one_evaluation() -> None:
    ev = formula_evaluation()
    ev.diagnostics.append(Diagnostic(line=1, severity="warning", code="odd", message="left out of the CSV"))
    got = list(rows(ev))
    assert [t for t, _ in got] == ["evaluations", "team", "team", "team", "countries", *["lessons"] * 8,
                                   "management_responses", "key_actions"]  # fmt: skip
    assert got[0][1][0] == evaluation_id(ev) == "f" * 64
    assert list(rows(ev, "E"))[4] == ("countries", ["E:1", "E", 1, "SERBIA", "SRB"])
    assert all(len(values) == len(TABLES[table]) for table, values in got)


def test_write_tables_counts_and_creates_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "tables"
    counts = write_tables([formula_evaluation(), parse_file(GEF_PAGE)], folder)
    assert counts == {"evaluations": 2, "team": 5, "countries": 2, "documents": 0, "lessons": 8,
                      "findings": 0, "recommendations": 3, "management_responses": 1, "key_actions": 1}  # fmt: skip
    assert sorted(os.listdir(folder)) == sorted(f"{t}.csv" for t in TABLES)
    # Into a folder that exists: the tables are replaced, nothing else is touched.
    (folder / "notes.txt").write_text("mine")
    assert write_tables([formula_evaluation()], folder)["evaluations"] == 1
    assert len(raw_table(folder, "evaluations")) == 1 and (folder / "notes.txt").read_text() == "mine"


def test_same_dump_twice_is_written_once(tmp_path: Path) -> None:
    ev = formula_evaluation()
    other = Evaluation(source=Source(sha256="e" * 64), lessons=[Item(text="later")])
    counts = write_tables([ev, ev, ev.model_copy(), other], tmp_path)
    assert counts["evaluations"] == 2 and counts["lessons"] == 9 and counts["team"] == 3
    assert [r["evaluation_id"] for r in read_table(tmp_path, "evaluations")] == [evaluation_id(ev), "e" * 64]
    assert [r["id"] for r in read_table(tmp_path, "lessons")][-2:] == [f"{'f' * 64}:8", f"{'e' * 64}:1"]


def test_failure_midway_leaves_old_tables_and_no_temporaries(tmp_path: Path) -> None:
    write_tables([formula_evaluation()], tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def exploding() -> Iterator[Evaluation]:
        yield Evaluation(source=Source(sha256="0" * 64))
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_tables(exploding(), tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_temporary_that_cannot_be_removed_does_not_hide_the_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def exploding() -> Iterator[Evaluation]:
        yield formula_evaluation()
        raise RuntimeError("disk full")

    def cannot_remove(path: str) -> None:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(os, "remove", cannot_remove)
    with pytest.raises(RuntimeError, match="disk full"):
        write_tables(exploding(), tmp_path / "out")
    assert not any(
        p.name.endswith(".csv") for p in (tmp_path / "out").iterdir()
    )  # nothing renamed into place


def test_output_is_a_file_is_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "not-a-folder"
    target.write_text("x")
    result = runner.invoke(app, ["export", str(SAMPLE), "-f", "csv", "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "not a folder" in result.stderr
    assert target.read_text() == "x"
    assert os.listdir(tmp_path) == ["not-a-folder"]
