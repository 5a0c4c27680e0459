"""Readers: the hand-written rules (`rules.py`) and the trained span model (`neural.py`,
`span_model.py`) side by side, with one `run(question, query_vector, hits) -> Reading`.
torch is imported only when the trained reader is loaded."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from ..store import Index
    from .neural import NeuralReader
    from .rules import ExtractiveReader
    from .span_model import SpanModel

READERS = ("neural", "rules")
WEIGHTS = Path(__file__).with_name("span-reader.safetensors")
Reader = Union["NeuralReader", "ExtractiveReader"]


class ReaderProblem(Exception):
    """The trained reader cannot be loaded; the message names the file and what to do."""


@functools.lru_cache(maxsize=1)  # one copy per process, whatever the number of RAGs
def load_span_model() -> "SpanModel":
    from .span_model import SpanModel

    if not WEIGHTS.exists():
        raise ReaderProblem(f"the trained reader {WEIGHTS} is missing: run `make train-reader`, "
                            "or set RAG_READER=rules")
    return SpanModel.from_trained(WEIGHTS)


def make_reader(index: "Index", span_model: "SpanModel | None") -> Reader:
    from .rules import ExtractiveReader

    rules = ExtractiveReader(index)
    if span_model is None:
        return rules
    from .neural import NeuralReader

    return NeuralReader(index, rules, span_model)
