"""Questions about the collection itself — "Có những bài viết nào?", "Có bao nhiêu bài viết?",
"Bài viết mới nhất là bài nào?", "Các bài của tác giả Chí Nhân" — answered from the index's list
of documents (title, date, author), never from an article's text."""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import diacritics
from .text import vi_date
from .types import Document

SHOWN = 20  # articles listed in one answer; the count says how many more there are
_ARTICLE = r"(?:bài viết|bài báo|bài|tin bài|tài liệu|văn bản)"
_LIST = re.compile(
    rf"^(?:hiện )?(?:có |gồm )?(?:những|các|mọi) {_ARTICLE} (?:nào|gì)(?: (?:đã được|được|đang được) (?:lưu|đăng|đưa lên))?\s*\??$"
    rf"|\b(?:danh sách|liệt kê)(?: các| những| tất cả các)? {_ARTICLE}\b",
    re.IGNORECASE,
)
_COUNT = re.compile(
    rf"^(?:hiện )?(?:có |tất cả có |tổng cộng có )?(?:bao nhiêu|mấy) {_ARTICLE}(?: tất cả| cả thảy| trong (?:hệ thống|kho|cơ sở dữ liệu))?\s*\??$"
    rf"|^(?:số|tổng số) {_ARTICLE}(?: hiện có)? là bao nhiêu\s*\??$",
    re.IGNORECASE,
)
_NEWEST = re.compile(rf"\b{_ARTICLE} (?:mới nhất|gần đây nhất|gần nhất)\b", re.IGNORECASE)
_OLDEST = re.compile(rf"\b{_ARTICLE} (?:cũ nhất|đầu tiên|sớm nhất)\b", re.IGNORECASE)
_BY_AUTHOR = re.compile(
    rf"\b(?:(?:các|những) {_ARTICLE} (?:của|do) (?:tác giả |nhà báo |phóng viên )?"
    rf"|tác giả (?P<writer>.+?) (?:viết|có) (?:những|các|bao nhiêu) {_ARTICLE})(?P<author>[^?]*)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Catalogue:
    documents: tuple[Document, ...]  # the articles asked for, at most SHOWN
    total: int  # how many there are
    counted: bool  # the question asked how many

    @property
    def lines(self) -> list[str]:
        return [article_line(d.title, d.date, d.author) for d in self.documents]

    def text(self) -> str:
        head = [f"Có {self.total} bài viết."] if self.counted or self.total > len(self.documents) else []
        more = [f"… và {self.total - len(self.documents)} bài khác."] if self.total > len(self.documents) else []
        return "\n".join(head + self.lines + more)


def article_line(title: str, date: str | None, author: str | None) -> str:
    """How an article is listed: title · date · author."""
    return " · ".join(x for x in (title, vi_date(date), author) if x)


def asks_for(question: str) -> bool:
    text = question.strip()
    return any(p.search(text) for p in (_LIST, _COUNT, _NEWEST, _OLDEST, _BY_AUTHOR))


def run(documents: dict[str, Document], question: str) -> Catalogue:
    """The articles the question asks for: all, the newest, the oldest, or one author's."""
    text = question.strip()
    chosen = sorted(documents.values(), key=lambda d: (d.date or "", d.title), reverse=True)
    by_author = _BY_AUTHOR.search(text)
    if by_author:
        # without accents, so "chi nhan" finds "Chí Nhân"
        name = diacritics.remove(by_author.group("writer") or by_author.group("author")).lower().strip(" ?.")
        chosen = [d for d in chosen if name and d.author and name in diacritics.remove(d.author).lower()]
    if _NEWEST.search(text) and chosen:
        chosen = [next(d for d in chosen if d.date)] if any(d.date for d in chosen) else []
    elif _OLDEST.search(text) and chosen:
        dated = [d for d in chosen if d.date]
        chosen = [dated[-1]] if dated else []
    return Catalogue(tuple(chosen[:SHOWN]), len(chosen), bool(_COUNT.search(text)))
