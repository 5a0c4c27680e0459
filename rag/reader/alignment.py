"""Aligning a question with a sentence: Vietnamese keeps the question word in place, so the words
around it, found in the sentence, frame the answer."""
from __future__ import annotations

import re

from .questions import QUESTION_WORD, REASON
from ..text import word_spans

_BOUNDARY = re.compile(r"[,;:.!?()“”\"]")
_BOUNDARY_STRONG = re.compile(r"[;:.!?()“”\"]")
MAX_SLOT_WORDS = 12


def aligned_span(question: str, sentence: str) -> tuple[int, int] | None:
    """Vietnamese keeps the question word in place ("X có bao nhiêu Y" / "X có 3.517 Y"):
    match the question's words on each side of it in the sentence; the gap is the answer.
    With one side matched, the answer runs to the clause boundary on the other side."""
    wh = QUESTION_WORD.search(question)
    if wh is None or REASON.search(question):
        return None
    q_words = word_spans(question)
    left = [w for s, _, w in q_words if s < wh.start()][-3:]
    right = [w for s, _, w in q_words if s >= wh.end()][:3]
    s_words = word_spans(sentence)
    low = [w for _, _, w in s_words]
    cut = [i == 0 or bool(_BOUNDARY.search(sentence[s_words[i - 1][1]:s_words[i][0]]))
           for i in range(len(low))] + [True]
    lefts = [(p, _anchor(_suffix_match(left, low[:p]), left)) for p in range(1, len(low))]
    rights = [(r, _anchor(_prefix_match(right, low[r:]), right)) for r in range(1, len(low))]
    asked = {w for _, _, w in q_words}.difference(left, right)  # the anchors frame every option

    def option(score: float, a: int, b: int) -> tuple:
        # Of two slots anchored as well, the one whose words the question shares more: "… cán bộ
        # diện BTV Tỉnh ủy quản lý với 2.229 học viên" over "… thành ủy trực thuộc Tỉnh ủy quản lý
        # với 12.446 học viên" for "cán bộ diện Ban Thường vụ Tỉnh ủy quản lý … bao nhiêu học viên"
        return score, len(asked.intersection(low[a:b])), a - b, a, b

    options = []
    for p, ls in (x for x in lefts if x[1]):
        end = next(i for i in range(p + 1, len(low) + 1) if cut[i] or i - p >= MAX_SLOT_WORDS)
        options.append(option(ls, p, end))
        # between the two anchors the answer may hold commas: "ứng dụng công nghệ thông tin, chuyển đổi số trong"
        options += [option(ls + rs + 0.5, p, r) for r, rs in rights if rs and p < r <= p + MAX_SLOT_WORDS
                    and not _BOUNDARY_STRONG.search(sentence[s_words[p][0]:s_words[r - 1][1]])]
    for r, rs in (x for x in rights if x[1]):
        start = next(i for i in range(r - 1, -1, -1) if cut[i] or r - i >= MAX_SLOT_WORDS)
        if start < r:
            options.append(option(rs, start, r))
    if not options:
        return None
    *_, p, r = max(options)
    return s_words[p][0], s_words[r - 1][1]


def _anchor(matched: int, context: list[str]) -> int:
    """A one-word match of a longer context is too weak to anchor on ("đảng" of "đảng viên")."""
    return matched if matched >= 2 or matched == len(context) else 0


def _suffix_match(pattern: list[str], words: list[str]) -> int:
    n = 0
    while n < min(len(pattern), len(words)) and pattern[-1 - n] == words[-1 - n]:
        n += 1
    return n


def _prefix_match(pattern: list[str], words: list[str]) -> int:
    n = 0
    while n < min(len(pattern), len(words)) and pattern[n] == words[n]:
        n += 1
    return n
