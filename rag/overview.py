"""Questions with no single short answer — "Bài viết nói gì về chuyển đổi số?", "Tóm tắt bài viết
về Bắc Quang" — answered with a few sentences copied from one article, in its order.

A topic question gets the article's sentences most relevant to it (the sentence vectors the index
already holds, and the question's words); a summary gets the article's central sentences: those
most similar to the rest of the article (degree centrality over the same vectors, as LexRank).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .store import Index
from .text import tokens
from .types import Hit, ShownSentence

SHOWN = 4  # sentences an overview shows (the issue asks for 3–6)
MIN_WORDS = 6  # shorter lines are headings, datelines, captions
RELEVANT_SHARE = 0.85  # a topic sentence within this share of the best one's relevance
_TOPIC = re.compile(
    r"\b(?:nói|viết|đề cập|phản ánh|nêu)(?: những)? (?:gì|điều gì) về\b|\bcho (?:tôi |mình )?biết(?: thêm)?"
    r"(?: thông tin)? về\b|\bthông tin về\b|\bgiới thiệu về\b|^(?:tình hình|kết quả|công tác)\b.*\b(?:ra sao|thế nào"
    r"|như thế nào)\s*\??$|\b(?:diễn ra|triển khai|thực hiện) như thế nào\s*\??$",
    re.IGNORECASE,
)
_SUMMARY = re.compile(
    r"\btóm tắt\b|\btóm lược\b|\bnội dung chính\b|\bý chính\b|\b(?:bài viết|bài báo|bài)(?: này| đó)? nói (?:về )?gì\b",
    re.IGNORECASE,
)
_ASKING_WORDS = set("bài viết báo nói gì về cho tôi biết thông tin giới thiệu tóm tắt lược nội dung chính ý "
                    "này đó của là những điều như thế nào ra sao tình hình kết quả".split())


@dataclass(frozen=True)
class Overview:
    doc_id: str | None  # None: no article speaks of it
    sentences: tuple[ShownSentence, ...]
    relevance: float  # the best shown sentence's cosine to the question


def asks_for(question: str) -> str | None:
    """"summary", "topic", or None for a question that asks a fact."""
    if _SUMMARY.search(question):
        return "summary"
    return "topic" if _TOPIC.search(question) else None


def run(index: Index, question: str, query_vector: np.ndarray, hits: list[Hit], wanted: str) -> Overview:
    """The sentences to show, from the article of the best hit (the retriever read the question)."""
    if not hits:
        return Overview(None, (), 0.0)
    doc_id = _article(hits)
    rows = _sentences_of(index, doc_id)
    if not rows:
        return Overview(None, (), 0.0)
    vectors = index.sentence_vectors[rows]
    relevance = vectors @ query_vector
    if wanted == "summary":
        chosen = _central(vectors)
    else:
        chosen = _relevant(index, rows, relevance, _topic_terms(question))
        if not chosen:
            return Overview(None, (), 0.0)
    shown = sorted({rows[i] for i in chosen}, key=lambda r: index.sentences[r].start)
    sentences = tuple(ShownSentence(index.sentences[r].text, doc_id, index.sentences[r].start,
                                    index.sentences[r].end) for r in shown)
    return Overview(doc_id, sentences, float(max(relevance[i] for i in chosen)))


def _article(hits: list[Hit]) -> str:
    """The article with the most retrieval score among the hits (ties: the best hit's)."""
    weight: dict[str, float] = {}
    floor = min(h.score for h in hits)
    for hit in hits:
        weight[hit.chunk.doc_id] = weight.get(hit.chunk.doc_id, 0.0) + hit.score - floor + 1e-6
    best = hits[0].chunk.doc_id
    return max(weight, key=lambda d: (weight[d], d == best))


def _sentences_of(index: Index, doc_id: str) -> list[int]:
    """The article's sentences, each once (chunks overlap), long enough to say something."""
    seen, rows = set(), []
    for c in index.chunks_by_document.get(doc_id, []):
        for row in index.sentences_by_chunk.get(index.chunks[c].chunk_id, []):
            sentence = index.sentences[row]
            if (sentence.start, sentence.end) not in seen and len(sentence.text.split()) >= MIN_WORDS:
                seen.add((sentence.start, sentence.end))
                rows.append(row)
    return rows


def _central(vectors: np.ndarray) -> list[int]:
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, 0.0)
    centrality = similarity.sum(axis=1)
    return list(np.argsort(-centrality, kind="stable")[:SHOWN])


def _relevant(index: Index, rows: list[int], relevance: np.ndarray, terms: set[str]) -> list[int]:
    """The sentences nearest the question that share one of its words, within reach of the best."""
    sharing = [i for i, r in enumerate(rows) if terms & set(tokens(index.sentences[r].text))]
    if not sharing:
        return []
    best = max(relevance[i] for i in sharing)
    ranked = sorted(sharing, key=lambda i: -relevance[i])
    return [i for i in ranked[:SHOWN] if relevance[i] >= RELEVANT_SHARE * best]


def _topic_terms(question: str) -> set[str]:
    """What the question is about: its words less the ones that ask ("bài viết nói gì về")."""
    return {t for t in tokens(question) if "_" in t and not set(t.split("_")) <= _ASKING_WORDS}
