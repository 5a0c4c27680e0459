"""A Word .docx file as a RawPage, read with python-docx.

The body in order, paragraphs and tables alike: a paragraph (a heading too) is a line, a table row
is a line of its cells joined by " | ". Text in a run whose font is an old Vietnamese one (".VnTime",
"VNI-Times") is converted by that font's encoding; the rest goes through the same detection as a
text file. The file's core properties give the title, author and date when they say something.
"""
from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path

import docx  # python-docx (absolute: this module is rag.office)
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph

from . import legacy_encoding, properties
from .loading import FileProblem, RawPage, unicode_text
from .text import nfc


def read_docx(path: Path, data: bytes) -> RawPage:
    _check_package(path, data)
    try:
        document = docx.Document(io.BytesIO(data))
        lines = [line for block in document.iter_inner_content() for line in _block_lines(block)]
    except Exception as error:  # noqa: BLE001 (a damaged part fails in the zip reader, the XML parser or python-docx)
        raise FileProblem(f"{path}: damaged Word file ({type(error).__name__}: {' '.join(str(error).split())}); "
                          "open it in Word or LibreOffice and save it again as .docx.") from None
    core = document.core_properties
    created = core.created if core.created != _template_created() else None
    return RawPage(
        path,
        nfc(unicode_text(path, "\n".join(lines))).split("\n"),
        title=properties.title(core.title),
        author=properties.author(core.author),
        file_date=properties.date(created.isoformat()) if created else None,
    )


def _check_package(path: Path, data: bytes) -> None:
    """A .docx is a zip holding word/document.xml; anything else named .docx is named for what it is."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(b"PK\x03\x04"):
            raise FileProblem(f"{path}: damaged Word file (its zip is cut short or corrupt); open it in Word or "
                              "LibreOffice and save it again as .docx.")
        raise FileProblem(f"{path}: not a real Word file (a .docx is a zip; this is not one, perhaps a renamed "
                          ".doc); open it in Word or LibreOffice and save it as .docx.")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        if "word/document.xml" not in package.namelist():
            raise FileProblem(f"{path}: not a real Word file (a zip without word/document.xml); open it in the "
                              "program that made it and save it as .docx.")


def _block_lines(block: Paragraph | Table) -> list[str]:
    if isinstance(block, Paragraph):
        return [_paragraph_text(block)]
    return [" | ".join(_row_cells(row)) for row in block.rows]


def _row_cells(row) -> list[str]:
    """The texts of a row's cells; a cell merged across columns once."""
    cells = []
    for previous, cell in zip([None, *row.cells], row.cells):
        if previous is None or cell._tc is not previous._tc:  # python-docx repeats a merged cell per column
            cells.append(" ".join(_paragraph_text(p) for p in cell.paragraphs).strip())
    return cells


def _paragraph_text(paragraph: Paragraph) -> str:
    style_font = _style_font(paragraph.style)
    runs = [run for item in paragraph.iter_inner_content()
            for run in (item.runs if isinstance(item, Hyperlink) else [item])]
    return "".join(_converted(run.text, run.font.name or style_font) for run in runs)


def _converted(text: str, font: str | None) -> str:
    """A run's text in Unicode when its font is an old Vietnamese one: ".Vn…" fonts are TCVN3 (the
    ".Vn…H" ones show its lowercase codes as capitals), "VNI-…" fonts are VNI."""
    if font and font.startswith(".Vn"):
        text = legacy_encoding.to_unicode(text, "TCVN3")
        return text.upper() if font.endswith("H") else text
    if font and font.upper().startswith("VNI-"):
        return legacy_encoding.to_unicode(text, "VNI")
    return text


def _style_font(style) -> str | None:
    """The font a paragraph style sets, itself or through the styles it is based on."""
    while style is not None and style.font.name is None:
        style = style.base_style
    return style.font.name if style is not None else None


@functools.cache
def _template_created():
    """The date in python-docx's own template: a file it made without a date of its own carries it."""
    return docx.Document().core_properties.created
