"""Answer spans: where in a sentence the kind of fact a question asks for stands — numbers with
their unit, dates, people with their posts, places, named documents, proper nouns.

Each finder returns (start, end) spans inside the sentence; the answerer picks the span
nearest to the words the sentence shares with the question.
"""
from __future__ import annotations

import re

from .questions import ORDINAL_ASKED, asked_date_part, asked_noun, asked_unit
from ..text import syllables_after, word_size, words

# Upper-case Latin letters with Vietnamese diacritics ("À-Ỹ" as a range would take lower case too).
_UP = re.escape("".join(c for c in map(chr, range(0x41, 0x1EFA)) if c.isupper()))
CAPITALISED = rf"[{_UP}][^\s,.;:()“”\"]*"
_NUMBER = r"\d+(?:[.,]\d+)*(?:\s?[-–]\s?\d+(?:[.,]\d+)*)?(?:\s?%)?"
_DATE_SPANS = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{1,2}/\d{1,2}\b(?!/)|\bngày \d{1,2} tháng \d{1,2}(?: năm \d{4})?"
    r"|\btháng \d{1,2}(?:/\d{4}| năm \d{4})?|\b(?:những năm|thập niên|thập kỷ) \d{4}\b"
    r"|\bthế kỷ (?:\d{1,2}|[IVX]+)\b|\bnăm (?:1\d|20)\d\d\b|\b(?:1[89]|20)\d\d\b",
    re.IGNORECASE,
)
_YEAR_ALONE = re.compile(r"(?:1[89]|20)\d\d")
_DAY = re.compile(r"\d/\d|ngày \d", re.IGNORECASE)
_YEAR = re.compile(r"(?:năm )?\b(?:1\d|20)\d\d\b", re.IGNORECASE)
NAMING_WORDS = 20  # "Hội nghị sơ kết …": the words of an event's full name
_DATE_GAP = re.compile(r"\s+(?:và|đến|tới)\s+", re.IGNORECASE)  # not "-": "1930 - 2023" is an anniversary
_NUMBER_SPANS = re.compile(rf"(?:(?:hơn|trên|gần|khoảng|tổng số|tổng cộng) )?{_NUMBER}", re.IGNORECASE)
_MULTIPLIERS = {"nghìn", "ngàn", "triệu", "tỷ", "tỉ", "vạn", "trăm", "chục"}
_NUMBER_WORDS = re.compile(r"\b(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\b", re.IGNORECASE)
ENTITY = re.compile(rf"{CAPITALISED}(?: (?:{CAPITALISED}|\d+))*")
_ROMAN = re.compile(r"[IVXLCDM]+")
_SURNAMES = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đinh Lâm Trịnh"
    " Mai Trương Lương Tạ Hà Cao Tô Quách Chu Thái Tăng Kiều Lò Tòng Sùng Giàng Vàng Lù Đoàn"
    " Văn Triệu Thân Nông Lưu Khổng Hứa La Mạc Vi Quàng Hầu"
).split()
_INSTITUTIONS = set(
    "ban bộ sở hội đảng mặt ủy uỷ tỉnh huyện thành trung trường viện cục phòng ngành nghị chỉ quyết kế"
    " chương đại ngày tháng".split()
)  # first words of organisations, bodies, documents and dates
PERSON = re.compile(rf"\b(?:{'|'.join(_SURNAMES)})(?: {CAPITALISED}){{1,3}}")
_TITLE = re.compile(
    rf" - [^;.:()]+?(?=, (?:{CAPITALISED} ){{1,3}}- |[;.:(]| (?:đã|đồng chủ trì|chủ trì|phát biểu|trao|cho|và đồng chí)\b|$)"
)
PLACE_LEVELS = "xã|huyện|tỉnh|thành phố|thị trấn|thị xã|bản|thôn|phường"
_PLACED = re.compile(rf" (?:{PLACE_LEVELS}) {CAPITALISED}(?: {CAPITALISED})*")
_PLACE = re.compile(rf"\b({PLACE_LEVELS}|tại|ở):? ({CAPITALISED}(?: {CAPITALISED})*)")
_TOWARD = re.compile(r"\b(về|đến|tới|vào|ra|từ) (?:đâu|nơi nào)\b", re.IGNORECASE)
_QUOTED = re.compile(r"[“\"]([^”\"]{3,300})[”\"]")
_DOCUMENT = r"\b(?:Quyết định|Kế hoạch|Kết luận|Nghị quyết|Nghị định|Chỉ thị|Thông tư|Thông báo|Công văn|Luật|Pháp lệnh|Đề án|Quy định|Hướng dẫn)"
_NAMED_BY_NUMBER = re.compile(rf"{_DOCUMENT}(?: số)? $", re.IGNORECASE)
CODED_DOCUMENT = re.compile(rf"{_DOCUMENT}(?: số)? \d+[-/][\wĐđ/-]+")
# "Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XVII": a document named by what issued it, to the comma
_TITLED = re.compile(rf"{_DOCUMENT} [{_UP}](?:(?! (?:năm|ngày|tháng) \d)[^,;:.()“”\"]){{0,80}}")


def candidate_spans(kind: str, sentence: str, question: str = "") -> list[tuple[int, int]]:
    """Spans of the asked type in the sentence; person, name and entity fall back to proper nouns."""
    ordinal = ORDINAL_ASKED.search(question) if kind in ("number", "entity", "name") else None
    if ordinal:  # "lần thứ mấy" → "lần thứ XVII"; "những khóa nào" → "khóa XI và XII"
        spans = _ordinals(sentence, ordinal.group(1) or ordinal.group(2))
        if spans:
            return spans
    if kind == "number":
        return _numbers(sentence, asked_unit(question))
    if kind == "date":
        return _dates(sentence, asked_date_part(question))
    if kind == "name":
        return _of_the_asked_kind(sentence, _names(sentence), question) or _entities(sentence)
    if kind == "post":
        return _posts(sentence, question)
    if kind == "entity":
        return _holders(sentence, question) or _of_the_asked_kind(sentence, _names(sentence) + _entities(sentence), question)
    if kind == "person":
        return _people(sentence) or _people_without_a_vietnamese_name(sentence)
    if kind == "place":
        return _places(sentence, question)
    return []


def _people_without_a_vietnamese_name(sentence: str) -> list[tuple[int, int]]:
    """Proper nouns, less the ones that are no person: "Ngày 18", "Ban Tuyên giáo", a title."""
    spans = [_without_titles(sentence, a, b) for a, b in _entities(sentence)
             if not any(c.isdigit() for c in sentence[a:b]) and sentence[a:b].split()[0].lower() not in _INSTITUTIONS]
    return [(a, b) for a, b in spans if a < b]


def _of_the_asked_kind(sentence: str, spans: list[tuple[int, int]], question: str) -> list[tuple[int, int]]:
    """"Chỉ thị nào": the spans that are a chỉ thị, when some are."""
    noun = asked_noun(question)
    kind = [span for span in spans if noun and framed_by(sentence, span, noun)]
    return kind or spans


def framed_by(sentence: str, span: tuple[int, int], noun: str) -> bool:
    """Is the span of the kind a "which X" question names? X stands among the two words before
    it (less a "là") or inside it ("thị trấn Việt Quang", "Bệnh viện Đa khoa", "Lai Châu “Tiên phong …”"), or
    the last syllable of X opens it ("Sông Tyne" for "con sông"). "Pons Aelius" is no sông, and
    "Chính phủ định" no "nghị định"."""
    start, end = span
    asked, before, inside = noun.split(), words(sentence[:start]), words(sentence[start:end])
    before = (before[:-1] if before[-1:] == ["là"] else before)[-2:]
    near = before + inside
    if any(near[i:i + len(asked)] == asked for i in range(len(near))):
        return True
    return len(asked) > 1 and asked[-1] in before[-1:] + inside[:1]


def _without_titles(sentence: str, start: int, end: int) -> tuple[int, int]:
    """"Giải thưởng Viện hàn lâm Lady Gaga" → "Lady Gaga": a person's name is no dictionary word."""
    while start < end:
        syllables = sentence[start:end].lower().split()
        size = word_size(syllables)
        if size < 2:
            break
        start += len(" ".join(sentence[start:end].split()[:size]))
        start = end if start >= end else start + 1
    return start, end


def join_list(sentence: str, spans: list[tuple[int, int]], best: tuple[int, int],
              words_between: int = 3) -> tuple[int, int]:
    """The best span grown over its neighbours in the same list ("Hùng An, Quang Minh, Tân Lập và
    Tân Thành"; "Đảng bộ xã Huổi Luông, Đảng bộ xã Sin Suối Hồ và Đảng bộ xã Mường So"): items are
    joined by a comma or "và" and at most `words_between` lower-case words ("Đảng bộ xã")."""
    gap = re.compile(rf"\s*(?:,\s*(?:và\s+)?|và\s+)(?:[^\W\d_]+\s+){{0,{words_between}}}", re.IGNORECASE)
    start, end = best
    for a, b in sorted(spans):
        if a >= end and gap.fullmatch(sentence[end:a]):
            end = b
    for a, b in sorted(spans, reverse=True):
        if b <= start and gap.fullmatch(sentence[b:start]):
            start = a
    return start, end


def names_a_person(sentence: str) -> bool:
    """A Vietnamese full name ("Lê Đức Dục"), not just any proper noun."""
    return bool(PERSON.search(sentence))


def is_bare_year(text: str, span: tuple[int, int]) -> bool:
    """"năm 2025" is when, not how many."""
    return bool(_YEAR_ALONE.fullmatch(text[span[0]:span[1]])) and text[:span[0]].rstrip().lower().endswith("năm")


def names_a_day(text: str) -> bool:
    """"28/8/2013", "ngày 5": a date that names its day, as "ngày nào" asks."""
    return bool(_DAY.search(text))


def names_unit(unit: frozenset[str], text: str) -> bool:
    """Does the text name what was counted (the words given: usually the asked head)?"""
    return bool(unit & set(words(text))) or ("%" in unit and "%" in text)


def _ordinals(sentence: str, head: str) -> list[tuple[int, int]]:
    roman = r"(?-i:[IVXLC]+)\b"
    numeral = rf"(?:{roman}|\d+\b)" if head.lower().endswith("thứ") else roman
    pattern = rf"\b{re.escape(head)}(?: thứ)? {numeral}(?:(?:,| và) {numeral})*"
    return [m.span() for m in re.finditer(pattern, sentence, re.IGNORECASE)]


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
        if (re.fullmatch(r"\d{1,2}/\d{1,2}(/\d{4})?", token) or re.match(r"\d+[-/][^\W\d_]", token)
                or _NAMED_BY_NUMBER.search(sentence, 0, match.start())):
            continue  # a date, a document code (1327-QĐ/TU) or a document's number ("Đề án 1327"), not a count
        spans.append((match.start(), _unit_end(sentence, match.end(), unit)))
    for match in _NUMBER_WORDS.finditer(sentence):
        end = _unit_end(sentence, match.end(), unit)
        if end > match.end():  # "hai đội": a number word only counts with the asked unit
            spans.append((match.start(), end))
    return spans


def _unit_end(sentence: str, end: int, unit: frozenset[str]) -> int:
    """Extend a number over the following words that name the asked unit or a multiplier, and
    over a count paired with it by a slash when that count is asked too ("475 lớp/27.714 học viên"
    for "bao nhiêu lớp, bao nhiêu học viên"; "112 lớp" alone for "bao nhiêu lớp"). A word of several
    syllables counts when most of them are asked: "9 dân tộc" does not count "dân"."""
    while True:
        paired = re.match(rf"/{_NUMBER}", sentence[end:])
        if paired:
            then = syllables_after(sentence, end + paired.end())
            if unit and not (then and then[0][0] in unit):
                return end
            end += paired.end()
            continue
        following = syllables_after(sentence, end)
        size = word_size([w for w, _ in following])
        counted = sum(w in unit or w in _MULTIPLIERS for w, _ in following[:size])
        if not following or 2 * counted <= size:
            return end
        end = following[size - 1][1]


def _entities(sentence: str) -> list[tuple[int, int]]:
    """Proper-noun phrases, with the words their last syllable begins ("Ban Tuyên giáo Tỉnh ủy",
    "Thị trấn") and the place they are of ("Đảng bộ xã Mường So"); a lone capitalised first word of the sentence is not one ("Hầu hết"), nor is a
    Roman numeral ("Đại hội lần thứ XIV")."""
    spans, pos = [], 0
    while match := ENTITY.search(sentence, pos):
        start, end = match.span()
        while (grown := complete_word(sentence, start, end)) > end:
            end = grown
            more = ENTITY.match(sentence, end + 1) if sentence[end:end + 1] == " " else None
            end = more.end() if more else end
        if placed := _PLACED.match(sentence, end):  # "Đảng bộ" + "xã Huổi Luông": one body
            end = placed.end()
        pos = end
        text = sentence[start:end]
        if (start > 0 or not _one_word(text)) and not _ROMAN.fullmatch(text):
            spans.append((start, end))
    return spans


def _one_word(text: str) -> bool:
    """"Hầu hết", "Một số": capitalised only for opening the sentence."""
    syllables = text.lower().split()
    return word_size(syllables) == len(syllables)


def complete_word(sentence: str, start: int, end: int) -> int:
    """Where the word that the last syllable of sentence[start:end] begins ends ("Tuyên" → "Tuyên giáo")."""
    first = end
    while first > start and sentence[first - 1].isalpha():
        first -= 1
    last = sentence[first:end].lower()
    following = syllables_after(sentence, end) if last else []
    if not following:
        return end
    size = word_size([last] + [w for w, _ in following])
    return following[size - 2][1] if size > 1 else end


def _people(sentence: str) -> list[tuple[int, int]]:
    spans = []
    for match in PERSON.finditer(sentence):
        title = _TITLE.match(sentence, match.end())
        spans.append((match.start(), title.end() if title else match.end()))
    return spans


def _posts(sentence: str, question: str) -> list[tuple[int, int]]:
    """"Đồng chí Lê Chí Công giữ chức vụ gì?": the title after that name ("Lê Chí Công - Phó trưởng …")."""
    titles = [(person, _TITLE.match(sentence, person.end())) for person in PERSON.finditer(sentence)]
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


def _places(sentence: str, question: str = "") -> list[tuple[int, int]]:
    """Names after a place word; for "tỉnh nào" only the ones after "tỉnh" (a xã is no answer);
    for "nộp về đâu" the name after "về" ("nộp về Ban Tuyên giáo Huyện ủy"), if there is one."""
    toward = _TOWARD.search(question)
    if toward:
        after = [(a, b) for a, b in _entities(sentence) if sentence[:a].lower().endswith(f"{toward.group(1).lower()} ")]
        if after:
            return after
    level = re.search(rf"\b({PLACE_LEVELS}) nào\b", question, re.IGNORECASE)
    return [m.span(2) for m in _PLACE.finditer(sentence) if not level or m.group(1) == level.group(1).lower()]


def _names(sentence: str) -> list[tuple[int, int]]:
    quoted = [m.span() for m in _QUOTED.finditer(sentence)]
    coded = [m.span() for m in CODED_DOCUMENT.finditer(sentence)]
    titled = [m.span() for m in _TITLED.finditer(sentence) if not any(a <= m.start() < b for a, b in coded)]
    return quoted + coded + titled


def _whole_token(text: str, start: int, end: int) -> str:
    while end < len(text) and not text[end].isspace() and text[end] not in ",;.)":
        end += 1
    return text[start:end].strip()


def full_naming(text: str, noun: str) -> tuple[int, int] | None:
    """Where the text names its "Hội nghị" in full: the capitalised noun and the words after it,
    to the end of the clause ("Hội nghị sơ kết công tác tuyên giáo giữa nhiệm kỳ …"); None where
    it only calls it by the noun ("đồng chủ trì Hội nghị.")."""
    named = re.compile(rf"\b{re.escape(noun[:1].upper() + noun[1:])}((?: [^\s,;:.()“”\"]+){{2,{NAMING_WORDS}}})")
    for match in named.finditer(text):
        first = match.group(1).split()[0]
        if first[:1].islower() and first not in ("này", "đó", "ấy", "trên", "được", "là", "và"):
            return match.span()
    return None


def trim_span(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding spaces and a leading space of a place span."""
    while start < end and sentence[start] in " ,":
        start += 1
    while end > start and sentence[end - 1] in " ,":
        end -= 1
    return start, end


def proper_names(text: str) -> list[tuple[int, int]]:
    """Proper nouns, not a sentence's capitalised first word ("Còn", "Ai", the "Huyện" of "Huyện
    Phong Thổ")."""
    spans = []
    for match in ENTITY.finditer(text):
        start, end = match.span()
        if not text[:start].strip(" “\"(") or text[:start].rstrip().endswith((".", "?", ":", "!")):
            first, _, rest = match.group().partition(" ")
            if not rest:
                continue
            if first.lower() in SENTENCE_OPENERS:
                start += len(first) + 1
        name = text[start:end]
        stripped = re.sub(r"^(?:\d+\S* )+|(?: \d+\S*)+$", "", name)  # "Năm 2013 Phong Thổ", "Khóa 12"
        start += name.find(stripped)
        end = start + len(stripped)
        if stripped and not _ROMAN.fullmatch(stripped) and not stripped[0].isdigit():
            spans.append((start, end))
    return spans


SENTENCE_OPENERS = set(
    "bao nhiêu mấy ai gì nào đâu khi lúc là có của được những các và trong đã với cho về này đó thì mà không "
    "hỏi nêu hãy biết sao như thế vậy ra hay hoặc người cái việc điều tổng cộng tất cả còn tại ở theo sau từ "
    "năm ngày tháng đồng chí ông bà anh chị".split()) | set(PLACE_LEVELS.split("|"))
