"""Extractive reader: the best supporting sentence among the retrieved chunks, narrowed to the
span the question asks for, with a calibrated confidence. It only ever copies indexed text.

Sentence boundaries and vectors come from the index; term weights are counted once when the
index is loaded. A sentence's terms are computed when a question first reads it and kept in a
bounded cache, so memory does not grow with the corpus (README, "Benchmarks", growth).
"""
from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .alignment import aligned_span
from .span_score import span_score
from .questions import (asked_event, asked_head, asked_qualifier, asked_unit, asks_for_a_phrase, asks_for_several,
                        question_type)
from .spans import (PLACE_LEVELS, candidate_spans, full_naming, is_bare_year, join_list, names_a_person, names_unit,
                    proper_names, trim_span)
from .. import diacritics
from ..store import Index
from ..text import compound_words, is_vietnamese_syllable, tokens, vietnamese_syllables, word_spans, words
from ..types import Hit, Sentence

CALIBRATION = Path(__file__).with_name("calibration.json")
# Tuned on the XQuAD-vi dev split (sentence containing the gold answer ranked first).
SENTENCE_WEIGHTS = {"overlap": 1.0, "context": 0.6, "window": 1.0, "dense": 4.0, "typed": 0.5, "named": 0.25}
PLACE_CONTEXT = re.compile(rf"(?:^|\b(?:{PLACE_LEVELS}|ở|tại|của|toàn)\s+)$", re.IGNORECASE)
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
RANGE_OR_SCALE = {"den", "toi", "va", "hoac", "nghin", "ngan", "trieu", "ty", "ti", "van", "tram", "chuc"}  # folded
UNIT_REACH = 24  # characters after a number where its unit stands
BARE_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
DOCUMENT_CACHE = 256  # articles whose words are kept for the names check
TERM_CACHE = 20_000  # sentences (and titles) whose terms are kept, ~100 MB; a miss costs ~15 µs
FUSION_WEIGHT = 0.15  # how much the retriever's order counts when re-ranking by sentence evidence
DOCUMENT_CODE = re.compile(r"\b\d+[-/][^\W\d_][^\s,;:()]*")  # 1327-QĐ/TU, 01-KL/TW
QUESTION_WORDS = set(
    "bao nhiêu mấy ai gì nào đâu khi lúc giờ là có của được những các và trong đã bởi với cho về này "
    "đó thì mà không hỏi nêu hãy biết sao như thế vậy ra chưa hay hoặc người cái việc điều".split()
)


@dataclass(frozen=True)
class Reading:
    """The reader's verdict on one question; `hits` are re-ranked by their best sentence."""

    hits: tuple[Hit, ...]
    sentence: Sentence | None
    span: tuple[int, int] | None  # document offsets of the short answer
    confidence: float
    features: dict[str, float]


@dataclass(frozen=True)
class RankedSentence:
    score: float
    sentence: int  # index into `Index.sentences`
    features: dict[str, float]
    hit: Hit


class ExtractiveReader:
    def __init__(self, index: Index, calibration: dict | None = None) -> None:
        self.index = index
        self.calibration = calibration or json.loads(CALIBRATION.read_text(encoding="utf-8"))
        self._sentences_of: dict[str, list[int]] = defaultdict(list)
        for i, sentence in enumerate(index.sentences):
            self._sentences_of[sentence.chunk_id].append(i)
        self._chunks_of: dict[str, list[int]] = defaultdict(list)
        for i, chunk in enumerate(index.chunks):
            self._chunks_of[chunk.doc_id].append(i)
        self._terms = functools.lru_cache(maxsize=TERM_CACHE)(self._sentence_terms)
        self._idf = _idf(index.sentences)
        self._idf_unseen = math.log(1 + len(index.sentences))
        self._title_terms = functools.lru_cache(maxsize=TERM_CACHE)(self._doc_title_terms)
        self._document_words = functools.lru_cache(maxsize=DOCUMENT_CACHE)(self._words_of_document)
        compound_words(), vietnamese_syllables()  # the dictionary loads with the index, not on a question

    def run(self, question: str, query_vector: np.ndarray, hits: list[Hit]) -> Reading:
        kind = question_type(question)
        if kind == "author" and hits:
            byline = self._byline(hits)
            if byline:
                return byline
        q_terms = self.question_terms(question)
        ranked, reranked = self.rank_sentences(kind, question, q_terms, query_vector, hits)
        if not ranked:
            return Reading(reranked, None, None, 0.0, {})
        best = ranked[0]
        # Overlapping chunks hold the same sentence twice: the runner-up is another sentence.
        where = (best.hit.chunk.doc_id, self.index.sentences[best.sentence].start)
        runner_up = next((r.score for r in ranked[1:]
                          if (r.hit.chunk.doc_id, self.index.sentences[r.sentence].start) != where), -math.inf)
        i, features, hit = best.sentence, best.features, best.hit
        sentence = self.index.sentences[i]
        span, typed = self._narrow(kind, question, sentence, q_terms)
        named = self._named_in_full(question, hit, sentence, span) if kind in ("name", "entity") else None
        if named:
            hit, sentence, span = named
            reranked = (hit, *(h for h in reranked if h.chunk.chunk_id != hit.chunk.chunk_id))
        text = self.index.documents[hit.chunk.doc_id].text
        if kind == "number" and span and (is_bare_year(text, span) or _lacks_asked_unit(question, text, span)):
            typed = 0.0  # "năm 2025" is when, not how many; a bare "4" of "“4 tốt”" counts nothing asked
        seen = self._terms(i) | self._title_terms(hit.chunk.doc_id)
        features = {
            **features,
            "rare": self._coverage(set(self._rarest(q_terms, 3)), seen),
            "unit": _has_asked_unit(question, self.index.documents[hit.chunk.doc_id].text, span),
            "answer_typed": typed,
            "margin": min(1.0, best.score - runner_up) if runner_up > -math.inf else 1.0,
        }
        unknown = (self._names_an_unknown_document(question) or self.names_elsewhere(question, hit.chunk.doc_id)
                   or self.another_year(question, i))
        confidence = 0.0 if forced_abstention(kind, typed) or unknown else self._confidence(features)
        return Reading(reranked, sentence, span, confidence, features)

    def rank_sentences(self, kind: str, question: str, q_terms: set[str], query_vector: np.ndarray,
                       hits: list[Hit]) -> tuple[list["RankedSentence"], tuple[Hit, ...]]:
        """Every sentence of the hits by how well it answers, best first, and the hits re-ranked
        by their best sentence."""
        fusion = _z(np.array([h.score for h in hits], dtype=np.float32))
        best_of_hit = [-math.inf] * len(hits)
        ranked = []
        for j, hit in enumerate(hits):
            previous = frozenset()
            for i in self._sentences_of[hit.chunk.chunk_id]:
                if all(_is_question_word(t) for t in self._terms(i) - q_terms):
                    continue  # it only repeats the question (a heading, say): it cannot answer it
                features = self._features(kind, question, i, q_terms, query_vector, hit)
                features["window"] = self._coverage(q_terms, self._terms(i) | previous)
                previous = self._terms(i)
                score = sum(SENTENCE_WEIGHTS[n] * v for n, v in features.items()) + FUSION_WEIGHT * fusion[j]
                best_of_hit[j] = max(best_of_hit[j], score)
                ranked.append(RankedSentence(float(score), i, features, hit))
        ranked.sort(key=lambda r: -r.score)  # stable: the first of equals stays first
        order = sorted(range(len(hits)), key=lambda j: -best_of_hit[j])
        return ranked, tuple(hits[j] for j in order)

    def sentences_of(self, chunk_id: str) -> list[int]:
        return self._sentences_of[chunk_id]

    def question_terms(self, question: str) -> set[str]:
        return {t for t in tokens(question) if not _is_question_word(t)}

    def frequency(self, term: str) -> float:
        """In how many indexed sentences the term (a syllable or a pair "a_b") stands; 0 if none."""
        idf = self._idf.get(term)
        return 0.0 if idf is None else len(self.index.sentences) / math.expm1(idf)

    def _names_an_unknown_document(self, question: str) -> bool:
        """"Chỉ thị 477/CT-UBND" when no article mentions 477/CT-UBND: whatever the best sentence
        says, it is about another document."""
        return any(self._idf.get("_".join(words(code))) is None for code in DOCUMENT_CODE.findall(question))

    def names_elsewhere(self, question: str, doc_id: str) -> bool:
        """"Bắc Quang có bao nhiêu trạm truyền thanh?" read in the Phong Thổ article: the question
        names a Vietnamese place (two syllables or more; its subject, or after "huyện", "ở", …) that
        the article never mentions. Other names are often paraphrased ("Bác Hồ" for "Bác")."""
        names = [question[a:b] for a, b in proper_names(question) if PLACE_CONTEXT.search(question[:a])]
        names = [n for n in names if len(n.split()) > 1 and all(is_vietnamese_syllable(w) for w in n.split())]
        # Compared without accents: a question typed without them may get a name's accents wrong.
        return bool(names) and any(f" {_folded(n)} " not in self._document_words(doc_id) for n in names)

    def another_year(self, question: str, i: int) -> bool:
        """"Năm 2024 … bao nhiêu?" read in a sentence that gives other years: several of them (2021,
        2022, 2023: a list of years that lacks the one asked), or one while the sentence before it,
        where the asked year may stand, does not name it either."""
        asked = set(YEAR.findall(question))
        sentence = self.index.sentences[i]
        given = set(YEAR.findall(sentence.text))
        if not asked or not given or asked & given:
            return False
        if len(given) > 1:
            return True
        before = self.index.sentences[i - 1] if i else None
        return not (before and before.chunk_id == sentence.chunk_id and asked & set(YEAR.findall(before.text)))

    def _rarest(self, q_terms: set[str], n: int) -> list[str]:
        """The n rarest question terms; ties broken by the term, so a question always scores the same."""
        return sorted(q_terms, key=lambda t: (-self._idf.get(t, self._idf_unseen), t))[:n]

    def _sentence_terms(self, i: int) -> frozenset[str]:
        return frozenset(tokens(self.index.sentences[i].text))

    def _words_of_document(self, doc_id: str) -> str:
        doc = self.index.documents[doc_id]
        return f" {_folded(doc.title + ' ' + doc.text)} "

    def _doc_title_terms(self, doc_id: str) -> frozenset[str]:
        return frozenset(tokens(self.index.documents[doc_id].title))

    def _features(self, kind: str, question: str, i: int, q_terms: set[str], query_vector: np.ndarray, hit: Hit) -> dict:
        text = self.index.sentences[i].text
        spans = candidate_spans(kind, text, question) if kind != "sentence" else []
        novel = [s for s in spans if _is_novel(text, s, q_terms)]
        typed = 1.0 if kind == "sentence" else float(bool(novel))
        unit = asked_head(question) if kind == "number" else frozenset()
        return {
            # It names what was asked: for "ai", a full name; for "bao nhiêu đảng viên", a count
            # of đảng viên, not of đơn vị hành chính.
            "named": float(names_a_person(text) if kind == "person"
                           else not unit or any(names_unit(unit, text[a:b]) for a, b in novel)),
            "overlap": self._coverage(q_terms, self._terms(i)),
            "context": self._coverage(q_terms, self._terms(i) | self._title_terms(hit.chunk.doc_id)),
            "dense": float(self.index.sentence_vectors[i] @ query_vector),
            "typed": typed,
        }

    def _byline(self, hits: list[Hit]) -> Reading | None:
        """Who wrote it: the author line of the best article, copied from its text."""
        doc = self.index.documents[hits[0].chunk.doc_id]
        at = doc.text.rfind(doc.author) if doc.author else -1
        for chunk in (self.index.chunks[c] for c in self._chunks_of[doc.doc_id]):
            for sentence in (self.index.sentences[i] for i in self._sentences_of[chunk.chunk_id]):
                if not sentence.start <= at < sentence.end:
                    continue
                features = dict.fromkeys(
                    ["overlap", "context", "window", "dense", "typed", "rare", "unit", "answer_typed", "margin"], 1.0)
                others = tuple(h for h in hits if h.chunk.chunk_id != chunk.chunk_id)
                return Reading((Hit(chunk, hits[0].score), *others), sentence, (at, at + len(doc.author)),
                               self._confidence(features), features)
        return None

    def _named_in_full(self, question: str, hit: Hit, sentence: Sentence,
                       span: tuple[int, int] | None) -> tuple[Hit, Sentence, tuple[int, int]] | None:
        """"… đồng chủ trì Hội nghị." for "… chủ trì hội nghị nào?": the sentence calls the event by
        its noun, so the answer is where the article first names it in full (its title, often)."""
        noun = asked_event(question)
        if not noun or not re.search(rf"\b{re.escape(noun[:1].upper() + noun[1:])}\b", sentence.text):
            return None
        answered = span and sentence.text[span[0] - sentence.start:].lower().startswith(noun)
        if answered or full_naming(sentence.text, noun):
            return None  # the sentence names it itself
        for chunk in (self.index.chunks[c] for c in self._chunks_of[hit.chunk.doc_id]):
            for first in (self.index.sentences[i] for i in self._sentences_of[chunk.chunk_id]):
                naming = full_naming(first.text, noun)
                if naming:
                    return Hit(chunk, hit.score), first, (first.start + naming[0], first.start + naming[1])
        return None

    def _coverage(self, q_terms: set[str], terms: frozenset[str]) -> float:
        total = sum(self._idf.get(t, self._idf_unseen) for t in q_terms)
        if not total:
            return 0.0
        return sum(self._idf.get(t, self._idf_unseen) for t in q_terms & terms) / total

    def _narrow(self, kind: str, question: str, sentence: Sentence, q_terms: set[str]) -> tuple[tuple[int, int] | None, float]:
        """Document offsets of the short answer (None: the whole sentence answers), and how well it
        fits what was asked: 1 a span of the asked type, 0.5 an aligned phrase, 0 none found."""
        slot = aligned_span(question, sentence.text)
        spans = [s for s in candidate_spans(kind, sentence.text, question)
                 if not _lone_vietnamese_word(sentence.text, s)]
        if kind == "number":  # a count naming the asked unit before a bare number that names none
            counted = [s for s in spans if not _lacks_asked_unit(question, sentence.text, s)]
            spans = counted or spans
        sentence_words = word_spans(sentence.text)
        weights = {w: self._idf.get(w, self._idf_unseen) for w in words(question) if not _is_question_word(w)}
        unit, head = asked_unit(question), asked_head(question)
        qualifier = {w: weights[w] for w in asked_qualifier(question) if w in weights}
        asked_years = frozenset(YEAR.findall(question)) if kind == "number" else frozenset()
        scored = [(span_score(sentence_words, s, weights, slot, unit, head, qualifier, asked_years), s) for s in spans]
        if scored and max(scored)[0] > 0:
            best, fit = max(scored)[1], 1.0
            if kind in ("person", "place", "name", "entity") and asks_for_several(question):
                best = join_list(sentence.text, spans + candidate_spans("entity", sentence.text), best)
            elif kind == "person":  # "A - …, B - … và C đồng chủ trì": what one did, all did
                best = join_list(sentence.text, spans, best, words_between=0)
        elif (slot and (kind != "sentence" or asks_for_a_phrase(question))
              and _is_novel(sentence.text, slot, q_terms)):
            best, fit = slot, 0.5
        else:
            fit = float(kind == "sentence" and not asks_for_a_phrase(question))
            clause = self._best_clause(sentence.text, q_terms)
            if clause is None:
                return None, fit
            best = clause
        start, end = trim_span(sentence.text, *best)
        return (sentence.start + start, sentence.start + end), fit

    def _best_clause(self, text: str, q_terms: set[str]) -> tuple[int, int] | None:
        """In a sentence that lists things between semicolons, the one item the question is about."""
        bounds = [0, *(m.end() for m in re.finditer(";", text)), len(text) + 1]
        clauses = [(bounds[i], bounds[i + 1] - 1) for i in range(len(bounds) - 1)]
        if len(clauses) < 2:
            return None
        scored = sorted(((self._coverage(q_terms, frozenset(tokens(text[a:b]))), (a, b)) for a, b in clauses),
                        reverse=True)
        return scored[0][1] if scored[0][0] > scored[1][0] else None

    def _confidence(self, features: dict[str, float]) -> float:
        weights = self.calibration["weights"]
        z = self.calibration["bias"] + sum(weights[name] * features[name] for name in weights)
        return 1.0 / (1.0 + math.exp(-z))


def forced_abstention(kind: str, answer_typed: float) -> bool:
    """A count or date question whose best sentence holds no number or date is about the topic,
    not the fact: not answered, whatever the confidence."""
    return kind in ("number", "date") and not answer_typed


def _lacks_asked_unit(question: str, text: str, span: tuple[int, int]) -> bool:
    """A bare number for "bao nhiêu <unit>" with no unit at all after it ("“4 tốt”"); "23điểm cầu"
    (a missing space) still names one."""
    head = asked_head(question)
    if not head or "%" in head or not BARE_NUMBER.fullmatch(text[span[0]:span[1]].strip()):
        return False
    after = _folded(text[span[1]:span[1] + UNIT_REACH]).split()
    if after and (after[0] in RANGE_OR_SCALE or after[0][0].isdigit()):
        return False  # "30 đến 50 nghìn dân", "3,5 triệu": the unit comes later
    return not {_folded(w) for w in head} & set(after)  # without accents: "bao nhiêu nam" restored from "nam"


def _folded(text: str) -> str:
    """The words of a text, lower case, without accents."""
    return " ".join(diacritics.remove(w) for w in words(text))


def _is_question_word(term: str) -> bool:
    return all(part in QUESTION_WORDS for part in term.split("_"))


def _idf(sentences: list[Sentence]) -> dict[str, float]:
    """Inverse sentence frequency of every term; the term sets are counted, not kept."""
    df = Counter()
    for sentence in sentences:
        df.update(set(tokens(sentence.text)))
    return {t: math.log(1 + len(sentences) / c) for t, c in df.items()}


def _z(scores: np.ndarray) -> np.ndarray:
    spread = scores.std() if len(scores) else 0.0
    return (scores - scores.mean()) / spread if spread > 0 else np.zeros_like(scores)


def _has_asked_unit(question: str, text: str, span: tuple[int, int] | None) -> float:
    """For "bao nhiêu đảng viên": does the answer name what was counted? 1.0 when nothing was."""
    unit = asked_head(question)
    if not unit:
        return 1.0
    return float(span is not None and names_unit(unit, text[span[0]:span[1]]))


def _lone_vietnamese_word(text: str, span: tuple[int, int]) -> bool:
    """"Đảng", "Nhà" (nước), "Đại" (hội): one capitalised Vietnamese syllable is a word written with
    respect, not a name — Vietnamese names have two syllables or more; "Newton" stays."""
    part = text[span[0]:span[1]]
    return part[:1].isupper() and is_vietnamese_syllable(part)


def _is_novel(text: str, span: tuple[int, int], q_terms: set[str]) -> bool:
    """Has a word the question lacks, other than a function word ("đó là"): the question's own
    words are not its answer."""
    return any(w not in q_terms and not _is_question_word(w) for w in words(text[span[0]:span[1]]))
