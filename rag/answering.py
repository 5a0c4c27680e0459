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

from .spans import aligned_span, asks_for_a_phrase as _asks_for_a_phrase, candidate_spans, question_type, trim_span
from .store import Index
from .text import tokens, word_spans, words
from .types import Hit, Sentence

CALIBRATION = Path(__file__).with_name("calibration.json")
SENTENCE_WEIGHTS = {"overlap": 1.0, "context": 0.3, "dense": 1.0, "typed": 0.5}
FUSION_WEIGHT = 0.3  # how much the retriever's order counts when re-ranking by sentence evidence
QUESTION_WORDS = set(
    "bao nhiêu mấy ai gì nào đâu khi lúc giờ là có của được những các và trong đã bởi với cho về này "
    "đó thì mà không hỏi nêu hãy biết sao như thế vậy ra chưa hay hoặc người cái việc điều".split()
)


@dataclass(frozen=True)
class Reading:
    """The reader's verdict on one question; `hits` are re-ranked by their best sentence."""

    hits: tuple[Hit, ...]
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
        self._idf_unseen = math.log(1 + len(self._terms))
        self._titles = {d.doc_id: frozenset(tokens(d.title)) for d in index.documents.values()}

    def run(self, question: str, query_vector: np.ndarray, hits: list[Hit]) -> Reading:
        kind = question_type(question)
        if kind == "author" and hits:
            byline = self._byline(hits)
            if byline:
                return byline
        q_terms = {t for t in tokens(question) if not _is_question_word(t)}
        fusion = _z(np.array([h.score for h in hits], dtype=np.float32))
        best_of_hit = [-math.inf] * len(hits)
        best = None
        for j, hit in enumerate(hits):
            for i in self._sentences_of[hit.chunk.chunk_id]:
                features = self._features(kind, question, i, q_terms, query_vector, hit)
                score = sum(SENTENCE_WEIGHTS[n] * v for n, v in features.items()) + FUSION_WEIGHT * fusion[j]
                best_of_hit[j] = max(best_of_hit[j], score)
                if best is None or score > best[0]:
                    best = (score, i, features)
        order = sorted(range(len(hits)), key=lambda j: -best_of_hit[j])
        reranked = tuple(hits[j] for j in order)
        if best is None:
            return Reading(reranked, None, None, 0.0, {})
        _, i, features = best
        sentence = self.index.sentences[i]
        span = self._narrow(kind, question, sentence, q_terms)
        return Reading(reranked, sentence, span, self._confidence(features), features)

    def _features(self, kind: str, question: str, i: int, q_terms: set[str], query_vector: np.ndarray, hit: Hit) -> dict:
        text = self.index.sentences[i].text
        typed = 1.0 if kind == "sentence" else max(
            (_span_score(text, s, [], q_terms) for s in candidate_spans(kind, text, question)), default=0.0)
        return {
            "overlap": self._coverage(q_terms, self._terms[i]),
            "context": self._coverage(q_terms, self._terms[i] | self._titles[hit.chunk.doc_id]),
            "dense": float(self.index.sentence_vectors[i] @ query_vector),
            "typed": max(0.0, typed),
        }

    def _byline(self, hits: list[Hit]) -> Reading | None:
        """Who wrote it: the author line of the best article, copied from its text."""
        doc = self.index.documents[hits[0].chunk.doc_id]
        at = doc.text.rfind(doc.author) if doc.author else -1
        for sentence in self.index.sentences:
            if sentence.chunk_id.startswith(doc.doc_id + "#") and sentence.start <= at < sentence.end:
                chunk = next(c for c in self.index.chunks if c.chunk_id == sentence.chunk_id)
                features = {"overlap": 1.0, "context": 1.0, "dense": 1.0, "typed": 1.0}
                others = tuple(h for h in hits if h.chunk.chunk_id != chunk.chunk_id)
                return Reading((Hit(chunk, hits[0].score), *others), sentence, (at, at + len(doc.author)),
                               self._confidence(features), features)
        return None

    def _coverage(self, q_terms: set[str], terms: frozenset[str]) -> float:
        total = sum(self._idf.get(t, self._idf_unseen) for t in q_terms)
        if not total:
            return 0.0
        return sum(self._idf.get(t, self._idf_unseen) for t in q_terms & terms) / total

    def _narrow(self, kind: str, question: str, sentence: Sentence, q_terms: set[str]) -> tuple[int, int] | None:
        """Document offsets of the short answer inside the sentence; None: the sentence is the answer."""
        slot = aligned_span(question, sentence.text)
        spans = candidate_spans(kind, sentence.text, question)
        if spans:
            anchors = [start for start, _, word in word_spans(sentence.text) if word in q_terms]
            best = max(spans, key=lambda s: _span_score(sentence.text, s, anchors, q_terms) + _overlap(s, slot))
        elif slot and (kind != "sentence" or _asks_for_a_phrase(question)):
            best = slot
        else:
            return None
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


def _z(scores: np.ndarray) -> np.ndarray:
    spread = scores.std() if len(scores) else 0.0
    return (scores - scores.mean()) / spread if spread > 0 else np.zeros_like(scores)


def _overlap(span: tuple[int, int], slot: tuple[int, int] | None) -> float:
    """Share of the span inside the aligned answer slot (0 when there is no slot)."""
    if slot is None:
        return 0.0
    inside = min(span[1], slot[1]) - max(span[0], slot[0])
    return 2.0 * max(0, inside) / max(1, span[1] - span[0])


def _span_score(text: str, span: tuple[int, int], anchors: list[int], q_terms: set[str]) -> float:
    """Near the question's words, but not made of them."""
    start, end = span
    distance = min((abs(a - start) if a < start else abs(a - end) for a in anchors), default=200)
    span_words = words(text[start:end])
    novel = sum(w not in q_terms for w in span_words) / max(1, len(span_words))
    unit_overlap = sum(w in q_terms for w in span_words[1:])
    return novel + 0.5 * unit_overlap - distance / 100.0
