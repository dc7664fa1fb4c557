"""Same input, same JSON: a before/after check for work on the parser's speed.

    uv run python bench/oracle.py save     # before the change: writes bench/out/oracle.json
    uv run python bench/oracle.py check    # after it: exit 1 and the first differences if any

The inputs are the sample, every corpus dump and golden-pair input, and for each of them
twelve seeded mutants (cut mid-line, lines dropped, duplicated, borrowed from other dumps,
swapped, indented or given stray bullets, pipes and colons), plus its CRLF, upper-case
and lower-case renderings: about 2,100 parses. A speed-up must not change one byte of
any of them. The golden pairs in the test suite check what is *right*; this checks that
nothing *moved*, on inputs no golden file covers.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "bench" / "out" / "oracle.json"


def inputs() -> list[str]:
    texts = [(ROOT / "samples" / "ilms-western-balkans-2018.txt").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("tests/fixtures/corpus/*/*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("tests/fixtures/pairs/*.txt"))]
    rng = random.Random(1234)
    every_line = [line for text in texts for line in text.split("\n")]
    out = list(texts)
    for text in texts:
        lines = text.split("\n")
        for k in range(12):
            ls = list(lines)
            op = k % 6
            if op == 0:  # cut, mid-line
                ls = ls[: rng.randrange(len(ls))]
                if ls:
                    ls[-1] = ls[-1][: rng.randrange(len(ls[-1]) + 1)]
            elif op == 1:  # lines dropped
                for _ in range(3):
                    if ls:
                        del ls[rng.randrange(len(ls))]
            elif op == 2:  # lines repeated elsewhere
                for _ in range(3):
                    ls.insert(rng.randrange(len(ls) + 1), ls[rng.randrange(len(ls))])
            elif op == 3:  # lines of other dumps
                for _ in range(4):
                    ls.insert(rng.randrange(len(ls) + 1), rng.choice(every_line))
            elif op == 4:  # lines swapped
                for _ in range(3):
                    i, j = rng.randrange(len(ls)), rng.randrange(len(ls))
                    ls[i], ls[j] = ls[j], ls[i]
            else:  # indentation, bullets, pipes and colons
                for _ in range(4):
                    i = rng.randrange(len(ls))
                    ls[i] = (
                        rng.choice(["  ", "\t", "• ", "- ", "| ", ""])
                        + ls[i]
                        + rng.choice(["", " ", ":", " |", "  "])
                    )
            out.append("\n".join(ls))
        out += [text.replace("\n", "\r\n"), text.upper(), text.lower()]
    return out


def outputs(texts: list[str]) -> list[str]:
    from erc_parse import parse_text

    return [parse_text(text).model_dump_json() for text in texts]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("action", choices=("save", "check"))
    ap.add_argument("--store", type=Path, default=STORE, help="the JSON file (default: bench/out/)")
    args = ap.parse_args(argv)
    store: Path = args.store
    texts = inputs()
    got = outputs(texts)
    if args.action == "save":
        store.parent.mkdir(parents=True, exist_ok=True)
        store.write_text(json.dumps(got), encoding="utf-8")
        print(f"saved the JSON of {len(got)} parses to {store}")
        return 0
    if not store.exists():
        print(f"nothing to compare with: run `{Path(__file__).name} save` before the change", file=sys.stderr)
        return 2
    saved = json.loads(store.read_text(encoding="utf-8"))
    if len(saved) != len(got):
        print(f"{len(saved)} saved parses, {len(got)} now: the inputs changed; save again", file=sys.stderr)
        return 2
    differ = [i for i, (a, b) in enumerate(zip(saved, got, strict=True)) if a != b]
    for i in differ[:3]:
        before, after = json.loads(saved[i]), json.loads(got[i])
        keys = [k for k in before if before[k] != after.get(k)]
        print(f"input {i}: {', '.join(keys)} differ")
        for key in keys[:2]:
            print(f"  before: {str(before[key])[:300]}\n  after:  {str(after[key])[:300]}")
    print(f"{len(got)} parses, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
