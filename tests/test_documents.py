"""Managing the collection over HTTP: list, read, upload, remove, the admin token, the article page
a citation links to — on a real index (a copy of the shipped one) and a real corpus folder."""
from __future__ import annotations

import json
import threading
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rag import store
from rag.cli import app as cli_app
from rag.config import Settings
from rag.server import create_app

from .conftest import CORPUS

ADMIN = {"Authorization": "Bearer admin-secret"}
ARTICLE = """Hà Giang tổng kết năm đầu chuyển đổi số cấp xã
Thứ Sáu, 20/11/2026

Ngày 20/11/2026, Ban Chỉ đạo chuyển đổi số tỉnh Hà Giang tổ chức hội nghị tổng kết năm đầu thực hiện chuyển đổi số cấp xã. Đồng chí Nguyễn Văn An, Phó Chủ tịch UBND tỉnh chủ trì hội nghị.

Năm 2026, toàn tỉnh có 1.250 thủ tục hành chính được cung cấp trực tuyến toàn trình, 193 xã, phường, thị trấn đã lập tổ công nghệ số cộng đồng.

Tuấn Minh
"""
QUESTION = "Hà Giang có bao nhiêu thủ tục hành chính được cung cấp trực tuyến toàn trình?"


def client(rag, corpus, tmp_path, **extra) -> TestClient:
    config = Settings(corpus=corpus, feedback=tmp_path / "feedback.jsonl", admin_token="admin-secret", **extra)
    return TestClient(create_app(rag, config))


def finished(web: TestClient, job: dict) -> dict:
    web.app.state.collection.wait()
    return web.get(f"/api/jobs/{job['job_id']}").json()


def test_an_uploaded_article_is_listed_read_answered_from_then_removed(collection, tmp_path):
    rag, corpus = collection
    before = sorted(p.name for p in corpus.iterdir())
    with client(rag, corpus, tmp_path) as web:
        refused = web.post("/api/documents", files={"file": ("chuyen-doi-so.txt", ARTICLE.encode())})
        assert refused.status_code == 401 and sorted(p.name for p in corpus.iterdir()) == before

        reply = web.post("/api/documents", files={"file": ("chuyen-doi-so.txt", ARTICLE.encode())}, headers=ADMIN)
        assert reply.status_code == 202 and reply.json()["accepted"] == ["chuyen-doi-so.txt"]
        job = finished(web, reply.json()["job"])
        assert job["state"] == "done" and job["doc_ids"] == ["chuyen-doi-so"]
        assert (corpus / "chuyen-doi-so.txt").read_text(encoding="utf-8") == ARTICLE

        listed = web.get("/api/documents", params={"q": "chuyen doi so"}).json()  # typed without accents
        assert listed["total"] == 1
        entry = listed["documents"][0]
        assert entry["title"] == "Hà Giang tổng kết năm đầu chuyển đổi số cấp xã"
        assert (entry["date"], entry["author"], entry["in_corpus"]) == ("2026-11-20", "Tuấn Minh", True)
        assert entry["chunks"] >= 1 and entry["indexed_at"]
        full = web.get("/api/documents/chuyen-doi-so").json()
        assert "1.250 thủ tục hành chính" in full["text"] and full["pages"] == []

        answer = web.post("/api/ask", json={"question": QUESTION}).json()
        assert "1.250" in answer["answer"] and answer["citations"][0]["doc_id"] == "chuyen-doi-so"
        cited = answer["citations"][0]
        assert full["text"][cited["start"]:cited["end"]] == cited["text"]

        removal = web.delete("/api/documents/chuyen-doi-so", headers=ADMIN)
        assert removal.status_code == 202
        assert finished(web, removal.json())["state"] == "done"
        assert not (corpus / "chuyen-doi-so.txt").exists()
        gone = web.get("/api/documents/chuyen-doi-so")
        assert gone.status_code == 410 and "đã được gỡ" in gone.json()["detail"]
        again = web.post("/api/ask", json={"question": QUESTION}).json()
        assert all(c["doc_id"] != "chuyen-doi-so" for c in again["citations"])
        assert again["answer"] is None or "1.250" not in again["answer"]
        page = web.get("/articles/chuyen-doi-so")
        assert page.status_code == 410 and "đã được gỡ" in page.text

        follow_up = web.post("/api/ask", json={"question": "Ai chủ trì hội nghị?", "history": [
            {"question": QUESTION, "answer": answer["answer"], "doc_id": "chuyen-doi-so"}]}).json()
        assert "đã được gỡ khỏi kho" in follow_up["notice"]


def test_writes_are_off_until_an_admin_token_is_set(collection, tmp_path):
    rag, corpus = collection
    config = Settings(corpus=corpus, feedback=tmp_path / "feedback.jsonl")
    with TestClient(create_app(rag, config)) as web:
        upload = web.post("/api/documents", files={"file": ("a.txt", ARTICLE.encode())}, headers=ADMIN)
        assert upload.status_code == 403 and "RAG_ADMIN_TOKEN" in upload.json()["detail"]
        assert web.delete("/api/documents/000_ab156e6516d54533", headers=ADMIN).status_code == 403
        assert web.get("/api/documents").json()["total"] == 5  # reads stay open
    assert not (corpus / "a.txt").exists()


def test_bad_uploads_are_refused_and_nothing_is_stored(collection, tmp_path):
    rag, corpus = collection
    before = sorted(p.name for p in corpus.iterdir())
    with client(rag, corpus, tmp_path, max_upload_bytes=200_000) as web:
        traversal = web.post("/api/documents", files={"file": ("../../x.txt", ARTICLE.encode())}, headers=ADMIN)
        assert traversal.status_code == 400 and "không hợp lệ" in traversal.json()["refused"][0]["reason"]
        oversized = web.post("/api/documents", files={"file": ("big.txt", ARTICLE.encode() * 500)}, headers=ADMIN)
        assert oversized.status_code == 413
        fake_pdf = web.post("/api/documents", files={"file": ("report.pdf", bytes(range(256)) * 4)}, headers=ADMIN)
        assert fake_pdf.status_code == 415 and ".pdf" in fake_pdf.json()["refused"][0]["reason"]
        shipped = (CORPUS / "000_ab156e6516d54533.txt").read_bytes()
        duplicate = web.post("/api/documents", files={"file": ("copy.txt", shipped)}, headers=ADMIN)
        assert duplicate.status_code == 409 and "trùng nội dung" in duplicate.json()["refused"][0]["reason"]
        empty = web.post("/api/documents", files={"file": ("empty.txt", b"   ")}, headers=ADMIN)
        assert empty.status_code == 422
        assert web.get("/api/jobs").json() == []
    assert sorted(p.name for p in corpus.iterdir()) == before
    assert not (tmp_path / "x.txt").exists() and not (tmp_path.parent / "x.txt").exists()


def test_two_uploads_at_once_both_end_indexed_and_names_differing_in_extension_stay_apart(collection, tmp_path):
    rag, corpus = collection
    second = ("Tuyên Quang khai trương Trung tâm giám sát, điều hành đô thị thông minh\nThứ Hai, 23/11/2026\n\n"
              "Sáng 23/11/2026, tỉnh Tuyên Quang khai trương Trung tâm giám sát, điều hành đô thị thông minh. "
              "Trung tâm kết nối 980 camera giám sát giao thông trên địa bàn thành phố.\n\nHoàng Lan\n")
    markdown = "# Lai Châu ra mắt tổ công nghệ số\n\nNgày 2/12/2026, Lai Châu ra mắt 106 tổ công nghệ số cộng đồng.\n"
    with client(rag, corpus, tmp_path) as web:
        replies = []

        def send(name, text):
            replies.append(web.post("/api/documents", files={"file": (name, text.encode())}, headers=ADMIN))

        threads = [threading.Thread(target=send, args=a) for a in
                   (("ha-giang.txt", ARTICLE), ("tuyen-quang.txt", second), ("ha-giang.md", markdown))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(r.status_code for r in replies) == [202, 202, 202]
        jobs = [finished(web, r.json()["job"]) for r in replies]
        assert all(j["state"] == "done" for j in jobs)
        ids = set(web.app.state.collection.rag.index.documents)
        assert {"ha-giang.txt", "ha-giang.md", "tuyen-quang"} <= ids
        answer = web.post("/api/ask", json={"question": "Trung tâm điều hành đô thị thông minh của Tuyên Quang "
                                                        "kết nối bao nhiêu camera?"}).json()
        assert "980" in answer["answer"] and answer["citations"][0]["doc_id"] == "tuyen-quang"

        replaced = web.post("/api/documents", files={"file": ("tuyen-quang.txt", second.replace("980", "990")
                                                              .encode())}, headers=ADMIN)
        assert finished(web, replaced.json()["job"])["state"] == "done"
        assert "990" in web.get("/api/documents/tuyen-quang").json()["text"]


def test_an_article_from_outside_the_corpus_folder_is_not_removed_from_the_web(rag, tmp_path):
    # The session index was ingested from the repository's corpus/, not from this corpus folder.
    elsewhere = tmp_path / "elsewhere"
    with client(rag, elsewhere, tmp_path) as web:
        missing = web.post("/api/documents", files={"file": ("a.txt", ARTICLE.encode())}, headers=ADMIN)
        assert missing.status_code == 503 and "RAG_CORPUS" in missing.json()["detail"]  # as from a wheel install
        elsewhere.mkdir()
        reply = web.delete("/api/documents/000_ab156e6516d54533", headers=ADMIN)
        assert reply.status_code == 409 and "rag remove 000_ab156e6516d54533" in reply.json()["detail"]
        assert web.delete("/api/documents/no-such-article", headers=ADMIN).status_code == 404
    assert list(elsewhere.iterdir()) == []


def test_the_list_pages_and_searches_by_title(rag, tmp_path):
    with client(rag, CORPUS, tmp_path) as web:
        first = web.get("/api/documents", params={"limit": 2}).json()
        rest = web.get("/api/documents", params={"offset": 2, "limit": 10}).json()
        assert first["total"] == rest["total"] == 5 and len(first["documents"]) == 2 and len(rest["documents"]) == 3
        ids = [d["doc_id"] for d in first["documents"] + rest["documents"]]
        assert sorted(ids) == sorted(rag.index.documents)
        dates = [d["date"] or "" for d in first["documents"] + rest["documents"]]
        assert dates == sorted(dates, reverse=True)  # newest first
        found = web.get("/api/documents", params={"q": "Bắc Quang"}).json()
        assert [d["doc_id"] for d in found["documents"]] == ["003_8bd0d3019a000018"]
        assert web.get("/api/documents", params={"limit": 0}).status_code == 422
        assert web.get("/api/documents/nothing-here").status_code == 404


def test_the_article_page_highlights_the_passage_and_the_answer_as_text(rag, tmp_path):
    answer = rag.ask("Trong 2,5 năm đã tổ chức bao nhiêu hội nghị?")
    cited = answer.citations[0]
    doc = rag.index.documents[cited.doc_id]
    start, end = cited.start + cited.answer_start, cited.start + cited.answer_end
    with client(rag, CORPUS, tmp_path) as web:
        page = web.get(f"/articles/{cited.doc_id}", params={"start": cited.start, "end": cited.end,
                                                            "answer_start": start, "answer_end": end})
        assert page.status_code == 200 and '<html lang="vi">' in page.text
        assert f'<mark class="rag-answer">{doc.text[start:end]}</mark>' in page.text
        assert page.text.count('id="cited"') == 1 and 'class="rag-cited"' in page.text
        wild = web.get(f"/articles/{cited.doc_id}", params={"start": 5, "end": 10 ** 9})
        assert wild.status_code == 200 and "<mark" not in wild.text  # offsets past the text: nothing marked
    from rag.article_page import highlighted
    shown = highlighted("a <b>x</b> & y", {"start": 2, "end": 10, "answer_start": None, "answer_end": None})
    assert shown == 'a <mark class="rag-cited" id="cited">&lt;b&gt;x&lt;/b&gt;</mark> &amp; y'


def test_cli_lists_and_removes_documents(collection, monkeypatch):
    rag, corpus = collection
    monkeypatch.setattr("rag.cli.settings", Settings(corpus=corpus))
    runner = CliRunner()
    listed = runner.invoke(cli_app, ["documents", "--index", str(rag.index_dir), "--json"])
    assert listed.exit_code == 0
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert sorted(r["doc_id"] for r in rows) == sorted(rag.index.documents)
    removed = runner.invoke(cli_app, ["remove", "002_30ff043197b154a6", "--index", str(rag.index_dir)])
    assert removed.exit_code == 0 and "Đã gỡ" in removed.output
    assert "002_30ff043197b154a6" not in store.load(rag.index_dir).documents
    assert not (corpus / "002_30ff043197b154a6.txt").exists() and (CORPUS / "002_30ff043197b154a6.txt").exists()
    unknown = runner.invoke(cli_app, ["remove", "002_30ff043197b154a6", "--index", str(rag.index_dir)])
    assert unknown.exit_code == 1 and "đã được gỡ" in unknown.output
    assert Path(rag.index_dir, "CURRENT").is_file()
