"""Scoring the chat as a conversation: follow-up questions (eval/conversations.jsonl) and questions
answered with an overview (eval/overviews.jsonl).

A conversation is replayed as the chat would: each earlier turn is asked with the turns before it,
and its own answer goes into the history. Only the last turn is scored, with its history and — the
baseline, in the same run — without it; and the set's own standalone rewrite of it (`resolved`) is
asked alone too, which says how much is lost in the rewriting and how much in the reading.
"""
from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from .evaluation import contains, exact_match, f1, normalize
from .pipeline import RAG
from .text import nfc
from .types import Answer, Turn


@dataclass(frozen=True)
class Conversation:
    id: str
    turns: tuple[str, ...]  # the questions typed, oldest first; the last is scored
    resolved: str  # what the last one means, as a person would ask it alone
    answers: tuple[str, ...]
    doc_id: str | None
    answerable: bool
    follow_up: str  # ellipsis, anaphor, no_accents, topic_switch, three_turn


@dataclass(frozen=True)
class OverviewCase:
    id: str
    question: str
    kind: str  # topic or summary
    doc_id: str
    facts: tuple[str, ...]  # at least one should stand in a shown sentence


def is_conversations(path: Path) -> bool:
    return _first_row(path).keys() >= {"turns"}


def is_overviews(path: Path) -> bool:
    return _first_row(path).keys() >= {"facts", "question"}


def load_conversations(path: Path) -> list[Conversation]:
    return [Conversation(r["id"], tuple(r["turns"]), r.get("resolved", ""), tuple(r.get("answers", [])),
                         r.get("doc_id"), r.get("answerable", True), r.get("follow_up", "other"))
            for r in _rows(path)]


def load_overviews(path: Path) -> list[OverviewCase]:
    return [OverviewCase(r["id"], r["question"], r.get("kind", "topic"), r["doc_id"], tuple(r["facts"]))
            for r in _rows(path)]


def replay(rag: RAG, conversation: Conversation, k: int = 5) -> tuple[Answer, float]:
    """The last turn's answer after the earlier ones were asked in order, and its latency (ms)."""
    history: list[Turn] = []
    for question in conversation.turns[:-1]:
        history.append(rag.ask(question, k=k, history=history).as_turn())
    started = time.perf_counter()
    answer = rag.ask(conversation.turns[-1], k=k, history=history)
    return answer, (time.perf_counter() - started) * 1000


def score_turn(answer: Answer, conversation: Conversation) -> dict:
    if not conversation.answerable:
        return {"abstained": answer.abstained, "correct": answer.abstained}
    short = answer.answer if answer.kind == "fact" else None  # a short answer, not a list of sentences
    return {"abstained": answer.abstained, "short_contains": contains([short], conversation.answers),
            "f1": f1(short, conversation.answers), "exact_match": exact_match(short, conversation.answers),
            "correct": bool(contains([short], conversation.answers))}


def evaluate_conversations(rag: RAG, conversations: list[Conversation], k: int = 5,
                           progress: bool = True) -> tuple[dict, list[dict]]:
    rows = []
    for c in tqdm(conversations, desc="Hội thoại", unit="hội thoại", disable=not progress):
        answer, latency = replay(rag, c, k)
        alone = rag.ask(c.turns[-1], k=k)
        by_hand = rag.ask(c.resolved, k=k) if c.resolved else alone  # the reader's ceiling: a perfect rewrite
        rows.append({
            "id": c.id, "follow_up": c.follow_up, "turns": list(c.turns), "answerable": c.answerable,
            "gold": list(c.answers), "gold_resolved": c.resolved, "resolved": answer.resolved_question,
            "kind": answer.kind, "predicted": answer.answer, "latency_ms": round(latency, 2),
            "resolution_f1": round(f1(answer.resolved_question, (c.resolved,)), 4) if c.resolved else None,
            **score_turn(answer, c), "alone": {"predicted": alone.answer, **score_turn(alone, c)},
            "resolved_by_hand": {"predicted": by_hand.answer, **score_turn(by_hand, c)},
        })
    return summarize_conversations(rows), rows


def summarize_conversations(rows: list[dict]) -> dict:
    follow_ups = [r for r in rows if r["follow_up"] != "topic_switch"]  # a topic switch needs no history

    def side(pick, rows=rows) -> dict:
        answerable = [pick(r) for r in rows if r["answerable"]]
        unanswerable = [pick(r) for r in rows if not r["answerable"]]
        return {"short_contains": _mean(answerable, "short_contains"), "f1": _mean(answerable, "f1"),
                "exact_match": _mean(answerable, "exact_match"),
                "abstention_recall": _mean(unanswerable, "abstained"),
                "wrongly_abstained": _mean(answerable, "abstained")}

    kinds = sorted({r["follow_up"] for r in rows})
    return {
        "n": len(rows), "answerable": sum(r["answerable"] for r in rows),
        "with_history": side(lambda r: r), "without_history": side(lambda r: r["alone"]),
        "resolved_by_hand": side(lambda r: r["resolved_by_hand"]),
        "follow_ups": {"n": len(follow_ups), "with_history": side(lambda r: r, follow_ups),
                       "without_history": side(lambda r: r["alone"], follow_ups)},
        "resolution_f1": _mean([r for r in rows if r["resolution_f1"] is not None], "resolution_f1"),
        "by_follow_up": {k: {"n": sum(r["follow_up"] == k for r in rows),
                             "correct": _mean([r for r in rows if r["follow_up"] == k], "correct")} for k in kinds},
        "latency_ms": {"p50": round(statistics.median(r["latency_ms"] for r in rows), 2) if rows else None},
    }


def evaluate_overviews(rag: RAG, cases: list[OverviewCase], k: int = 5, progress: bool = True) -> tuple[dict, list[dict]]:
    rows = []
    for case in tqdm(cases, desc="Tổng quan", unit="câu", disable=not progress):
        answer = rag.ask(case.question, k=k)
        shown = [s.text for s in answer.sentences]
        rows.append({
            "id": case.id, "question": case.question, "wanted": case.kind, "kind": answer.kind,
            "gold_doc": case.doc_id, "facts": list(case.facts), "sentences": shown,
            "is_overview": answer.kind == "overview",
            "right_article": bool(shown) and all(s.doc_id == case.doc_id for s in answer.sentences),
            "holds_a_fact": bool(contains(shown, case.facts)),
            "copied": all(rag.index.documents[s.doc_id].text[s.start:s.end] == s.text for s in answer.sentences),
            "distinct": len({normalize(s) for s in shown}) == len(shown),
        })
    summary = {"n": len(rows), **{key: _mean(rows, key) for key in
                                  ("is_overview", "right_article", "holds_a_fact", "copied", "distinct")},
               "sentences_shown": round(statistics.fmean(len(r["sentences"]) for r in rows), 2) if rows else None}
    return summary, rows


def _mean(rows: list[dict], key: str) -> float | None:
    return round(statistics.fmean(float(r[key]) for r in rows), 4) if rows else None


def _rows(path: Path) -> list[dict]:
    return [json.loads(nfc(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _first_row(path: Path) -> dict:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            return row if isinstance(row, dict) else {}
    return {}
