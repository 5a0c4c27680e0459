"""Cleaning of the shipped articles: chrome out, article in, metadata right."""
import json
import re
import unicodedata
from pathlib import Path

import pytest

from rag.byline import split_byline
from rag.chunking import chunk_document, make_splitter
from rag.ingest import ChunkSettings
from rag.loading import FileProblem, clean_page, iso_date, read_page, repeated_lines, short_title

from .conftest import CORPUS

FILES = sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def documents():
    pages = [read_page(p) for p in FILES]
    repeated = repeated_lines(pages)
    return {p.path.stem: clean_page(p, p.path.stem, repeated) for p in pages}


CHROME = [
    "Văn bản mới", "25/2024/TT-BTC", "477/CT-UBND", "lượt xem", "lượt tải", "Tổng lượt truy cập",
    "Đang truy cập", "Hôm nay", "Tháng hiện tại", "Tổng số điểm của bài viết", "đánh giá\n",
    "Bạn đã không sử dụng Site", "đăng nhập", "Go top", "hienphapvn", "Description:", "F:\\",
    ".jpg", "Thống kê truy cập", "Người trực tuyến", "bình chọn", "Đại hội thi đua yêu nước",
    "48vu vo", "Tin khác",
]


def test_no_site_chrome_survives_in_any_chunk(documents):
    splitter = make_splitter(1000, 150)
    for doc in documents.values():
        for chunk in chunk_document(doc, splitter):
            for chrome in CHROME:
                assert chrome not in chunk.text + "\n", (doc.doc_id, chrome)
            assert not re.search(r"^(top|down)$", chunk.text, re.MULTILINE)


def _norm(text):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).replace("\u00a0", " ")).strip()


def test_every_article_paragraph_survives_whole(documents):
    for path in FILES:
        raw = path.read_text(encoding="utf-8")
        body = raw.split("Tổng số điểm của bài viết")[0].split("Tin khác")[0].split("Go top")[0]
        cleaned = _norm(documents[path.stem].text)
        paragraphs = [p for p in body.split("\n") if len(p.strip()) > 150]
        assert paragraphs
        for paragraph in paragraphs:
            assert _norm(paragraph) in cleaned, paragraph[:80]


def test_captions_printed_twice_appear_once(documents):
    assert documents["001_c0d09ef692890f55"].text.count("Quang cảnh Hội nghị") == 1
    caption = "Chất lượng tổ chức học tập nghị quyết của Đảng từ huyện đến cơ sở được nâng cao"
    assert documents["002_30ff043197b154a6"].text.count(caption) == 1
    assert documents["000_ab156e6516d54533"].text.count("Đồng Chí Vũ Mạnh Hà") == 1


EXPECTED = {
    "000_ab156e6516d54533": ("Công tác lý luận chính trị của Đảng bộ tỉnh sau 2,5 năm thực hiện Nghị quyết "
                             "Đại hội Đảng bộ tỉnh lần thứ XIV", "2023-10-30", "Đỗ Nhung"),
    "001_c0d09ef692890f55": ("Hội nghị sơ kết công tác tuyên giáo giữa nhiệm kỳ và 6 tháng đầu năm 2023",
                             "2023-07-18", "Vũ Võ"),
    "002_30ff043197b154a6": ("Phong Thổ đổi mới, nâng cao chất lượng, hiệu quả công tác tuyên truyền, tổ chức "
                             "học tập, quán triệt nghị quyết của Đảng", "2023-06-12", "Đỗ Phương"),
    "003_8bd0d3019a000018": ("Bắc Quang: Chú trọng giáo dục chính trị, tư tưởng cho tổ chức đảng và đảng viên",
                             "2021-12-28", "CTV"),
    "004_c81213e13d664aa3": ("Điểm nhấn công tác xây dựng Đảng ở Quảng Trị", None, "Chí Nhân"),
}


@pytest.mark.parametrize("doc_id", sorted(EXPECTED))
def test_title_date_author(documents, doc_id):
    doc = documents[doc_id]
    assert (doc.title, doc.date, doc.author) == EXPECTED[doc_id]
    assert doc.text.startswith(doc.title)
    assert doc.source.endswith(doc_id + ".txt")


def test_text_is_nfc_even_from_nfd_files(tmp_path):
    source = FILES[2].read_text(encoding="utf-8")
    nfd = tmp_path / "nfd.txt"
    nfd.write_text(unicodedata.normalize("NFD", source), encoding="utf-8")
    doc = clean_page(read_page(nfd), "nfd")
    assert unicodedata.is_normalized("NFC", doc.text)
    assert "3.517 đảng viên" in doc.text


def test_saved_html_page_goes_through_trafilatura(tmp_path):
    article = FILES[2].read_text(encoding="utf-8").split("Tác giả")[0].split("\n")
    paragraphs = "".join(f"<p>{line}</p>" for line in article[3:] if line.strip())
    html = (
        "<html><head><title>Phong Thổ đổi mới công tác tuyên truyền</title>"
        '<meta name="author" content="Đỗ Phương"><meta property="article:published_time" content="2023-06-12">'
        "</head><body><nav><a href='/'>Trang chủ</a> <a href='/tin'>Tin tức</a></nav>"
        f"<article><h1>Phong Thổ đổi mới công tác tuyên truyền</h1>{paragraphs}</article>"
        "<footer>Tổng lượt truy cập: 28.386.511 — Bản quyền thuộc Ban Tuyên giáo</footer></body></html>"
    )
    page = tmp_path / "phong-tho.html"
    page.write_text(html, encoding="utf-8")
    doc = clean_page(read_page(page), "phong-tho")
    assert doc.title == "Phong Thổ đổi mới công tác tuyên truyền"
    assert doc.date == "2023-06-12"
    assert doc.author == "Đỗ Phương"
    assert "tổng số 3.517 đảng viên" in doc.text
    assert "Tổng lượt truy cập" not in doc.text and "Trang chủ" not in doc.text


@pytest.mark.parametrize(
    "content, reason",
    [(b"", "empty"), (b"\x00\x01\x02binary\x00", "binary"), (b"\xd0\xe3ng vi\xean", "not UTF-8")],
)
def test_unreadable_files_are_named_with_the_fix(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(FileProblem, match=reason) as problem:
        read_page(path)
    assert str(path) in str(problem.value)


NEWS = CORPUS.parent.parent / "shared" / "corpora" / "news-vi"


def test_news_vi_header_lines_are_metadata_never_text():
    """Checked by hand on news_business_001: header lines give the date and the address, the
    headline is the first line, and no header line is indexed."""
    doc = clean_page(read_page(NEWS / "news_business_001.txt"), "news_business_001")
    assert doc.title == "Vinamilk lọt Top 1.000 thương hiệu hàng đầu châu Á"
    assert doc.date == "2020-10-01"
    assert doc.url == ("https://dantri.com.vn/kinh-doanh/"
                       "vinamilk-lot-top-1000-thuong-hieu-hang-dau-chau-a-20201001163534963.htm")
    assert doc.text.startswith("Vinamilk lọt Top 1.000 thương hiệu hàng đầu châu Á\n\nNăm 2020, Vinamilk")
    assert "doc_id =" not in doc.text and "dantri.com.vn" not in doc.text


@pytest.fixture(scope="module")
def news_pages():
    return [read_page(path) for path in sorted(NEWS.glob("*.txt"))]


def test_every_news_vi_file_gets_its_date_address_and_a_short_title(news_pages):
    assert len(news_pages) == 2653
    for page in news_pages:
        path = page.path
        header = dict(line[2:].split(" = ", 1) for line in path.read_text(encoding="utf-8").splitlines()[:3])
        doc = clean_page(page, path.stem)
        assert doc.date == f"{header['date'][:4]}-{header['date'][4:6]}-{header['date'][6:8]}", path.name
        assert doc.url == header["url"] and not doc.title.startswith("#"), path.name
        assert not any(line.startswith("# ") for line in doc.text.splitlines()), path.name
        first_line = doc.text.split("\n\n", 1)[0]
        assert doc.title == first_line or (doc.title.endswith("…") and first_line.startswith(doc.title[:-1]))
        assert len(doc.title) <= 151


SAMPLE = json.loads((Path(__file__).parent / "data" / "news_sample.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("expected", SAMPLE, ids=[e["file"] for e in SAMPLE])
def test_news_vi_sample_checked_by_hand(expected):
    """Articles whose title, date, author and attribution were read by hand: bylines glued to their outlet
    ("Nhật LinhTheo Reuters", "Theo D.AnhVietnamNet") or on two lines ("Theo Quang Dân" over "Dân Việt"),
    credits and footnotes under the name, no byline at all, first lines long, NFD or list items."""
    path = NEWS / expected["file"]
    doc = clean_page(read_page(path), path.stem)
    assert {"file": path.name, "title": doc.title, "date": doc.date, "author": doc.author,
            "attribution": doc.attribution} == expected


def _first_line(path):
    """A news-vi file's first line after its "# key = value" header, as a title shows it (NFC, no list mark)."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    first = next(line for line in lines if not line.startswith("# "))
    return " ".join(unicodedata.normalize("NFC", first).lstrip("-–*• ").split())


def test_news_vi_folder_as_ingested_keeps_its_metadata(news_pages):
    """Every news-vi file cleaned as `rag ingest` cleans a folder (with the lines repeated across it) and chunked:
    titles and dates right, no header line indexed, no author left glued to an outlet."""
    files = [page.path for page in news_pages]
    repeated = repeated_lines(news_pages)
    documents = {}
    for page in news_pages:
        try:
            documents[page.path] = clean_page(page, page.path.stem, repeated)
        except FileProblem:  # an article whose every line is also in another file: named and skipped by ingest
            pass
    assert len(documents) >= 0.99 * len(files)
    right_title = sum(doc.title == short_title(_first_line(path)) for path, doc in documents.items())
    right_date = sum(doc.date == iso_date(path.read_text(encoding="utf-8").split("# date = ", 1)[1][:8])
                     for path, doc in documents.items())
    assert right_title >= 0.99 * len(files) and right_date >= 0.99 * len(files)
    settings = ChunkSettings()
    splitter = make_splitter(settings.chunk_size, settings.chunk_overlap)
    for doc in documents.values():
        for chunk in chunk_document(doc, splitter):
            assert not re.search(r"^#\s*[A-Za-z][\w-]*\s*=", chunk.text, re.MULTILINE), doc.doc_id
    authors = [doc.author for doc in documents.values() if doc.author]
    assert [a for a in authors if "Theo " in a or split_byline(a) != (a, None)] == []
    assert len(authors) >= 0.88 * len(files)  # 90.4 % measured (eval/news_metadata.py); the rest have no byline
    assert sum(bool(doc.attribution) for doc in documents.values()) >= 0.27 * len(files)  # 29.2 % measured


def test_markdown_front_matter_is_metadata(tmp_path):
    page = tmp_path / "ke-hoach.md"
    page.write_text("---\ntitle: \"Kế hoạch tuyên truyền năm 2024\"\ndate: 2024-03-05\nauthor: Ban Tuyên giáo\n"
                    "url: https://example.vn/ke-hoach\n---\n\n# Kế hoạch tuyên truyền năm 2024\n\n"
                    "Ban Tuyên giáo ban hành kế hoạch tuyên truyền với 12 nội dung trọng tâm trong năm.\n",
                    encoding="utf-8")
    doc = clean_page(read_page(page), "ke-hoach")
    assert (doc.title, doc.date, doc.author, doc.url) == ("Kế hoạch tuyên truyền năm 2024", "2024-03-05",
                                                          "Ban Tuyên giáo", "https://example.vn/ke-hoach")
    assert "title:" not in doc.text and "12 nội dung trọng tâm" in doc.text


def test_a_copy_of_an_article_in_the_same_folder_is_named_as_a_copy(tmp_path):
    original = next(CORPUS.glob("*.txt"))
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_bytes(original.read_bytes())
    pages = [read_page(tmp_path / "a.txt"), read_page(tmp_path / "b.txt")]
    with pytest.raises(FileProblem, match="every line is also in another file of this folder"):
        clean_page(pages[1], "b", repeated_lines(pages))
