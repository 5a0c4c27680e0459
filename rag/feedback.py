"""Thumbs up/down from the chat, appended as JSON lines that `rag eval` can turn into cases.

One line per vote:
{"question", "resolved_question", "kind", "answer", "abstained", "doc_id", "citations": [{doc_id,
chunk_id, title, answer_start, answer_end}], "history": [{question, answer, doc_id}], "vote":
"up"|"down", "time"}. `to_eval_case` shows the mapping: a voted follow-up (a non-empty history)
becomes an eval/conversations.jsonl case, any other an eval/facts.jsonl one.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path

VOTES = ("up", "down")


class FeedbackProblem(ValueError):
    """A feedback path or vote that cannot be used; the message says why."""


class FeedbackLog:
    """Appends votes to one file; safe to share between threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = confined_path(Path(path))
        self._lock = threading.Lock()

    def append(self, answer: dict, vote: str) -> dict:
        record = feedback_record(answer, vote)
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # O_NOFOLLOW: a symlink planted at the file's name cannot redirect the writes.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o640)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        return record


def confined_path(path: Path) -> Path:
    """The feedback file as an absolute path that stays inside its own folder."""
    if path.name in ("", ".", "..") or path.is_dir():
        raise FeedbackProblem(f"{path}: feedback must be a file name such as feedback/feedback.jsonl.")
    folder = path.parent.resolve()
    return folder / path.name


def feedback_record(answer: dict, vote: str) -> dict:
    """The line written for one vote on one answer (an `Answer.to_dict()`)."""
    if vote not in VOTES:
        raise FeedbackProblem(f"vote must be one of {VOTES}, not {vote!r}.")
    citations = [
        {key: c.get(key) for key in ("doc_id", "chunk_id", "title", "answer_start", "answer_end")}
        for c in answer.get("citations", [])
    ]
    cited = next((c for c in citations if c["answer_start"] is not None), None)
    history = [{key: turn.get(key) for key in ("question", "answer", "doc_id")}
               for turn in answer.get("history") or [] if isinstance(turn, dict)]
    sentences = answer.get("sentences") or []
    return {
        "question": answer["question"],
        "resolved_question": answer.get("resolved_question") or answer["question"],
        "kind": answer.get("kind", "fact"),
        "answer": answer.get("answer"),
        "abstained": bool(answer.get("abstained")),
        "doc_id": cited["doc_id"] if cited else (sentences[0]["doc_id"] if sentences else None),
        "citations": citations,
        "history": history,
        "vote": vote,
        "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def to_eval_case(record: dict) -> dict | None:
    """An upvoted line as an eval case — a conversation if it followed earlier turns, else a fact;
    a downvote needs a person to write the answer."""
    if record.get("vote") != "up":
        return None
    if record.get("history"):
        return _conversation_case(record)
    case_id = "fb-" + hashlib.sha1(record["question"].encode("utf-8")).hexdigest()[:10]
    if record.get("abstained"):
        return {"id": case_id, "question": record["question"], "answers": [], "doc_id": None,
                "type": "other", "answerable": False}
    return {"id": case_id, "question": record["question"], "answers": [record["answer"]],
            "doc_id": record["doc_id"], "type": "other", "answerable": True}


def _conversation_case(record: dict) -> dict:
    turns = [turn["question"] for turn in record["history"]] + [record["question"]]
    case_id = "fb-" + hashlib.sha1("\n".join(turns).encode("utf-8")).hexdigest()[:10]
    answered = not record.get("abstained")
    return {"id": case_id, "turns": turns, "resolved": record.get("resolved_question") or record["question"],
            "answers": [record["answer"]] if answered else [], "doc_id": record.get("doc_id"),
            "type": "other", "answerable": answered, "follow_up": "feedback"}
