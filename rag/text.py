"""Vietnamese text helpers shared by ingest and ask: NFC, tokens, sentences, input checks."""
from __future__ import annotations

import functools
import re
import unicodedata

from underthesea import sent_tokenize

MAX_QUESTION_CHARS = 1000

_WORD = re.compile(r"\d+(?:[.,/-]\d+)*%?|[^\W_]+(?:[-/][^\W_]+)*", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SYLLABLE_AFTER = re.compile(r"\s+([^\W\d_]+)\b")
MAX_WORD_SYLLABLES = 4  # the dictionary's longest words worth looking for
_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))  # grave, acute, tilde, hook, dot
_SYLLABLE = re.compile(
    "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[aăâeêioôơuưy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)


class InvalidQuestion(ValueError):
    """A question the system refuses before doing any work; the message says why."""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def words(text: str) -> list[str]:
    """Lower-cased syllables and whole numbers/codes ("3.517", "1327-qđ/tu")."""
    return [w.lower() for w in _WORD.findall(nfc(text))]


def is_vietnamese_syllable(word: str) -> bool:
    """"Thanh", "Đảng", "tuyên" are; "Newton", "Paris" are not (by the sounds a syllable may have)."""
    toneless = unicodedata.normalize("NFC", unicodedata.normalize("NFD", word.lower()).translate(_TONE_MARKS))
    return bool(_SYLLABLE.fullmatch(toneless))


@functools.cache
def compound_words() -> frozenset[str]:
    """Vietnamese words of two syllables or more ("dân tộc", "báo cáo viên"), lower case, from the
    74K-word dictionary that underthesea ships."""
    from underthesea.corpus import viet_dict_74K

    return frozenset(nfc(w).lower() for w in viet_dict_74K.words if " " in w)


@functools.cache
def vietnamese_syllables() -> frozenset[str]:
    """The one-syllable words of the same dictionary ("gì", "có", "đâu"), lower case."""
    from underthesea.corpus import viet_dict_74K

    return frozenset(nfc(w).lower() for w in viet_dict_74K.words if " " not in w)


def syllables_after(sentence: str, end: int) -> list[tuple[str, int]]:
    """The next few lower-cased syllables and where each ends, up to punctuation or a number."""
    found = []
    while len(found) < MAX_WORD_SYLLABLES and (match := _SYLLABLE_AFTER.match(sentence, end)):
        end = match.end()
        found.append((match.group(1).lower(), end))
    return found


def leading_words(syllables: list[str], at_least: int) -> list[str]:
    """The first whole words holding at least `at_least` syllables ("công trình lịch sử", not
    "công trình lịch")."""
    taken = 0
    while taken < min(at_least, len(syllables)):
        taken += word_size(syllables[taken:])
    return syllables[:taken]


def word_size(syllables: list[str]) -> int:
    """How many of the syllables make the first word, by the longest dictionary match."""
    compounds = compound_words()
    longest = min(len(syllables), MAX_WORD_SYLLABLES)
    return next((n for n in range(longest, 1, -1) if " ".join(syllables[:n]) in compounds), 1)


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, lower-cased word) for each word of an NFC text."""
    return [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]


def tokens(text: str) -> list[str]:
    """BM25 terms: syllables plus adjacent-syllable bigrams (see README: tokenisation)."""
    syllables = words(text)
    return syllables + [f"{a}_{b}" for a, b in zip(syllables, syllables[1:])]


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of text[start:end], split line by line."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for line in text[start:end].split("\n"):
        line_start = cursor
        cursor += len(line) + 1
        if not line.strip():
            continue
        pos = line_start
        for sentence in sent_tokenize(line):
            found = text.find(sentence, pos, line_start + len(line))
            if found < 0:  # the tokenizer altered spacing: fall back to the whole rest of line
                spans.append((pos, line_start + len(line.rstrip())))
                break
            spans.append((found, found + len(sentence)))
            pos = found + len(sentence)
    return spans


def validate_question(question: object) -> str:
    """Return the question as NFC text, or raise InvalidQuestion naming the problem."""
    if not isinstance(question, str):
        raise InvalidQuestion("Câu hỏi phải là văn bản (question must be a string).")
    if _CONTROL.search(question) or any(0xD800 <= ord(c) <= 0xDFFF for c in question):
        raise InvalidQuestion(
            "Câu hỏi chứa ký tự điều khiển hoặc dữ liệu nhị phân; hãy gõ lại bằng văn bản thường."
        )
    question = nfc(question).strip()
    if not question:
        raise InvalidQuestion("Câu hỏi đang trống; hãy nhập một câu hỏi.")
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidQuestion(
            f"Câu hỏi dài {len(question)} ký tự, vượt giới hạn {MAX_QUESTION_CHARS}; hãy rút gọn."
        )
    if not words(question):
        raise InvalidQuestion("Câu hỏi không có chữ hay số nào; hãy nhập một câu hỏi bằng chữ.")
    return question


def vi_date(iso: str | None) -> str | None:
    """yyyy-mm-dd -> dd/mm/yyyy, the way Vietnamese readers write dates."""
    if not iso or iso.count("-") != 2:
        return iso
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"
