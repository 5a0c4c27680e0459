"""BM25 over Vietnamese syllables and syllable bigrams (bm25s)."""
from __future__ import annotations

import logging
from pathlib import Path

import bm25s
import numpy as np

from .text import tokens

TOKENIZER = "syllable+bigram"
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG


class LexicalIndex:
    def __init__(self, bm25: bm25s.BM25) -> None:
        self._bm25 = bm25

    @classmethod
    def build(cls, texts: list[str]) -> "LexicalIndex":
        bm25 = bm25s.BM25()
        bm25.index([tokens(t) or ["\x00"] for t in texts], show_progress=False)
        return cls(bm25)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed text for the query, in index order."""
        return np.asarray(self._bm25.get_scores(tokens(query)), dtype=np.float32)

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder))

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        return cls(bm25s.BM25.load(str(folder)))
