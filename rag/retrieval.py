"""Hybrid retrieval: FAISS (dense) and BM25 (lexical) candidates, scores fused."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .store import Index
from .types import Hit

MODES = ("hybrid", "dense", "lexical")


@dataclass(frozen=True)
class Filters:
    """Optional metadata filter: source path substring, an ISO date range, one article."""

    source: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    doc_id: str | None = None  # a follow-up about "bài này" reads only that article

    def allows(self, source: str, date: str | None, doc_id: str = "") -> bool:
        if self.doc_id and doc_id != self.doc_id:
            return False
        if self.source and self.source not in source:
            return False
        if (self.date_from or self.date_to) and not date:
            return False
        if self.date_from and date < self.date_from:
            return False
        return not (self.date_to and date > self.date_to)

    @property
    def active(self) -> bool:
        return bool(self.source or self.date_from or self.date_to or self.doc_id)


class HybridRetriever:
    """Dense and BM25 candidates, fused by a weighted sum of z-scored scores.

    Measured on the XQuAD-vi dev split (README, "Retrieval"): z-score fusion with the dense
    weight at 0.7 beat reciprocal rank fusion at every RRF constant tried.
    """

    def __init__(self, index: Index, mode: str = "hybrid", depth: int = 50, dense_weight: float = 0.7) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown retrieval mode {mode!r}; use one of {', '.join(MODES)}")
        self.index = index
        self.mode = mode
        self.depth = depth
        self.dense_weight = {"hybrid": dense_weight, "dense": 1.0, "lexical": 0.0}[mode]

    def run(self, question: str, query_vector: np.ndarray, k: int, filters: Filters = Filters()) -> list[Hit]:
        n = len(self.index.chunks)
        if n == 0:
            return []
        depth = n if filters.active else min(n, max(self.depth, k))
        lexical = self.index.lexical.scores(question) if self.mode != "dense" else None
        candidates = set(self._dense_ids(query_vector, depth)) if self.mode != "lexical" else set()
        if lexical is not None:
            candidates |= {int(i) for i in top(lexical, depth) if lexical[i] > 0}
        allowed = self._allowed(filters)
        ids = np.array(sorted(i for i in candidates if allowed is None or i in allowed), dtype=np.int64)
        if not len(ids):
            return []
        dense = self.index.chunk_vectors[ids] @ query_vector
        bm25 = lexical[ids] if lexical is not None else np.zeros(len(ids), np.float32)
        fused = self.dense_weight * _z(dense) + (1 - self.dense_weight) * _z(bm25)
        order = np.argsort(-fused, kind="stable")[:k]
        dense_rank = _ranks(dense)
        bm25_rank = _ranks(bm25)
        return [
            Hit(self.index.chunks[ids[j]], float(fused[j]), int(dense_rank[j]), int(bm25_rank[j]))
            for j in order
        ]

    def _dense_ids(self, query_vector: np.ndarray, depth: int) -> list[int]:
        if depth >= len(self.index.chunks):  # every chunk is a candidate (filters): no search, exact at any size
            return list(range(len(self.index.chunks)))
        _, ids = self.index.dense.search(query_vector.reshape(1, -1).astype(np.float32), depth)
        return [int(i) for i in ids[0] if i >= 0]

    def _allowed(self, filters: Filters) -> set[int] | None:
        if not filters.active:
            return None
        docs = self.index.documents
        return {
            i for i, c in enumerate(self.index.chunks)
            if filters.allows(docs[c.doc_id].source, docs[c.doc_id].date, c.doc_id)
        }


def top(scores: np.ndarray, depth: int) -> np.ndarray:
    """The ids of the `depth` highest scores, ties going to the lower id: the first `depth` of a
    stable descending sort, in any order, found in linear time (a full sort of a million BM25
    scores took 84 ms a question; benchmarks/growth.py)."""
    if depth >= len(scores):
        return np.arange(len(scores))
    kth = np.partition(scores, len(scores) - depth)[len(scores) - depth]
    above = np.flatnonzero(scores > kth)
    return np.concatenate([above, np.flatnonzero(scores == kth)[: depth - len(above)]])


def _z(scores: np.ndarray) -> np.ndarray:
    spread = scores.std()
    return (scores - scores.mean()) / spread if spread > 0 else np.zeros_like(scores)


def _ranks(scores: np.ndarray) -> np.ndarray:
    return np.argsort(np.argsort(-scores, kind="stable"), kind="stable") + 1
