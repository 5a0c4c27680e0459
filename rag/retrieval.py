"""Hybrid retrieval: FAISS (dense) and BM25 (lexical) rankings fused by reciprocal rank."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .store import Index
from .types import Hit

RRF_K = 60  # the constant of Cormack et al.; rank fusion needs no score calibration
MODES = ("hybrid", "dense", "lexical")


@dataclass(frozen=True)
class Filters:
    """Optional metadata filter: source path substring and an ISO date range."""

    source: str | None = None
    date_from: str | None = None
    date_to: str | None = None

    def allows(self, source: str, date: str | None) -> bool:
        if self.source and self.source not in source:
            return False
        if (self.date_from or self.date_to) and not date:
            return False
        if self.date_from and date < self.date_from:
            return False
        return not (self.date_to and date > self.date_to)

    @property
    def active(self) -> bool:
        return bool(self.source or self.date_from or self.date_to)


class HybridRetriever:
    def __init__(self, index: Index, mode: str = "hybrid", depth: int = 50) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown retrieval mode {mode!r}; use one of {', '.join(MODES)}")
        self.index = index
        self.mode = mode
        self.depth = depth

    def run(self, question: str, query_vector: np.ndarray, k: int, filters: Filters = Filters()) -> list[Hit]:
        n = len(self.index.chunks)
        if n == 0:
            return []
        allowed = self._allowed(filters)
        depth = n if filters.active else min(n, max(self.depth, k))
        dense = self._dense_ranking(query_vector, depth) if self.mode != "lexical" else []
        lexical = self._lexical_ranking(question, depth) if self.mode != "dense" else []
        fused: dict[int, float] = {}
        ranks: dict[int, list[int | None]] = {}
        for which, ranking in enumerate((dense, lexical)):
            ranking = [i for i in ranking if allowed is None or i in allowed]
            for rank, i in enumerate(ranking, start=1):
                fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank)
                ranks.setdefault(i, [None, None])[which] = rank
        best = sorted(fused, key=lambda i: -fused[i])[:k]
        return [Hit(self.index.chunks[i], fused[i], *ranks[i]) for i in best]

    def _dense_ranking(self, query_vector: np.ndarray, depth: int) -> list[int]:
        _, ids = self.index.dense.search(query_vector.reshape(1, -1).astype(np.float32), depth)
        return [int(i) for i in ids[0] if i >= 0]

    def _lexical_ranking(self, question: str, depth: int) -> list[int]:
        scores = self.index.lexical.scores(question)
        top = np.argsort(-scores, kind="stable")[:depth]
        return [int(i) for i in top if scores[i] > 0]

    def _allowed(self, filters: Filters) -> set[int] | None:
        if not filters.active:
            return None
        docs = self.index.documents
        return {
            i for i, c in enumerate(self.index.chunks)
            if filters.allows(docs[c.doc_id].source, docs[c.doc_id].date)
        }
