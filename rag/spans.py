"""Answer types: what kind of fact a Vietnamese question asks for, and where it is in a sentence.

Each finder returns (start, end) spans inside the sentence; the answerer picks the span
nearest to the words the sentence shares with the question.
"""
from __future__ import annotations

import functools
import re

from .text import compound_words, word_spans, words

# Upper-case Latin letters with Vietnamese diacritics ("À-Ỹ" as a range would take lower case too).
_UP = re.escape("".join(c for c in map(chr, range(0x41, 0x1EFA)) if c.isupper()))
_CAP = rf"[{_UP}][^\s,.;:()“”\"]*"
_NUMBER = r"\d+(?:[.,]\d+)*(?:\s?[-–]\s?\d+(?:[.,]\d+)*)?(?:\s?%)?"

_REASON = re.compile(r"\b(vì sao|tại sao|vì lý do gì|như thế nào|thế nào|ra sao|làm sao|bằng cách nào)\b",
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
    "person": re.compile(r"(^|\s)(ai|người nào|đồng chí nào|vị nào|những ai)(\s|\?|$)", re.IGNORECASE),
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
    "sentence": _REASON,  # why and how: the sentence answers, not a span
    "entity": re.compile(r"\b[^\W\d_]+ nào\b", re.IGNORECASE),
}
_DATE_SPANS = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{1,2}/\d{1,2}\b(?!/)|\bngày \d{1,2} tháng \d{1,2}(?: năm \d{4})?"
    r"|\btháng \d{1,2}(?:/\d{4}| năm \d{4})?|\b(?:những năm|thập niên|thập kỷ) \d{4}\b"
    r"|\bthế kỷ (?:\d{1,2}|[IVX]+)\b|\bnăm (?:1\d|20)\d\d\b|\b(?:1[89]|20)\d\d\b",
    re.IGNORECASE,
)
_SYLLABLE_AFTER = re.compile(r"\s+([^\W\d_]+)\b")
MAX_WORD_SYLLABLES = 4
_NOT_UNIT = set("có được là của ở tại trong cho vào đã sẽ đang với và từ khi mà thì để hiện nay".split())
_PLURAL_MARKERS = {"các", "những"}
UNIT_SYLLABLES = 3  # "bao nhiêu lượt người dự": the unit is the few words after the question word
_DATE_PART = re.compile(r"\b(ngày|năm|tháng) (?:nào|bao nhiêu|mấy)\b|\bvào (ngày|năm)(?! \d)", re.IGNORECASE)
_ORDINAL_ASKED = re.compile(r"\b([^\W\d_]+ thứ) (?:mấy|bao nhiêu)\b|\b([^\W\d_]+) nào\b", re.IGNORECASE)
_DAY = re.compile(r"\d/\d|ngày \d", re.IGNORECASE)
_YEAR = re.compile(r"(?:năm )?\b(?:1\d|20)\d\d\b", re.IGNORECASE)
_DATE_GAP = re.compile(r"\s+(?:và|đến|tới)\s+", re.IGNORECASE)  # not "-": "1930 - 2023" is an anniversary
_NUMBER_SPANS = re.compile(rf"(?:(?:hơn|trên|gần|khoảng|tổng số|tổng cộng) )?{_NUMBER}", re.IGNORECASE)
_MULTIPLIERS = {"nghìn", "ngàn", "triệu", "tỷ", "tỉ", "vạn", "trăm", "chục"}
_NUMBER_WORDS = re.compile(r"\b(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\b", re.IGNORECASE)
_ASKED_UNIT = re.compile(r"\b(?:bao nhiêu|mấy)((?: [^\W\d_]+){1,6})", re.IGNORECASE)
_COUNTED = re.compile(r"(?:\bsố lượng|\btổng số|^số)((?: [^\W\d_]+){1,6})(?=.*\b(?:là|có|được) bao nhiêu\b)",
                      re.IGNORECASE)
_ENTITY = re.compile(rf"{_CAP}(?: (?:{_CAP}|\d+))*")
_ROMAN = re.compile(r"[IVXLCDM]+")
_PLURAL = re.compile(r"\b(?:những|các)\b.*\b(?:nào|ai|gì)\b|\bnhững ai\b", re.IGNORECASE)
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:và\s+)?|và\s+)(?:[^\W\d_]+\s+){0,3}", re.IGNORECASE)
_SURNAMES = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đinh Lâm Trịnh"
    " Mai Trương Lương Tạ Hà Cao Tô Quách Chu Thái Tăng Kiều Lò Tòng Sùng Giàng Vàng Lù Đoàn"
    " Văn Triệu Thân Nông Lưu Khổng Hứa La Mạc Vi Quàng Hầu"
).split()
_INSTITUTIONS = set(
    "ban bộ sở hội đảng mặt ủy uỷ tỉnh huyện thành trung trường viện cục phòng ngành nghị chỉ quyết kế"
    " chương đại ngày tháng".split()
)  # first words of organisations, bodies, documents and dates
_PERSON = re.compile(rf"\b(?:{'|'.join(_SURNAMES)})(?: {_CAP}){{1,3}}")
_TITLE = re.compile(
    rf" - [^;.:()]+?(?=, (?:{_CAP} ){{1,3}}- |[;.:(]| (?:đã|đồng chủ trì|chủ trì|phát biểu|trao|cho|và đồng chí)\b|$)"
)
_PLACE = re.compile(
    rf"\b(?:xã|huyện|tỉnh|thành phố|thị trấn|thị xã|bản|thôn|phường|tại|ở):? ({_CAP}(?: {_CAP})*)"
)
_QUOTED = re.compile(r"[“\"]([^”\"]{3,300})[”\"]")
_DOCUMENT = r"\b(?:Quyết định|Kế hoạch|Kết luận|Nghị quyết|Chỉ thị|Thông tư|Đề án|Quy định|Hướng dẫn)"
_CODE = re.compile(rf"{_DOCUMENT}(?: số)? \d+[-/][\wĐđ/-]+")
# "Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XVII": a document named by what issued it, to the comma
_TITLED = re.compile(rf"{_DOCUMENT} [{_UP}](?:(?! (?:năm|ngày|tháng) \d)[^,;:.()“”\"]){{0,80}}")
_ASKED_NOUN = re.compile(r"((?:[^\W\d_]+ )?[^\W\d_]+) (?:nào|gì)\b", re.IGNORECASE)


def question_type(question: str) -> str:
    """author, date, number, person, place, name, or sentence (no narrower span is asked for)."""
    for name, pattern in QUESTION_TYPES.items():
        if pattern.search(question):
            return name
    return "sentence"


def candidate_spans(kind: str, sentence: str, question: str = "") -> list[tuple[int, int]]:
    """Spans of the asked type in the sentence; person, place and name fall back to proper nouns."""
    ordinal = _ORDINAL_ASKED.search(question) if kind in ("number", "entity", "name") else None
    if ordinal:  # "lần thứ mấy" → "lần thứ XVII"; "những khóa nào" → "khóa XI và XII"
        spans = _ordinals(sentence, ordinal.group(1) or ordinal.group(2))
        if spans:
            return spans
    if kind == "number":
        return _numbers(sentence, asked_unit(question))
    if kind == "date":
        return _dates(sentence, _asked_date_part(question))
    if kind == "name":
        return _of_the_asked_kind(sentence, _names(sentence), question) or _entities(sentence)
    if kind == "post":
        return _posts(sentence, question)
    if kind == "entity" and (holders := _holders(sentence, question)):
        return holders
    finder = _FINDERS.get(kind)
    spans = finder(sentence) if finder else []
    if not spans and kind in ("person", "name", "entity"):
        spans = _entities(sentence)
        if kind == "person":  # "Ngày 18", "Ban Tuyên giáo" are proper-noun phrases, not people
            spans = [_without_titles(sentence, a, b) for a, b in spans if not any(c.isdigit() for c in sentence[a:b])
                     and sentence[a:b].split()[0].lower() not in _INSTITUTIONS]
            spans = [(a, b) for a, b in spans if a < b]
    return spans


def _of_the_asked_kind(sentence: str, spans: list[tuple[int, int]], question: str) -> list[tuple[int, int]]:
    """"Chỉ thị nào": the spans that are a chỉ thị, when some are."""
    asked = _ASKED_NOUN.search(question)
    if asked:
        for noun in (asked.group(1), asked.group(1).split()[-1]):
            kind = [(a, b) for a, b in spans if sentence[a:b].lower().startswith(noun.lower() + " ")
                    or sentence[max(0, a - len(noun) - 1):a].lower().strip() == noun.lower()]
            if kind:
                return kind
    return spans


def _without_titles(sentence: str, start: int, end: int) -> tuple[int, int]:
    """"Giải thưởng Viện hàn lâm Lady Gaga" → "Lady Gaga": a person's name is no dictionary word."""
    while start < end:
        syllables = sentence[start:end].lower().split()
        size = _word_size(syllables[:MAX_WORD_SYLLABLES])
        if size < 2:
            break
        start += len(" ".join(sentence[start:end].split()[:size]))
        start = end if start >= end else start + 1
    return start, end


def asks_for_several(question: str) -> bool:
    """"Những xã nào", "các đội nào", "những ai": the answer is a list."""
    return bool(_PLURAL.search(question))


def join_list(sentence: str, spans: list[tuple[int, int]], best: tuple[int, int]) -> tuple[int, int]:
    """The best span grown over its neighbours in the same list ("Hùng An, Quang Minh, Tân Lập và
    Tân Thành"; "Đảng bộ xã Huổi Luông, Đảng bộ xã Sin Suối Hồ và Đảng bộ xã Mường So")."""
    start, end = best
    for a, b in sorted(spans):
        if a >= end and _LIST_GAP.fullmatch(sentence[end:a]):
            end = b
    for a, b in sorted(spans, reverse=True):
        if b <= start and _LIST_GAP.fullmatch(sentence[b:start]):
            start = a
    return start, end


def names_a_person(sentence: str) -> bool:
    """A Vietnamese full name ("Lê Đức Dục"), not just any proper noun."""
    return bool(_PERSON.search(sentence))


@functools.lru_cache(maxsize=1024)  # read once per candidate sentence of a question
def asked_unit(question: str) -> frozenset[str]:
    """What is being counted ("đảng viên", "công trình lịch sử"): the first whole words after each
    "bao nhiêu"/"mấy", or after "số" in "Tổng số đảng viên … là bao nhiêu?"; "phần trăm" is "%"."""
    return frozenset(w for phrase in _unit_phrases(question) for w in phrase)


@functools.lru_cache(maxsize=1024)
def asked_head(question: str) -> frozenset[str]:
    """The head noun of what is counted, its first word: "loài" of "loài cây", "dân" of "dân"."""
    return frozenset(w for phrase in _unit_phrases(question) for w in phrase[:_word_size(phrase)])


def _unit_phrases(question: str) -> list[list[str]]:
    matches = [*_ASKED_UNIT.finditer(question), *_COUNTED.finditer(question)]
    phrases = []
    for match in matches:
        syllables = match.group(1).lower().split()
        syllables = syllables[:next((i for i, w in enumerate(syllables) if w in _NOT_UNIT), len(syllables))]
        while syllables and syllables[0] in _PLURAL_MARKERS:
            syllables = syllables[1:]
        phrase = _leading_words(syllables, UNIT_SYLLABLES)
        phrases.append(["%"] if phrase[:2] == ["phần", "trăm"] else phrase)
    return [p for p in phrases if p]


def names_unit(unit: frozenset[str], text: str) -> bool:
    """Does the text name what was counted (the words given: usually the asked head)?"""
    return bool(unit & set(words(text))) or ("%" in unit and "%" in text)


def _ordinals(sentence: str, head: str) -> list[tuple[int, int]]:
    roman = r"(?-i:[IVXLC]+)\b"
    numeral = rf"(?:{roman}|\d+\b)" if head.lower().endswith("thứ") else roman
    pattern = rf"\b{re.escape(head)}(?: thứ)? {numeral}(?:(?:,| và) {numeral})*"
    return [m.span() for m in re.finditer(pattern, sentence, re.IGNORECASE)]


def _asked_date_part(question: str) -> str | None:
    match = _DATE_PART.search(question)
    return (match.group(1) or match.group(2)).lower() if match else None


def _dates(sentence: str, part: str | None = None) -> list[tuple[int, int]]:
    """Dates, ranges of dates ("từ 1500 đến 1850", "1964 và 1968") kept whole; for "năm nào" the
    year of a full date, for "ngày nào" only dates that name a day."""
    spans = [m.span() for m in _DATE_SPANS.finditer(sentence)]
    if part == "năm":
        spans = [_year_of(sentence, a, b) for a, b in spans]
    elif part == "ngày" and any(_DAY.search(sentence[a:b]) for a, b in spans):
        spans = [(a, b) for a, b in spans if _DAY.search(sentence[a:b])]
    joined: list[tuple[int, int]] = []
    for a, b in spans:
        if joined and _DATE_GAP.fullmatch(sentence[joined[-1][1]:a]):
            a = joined.pop()[0]
        joined.append((a, b))
    return joined


def _year_of(sentence: str, start: int, end: int) -> tuple[int, int]:
    year = _YEAR.search(sentence, start, end)
    return year.span() if year else (start, end)


def _numbers(sentence: str, unit: frozenset[str]) -> list[tuple[int, int]]:
    spans = []
    for match in _NUMBER_SPANS.finditer(sentence):
        token = _whole_token(sentence, match.start(), match.end())
        if re.fullmatch(r"\d{1,2}/\d{1,2}(/\d{4})?", token) or re.match(r"\d+[-/][^\W\d_]", token):
            continue  # a date or a document code (1327-QĐ/TU), not a count
        spans.append((match.start(), _unit_end(sentence, match.end(), unit)))
    for match in _NUMBER_WORDS.finditer(sentence):
        end = _unit_end(sentence, match.end(), unit)
        if end > match.end():  # "hai đội": a number word only counts with the asked unit
            spans.append((match.start(), end))
    return spans


def _unit_end(sentence: str, end: int, unit: frozenset[str]) -> int:
    """Extend a number over the following words that name the asked unit or a multiplier, and
    over a count paired with it by a slash ("475 lớp/27.714 học viên"). A word of several
    syllables counts when most of them are asked: "9 dân tộc" does not count "dân"."""
    while True:
        paired = re.match(rf"/{_NUMBER}", sentence[end:])
        if paired:
            end += paired.end()
            continue
        following = _syllables_after(sentence, end)
        size = _word_size([w for w, _ in following])
        counted = sum(w in unit or w in _MULTIPLIERS for w, _ in following[:size])
        if not following or 2 * counted <= size:
            return end
        end = following[size - 1][1]


def _syllables_after(sentence: str, end: int) -> list[tuple[str, int]]:
    """The next few lower-cased syllables and where each ends, up to punctuation or a number."""
    found = []
    while len(found) < MAX_WORD_SYLLABLES and (match := _SYLLABLE_AFTER.match(sentence, end)):
        end = match.end()
        found.append((match.group(1).lower(), end))
    return found


def _leading_words(syllables: list[str], at_least: int) -> list[str]:
    """The first whole words holding at least `at_least` syllables ("công trình lịch sử", not
    "công trình lịch")."""
    taken = 0
    while taken < min(at_least, len(syllables)):
        taken += _word_size(syllables[taken:taken + MAX_WORD_SYLLABLES])
    return syllables[:taken]


def _word_size(syllables: list[str]) -> int:
    """How many of the syllables make the first word, by the longest dictionary match."""
    compounds = compound_words()
    return next((n for n in range(len(syllables), 1, -1) if " ".join(syllables[:n]) in compounds), 1)


def _entities(sentence: str) -> list[tuple[int, int]]:
    """Proper-noun phrases, with the words their last syllable begins ("Ban Tuyên giáo Tỉnh ủy",
    "Thị trấn"); a lone capitalised first word of the sentence is not one ("Hầu hết"), nor is a
    Roman numeral ("Đại hội lần thứ XIV")."""
    spans, pos = [], 0
    while match := _ENTITY.search(sentence, pos):
        start, end = match.span()
        while (grown := _complete_word(sentence, end)) > end:
            end = grown
            more = _ENTITY.match(sentence, end + 1) if sentence[end:end + 1] == " " else None
            end = more.end() if more else end
        pos = end
        text = sentence[start:end]
        if (start > 0 or not _one_word(text)) and not _ROMAN.fullmatch(text):
            spans.append((start, end))
    return spans


def _one_word(text: str) -> bool:
    """"Hầu hết", "Một số": capitalised only for opening the sentence."""
    syllables = text.lower().split()
    return _word_size(syllables[:MAX_WORD_SYLLABLES]) == len(syllables)


def _complete_word(sentence: str, end: int) -> int:
    """Where the word that the syllable ending at `end` begins ends ("Tuyên" → "Tuyên giáo")."""
    last = re.search(r"[^\W\d_]+$", sentence[:end])
    following = _syllables_after(sentence, end)
    if not last or not following:
        return end
    size = _word_size([last.group().lower()] + [w for w, _ in following])
    return following[size - 2][1] if size > 1 else end


def _people(sentence: str) -> list[tuple[int, int]]:
    spans = []
    for match in _PERSON.finditer(sentence):
        title = _TITLE.match(sentence, match.end())
        spans.append((match.start(), title.end() if title else match.end()))
    return spans


def _posts(sentence: str, question: str) -> list[tuple[int, int]]:
    """"Đồng chí Lê Chí Công giữ chức vụ gì?": the title after that name ("Lê Chí Công - Phó trưởng …")."""
    titles = [(person, _TITLE.match(sentence, person.end())) for person in _PERSON.finditer(sentence)]
    titles = [(person, title) for person, title in titles if title]
    named = [(p, t) for p, t in titles if p.group().lower() in question.lower()]
    return [(t.start() + len(" - "), t.end()) for _, t in named or titles]


def _holders(sentence: str, question: str) -> list[tuple[int, int]]:
    """"Phó Trưởng Ban Thường trực nào …?": the people whose title is the one asked."""
    asked = re.search(r"((?:[^\W\d_]+ )*[^\W\d_]+) nào\b", question)
    before = asked.group(1).lower().split()[-6:] if asked else []
    titled = [(a, b, sentence[a:b].lower().split(" - ", 1)) for a, b in _people(sentence)]
    for n in range(len(before), 1, -1):  # the longest run of the question's words that a title holds
        post = " ".join(before[-n:])
        found = [(a, b) for a, b, parts in titled if len(parts) == 2 and post in parts[1]]
        if found:
            return found
    return []


def _places(sentence: str) -> list[tuple[int, int]]:
    return [m.span(1) for m in _PLACE.finditer(sentence)]


def _names(sentence: str) -> list[tuple[int, int]]:
    quoted = [m.span() for m in _QUOTED.finditer(sentence)]
    coded = [m.span() for m in _CODE.finditer(sentence)]
    titled = [m.span() for m in _TITLED.finditer(sentence) if not any(a <= m.start() < b for a, b in coded)]
    return quoted + coded + titled


def _whole_token(text: str, start: int, end: int) -> str:
    while end < len(text) and not text[end].isspace() and text[end] not in ",;.)":
        end += 1
    return text[start:end].strip()


def trim_span(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding spaces and a leading space of a place span."""
    while start < end and sentence[start] in " ,":
        start += 1
    while end > start and sentence[end - 1] in " ,":
        end -= 1
    return start, end


_FINDERS = {"date": _dates, "number": _numbers, "person": _people, "place": _places, "name": _names}


_WH = re.compile(
    r"\b(khi nào|lúc nào|bao giờ|bao lâu|bao nhiêu|mấy|(?:những |các )?(?:cái gì|điều gì|việc gì|gì|ai)|đâu|nào)\b",
    re.IGNORECASE
)
_BOUNDARY = re.compile(r"[,;:.!?()“”\"]")
_BOUNDARY_STRONG = re.compile(r"[;:.!?()“”\"]")
MAX_SLOT_WORDS = 12


def aligned_span(question: str, sentence: str) -> tuple[int, int] | None:
    """Vietnamese keeps the question word in place ("X có bao nhiêu Y" / "X có 3.517 Y"):
    match the question's words on each side of it in the sentence; the gap is the answer.
    With one side matched, the answer runs to the clause boundary on the other side."""
    wh = _WH.search(question)
    if wh is None or _REASON.search(question):
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
    options = []
    for p, ls in (x for x in lefts if x[1]):
        end = next(i for i in range(p + 1, len(low) + 1) if cut[i] or i - p >= MAX_SLOT_WORDS)
        options.append((ls, p - end, p, end))
        # between the two anchors the answer may hold commas: "ứng dụng công nghệ thông tin, chuyển đổi số trong"
        options += [(ls + rs + 0.5, p - r, p, r) for r, rs in rights if rs and p < r <= p + MAX_SLOT_WORDS
                    and not _BOUNDARY_STRONG.search(sentence[s_words[p][0]:s_words[r - 1][1]])]
    for r, rs in (x for x in rights if x[1]):
        start = next(i for i in range(r - 1, -1, -1) if cut[i] or r - i >= MAX_SLOT_WORDS)
        if start < r:
            options.append((rs, start - r, start, r))
    if not options:
        return None
    _, _, p, r = max(options)
    return s_words[p][0], s_words[r - 1][1]


def _anchor(matched: int, context: list[str]) -> int:
    """A one-word match of a longer context is too weak to anchor on ("đảng" of "đảng viên")."""
    return matched if matched >= 2 or matched == len(context) else 0


def asks_for_a_phrase(question: str) -> bool:
    """A what/which/who question, not a why/how one that the whole sentence answers."""
    return bool(_WH.search(question)) and not _REASON.search(question)


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

