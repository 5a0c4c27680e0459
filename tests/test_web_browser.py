"""The web chat in a real browser: Debian's headless Chromium, driven by Playwright, against a
real uvicorn server on the real corpus index. Every request the page makes is recorded."""
from __future__ import annotations

import json

import pytest

from rag import RAG, store
from rag.config import Settings
from rag.ingest import ingest
from rag.pipeline import NOT_FOUND
from rag.server import create_app

from .web_support import (ANSWER, ARTIFACTS, QUESTION, PrefixProxy, Watch, ask_in_page, chromium,
                          live_server, outbound_connections, wait_for)

HOSTILE = """Cảnh báo mã độc trên cổng thông tin nội bộ

12/03/2024 08:00

Ngày 12/3/2024, bộ phận kỹ thuật phát hiện đoạn mã <script>alert(1)</script> được chèn vào trang tin của cơ quan.
Kẻ tấn công còn chèn thẻ ảnh <img src=x onerror=alert(1)> vào phần bình luận của bài viết.
Bài viết giả mạo dẫn người đọc tới đường dẫn [bấm vào đây](http://evil.example/) để đánh cắp mật khẩu, kèm chữ **đậm giả** và công thức $x^2$.
Bộ phận kỹ thuật đã gỡ bỏ toàn bộ mã độc trong vòng 2 giờ.

Tác giả: Nguyễn Văn An
"""
MARKUP = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
          "[bấm vào đây](http://evil.example/)", "**đậm giả**", "$x^2$"]


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def settings(tmp_path, **extra) -> Settings:
    return Settings(feedback=tmp_path / "feedback" / "feedback.jsonl", **extra)


def test_chat_answers_with_highlighted_sources_and_records_votes(rag, browser, tmp_path):
    config = settings(tmp_path)
    with outbound_connections() as outbound, live_server(create_app(rag, config)) as url:
        page = browser.new_page(viewport={"width": 1100, "height": 1000}, locale="vi-VN")
        watch = Watch().attach(page)
        page.goto(url + "/")
        status = page.locator("#rag-status")
        assert f"{len(rag.index.documents)} bài viết" in status.inner_text()
        assert page.evaluate("document.documentElement.lang") == "vi"  # Gradio's page says "en"
        assert f"{len(rag.index.chunks)} đoạn" in status.inner_text()
        assert rag.index.embedder_name in status.inner_text()

        answer = ask_in_page(page, QUESTION)
        assert answer.locator(".rag-short").inner_text() == ANSWER
        assert answer.locator(".rag-sentence mark").inner_text() == ANSWER
        source = answer.locator(".rag-source").first
        summary = source.locator("summary").inner_text()
        assert summary.startswith("[1] Công tác lý luận chính trị") and "30/10/2023" in summary
        assert "Đỗ Nhung" in summary
        passage = source.locator(".rag-passage")
        assert not passage.is_visible()
        source.locator("summary").click()
        assert passage.is_visible() and passage.locator("mark").inner_text() == ANSWER
        page.locator("#rag-chat").evaluate(  # the question back in view, for the screenshot
            "chat => chat.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)

        page.locator("#rag-send").click()  # nothing typed
        page.get_by_text("Câu hỏi đang trống; hãy nhập một câu hỏi.").wait_for(timeout=10_000)
        assert page.locator("#rag-chat .message.user").count() == 1  # the empty one was not added

        abstained = ask_in_page(page, "Giá vàng hôm nay là bao nhiêu?", answers_before=1)
        assert NOT_FOUND in abstained.inner_text()
        assert "rag-abstained" in abstained.get_attribute("class")

        page.get_by_label("Like", exact=True).first.click()
        log = config.feedback
        line = wait_for(lambda: log.exists() and log.read_text(encoding="utf-8"), what="feedback line")
        record = json.loads(line.splitlines()[0])
        assert record["question"] == QUESTION and record["answer"] == ANSWER
        assert record["vote"] == "up" and record["doc_id"] == "000_ab156e6516d54533"
        assert record["citations"][0]["chunk_id"].startswith("000_ab156e6516d54533#")
        assert set(record) == {"question", "resolved_question", "kind", "answer", "abstained", "doc_id",
                               "citations", "history", "vote", "time"}
        assert record["kind"] == "fact" and record["history"] == []

        page.get_by_label("Dislike", exact=True).nth(1).click()
        wait_for(lambda: len(log.read_text(encoding="utf-8").splitlines()) == 2, what="second vote")
        second = json.loads(log.read_text(encoding="utf-8").splitlines()[1])
        assert second["vote"] == "down" and second["abstained"] and second["answer"] is None
        assert second["history"][0]["question"] == QUESTION  # it was asked after the first

    assert watch.foreign_requests(url) == [], "the page reached beyond the server"
    assert watch.policy_violations() == [] and watch.errors == [] and watch.dialogs == []
    assert outbound == [], "the server connected beyond this machine"


def test_a_three_turn_conversation_shows_how_each_question_was_understood(rag, browser):
    with outbound_connections() as outbound, live_server(create_app(rag, Settings())) as url:
        page = browser.new_page(viewport={"width": 1100, "height": 1200}, locale="vi-VN")
        watch = Watch().attach(page)
        page.goto(url + "/")
        fact = ask_in_page(page, "Phong Thổ có bao nhiêu đảng viên?")
        assert "3.517" in fact.locator(".rag-short").inner_text()
        assert fact.locator(".rag-understood").count() == 0  # understood as typed: nothing to say

        follow_up = ask_in_page(page, "Còn Bắc Quang thì sao?", answers_before=1)
        assert follow_up.locator(".rag-understood").inner_text() == \
            "Hiểu câu hỏi là: Bắc Quang có bao nhiêu đảng viên?"
        assert NOT_FOUND in follow_up.inner_text()

        summary = ask_in_page(page, "Tóm tắt bài viết về Bắc Quang", answers_before=2)
        quotes = summary.locator(".rag-quotes li")
        assert 3 <= quotes.count() <= 6
        text = rag.index.documents["003_8bd0d3019a000018"].text
        for n in range(quotes.count()):
            quoted = quotes.nth(n).locator("q").inner_text()
            assert quoted in text  # copied from the article, word for word
            assert quotes.nth(n).locator(".rag-ref").inner_text().startswith("[")
        assert summary.locator(".rag-source summary").first.inner_text().startswith("[1] Bắc Quang")

        page.locator("#rag-clear").click()
        wait_for(lambda: page.locator(".rag-answer").count() == 0, what="the conversation cleared")
        again = ask_in_page(page, "Còn Bắc Quang thì sao?")  # no history any more: read as typed
        assert again.locator(".rag-understood").count() == 0
    assert watch.foreign_requests(url) == [], "the page reached beyond the server"
    assert watch.errors == [] and outbound == []


@pytest.fixture(scope="module")
def hostile_rag(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "canh-bao-ma-doc.txt").write_text(HOSTILE, encoding="utf-8")
    index = tmp_path_factory.mktemp("hostile-index")
    ingest([folder], index, embedder, progress=False)
    return RAG(store.load(index), embedder)


def test_markup_in_articles_and_questions_is_shown_as_text(hostile_rag, browser, tmp_path):
    with live_server(create_app(hostile_rag, settings(tmp_path))) as url:
        page = browser.new_page()
        watch = Watch().attach(page)
        page.goto(url + "/")
        answer = ask_in_page(page, "Bộ phận kỹ thuật phát hiện đoạn mã nào?")
        answer.locator("summary").first.click()
        passage = answer.locator(".rag-passage").first.inner_text()
        for literal in MARKUP:
            assert literal in passage
        question = "Thẻ <b>đậm</b> và <img src=y onerror=alert(2)> có nguy hiểm không?"
        ask_in_page(page, question, answers_before=1)
        assert question in page.locator(".rag-question").nth(1).inner_text()
        chat = page.locator("#rag-chat")
        assert chat.locator("script, img[src='x'], img[src='y'], a[href*='evil'], b").count() == 0
        assert "đậm giả" not in [s.inner_text() for s in chat.locator("strong").all()]
        assert chat.locator(".katex, math").count() == 0
    assert watch.dialogs == [], "a script from an article ran"
    assert not [u for u in watch.requests if u.endswith(("/x", "/y"))]
    assert watch.foreign_requests(url) == []


def test_chat_only_view_in_a_portal_iframe_behind_a_prefix_proxy(rag, browser, tmp_path):
    """The portal (localhost) frames the chat, which a proxy serves under /rag (127.0.0.1)."""
    backend_app = create_app(rag, settings(tmp_path, frame_ancestors=["http://localhost:*"]))
    with live_server(backend_app, root_path="/rag") as backend:
        proxy = PrefixProxy(backend, "/rag")
        with live_server(proxy, lifespan="off") as front:
            chat_url = front + "/rag/embed/"
            proxy.portal_html = (f'<!doctype html><title>Cổng nội bộ</title><h1>Cổng</h1>'
                                 f'<iframe id="chat" src="{chat_url}" width="800" height="700"></iframe>')
            portal = front.replace("127.0.0.1", "localhost") + "/portal.html"
            page = browser.new_page(viewport={"width": 900, "height": 900})
            watch = Watch().attach(page)
            page.goto(portal)
            frame = page.frame_locator("#chat")
            frame.locator("#rag-question textarea").fill(QUESTION)
            frame.locator("#rag-send").click()
            answer = frame.locator(".rag-answer").first
            answer.wait_for(timeout=60_000)
            assert answer.locator(".rag-short").inner_text() == ANSWER
            assert frame.locator("#rag-status").count() == 0  # no page chrome in the embed view
            assert page.frames[1].evaluate("document.documentElement.lang") == "vi"
            assert page.frames[1].url == chat_url
            docs = page.context.request.get(front + "/rag/docs").text()
            assert "/rag/openapi.json" in docs and "/rag/api/docs-static/swagger-ui-bundle.js" in docs
    hosts = {front, front.replace("127.0.0.1", "localhost")}
    assert watch.foreign_requests(*hosts) == []
    assert all("/rag/" in u or u.endswith("/portal.html") for u in watch.requests)
    assert watch.policy_violations() == [] and watch.errors == []


def test_token_link_opens_the_chat_and_nothing_opens_without_it(rag, browser, tmp_path):
    with live_server(create_app(rag, settings(tmp_path, token="s3cret-token"))) as url:
        page = browser.new_page()
        refused = page.goto(url + "/")
        assert refused.status == 401
        page.goto(url + "/?token=s3cret-token")
        assert page.url == url + "/"  # the token left the address bar for a cookie
        answer = ask_in_page(page, QUESTION)
        assert answer.locator(".rag-short").inner_text() == ANSWER


def test_a_source_opens_its_article_and_an_admin_uploads_an_article_then_asks_about_it(collection, browser, tmp_path):
    rag, corpus = collection
    article = tmp_path / "chuyen-doi-so.txt"
    article.write_text(
        "Hà Giang tổng kết năm đầu chuyển đổi số cấp xã\nThứ Sáu, 20/11/2026\n\n"
        "Ngày 20/11/2026, Ban Chỉ đạo chuyển đổi số tỉnh Hà Giang tổ chức hội nghị tổng kết. Năm 2026, toàn tỉnh "
        "có 1.250 thủ tục hành chính được cung cấp trực tuyến toàn trình.\n\nTuấn Minh\n", encoding="utf-8")
    config = settings(tmp_path, corpus=corpus, admin_token="admin-secret")
    with outbound_connections() as outbound, live_server(create_app(rag, config)) as url:
        reader = browser.new_page(viewport={"width": 1100, "height": 900}, locale="vi-VN")
        reader.goto(url + "/")
        reader.get_by_role("tab", name="Bài viết").click()
        assert reader.locator("#rag-articles").get_by_text("Bắc Quang").count() >= 1
        assert not reader.locator("#rag-admin").first.is_visible()  # no admin token: no upload, no delete

        page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="vi-VN")
        watch = Watch().attach(page)
        page.goto(url + "/?admin_token=admin-secret")  # sets the HttpOnly cookie, drops the token from the address
        assert "admin_token" not in page.url
        answer = ask_in_page(page, QUESTION)
        answer.locator(".rag-source summary").first.click()
        with page.expect_popup() as opened:
            answer.locator(".rag-article-link").first.click()
        full = opened.value
        full.locator("mark.rag-answer").first.wait_for(timeout=10_000)
        assert full.locator("mark.rag-answer").inner_text() == ANSWER
        assert full.locator("h1").inner_text().startswith("Công tác lý luận chính trị")
        cited = full.locator("#cited").bounding_box()
        assert 0 <= cited["y"] < 900  # scrolled to the passage
        assert ANSWER in "".join(full.locator("mark.rag-cited").all_inner_texts())  # the passage is marked

        page.get_by_role("tab", name="Bài viết").click()
        page.locator("#rag-admin").first.wait_for(timeout=10_000)
        page.locator("#rag-upload-files input[type=file]").set_input_files(str(article))
        # The uploaded file's row: Gradio splits its name into stem and extension spans, so its text
        # reads "chuyen-doi-so .txt"; the cell's label holds the name whole.
        page.locator('#rag-upload-files td.filename[aria-label="chuyen-doi-so.txt"]').wait_for(timeout=30_000)
        page.locator("#rag-upload").click()
        jobs = page.locator("#rag-jobs textarea")
        wait_for(lambda: "xong" in jobs.input_value(), timeout=120, what="the upload indexed")
        wait_for(lambda: page.locator("#rag-articles").get_by_text("Hà Giang tổng kết").count() == 1,
                 timeout=20, what="the new article listed")
        page.get_by_role("tab", name="Hỏi đáp").click()
        about = ask_in_page(page, "Hà Giang có bao nhiêu thủ tục hành chính được cung cấp trực tuyến toàn trình?",
                            answers_before=1)
        assert "1.250" in about.locator(".rag-short").inner_text()
        assert about.locator(".rag-source summary").first.inner_text().startswith("[1] Hà Giang tổng kết")
    assert (corpus / "chuyen-doi-so.txt").is_file()
    assert watch.foreign_requests(url) == [] and watch.errors == [] and outbound == []
