"""What a PDF's or Word file's own properties are worth as an article's title, author and date.

Programs fill them in without anyone asking: the file name as the title ("Microsoft Word -
baocao.docx", "Document1"), the computer's user as the author ("Admin"), a template's date, or for
a page printed from a browser the moment it was printed. Those say nothing and are dropped, so that
clean_page takes the title, date and byline from the text instead.
"""
from __future__ import annotations

import re

from .loading import iso_date
from .text import nfc

_NOT_A_TITLE = re.compile(r".*\.(pdf|docx?|html?|txt|rtf|odt)|microsoft word\b.*|(untitled|document|tài liệu|văn bản)"
                          r"\s*\d*|[a-z]+:/.*|\W*\d*\W*", re.IGNORECASE)
_NOT_AN_AUTHOR = re.compile(r"admin(istrator)?|user|owner|author|unknown|windows user|microsoft office user"
                            r"|python-docx|\W*", re.IGNORECASE)
_BROWSER = re.compile(r"chrom|mozilla|firefox|safari|webkit|skia", re.IGNORECASE)


def _tidy(value: str | None) -> str:
    return " ".join(nfc(value or "").split())


def title(value: str | None) -> str | None:
    value = _tidy(value)
    return None if _NOT_A_TITLE.fullmatch(value) else value


def author(value: str | None) -> str | None:
    value = _tidy(value)
    return None if _NOT_AN_AUTHOR.fullmatch(value) else value


def date(value: str | None, made_by: str = "") -> str | None:
    """"D:20231030…" (PDF) or "2023-10-30…" as an ISO date; None when `made_by` (the PDF's /Creator
    and /Producer) is a browser."""
    if not value or _BROWSER.search(made_by):
        return None
    return iso_date(re.sub(r"^(?:D:)?(\d{4})-?(\d\d)-?(\d\d).*", r"\1-\2-\3", value.strip()))
