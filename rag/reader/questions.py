"""What a Vietnamese question asks for: its type, the unit it counts, the part of a date, whether
it wants a list or a phrase. Read from the question's words only; spans.py finds the answers."""
from __future__ import annotations

import functools
import re

from ..text import compound_words, leading_words, word_size, words

REASON = re.compile(r"\b(vì sao|tại sao|vì lý do gì|như thế nào|thế nào|ra sao|làm sao|bằng cách nào)\b",
                    re.IGNORECASE)
QUESTION_TYPES = {
    "author": re.compile(
        r"tác giả|ai viết|người viết|ai đưa tin|(bài|bài viết|bài báo|tin)\b.*\b(của ai|do ai)", re.IGNORECASE
    ),
    "date": re.compile(
        r"\b(khi nào|lúc nào|bao giờ|ngày nào|ngày bao nhiêu|ngày mấy|năm nào|năm bao nhiêu|tháng nào"
        r"|thời gian nào|thời điểm nào|vào (?:ngày|năm)(?! \d)|từ năm nào|từ khi nào"
        r"|thập kỷ nào|thập niên nào|thế kỷ nào)\b",
        re.IGNORECASE,
    ),
    "number": re.compile(r"\b(bao nhiêu|mấy|số lượng|tỷ lệ|tỉ lệ)\b", re.IGNORECASE),
    "person": re.compile(r"(^|\s)(ai|người nào|đồng chí nào|(?<!đơn )vị nào|những ai)(\s|\?|$)", re.IGNORECASE),
    "place": re.compile(
        r"\b(ở đâu|tại đâu|nơi nào|địa phương nào|xã nào|những xã nào|huyện nào|tỉnh nào|đâu(?! là))\b",
        re.IGNORECASE,
    ),
    "post": re.compile(r"\b(chức vụ|chức danh|cương vị|giữ chức)\b.*\b(gì|nào)\b", re.IGNORECASE),
    "name": re.compile(
        r"(?<!trong )(?<!theo )(?<!tại )\b(khẩu hiệu|chủ đề|tên|phong trào|chương trình|đề án|tác phẩm"
        r"|nghị quyết|quyết định|kế hoạch|kết luận|chỉ thị|chuyên đề|hội thảo|kỷ niệm chương|văn bản)\b.*\b(gì|nào)\b",
        re.IGNORECASE,
    ),
    "sentence": REASON,  # why and how: the sentence answers, not a span
    "entity": re.compile(r"\b[^\W\d_]+ nào\b", re.IGNORECASE),
}
QUESTION_WORD = re.compile(
    r"\b(khi nào|lúc nào|bao giờ|bao lâu|bao nhiêu|mấy|(?:những |các )?(?:cái gì|điều gì|việc gì|gì|ai)|đâu|nào)\b",
    re.IGNORECASE,
)
_PLURAL = re.compile(r"\b(?:những|các)\b.*\b(?:nào|ai|gì)\b|\bnhững ai\b", re.IGNORECASE)
_ASKED_UNIT = re.compile(r"\b(?:bao nhiêu|mấy)((?: [^\W\d_]+){1,6})", re.IGNORECASE)
_COUNTED = re.compile(r"(?:\bsố lượng|\btổng số|^số)((?: [^\W\d_]+){1,6})(?=.*\b(?:là|có|được) bao nhiêu\b)",
                      re.IGNORECASE)
# A population is counted in people: "bao nhiêu dân", "dân số … bao nhiêu" → "trên 8,3 vạn người".
_POPULATION = re.compile(r"\bdân số\b|\bbao nhiêu (?:người )?dân\b|\bnhân khẩu\b", re.IGNORECASE)
# A rate is a share: "Tỷ lệ … là bao nhiêu?" → "95-96%", not the count beside it.
_RATE = re.compile(r"\b(?:tỷ|tỉ) lệ\b.*\b(?:bao nhiêu|mấy)\b", re.IGNORECASE)
_NOT_UNIT = set("có được là của ở tại trong cho vào đã sẽ đang với và từ khi mà thì để hiện nay".split())
_PLURAL_MARKERS = {"các", "những"}
UNIT_SYLLABLES = 3  # "bao nhiêu lượt người dự": the unit is the few words after the question word
QUALIFIER_SYLLABLES = 6  # "… chi bộ trực thuộc đảng bộ khối cơ quan": what tells one count from another
_DATE_PART = re.compile(r"\b(ngày|năm|tháng) (?:nào|bao nhiêu|mấy)\b|\bvào (ngày|năm)(?! \d)", re.IGNORECASE)
ORDINAL_ASKED = re.compile(r"\b([^\W\d_]+ thứ) (?:mấy|bao nhiêu)\b|\b([^\W\d_]+) nào\b", re.IGNORECASE)
# An event or programme an article names once in full and then calls by its noun ("đồng chủ trì Hội nghị").
_ASKED_EVENT = re.compile(r"\b(hội nghị|hội thảo|đại hội|hội thi|cuộc thi|đề án|chương trình|kế hoạch) (?:nào|gì)\b",
                          re.IGNORECASE)


def question_type(question: str) -> str:
    """author, date, number, person, place, post, name, entity, or sentence (no narrower span is asked
    for): the first of QUESTION_TYPES that matches."""
    for name, pattern in QUESTION_TYPES.items():
        if pattern.search(question):
            return name
    return "sentence"


def asks_for_several(question: str) -> bool:
    """"Những xã nào", "các đội nào", "những ai": the answer is a list."""
    return bool(_PLURAL.search(question))


def asks_for_a_phrase(question: str) -> bool:
    """A what/which/who question, not a why/how one that the whole sentence answers."""
    return bool(QUESTION_WORD.search(question)) and not REASON.search(question)


@functools.lru_cache(maxsize=1024)  # read once per candidate sentence of a question
def asked_unit(question: str) -> frozenset[str]:
    """What is being counted ("đảng viên", "công trình lịch sử"): the first whole words after each
    "bao nhiêu"/"mấy", or after "số" in "Tổng số đảng viên … là bao nhiêu?"; "phần trăm" and a
    "tỷ lệ" are "%"."""
    return frozenset(w for phrase in _unit_phrases(question) for w in phrase)


@functools.lru_cache(maxsize=1024)
def asked_head(question: str) -> frozenset[str]:
    """The head noun of what is counted, its first word: "loài" of "loài cây", "dân" of "dân"."""
    return frozenset(w for phrase in _unit_phrases(question) for w in phrase[:word_size(phrase)])


@functools.lru_cache(maxsize=1024)
def asked_qualifier(question: str) -> frozenset[str]:
    """The words that follow what is counted and tell it from its kin (Vietnamese modifiers follow
    the noun): "cấp cơ sở" of "bao nhiêu báo cáo viên cấp cơ sở", "thôn, bản" of "bao nhiêu nhà
    văn hóa thôn, bản", "khối cơ quan" of "bao nhiêu chi bộ trực thuộc đảng bộ khối cơ quan"."""
    found = set()
    for match in _ASKED_UNIT.finditer(question):
        unit = _unit_phrases(match.group(0))
        rest = question[match.start(1):]
        rest = rest[:next((m.start() for m in QUESTION_WORD.finditer(rest)), len(rest))]  # "…, bao nhiêu học viên?"
        after = re.findall(r"[^\W\d_]+", rest)[len(unit[0]) if unit else 0:]
        after = after[:next((i for i, w in enumerate(after) if w.lower() in _NOT_UNIT), len(after))]
        found.update(w.lower() for w in after[:QUALIFIER_SYLLABLES])
    return frozenset(found)


def _unit_phrases(question: str) -> list[list[str]]:
    matches = [*_ASKED_UNIT.finditer(question), *_COUNTED.finditer(question)]
    phrases = []
    for match in matches:
        syllables = match.group(1).lower().split()
        syllables = syllables[:next((i for i, w in enumerate(syllables) if w in _NOT_UNIT), len(syllables))]
        while syllables and syllables[0] in _PLURAL_MARKERS:
            syllables = syllables[1:]
        phrase = leading_words(syllables, UNIT_SYLLABLES)
        phrases.append(["%"] if phrase[:2] == ["phần", "trăm"] else phrase)
    if _POPULATION.search(question):
        phrases.append(["người"])
    if _RATE.search(question):
        phrases.append(["%"])
    return [p for p in phrases if p]


@functools.lru_cache(maxsize=1024)  # asked once per candidate sentence of a question
def asked_noun(question: str) -> str | None:
    """What a "which X" question names, the dictionary word before its question word (or before
    that word's "là"): "thị trấn" of "Đảng bộ thị trấn nào", "tên" of "… được đặt tên là gì"."""
    asked = QUESTION_WORD.search(question)
    before = words(question[:asked.start()]) if asked else []
    before = before[:-1] if before[-1:] == ["là"] else before
    size = next((n for n in range(min(len(before), 4), 1, -1) if " ".join(before[-n:]) in compound_words()), 1)
    return " ".join(before[-size:]) or None


def asked_event(question: str) -> str | None:
    """"hội nghị" of "… chủ trì hội nghị nào?"."""
    match = _ASKED_EVENT.search(question)
    return match.group(1).lower() if match else None


def asked_date_part(question: str) -> str | None:
    match = _DATE_PART.search(question)
    return (match.group(1) or match.group(2)).lower() if match else None
