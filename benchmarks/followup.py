"""What a conversation costs: follow-up resolution alone, and a follow-up asked with its history
against the same question asked standalone (already resolved) and a plain dense search, on the
last turns of eval/conversations.jsonl over the shipped corpus."""
from __future__ import annotations

from pathlib import Path

from rag import RAG, store
from rag.chat_eval import Conversation
from rag.followup import resolve

from .common import summary, time_calls


def run(index_dir: Path, embedder, conversations: list[Conversation], rounds: int) -> dict:
    rag = RAG(store.load(index_dir), embedder)
    asked = []  # (the last question, its history, the question it was resolved to)
    for c in conversations:
        history = []
        for question in c.turns[:-1]:
            history.append(rag.ask(question, history=history).as_turn())
        asked.append((c.turns[-1], history, rag.ask(c.turns[-1], history=history).resolved_question))
    resolution, with_history, standalone, dense = [], [], [], []
    documents = rag.index.documents
    for _ in range(rounds):
        for question, history, resolved in asked:  # interleaved, so a change in load hits all alike
            resolution += time_calls(lambda q: resolve(q, history, documents, rag.with_accents), [question])
            with_history += time_calls(lambda q: rag.ask(q, history=history), [question])
            standalone += time_calls(rag.ask, [resolved])
            dense += time_calls(lambda q: rag.retriever.index.dense.search(
                embedder.embed_queries([q]), 5), [resolved])
    return {"conversations": len(asked), "rounds": rounds, "reader": rag.reader_name,
            "resolve": summary(resolution), "ask_with_history": summary(with_history),
            "ask_resolved_alone": summary(standalone), "dense_search": summary(dense)}
