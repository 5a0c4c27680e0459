"""Extractive reader: the best supporting sentence among the retrieved chunks, narrowed to the
span the question asks for, with a calibrated confidence. It only ever copies indexed text.

Everything a question does not change (sentence boundaries, sentence vectors, sentence
terms, term weights) is prepared once when the index is loaded.
"""
from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .spans import candidate_spans, question_type, trim_span
from .store import Index
from .text import tokens, words
from .types import Hit, Sentence

CALIBRATION = Path(__file__).with_name("calibration.json")
QUESTION_WORDS = set(
    "bao nhiêu mấy ai gì nào đâu khi lúc giờ là có của được những các và trong đã bởi với cho về này "
    "đó thì mà không hỏi nêu hãy biết sao như thế vậy ra chưa hay hoặc người cái việc điều".split()
)


@dataclass(frozen=True)
class Reading:
    """The reader's verdict on one question."""

    hit: Hit | None
    sentence: Sentence | None
    span: tuple[int, int] | None  # document offsets of the short answer
    confidence: float
    features: dict[str, float]


class ExtractiveReader:
    def __init__(self, index: Index, calibration: dict | None = None) -> None:
        self.index = index
        self.calibration = calibration or json.loads(CALIBRATION.read_text(encoding="utf-8"))
        self._sentences_of: dict[str, list[int]] = defaultdict(list)
        for i, sentence in enumerate(index.sentences):
            self._sentences_of[sentence.chunk_id].append(i)
        self._terms = [frozenset(tokens(s.text)) for s in index.sentences]
        self._idf = _idf(self._terms)
        self._titles = {d.doc_id: frozenset(tokens(d.title)) for d in index.documents.values()}

    def run(self, question: str, query_vector: np.ndarray, hits: list[Hit]) -> Reading:
        q_terms = {t for t in tokens(question) if not _is_question_word(t)}
        kind = question_type(question)
        best = None
        for rank, hit in enumerate(hits, start=1):
            title_terms = self._titles[hit.chunk.doc_id]
            for i in self._sentences_of[hit.chunk.chunk_id]:
                typed = kind == "sentence" or bool(candidate_spans(kind, self.index.sentences[i].text))
                overlap = self._coverage(q_terms, self._terms[i])
                context = self._coverage(q_terms, self._terms[i] | title_terms)
                dense = float(self.index.sentence_vectors[i] @ query_vector)
                score = overlap + dense + 0.3 * context + 0.1 / rank + 0.3 * typed
                if best is None or score > best[0]:
                    best = (score, hit, i, overlap, context, dense, rank)
        if best is None:
            return Reading(None, None, None, 0.0, {})
        _, hit, i, overlap, context, dense, rank = best
        sentence = self.index.sentences[i]
        span = self._narrow(kind, sentence, q_terms)
        features = {
            "overlap": overlap,
            "context": context,
            "dense": dense,
            "typed": float(kind == "sentence" or span is not None),
            "rank": 1.0 / rank,
        }
        return Reading(hit, sentence, span, self._confidence(features), features)

    def _coverage(self, q_terms: set[str], terms: frozenset[str]) -> float:
        total = sum(self._idf.get(t, self._idf_unseen) for t in q_terms)
        if not total:
            return 0.0
        return sum(self._idf.get(t, self._idf_unseen) for t in q_terms & terms) / total

    @property
    def _idf_unseen(self) -> float:
        return math.log(1 + len(self._terms))

    def _narrow(self, kind: str, sentence: Sentence, q_terms: set[str]) -> tuple[int, int] | None:
        spans = candidate_spans(kind, sentence.text)
        if not spans:
            return None
        anchors = [
            m_start for m_start, word in _word_positions(sentence.text) if word in q_terms
        ]
        best = max(spans, key=lambda s: _span_score(sentence.text, s, anchors, q_terms))
        start, end = trim_span(sentence.text, *best)
        return sentence.start + start, sentence.start + end

    def _confidence(self, features: dict[str, float]) -> float:
        weights = self.calibration["weights"]
        z = self.calibration["bias"] + sum(weights[name] * features[name] for name in weights)
        return 1.0 / (1.0 + math.exp(-z))


def _is_question_word(term: str) -> bool:
    return all(part in QUESTION_WORDS for part in term.split("_"))


def _idf(term_sets: list[frozenset[str]]) -> dict[str, float]:
    df = Counter(t for terms in term_sets for t in terms)
    n = len(term_sets)
    return {t: math.log(1 + n / c) for t, c in df.items()}


def _word_positions(text: str) -> list[tuple[int, str]]:
    positions, cursor = [], 0
    for word in words(text):
        found = text.lower().find(word, cursor)
        if found >= 0:
            positions.append((found, word))
            cursor = found + len(word)
    return positions


def _span_score(text: str, span: tuple[int, int], anchors: list[int], q_terms: set[str]) -> float:
    """Near the question's words, but not made of them."""
    start, end = span
    distance = min((abs(a - start) if a < start else abs(a - end) for a in anchors), default=200)
    span_words = words(text[start:end])
    novel = sum(w not in q_terms for w in span_words) / max(1, len(span_words))
    unit_overlap = sum(w in q_terms for w in span_words[1:])
    return novel + 0.5 * unit_overlap - distance / 100.0
