"""An article in full, as a citation links to it: the cited passage and the answer highlighted and
scrolled to. Everything from the article is shown as text (escaped), never as markup; the four
offsets of the link are document offsets (`/articles/{doc_id}?start=…&end=…&answer_start=…&answer_end=…`).
"""
from __future__ import annotations

from html import escape
from pathlib import PurePath
from urllib.parse import quote

from .text import vi_date
from .types import Citation, Document

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.6; color: #1f2328; }
.rag-article-meta { color: #57606a; font-size: 0.95rem; }
.rag-article-text { white-space: pre-wrap; }
mark.rag-cited { background: #fff3b0; }
mark.rag-answer { background: #ffd33d; font-weight: 600; }
.rag-notice { padding: 1rem; border: 1px solid #d0d7de; border-radius: 6px; }
"""


def link(citation: Citation) -> str:
    """The article page of a citation, relative to the app's root (the chat prefixes it)."""
    params = f"start={citation.start}&end={citation.end}"
    if citation.answer_start is not None and citation.answer_end is not None:
        params += (f"&answer_start={citation.start + citation.answer_start}"
                   f"&answer_end={citation.start + citation.answer_end}")
    return f"articles/{quote(citation.doc_id, safe='')}?{params}"


def page(doc: Document, spans: dict[str, int | None]) -> str:
    """The whole page for `doc`; `spans` holds start/end/answer_start/answer_end, any of them None."""
    meta = " · ".join(x for x in (vi_date(doc.date), doc.author, doc.attribution and f"Theo {doc.attribution}") if x)
    origin = escape(PurePath(doc.source).name) + (f' · <a href="{escape(doc.url)}" rel="noreferrer">{escape(doc.url)}</a>'
                                                  if doc.url and doc.url.startswith(("http://", "https://")) else "")
    body = (f'<h1>{escape(doc.title)}</h1>'
            + (f'<p class="rag-article-meta">{escape(meta)}</p>' if meta else "")
            + f'<p class="rag-article-meta">Nguồn: {origin}</p>'
            + f'<div class="rag-article-text" lang="vi">{highlighted(doc.text, spans)}</div>')
    return _html(doc.title, body)


def notice(title: str, message: str) -> str:
    """A page for an article that is not there (removed, or never indexed)."""
    return _html(title, f'<h1>{escape(title)}</h1><p class="rag-notice">{escape(message)}</p>')


def checked_spans(text: str, start: int | None, end: int | None, answer_start: int | None,
                  answer_end: int | None) -> dict[str, int | None]:
    """The link's offsets where they make sense for this text; a pair that does not is dropped."""
    def pair(a, b):
        return (a, b) if a is not None and b is not None and 0 <= a < b <= len(text) else (None, None)

    start, end = pair(start, end)
    answer_start, answer_end = pair(answer_start, answer_end)
    return {"start": start, "end": end, "answer_start": answer_start, "answer_end": answer_end}


def highlighted(text: str, spans: dict[str, int | None]) -> str:
    """`text` escaped, the passage in one <mark> and the answer in another, the first one anchored."""
    marks = [(spans["answer_start"], spans["answer_end"], "rag-answer"), (spans["start"], spans["end"], "rag-cited")]
    marks = [m for m in marks if m[0] is not None]  # the answer innermost, inside the passage
    cuts = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})
    parts, anchored = [], False
    for a, b in zip(cuts, cuts[1:]):
        piece = escape(text[a:b])
        covering = [css for start, end, css in marks if start <= a and b <= end]
        for n, css in enumerate(covering):
            anchor = ' id="cited"' if not anchored and n == len(covering) - 1 else ""
            piece = f'<mark class="{css}"{anchor}>{piece}</mark>'
        anchored = anchored or bool(covering)
        parts.append(piece)
    return "".join(parts)


def _html(title: str, body: str) -> str:
    # The only script scrolls to the cited passage; the page loads nothing from elsewhere.
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style></head>'
            f'<body>{body}<script>document.getElementById("cited")?.scrollIntoView({{block: "center"}});</script>'
            '</body></html>')
