"""How well a candidate span of a sentence answers the question: made of words the question lacks,
inside the slot the question's words frame, naming the asked unit, followed by what the question
says of the counted thing, after the year asked, and near the question's words. The rules reader
takes the best."""
from __future__ import annotations

import re

from .spans import names_unit

PROXIMITY_WEIGHT = 1.0
QUALIFIER_WINDOW = 8  # words after a count read for what the question says of the counted thing
YEAR = re.compile(r"(?:19|20)\d\d")


def _overlap(span: tuple[int, int], slot: tuple[int, int] | None) -> float:
    """How well the span fills the aligned answer slot: twice their Dice overlap (0 without a slot)."""
    if slot is None:
        return 0.0
    inside = min(span[1], slot[1]) - max(span[0], slot[0])
    return 4.0 * max(0, inside) / max(1, span[1] - span[0] + slot[1] - slot[0])


def qualified(sentence_words: list[tuple[int, int, str]], span: tuple[int, int], qualifier: dict[str, float]) -> float:
    """How much of what the question says of the counted thing follows this count, before the
    next number: "123 nhà văn hóa thôn, bản" for "bao nhiêu nhà văn hóa thôn, bản", not "14 nhà
    văn hóa xã"."""
    if not qualifier:
        return 0.0
    following = []
    for start, _, word in sentence_words:
        if start < span[1]:
            continue
        if any(ch.isdigit() for ch in word) or len(following) == QUALIFIER_WINDOW:
            break
        following.append(word)
    return sum(qualifier[w] for w in set(following) & qualifier.keys()) / sum(qualifier.values())


def _dated(sentence_words: list[tuple[int, int, str]], span: tuple[int, int], inside: list[str],
           years: frozenset[str]) -> float:
    """"Chương trình công tác năm 2021 xác định 122 nhóm nội dung; năm 2022 xác định 64 …": of counts
    told apart by the year said before each, the one of the year asked (1, else 0). `inside`: the
    span's words."""
    if not years or not any(ch.isdigit() for w in inside if not YEAR.fullmatch(w) for ch in w):
        return 0.0  # a year is no count of that year
    before = [w for s, _, w in sentence_words if s < span[0] and YEAR.fullmatch(w)]
    return float(bool(before) and before[-1] in years)


def span_score(sentence_words: list[tuple[int, int, str]], span: tuple[int, int],
                weights: dict[str, float], slot: tuple[int, int] | None,
                unit: frozenset[str] = frozenset(), head: frozenset[str] = frozenset(),
                qualifier: dict[str, float] | None = None, years: frozenset[str] = frozenset()) -> float:
    """Made of new words (the asked unit aside), inside the aligned slot, naming the asked head
    noun, followed by what the question says of it, after the year it asks of, and close to the
    question's rarest words."""
    start, end = span
    inside = [w for s, e, w in sentence_words if s >= start and e <= end]
    counted = [w for w in inside if w not in unit]
    novel = sum(w not in weights for w in counted) / max(1, len(counted))
    if not novel:
        return -1.0  # the question's own words are not its answer
    first = next((i for i, (s, _, _) in enumerate(sentence_words) if s >= start), len(sentence_words))
    last = first + max(1, len(inside)) - 1
    near, total = 0.0, 0.0
    for i, (s, e, w) in enumerate(sentence_words):
        if w in weights and not start <= s < end:
            distance = first - i if i < first else i - last
            near += weights[w] / (1 + max(0, distance - 1))
            total += weights[w]
    named = float(names_unit(head, " ".join(inside)))
    return (novel + named + PROXIMITY_WEIGHT * (near / total if total else 0.0) + _overlap(span, slot)
            + qualified(sentence_words, span, qualifier or {}) + _dated(sentence_words, span, inside, years))
