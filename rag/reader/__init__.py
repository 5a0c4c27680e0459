"""Readers: the hand-written rules (`rules.py`), the trained span model (`neural.py`,
`span_model.py`) and the two together (`combined.py`) side by side, with one
`run(question, query_vector, hits) -> Reading`.
torch is imported only when the trained reader is loaded."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from ..store import Index
    from .combined import CombinedReader
    from .neural import NeuralReader
    from .rules import ExtractiveReader
    from .span_model import SpanModel

READERS = ("combined", "neural", "rules")
TRAINED = ("combined", "neural")  # the readers that load the span model
WEIGHTS = Path(__file__).with_name("span-reader.safetensors")
Reader = Union["CombinedReader", "NeuralReader", "ExtractiveReader"]


class ReaderProblem(Exception):
    """The trained reader cannot be loaded; the message names the file and what to do."""


@functools.lru_cache(maxsize=1)  # one copy per process, whatever the number of RAGs
def load_span_model() -> "SpanModel":
    from .span_model import SpanModel

    if not WEIGHTS.exists():
        raise ReaderProblem(f"the trained reader {WEIGHTS} is missing: run `make train-reader`, "
                            "or set RAG_READER=rules")
    return SpanModel.from_trained(WEIGHTS)


def make_reader(index: "Index", name: str, span_model: "SpanModel | None" = None) -> Reader:
    from .rules import ExtractiveReader

    rules = ExtractiveReader(index)
    if name == "rules":
        return rules
    from .neural import NeuralReader

    neural = NeuralReader(index, rules, span_model or load_span_model())
    if name == "neural":
        return neural
    from .combined import CombinedReader

    return CombinedReader(rules, neural)
