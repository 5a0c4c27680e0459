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
import unicodedata
from pathlib import Path

from training import passages
from training.data import Example

QUESTIONS = Path(__file__).resolve().parent / "questions"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def placed(context: str, row: dict) -> tuple[tuple[str, int], ...] | str:
    """The answer with its offset in `context`, () for none, or why the line cannot be used."""
    if row.get("answer") is None:
        return ()
    answer, evidence = _nfc(row["answer"]).strip(), _nfc(row.get("evidence") or "").strip()
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


def examples(files=None) -> list[Example]:
    files = files or sorted(QUESTIONS.glob("*.jsonl"))
    texts, out = passages.articles(), []
    for where, row in _rows(files):
        title, number = row["passage"].rsplit("#", 1)
        context = passages.paragraph(texts[title], int(number))
        answers = placed(context, row)
        if not isinstance(answers, str):
            out.append(Example(f"written/{where}", _nfc(row["question"]).strip(), context, answers))
    return out


def check(files) -> int:
    texts, good, bad = passages.articles(), 0, 0
    for where, row in _rows(files):
        title, number = row.get("passage", "#").rsplit("#", 1)
        if title not in texts or not number.isdigit():
            problem = "unknown passage"
        else:
            answers = placed(passages.paragraph(texts[title], int(number)), row)
            problem = answers if isinstance(answers, str) else ""
        if problem or not row.get("question"):
            bad += 1
            print(f"{where}: {problem or 'no question'}: {row.get('answer')!r}")
        else:
            good += 1
    print(f"{good} usable, {bad} to fix")
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1:2] != ["check"]:
        sys.exit("usage: python -m training.written check FILE…")
    sys.exit(check(sys.argv[2:]))
