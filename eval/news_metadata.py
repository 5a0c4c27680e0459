"""How well the metadata of the news-vi articles is read: title, date, author, attribution.

    .venv/bin/python eval/news_metadata.py

Every file of ../shared/corpora/news-vi is read and cleaned as `rag ingest` does for a folder
(lines repeated across the folder passed to clean_page; a file left with no text is refused and
named) and chunked as the index chunks it, with no embedding. Prints, over all files:

- right title: the title is the first line after the "# key = value" header (NFC, without a list
  mark, runs of spaces as one), shortened for display;
- right date: the date is the "# date" header's;
- header lines in chunks: chunks holding a "# key = value" line (should be 0);
- authors, attributions found: documents with one;
- glued remaining: authors that still hold an attribution ("Theo …", a camel-glued outlet), i.e.
  that rag.byline.split_byline does not give back unchanged and alone.
"""
from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

from rag.byline import split_byline
from rag.chunking import chunk_document, make_splitter
from rag.ingest import ChunkSettings
from rag.loading import FileProblem, clean_page, iso_date, read_page, repeated_lines, short_title
from rag.text import nfc

NEWS = Path(__file__).resolve().parents[2] / "shared/corpora/news-vi"
_HEADER = re.compile(r"^#\s*[A-Za-z][\w-]*\s*=", re.MULTILINE)
_BULLET = re.compile(r"^[-–*•\s]+")  # "- Tuổi: …" is shown without its list mark


def header_and_first_line(path: Path) -> tuple[dict, str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    fields = dict(line[1:].split("=", 1) for line in lines if _HEADER.match(line))
    first = next(line for line in lines if not _HEADER.match(line))
    return {k.strip(): v.strip() for k, v in fields.items()}, re.sub(r"\s+", " ", _BULLET.sub("", nfc(first)))


def glued(author: str) -> bool:
    return split_byline(author) != (author, None)


def main() -> None:
    files = sorted(NEWS.glob("*.txt"))
    started = time.perf_counter()
    pages = [read_page(path) for path in files]
    repeated = repeated_lines(pages)
    documents, refused = {}, []
    for page in pages:
        try:
            documents[page.path] = clean_page(page, page.path.stem, repeated)
        except FileProblem as problem:  # as ingest does: named and skipped
            refused.append(str(problem))
    cleaned_s = time.perf_counter() - started
    settings = ChunkSettings()
    splitter = make_splitter(settings.chunk_size, settings.chunk_overlap)
    started = time.perf_counter()
    chunks = [chunk for doc in documents.values() for chunk in chunk_document(doc, splitter)]
    chunked_s = time.perf_counter() - started

    right_title = right_date = 0
    for path, doc in documents.items():
        header, first = header_and_first_line(path)
        right_title += doc.title == short_title(first)
        right_date += doc.date is not None and doc.date == iso_date(header.get("date"))
    n = len(files)
    docs = list(documents.values())
    authors = [d.author for d in docs if d.author]
    attributions = [d.attribution for d in docs if d.attribution]
    still_glued = [a for a in authors if glued(a)]
    print(f"files: {n}, refused: {len(refused)}  (read and cleaned in {cleaned_s:.1f} s; "
          f"{len(chunks)} chunks in {chunked_s:.1f} s)")
    for problem in refused:
        print("  " + problem)
    print(f"right title: {right_title / n:.2%}  right date: {right_date / n:.2%}")
    print(f"header lines in chunks: {sum(bool(_HEADER.search(c.text)) for c in chunks)}")
    print(f"authors found: {len(authors) / n:.2%}  attributions found: {len(attributions) / n:.2%}  "
          f"both: {sum(bool(d.author and d.attribution) for d in docs) / n:.2%}  "
          f"neither: {sum(not (d.author or d.attribution) for d in docs) / n:.2%}")
    print(f"glued remaining: {len(still_glued)}" + (f"  e.g. {still_glued[:5]}" if still_glued else ""))
    print("most frequent authors:", Counter(authors).most_common(8))
    print("most frequent attributions:", Counter(attributions).most_common(8))


if __name__ == "__main__":
    main()
