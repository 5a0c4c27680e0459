"""The index on disk: documents, chunks, sentences, vectors, FAISS and BM25, with a manifest.

Each build is written to a fresh generation folder; the one-line file CURRENT names the
live generation and is replaced atomically (os.replace) only after the whole generation
is on disk. A build killed at any moment therefore leaves the previous index loadable.
"""
from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import math
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import faiss
import numpy as np

from .lexical import LexicalIndex
from .types import Chunk, Document, Sentence

FORMAT_VERSION = 1
CURRENT = "CURRENT"
# The dense index follows the size of the corpus (benchmarks/growth.py; README, "Benchmarks"):
# below the threshold a flat scan is exact and takes at most ~2 ms a question on two cores; above
# it an inverted file (k-means lists, a share of them scanned per question). At a million chunks
# an HNSW graph lost most true neighbours among near-duplicate passages (reposted articles), where
# the inverted file found them all; the lists and the share scanned are the measured choice.
DENSE_THRESHOLD = 20_000
IVF_PROBED_SHARE = 8  # scan 1/8 of the lists
IVF_TRAINING_PER_LIST = 64  # k-means sample: 64 vectors a list


def ivf_lists(count: int) -> int:
    """About 4 × √count lists, a power of two (faiss's guideline: 4-16 × √N), no more than vectors."""
    return max(1, min(count, 1 << round(math.log2(4 * math.sqrt(max(count, 1))))))


class IndexProblem(Exception):
    """The index folder is missing, damaged or built differently; the message says what to do."""


class IndexBusy(IndexProblem):
    """Another ingest holds the index's write lock."""


@dataclass
class Index:
    manifest: dict
    documents: dict[str, Document]
    chunks: list[Chunk]
    sentences: list[Sentence]
    chunk_vectors: np.ndarray
    sentence_vectors: np.ndarray
    dense: faiss.Index
    lexical: LexicalIndex
    generation: str = ""  # the folder it was loaded from; empty for an index not yet saved

    @property
    def embedder_name(self) -> str:
        return self.manifest["embedder"]["name"]

    @functools.cached_property
    def chunks_by_document(self) -> dict[str, list[int]]:
        """doc_id -> its chunks' positions in `chunks`, in text order."""
        found: dict[str, list[int]] = {}
        for i, chunk in enumerate(self.chunks):
            found.setdefault(chunk.doc_id, []).append(i)
        return found

    @functools.cached_property
    def chunk_positions(self) -> dict[str, int]:
        """chunk_id -> its position in `chunks`."""
        return {chunk.chunk_id: i for i, chunk in enumerate(self.chunks)}

    @functools.cached_property
    def sentences_by_chunk(self) -> dict[str, list[int]]:
        """chunk_id -> its sentences' positions in `sentences`."""
        found: dict[str, list[int]] = {}
        for i, sentence in enumerate(self.sentences):
            found.setdefault(sentence.chunk_id, []).append(i)
        return found


def build_dense(vectors: np.ndarray, threshold: int | None = None) -> faiss.Index:
    """Exact inner-product search below `threshold` vectors (DENSE_THRESHOLD), an inverted file above."""
    if len(vectors) >= (DENSE_THRESHOLD if threshold is None else threshold):
        lists = ivf_lists(len(vectors))
        return build_ivf(vectors, lists, max(1, lists // IVF_PROBED_SHARE))
    index = faiss.IndexFlatIP(vectors.shape[1])
    if len(vectors):
        index.add(vectors)
    return index


def build_ivf(vectors: np.ndarray, lists: int, probed: int) -> faiss.IndexIVFFlat:
    """An inverted file of `lists` k-means lists, trained on a sample, `probed` of them scanned."""
    dim = vectors.shape[1]
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), IVF_TRAINING_PER_LIST * lists),
                                             replace=False)
    index.train(np.ascontiguousarray(vectors[np.sort(sample)]))
    index.add(vectors)
    index.nprobe = probed
    return index


def describe_dense(index: faiss.Index) -> dict:
    """The manifest's record of the dense index: its type and the parameters to restore on load."""
    if isinstance(index, faiss.IndexIVF):
        return {"faiss": "IndexIVFFlat", "metric": "inner_product", "nlist": index.nlist, "nprobe": index.nprobe}
    return {"faiss": type(index).__name__, "metric": "inner_product"}


def _read_dense(path: Path, described: dict) -> faiss.Index:
    index = faiss.read_index(str(path))
    # nprobe is a query-time setting: the manifest is its record.
    if isinstance(index, faiss.IndexIVF) and "nprobe" in described:
        index.nprobe = described["nprobe"]
    return index


def save(index: Index, folder: Path) -> Path:
    """Write a new generation and switch CURRENT to it; return the generation folder."""
    folder.mkdir(parents=True, exist_ok=True)
    generation = folder / f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
    generation.mkdir()
    _write_jsonl(generation / "documents.jsonl", (asdict(d) for d in index.documents.values()))
    _write_jsonl(generation / "chunks.jsonl", (asdict(c) for c in index.chunks))
    _write_jsonl(generation / "sentences.jsonl", (asdict(s) for s in index.sentences))
    np.save(generation / "chunk_vectors.npy", index.chunk_vectors)
    np.save(generation / "sentence_vectors.npy", index.sentence_vectors)
    faiss.write_index(index.dense, str(generation / "chunks.faiss"))
    index.lexical.save(generation / "bm25")
    (generation / "manifest.json").write_text(
        json.dumps(index.manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    _fsync_tree(generation)
    previous = (folder / CURRENT).read_text(encoding="utf-8").strip() if exists(folder) else ""
    _replace_text(folder / CURRENT, generation.name)
    # The previous generation stays one round, for a server still reading it.
    _remove_old_generations(folder, keep={generation.name, previous})
    return generation


def load(folder: Path, expected_embedder: str | None = None) -> Index:
    generation = live_generation(folder)
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexProblem(
            f"{folder}: index format {manifest.get('format_version')} is not {FORMAT_VERSION}; "
            "rebuild it with `rag ingest --index {folder}`."
        )
    built_with = manifest["embedder"]["name"]
    if expected_embedder and expected_embedder != built_with:
        raise IndexProblem(
            f"{folder}: index was built with embedder {built_with!r}, not {expected_embedder!r}; "
            f"use --embedder {built_with} or rebuild into another --index folder."
        )
    return Index(
        manifest=manifest,
        documents={d["doc_id"]: Document(**d | {"pages": tuple(d.get("pages", ()))})
                   for d in _read_jsonl(generation / "documents.jsonl")},
        chunks=[Chunk(**c) for c in _read_jsonl(generation / "chunks.jsonl")],
        sentences=[Sentence(**s) for s in _read_jsonl(generation / "sentences.jsonl")],
        # Mapped, not read: a question touches the vectors of a few chunks and their sentences.
        chunk_vectors=np.load(generation / "chunk_vectors.npy", mmap_mode="r"),
        sentence_vectors=np.load(generation / "sentence_vectors.npy", mmap_mode="r"),
        dense=_read_dense(generation / "chunks.faiss", manifest.get("dense", {})),
        lexical=LexicalIndex.load(generation / "bm25"),
        generation=generation.name,
    )


def live_generation(folder: Path) -> Path:
    pointer = folder / CURRENT
    if not pointer.is_file():
        raise IndexProblem(f"{folder}: no index here; build one with `rag ingest --index {folder}`.")
    generation = folder / pointer.read_text(encoding="utf-8").strip()
    if not (generation / "manifest.json").is_file():
        raise IndexProblem(f"{folder}: index is damaged; rebuild it with `rag ingest --index {folder}`.")
    return generation


def exists(folder: Path) -> bool:
    return (folder / CURRENT).is_file()


@contextlib.contextmanager
def write_lock(folder: Path):
    """One ingest at a time per index folder; a second one fails at once with a clear message."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy(
                f"{folder}: another ingest is writing this index; wait for it to finish."
            ) from None
        yield


def _write_jsonl(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as rows:
        return [json.loads(line) for line in rows if line.strip()]


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


def _replace_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:6]}.tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(text + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _remove_old_generations(folder: Path, keep: set[str]) -> None:
    for path in folder.glob("gen-*"):
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
    for path in folder.glob(f".{CURRENT}.*.tmp"):
        path.unlink(missing_ok=True)
