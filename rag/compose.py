"""Answers of each kind written in the one schema (`types.Answer`): a fact with its sentence, an
overview's sentences, a catalogue's articles, or not found — each with its citations."""
from __future__ import annotations

from .catalogue import Catalogue
from .overview import Overview
from .reader.rules import Reading
from .store import Index
from .types import Answer, Chunk, Citation, Hit


def fact(index: Index, question: str, searched: str, reading: Reading, timings: dict, threshold: float) -> Answer:
    abstained = reading.sentence is None or reading.confidence < threshold
    citations = tuple(_cite(index, hit.chunk, hit.score, _answer_span(reading, hit, abstained)) for hit in reading.hits)
    if abstained:
        return not_found(question, searched, round(reading.confidence, 4), citations, timings)
    doc = index.documents[reading.hits[0].chunk.doc_id]
    start, end = reading.span or (reading.sentence.start, reading.sentence.end)
    return Answer(question, doc.text[start:end], reading.sentence.text, False, round(reading.confidence, 4),
                  citations, timings, searched, "fact")


def overview(index: Index, question: str, searched: str, shown: Overview, hits: list[Hit], timings: dict) -> Answer:
    """The sentences one per line; one citation per chunk that holds a shown sentence, its first
    shown sentence highlighted, in the order of the sentences."""
    if not shown.sentences:
        return not_found(question, searched, 0.0, tuple(_cite(index, h.chunk, h.score, None) for h in hits), timings)
    scores = {h.chunk.chunk_id: h.score for h in hits}
    citations: dict[str, Citation] = {}
    for sentence in shown.sentences:
        chunk = _holding(index, sentence.doc_id, sentence.start, sentence.end)
        if chunk.chunk_id not in citations:
            span = (sentence.start - chunk.start, sentence.end - chunk.start)
            citations[chunk.chunk_id] = _cite(index, chunk, scores.get(chunk.chunk_id, 0.0), span)
    text = "\n".join(s.text for s in shown.sentences)
    return Answer(question, text, None, False, round(max(0.0, shown.relevance), 4), tuple(citations.values()),
                  timings, searched, "overview", shown.sentences)


def catalogue(index: Index, question: str, searched: str, found: Catalogue, timings: dict) -> Answer:
    if not found.documents and not found.counted:
        return not_found(question, searched, 0.0, (), timings)
    chunks = index.chunks_by_document
    citations = tuple(_cite(index, index.chunks[chunks[d.doc_id][0]], 0.0, None) for d in found.documents if d.doc_id in chunks)
    return Answer(question, found.text(), None, False, 1.0, citations, timings, searched, "catalogue")


def not_found(question: str, searched: str, confidence: float, citations: tuple, timings: dict) -> Answer:
    return Answer(question, None, None, True, confidence, citations, timings, searched, "not_found")


def _answer_span(reading: Reading, hit: Hit, abstained: bool) -> tuple[int, int] | None:
    if abstained or hit is not reading.hits[0]:
        return None
    start, end = reading.span or (reading.sentence.start, reading.sentence.end)
    return start - hit.chunk.start, end - hit.chunk.start


def _holding(index: Index, doc_id: str, start: int, end: int) -> Chunk:
    chunks = (index.chunks[i] for i in index.chunks_by_document[doc_id])
    return next(c for c in chunks if c.start <= start and end <= c.end)


def _cite(index: Index, chunk: Chunk, score: float, span: tuple[int, int] | None) -> Citation:
    doc = index.documents[chunk.doc_id]
    return Citation(
        doc_id=doc.doc_id, title=doc.title, date=doc.date, author=doc.author, source=doc.source,
        chunk_id=chunk.chunk_id, text=chunk.text, start=chunk.start, end=chunk.end,
        answer_start=span[0] if span else None, answer_end=span[1] if span else None, score=round(score, 6),
        url=doc.url, page=doc.page_at(chunk.start), attribution=doc.attribution,
    )
