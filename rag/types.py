"""The shared vocabulary: every module speaks in these frozen dataclasses."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Document:
    """A cleaned article: `text` is what every offset in the index points into."""

    doc_id: str
    title: str
    text: str
    source: str
    date: str | None = None  # ISO yyyy-mm-dd, so date ranges compare as strings
    author: str | None = None
    url: str | None = None  # the address a source gave in its metadata ("# url = …")
    attribution: str | None = None  # the outlet a byline credits ("Theo Reuters" → "Reuters")
    pages: tuple[int, ...] = ()  # a PDF's page starts in `text`: page n begins at pages[n - 1]

    def page_at(self, offset: int) -> int | None:
        """The page (from 1) holding `offset`, for a paged document; None otherwise."""
        return sum(1 for start in self.pages if start <= offset) or None if self.pages else None


@dataclass(frozen=True)
class Chunk:
    """A passage of a document; `document.text[start:end] == text`."""

    doc_id: str
    chunk_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Sentence:
    """A sentence inside a chunk, with offsets into the document text."""

    chunk_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and per-retriever ranks."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None


@dataclass(frozen=True)
class Citation:
    doc_id: str
    title: str
    date: str | None
    author: str | None
    source: str
    chunk_id: str
    text: str
    start: int
    end: int
    answer_start: int | None  # offsets inside `text`, None when the passage only supports
    answer_end: int | None
    score: float
    url: str | None = None  # the article's address, when its source gave one
    page: int | None = None  # the PDF page the passage starts on
    attribution: str | None = None  # the outlet the article credits ("Theo Reuters")


@dataclass(frozen=True)
class Turn:
    """An earlier turn of a conversation, as a client remembers it; `answer`, `doc_id` may be unknown."""

    question: str
    answer: str | None = None
    doc_id: str | None = None  # the article the answer came from


@dataclass(frozen=True)
class ShownSentence:
    """A sentence shown as it stands in its article: `document.text[start:end] == text`."""

    text: str
    doc_id: str
    start: int
    end: int


KINDS = ("fact", "overview", "catalogue", "not_found")


@dataclass(frozen=True)
class Answer:
    """`answer` is what a client that knows nothing of `kind` shows: the short answer of a fact, the
    shown sentences one per line of an overview, one line per article of a catalogue."""

    question: str
    answer: str | None
    sentence: str | None
    abstained: bool
    confidence: float
    citations: tuple[Citation, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    resolved_question: str = ""  # as searched: accents restored, a follow-up made standalone
    kind: str = "fact"
    sentences: tuple[ShownSentence, ...] = ()
    notice: str | None = None  # e.g. the article an earlier turn came from has since been removed

    def as_turn(self) -> Turn:
        """This answer as an earlier turn of the conversation: the question as typed, the answer
        shown, the article it came from."""
        cited = next((c.doc_id for c in self.citations if c.answer_start is not None), None)
        return Turn(self.question, self.answer, self.sentences[0].doc_id if self.sentences else cited)

    def to_dict(self) -> dict:
        """The one JSON schema of the CLI, the Python API and the HTTP API."""
        return asdict(self) | {"citations": [asdict(c) for c in self.citations],
                               "sentences": [asdict(s) for s in self.sentences]}
