"""Pick viwiki paragraphs for question writers, in batches, and rebuild them from their ids.

A written question names its passage as "title#line" (the paragraph's line number in its
article), so the question files in `training/questions/` hold of Wikipedia's text only the answers
and their sentences; `training.written` reads the paragraphs back from `../shared/corpora/viwiki/`.

    python -m training.passages --out /tmp/passages --batches 8 --per-batch 36 [--seed 29]
        [--exclude 'training/questions/*.jsonl'] [--words 'tỉnh,huyện,Đảng']
"""
from __future__ import annotations

import argparse
import glob
import json
import random
import re
import unicodedata
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared/corpora/viwiki/viwiki.jsonl"
MIN_ARTICLE, MIN_PARAGRAPH, MAX_PARAGRAPH = 3000, 400, 1200
NUMBER = re.compile(r"(?<![\d/])\d(?:[\d.,]*\d)?(?![\d/])")  # not a part of a date "28/8/2013"


def quantities(text: str) -> list[str]:
    """The counts, amounts and shares in `text` ("21", "3.517", "45,2"), years left out."""
    return [n for n in NUMBER.findall(text) if not (n.isdigit() and len(n) == 4 and 1500 <= int(n) <= 2099)]


def prose_paragraphs(text: str) -> list[tuple[int, str]]:
    """(line number, paragraph) for paragraphs of running prose: no headings, lists or tables."""
    out = []
    for number, line in enumerate(unicodedata.normalize("NFC", text).split("\n")):
        line = line.strip()
        if (MIN_PARAGRAPH <= len(line) <= MAX_PARAGRAPH and line[-1] in ".!?\"”)"
                and "|" not in line and not line.startswith("==") and line.count(". ") >= 2):
            out.append((number, line))
    return out


def paragraph(text: str, number: int) -> str:
    return unicodedata.normalize("NFC", text).split("\n")[number].strip()


def articles() -> dict[str, str]:
    with CORPUS.open(encoding="utf-8") as lines:
        return {row["title"]: row["text"] for row in map(json.loads, lines)}


def used_titles(pattern: str) -> set[str]:
    """The articles that question files matching `pattern` already ask about."""
    return {json.loads(line)["passage"].rpartition("#")[0]
            for path in glob.glob(pattern) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()}


def pick(count: int, seed: int, min_quantities: int = 0, exclude: set[str] = frozenset(),
         words: tuple[str, ...] = ()) -> list[dict]:
    """One paragraph from each of `count` long articles not in `exclude`, seeded; with `min_quantities`,
    only paragraphs giving at least that many counts or amounts (to ask which one is meant); with
    `words`, only paragraphs using at least two of them (to lean towards a genre)."""
    rng = random.Random(seed)
    long = [(title, text) for title, text in articles().items() if len(text) >= MIN_ARTICLE and title not in exclude]
    rng.shuffle(long)
    picked = []
    for title, text in long:
        found = [(n, body) for n, body in prose_paragraphs(text) if len(quantities(body)) >= min_quantities
                 and (not words or sum(w in body for w in words) >= 2)]
        if found:
            number, body = rng.choice(found)
            picked.append({"passage": f"{title}#{number}", "title": title, "context": body})
            if len(picked) == count:
                break
    return picked


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--batches", type=int, default=8)
    p.add_argument("--per-batch", type=int, default=36)
    p.add_argument("--seed", type=int, default=29)
    p.add_argument("--quantities", type=int, default=0, help="only paragraphs with this many counts or amounts")
    p.add_argument("--exclude", default="", help="skip the articles these question files (a glob) ask about")
    p.add_argument("--words", default="", help="comma-separated: only paragraphs using two of these words")
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    words = tuple(unicodedata.normalize("NFC", w.strip()) for w in args.words.split(",") if w.strip())
    exclude = used_titles(args.exclude) if args.exclude else set()
    picked = pick(args.batches * args.per_batch, args.seed, args.quantities, exclude, words)
    for b in range(args.batches):
        rows = picked[b * args.per_batch:(b + 1) * args.per_batch]
        (args.out / f"passages-{b:02d}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(picked)} passages in {args.batches} batches under {args.out}")
    if len(picked) < args.batches * args.per_batch:
        print(f"only {len(picked)} articles qualify: ask for fewer batches or loosen --words")


if __name__ == "__main__":
    main()
