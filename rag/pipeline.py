"""The ask pipeline, top to bottom: check the question and the conversation so far, restore the
accents of a question typed without them, answer a question about the collection from its list of
articles, make a follow-up standalone, embed, retrieve, then read a fact (or pick the sentences of an
overview) and cite. The reader is the rules with the trained span model marking what they cannot
narrow (`RAG_READER=combined`, the default), the hand-written rules alone (`rules`) or the span model
alone (`neural`, docs/reader.md)."""
from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import catalogue, compose, diacritics, followup, library, overview, store
from .embedding import Embedder, make_embedder
from .reader import READERS, TRAINED, Reader, load_span_model, make_reader
from .retrieval import Filters, HybridRetriever
from .text import InvalidQuestion, validate_question
from .types import Answer, Hit, Turn

MAX_HISTORY_TURNS = 20
MAX_ANSWER_CHARS = 2000  # an earlier answer longer than this is cut, not refused
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
        self.span_model = load_span_model() if self.reader_name in TRAINED else None
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
        return _Loaded(index, HybridRetriever(index, self.mode), make_reader(index, self.reader_name, self.span_model))

    def ask(self, question: str, k: int = 5, filters: Filters = Filters(),
            history: Sequence[Turn | dict] = ()) -> Answer:
        """Answer `question`; `history` holds the conversation's earlier turns, oldest first."""
        started = time.perf_counter()
        question = validate_question(question)
        turns = validate_history(history)
        k = max(1, min(int(k), 50))
        loaded = self._loaded
        typed = _with_accents(question, loaded.reader)
        if catalogue.asks_for(typed):
            found = catalogue.run(loaded.index.documents, typed)
            return compose.catalogue(loaded.index, question, typed, found, _timings(started))
        resolution = followup.resolve(typed, turns, loaded.index.documents, lambda q: _with_accents(q, loaded.reader))
        searched = resolution.question
        if resolution.doc_id:
            filters = dataclasses.replace(filters, doc_id=resolution.doc_id)
        query_vector = self.embedder.embed_queries([searched])[0]
        hits = loaded.retriever.run(searched, query_vector, k, filters)
        retrieved = time.perf_counter()
        wanted = overview.asks_for(searched)
        if wanted:
            shown = overview.run(loaded.index, searched, query_vector, hits, wanted)
            answer = compose.overview(loaded.index, question, searched, shown, hits, _timings(started, retrieved))
            return _with_notice(answer, loaded.index, turns)
        reading = loaded.reader.run(searched, query_vector, hits)
        answer = compose.fact(loaded.index, question, searched, reading, _timings(started, retrieved), self.threshold)
        return _with_notice(answer, loaded.index, turns)

    def retrieve(self, question: str, k: int = 5, filters: Filters = Filters()) -> list[Hit]:
        """The retrieval step alone, for evaluation and inspection."""
        loaded = self._loaded
        searched = _with_accents(validate_question(question), loaded.reader)
        return loaded.retriever.run(searched, self.embedder.embed_queries([searched])[0], k, filters)

    def with_accents(self, question: str) -> str:
        """The question as it is searched: accents restored if it was typed without them."""
        return _with_accents(validate_question(question), self.reader)


def _with_notice(answer: Answer, index: store.Index, turns: list[Turn]) -> Answer:
    """Say so when the article the conversation was about has been removed since."""
    last = next((t.doc_id for t in reversed(turns) if t.doc_id), None)
    title = library.removed_title(index, last) if last not in index.documents else None
    if not title:
        return answer
    return dataclasses.replace(answer, notice=f"Bài viết “{title}” của câu trả lời trước đã được gỡ khỏi kho; "
                                              "câu hỏi được tìm trong các bài còn lại.")


def _configured_reader() -> str:
    from .config import Settings

    name = Settings().reader
    if name not in READERS:
        raise ValueError(f"RAG_READER={name!r} is not a reader: use one of {', '.join(READERS)}")
    return name


def _with_accents(question: str, reader: Reader) -> str:
    """A question typed without accents is searched and read with the likeliest ones."""
    return diacritics.restore(question, reader.frequency) if diacritics.lacks_diacritics(question) else question


def validate_history(history: Sequence[Turn | dict] | None) -> list[Turn]:
    """The earlier turns as `Turn`s, or InvalidQuestion naming the turn that cannot be used."""
    if history is None:
        return []
    if isinstance(history, (str, bytes, dict)) or not isinstance(history, Sequence):
        raise InvalidQuestion("history phải là danh sách các lượt hỏi trước (history must be a list of turns).")
    if len(history) > MAX_HISTORY_TURNS:
        raise InvalidQuestion(f"history có {len(history)} lượt, vượt giới hạn {MAX_HISTORY_TURNS}; hãy bỏ bớt lượt cũ.")
    return [_turn(n, turn) for n, turn in enumerate(history, start=1)]


def _turn(n: int, turn: Turn | dict) -> Turn:
    if isinstance(turn, dict):
        turn = Turn(turn.get("question"), turn.get("answer"), turn.get("doc_id"))
    if not isinstance(turn, Turn):
        raise InvalidQuestion(f"Lượt {n} của history phải có dạng {{question, answer, doc_id}}.")
    try:
        question = validate_question(turn.question)
    except InvalidQuestion as problem:
        raise InvalidQuestion(f"Lượt {n} của history: {problem}") from None
    answer = turn.answer[:MAX_ANSWER_CHARS] if isinstance(turn.answer, str) else None
    doc_id = turn.doc_id if isinstance(turn.doc_id, str) else None
    return Turn(question, answer, doc_id)


def _timings(started: float, retrieved: float | None = None) -> dict[str, float]:
    done = time.perf_counter()
    retrieved = done if retrieved is None else retrieved
    return {"retrieve": round((retrieved - started) * 1000, 2), "answer": round((done - retrieved) * 1000, 2),
            "total": round((done - started) * 1000, 2)}
