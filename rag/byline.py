"""Bylines of Vietnamese press articles: who wrote an article and which outlet it is credited to.

An article ends with its reporter ("Nhật Linh", "H.Long", "Hương Giang - Trường Thịnh"), the outlet it
was taken from ("Theo Reuters", "Nguồn: TTXVN"), or both, on one line or two: "Nhật Linh" over "Theo
Reuters", or "Theo D.Anh" (the reporter of a republished story) over its paper "VietnamNet". Scraped
text often glues the two lines into one ("Nhật LinhTheo Reuters", "Theo D.AnhVietnamNet"); no Vietnamese
word has a capital after a small letter, so such a join is cut where a personal name ends. Photo, video
and design credits ("Ảnh: NVCC"), "Tổng hợp" and footnotes are read past.
"""
from __future__ import annotations

import re

AUTHOR, SOURCE, OUTLET, PHRASE, CREDIT = "author", "source", "outlet", "phrase", "credit"
_VOWEL = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
# One written Vietnamese syllable: onset, one to three vowels, final; foreign words ("Reuters") fail it.
_SYLLABLE = re.compile(
    rf"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[{_VOWEL}]{{1,3}}(?:ng|nh|ch|[cmnpt])?")
_INITIALS = re.compile(r"[A-ZĐ]{1,2}\.?")  # "H." of "H.Long", "KM"
_TITLE = re.compile(r"^(?:(?:P?GS|TS|ThS|BS|KS|LS|DS|NB|NSND|NSƯT)(?:\s?CK\s?(?:II|I|1|2))?\.?\s*)+(?=\S)")
_ROLE = re.compile(r"(?:nhóm )?(?:pv|p\.v|ctv|btv|phóng viên|cộng tác viên|biên tập viên)", re.IGNORECASE)
_NAME_SEPARATOR = re.compile(r"\s*[-–,&]\s*|\s+và\s+")  # co-authors: "Đức Văn - Thái Bá", "Vân Thiêng, Đặng Thùy"
_AUTHOR_LABEL = re.compile(
    r"^(?:tác giả|bài viết|bài|tin|thực hiện|(?:tin|bài)\s*(?:,|và|&)\s*ảnh)\s*:\s*(?P<value>.{2,60})$", re.IGNORECASE)
# Credits read past: "Ảnh: NVCC", "Ảnh Reuters" (not "Ảnh hưởng …"), "Tổng hợp" and "* …" footnotes.
_CREDIT = re.compile(
    r"^(?:\*|(?:ảnh|video|clip|thiết kế|đồ họa|đồ hoạ|nguồn ảnh|nguồn video)\s*(?::|(?-i:\s(?=[A-ZĐ])))|tổng hợp$)",
    re.IGNORECASE)
_SOURCE = re.compile(r"^(?:theo|nguồn|tham khảo|tổng hợp (?:từ|theo))\b\s*:?\s*(?P<value>.{2,60})$", re.IGNORECASE)
# An outlet named without "Theo": an acronym (VOV, TTXVN), a camel-cased name (VietnamNet) or a domain.
_OUTLET = re.compile(
    r"^(?:[A-ZĐ]{3,}|[A-Z][a-z]+(?:[A-Z][a-z]*)+|[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org))(?:[-/].*)?$")
_SENTENCE_END = re.compile(r"[.!?…:;,\"”]$")
_PARENTHESIS = re.compile(r"\(([^()]*)\)")
_MAX_LINE = 100


def split_byline(line: str) -> tuple[str | None, str | None] | None:
    """(author, attribution) of one byline line, glued or not; None when the line is no byline."""
    pieces = _pieces(line)
    return _read(pieces) if pieces is not None and not _unanchored(pieces) else None


def find_byline(lines: list[str]) -> tuple[str | None, str | None]:
    """(author, attribution) from an article's last lines, read upwards over at most three byline lines."""
    found_lines: list[list[tuple[str, str]]] = []  # bottom up
    for line in reversed(lines[-3:]):
        found = _pieces(line)
        if found is None or (found_lines and _unanchored(found_lines[-1]) and not _reporter(found[-1])):
            break
        found_lines.append(found)
    if found_lines and _unanchored(found_lines[-1]):
        found_lines.pop()  # the article's own last words, not a paper under "Theo <reporter>"
    return _read([piece for found in reversed(found_lines) for piece in found])


def _pieces(line: str) -> list[tuple[str, str]] | None:
    """The line's parts, each with its kind; None when any part is article text."""
    line = line.strip()
    if _CREDIT.match(line):
        return [(CREDIT, line)]
    if len(line) > _MAX_LINE:
        return None
    rest = re.sub(r"\s+", " ", _PARENTHESIS.sub(" ", line)).strip(" -")
    kinds = [(_kind(part), part) for part in _unglue(rest) if part]
    # "(Theo AFP)" credits a source; any other parenthesis is a note: "Mai Chi (tổng hợp)", "(Tây Ninh)", "(Còn tiếp)"
    kinds += [(SOURCE if _source(p) else CREDIT, p.strip()) for p in _PARENTHESIS.findall(line)]
    if not kinds or any(kind is None for kind, _ in kinds):
        return None
    pieces = [(kind, _value(kind, part)) for kind, part in kinds]
    if any(kind == PHRASE and not _reporter(pieces[i - 1]) for i, (kind, _) in enumerate(pieces) if i):
        return None  # a phrase inside a line is only ever a paper's name glued after "Theo <reporter>"
    return pieces


def _unglue(text: str) -> list[str]:
    """Cut where a small letter runs into a capital right after a personal name: "Nhật Linh|Theo Reuters"."""
    parts, start = [], 0
    for i in range(1, len(text)):
        if text[i - 1].islower() and text[i].isupper() and _names(_unlabelled(text[start:i])):
            parts.append(text[start:i].strip())
            start = i
    return [*parts, text[start:].strip()]


def _unlabelled(text: str) -> str:
    match = _SOURCE.match(text) or _AUTHOR_LABEL.match(text)
    return match.group("value") if match else text


def _kind(part: str) -> str | None:
    if _AUTHOR_LABEL.match(part):
        return AUTHOR
    if _CREDIT.match(part):
        return CREDIT
    if _SOURCE.match(part):
        return SOURCE if _source(part) else None  # else a sentence that opens with "Theo"
    if _names(part) or _ROLE.fullmatch(part):
        return AUTHOR
    if _OUTLET.match(part):
        return OUTLET
    words = part.split()
    if len(words) <= 6 and part[0].isupper() and not _SENTENCE_END.search(part) and not re.search(r"[\d:]", part):
        return PHRASE
    return None


def _source(part: str) -> bool:
    """"Theo …" naming sources, not opening a sentence ("Theo tôi, …", "Tham khảo tại …"); "Hello!" is a name."""
    match = _SOURCE.match(part.strip())
    words = match.group("value").split() if match else []
    return (bool(words) and len(words) <= 8 and not re.search(r"[.?…:;,]$", words[-1])
            and not (words[0].islower() and _SYLLABLE.fullmatch(words[0].rstrip(",")))
            and not any(w[-1] == "," and n[0].islower() for w, n in zip(words, words[1:])))


def _value(kind: str, part: str) -> str:
    match = (_AUTHOR_LABEL if kind == AUTHOR else _SOURCE).match(part) if kind in (AUTHOR, SOURCE) else None
    return (match.group("value") if match else part).strip()


def _names(text: str) -> bool:
    """One or more Vietnamese personal names: each two to five capitalised syllables or initials."""
    people = [p for p in _NAME_SEPARATOR.split(text.strip()) if p]
    return bool(people) and all(_person(_TITLE.sub("", p)) for p in people)


def _person(name: str) -> bool:
    parts = name.replace(".", ". ").split()
    size = sum(len(p.rstrip(".")) if _INITIALS.fullmatch(p) else 1 for p in parts)
    return 2 <= size <= 5 and all(
        _INITIALS.fullmatch(p) or (p[0].isupper() and _SYLLABLE.fullmatch(p.lower())) for p in parts)


def _reporter(piece: tuple[str, str]) -> bool:
    """"Theo <name>": a republished story's reporter, whose paper follows it."""
    kind, value = piece
    return kind == SOURCE and _names(value)


def _unanchored(pieces: list[tuple[str, str]]) -> bool:
    """Whether a line opens with a short phrase, which is a paper's name only under "Theo <reporter>"."""
    return bool(pieces) and pieces[0][0] == PHRASE


def _read(pieces: list[tuple[str, str]]) -> tuple[str | None, str | None]:
    author = attribution = None
    i = 0
    while i < len(pieces):
        kind, value = pieces[i]
        if _reporter(pieces[i]) and i + 1 < len(pieces) and pieces[i + 1][0] in (AUTHOR, OUTLET, PHRASE):
            author, attribution = author or value, attribution or pieces[i + 1][1]
            i += 2
            continue
        if kind == AUTHOR:
            author = author or value
        elif kind in (SOURCE, OUTLET):
            attribution = attribution or value
        i += 1
    return author, attribution
