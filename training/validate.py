"""Validation F1 of a span model given the gold paragraph (XQuAD-vi articles 16–23)."""
from __future__ import annotations

from rag.evaluation import exact_match, f1
from rag.reader.span_model import SpanModel, read

from .data import Example


def score(model: SpanModel, examples: list[Example]) -> dict[str, float]:
    was_training = model.training
    model.eval()
    f1s, ems = [], []
    for example in examples:
        guess = max(read(model, example.question, [example.context]), key=lambda g: g.score)
        answer = example.context[guess.start:guess.end]
        golds = tuple(text for text, _ in example.answers)
        f1s.append(f1(answer, golds))
        ems.append(exact_match(answer, golds))
    model.train(was_training)
    return {"f1": round(100 * sum(f1s) / len(f1s), 2), "em": round(100 * sum(ems) / len(ems), 2)}
