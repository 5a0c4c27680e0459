"""PDF and Word files, and text typed in the old Vietnamese encodings, on real files made here: a
shipped article printed to PDF by Chromium, written to .docx by python-docx, encoded in TCVN3 and VNI."""
import datetime
import html
import os
import re
import subprocess
import zipfile

import docx
import pypdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pdfminer.high_level import extract_text
from PIL import Image

from rag import legacy_encoding, store
from rag.ingest import ingest
from rag.loading import FileProblem, RawPage, clean_page, read_page
from rag.pipeline import RAG
from rag.text import sentence_spans

from .conftest import CORPUS

ARTICLE = CORPUS / "002_30ff043197b154a6.txt"  # its text prints on three pages: questions on page 1 and 2
OTHER = CORPUS / "003_8bd0d3019a000018.txt"
NEWS = CORPUS.parent.parent / "shared" / "corpora" / "news-vi"
CHROMIUM = ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SAME_SENTENCES = 0.98  # share of the .txt's cleaned sentences found, identical, in the PDF's or DOCX's


def expected(path):
    return clean_page(read_page(path), "x")


def raw_lines(path):
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def print_pdf(article, out):
    """The article's lines as paragraphs of an HTML page, printed with Chromium's running header (date,
    title) and footer (file address, "1/3"): furniture the reader has to remove."""
    page = out.with_suffix(".html")
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in raw_lines(article))
    page.write_text(f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>'
                    f"{html.escape(expected(article).title)}</title></head><body>{body}</body></html>", encoding="utf-8")
    subprocess.run([*CHROMIUM, f"--print-to-pdf={out}", str(page)], check=True, capture_output=True, timeout=120)
    return out


def write_docx(article, out):
    """Title as a heading, the other lines as paragraphs, a small table after the first long paragraph."""
    title, *lines = raw_lines(article)
    document = docx.Document()
    document.add_heading(title, level=1)
    first_long = next(i for i, line in enumerate(lines) if len(line) > 300)
    for i, line in enumerate(lines):
        document.add_paragraph(line)
        if i == first_long:
            table = document.add_table(rows=2, cols=3)
            for row, cells in zip(table.rows, [("Năm", "Số lớp", "Lượt báo cáo viên"), ("2013–2023", "8", "527")]):
                for cell, text in zip(row.cells, cells):
                    cell.text = text
    document.save(out)
    return out


def sentences(doc):
    return [doc.text[s:e] for s, e in sentence_spans(doc.text)]


def same_share(reference, doc):
    found = set(sentences(doc))
    return sum(s in found for s in sentences(reference)) / len(sentences(reference))


@pytest.fixture(scope="module")
def article_pdf(tmp_path_factory):
    return print_pdf(ARTICLE, tmp_path_factory.mktemp("pdf") / "phong-tho.pdf")


def test_a_printed_pdf_reads_as_its_text_file(article_pdf):
    doc, reference = clean_page(read_page(article_pdf), "phong-tho"), expected(ARTICLE)
    assert same_share(reference, doc) >= SAME_SENTENCES
    assert doc.text == reference.text  # on this article: exactly, header, footer and page numbers gone
    assert (doc.title, doc.date, doc.author) == (reference.title, reference.date, reference.author)
    # Five pages printed; the site's chrome after the article, cut by cleaning, fills the last two.
    assert len(pypdf.PdfReader(article_pdf).pages) == 5 and len(doc.pages) == 3 and doc.pages[0] == 0
    for number, start in enumerate(doc.pages, 1):  # each page starts at a paragraph printed on it
        assert start == 0 or doc.text[start - 2:start] == "\n\n"
        first_words = " ".join(doc.text[start:].split()[:6])
        assert first_words in " ".join(extract_text(article_pdf, page_numbers=[number - 1]).split())


def test_a_word_file_reads_as_its_text_file_with_its_table(tmp_path):
    doc, reference = clean_page(read_page(write_docx(ARTICLE, tmp_path / "phong-tho.docx")), "x"), expected(ARTICLE)
    assert same_share(reference, doc) >= SAME_SENTENCES
    assert "\n\nNăm | Số lớp | Lượt báo cáo viên\n\n2013–2023 | 8 | 527\n\n" in doc.text
    assert doc.text.replace("Năm | Số lớp | Lượt báo cáo viên\n\n2013–2023 | 8 | 527\n\n", "") == reference.text
    # python-docx's template says author "python-docx", created 2013: said by no one, so not used
    assert (doc.title, doc.date, doc.author, doc.pages) == (reference.title, reference.date, reference.author, ())


def test_word_properties_are_used_when_they_say_something(tmp_path):
    document = docx.Document()
    document.add_paragraph("Hội nghị tổng kết công tác tuyên giáo năm 2024 của tỉnh")
    document.add_paragraph("Ban Tuyên giáo tổng kết công tác năm với nhiều kết quả quan trọng trên mọi lĩnh vực.")
    document.core_properties.author = "Ban Tuyên giáo Tỉnh ủy"
    document.core_properties.title = "Microsoft Word - tong-ket.docx"
    document.core_properties.created = datetime.datetime(2024, 12, 20, 9, 30)
    document.save(tmp_path / "tong-ket.docx")
    doc = clean_page(read_page(tmp_path / "tong-ket.docx"), "x")
    assert (doc.title, doc.author, doc.date) == ("Hội nghị tổng kết công tác tuyên giáo năm 2024 của tỉnh",
                                                 "Ban Tuyên giáo Tỉnh ủy", "2024-12-20")


def test_word_runs_in_old_vietnamese_fonts_are_converted(tmp_path):
    tcvn3 = {v: k for k, v in legacy_encoding.TCVN3.items()}
    vni = {v: k for k, v in legacy_encoding.VNI.items()}
    document = docx.Document()
    for text, font, table in (("cộng hòa xã hội chủ nghĩa việt nam", ".VnTimeH", tcvn3),
                              ("Đảng bộ huyện có 62 tổ chức cơ sở đảng", ".VnTime", tcvn3),
                              ("Ban Thường vụ Huyện ủy ban hành kế hoạch", "VNI-Times", vni)):
        run = document.add_paragraph().add_run("".join(table.get(c, c) for c in text))
        run.font.name = font
    document.save(tmp_path / "cu.docx")
    assert [line for line in read_page(tmp_path / "cu.docx").lines if line] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Đảng bộ huyện có 62 tổ chức cơ sở đảng",
        "Ban Thường vụ Huyện ủy ban hành kế hoạch"]


def test_a_folder_of_pdf_and_word_files_ingests_naming_each_bad_one(tmp_path, embedder, article_pdf):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "phong-tho.pdf").write_bytes(article_pdf.read_bytes())
    write_docx(OTHER, folder / "bac-quang.docx")
    Image.new("RGB", (600, 800), "white").save(folder / "scan.pdf", "PDF")  # pictures only, no text layer
    locked = pypdf.PdfWriter(clone_from=article_pdf)
    locked.encrypt("mat-khau", algorithm="AES-256")
    locked.write(folder / "locked.pdf")
    (folder / "random.docx").write_bytes(os.urandom(4096))
    whole = (folder / "bac-quang.docx").read_bytes()
    (folder / "truncated.docx").write_bytes(whole[:len(whole) // 2])
    (folder / "photo.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2048))  # a binary renamed .pdf
    report = ingest([folder], tmp_path / "index", embedder, progress=False)
    assert sorted(report.added) == ["bac-quang", "phong-tho"]
    reasons = {"scan.pdf": "PDF này không có lớp chữ (ảnh quét); cần nhận dạng chữ (OCR) trước",
               "locked.pdf": "password", "random.docx": "not a real Word file",
               "truncated.docx": "damaged Word file", "photo.pdf": "not a real PDF file"}
    for name, reason in reasons.items():
        assert reason in next(p for p in report.problems if name in p), name
    assert len(report.problems) == len(reasons)

    rag = RAG(store.load(tmp_path / "index"), embedder, reader="rules")
    for question, answer, page in (("Tổng số đảng viên của Đảng bộ huyện Phong Thổ là bao nhiêu?", "3.517", 1),
                                   ("Hiện nay huyện Phong Thổ có bao nhiêu báo cáo viên cấp huyện?", "30", 2)):
        reply = rag.ask(question)
        cited = reply.citations[0]
        document = rag.index.documents[cited.doc_id]
        assert answer in reply.answer and cited.source == str(folder / "phong-tho.pdf")
        assert document.text[cited.start:cited.end] == cited.text
        assert cited.page == document.page_at(cited.start) in (1, 2)
        start_words = " ".join(cited.text.split()[:6])
        assert start_words in " ".join(extract_text(article_pdf, page_numbers=[cited.page - 1]).split())
        sentence_at = document.text.index(reply.sentence)
        assert document.page_at(sentence_at) == page


PARAGRAPHS = [line for line in raw_lines(ARTICLE) if len(line) > 150]  # body text: never furniture, no dateline


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(range(len(PARAGRAPHS))), st.integers(0, 2)), min_size=2, max_size=12,
                unique_by=lambda picked: picked[0]))
def test_each_paragraph_is_cited_on_the_page_it_was_printed_on(picked):
    """Pages of one paragraph, of several, and of none (a figure), in any order of paragraphs."""
    lines, on_pages, page = [], [], 1
    for index, step in picked:
        page += step
        lines.append(PARAGRAPHS[index])
        on_pages.append(page)
    doc = clean_page(RawPage(CORPUS / "x.pdf", lines, line_pages=tuple(on_pages)), "x")
    printed_on = dict(zip(lines, on_pages))
    offset = 0
    for paragraph in doc.text.split("\n\n"):
        assert doc.page_at(offset) == printed_on[paragraph]
        offset += len(paragraph) + 2
    assert list(doc.pages) == sorted(doc.pages) and doc.pages[0] == 0 and len(doc.pages) == max(on_pages)
    assert all(start == 0 or doc.text[start - 2:start] == "\n\n" for start in doc.pages)


@pytest.mark.parametrize("encoding", ["TCVN3", "VNI"])
def test_old_encodings_convert_back_to_the_article_exactly(tmp_path, encoding):
    table = {v: k for k, v in legacy_encoding.TABLES[encoding].items()}
    original = ARTICLE.read_text(encoding="utf-8")
    if encoding == "TCVN3":  # it has no capitals with tone marks: those were typed with the lowercase codes
        original = "".join(c.lower() if c not in table and c.lower() in table else c for c in original)
    soup = "".join(table.get(c, c) for c in original)
    (tmp_path / "bytes.txt").write_bytes(soup.encode("cp1252"))  # as the old editors saved it
    (tmp_path / "pasted.txt").write_text(soup, encoding="utf-8")  # soup copied into a Unicode file
    for name in ("bytes.txt", "pasted.txt"):
        assert "\n".join(read_page(tmp_path / name).lines) == original, name
    assert legacy_encoding.detect(soup) == encoding


def test_text_half_unicode_half_old_encoding_is_named_with_the_fix(tmp_path):
    vni = {v: k for k, v in legacy_encoding.VNI.items()}
    text = ARTICLE.read_text(encoding="utf-8")
    half = len(text) // 2
    (tmp_path / "mixed.txt").write_text(text[:half] + "".join(vni.get(c, c) for c in text[half:]), encoding="utf-8")
    with pytest.raises(FileProblem, match="UniKey's converter") as problem:
        read_page(tmp_path / "mixed.txt")
    assert "mixed.txt" in str(problem.value)


def test_no_unicode_article_is_taken_for_an_old_encoding():
    files = sorted(NEWS.glob("*.txt")) + sorted(CORPUS.glob("*.txt"))
    assert len(files) == 2653 + 5
    assert [f.name for f in files if legacy_encoding.detect(f.read_text(encoding="utf-8"))] == []


def test_a_docx_that_is_a_zip_without_a_document_is_not_a_word_file(tmp_path):
    with zipfile.ZipFile(tmp_path / "archive.docx", "w") as package:
        package.writestr("notes.txt", "ghi chú")
    with pytest.raises(FileProblem, match=re.escape("not a real Word file")):
        read_page(tmp_path / "archive.docx")
