"""Answer types: what kind of fact a Vietnamese question asks for, and where it is in a sentence.

Each finder returns (start, end) spans inside the sentence; the answerer picks the span
nearest to the words the sentence shares with the question.
"""
from __future__ import annotations

import re

_UP = "A-ZÀ-ỸĐ"
_CAP = rf"[{_UP}][^\s,.;:()“”\"]*"
_NUMBER = r"\d+(?:[.,]\d+)*(?:\s?[-–]\s?\d+(?:[.,]\d+)*)?(?:\s?%)?"

QUESTION_TYPES = {
    "date": re.compile(
        r"\b(khi nào|lúc nào|bao giờ|ngày nào|ngày bao nhiêu|ngày mấy|năm nào|năm bao nhiêu|tháng nào"
        r"|thời gian nào|thời điểm nào|vào ngày|vào năm|từ năm nào|từ khi nào)\b",
        re.IGNORECASE,
    ),
    "number": re.compile(r"\b(bao nhiêu|mấy|số lượng|tỷ lệ|tỉ lệ)\b", re.IGNORECASE),
    "person": re.compile(r"(^|\s)(ai|người nào|đồng chí nào|vị nào|những ai)(\s|\?|$)", re.IGNORECASE),
    "place": re.compile(
        r"\b(ở đâu|tại đâu|nơi nào|địa phương nào|xã nào|những xã nào|huyện nào|tỉnh nào|đâu)\b",
        re.IGNORECASE,
    ),
    "name": re.compile(
        r"\b(khẩu hiệu|chủ đề|tên|phong trào|chương trình|đề án|tác phẩm|nghị quyết|quyết định"
        r"|kế hoạch|kết luận|chỉ thị|chuyên đề|hội thảo|kỷ niệm chương|văn bản)\b.*\b(gì|nào)\b",
        re.IGNORECASE,
    ),
}
_DATE_SPANS = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{1,2}/\d{1,2}\b(?!/)|\bngày \d{1,2} tháng \d{1,2}(?: năm \d{4})?"
    r"|\btháng \d{1,2}(?:/\d{4}| năm \d{4})?|\b(?:năm )?(?:1[89]|20)\d\d\b",
    re.IGNORECASE,
)
_NUMBER_SPANS = re.compile(rf"(?:(?:hơn|trên|gần|khoảng|tổng số|tổng cộng) )?{_NUMBER}", re.IGNORECASE)
_UNIT = re.compile(r"(?:/\d+(?:[.,]\d+)*)?(?: (?!và\b|với\b|trong\b|của\b|đến\b)[^\s,.;:()]+){0,3}")
_SURNAMES = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đinh Lâm Trịnh"
    " Mai Trương Lương Tạ Hà Cao Tô Quách Chu Thái Tăng Kiều Lò Tòng Sùng Giàng Vàng Lù Đoàn"
    " Văn Triệu Thân Nông Lưu Khổng Hứa La Mạc Vi Quàng Hầu"
).split()
_PERSON = re.compile(rf"\b(?:{'|'.join(_SURNAMES)})(?: {_CAP}){{1,3}}")
_TITLE = re.compile(
    rf" - [^;.:()]+?(?=, (?:{_CAP} ){{1,3}}- |[;.:(]| (?:đã|đồng chủ trì|chủ trì|phát biểu|trao|cho|và đồng chí)\b|$)"
)
_PLACE = re.compile(
    rf"\b(?:xã|huyện|tỉnh|thành phố|thị trấn|thị xã|bản|thôn|phường|tại|ở) ({_CAP}(?: {_CAP})*)"
)
_QUOTED = re.compile(r"[“\"]([^”\"]{3,300})[”\"]")
_CODE = re.compile(
    r"\b(?:Quyết định|Kế hoạch|Kết luận|Nghị quyết|Chỉ thị|Thông tư|Đề án|Quy định|Hướng dẫn)"
    r"(?: số)? \d+[-/][\wĐđ/-]+",
)


def question_type(question: str) -> str:
    """One of date, number, person, place, name, or sentence (no narrower span is asked for)."""
    for name, pattern in QUESTION_TYPES.items():
        if pattern.search(question):
            return name
    return "sentence"


def candidate_spans(kind: str, sentence: str) -> list[tuple[int, int]]:
    finder = _FINDERS.get(kind)
    return finder(sentence) if finder else []


def _dates(sentence: str) -> list[tuple[int, int]]:
    return [m.span() for m in _DATE_SPANS.finditer(sentence)]


def _numbers(sentence: str) -> list[tuple[int, int]]:
    spans = []
    for match in _NUMBER_SPANS.finditer(sentence):
        if re.fullmatch(r"\d{1,2}/\d{1,2}(/\d{4})?", _whole_token(sentence, match.start(), match.end())):
            continue  # a date, not a count
        unit = _UNIT.match(sentence, match.end())
        spans.append((match.start(), unit.end() if unit else match.end()))
    return spans


def _people(sentence: str) -> list[tuple[int, int]]:
    spans = []
    for match in _PERSON.finditer(sentence):
        title = _TITLE.match(sentence, match.end())
        spans.append((match.start(), title.end() if title else match.end()))
    return spans


def _places(sentence: str) -> list[tuple[int, int]]:
    return [m.span(1) for m in _PLACE.finditer(sentence)]


def _names(sentence: str) -> list[tuple[int, int]]:
    quoted = [m.span() for m in _QUOTED.finditer(sentence)]
    return quoted + [m.span() for m in _CODE.finditer(sentence)]


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
