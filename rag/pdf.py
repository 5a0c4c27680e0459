"""A PDF's text layer as a RawPage, read with pdfminer.six (measured against pypdf in
eval/pdf_extraction.py: the same characters; only pdfminer hands over paragraphs as blocks in two
columns too, where pypdf's layout mode runs the columns together).

pdfminer's layout analysis groups a page's characters into lines and its lines into text boxes by
their spacing, so a box is a block of the layout: a paragraph, a caption, a running header. From
that, page furniture goes (a line in the top or bottom band of its page that repeats there on other
pages, or a bare page number) and the lines the layout wrapped are joined back into paragraphs, so
that no sentence is cut in two. Title, author and date come from the PDF's metadata when they say
something; otherwise clean_page finds them in the first lines, as for any other file.
"""
from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTPage, LTTextBox, LTTextLine
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.utils import decode_text

from . import properties
from .loading import FileProblem, RawPage, unicode_text
from .text import nfc

SCANNED = "PDF này không có lớp chữ (ảnh quét); cần nhận dạng chữ (OCR) trước"
EDGE = 0.1  # the top and bottom tenth of a page: where running headers, footers and page numbers sit
SHORT_CHARS = 10  # a wrapped line stops at most a word short of its box's edge; a paragraph's last line more
_PAGE_NUMBER = re.compile(r"(?:trang|page)?\s*[-–—]?\s*\d{1,3}\s*(?:(?:/|trên|of)\s*\d{1,3})?\s*[-–—]?",
                          re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…:;\"”»)]$")
_LIGATURES = {c: unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)}  # "ﬁ" → "fi"


@dataclass(frozen=True)
class _Line:
    text: str
    page: int  # from 1
    box: int  # its text box, counted over the document
    full: bool  # reaches the right edge of a box of two lines or more: the layout wrapped it
    edge: bool  # in the top or bottom band of its page
    height: int  # its baseline, in points from the bottom of the page


def read_pdf(path: Path, data: bytes) -> RawPage:
    if b"%PDF-" not in data[:1024]:
        raise FileProblem(f"{path}: not a real PDF file (no %PDF header); save it again as PDF from the program "
                          "that made it, or give it the extension of what it is.")
    document, layouts = _layouts(path, data)
    lines = _without_furniture(_lines(layouts), len(layouts))
    if not lines:
        raise FileProblem(f"{path}: {SCANNED}. This PDF has no text layer (scanned images); run OCR on it first "
                          "(e.g. ocrmypdf -l vie in.pdf out.pdf), then ingest the result.")
    texts, pages = _paragraphs(lines)
    info = _info(document)
    return RawPage(
        path,
        unicode_text(path, "\n".join(texts)).split("\n"),
        title=properties.title(info.get("Title")),
        author=properties.author(info.get("Author")),
        line_pages=tuple(pages),
        file_date=properties.date(info.get("CreationDate"), info.get("Creator", "") + info.get("Producer", "")),
    )


def _layouts(path: Path, data: bytes) -> tuple[PDFDocument, list[LTPage]]:
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        resources = PDFResourceManager()
        device = PDFPageAggregator(resources, laparams=LAParams())
        interpreter = PDFPageInterpreter(resources, device)
        layouts = []
        for page in PDFPage.create_pages(document):
            interpreter.process_page(page)
            layouts.append(device.get_result())
    except PDFEncryptionError:  # a wrong (here: empty) password, or a protection pdfminer cannot open
        raise FileProblem(f"{path}: PDF is protected by a password; open it with the password and save it as a "
                          "PDF without one, then ingest that.") from None
    except Exception as error:  # noqa: BLE001 (a damaged file can break the parser anywhere, in any way)
        raise FileProblem(f"{path}: damaged PDF ({type(error).__name__}: {' '.join(str(error).split())}); "
                          "open it in a PDF viewer and save or print it as a new PDF.") from None
    if not layouts:
        raise FileProblem(f"{path}: damaged PDF (no pages found); open it in a PDF viewer and save it again.")
    return document, layouts


def _lines(layouts: list[LTPage]) -> list[_Line]:
    found, box_number = [], 0
    for number, layout in enumerate(layouts, 1):
        band = layout.height * EDGE
        for box in (item for item in layout if isinstance(item, LTTextBox)):
            box_number += 1
            for line in (item for item in box if isinstance(item, LTTextLine)):
                text = nfc(line.get_text().translate(_LIGATURES)).strip()
                if not text:
                    continue
                middle = (line.y0 + line.y1) / 2
                full = len(box) > 1 and box.x1 - line.x1 <= SHORT_CHARS * line.width / len(text)
                edge = not layout.y0 + band < middle < layout.y1 - band
                found.append(_Line(text, number, box_number, full, edge, round(line.y0)))
    return found


def _without_furniture(lines: list[_Line], pages: int) -> list[_Line]:
    """The lines less running headers and footers (a line in the top or bottom band that is there at
    the same height, numbers aside, on two pages or more and on at least half of them; the same
    text lower down, a first page's title under a header that repeats it, stays) and bare page numbers."""
    on_pages = Counter(key for _, key in {(line.page, _key(line)) for line in lines if line.edge})
    running = {key for key, n in on_pages.items() if n >= 2 and n * 2 >= pages}
    return [line for line in lines
            if not (line.edge and (_PAGE_NUMBER.fullmatch(line.text) or _key(line) in running))]


def _key(line: _Line) -> tuple[str, int]:
    return re.sub(r"\d+", "#", " ".join(line.text.lower().split())), line.height


def _paragraphs(lines: list[_Line]) -> tuple[list[str], list[int]]:
    """The lines joined into paragraphs, and the page each paragraph starts on."""
    texts, pages = [], []
    for previous, line in zip([None, *lines], lines):
        if previous and _continues(previous, line):
            # A line broken after a hyphen ("1949-" / "2020", "05-" / "CT/TW") was one word.
            texts[-1] += line.text if re.search(r"\S-$", texts[-1]) else " " + line.text
        else:
            texts.append(line.text)
            pages.append(line.page)
    return texts, pages


def _continues(previous: _Line, line: _Line) -> bool:
    """Whether `line` goes on with the paragraph that `previous` is in: the next line of the same
    box after a wrapped line; after a line that ends no sentence, a lowercase word (in the next
    column, say) or, over a page break, the rest of a wrapped line."""
    if line.box == previous.box:
        return previous.full
    wrapped = previous.full and line.page > previous.page
    return not _SENTENCE_END.search(previous.text) and (wrapped or line.text[:1].islower())


def _info(document: PDFDocument) -> dict[str, str]:
    """The document information dictionary's text entries (/Title, /Author, /CreationDate …)."""
    found = {}
    for entries in document.info:
        for key, value in entries.items():
            value = resolve1(value)
            value = decode_text(value) if isinstance(value, bytes) else value
            if isinstance(value, str):
                found[key] = value
    return found
