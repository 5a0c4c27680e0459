"""Answers as HTML for the chat, with every piece of article or user text shown as plain text.

The chat passes messages through a Markdown renderer and an HTML sanitizer. Escaping only
`< > &` would still let an article's `[link](…)`, `*stars*` or `$…$` turn into markup, so
every ASCII punctuation character of the text is written as a numeric character reference:
the browser shows the same characters, and no parser sees syntax in them.
"""
from __future__ import annotations

import string
from html import escape
from pathlib import PurePath

from . import article_page, catalogue
from .pipeline import NOT_FOUND
from .text import vi_date
from .types import Answer, Citation

_SAFE = str.maketrans({c: f"&#{ord(c)};" for c in string.punctuation})


def text(value: str | None) -> str:
    """Plain text -> inert HTML; newlines become <br> so no blank line can end an HTML block."""
    if not value:
        return ""
    lines = value.replace("\r", "").split("\n")
    return "<br>".join(line.translate(_SAFE) for line in lines)


def highlighted(value: str, start: int | None, end: int | None) -> str:
    """`value` with value[start:end] in <mark>, all of it escaped."""
    if start is None or end is None or not 0 <= start < end <= len(value):
        return text(value)
    return f"{text(value[:start])}<mark>{text(value[start:end])}</mark>{text(value[end:])}"


def question_html(question: str) -> str:
    return f'<div class="rag-question">{text(question)}</div>'


def answer_html(answer: Answer, base: str = "") -> str:
    """One chat message: what was understood (if not what was typed), the answer of its kind,
    numbered sources that open, each linking to its article in full (`base` leads from the chat's
    page to the app's root: "" for the chat at /, "../" for /embed/)."""
    if answer.kind == "overview":
        head = overview_html(answer)
    elif answer.kind == "catalogue":
        head = catalogue_html(answer)
    elif answer.abstained:
        head = (f'<p class="rag-notfound"><strong>{text(NOT_FOUND)}</strong></p>'
                '<p class="rag-label">Các đoạn đã xem:</p>')
    else:
        start = (answer.sentence or "").find(answer.answer or "")
        end = start + len(answer.answer or "") if start >= 0 else None
        confidence = f"{answer.confidence:.2f}".replace(".", ",")
        head = (f'<p class="rag-short"><strong>{text(answer.answer)}</strong></p>'
                f'<p class="rag-sentence">{highlighted(answer.sentence or "", start, end)}</p>'
                f'<p class="rag-confidence">Độ tin cậy: {confidence}</p>'
                '<p class="rag-label">Nguồn:</p>')
    sources = "".join(source_html(n, c, base) for n, c in enumerate(answer.citations, start=1))
    kind = "rag-abstained" if answer.abstained else "rag-answered"
    notice = f'<p class="rag-notice">{text(answer.notice)}</p>' if answer.notice else ""
    return (f'<div class="rag-answer {kind} rag-{answer.kind}">{notice}{understood_html(answer)}{head}'
            f'<ol class="rag-sources">{sources}</ol></div>')


def understood_html(answer: Answer) -> str:
    """"Hiểu câu hỏi là: …" when the question was searched otherwise than typed, so a reader can
    see a wrong reading and ask again."""
    if not answer.resolved_question or answer.resolved_question.strip() == answer.question.strip():
        return ""
    return f'<p class="rag-understood">Hiểu câu hỏi là: <em>{text(answer.resolved_question)}</em></p>'


def overview_html(answer: Answer) -> str:
    """The shown sentences as quotations, each with the number of the source that holds it."""
    items = []
    for sentence in answer.sentences:
        number = next((n for n, c in enumerate(answer.citations, start=1)
                       if c.doc_id == sentence.doc_id and c.start <= sentence.start and sentence.end <= c.end), None)
        source = f' <span class="rag-ref">[{number}]</span>' if number else ""
        items.append(f'<li><q>{text(sentence.text)}</q>{source}</li>')
    return (f'<p class="rag-label">Các bài viết nói:</p><ul class="rag-quotes">{"".join(items)}</ul>'
            '<p class="rag-label">Nguồn:</p>')


def catalogue_html(answer: Answer) -> str:
    """One line per article (title · date · author), after the count if it was asked."""
    lines = (answer.answer or "").split("\n")
    listed = {catalogue.article_line(c.title, c.date, c.author) for c in answer.citations}
    heads = "".join(f'<p class="rag-short"><strong>{text(line)}</strong></p>' for line in lines if line not in listed)
    items = "".join(f"<li>{text(line)}</li>" for line in lines if line in listed)
    return f'{heads}<ul class="rag-catalogue">{items}</ul><p class="rag-label">Các bài:</p>'


def source_html(number: int, citation: Citation, base: str = "") -> str:
    credit = citation.attribution and f"Theo {citation.attribution}"
    meta = " · ".join(x for x in (vi_date(citation.date), citation.author, credit) if x)
    passage = highlighted(citation.text, citation.answer_start, citation.answer_end)
    return (
        f'<li class="rag-source"><details><summary>[{number}] {text(citation.title)}'
        + (f' <span class="rag-meta">({text(meta)})</span>' if meta else "")
        + f'<span class="rag-opening">{text(opening(citation))}</span></summary><div class="rag-passage">{passage}</div>'
        f'<p class="rag-origin">{text(PurePath(citation.source).name)} — {text(citation.chunk_id)}'
        + (f' · trang {citation.page}' if citation.page else "")
        + (f' · {text(citation.url)}' if citation.url else "")
        + f' · <a class="rag-article-link" href="{escape(base + article_page.link(citation))}" target="_blank">Đọc toàn bài</a></p>'
        "</details></li>"
    )


def opening(citation: Citation, words: int = 12) -> str:
    """The passage's first words, past the title it may begin with, so that passages of one
    article can be told apart before they are opened."""
    body = citation.text
    if citation.title and body.startswith(citation.title):
        body = body[len(citation.title):]
    tokens = body.split()
    return " ".join(tokens[:words]) + ("…" if len(tokens) > words else "")
