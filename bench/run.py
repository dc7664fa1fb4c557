"""erc-parse benchmark: parsing against a floor, start-up, convert, memory and linear time.

    uv run python bench/run.py [--quick] [--only PART]

Every figure with a target is a ratio of two timings taken in this run, interleaved in rounds,
best of the rounds: on a shared, noisy machine seconds from two runs do not compare, ratios
measured side by side do. bench/README.md says what each row measures, why, and the targets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import psutil

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "ilms-western-balkans-2018.txt"
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
OUT = ROOT / "bench" / "out"
MB = 1_000_000
# The floor: the least a line parser of these dumps does. Split the text into lines and try
# on each the shapes that open something (a number, a stamp, a `Label:`, a document row).
LINE = re.compile(r"^(?:(\d+(?:\.\d+)*)\.?\s|\[Added: |([A-Z][\w ()$]+):\s?|Download document )")

Entry = dict[str, Any]
T = TypeVar("T")

# --- the table: one spec per row (result path, what is measured, target ratio) ------------

MIXES = {"pages": "sample page repeated", "cut": "cut corpus dumps"}
VARIANTS = {
    "floor": "floor: `splitlines()` + `LINE.match` per line",
    "parse": "`parse_text`",
    "parse_json": "`parse_text` + `model_dump_json()`",
    "parse_bytes": "`parse_text` + JSON as bytes (`jsonout.encode`, as `convert` writes)",
    "json": "`model_dump_json()` alone, of models already parsed",
    "cold": "`parse_text` + JSON, value caches emptied before every dump",
}
LINEAR = {
    "long_line": "a 2 MB single line",
    "long_line_as_row": "the sample + that line as a key-action row",
    "spaces_as_row": "the sample + a row holding 2 MB of spaces",
    "concat_40": "40 dumps concatenated",
    "ka_numbers_1mb": "the sample + 1 MB of `1.1.` lines",
    "blank_lines_200k": "the sample + 200,000 blank lines",
}
ROWS: list[tuple[str, str, float | None]] = [
    *(
        (
            f"throughput/{mix}/{key}",
            f"{what} ({label})",
            4.0 if (mix, key) == ("pages", "parse_json") else None,
        )
        for mix, label in MIXES.items()
        for key, what in VARIANTS.items()
    ),
    ("startup/typer", '`python -c "import typer"`, CPU time', None),
    ("startup/help", "`erc-parse --help`, CPU time", 1.3),
    ("startup/version", "`erc-parse --version`, CPU time", 1.1),
    ("convert/jobs1", "`convert` 1,600 files `--jobs 1`, wall time", None),
    ("convert/jobs2", "`convert` 1,600 files `--jobs 2`, wall time", 0.6),
    ("memory/process_400", "`convert --jobs 2` peak RSS, largest process, 400 files", None),
    ("memory/process_1600", "the same, 1,600 files", 1.1),
    ("memory/tree_400", "`convert --jobs 2` peak RSS summed over the tree, 400 files", None),
    ("memory/tree_1600", "the same, 1,600 files", 1.1),
    *((f"linear/{key}", f"linear: {what}; time/MB at 4x the size", 2.0) for key, what in LINEAR.items()),
]
# Extra figures an entry may carry, shown after its time in the result column.
EXTRAS = {
    "mb_per_s": "{:.1f} MB/s",
    "wall_ms": "wall {:.0f} ms",
    "cpu_s": "CPU {:.2f} s",
    "others_cores": "others kept {:.1f} cores busy",
    "mb": "{:.1f} MB",
    "vs_normal": "{:.2f}x normal time/MB",
}


def result_cell(e: Entry) -> str:
    text = f"{e['best']:.4g} {e['unit']}" + (f" (median {e['median']:.4g})" if e.get("runs", 0) > 1 else "")
    return text + "".join(f", {fmt.format(e[key])}" for key, fmt in EXTRAS.items() if key in e)


def ratio_cell(e: Entry) -> str:
    median = f" (median {e['ratio_median']:.2f}x)" if e.get("runs", 0) > 1 else ""
    return f"{e['ratio']:.2f}x{median}" if "ratio" in e else ""  # no ratio: a blow-up


def target_cell(e: Entry, target: float | None) -> str:
    met = target is not None and e.get("ratio", float("inf")) <= target
    return "" if target is None else f"<= {target:.1f}x: " + ("met" if met else "not met")


def table(res: dict[str, Any]) -> str:
    """The results as a Markdown table, padded so that it reads in a terminal as well."""
    rows: list[tuple[str, ...]] = [("measure", "result", "ratio", "target")]
    for path, label, target in ROWS:
        e = functools.reduce(lambda d, key: d.get(key, {}), path.split("/"), res)
        if e:
            rows.append((label, result_cell(e), ratio_cell(e), target_cell(e, target)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    rows.insert(1, tuple("-" * w for w in widths))
    return "\n".join(
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    )


def context(res: dict[str, Any]) -> str:
    tp = res.get("throughput", {})
    mixes = "; ".join(f"{MIXES[mix]}: {m['mb']:.1f} MB, {m['dumps']} dumps" for mix, m in tp.items())
    quick, mixes = " (--quick)" if res["quick"] else "", f". Mixes: {mixes}" if mixes else ""
    return (
        f"{res['date']}, Python {res['python']}, {res['cpus']} CPUs, load average (1/5/15 min)"
        f" {res['load_before']} before, {res.get('load_after')} after{quick}{mixes}."
    )


# --- measuring ---------------------------------------------------------------------------


def entry(runs: list[float], unit: str, base: list[float], scale: float = 1.0, **extra: float) -> Entry:
    """Best and median of ``runs`` in ``unit`` (seconds times ``scale``), and their ratios to ``base``'s."""
    best, median = min(runs), statistics.median(runs)
    e = {"best": best * scale, "median": median * scale, "ratio": best / min(base)}
    e |= {"ratio_median": median / statistics.median(base)} | extra
    return {k: round(v, 4) for k, v in e.items()} | {"unit": unit, "runs": len(runs)}


def interleaved(jobs: dict[str, Callable[[], T]], rounds: int) -> dict[str, list[T]]:
    """Each job once per round, in rotating order, so a busy minute slows every variant alike."""
    times: dict[str, list[T]] = {name: [] for name in jobs}
    names = list(jobs)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            gc.collect()
            times[name].append(jobs[name]())
    return times


def cpu_time(fn: Callable[..., object], *args: Any) -> float:
    """``fn(*args)`` timed in CPU time of this process: time spent descheduled by others is not ours."""
    start = time.process_time()
    fn(*args)
    return time.process_time() - start


def child_env() -> dict[str, str]:
    """The user's environment as an installed tool sees it.

    Without ``PYTHONDONTWRITEBYTECODE`` the warm-up leaves ``.pyc`` files behind, as an install
    does; with it, every start would compile typer from source. Typer's switches are dropped.
    """
    drop = ("PYTHONDONTWRITEBYTECODE", "TYPER_", "_TYPER")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


def cli() -> list[str]:
    script = Path(sys.executable).with_name("erc-parse")
    return [str(script)] if script.exists() else [sys.executable, "-m", "erc_parse"]


def busy_s() -> float:
    """CPU seconds the whole machine has used so far."""
    t = psutil.cpu_times()
    return float(sum(t) - t.idle - sum(getattr(t, k, 0.0) for k in ("iowait", "guest", "guest_nice")))


def run(cmd: list[str], memory: bool = False) -> dict[str, float]:
    """Run ``cmd``: wall time, CPU time of its process tree, CPU others used meanwhile, and
    (if ``memory``) the peak RSS of its largest process and of the tree summed, sampled every
    10 ms by psutil (sampling costs CPU, so timed runs go without it)."""
    peaks = {"process_mb": 0.0, "tree_mb": 0.0}
    done = threading.Event()
    busy0, start = busy_s(), time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=child_env())

    def sample(root: psutil.Process) -> None:
        while not done.wait(0.01):
            rss = []
            try:
                for p in [root, *root.children(recursive=True)]:
                    rss.append(p.memory_info().rss / 2**20)
            except psutil.Error:  # a process ended between the listing and the reading
                pass
            peaks["process_mb"] = max(peaks["process_mb"], *rss, 0.0)
            peaks["tree_mb"] = max(peaks["tree_mb"], sum(rss))

    sampler = threading.Thread(target=sample, args=(psutil.Process(proc.pid),), daemon=True)
    if memory:
        sampler.start()
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)  # the CPU time of the whole tree, children reaped
    wall = time.perf_counter() - start
    done.set()
    if memory:
        sampler.join()
    if code := os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"{' '.join(cmd)} exited {code}: {err.decode(errors='replace')}")
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall": wall, "cpu": cpu, "others": max(0.0, busy_s() - busy0 - cpu)} | peaks


# --- inputs ------------------------------------------------------------------------------


def dumps() -> list[str]:
    """The sample page first, then every corpus dump, in a fixed order."""
    paths = [SAMPLE, *sorted(CORPUS.glob("*/*.txt"))]
    return [p.read_text(encoding="utf-8") for p in paths]


def repeat(texts: list[str], mb: float) -> list[str]:
    """``texts`` repeated as a whole until they hold ``mb`` megabytes."""
    return texts * -(-int(mb * MB) // sum(len(t.encode()) for t in texts))


def generate(folder: Path, n: int) -> Path:
    """``n`` files: the sample and the corpus dumps repeated as a set, so any ``n`` has the same mix."""
    if not folder.exists():
        folder.mkdir(parents=True)
        texts = dumps()
        for i in range(n):
            (folder / f"{i:05d}.txt").write_text(texts[i % len(texts)], encoding="utf-8")
    return folder


# --- the parts ---------------------------------------------------------------------------


def throughput(texts: list[str], rounds: int) -> dict[str, Any]:
    """Floor, parse, parse + JSON and JSON alone over ``texts``, in CPU time, after a warm-up."""
    from erc_parse import parse_text
    from erc_parse.export.jsonout import encode

    parsed = [parse_text(t) for t in texts]  # also the warm-up: imports, regexes, the gazetteer
    match = LINE.match

    def floor() -> None:
        for text in texts:
            for line in text.splitlines():
                match(line)

    def parse() -> None:
        for text in texts:
            parse_text(text)

    def parse_json() -> None:
        for text in texts:
            parse_text(text).model_dump_json()

    def json_only() -> None:
        for ev in parsed:
            ev.model_dump_json()

    def parse_bytes() -> None:
        for text in texts:
            encode(parse_text(text), indent=None)

    jobs = dict(floor=floor, parse=parse, parse_json=parse_json, parse_bytes=parse_bytes, json=json_only)
    try:  # months, days and countries are cached per spelling; replicas hit those caches more often
        from erc_parse.normalize.values import clear_caches

        def cold() -> None:
            for text in texts:
                clear_caches()
                parse_text(text).model_dump_json()

        jobs["cold"] = cold
    except ImportError:
        pass
    times = interleaved({name: functools.partial(cpu_time, fn) for name, fn in jobs.items()}, rounds)
    mb = sum(len(t.encode()) for t in texts) / MB
    res: dict[str, Any] = {"mb": round(mb, 2), "dumps": len(texts)}
    for name, runs in times.items():
        res[name] = entry(runs, "s", times["floor"], mb_per_s=round(mb / min(runs), 2))
    return res


def throughput_part(tmp: Path, rounds: int) -> dict[str, Any]:
    """The two mixes: whole pages (the sample repeated) and the cut corpus dumps."""
    texts, mb = dumps(), 10.0 if rounds > 1 else 2.0
    return {
        "pages": throughput(repeat(texts[:1], mb), rounds),
        "cut": throughput(repeat(texts[1:], mb), rounds),
    }


def startup(tmp: Path, rounds: int) -> dict[str, Entry]:
    """``--help`` and ``--version`` against ``import typer``: fresh processes, CPU time."""
    commands = {
        "typer": [sys.executable, "-c", "import typer"],
        "help": [*cli(), "--help"],
        "version": [*cli(), "--version"],
    }
    for cmd in commands.values():  # warm the file cache and write the .pyc files
        run(cmd)
    got = interleaved({name: functools.partial(run, cmd) for name, cmd in commands.items()}, rounds)
    cpu = {name: [r["cpu"] for r in runs] for name, runs in got.items()}
    wall = {name: min(r["wall"] for r in runs) * 1000 for name, runs in got.items()}
    return {name: entry(cpu[name], "ms", cpu["typer"], 1000, wall_ms=wall[name]) for name in commands}


def convert(tmp: Path, n: int, jobs: int, memory: bool = False) -> dict[str, float]:
    """One measured ``erc-parse convert`` over ``n`` generated files, into a fresh folder."""
    out = tempfile.mkdtemp(prefix="out-", dir=tmp)
    try:
        src = generate(tmp / f"in-{n}", n)
        return run([*cli(), "convert", str(src), "--out", out, "--jobs", str(jobs)], memory)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def convert_part(tmp: Path, rounds: int) -> dict[str, Entry]:
    """``convert --jobs 1`` against ``--jobs 2`` on 1,600 files: wall time, what the user waits."""
    convert(tmp, 1600, 2)  # warm-up: the file cache, .pyc files
    got = interleaved({f"jobs{n}": functools.partial(convert, tmp, 1600, n) for n in (1, 2)}, rounds)
    wall = {name: [r["wall"] for r in runs] for name, runs in got.items()}
    res = {}
    for name, runs in got.items():
        best = min(runs, key=lambda r: r["wall"])
        extra = {"cpu_s": best["cpu"], "others_cores": best["others"] / best["wall"]}
        res[name] = entry(wall[name], "s", wall["jobs1"], **extra)
    return res


def memory_part(tmp: Path, rounds: int) -> dict[str, Entry]:
    """Peak RSS of ``convert --jobs 2`` for 400 and 1,600 files: the highest of the rounds."""
    got = {n: [convert(tmp, n, 2, memory=True) for _ in range(rounds)] for n in (400, 1600)}
    peak = {(kind, n): max(r[f"{kind}_mb"] for r in got[n]) for kind in ("process", "tree") for n in got}
    return {
        f"{kind}_{n}": {"best": round(mb, 1), "unit": "MB", "ratio": round(mb / peak[kind, 400], 3)}
        for (kind, n), mb in peak.items()
    }


def after(text: str, marker: str, block: str) -> str:
    """``text`` with ``block`` inserted after the first line that starts with ``marker``."""
    at = text.index("\n", text.index("\n" + marker) + 1) + 1
    return text[:at] + block + text[at:]


def pathological(sample: str, corpus: list[str]) -> dict[str, Callable[[float], str]]:
    """The inputs of issue 6, each built at a scale (1.0: the sizes the names say)."""
    prose = " ".join(line.strip() for line in sample.splitlines() if line.strip())

    def line(scale: float) -> str:  # the sample's own text as one line: labels, stamps, dates, pipes
        size = int(2 * MB * scale)
        return (prose * (size // len(prose) + 1))[:size] + "\n"

    return {
        "long_line": line,
        # As the row after a key-action stamp, where the heaviest regexes run.
        "long_line_as_row": lambda s: after(sample, "[Added:", line(s)),
        # A run of spaces in such a row: where a `\s*` after a lazy group would backtrack.
        "spaces_as_row": lambda s: after(
            sample, "[Added:", "a" + " " * int(2 * MB * s) + "b 2019/12 Completed\n"
        ),
        # Cut dumps first (without the footer that ends a page), the whole page last.
        "concat_40": lambda s: "\n".join([*corpus[: max(2, int(40 * s)) - 1], sample]),
        "ka_numbers_1mb": lambda s: after(sample, "Key Actions:", "1.1.\n" * int(MB * s / 5)),
        "blank_lines_200k": lambda s: after(sample, "Key Actions:", "\n" * int(200_000 * s)),
    }


def linear_part(tmp: Path, rounds: int) -> dict[str, Entry]:
    """Time per MB at four times the size against the size itself: ~1x linear, ~4x quadratic.

    Four times, not twice: the allocator alone (fresh or reused pages for multi-megabyte
    strings) moves time per MB by up to ~2x between sizes; a quadratic ~4x stands clear of it.
    """
    from erc_parse import parse_text

    texts = dumps()
    normal = min(cpu_time(lambda: [parse_text(t) for t in texts]) for _ in range(3))
    normal /= sum(len(t.encode()) for t in texts) / MB
    res: dict[str, Entry] = {}
    for name, build in pathological(texts[0], texts[1:]).items():
        gc.collect()  # one input alive at a time: others' megabytes would fragment the heap
        tiny = build(1 / 64)
        took = cpu_time(parse_text, tiny)  # a blow-up at full size could take hours
        if took > 0.5:
            res[name] = {"best": round(took, 3), "unit": "s at 1/64 of the size: a blow-up"}
            continue
        sizes = {"x1": build(1.0), "x4": build(4.0)}
        best = dict.fromkeys(sizes, float("inf"))
        spent, done = 0.0, 0
        while done < rounds or spent < 0.3:  # a few ms timed once are noise: alternate, keep the best
            for key, text in sizes.items():
                took = cpu_time(parse_text, text)
                best[key], spent = min(best[key], took), spent + took
            done += 1
        per_mb = {key: best[key] / (len(text.encode()) / MB) for key, text in sizes.items()}
        res[name] = {
            "best": round(best["x1"], 4),
            "unit": "s",
            "mb": round(len(sizes["x1"].encode()) / MB, 2),
            "vs_normal": round(per_mb["x1"] / normal, 2),
            "ratio": round(per_mb["x4"] / per_mb["x1"], 2),
        }
    return res


def profile(texts: list[str], top: int = 30) -> str:
    """cProfile of parse + JSON by own time (it inflates small, often-called functions)."""
    import cProfile
    import io
    import pstats

    from erc_parse import parse_text

    [parse_text(text).model_dump_json() for text in texts[:200]]  # the warm-up
    prof = cProfile.Profile()
    prof.enable()
    for text in texts:
        parse_text(text).model_dump_json()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    return f"{len(texts)} dumps\n{out.getvalue()}"


# --- main --------------------------------------------------------------------------------

# Each part: what it runs (given a scratch folder and rounds), its rounds in a full run and in
# a quick one (five start-ups: one alone is noise).
PARTS: dict[str, tuple[Callable[[Path, int], dict[str, Any]], int, int]] = {
    "startup": (startup, 15, 5),
    "convert": (convert_part, 3, 1),
    "memory": (memory_part, 2, 1),
    "throughput": (throughput_part, 5, 1),
    "linear": (linear_part, 5, 1),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="one short round of everything")
    ap.add_argument("--only", choices=[*PARTS, "profile"], help="one part; profile: cProfile of parse + JSON")
    args = ap.parse_args(argv)
    if args.only == "profile":
        print(profile(repeat(dumps(), 2.0)))
        return 0
    from erc_parse import parser  # the installed one: pure Python, or the compiled build's

    kind = "pure Python" if parser.__file__.endswith(".py") else "compiled (mypyc)"
    res: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "python": f"{platform.python_version()}, parser {kind}",
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "quick": args.quick,
        "floor_regex": LINE.pattern,
        "load_before": [round(x, 2) for x in psutil.getloadavg()],
    }
    tmp = Path(tempfile.mkdtemp(prefix="erc-bench-"))
    try:
        for part in [args.only] if args.only else PARTS:
            print(f"{part} ...", file=sys.stderr, flush=True)
            fn, full, quick = PARTS[part]
            res[part] = fn(tmp, quick if args.quick else full)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res["load_after"] = [round(x, 2) for x in psutil.getloadavg()]

    OUT.mkdir(parents=True, exist_ok=True)
    name = f"latest-{args.only}.json" if args.only else "latest.json"
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for file in (name, f"results-{stamp}.json"):
        (OUT / file).write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    print(f"{table(res)}\n\n{context(res)}\n\nwritten: {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
