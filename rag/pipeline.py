"""The ask pipeline, top to bottom: check the question (and restore its accents if it was typed
without them), embed it, retrieve, read, cite. The reader is the hand-written rules (`RAG_READER=rules`, the default) or the trained
span model (`RAG_READER=neural`, docs/reader.md)."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import diacritics, store
from .reader.rules import ExtractiveReader, Reading
from .embedding import Embedder, make_embedder
from .reader import READERS, Reader, load_span_model, make_reader
from .reader.rules import Reading
from .retrieval import Filters, HybridRetriever
from .text import validate_question
from .types import Answer, Citation, Hit

NOT_FOUND = "Không tìm thấy thông tin này trong các bài viết."


@dataclass(frozen=True)
class _Loaded:
    """One index generation with the components built over it; replaced whole on refresh."""

    index: store.Index
    retriever: HybridRetriever
    reader: Reader


class RAG:
    """Load once, then `ask` from as many threads as you like: a question reads one immutable
    snapshot of the index, so `refresh` can swap in a new generation while others are asked."""

    def __init__(self, index: store.Index, embedder: Embedder, mode: str = "hybrid",
                 index_dir: Path | None = None, reader: str | None = None) -> None:
        self.embedder = embedder
        self.mode = mode
        self.index_dir = index_dir
        self.reader_name = reader or _configured_reader()
        self.span_model = load_span_model() if self.reader_name == "neural" else None
        self._loaded = self._prepare(index)
        self._refresh_lock = threading.Lock()
        self.threshold = self.reader.calibration["threshold"]

    @classmethod
    def load(cls, index_dir: str | Path = "index", mode: str = "hybrid", reader: str | None = None) -> "RAG":
        index = store.load(Path(index_dir))
        return cls(index, make_embedder(index.embedder_name), mode, Path(index_dir), reader)

    @property
    def index(self) -> store.Index:
        return self._loaded.index

    @property
    def retriever(self) -> HybridRetriever:
        return self._loaded.retriever

    @property
    def reader(self) -> Reader:
        return self._loaded.reader

    def refresh(self) -> bool:
        """Switch to the newest generation `rag ingest` finished, if there is one; True if switched."""
        if self.index_dir is None:
            return False
        with self._refresh_lock:
            if store.live_generation(self.index_dir).name == self.index.generation:
                return False
            self._loaded = self._prepare(store.load(self.index_dir, self.embedder.name))
            return True

    def _prepare(self, index: store.Index) -> _Loaded:
        return _Loaded(index, HybridRetriever(index, self.mode), make_reader(index, self.span_model))

    def ask(self, question: str, k: int = 5, filters: Filters = Filters()) -> Answer:
        started = time.perf_counter()
        question = validate_question(question)
        k = max(1, min(int(k), 50))
        loaded = self._loaded
        searched = _with_accents(question, loaded.reader)
        query_vector = self.embedder.embed_queries([searched])[0]
        hits = loaded.retriever.run(searched, query_vector, k, filters)
        retrieved = time.perf_counter()
        reading = loaded.reader.run(searched, query_vector, hits)
        answered = time.perf_counter()
        timings = {
            "retrieve": round((retrieved - started) * 1000, 2),
            "answer": round((answered - retrieved) * 1000, 2),
            "total": round((answered - started) * 1000, 2),
        }
        return _answer(loaded.index, question, reading, timings, self.threshold)

    def retrieve(self, question: str, k: int = 5, filters: Filters = Filters()) -> list[Hit]:
        """The retrieval step alone, for evaluation and inspection."""
        loaded = self._loaded
        searched = _with_accents(validate_question(question), loaded.reader)
        return loaded.retriever.run(searched, self.embedder.embed_queries([searched])[0], k, filters)

    def with_accents(self, question: str) -> str:
        """The question as it is searched: accents restored if it was typed without them."""
        return _with_accents(validate_question(question), self.reader)


def _configured_reader() -> str:
    from .config import Settings

    name = Settings().reader
    if name not in READERS:
        raise ValueError(f"RAG_READER={name!r} is not a reader: use one of {', '.join(READERS)}")
    return name


def _with_accents(question: str, reader: Reader) -> str:
    """A question typed without accents is searched and read with the likeliest ones."""
    return diacritics.restore(question, reader.frequency) if diacritics.lacks_diacritics(question) else question


def _answer(index: store.Index, question: str, reading: Reading, timings: dict, threshold: float) -> Answer:
    abstained = reading.sentence is None or reading.confidence < threshold
    citations = tuple(_cite(index, hit, reading, abstained) for hit in reading.hits)
    if abstained:
        return Answer(question, None, None, True, round(reading.confidence, 4), citations, timings)
    doc = index.documents[reading.hits[0].chunk.doc_id]
    start, end = reading.span or (reading.sentence.start, reading.sentence.end)
    return Answer(question, doc.text[start:end], reading.sentence.text, False,
                  round(reading.confidence, 4), citations, timings)


def _cite(index: store.Index, hit: Hit, reading: Reading, abstained: bool) -> Citation:
    chunk = hit.chunk
    doc = index.documents[chunk.doc_id]
    answer_start = answer_end = None
    if not abstained and hit is reading.hits[0]:
        start, end = reading.span or (reading.sentence.start, reading.sentence.end)
        answer_start, answer_end = start - chunk.start, end - chunk.start
    return Citation(
        doc_id=doc.doc_id, title=doc.title, date=doc.date, author=doc.author, source=doc.source,
        chunk_id=chunk.chunk_id, text=chunk.text, start=chunk.start, end=chunk.end,
        answer_start=answer_start, answer_end=answer_end, score=round(hit.score, 6),
    )
