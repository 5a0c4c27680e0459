"""The trained reader: the span model reads the retrieved chunks in the order the rules rank
them, and the answer is the span it scores highest, checked against what the question asks.

- Reading: the rules rank every sentence of the retrieved chunks (question-word overlap, the
  sentence vectors of the index, the asked type), and so the chunks; the chunks are read in that
  order, in windows beside the question, until TOKEN_BUDGET tokens are read, in one batch. A
  proposal's score is its span score plus the rules' score of the sentence it stands in; the
  span is cut at that sentence's end, so the answer's sentence is one index sentence.
- Typed checks stay rules: a count question gets a number (never a bare year), a date question
  a date, "ngày nào" a date with a day; the span snaps to the typed phrase it overlaps, so a
  count keeps its unit ("3.517 đảng viên") and one of a pair is taken ("475 lớp").
- Confidence: a logistic over the span's margin over "no answer", its share among the
  proposals and the sentence evidence, fitted on XQuAD-vi articles 16–23
  (`eval/calibrate.py --reader neural`).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..store import Index
from ..text import is_vietnamese_syllable, word_spans, words
from ..types import Hit, Sentence
from .questions import asked_date_part, asked_head, asked_qualifier, question_type
from .rules import ExtractiveReader, Reading, RankedSentence, forced_abstention
from .span_model import SpanGuess, SpanModel, read
from .span_score import qualified
from .spans import candidate_spans, complete_word, is_bare_year, names_a_day, names_unit, trim_span

CALIBRATION = Path(__file__).with_name("neural-calibration.json")
# The encoder's cost grows with the tokens it reads (README, "Benchmarks"): the chunks are read in
# the rules' order, in windows of WINDOW tokens (as in training), until TOKEN_BUDGET tokens are read.
WINDOW, STRIDE, TOKEN_BUDGET = 192, 64, 384
SPANS_PER_WINDOW = 8
SENTENCE_WEIGHT = 1.0  # how much the rules' sentence score counts beside the span score
SPANS_PER_SENTENCE = 20  # proposals of one chunk searched for the best one inside a given sentence
_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True)
class MarkedSpan:
    """The model's span inside a sentence chosen beforehand: document offsets, and its margin
    over the window's "no answer" score."""

    span: tuple[int, int]
    margin: float


class NeuralReader:
    """Same input and output as `ExtractiveReader.run`; the rules reader ranks, this one reads."""

    def __init__(self, index: Index, rules: ExtractiveReader, model: SpanModel,
                 calibration: dict | None = None) -> None:
        self.index = index
        self.rules = rules
        self.model = model
        self.calibration = calibration or json.loads(CALIBRATION.read_text(encoding="utf-8"))
        self.frequency = rules.frequency

    def run(self, question: str, query_vector: np.ndarray, hits: list[Hit]) -> Reading:
        kind = question_type(question)
        if kind == "author":
            return self.rules.run(question, query_vector, hits)
        q_terms = self.rules.question_terms(question)
        ranked, reranked = self.rules.rank_sentences(kind, question, q_terms, query_vector, hits)
        if not ranked:
            return Reading(reranked, None, None, 0.0, {})
        chunks = [hit.chunk for hit in reranked]
        guesses = read(self.model, question, [c.text for c in chunks], SPANS_PER_WINDOW, WINDOW, STRIDE,
                       TOKEN_BUDGET)
        proposals = self._in_sentences(chunks, guesses, ranked)
        choice = self._choose(kind, question, proposals, ranked[0].score)
        if choice is None:
            return Reading(reranked, self.index.sentences[ranked[0].sentence], None, 0.0, {"answer_typed": 0.0})
        candidate, (start, end), typed, features = choice
        sentence = self.index.sentences[candidate.sentence]
        first = (candidate.hit, *(h for h in reranked if h.chunk.chunk_id != candidate.hit.chunk.chunk_id))
        elsewhere = (self.rules.names_elsewhere(question, candidate.hit.chunk.doc_id)
                     or self.rules.another_year(question, candidate.sentence))
        confidence = 0.0 if forced_abstention(kind, typed) or elsewhere else self._confidence(features)
        return Reading(first, sentence, (sentence.start + start, sentence.start + end), confidence, features)

    def span_in_sentence(self, question: str, sentence: Sentence) -> "MarkedSpan | None":
        """The model reads the chunk holding `sentence` (its neighbours are context) and marks the
        best span inside that sentence that passes the typed checks — a count naming the asked
        unit where the question names one; None when no such span is proposed."""
        chunk = self.index.chunks[self.index.chunk_positions[sentence.chunk_id]]
        kind = question_type(question)
        for guess in read(self.model, question, [chunk.text], SPANS_PER_SENTENCE, WINDOW, STRIDE):
            at, end = chunk.start + guess.start, min(chunk.start + guess.end, sentence.end)
            if not sentence.start <= at < sentence.end:
                continue
            span = whole_words(sentence.text, at - sentence.start, end - sentence.start)
            typed = span and typed_span(kind, question, sentence.text, span)
            if typed and names_asked_unit(question, sentence.text[typed[0]:typed[1]]):
                return MarkedSpan((sentence.start + typed[0], sentence.start + typed[1]), guess.margin)
        return None

    def _in_sentences(self, chunks, guesses: list[SpanGuess], ranked: list[RankedSentence]):
        """Each proposal as (its sentence's ranking, the sentence text, the span inside it, the
        guess), cut at the sentence's end: an answer stands in one index sentence."""
        by_sentence = {r.sentence: (rank, r) for rank, r in enumerate(ranked)}
        out = []
        for guess in guesses:
            chunk = chunks[guess.context]
            at = chunk.start + guess.start
            for i in self.rules.sentences_of(chunk.chunk_id):
                sentence = self.index.sentences[i]
                if sentence.start <= at < sentence.end and i in by_sentence:
                    end = min(chunk.start + guess.end, sentence.end)
                    rank, ranking = by_sentence[i]
                    out.append((ranking, rank, sentence.text, (at - sentence.start, end - sentence.start), guess))
                    break
        return out

    def _choose(self, kind: str, question: str, proposals, best_sentence_score: float):
        """The best-scored proposal of the asked type, naming the asked unit where there is one
        ("bao nhiêu đảng viên": a count of đảng viên) and, of such counts, followed by what the
        question says of it ("… chi bộ trực thuộc đảng bộ khối cơ quan"); failing that, of the asked
        type; failing that, the best proposal, marked untyped."""
        def score(p):
            return p[4].score + SENTENCE_WEIGHT * (p[0].score - best_sentence_score)

        proposals = sorted(proposals, key=lambda p: -score(p))
        unit = asked_head(question) if kind == "number" else frozenset()
        checked = []
        for ranking, rank, text, (start, end), guess in proposals:
            span = whole_words(text, start, end)
            if span is not None:
                checked.append((ranking, rank, text, span, typed_span(kind, question, text, span), guess))
        named = [p for p in checked if p[4] and unit and names_unit(unit, p[2][p[4][0]:p[4][1]])]
        qualifier = dict.fromkeys(asked_qualifier(question), 1.0)
        if named and qualifier:  # of several counts of the unit, the one followed by what the question says of it
            named.sort(key=lambda p: -qualified(word_spans(p[2]), p[4], qualifier))
        tiers = [
            named,
            [p for p in checked if p[4]],
            checked,
        ]
        for tier in tiers:
            if tier:
                ranking, rank, _, span, typed, guess = tier[0]
                features = self._features(ranking, rank, guess, [p[4] for p in proposals], float(typed is not None))
                return ranking, typed or span, float(typed is not None), features
        return None

    def _features(self, ranking: RankedSentence, rank: int, guess: SpanGuess, guesses: list[SpanGuess],
                  typed: float) -> dict[str, float]:
        best = max(g.score for g in guesses)
        total = sum(math.exp(g.score - best) for g in guesses)
        return {
            "span_margin": guess.margin,
            "span_share": math.exp(guess.score - best) / total,
            "sentence_rank": float(min(rank, 10)),
            "overlap": ranking.features["overlap"],
            "dense": ranking.features["dense"],
            "answer_typed": typed,
        }

    def _confidence(self, features: dict[str, float]) -> float:
        weights = self.calibration["weights"]
        z = self.calibration["bias"] + sum(weights[name] * features[name] for name in weights)
        return 1.0 / (1.0 + math.exp(-z))


def names_asked_unit(question: str, answer: str) -> bool:
    """A count answers "bao nhiêu giảng viên" only if it names giảng viên ("3.368" of "70 lớp/3.368
    học viên" does not); other questions, and counts with no asked unit, pass."""
    unit = asked_head(question) if question_type(question) == "number" else frozenset()
    return not unit or names_unit(unit, answer)


def whole_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A token span widened to whole words (a piece may end inside a syllable, or inside
    "3.517" or "28/8/2013"; a lower-case last syllable may begin a word of several, "nâng" of
    "nâng cao") and trimmed of surrounding spaces and punctuation."""
    while start > 0 and _joined(text, start):
        start -= 1
    while end < len(text) and _joined(text, end):
        end += 1
    start, end = _with_its_quotes(text, *trim_span(text, start, end))
    return (start, _word_end(text, start, end)) if end > start else None


def _with_its_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """A quotation the span opens or closes, taken whole: "“đảng viên đi trước" ends on its ”."""
    span = text[start:end]
    if span.count("“") > span.count("”") and text[end:end + 1] == "”":
        end += 1
    if span.count("”") > span.count("“") and text[start - 1:start] == "“":
        start -= 1
    if span.count('"') % 2 and text[end:end + 1] == '"':
        end += 1
    return start, end


def _word_end(text: str, start: int, end: int) -> int:
    """The end of the dictionary word a lower-case last syllable begins; names are left as they are."""
    last = words(text[start:end])[-1:]
    if not last or not text[start:end].endswith(last[0]) or not is_vietnamese_syllable(last[0]):
        return end
    return complete_word(text, start, end)


def _joined(text: str, at: int) -> bool:
    """Do the characters on both sides of position `at` belong to one word or number?"""
    if at <= 0 or at >= len(text):
        return False
    before, after = text[at - 1], text[at]
    if _WORD_CHAR.match(before) and _WORD_CHAR.match(after):
        return True
    digit = str.isdigit
    return (before in ".,/" and at >= 2 and digit(text[at - 2]) and digit(after)) or (
        after in ".,/" and at + 1 < len(text) and digit(before) and digit(text[at + 1]))


def typed_span(kind: str, question: str, text: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """For a count or a date question, the typed phrase of the sentence the span overlaps most
    (None: the span is no count or date); other questions keep the span."""
    if kind not in ("number", "date"):
        return span
    candidates = candidate_spans(kind, text, question)
    if kind == "number":
        candidates = [part for c in candidates if not is_bare_year(text, c) for part in _pair_parts(text, c)]
    elif asked_date_part(question) == "ngày":
        candidates = [c for c in candidates if names_a_day(text[c[0]:c[1]])]
    overlaps = [(min(b, span[1]) - max(a, span[0]), (a, b)) for a, b in candidates]
    best = max(overlaps, default=(0, None))
    return best[1] if best[0] > 0 else None


def _pair_parts(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """"475 lớp/27.714 học viên" is two counts: each part is an answer of its own."""
    parts, start = [], span[0]
    for match in re.finditer(r"/(?=\d)", text[span[0]:span[1]]):
        parts.append((start, span[0] + match.start()))
        start = span[0] + match.end()
    return [*parts, (start, span[1])]
