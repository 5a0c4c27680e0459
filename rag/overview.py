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

SHOWN = 4  # sentences an overview shows at most, and at least MIN_SHOWN when the article has them
MIN_SHOWN = 3
WORDS_WEIGHT = 0.1  # a topic sentence's relevance: its cosine to the question + this × the share of the topic's words it holds
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
# "… như thế nào?", "… ra sao?", "… còn những hạn chế gì?": several sentences answer, not one phrase
# ("… còn hạn chế gì?" without "những" asks for one, which the fact reader finds).
_OPEN = re.compile(
    r"\b(?:như thế nào|thế nào|ra sao)\s*\??$|\bnhững (?:hạn chế|nhiệm vụ|giải pháp|khó khăn|tồn tại|bài học"
    r"|kết quả|điểm nhấn|nội dung|hoạt động)(?: nổi bật| chính| chủ yếu)? (?:gì|nào)\b",
    re.IGNORECASE,
)
_FACT_WORD = re.compile(r"\b(?:bao nhiêu|mấy|ai|khi nào|bao giờ|ở đâu|năm nào|ngày nào)\b", re.IGNORECASE)
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
    if _TOPIC.search(question):
        return "topic"
    return "topic" if _OPEN.search(question) and not _FACT_WORD.search(question) else None


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
        terms = _topic_terms(question)
        shared = np.array([_share(terms, index.sentences[r].text) for r in rows], dtype=np.float32)
        relevance = relevance + WORDS_WEIGHT * shared
        chosen = _relevant(rows, relevance, shared)
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
            title = index.documents[doc_id].title
            if (sentence.start, sentence.end) not in seen and len(sentence.text.split()) >= MIN_WORDS \
                    and sentence.text.strip() != title.strip():
                seen.add((sentence.start, sentence.end))
                rows.append(row)
    return rows


def _central(vectors: np.ndarray) -> list[int]:
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, 0.0)
    centrality = similarity.sum(axis=1)
    return list(np.argsort(-centrality, kind="stable")[:SHOWN])


def _relevant(rows: list[int], relevance: np.ndarray, shared: np.ndarray) -> list[int]:
    """The sentences nearest the question that share its words, within reach of the best."""
    sharing = [i for i in range(len(rows)) if shared[i] > 0]
    if not sharing:
        return []
    ranked = sorted(sharing, key=lambda i: -relevance[i])
    best = relevance[ranked[0]]
    return ranked[:MIN_SHOWN] + [i for i in ranked[MIN_SHOWN:SHOWN] if relevance[i] >= RELEVANT_SHARE * best]


def _share(terms: set[str], text: str) -> float:
    return len(terms & set(tokens(text))) / len(terms) if terms else 0.0


def _topic_terms(question: str) -> set[str]:
    """What the question is about: its words less the ones that ask ("bài viết nói gì về")."""
    return {t for t in tokens(question) if "_" in t and not set(t.split("_")) <= _ASKING_WORDS}
