"""Fit a reader's confidence and abstention threshold on XQuAD-vi.

    python eval/calibrate.py [--reader rules|neural|combined] [path/to/xquad.vi.json]

The rules reader is fitted on the dev split (articles 0–23, where it was tuned); the trained
reader on articles 16–23, which reached its training in no language; the combined reader's
rescue (the span model vouching for a sentence the rules are unsure of) on articles 16–23 too,
over the readings the rules are unsure of.

Positives: dev questions read from the full dev index, labelled by whether the answer or
its sentence contains a gold answer. Negatives: the same questions read with their own
paragraph held out, so the index does not hold the answer but still holds the rest of the
article — an on-topic question the articles do not answer, the hard kind of abstention. A
logistic regression over the reader's features gives the confidence; the threshold maximises
correct decisions (answer right, or abstain when the answer is not there), averaged over a
±0.02 window. Writes rag/reader/calibration.json or rag/reader/neural-calibration.json.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from rag import RAG
from rag.evaluation import contains, load_squad, squad_rag
from rag.reader import combined, neural, rules
from rag.reader.questions import question_type
from rag.reader.rules import forced_abstention

READERS = {  # split, features, file
    "rules": ("dev", ["overlap", "context", "window", "dense", "typed", "rare", "unit", "answer_typed", "margin"],
              rules.CALIBRATION),
    "neural": ("val", ["span_margin", "span_share", "sentence_rank", "overlap", "dense", "answer_typed"],
               neural.CALIBRATION),
    "combined": ("val", ["span_margin", "rules_confidence"], combined.CALIBRATION),
}
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/benchmarks/xquad-vi/xquad.vi.json"


def readings(rag: RAG, dataset, read):
    """`read(case, query, hits)` for each question, once with its retrieved passages and once with
    its own paragraph held out (the negatives), skipping the readings it returns None for."""
    for case in dataset.cases:
        query = rag.embedder.embed_queries([case.question])[0]
        hits = rag.retriever.run(case.question, query, 40)
        for held_out in (False, True):
            row = read(case, query, [h for h in hits if not (held_out and h.chunk.doc_id == case.doc_id)][:5])
            if row is not None:
                yield row


def reader_rows(rag: RAG, dataset, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    def read(case, query, kept):
        reading = rag.reader.run(case.question, query, kept)
        if reading.sentence is None or forced_abstention(question_type(case.question), reading.features["answer_typed"]):
            return None  # abstained on whatever the threshold: no say in choosing it
        start, end = reading.span or (reading.sentence.start, reading.sentence.end)
        answer = rag.index.documents[reading.hits[0].chunk.doc_id].text[start:end]
        return [reading.features[name] for name in names], contains([answer, reading.sentence.text], case.answers)
    return _arrays(readings(rag, dataset, read))


def rescue_rows(rag: RAG, dataset) -> tuple[np.ndarray, np.ndarray]:
    """The rules' unsure readings (0 < confidence < threshold), each with the span model's span
    in the rules' sentence; labelled by whether that span or sentence contains a gold answer."""
    reader = rag.reader

    def read(case, query, kept):
        reading = reader.rules.run(case.question, query, kept)
        if reading.sentence is None or not 0 < reading.confidence < reader.calibration["threshold"]:
            return None
        marked = reader.neural.span_in_sentence(case.question, reading.sentence)
        if marked is None:
            return None
        answer = rag.index.documents[reading.hits[0].chunk.doc_id].text[slice(*marked.span)]
        return [marked.margin, reading.confidence], contains([answer, reading.sentence.text], case.answers)
    return _arrays(readings(rag, dataset, read))


def _arrays(rows) -> tuple[np.ndarray, np.ndarray]:
    features, labels = zip(*rows)
    return np.array(features), np.array(labels, dtype=float)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 50) -> np.ndarray:
    """Newton's method on the L2-regularised log-loss; returns [bias, weights...]."""
    design = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(design.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-design @ w))
        gradient = design.T @ (p - y) + l2 * w
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + l2 * np.eye(len(w))
        w -= np.linalg.solve(hessian, gradient)
    return w


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--reader", choices=READERS, default="rules")
    args = parser.parse_args()
    split, names, target = READERS[args.reader]
    dataset = load_squad(args.data, split)
    rag = squad_rag(dataset, progress=True, reader=args.reader)
    x, y = rescue_rows(rag, dataset) if args.reader == "combined" else reader_rows(rag, dataset, names)
    w = fit_logistic(x, y)
    confidence = 1 / (1 + np.exp(-(w[0] + x @ w[1:])))
    thresholds = np.linspace(0.05, 0.95, 91)
    decisions = np.array([np.mean((confidence >= t) == (y == 1)) for t in thresholds])
    # The curve is flat near its top: take the centre of the best ±0.02 window, so that a small
    # change in the features does not move the threshold across the plateau.
    smoothed = np.convolve(decisions, np.ones(5) / 5, mode="same")
    best = int(np.argmax(smoothed))
    threshold = float(thresholds[best])
    calibration = {
        "source": f"python eval/calibrate.py --reader {args.reader} "
                  f"(XQuAD-vi {split} split, held-out-paragraph negatives)",
        "threshold": round(threshold, 2),
        "bias": round(float(w[0]), 4),
        "weights": {name: round(float(v), 4) for name, v in zip(names, w[1:])},
        "rows": int(len(y)),
        "positive_rate": round(float(y.mean()), 4),
        "decision_accuracy": round(float(decisions[best]), 4),
    }
    if args.reader == "combined":  # beyond the largest margin seen, a rescue would be extrapolation
        calibration["span_margin_max"] = round(float(x[:, 0].max()), 4)
    target.write_text(json.dumps(calibration, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(calibration, indent=2))


if __name__ == "__main__":
    main()
