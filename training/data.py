"""Training and validation examples for the span reader, as model windows.

- `xquad-train`: XQuAD articles 0–15 in 11 languages (human questions);
- synthetic Vietnamese questions from viwiki (`training/synthetic.py`);
- validation: XQuAD-vi articles 16–23, which reach training in no language.
"""
from __future__ import annotations

import json
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rag.reader.span_model import Window, windows

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
XQUAD_TRAIN = SHARED / "datasets" / "xquad-train"
XQUAD_VI = SHARED / "benchmarks" / "xquad-vi" / "xquad.vi.json"
VALIDATION_ARTICLES = slice(16, 24)
TRAINING_ARTICLES = slice(0, 16)  # the articles of xquad-train, whose questions these are
MAX_LENGTH = 192
STRIDE = 64


@dataclass(frozen=True)
class Example:
    id: str
    question: str
    context: str
    answers: tuple[tuple[str, int], ...]  # (text, character offset in context); () = none


@dataclass(frozen=True)
class Feature:
    """One training window with its target tokens; (0, 0) is <s>, "no answer here"."""

    ids: list[int]
    start: int
    end: int


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def squad_examples(path: Path, articles: slice = slice(None)) -> list[Example]:
    out = []
    for article in json.loads(path.read_text(encoding="utf-8"))["data"][articles]:
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            for qa in paragraph["qas"]:
                answers = tuple((a["text"], a["answer_start"]) for a in qa["answers"])
                out.append(Example(qa["id"], nfc(qa["question"]), nfc(context), _nfc_answers(context, answers)))
    return out


def _nfc_answers(context: str, answers) -> tuple[tuple[str, int], ...]:
    """Offsets move when NFC changes the text before an answer."""
    return tuple((nfc(text), len(nfc(context[:start]))) for text, start in answers)


def xquad_train_by_language() -> dict[str, list[Example]]:
    """xquad-train's examples by language code ("ar", "de", …)."""
    return {path.name.split(".")[1]: squad_examples(path)
            for path in sorted(XQUAD_TRAIN.glob("xquad.*.train.json"))}


def xquad_train() -> list[Example]:
    return [e for examples in xquad_train_by_language().values() for e in examples]


def cross_lingual(per_question: int, seed: int = 13) -> list[Example]:
    """XQuAD is one question set in many translations (the ids are shared), so a question in one
    language can be paired with its paragraph and answer in another: new pairs from the same human
    questions, which reward matching meaning over matching words (XLDA, Singh et al. 2019).
    Ids are "<id>/<asked language>><read language>"."""
    rng = random.Random(seed)
    by_language = {language: {e.id: e for e in examples}
                   for language, examples in xquad_train_by_language().items()}
    out = []
    for asked, examples in by_language.items():
        others = [language for language in by_language if language != asked]
        for example in examples.values():
            for read in rng.sample(others, per_question):
                source = by_language[read][example.id]
                out.append(Example(f"{example.id}/{asked}>{read}", example.question,
                                   source.context, source.answers))
    return out


def xquad_vi_train() -> list[Example]:
    """XQuAD-vi articles 0–15: the Vietnamese text of xquad-train's questions (dev, where tuning is
    allowed; a model trained on xquad-train has in effect seen them already)."""
    return squad_examples(XQUAD_VI, TRAINING_ARTICLES)


def validation() -> list[Example]:
    return squad_examples(XQUAD_VI, VALIDATION_ARTICLES)


def synthetic(path: Path, limit: int | None = None) -> list[Example]:
    out = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            answers = () if row.get("is_impossible") else tuple(
                (a["text"], a["answer_start"]) for a in row["answers"])
            out.append(Example(row["id"], nfc(row["question"]), nfc(row["context"]), answers))
            if limit and len(out) >= limit:
                break
    return out


def features(examples: list[Example], tokenizer, negative_share: float = 0.3,
             seed: int = 13) -> list[Feature]:
    """Windows of each example: every one holding the answer, and a share of those without."""
    rng = random.Random(seed)
    questions = tokenizer.encode([e.question for e in examples])
    contexts = tokenizer.encode([e.context for e in examples])
    out = []
    for example, question, context in zip(examples, questions, contexts):
        for window in windows(question, context, tokenizer.specials, MAX_LENGTH, STRIDE):
            target = answer_tokens(window, example.answers[0]) if example.answers else None
            if target:
                out.append(Feature(window.ids, *target))
            elif not example.answers or rng.random() < negative_share:
                out.append(Feature(window.ids, 0, 0))
    return out


def answer_tokens(window: Window, answer: tuple[str, int]) -> tuple[int, int] | None:
    """First and last token of the answer's characters, if the window holds all of them."""
    text, start = answer
    end = start + len(text)
    first = last = None
    for i, span in enumerate(window.spans):
        if span is None:
            continue
        if first is None and span[1] > start:
            first = i
        if span[0] < end:
            last = i
    if first is None or last is None or last < first:
        return None
    if window.spans[first][0] > start or window.spans[last][1] < end:
        return None  # the answer runs past the window
    return first, last
