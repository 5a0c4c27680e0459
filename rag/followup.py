"""Follow-up questions made standalone against the conversation so far, by rules over its words.

"Còn Bắc Quang thì sao?" after "Phong Thổ có bao nhiêu đảng viên?" is searched as "Bắc Quang có
bao nhiêu đảng viên?": an elliptical fragment takes the previous question's frame with the
matching part swapped. An anaphor ("ông ấy", "huyện này", "hội nghị đó", "bài này") is replaced by
what it points to in the previous answer or question. A question without a subject of its own
("Ai chủ trì?", "Tổng cộng bao nhiêu học viên?") is read in the previous answer's article. A
question that stands alone is asked as it is, whatever came before.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from . import diacritics
from .reader.spans import (CAPITALISED as _CAP, CODED_DOCUMENT, PERSON, PLACE_LEVELS, SENTENCE_OPENERS,
                           proper_names)
from .text import words
from .types import Document, Turn

MAX_TURNS = 20
TITLE_WORDS = 10  # an article named in a resolved question: its title, shortened at a word
_QUESTION_WORD = re.compile(r"\b(bao nhiêu|mấy|ai|gì|nào|đâu|khi nào|bao giờ|bao lâu|sao)\b", re.IGNORECASE)
_ASKING_TAIL = re.compile(r"\bthì sao\b|\bra sao\b|\bthế nào\b", re.IGNORECASE)
# The follow-up's frame is matched without accents (diacritics.remove): a question typed without
# them gets its accents back first, and "the con" may come back as "thể còn".
_FRAGMENT = re.compile(
    r"^(?:(?:the|vay|va|con)(?: con)?(?: ve| voi| o| tai)? )?(?P<part>.+?)"
    r"(?: (?:thi sao|thi the nao|thi ra sao|thi sao nhi|thi|nua|nhi|the nao|ra sao|thi nhu the nao))?$",
    re.IGNORECASE,
)
_STARTS_AS_FOLLOW_UP = re.compile(r"^(?:the con|vay con|con|the|vay)\b|\bthi sao\b", re.IGNORECASE)
_NOW = re.compile(r"^(?:đến nay|hiện nay|hiện tại|bây giờ|năm nay|gần đây|đến thời điểm này)$", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:năm )?((?:19|20)\d\d)\b", re.IGNORECASE)
_ASKED = re.compile(r"\b(?:bao nhiêu|mấy)\b", re.IGNORECASE)
# Where a noun phrase of a question ends: a verb, a question word, punctuation.
_PHRASE_END = re.compile(
    r"[;:?.!()]|\b(?:là|có|được|đã|do|của|diễn ra|tổ chức|chủ trì|vào|tại|ở|trong|với|khi|bao nhiêu|mấy"
    r"|ai|gì|nào|đâu|không|thì|nhằm|để|cho)\b",
    re.IGNORECASE,
)
_PERSON_ANAPHOR = re.compile(r"\b(ông|bà|anh|chị|đồng chí|người|vị)\s+(?:ấy|đó|này|ta)\b", re.IGNORECASE)
_PLACE_ANAPHOR = re.compile(rf"\b({PLACE_LEVELS}|địa phương|nơi)\s+(?:này|đó|ấy|trên)\b|\b(ở|tại)\s+(?:đó|đây|đấy)\b",
                            re.IGNORECASE)
_THING_ANAPHOR = re.compile(
    r"\b(hội nghị|đại hội|hội thảo|đề án|nghị quyết|chương trình|kế hoạch|phong trào|cuộc thi|lớp|văn bản"
    r"|quyết định|kết luận|chỉ thị|sự kiện|cơ quan|đơn vị|tổ chức|mô hình|công trình|giải thưởng|tham luận"
    r"|báo cáo|bài phát biểu|cuộc họp|buổi lễ|lễ)"
    r"\s+(?:này|đó|ấy|trên)\b",
    re.IGNORECASE,
)
_THING = re.compile(_THING_ANAPHOR.pattern.split(r"\s+(?:")[0], re.IGNORECASE)
_ARTICLE_ANAPHOR = re.compile(r"\b(?:bài viết|bài báo|bài|tin)\s+(?:này|đó|ấy|trên)\b|\b(?:nó|việc đó|điều đó)\b",
                              re.IGNORECASE)
_NAMED_ANAPHOR = re.compile(rf"((?:{_CAP})(?: {_CAP})*) (?:đó|này|ấy)\b")
_LEVEL_BEFORE = re.compile(rf"\b({PLACE_LEVELS})\s+$", re.IGNORECASE)
# Words that say nothing of a question's subject: question words, particles, "tổng cộng".
_EMPTY = set(
    "bao nhiêu mấy ai gì nào đâu khi lúc giờ là có của được những các và trong đã bởi với cho về này đó "
    "thì mà không hỏi nêu hãy biết sao như thế vậy ra chưa hay hoặc người cái việc điều tổng cộng tất cả "
    "còn nữa nhỉ ạ ấy đấy bây hiện nay tên gì ngày tháng năm".split()  # "ngày nào": a date is asked, no subject
)
FRAGMENT_WORDS = 12  # "Còn chuyên đề học tập và làm theo lời Bác dặn?": a named thing may be long
SUBJECTLESS_WORDS = 2  # at most this many content syllables, and no name nor number


@dataclass(frozen=True)
class Resolution:
    question: str  # the standalone question
    doc_id: str | None = None  # the article it is about, when it says so ("bài này", "Ai chủ trì?")


@dataclass(frozen=True)
class _Context:
    question: str  # the previous turn, resolved
    answer: str | None
    doc_id: str | None


def resolve(question: str, history: Sequence[Turn], documents: Mapping[str, Document] | None = None,
            restore: Callable[[str], str] = lambda q: q) -> Resolution:
    """The question as it is meant after `history` (oldest first); `restore` puts back the accents
    of an earlier question typed without them."""
    documents = documents or {}
    context = None
    for turn in history[-MAX_TURNS:]:
        earlier = _resolve_one(restore(turn.question), context, documents)
        doc_id = turn.doc_id if turn.doc_id in documents or not documents else None
        context = _Context(earlier.question, turn.answer, doc_id)
    return _resolve_one(question, context, documents) if context else Resolution(question)


def _resolve_one(question: str, context: _Context | None, documents: Mapping[str, Document]) -> Resolution:
    if context is None:
        return Resolution(question)
    part = fragment(question)
    if part:
        return Resolution(swap(context.question, part))
    replaced, about_article = _replace_anaphors(question, context, documents)
    if replaced != question or about_article:
        return Resolution(replaced, context.doc_id if about_article else None)
    article = documents.get(context.doc_id or "")
    if lacks_subject(question, article.text if article else None):
        return Resolution(_with_subject(question, context.question), context.doc_id)
    return Resolution(question)


def fragment(question: str) -> str | None:
    """What an elliptical follow-up names ("Bắc Quang" of "Còn Bắc Quang thì sao?"), or None when
    the question is a question of its own."""
    text = question.strip().rstrip("?!. …").strip()
    plain = diacritics.remove(text)  # the same length: "the con Quang Tri" restored as "thể còn …" still counts
    if not _STARTS_AS_FOLLOW_UP.search(plain) or _QUESTION_WORD.search(_ASKING_TAIL.sub("", text)):
        return None
    match = _FRAGMENT.match(plain)
    part = text[match.start("part"):match.end("part")].strip(" ,")
    part = re.sub(r"\s*\bnăm (?:đó|này|ấy)$", "", part)  # "… năm đó": the frame has the year
    return part if part and len(part.split()) <= FRAGMENT_WORDS else None


def swap(frame: str, part: str) -> str:
    """The previous question with `part` in the place of what it replaces: a year for a year, a
    name for a name (of the same level: huyện for huyện), a counted thing for the counted thing."""
    year = _YEAR.fullmatch(part)
    if year:
        return _swap_year(frame, f"năm {year.group(1)}")
    if _NOW.match(part):
        return _swap_year(frame, part.lower())
    name = proper_names(part)
    if name and not (name[0][0] > 0 and not proper_names(frame) and _first_word_in(frame, part)):
        return _swap_name(frame, part, name[0])
    return _swap_phrase(frame, part)  # "chuyên đề … lời Bác dặn" for "chuyên đề phòng, chống tham nhũng"


def _first_word_in(frame: str, part: str) -> re.Match | None:
    """Where the frame has the part's first word ("chuyên" of "chuyên đề …")."""
    return re.search(rf"\b{re.escape(part.split()[0])}\b", frame, re.IGNORECASE)


def _swap_year(frame: str, when: str) -> str:
    """"năm 2023" or "hiện nay" in the place of the frame's year, or before the frame."""
    found = _YEAR.search(frame)
    if not found:
        return f"{_capitalise(when)}, {_lower_first(frame)}"
    replaced = frame[:found.start()] + when + frame[found.end():]
    return _capitalise(replaced) if found.start() == 0 else replaced


def _swap_name(frame: str, part: str, name: tuple[int, int]) -> str:
    new_name = part[name[0]:name[1]]
    new_level = _level_before(part, name[0])
    targets = proper_names(frame)
    if not targets:
        return f"{part}: {_lower_first(frame)}"
    is_person = bool(PERSON.fullmatch(new_name))
    same_level = [t for t in targets if new_level and _level_before(frame, t[0]) == new_level]
    same_kind = [t for t in targets if bool(PERSON.fullmatch(frame[t[0]:t[1]])) == is_person]
    start, end = (same_level or same_kind or targets)[0]
    old_level = _level_before(frame, start)
    if part[:name[0]].strip():  # "toàn tỉnh Lai Châu", "huyện Bắc Quang": as typed, for the old name and its level
        start -= len(old_level) + 1 if old_level else 0
        new_name = part[:name[1]].strip()
    return _capitalise(frame[:start] + new_name + frame[end:])


def _swap_phrase(frame: str, part: str) -> str:
    """"Thế còn nhà văn hóa thôn?" in "… bao nhiêu nhà văn hóa xã?": from the first word the two
    share to the end of the phrase; the whole counted phrase if they share none."""
    part = re.sub(r"^(?:số|số lượng|những|các)\s+", "", part, flags=re.IGNORECASE)
    first = part.split()[0].lower()
    found = _first_word_in(frame, part)
    if found:
        start = found.start()
    else:
        asked = _ASKED.search(frame)
        if not asked:
            return f"{_capitalise(part)} ({', '.join(_subject(frame))})?" if _subject(frame) else frame
        start = asked.end() + 1
    stop = _PHRASE_END.search(frame, start + len(first))
    end = stop.start() if stop else len(frame)
    return f"{frame[:start]}{part} {frame[end:].lstrip()}".replace(" ?", "?").strip()


def _replace_anaphors(question: str, context: _Context, documents: Mapping[str, Document]) -> tuple[str, bool]:
    """The question with each anaphor replaced by what it points to, and whether it is about the
    previous answer's article ("bài này", or an anaphor with nothing in the conversation to name)."""
    sources = [s for s in (context.answer, context.question) if s]
    article = documents.get(context.doc_id or "")  # the previous answer's
    about_article = False

    def person(match: re.Match) -> str:
        name = next((m.group() for s in sources for m in PERSON.finditer(s)), None)
        if not name:
            return match.group()
        # As the article calls the person: "ông ấy" → "đồng chí Lê Đức Dục" where it writes that.
        called = re.search(rf"\b(đồng chí|ông|bà) {re.escape(name)}", article.text, re.IGNORECASE) if article else None
        title = called.group(1).lower() if called else match.group(1)
        text = f"{title} {name}" if called or title.lower() == "đồng chí" else name
        return text if match.start() else _capitalise(text)

    def place(match: re.Match) -> str:
        level = (match.group(1) or "").lower()
        name = _place_in(sources, level if level in PLACE_LEVELS.split("|") else None)
        if not name:
            nonlocal about_article
            about_article = True  # nothing names it: read it in the previous answer's article
            return match.group()
        if match.group(2):
            return f"{match.group(2)} {name}"
        return f"{match.group(1)} {name}" if level in PLACE_LEVELS.split("|") else name

    def thing(match: re.Match) -> str:
        noun = match.group(1)
        named_in = sources + ([article.title] if article else [])  # "Hội nghị sơ kết …" of the title
        phrase = next((p for s in named_in if (p := _phrase_from(s, noun))), None)
        if phrase:
            return phrase if match.start() else _capitalise(phrase)
        nonlocal about_article
        about_article = True
        return match.group()

    def the_article(match: re.Match) -> str:
        nonlocal about_article
        about_article = True
        if not article or not match.group().lower().startswith(("bài", "tin")):
            return match.group()
        shown = f"bài “{_short_title(article.title)}”"
        return shown if match.start() else _capitalise(shown)

    def named(match: re.Match) -> str:  # "Sin Suối Hồ đó": the name says it all
        first = match.group(1).split()[0].lower()
        return match.group() if first in SENTENCE_OPENERS or _THING.match(match.group(1)) else match.group(1)

    replaced = _PERSON_ANAPHOR.sub(person, question)
    replaced = _PLACE_ANAPHOR.sub(place, replaced)
    replaced = _THING_ANAPHOR.sub(thing, replaced)
    replaced = _ARTICLE_ANAPHOR.sub(the_article, replaced)
    replaced = _NAMED_ANAPHOR.sub(named, replaced)
    return replaced, about_article and context.doc_id is not None


def lacks_subject(question: str, article: str | None = None) -> bool:
    """"Ai chủ trì?", "Tổng cộng bao nhiêu học viên?": no name, no number, at most two syllables of
    content — or three, all of them words of the previous answer's article ("ban hành ngày nào?"),
    where "Giá vàng hôm nay là bao nhiêu?" is a question of its own."""
    if proper_names(question) or re.search(r"\d", question):
        return False
    content = [w for w in words(question) if w not in _EMPTY]
    if len(content) <= SUBJECTLESS_WORDS:
        return True
    return article is not None and len(content) <= SUBJECTLESS_WORDS + 1 and set(content) <= set(words(article))


def _with_subject(question: str, previous: str) -> str:
    """"Tổng cộng bao nhiêu học viên?" after "Quảng Trị mở bao nhiêu lớp …?" → "Quảng Trị mở tổng
    cộng bao nhiêu học viên …?"; other questions get the previous one's names in brackets."""
    asked, before = _ASKED.search(previous), _ASKED.search(question)
    if asked and before:
        statement = re.sub(r"\s*\b(?:là )?(?:bao nhiêu|mấy)\b", "", previous.rstrip(" ?"), count=1, flags=re.IGNORECASE)
        return f"{statement}, {_lower_first(question)}"
    subject = [s for s in _subject(previous) if s.lower() not in question.lower()]
    return f"{question.rstrip(' ?')} ({', '.join(subject)})?" if subject else question


def _subject(question: str) -> list[str]:
    """The names (with their level: "huyện Phong Thổ") and years a question is about."""
    found = []
    for start, end in proper_names(question):
        level = _level_before(question, start)
        found.append(f"{level} {question[start:end]}" if level else question[start:end])
    found += [m.group() for m in CODED_DOCUMENT.finditer(question)]  # "Chỉ thị 05-CT/TW"
    found += [f"năm {m.group(1)}" for m in _YEAR.finditer(question)]
    found += [p for m in _THING.finditer(question) if (p := _phrase_from(question[m.start():], m.group()))]
    # Once each, and not a part of another: "CT/TW" of "Chỉ thị 05-CT/TW".
    found = list(dict.fromkeys(found))
    return [s for s in found if not any(s != other and s in other for other in found)]


def _level_before(text: str, start: int) -> str | None:
    found = _LEVEL_BEFORE.search(text[:start])
    return found.group(1).lower() if found else None


def _place_in(sources: list[str], level: str | None) -> str | None:
    """The conversation's place at that level ("huyện Phong Thổ" for "huyện này"), the answer first;
    for "ở đó" any name of two syllables or more that is not a person's."""
    for source in sources:
        for start, end in proper_names(source):
            named = _level_before(source, start)
            if named and (level is None or named == level):
                return source[start:end]
    if level:
        return None
    for source in sources:
        for start, end in proper_names(source):
            if len(source[start:end].split()) > 1 and not PERSON.fullmatch(source[start:end]):
                return source[start:end]
    return None


def _phrase_from(text: str, noun: str) -> str | None:
    """"hội nghị sơ kết công tác tuyên giáo" from a question naming it."""
    found = re.search(rf"\b{re.escape(noun)}\b(?!\s+(?:này|đó|ấy|trên)\b)", text, re.IGNORECASE)
    if not found:
        return None
    stop = _PHRASE_END.search(text, found.end())
    phrase = text[found.start():stop.start() if stop else len(text)].strip()
    return phrase if len(phrase) > len(noun) else None


def _short_title(title: str) -> str:
    shown = title.split()
    return " ".join(shown[:TITLE_WORDS]) + ("…" if len(shown) > TITLE_WORDS else "")


def _lower_first(text: str) -> str:
    """"Tổng cộng …" → "tổng cộng …", but "Bắc Quang …" stays."""
    starts_a_name = any(start == 0 for start, _ in proper_names(text))
    return text if not text or starts_a_name else text[0].lower() + text[1:]


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
