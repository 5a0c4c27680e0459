"""Choose the trained reader's reading settings on XQuAD-vi articles 16–23 (open retrieval):
how much the rules' sentence score counts beside the span score, and how many tokens are read.

    python eval/tune_reader.py [path/to/xquad.vi.json]

Prints F1, contains and the reader's median time for each setting; the chosen ones are the
constants of rag/reader/neural.py (docs/reader.md says which were measured).
"""
from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

import numpy as np

from rag.evaluation import contains, f1, load_squad, squad_rag
from rag.reader import neural

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/benchmarks/xquad-vi/xquad.vi.json"


def score(rag, cases) -> dict[str, float]:
    f1s, found, seconds = [], [], []
    for case in cases:
        query = rag.embedder.embed_queries([case.question])[0]
        hits = rag.retriever.run(case.question, query, 5)
        started = time.perf_counter()
        reading = rag.reader.run(case.question, query, hits)
        seconds.append(time.perf_counter() - started)
        answer = None
        if reading.span:
            answer = rag.index.documents[reading.hits[0].chunk.doc_id].text[reading.span[0]:reading.span[1]]
        f1s.append(f1(answer, case.answers))
        found.append(contains([answer, reading.sentence.text if reading.sentence else None], case.answers))
    return {"f1": 100 * np.mean(f1s), "contains": np.mean(found), "reader_ms": 1000 * np.median(seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--weights", default="0,0.5,1,2")
    parser.add_argument("--budgets", default="160,224,288,384")
    args = parser.parse_args()
    dataset = load_squad(args.data, "val")
    rag = squad_rag(dataset, reader="neural")
    print("| sentence weight | token budget | F1 | contains | reader ms (p50) |\n|---|---|---|---|---|")
    for weight, budget in itertools.product(map(float, args.weights.split(",")), map(int, args.budgets.split(","))):
        neural.SENTENCE_WEIGHT, neural.TOKEN_BUDGET = weight, budget
        r = score(rag, dataset.cases)
        print(f"| {weight} | {budget} | {r['f1']:.1f} | {r['contains']:.3f} | {r['reader_ms']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
