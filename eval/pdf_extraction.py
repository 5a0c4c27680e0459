"""Which library reads a PDF's Vietnamese text layer best? Measured on the shipped articles.

    python eval/pdf_extraction.py [--out eval/pdf_extraction.json]

Each article of corpus/ (its cleaned text: the title, then one paragraph a line) is written as a
UTF-8 HTML page and printed to PDF by Debian's Chromium in three layouts (plain; justified serif;
two justified columns), then read back by pypdf (plain text, and its layout mode, which marks
vertical gaps with blank lines) and by pdfminer.six (its text boxes). Per library and layout, over
the five articles:

- sentences identical: share of the article's sentences (rag.text.sentence_spans) found
  character for character, after NFC, in the extraction (runs of whitespace count as one space,
  so a line wrapped by the layout is no difference);
- words split: share of the extraction's words (rag.text.words) that are not words of the
  article, the sign of a syllable broken apart or glued to its neighbour;
- diacritics intact: share of the article's accented letters found, as the same NFC character,
  in the extraction (multiset intersection);
- paragraphs as blocks: share of the article's paragraphs the library hands over as one block of
  text (nothing before or after it), which is what rag.pdf needs to join wrapped lines back;
- seconds per page: extraction time over the pages printed.

Writes the figures to eval/pdf_extraction.json and prints a Markdown table.
"""
from __future__ import annotations

import argparse
import html
import json
import re
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

import pdfminer
import pypdf
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTTextContainer

from rag.loading import clean_page, read_page
from rag.text import nfc, sentence_spans, words

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--no-pdf-header-footer"]


LAYOUTS = {
    "plain": "",
    "justified serif": "body{font-family:serif;text-align:justify}",
    "two columns": "body{column-count:2;text-align:justify;font-size:10pt}",
}


def print_pdf(title: str, paragraphs: list[str], css: str, folder: Path) -> Path:
    """The article as Chromium prints a plain HTML page of it."""
    page, pdf = folder / "article.html", folder / "article.pdf"
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
    page.write_text(f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)}'
                    f"</title><style>{css}</style></head><body><h1>{html.escape(title)}</h1>\n{body}</body></html>",
                    encoding="utf-8")
    subprocess.run([*CHROMIUM, f"--print-to-pdf={pdf}", str(page)], check=True, capture_output=True, timeout=120)
    return pdf


# Each reader gives the pages of a PDF as lists of blocks of text.
def with_pypdf(pdf: Path) -> list[list[str]]:
    return [page.extract_text().split("\n") for page in pypdf.PdfReader(pdf).pages]  # lines, no blocks


def with_pypdf_layout(pdf: Path) -> list[list[str]]:
    return [re.split(r"\n\s*\n", page.extract_text(extraction_mode="layout"))
            for page in pypdf.PdfReader(pdf).pages]


def with_pdfminer(pdf: Path) -> list[list[str]]:
    return [[box.get_text() for box in page if isinstance(box, LTTextContainer)] for page in extract_pages(pdf)]


LIBRARIES = {f"pypdf {pypdf.__version__}": with_pypdf, f"pypdf {pypdf.__version__} (layout mode)": with_pypdf_layout,
             f"pdfminer.six {pdfminer.__version__}": with_pdfminer}
MEASURES = ("sentences_identical", "words_split", "diacritics_intact", "paragraphs_as_blocks")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", nfc(text)).strip()


def _accented(text: str) -> Counter:
    return Counter(c for c in nfc(text) if c.isalpha() and not c.isascii())


def scores(article: str, pages: list[list[str]]) -> dict[str, float]:
    blocks = [_flat(block) for page in pages for block in page]
    extracted = "\n".join(blocks)
    flat = _flat(extracted)
    sentences = [_flat(article[s:e]) for s, e in sentence_spans(article)]
    paragraphs = [_flat(p) for p in article.split("\n\n")]
    vocabulary = set(words(article))
    found = words(extracted)
    accented = _accented(article)
    return {
        "sentences_identical": sum(s in flat for s in sentences) / len(sentences),
        "words_split": sum(w not in vocabulary for w in found) / max(len(found), 1),
        "diacritics_intact": sum((accented & _accented(extracted)).values()) / sum(accented.values()),
        "paragraphs_as_blocks": sum(p in set(blocks) for p in paragraphs) / len(paragraphs),
    }


def measure() -> dict:
    results = {f"{name} · {layout}": {"articles": [], "pages": 0, "seconds": 0.0}
               for name in LIBRARIES for layout in LAYOUTS}
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted((ROOT / "corpus").glob("*.txt")):
            doc = clean_page(read_page(path), path.stem)
            paragraphs = doc.text.split("\n\n")
            for layout, css in LAYOUTS.items():
                pdf = print_pdf(paragraphs[0], paragraphs[1:], css, Path(tmp))
                for name, extract in LIBRARIES.items():
                    result = results[f"{name} · {layout}"]
                    began = time.perf_counter()
                    pages = extract(pdf)
                    result["seconds"] += time.perf_counter() - began
                    result["pages"] += len(pages)
                    result["articles"].append({"article": path.name, "pages": len(pages), **scores(doc.text, pages)})
    for result in results.values():
        for key in MEASURES:
            result[key] = round(sum(a[key] for a in result["articles"]) / len(result["articles"]), 4)
        result["seconds_per_page"] = round(result.pop("seconds") / result["pages"], 4)
    return results


def table(results: dict) -> str:
    rows = [("| library · layout | sentences identical | words split | diacritics intact | paragraphs as blocks "
             "| s/page |"), "|---|---|---|---|---|---|"]
    rows += [f"| {name} | {r['sentences_identical']:.1%} | {r['words_split']:.2%} | {r['diacritics_intact']:.2%} "
             f"| {r['paragraphs_as_blocks']:.1%} | {r['seconds_per_page']:.3f} |" for name, r in results.items()]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "pdf_extraction.json")
    out = parser.parse_args().out
    results = measure()
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(table(results))


if __name__ == "__main__":
    main()
