"""The rules and the trained reader together (`RAG_READER=combined`): the rules choose the sentence
and, where they can, the short answer; where they cannot narrow it (their answer is most of the
sentence: a what/why question with no typed phrase to take), the trained reader marks the span,
provided it finds it in that same sentence.

Chosen by `python eval/combined_choice.py` on the choosing sets (XQuAD-vi articles 16–23 and the
facts set): of the policies tried — the trained reader wherever the rules' confidence is below a
threshold, its span inside the rules' sentence for every question or by question type — this one
alone raised F1 on 16–23 without lowering it on the facts (docs/reader.md, "Both together").
The trained reader runs only for those questions, so most questions cost what the rules cost.
"""
from __future__ import annotations

import numpy as np

from ..types import Hit
from .neural import NeuralReader
from .rules import ExtractiveReader, Reading

UNNARROWED_SHARE = 0.6  # the rules' answer covers at least this share of its sentence


class CombinedReader:
    """Same input and output as `ExtractiveReader.run`; the confidence is the rules'."""

    def __init__(self, rules: ExtractiveReader, neural: NeuralReader) -> None:
        self.rules = rules
        self.neural = neural
        self.index = rules.index
        self.calibration = rules.calibration
        self.frequency = rules.frequency

    def run(self, question: str, query_vector: np.ndarray, hits: list[Hit]) -> Reading:
        reading = self.rules.run(question, query_vector, hits)
        if not self._unnarrowed(reading):
            return reading
        marked = self.neural.run(question, query_vector, hits)
        if marked.confidence < self.neural.calibration["threshold"] or not self._inside(marked, reading):
            return reading
        return Reading(reading.hits, reading.sentence, marked.span, reading.confidence,
                       {**reading.features, "span_from_model": 1.0})

    def _unnarrowed(self, reading: Reading) -> bool:
        if reading.sentence is None or reading.confidence < self.calibration["threshold"]:
            return False
        start, end = reading.span or (reading.sentence.start, reading.sentence.end)
        return end - start >= UNNARROWED_SHARE * (reading.sentence.end - reading.sentence.start)

    def _inside(self, marked: Reading, reading: Reading) -> bool:
        """The model's span lies in the rules' sentence, of the same article."""
        if marked.sentence is None or marked.span is None or not marked.hits or not reading.hits:
            return False
        same_article = marked.hits[0].chunk.doc_id == reading.hits[0].chunk.doc_id
        sentence = reading.sentence
        return same_article and sentence.start <= marked.span[0] < marked.span[1] <= sentence.end
