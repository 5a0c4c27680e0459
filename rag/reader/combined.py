"""The rules and the trained reader together (`RAG_READER=combined`, the default): the rules
choose the sentence; the span model, reading the chunk that holds it, marks the answer inside
that sentence where the rules cannot narrow it, and vouches for it where the rules are unsure.

- The rules are sure and their answer is short: theirs stands (a count with its unit, a date, a
  person they found by type).
- The rules are sure but their answer is most of the sentence (a what/why question with no typed
  phrase to take), or a "which X" question asks for one thing and their answer does not follow the
  X the question names: the model's span inside it, if it would rather answer than not.
- The rules are unsure (0 < confidence < threshold): the model's span inside their sentence is
  answered when its calibrated confidence — a logistic over the span's margin over "no answer"
  and the rules' confidence, fitted by `python eval/calibrate.py --reader combined` on XQuAD-vi
  articles 16–23 with held-out-paragraph negatives — reaches the threshold. A refusal of the
  rules' own (confidence 0: the asked type, year or article is not the one read) stays one.
- Neither vouches for the rules' sentence: the model reads the best chunks itself, as the
  `neural` reader does, and its answer — often in another sentence — is taken where its own
  calibrated confidence reaches FALLBACK_CONFIDENCE and a count names the asked unit; else the
  answer is "not found".

Chosen by `python eval/combined_choice.py` on XQuAD-vi articles 16–23 and the facts set
(docs/reader.md, "Both together").
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from ..types import Hit
from .neural import MarkedSpan, NeuralReader, names_asked_unit
from .questions import asked_noun, asks_for_several, question_type
from .rules import ExtractiveReader, Reading
from .spans import framed_by

CALIBRATION = Path(__file__).with_name("combined-calibration.json")
UNNARROWED_SHARE = 0.6  # the rules' answer covers at least this share of its sentence
# The neural reader's confidence at which its own reading replaces a refusal. On XQuAD-vi 16–23
# and the facts set (`python eval/combined_choice.py`) 0.40–0.50 score within one question; 0.50
# takes only readings the model gives even odds or better.
FALLBACK_CONFIDENCE = 0.5


class CombinedReader:
    """Same input and output as `ExtractiveReader.run`."""

    def __init__(self, rules: ExtractiveReader, neural: NeuralReader, rescue: dict | None = None,
                 fallback_confidence: float | None = FALLBACK_CONFIDENCE) -> None:
        self.rules = rules
        self.fallback_confidence = fallback_confidence  # None: a refusal stays one
        self.neural = neural
        self.index = rules.index
        self.calibration = rules.calibration
        self.rescue = rescue or json.loads(CALIBRATION.read_text(encoding="utf-8"))
        self.frequency = rules.frequency

    def run(self, question: str, query_vector: np.ndarray, hits: list[Hit]) -> Reading:
        reading = self._in_rules_sentence(question, query_vector, hits)
        refused = 0.0 < reading.confidence < self.calibration["threshold"]
        if not refused or self.fallback_confidence is None:
            return reading
        own = self.neural.run(question, query_vector, hits)
        return own if self._answers(question, own) else reading

    def _answers(self, question: str, own: Reading) -> bool:
        """Is the model's own reading sure enough to replace a refusal, a count naming the asked unit?"""
        if own.span is None or own.confidence < self.fallback_confidence:
            return False
        start, end = own.span[0] - own.sentence.start, own.span[1] - own.sentence.start
        return names_asked_unit(question, own.sentence.text[start:end])

    def _in_rules_sentence(self, question: str, query_vector: np.ndarray, hits: list[Hit]) -> Reading:
        reading = self.rules.run(question, query_vector, hits)
        if reading.sentence is None or reading.confidence == 0.0:
            return reading
        sure = reading.confidence >= self.calibration["threshold"]
        worth_reading = (self._unnarrowed(reading) or self._unframed(question, reading) if sure
                         else self._could_rescue(reading.confidence))
        if not worth_reading:
            return reading
        marked = self.neural.span_in_sentence(question, reading.sentence)
        if marked is None:
            return reading
        if sure:
            return self._with_span(reading, marked, reading.confidence) if marked.margin > 0 else reading
        confidence = self.rescue_confidence(marked, reading.confidence)
        return self._with_span(reading, marked, confidence) if confidence >= self._rescue_threshold else reading

    def rescue_confidence(self, marked: MarkedSpan, rules_confidence: float) -> float:
        """How likely the rules' unsure sentence holds the answer, given the model's span in it."""
        weights = self.rescue["weights"]
        z = self.rescue["bias"] + weights["span_margin"] * marked.margin + weights["rules_confidence"] * rules_confidence
        return 1.0 / (1.0 + math.exp(-z))

    @property
    def _rescue_threshold(self) -> float:
        return max(self.rescue["threshold"], self.calibration["threshold"])

    def _could_rescue(self, rules_confidence: float) -> bool:
        """Could the largest margin seen in calibration lift this confidence to the threshold? Below
        that the model's read could change nothing, and it is not paid for."""
        best = MarkedSpan((0, 0), self.rescue["span_margin_max"])
        return self.rescue_confidence(best, rules_confidence) >= self._rescue_threshold

    def _unnarrowed(self, reading: Reading) -> bool:
        start, end = reading.span or (reading.sentence.start, reading.sentence.end)
        return end - start >= UNNARROWED_SHARE * (reading.sentence.end - reading.sentence.start)

    def _unframed(self, question: str, reading: Reading) -> bool:
        """A "which X" question asking for one thing, whose rules' answer neither follows the X
        nor holds it: "Đảng bộ thị trấn nào …?" is framed by "… thị trấn Việt Quang", "… Lai Châu
        là gì?" by "Lai Châu “Tiên phong …”"; "Con sông nào …?" is not by "Pons Aelius". The
        rules' typed span is then a guess, which the model reads better."""
        if question_type(question) not in ("entity", "name") or asks_for_several(question) or reading.span is None:
            return False
        noun = asked_noun(question)
        span = (reading.span[0] - reading.sentence.start, reading.span[1] - reading.sentence.start)
        return noun is not None and not framed_by(reading.sentence.text, span, noun)

    @staticmethod
    def _with_span(reading: Reading, marked: MarkedSpan, confidence: float) -> Reading:
        features = {**reading.features, "span_from_model": 1.0, "span_margin": marked.margin}
        return Reading(reading.hits, reading.sentence, marked.span, confidence, features)
