"""Read article files (.txt, .md, saved .html, .pdf, .docx) and turn them into clean Documents.

Cleaning is general, not tuned to one site: it removes lines that repeat across the
documents of a folder (sidebars, footers), lines that look like page furniture
(counters, ratings, navigation, login nags, image file paths), consecutive duplicate
lines (captions printed twice), the header chrome above the title and everything after
the end-of-article markers. The article body itself is kept line for line. Text typed in the
old Vietnamese encodings (TCVN3, VNI) is converted to Unicode (rag.legacy_encoding).
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

import trafilatura
import yaml

from . import legacy_encoding
from .byline import find_byline
from .text import nfc
from .types import Document

SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")

_FURNITURE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"lượt (xem|tải|truy cập|đọc)",
        r"thống kê truy cập",
        r"^(đang truy cập|hôm nay|hôm qua|tuần này|tháng hiện tại|tháng trước|năm hiện tại"
        r"|tổng lượt truy cập|người trực tuyến|khách|thành viên|tổng)\b.*\d",
        r"^(người trực tuyến|khách|thành viên|tổng)(\s+\1)?$",
        r"tổng số điểm của bài viết",
        r"\d+\s+đánh giá\s*$",
        r"bình chọn",
        r"đăng nhập|bạn đã không sử dụng site|thời gian chờ",
        r"^(\d+\s+)?(go top|top|down|lên đầu trang|về đầu trang|quay lại|trở về|in bài( viết)?"
        r"|chia sẻ|bản in|gửi bài|tin khác|các tin khác|văn bản mới|bài viết liên quan"
        r"|tin liên quan|xem thêm|tin cùng chuyên mục)$",
        r"^description:",
        r"^[a-z]:\\",
        r"\.(jpe?g|png|gif|bmp|webp)$",
    )
]
# After the article: the first of these (below the body) starts the site's sidebar/footer.
_END_OF_ARTICLE = re.compile(
    r"^(\d+\s+)?(tổng số điểm của bài viết.*|văn bản mới|tin khác|các tin khác|go top"
    r"|bài viết liên quan|tin liên quan|tin cùng chuyên mục|xem thêm)$",
    re.IGNORECASE,
)
_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_BULLET = re.compile(r"^[\s•·▪●◦\-–*]+(?=\S)")
_MAX_FURNITURE_LINE = 160
MAX_FILE_BYTES = 20 * 1024 * 1024  # an article is kilobytes; anything this big is a dump, not one article
_HEADER_LINES = 8
TITLE_CHARS = 150  # a title taken from a first line longer than this is shortened at a word for display
# Other sources' metadata, never indexed text: "# doc_id = …", "# url = …", "# date = 20200918" lines
# first (as corpora/news-vi has them), or YAML front matter between "---" lines in Markdown.
_HEADER_FIELD = re.compile(r"^#\s*([A-Za-z][\w-]*)\s*=\s*(.*?)\s*$")
_ISO_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:[ T].*)?$")


class FileProblem(Exception):
    """A file that cannot be ingested; the message names the file and what to do."""


@dataclass(frozen=True)
class RawPage:
    """A file's text before cleaning, with metadata the format itself carried (HTML, PDF, Word)."""

    path: Path
    lines: list[str]
    title: str | None = None
    date: str | None = None
    author: str | None = None
    url: str | None = None
    headless: bool = False  # metadata lines but no headline: the first line is the title
    line_pages: tuple[int, ...] = ()  # a PDF's page (from 1) of each line, for Document.pages
    file_date: str | None = None  # when the file was made (PDF, Word): used when the text gives no date


def not_read(path: Path) -> str:
    """Why a file in an ingested folder is not read, and what to do about it."""
    suffix = path.suffix.lower()
    if suffix == ".doc":
        return f"{path}: legacy Word .doc is not read; open it in Word or LibreOffice and save it as .docx or .txt."
    return f"{path}: {suffix or 'files without an extension'} is not an article format rag ingest reads ({', '.join(SUFFIXES)})."


def read_page(path: Path) -> RawPage:
    data = _read_bytes(path)
    if path.suffix.lower() in (".pdf", ".docx"):
        from . import office, pdf  # here, not above: both build this module's RawPage

        return pdf.read_pdf(path, data) if path.suffix.lower() == ".pdf" else office.read_docx(path, data)
    text = nfc(unicode_text(path, _decode(path, data))).replace("\r\n", "\n").replace("\r", "\n")
    if path.suffix.lower() in (".html", ".htm"):
        return _html_page(path, text)
    fields, lines = _metadata(text.split("\n"), markdown=path.suffix.lower() == ".md")
    if path.suffix.lower() == ".md":
        lines = [_markdown_line(line) for line in lines]
    if not fields:
        return RawPage(path, lines)
    return RawPage(path, lines, title=_field(fields, "title"), date=iso_date(_field(fields, "date")),
                   author=_field(fields, "author"), url=_field(fields, "url"), headless=not _field(fields, "title"))


def _metadata(lines: list[str], markdown: bool) -> tuple[dict, list[str]]:
    """The leading metadata of a file and the lines after it."""
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if markdown and start < len(lines) and lines[start].strip() == "---":
        end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is not None:
            try:
                fields = yaml.safe_load("\n".join(lines[start + 1:end]))
            except yaml.YAMLError:
                fields = None
            if isinstance(fields, dict):
                return fields, lines[end + 1:]
    fields, i = {}, start
    while i < len(lines) and (match := _HEADER_FIELD.match(lines[i].strip())):
        fields[match.group(1).lower()] = match.group(2)
        i += 1
    return fields, lines[i:] if fields else lines


def _field(fields: dict, key: str) -> str | None:
    value = fields.get(key)
    return nfc(str(value)).strip() or None if value is not None else None


def iso_date(value: str | None) -> str | None:
    """"20200918", "2020-09-18", "18/09/2020" → "2020-09-18"; None for anything else."""
    if not value:
        return None
    match = _ISO_DATE.match(value.strip()) or None
    if match:
        year, month, day = (int(g) for g in match.groups())
    elif (match := _DATE.fullmatch(value.strip())):
        day, month, year = (int(g) for g in match.groups())
    else:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def repeated_lines(pages: list[RawPage]) -> set[str]:
    """Keys of lines found in two or more documents of the folder: site chrome."""
    counts = Counter(key for page in pages for key in {_key(line) for line in page.lines})
    return {key for key, n in counts.items() if n >= 2 and key}


def clean_page(page: RawPage, doc_id: str, repeated: set[str] = frozenset()) -> Document:
    lines = [_tidy(line) for line in page.lines]
    on_pages = [n for line, n in zip(lines, page.line_pages or [1] * len(lines)) if line]
    lines = [line for line in lines if line]
    if page.headless:  # "# doc_id = …" files: no chrome above, no headline; the first line is the title
        title_at, date_at, date = (0 if lines else None), None, None
    else:
        title_at, date_at, date = _find_header(lines)
    title = page.title or (lines[title_at] if title_at is not None else None)
    title_page = 1 if page.title or title_at is None else on_pages[title_at]
    first = (max(title_at, date_at or -1) + 1) if title_at is not None else 0
    kept, kept_pages = [], []  # the body's lines and the page of each
    for line, on_page in zip(_cut_tail(lines[first:]), on_pages[first:]):
        if _is_furniture(line) or _key(line) in repeated or (kept and kept[-1] == line):
            continue
        kept.append(line)
        kept_pages.append(on_page)
    if not title:
        title, title_page = (kept.pop(0), kept_pages.pop(0)) if kept else ("", 1)
    if not kept:
        raise FileProblem(_nothing_left(page, lines[first:], repeated))
    # A headless file has no site chrome: its last lines as written are the byline ("* …" marks a footnote that
    # tidying unmarks), and a line repeated across its folder is a reporter's name, not a footer.
    author, attribution = find_byline([" ".join(line.split()) for line in page.lines] if page.headless else kept)
    return Document(
        doc_id=doc_id,
        title=short_title(title),
        text="\n\n".join([title, *kept]),
        source=str(page.path),
        date=page.date or date or page.file_date,
        author=page.author or author,
        url=page.url,
        attribution=attribution,
        pages=_page_starts([title, *kept], [title_page, *kept_pages]) if page.line_pages else (),
    )


def _nothing_left(page: RawPage, body: list[str], repeated: set[str]) -> str:
    if body and all(_key(line) in repeated or _is_furniture(line) for line in body):
        # Lines found in two files of a folder are taken for site chrome: a copy loses all of them.
        return (f"{page.path}: every line is also in another file of this folder (a copy of another "
                "article?); remove the copy, or ingest it from a folder of its own.")
    return f"{page.path}: no article text left after cleaning; check the file."


def _page_starts(parts: list[str], on_pages: list[int]) -> tuple[int, ...]:
    """Where each page starts in "\n\n".join(parts): at its first part, or, for a page with no text of its
    own (a figure, a page of furniture), where the next one does, so that page_at still counts it."""
    offsets = list(accumulate((len(part) + 2 for part in parts), initial=0))
    return tuple(next((at for at, n in zip(offsets, on_pages) if n >= page), offsets[-1] - 2)
                 for page in range(1, max(on_pages) + 1))


def short_title(title: str) -> str:
    """A first line used as the title, shortened at a word boundary for display (the text keeps it whole)."""
    if len(title) <= TITLE_CHARS:
        return title
    return title[:title.rfind(" ", 0, TITLE_CHARS)].rstrip(" ,;:") + "…"


def content_hash(doc: Document) -> str:
    payload = "\x1f".join([doc.title, doc.date or "", doc.author or "", doc.text, *([doc.url] if doc.url else [])])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size  # refuse a huge file before reading it into memory
        data = path.read_bytes() if size <= MAX_FILE_BYTES else b""
    except FileNotFoundError:
        raise FileProblem(f"{path}: file not found; check the path.") from None
    except PermissionError:
        raise FileProblem(f"{path}: permission denied; make the file readable (chmod +r).") from None
    except IsADirectoryError:
        raise FileProblem(f"{path}: is a folder, not a file.") from None
    if size > MAX_FILE_BYTES:
        raise FileProblem(
            f"{path}: file is {size // 2**20} MB, over the {MAX_FILE_BYTES // 2**20} MB limit "
            "for one article; split it into one file per article."
        )
    if not data.strip():
        raise FileProblem(f"{path}: file is empty; remove it or add the article text.")
    return data


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    head = data[:8192]
    if head.count(b"\x00") * 3 > len(head) and head[1::2].count(b"\x00") * 2 > len(head[1::2]):
        try:  # UTF-16 without a byte-order mark: every other byte of Latin text is zero
            return data.decode("utf-16-le")
        except UnicodeDecodeError:
            pass
    if b"\x00" in head:
        raise FileProblem(f"{path}: binary file, not text; only {', '.join(SUFFIXES)} files are ingested.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            soup = data.decode("cp1252")
        except UnicodeDecodeError:  # one of the five bytes Windows-1252 leaves undefined
            soup = data.decode("latin-1")
    if (text := unicode_text(path, soup)) == soup:  # not TCVN3 or VNI either
        raise FileProblem(f"{path}: not UTF-8 text; convert it first, e.g. iconv -f CP1258 -t UTF-8 (typed in a "
                          "TCVN3 or VNI font: with UniKey's converter to Unicode).")
    return text


def unicode_text(path: Path, text: str) -> str:
    """The text, converted to Unicode when it was typed in TCVN3 or VNI (rag.legacy_encoding)."""
    try:
        encoding = legacy_encoding.detect(text)
    except legacy_encoding.AmbiguousEncoding as mixed:
        raise FileProblem(f"{path}: text only partly in an old Vietnamese encoding ({mixed}); convert it with "
                          "UniKey's converter (source TCVN3 or VNI, target Unicode) and ingest it again.") from None
    return legacy_encoding.to_unicode(text, encoding) if encoding else text


def _html_page(path: Path, html: str) -> RawPage:
    extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if extracted is None or not (extracted.text or "").strip():
        raise FileProblem(f"{path}: no article text found in this HTML page.")
    date = extracted.date if extracted.date and re.match(r"\d{4}-\d\d-\d\d$", extracted.date) else None
    return RawPage(
        path,
        nfc(extracted.text).split("\n"),
        title=nfc(extracted.title).strip() if extracted.title else None,
        date=date,
        author=nfc(extracted.author).strip() if extracted.author else None,
    )


def _markdown_line(line: str) -> str:
    if re.match(r"^\s*!\[[^\]]*\]\([^)]*\)\s*$", line):
        return ""
    return re.sub(r"^\s{0,3}#{1,6}\s+", "", line)


def _tidy(line: str) -> str:
    line = line.replace("\u00a0", " ").replace("\u200b", "")
    line = _BULLET.sub("", line)
    return re.sub(r"[ \t]+", " ", line).strip()


def _key(line: str) -> str:
    """Compare lines ignoring case, spacing and the numbers that counters change."""
    return re.sub(r"\d+([.,]\d+)*", "#", _tidy(line).lower())


def _is_furniture(line: str) -> bool:
    if len(line) > _MAX_FURNITURE_LINE:
        return False
    if re.fullmatch(r"[a-z0-9 ]{1,30}", line) and len(line.split()) <= 3:
        return True  # lone lower-case ASCII tokens in a Vietnamese page: banner alts, file names
    return any(p.search(line) for p in _FURNITURE)


def _find_header(lines: list[str]) -> tuple[int | None, int | None, str | None]:
    """Index of the title line, of the date line, and the ISO date, in the page head."""
    for i, line in enumerate(lines[:_HEADER_LINES]):
        match = _DATE.search(line)
        if match and len(line) < 80 and _is_date_line(line, match):
            title_at = next(
                (j for j in range(i - 1, -1, -1) if _looks_like_title(lines[j])), None
            )
            day, month, year = (int(g) for g in match.groups())
            return title_at, i, f"{year:04d}-{month:02d}-{day:02d}"
    title_at = next((j for j, line in enumerate(lines) if _looks_like_title(line)), None)
    return title_at, None, None


def _is_date_line(line: str, match: re.Match) -> bool:
    """A dateline ("Thứ hai - 30/10/2023 03:17", "Cập nhật: 2/12/2026"), not a sentence that holds a
    date ("Ngày 2/12/2026, Lai Châu ra mắt 106 tổ …"): few words besides the date and the time."""
    rest = re.sub(r"\b\d{1,2}:\d{2}(:\d{2})?\b|\d+", " ", line[:match.start()] + line[match.end():])
    return len(re.findall(r"[^\W\d_]+", rest)) <= 5


def _looks_like_title(line: str) -> bool:
    return len(line.split()) >= 3 and not _is_furniture(line)


def _cut_tail(body: list[str]) -> list[str]:
    first_paragraph = next((i for i, line in enumerate(body) if len(line) > 200), 0)
    for i in range(first_paragraph + 1, len(body)):
        if _END_OF_ARTICLE.match(body[i]):
            return body[:i]
    return body
