"""The ask pipeline, top to bottom: check the question, embed it, retrieve, read, cite."""
from __future__ import annotations

import time
from pathlib import Path

from . import store
from .answering import ExtractiveReader, Reading
from .embedding import Embedder, make_embedder
from .retrieval import Filters, HybridRetriever
from .text import validate_question
from .types import Answer, Citation, Hit

NOT_FOUND = "Không tìm thấy thông tin này trong các bài viết."


class RAG:
    """Load once, then `ask` from as many threads as you like: nothing here mutates."""

    def __init__(self, index: store.Index, embedder: Embedder, mode: str = "hybrid") -> None:
        self.index = index
        self.embedder = embedder
        self.retriever = HybridRetriever(index, mode)
        self.reader = ExtractiveReader(index)
        self.threshold = self.reader.calibration["threshold"]

    @classmethod
    def load(cls, index_dir: str | Path = "index", mode: str = "hybrid") -> "RAG":
        index = store.load(Path(index_dir))
        return cls(index, make_embedder(index.embedder_name), mode)

    def ask(self, question: str, k: int = 5, filters: Filters = Filters()) -> Answer:
        started = time.perf_counter()
        question = validate_question(question)
        k = max(1, min(int(k), 50))
        query_vector = self.embedder.embed_queries([question])[0]
        hits = self.retriever.run(question, query_vector, k, filters)
        retrieved = time.perf_counter()
        reading = self.reader.run(question, query_vector, hits)
        answered = time.perf_counter()
        timings = {
            "retrieve": round((retrieved - started) * 1000, 2),
            "answer": round((answered - retrieved) * 1000, 2),
            "total": round((answered - started) * 1000, 2),
        }
        return self._answer(question, reading, timings)

    def retrieve(self, question: str, k: int = 5, filters: Filters = Filters()) -> list[Hit]:
        """The retrieval step alone, for evaluation and inspection."""
        question = validate_question(question)
        return self.retriever.run(question, self.embedder.embed_queries([question])[0], k, filters)

    def _answer(self, question: str, reading: Reading, timings: dict) -> Answer:
        abstained = reading.sentence is None or reading.confidence < self.threshold
        citations = tuple(self._cite(hit, reading, abstained) for hit in reading.hits)
        if abstained:
            return Answer(question, None, None, True, round(reading.confidence, 4), citations, timings)
        doc = self.index.documents[reading.hits[0].chunk.doc_id]
        start, end = reading.span or (reading.sentence.start, reading.sentence.end)
        return Answer(question, doc.text[start:end], reading.sentence.text, False,
                      round(reading.confidence, 4), citations, timings)

    def _cite(self, hit: Hit, reading: Reading, abstained: bool) -> Citation:
        chunk = hit.chunk
        doc = self.index.documents[chunk.doc_id]
        answer_start = answer_end = None
        if not abstained and hit is reading.hits[0]:
            start, end = reading.span or (reading.sentence.start, reading.sentence.end)
            answer_start, answer_end = start - chunk.start, end - chunk.start
        return Citation(
            doc_id=doc.doc_id, title=doc.title, date=doc.date, author=doc.author, source=doc.source,
            chunk_id=chunk.chunk_id, text=chunk.text, start=chunk.start, end=chunk.end,
            answer_start=answer_start, answer_end=answer_end, score=round(hit.score, 6),
        )
