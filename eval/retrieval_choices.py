"""How should retrieval tokenise and fuse? Measured on the XQuAD-vi dev split.

    python eval/retrieval_choices.py [path/to/xquad.vi.json]

1. BM25 tokenisation: for each tokeniser, BM25 alone (recall@1, recall@5 of the gold
   paragraph) and BM25 fused with the product's dense retriever (recall@1).
2. Fusion of dense and BM25 (chosen tokenisation): reciprocal rank fusion at several
   constants against weighted sums of z-scored scores. Retrieval only, before the reader's
   re-ranking. Prints Markdown tables.
"""
from __future__ import annotations

import sys
from pathlib import Path

import bm25s
import numpy as np
from pyvi import ViTokenizer
from underthesea import word_tokenize

from rag.evaluation import load_squad, squad_rag
from rag.text import tokens, words

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/benchmarks/xquad-vi/xquad.vi.json"


def _segmented(segment):
    return lambda text: [w.lower().replace(" ", "_") for w in segment(text) if any(c.isalnum() for c in w)]


TOKENIZERS = {
    "syllables": words,
    "syllables + bigrams (chosen)": tokens,
    "pyvi words": _segmented(lambda t: ViTokenizer.tokenize(t).split()),
    "underthesea words": _segmented(word_tokenize),
}


def recall(scores: np.ndarray, doc_of: np.ndarray, gold: list[str], k: int) -> float:
    top = np.argsort(-scores, axis=1)[:, :k]
    return float(np.mean([g in doc_of[row] for row, g in zip(top, gold)]))


def rrf(scores: np.ndarray, constant: int) -> np.ndarray:
    ranks = np.argsort(np.argsort(-scores, axis=1), axis=1) + 1
    return 1.0 / (constant + ranks)


def zscore(scores: np.ndarray) -> np.ndarray:
    return (scores - scores.mean(1, keepdims=True)) / (scores.std(1, keepdims=True) + 1e-9)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    dataset = load_squad(path, "dev")
    rag = squad_rag(dataset)
    index, embedder = rag.index, rag.embedder
    doc_of = np.array([c.doc_id for c in index.chunks])
    gold = [c.doc_id for c in dataset.cases]
    dense = embedder.embed_queries([c.question for c in dataset.cases]) @ index.chunk_vectors.T
    print(f"XQuAD-vi dev: {len(dataset.cases)} questions, {len(dataset.documents)} paragraphs\n")
    print("| BM25 tokenisation | BM25 recall@1 | BM25 recall@5 | hybrid recall@1 |")
    print("|---|---|---|---|")
    lexical_of = {}
    for name, tokenize in TOKENIZERS.items():
        bm25 = bm25s.BM25()
        bm25.index([tokenize(c.text) or ["\x00"] for c in index.chunks], show_progress=False)
        lexical = lexical_of[name] = np.stack([bm25.get_scores(tokenize(c.question)) for c in dataset.cases])
        hybrid = 0.7 * zscore(dense) + 0.3 * zscore(lexical)
        print(f"| {name} | {recall(lexical, doc_of, gold, 1):.3f} | {recall(lexical, doc_of, gold, 5):.3f} "
              f"| {recall(hybrid, doc_of, gold, 1):.3f} |")
    lexical = lexical_of["syllables + bigrams (chosen)"]
    print("\n| fusion | recall@1 | recall@5 |\n|---|---|---|")
    print(f"| dense only | {recall(dense, doc_of, gold, 1):.3f} | {recall(dense, doc_of, gold, 5):.3f} |")
    print(f"| BM25 only | {recall(lexical, doc_of, gold, 1):.3f} | {recall(lexical, doc_of, gold, 5):.3f} |")
    for constant in (1, 10, 60):
        fused = rrf(dense, constant) + rrf(lexical, constant)
        print(f"| RRF, k={constant} | {recall(fused, doc_of, gold, 1):.3f} | {recall(fused, doc_of, gold, 5):.3f} |")
    for weight in (0.5, 0.6, 0.7, 0.8):
        fused = weight * zscore(dense) + (1 - weight) * zscore(lexical)
        label = f"z-score sum, dense weight {weight}" + (" (chosen)" if weight == 0.7 else "")
        print(f"| {label} | {recall(fused, doc_of, gold, 1):.3f} | {recall(fused, doc_of, gold, 5):.3f} |")


if __name__ == "__main__":
    main()
