"""Questions typed without Vietnamese diacritics ("Phong Tho co bao nhieu dang vien?") get them back,
so they are searched and read like any other.

Each syllable may stand for any accented form that exists (co → có, cô, cơ, cỏ…). A bigram model
says which is likeliest in context: counts of syllables and pairs from the index itself, the
dictionary's words as pairs, and the words questions are made of ("bao nhiêu", "là gì"), which news
text rarely holds. The likeliest sequence wins (Viterbi over each run of words). A document code
only gets back the stroke of its "Đ", and only to a spelling the index holds.
"""
from __future__ import annotations

import itertools
import math
import re
import unicodedata
from typing import Callable

from .text import compound_words, is_vietnamese_syllable, vietnamese_syllables, words

_LETTER_FORMS = {"a": "aăâ", "e": "eê", "o": "oôơ", "u": "uư", "d": "dđ"}
_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")  # none, grave, acute, tilde, hook, dot
_VOWELS = set("aăâeêioôơuưy")
_ASCII_SYLLABLE = re.compile(r"[a-z]+")
# Runs of plain words, not touching a digit, "-" or "/": those belong to codes and numbers.
_RUN = re.compile(r"(?<![\w/-])[A-Za-z]+(?:\s+[A-Za-z]+)*(?![\w/-])")
_CODE = re.compile(r"\b\w+(?:[-/]\w+)+")  # 1327-QD/TU, 01-KL/TW
# Words questions are made of, rare in news text: counted as if seen this often.
_QUESTION_PHRASES = ("có bao nhiêu", "bao nhiêu", "là gì", "cái gì", "điều gì", "khi nào", "ở đâu", "là ai",
                     "vì sao", "tại sao", "như thế nào", "bao giờ", "mấy", "nào", "không", "có", "của", "được")
QUESTION_PHRASE_COUNT = 5.0
COMPOUND_COUNT = 2.0  # a pair the dictionary holds as a word counts as seen this often
SMOOTHING = 1.0
KNOWN = 0.5  # a dictionary word the index lacks
UNSEEN = 0.1
CANDIDATES_PER_SYLLABLE = 8


def remove(text: str) -> str:
    """"Phong Thổ có bao nhiêu đảng viên?" → "Phong Tho co bao nhieu dang vien?", as often typed."""
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return plain.replace("đ", "d").replace("Đ", "D")


def lacks_diacritics(text: str) -> bool:
    """Letters, all of them plain ASCII: typed without Vietnamese accents."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isascii() for c in letters)


def restore(text: str, frequency: Callable[[str], float]) -> str:
    """The text with each run of words given its likeliest accents; `frequency(term)` counts a
    syllable or a pair "a_b" in the index (0 when absent). Codes ("1327-QD/TU") and numbers are
    left as typed."""
    model = _Counts(frequency)
    pieces, last = [], 0
    for run in _RUN.finditer(text):
        pieces.append(text[last:run.start()])
        typed = run.group().split()
        gaps = re.findall(r"\s+", run.group()) + [""]
        best = model.likeliest([t.lower() for t in typed])
        pieces.append("".join(_with_case(form, t) + gap for form, t, gap in zip(best, typed, gaps)))
        last = run.end()
    pieces.append(text[last:])
    return _CODE.sub(lambda m: _restore_code(m.group(), model.count), "".join(pieces))


def _restore_code(code: str, count: Callable[[str], float]) -> str:
    """"1327-QD/TU" → "1327-QĐ/TU" when the index knows that code: only "d" may have lost its stroke."""
    places = [i for i, c in enumerate(code) if c in "dD"][:4]
    best, best_seen = code, sum(count(w) for w in words(code))
    for strokes in itertools.product((False, True), repeat=len(places)):
        variant = list(code)
        for i, stroke in zip(places, strokes):
            variant[i] = {"d": "đ", "D": "Đ"}[code[i]] if stroke else code[i]
        seen = sum(count(w) for w in words("".join(variant)))
        if seen > best_seen:
            best, best_seen = "".join(variant), seen
    return best


class _Counts:
    """A smoothed bigram model over the index's counts, the dictionary and the question words."""

    def __init__(self, frequency: Callable[[str], float]) -> None:
        self.frequency = frequency
        self.known = vietnamese_syllables()
        self.compounds = compound_words()
        self.extra: dict[str, float] = {}
        for phrase in _QUESTION_PHRASES:
            syllables = phrase.split()
            for term in syllables + [f"{a}_{b}" for a, b in zip(syllables, syllables[1:])]:
                self.extra[term] = QUESTION_PHRASE_COUNT

    def count(self, term: str) -> float:
        return self.frequency(term) + self.extra.get(term, 0.0)

    def pair(self, first: str, second: str) -> float:
        return self.count(f"{first}_{second}") + COMPOUND_COUNT * (f"{first} {second}" in self.compounds)

    def likeliest(self, syllables: list[str]) -> list[str]:
        columns = [self._candidates(s) for s in syllables]
        paths = {form: (math.log(prior), [form]) for form, prior in columns[0].items()}
        for column in columns[1:]:
            paths = {form: max(((score + math.log(self._next(previous, form, prior)), path + [form])
                                for previous, (score, path) in paths.items()), key=lambda p: p[0])
                     for form, prior in column.items()}
        return max(paths.values(), key=lambda p: p[0])[1]

    def _next(self, previous: str, form: str, prior: float) -> float:
        return (self.pair(previous, form) + SMOOTHING * prior) / (self.count(previous) + SMOOTHING)

    def _candidates(self, syllable: str) -> dict[str, float]:
        """The spellings of the syllable that exist, each with its share of their counts; the
        syllable as typed always stays one ("Newton")."""
        counts = {syllable: self.count(syllable) + UNSEEN + KNOWN * (syllable in self.known)}
        for form in sorted(_forms(syllable)):
            if self.count(form) or form in self.known:
                counts[form] = self.count(form) + UNSEEN + KNOWN * (form in self.known)
        kept = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:CANDIDATES_PER_SYLLABLE]
        total = sum(c for _, c in kept)
        return {form: c / total for form, c in kept}


def _forms(syllable: str) -> set[str]:
    """Every spelling of the syllable with Vietnamese letters and one tone mark."""
    if not _ASCII_SYLLABLE.fullmatch(syllable) or len(syllable) > 7:
        return set()
    letters = [_LETTER_FORMS.get(c, c) if i == 0 or c != "d" else c for i, c in enumerate(syllable)]
    forms = set()
    for base in map("".join, itertools.product(*letters)):
        vowels = [i for i, c in enumerate(base) if c in _VOWELS]
        for position, tone in itertools.product(vowels or [None], _TONES):
            if position is None or not tone:
                form = base
            else:
                form = unicodedata.normalize("NFC", base[:position + 1] + tone + base[position + 1:])
            if is_vietnamese_syllable(form):
                forms.add(form)
    return forms


def _with_case(form: str, typed: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return form.upper()
    return form[:1].upper() + form[1:] if typed[:1].isupper() else form
