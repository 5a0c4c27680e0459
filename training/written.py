"""Written Vietnamese questions on viwiki paragraphs (`training/questions/*.jsonl`), as examples.

Each line: {"passage": "title#line", "question": …, "answer": text copied from the paragraph or
null (the paragraph does not say), "evidence": the sentence holding the answer, copied}. The
answer is placed inside its evidence, so a string that occurs twice lands where it was meant.

    python -m training.written check FILE…   # each bad line, then a count
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from rag.text import nfc
from training import passages
from training.data import Example

QUESTIONS = Path(__file__).resolve().parent / "questions"


def placed(context: str, row: dict) -> tuple[tuple[str, int], ...] | str:
    """The answer with its offset in `context`, () for none, or why the line cannot be used."""
    if row.get("answer") is None:
        return ()
    answer, evidence = nfc(row["answer"]).strip(), nfc(row.get("evidence") or "").strip()
    at = context.find(evidence) if evidence else 0
    if at < 0:
        return "evidence not in the paragraph"
    inside = _whole(context[at:at + len(evidence)] if evidence else context, answer)
    if not answer or inside < 0:
        return "answer not in its evidence" if evidence else "answer not in the paragraph"
    return ((answer, at + inside),)


def _whole(text: str, answer: str) -> int:
    """The first place `answer` stands as whole words ("2 đội" not inside "12 đội"), else the first at all."""
    starts = [m.start() for m in re.finditer(re.escape(answer), text)] if answer else []
    for start in starts:
        end = start + len(answer)
        if not (start and text[start - 1].isalnum()) and not (end < len(text) and text[end].isalnum()):
            return start
    return starts[0] if starts else -1


def _rows(files):
    for path in files:
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                yield f"{Path(path).name}:{number}", json.loads(line)


def _read(files):
    """(where, row, paragraph or None, the placed answers or why the line cannot be used)."""
    texts = passages.articles()
    for where, row in _rows(files):
        title, _, number = row.get("passage", "").rpartition("#")
        if title not in texts or not number.isdigit():
            yield where, row, None, "unknown passage"
            continue
        context = passages.paragraph(texts[title], int(number))
        yield where, row, context, placed(context, row) if row.get("question") else "no question"


def matching(globs: str) -> list[Path]:
    """The question files matching any of the comma-separated `globs` ("round2-*.jsonl,gov-*.jsonl")."""
    return sorted({path for pattern in globs.split(",") if pattern.strip()
                   for path in QUESTIONS.glob(pattern.strip())})


def examples(files=None) -> list[Example]:
    files = sorted(QUESTIONS.glob("*.jsonl")) if files is None else files
    return [Example(f"written/{where}", nfc(row["question"]).strip(), context, answers)
            for where, row, context, answers in _read(files) if not isinstance(answers, str)]


def check(files) -> int:
    good, bad = 0, 0
    for where, row, _, answers in _read(files):
        if isinstance(answers, str):
            bad += 1
            print(f"{where}: {answers}: {row.get('answer')!r}")
        else:
            good += 1
    print(f"{good} usable, {bad} to fix")
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1:2] != ["check"]:
        sys.exit("usage: python -m training.written check FILE…")
    sys.exit(check(sys.argv[2:]))
