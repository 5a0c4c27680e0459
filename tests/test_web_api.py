"""The HTTP API and the server's policies, over plain HTTP (TestClient, httpx) and gradio_client,
on the real corpus index."""
from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from gradio_client import Client

from rag.config import Settings
from rag.server import create_app, exposure_problem

from .web_support import ANSWER, QUESTION, live_server, wait_for

ANSWER_KEYS = ["question", "answer", "sentence", "abstained", "confidence", "citations", "timings_ms",
               "resolved_question", "kind", "sentences", "notice"]
EARLIER = {"question": "Phong Thổ có bao nhiêu đảng viên?", "answer": "tổng số 3.517 đảng viên",
           "doc_id": "002_30ff043197b154a6"}
CITATION_KEYS = {"doc_id", "title", "date", "author", "source", "chunk_id", "text", "start", "end",
                 "answer_start", "answer_end", "score", "url", "page", "attribution"}


def make_app(rag, tmp_path, **settings):
    return create_app(rag, Settings(feedback=tmp_path / "feedback.jsonl", **settings))


@pytest.fixture(scope="module")
def client(rag, tmp_path_factory):
    return TestClient(make_app(rag, tmp_path_factory.mktemp("api")))


def test_ask_returns_the_cli_json(client, rag):
    response = client.post("/api/ask", json={"question": QUESTION, "k": 3})
    assert response.status_code == 200
    data = response.json()
    assert list(data) == ANSWER_KEYS
    assert data["answer"] == ANSWER and data["abstained"] is False
    assert len(data["citations"]) == 3 and set(data["citations"][0]) == CITATION_KEYS
    cited = data["citations"][0]
    assert cited["text"][cited["answer_start"]:cited["answer_end"]] == ANSWER
    expected = rag.ask(QUESTION, k=3).to_dict()
    assert {**data, "timings_ms": None} == {**expected, "timings_ms": None}


def test_ask_defaults_to_five_passages_and_reports_abstention(client):
    data = client.post("/api/ask", json={"question": "Giá vàng hôm nay là bao nhiêu?"}).json()
    assert data["abstained"] is True and data["answer"] is None and data["sentence"] is None
    assert len(data["citations"]) == 5


@pytest.mark.parametrize("body, where, says", [
    ({}, ["body", "question"], "Field required"),
    ({"question": ""}, ["body", "question"], "trống"),
    ({"question": "   "}, ["body", "question"], "trống"),
    ({"question": "?!"}, ["body", "question"], "không có chữ"),
    ({"question": "x" * 1001}, ["body", "question"], "vượt giới hạn 1000"),
    ({"question": "a\x00b"}, ["body", "question"], "ký tự điều khiển"),
    ({"question": 5}, ["body", "question"], "valid string"),
    ({"question": None}, ["body", "question"], "valid string"),
    ({"question": ["Ai?"]}, ["body", "question"], "valid string"),
    ({"question": QUESTION, "k": 0}, ["body", "k"], "greater than or equal to 1"),
    ({"question": QUESTION, "k": 51}, ["body", "k"], "less than or equal to 50"),
    ({"question": QUESTION, "k": "5"}, ["body", "k"], "valid integer"),
    ({"question": QUESTION, "filters": {}}, ["body", "filters"], "Extra inputs"),
    ([QUESTION], ["body"], "valid dictionary"),
    ({"question": QUESTION, "history": "Phong Thổ"}, ["body", "history"], "valid list"),
    ({"question": QUESTION, "history": [EARLIER] * 21}, ["body", "history"], "at most 20"),
    ({"question": QUESTION, "history": [{"question": "x" * 1001}]}, ["body", "history", 0, "question"],
     "vượt giới hạn 1000"),
    ({"question": QUESTION, "history": [{"answer": "3.517"}]}, ["body", "history", 0, "question"], "Field required"),
    ({"question": QUESTION, "history": [{**EARLIER, "role": "user"}]}, ["body", "history", 0, "role"], "Extra inputs"),
])
def test_bad_input_is_a_422_that_says_why(client, body, where, says):
    response = client.post("/api/ask", json=body)
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"] == where and says in problem["msg"]
    assert "input" not in problem  # a megabyte question is not echoed back


def test_a_follow_up_is_read_against_the_history_it_is_sent_with(client):
    data = client.post("/api/ask", json={"question": "Còn Bắc Quang thì sao?", "history": [EARLIER]}).json()
    assert data["resolved_question"] == "Bắc Quang có bao nhiêu đảng viên?"
    assert data["kind"] == "not_found" and data["abstained"] is True
    long_answer = {**EARLIER, "answer": "x" * 10_000}  # cut, not refused
    assert client.post("/api/ask", json={"question": "Còn Bắc Quang thì sao?", "history": [long_answer]}).status_code == 200
    summary = client.post("/api/ask", json={"question": "Tóm tắt bài viết về Bắc Quang"}).json()
    assert summary["kind"] == "overview" and summary["sentence"] is None
    assert summary["answer"] == "\n".join(s["text"] for s in summary["sentences"])


def test_the_schema_documents_history_and_the_kinds_of_answer(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["AskRequest"]["properties"]["history"]["maxItems"] == 20
    assert set(schemas["TurnIn"]["properties"]) == {"question", "answer", "doc_id"}
    answer = schemas["AnswerOut"]["properties"]
    assert set(answer["kind"]["enum"]) == {"fact", "overview", "catalogue", "not_found"}
    assert "resolved_question" in answer and answer["sentences"]["items"]["$ref"].endswith("SentenceOut")


@pytest.mark.parametrize("content, status", [
    (b"not json", 422), (b"", 422), (b'{"question": "Ai', 422),
    (b'{"question": "\xff"}', 400),  # not UTF-8: FastAPI cannot even read it as text
])
def test_a_body_that_is_not_json_is_refused_not_a_500(client, content, status):
    response = client.post("/api/ask", content=content, headers={"content-type": "application/json"})
    assert response.status_code == status and response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/ask", "/gradio_api/queue/join", "/embed/gradio_api/queue/join"])
def test_a_body_over_the_limit_is_refused_before_it_is_read(rag, tmp_path, path):
    limited = TestClient(make_app(rag, tmp_path, max_body_bytes=2_000))
    small = limited.post("/api/ask", json={"question": QUESTION})
    assert small.status_code == 200 and small.json()["answer"] == ANSWER
    body = json.dumps({"question": QUESTION, "padding": "x" * 5_000}).encode()
    declared = limited.post(path, content=body, headers={"content-type": "application/json"})
    assert declared.status_code == 413 and declared.json()["detail"] == "Yêu cầu quá lớn: tối đa 2.000 byte."
    # Chunked: no Content-Length to judge by, so the bytes are counted as they arrive.
    chunked = limited.post(path, content=(body[i:i + 500] for i in range(0, len(body), 500)),
                           headers={"content-type": "application/json"})
    assert chunked.status_code == 413 and "2.000 byte" in chunked.json()["detail"]


def test_health(client, rag):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok", "documents": 5, "chunks": len(rag.index.chunks),
        "embedder": rag.index.embedder_name, "built_at": rag.index.manifest["built_at"],
    }


def test_openapi_docs_are_served_from_this_server(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/api/docs-static/swagger-ui-bundle.js" in page.text and "cdn" not in page.text
    assert client.get("/api/docs-static/swagger-ui-bundle.js").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/api/ask", "/api/health"} <= set(spec["paths"])
    assert "422" in spec["paths"]["/api/ask"]["post"]["responses"]


def test_every_response_forbids_outside_content_and_foreign_frames(client):
    for path in ("/", "/embed/", "/api/health", "/docs"):
        policy = client.get(path).headers["content-security-policy"]
        assert "default-src 'self'" in policy and "connect-src 'self'" in policy
        assert policy.endswith("frame-ancestors 'self'")
    assert client.get("/embed", follow_redirects=False).headers["location"] == "embed/"


def test_page_has_no_outside_urls_to_load(client):
    html = client.get("/").text
    loaded = [part.split('"')[1] for part in html.split("src=")[1:]]
    assert loaded and all(not u.startswith(("http:", "https:", "//")) for u in loaded)
    theme = client.get("/theme.css").text
    assert "@import" not in theme and "fonts.googleapis" not in theme and "system-ui" in theme


def test_frame_ancestors_and_cors_origins_are_configurable(rag, tmp_path):
    portal = "https://portal.example"
    client = TestClient(make_app(rag, tmp_path, frame_ancestors=[portal], cors_origins=[portal]))
    assert client.get("/embed/").headers["content-security-policy"].endswith(
        f"frame-ancestors 'self' {portal}")
    preflight = {"Origin": portal, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"}
    allowed = client.options("/api/ask", headers=preflight)
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == portal
    other = client.options("/api/ask", headers={**preflight, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    answered = client.post("/api/ask", json={"question": QUESTION}, headers={"Origin": portal})
    assert answered.headers["access-control-allow-origin"] == portal


def test_settings_read_origin_lists_from_the_environment(monkeypatch):
    monkeypatch.setenv("RAG_FRAME_ANCESTORS", "https://a.example, https://b.example")
    monkeypatch.setenv("RAG_CORS_ORIGINS", "https://a.example")
    settings = Settings()
    assert settings.frame_ancestors == ["https://a.example", "https://b.example"]
    assert settings.cors_origins == ["https://a.example"]


PROTECTED = ["/", "/embed/", "/docs", "/openapi.json", "/config", "/theme.css", "/gradio_api/info",
             "/api/docs-static/swagger-ui.css"]


@pytest.fixture(scope="module")
def locked(rag, tmp_path_factory):
    app = make_app(rag, tmp_path_factory.mktemp("locked"), token="s3cret", basic_auth="ban:mat-khau")
    return TestClient(app)


@pytest.mark.parametrize("path", PROTECTED)
def test_with_access_control_every_route_but_health_needs_credentials(locked, path):
    refused = locked.get(path)
    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Basic")
    assert locked.get(path, headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert locked.get(path, headers={"X-RAG-Token": "s3cret"}).status_code == 200
    basic = base64.b64encode(b"ban:mat-khau").decode()
    assert locked.get(path, headers={"Authorization": f"Basic {basic}"}).status_code == 200
    assert locked.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_with_access_control_health_stays_open_and_ask_is_closed(locked):
    assert locked.get("/api/health").status_code == 200
    assert locked.post("/api/ask", json={"question": QUESTION}).status_code == 401
    ok = locked.post("/api/ask", json={"question": QUESTION}, headers={"Authorization": "Bearer s3cret"})
    assert ok.json()["answer"] == ANSWER


def test_a_token_link_becomes_a_cookie(rag, tmp_path):
    client = TestClient(make_app(rag, tmp_path, token="s3cret"))
    link = client.get("/embed/?token=s3cret&lang=vi", follow_redirects=False)
    assert link.status_code == 303 and link.headers["location"] == "/embed/?lang=vi"
    cookie = link.headers["set-cookie"]
    assert "s3cret" not in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/embed/").status_code == 200  # the client kept the cookie
    fresh = TestClient(client.app)
    assert fresh.get("/embed/?token=wrong", follow_redirects=False).status_code == 401
    assert fresh.get("/", headers={"cookie": 'x="unclosed; rag_token=guess; ;='}).status_code == 401


def test_a_network_bind_needs_access_control_or_an_explicit_waiver():
    assert "RAG_TOKEN" in exposure_problem("0.0.0.0", Settings())
    assert exposure_problem("192.168.1.5", Settings()) is not None
    for host in ("127.0.0.1", "localhost", "::1"):
        assert exposure_problem(host, Settings()) is None
    assert exposure_problem("0.0.0.0", Settings(token="x")) is None
    assert exposure_problem("0.0.0.0", Settings(basic_auth="a:b")) is None
    assert exposure_problem("0.0.0.0", Settings(allow_anonymous=True)) is None


def test_gradio_client_asks_through_the_chat_app(rag, tmp_path):
    with live_server(make_app(rag, tmp_path)) as url:
        client = Client(url + "/", verbose=False)
        data = client.predict(QUESTION, 3, api_name="/ask")
        assert list(data) == ANSWER_KEYS and data["answer"] == ANSWER and len(data["citations"]) == 3
        with pytest.raises(Exception, match="trống"):
            client.predict("   ", 3, api_name="/ask")
        follow_up = client.predict("Còn Bắc Quang thì sao?", 5, [EARLIER], api_name="/ask")
        assert follow_up["resolved_question"] == "Bắc Quang có bao nhiêu đảng viên?"


def test_gradio_client_needs_the_token_when_enabled(rag, tmp_path):
    with live_server(make_app(rag, tmp_path, token="s3cret")) as url:
        with pytest.raises(Exception):
            Client(url + "/", verbose=False)
        client = Client(url + "/", verbose=False, headers={"Authorization": "Bearer s3cret"})
        assert client.predict(QUESTION, 5, api_name="/ask")["answer"] == ANSWER


def test_behind_a_prefix_every_url_the_app_hands_out_carries_it(rag, tmp_path):
    """As a proxy forwards /rag/… with the prefix stripped (see the README, nginx)."""
    with live_server(make_app(rag, tmp_path), root_path="/rag") as url:
        config = httpx.get(url + "/config", headers={"X-Forwarded-Host": "portal.example",
                                                    "X-Forwarded-Proto": "https"}).json()
        assert config["root"] == "https://portal.example/rag"
        assert httpx.get(url + "/embed/config").json()["root"].endswith("/rag/embed")
        docs = httpx.get(url + "/docs").text
        assert "'/rag/openapi.json'" in docs and "/rag/api/docs-static/swagger-ui.css" in docs
        assert httpx.get(url + "/openapi.json").json()["servers"] == [{"url": "/rag"}]
        answer = httpx.post(url + "/api/ask", json={"question": QUESTION}, timeout=60).json()
        assert answer["answer"] == ANSWER


class SlowRAG:
    """The real RAG, but one question takes seconds: the way a long question feels."""

    def __init__(self, rag, slow: str, seconds: float) -> None:
        self.rag, self.slow, self.seconds, self.index = rag, slow, seconds, rag.index

    def ask(self, question, k=5, history=()):
        if question == self.slow:
            time.sleep(self.seconds)
        return self.rag.ask(question, k=k, history=history)

    def refresh(self):
        return self.rag.refresh()


def test_a_slow_question_blocks_neither_the_page_nor_other_questions(rag, tmp_path):
    slow = "Có bao nhiêu dân tộc cùng sinh sống ở huyện Phong Thổ?"
    with live_server(make_app(SlowRAG(rag, slow, 4.0), tmp_path, concurrency=4)) as url:
        finished = {}

        def ask(question):
            httpx.post(url + "/api/ask", json={"question": question}, timeout=60)
            finished[question] = time.monotonic()

        started = time.monotonic()
        threading.Thread(target=ask, args=(slow,)).start()
        time.sleep(0.3)
        assert httpx.get(url + "/", timeout=10).status_code == 200
        assert httpx.get(url + "/api/health", timeout=10).status_code == 200
        ask(QUESTION)
        assert time.monotonic() - started < 3.5 and slow not in finished
        client = Client(url + "/", verbose=False)
        job = client.submit(slow, 5, api_name="/ask")
        time.sleep(0.3)
        assert client.predict(QUESTION, 5, api_name="/ask")["answer"] == ANSWER
        assert not job.done()
        assert job.result(timeout=60)["question"] == slow
        wait_for(lambda: slow in finished, what="the slow HTTP question")


def test_rag_serve_prints_the_url_and_serves(corpus_index, tmp_path):
    env = dict(os.environ, HF_HUB_OFFLINE="1", RAG_FEEDBACK=str(tmp_path / "fb.jsonl"))
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "rag", "serve", "--index", str(corpus_index),
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env)
    try:
        first_line = server.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first_line and f"http://127.0.0.1:{port}/docs" in first_line
        health = wait_for(lambda: _health(port), timeout=60, what="rag serve to answer")
        assert health["documents"] == 5
    finally:
        server.terminate()
        server.wait(30)


def test_rag_serve_refuses_an_open_network_bind(corpus_index):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    result = subprocess.run([sys.executable, "-m", "rag", "serve", "--index", str(corpus_index),
                             "--host", "0.0.0.0"], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1 and "RAG_TOKEN" in result.stderr and "Traceback" not in result.stderr


def _health(port: int):
    try:
        return httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).json()
    except httpx.HTTPError:
        return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_feedback_lines_become_eval_cases(tmp_path):
    from rag.evaluation import load_cases
    from rag.feedback import FeedbackLog, to_eval_case

    log = FeedbackLog(tmp_path / "votes" / "feedback.jsonl")
    answered = {"question": QUESTION, "answer": ANSWER, "abstained": False, "citations": [
        {"doc_id": "000_ab156e6516d54533", "chunk_id": "000_ab156e6516d54533#1", "title": "T",
         "answer_start": 245, "answer_end": 260, "text": "…"}]}
    abstained = {"question": "Giá vàng hôm nay là bao nhiêu?", "answer": None, "abstained": True,
                 "citations": []}
    log.append(answered, "up")
    log.append(abstained, "up")
    log.append(answered, "down")
    records = [json.loads(line) for line in log.path.read_text(encoding="utf-8").splitlines()]
    assert [r["vote"] for r in records] == ["up", "up", "down"]
    assert "text" not in records[0]["citations"][0]  # the passage is in the index, not the log
    cases = [c for c in map(to_eval_case, records) if c]
    (tmp_path / "cases.jsonl").write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases))
    loaded = load_cases(tmp_path / "cases.jsonl")
    assert [(c.question, c.answers, c.doc_id, c.answerable) for c in loaded] == [
        (QUESTION, (ANSWER,), "000_ab156e6516d54533", True),
        ("Giá vàng hôm nay là bao nhiêu?", (), None, False),
    ]


def test_feedback_file_stays_where_it_was_configured(tmp_path):
    from rag.feedback import FeedbackLog, FeedbackProblem

    with pytest.raises(FeedbackProblem):
        FeedbackLog(tmp_path)  # a folder, not a file
    log = FeedbackLog(tmp_path / "a" / ".." / "feedback.jsonl")
    assert log.path == tmp_path / "feedback.jsonl"
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("")
    log.path.symlink_to(elsewhere)
    with pytest.raises(OSError):
        log.append({"question": "q", "citations": []}, "up")
    assert elsewhere.read_text() == ""
    with pytest.raises(FeedbackProblem):
        FeedbackLog(tmp_path / "ok.jsonl").append({"question": "q", "citations": []}, "maybe")


def test_concurrent_votes_are_whole_lines(tmp_path):
    from rag.feedback import FeedbackLog

    log = FeedbackLog(tmp_path / "feedback.jsonl")
    answer = {"question": "q" * 900, "answer": "a", "citations": []}
    threads = [threading.Thread(target=lambda: [log.append(answer, "up") for _ in range(25)])
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = log.path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 200 and all(json.loads(line)["question"] == "q" * 900 for line in lines)


def test_rendered_text_is_inert_for_html_and_markdown():
    from rag.render import highlighted, text

    hostile = "<script>alert(1)</script> [a](http://x) **b** $x$ `c` &amp; www.x.vn\n\n# h"
    html = text(hostile)
    assert not set("<>[]()*$`#&") - set("&#;") & set(html.replace("<br>", "").replace("&#", ""))
    assert html.count("<br>") == 2 and "\n" not in html
    import html as stdlib_html
    assert stdlib_html.unescape(html.replace("<br>", "\n")) == hostile
    assert highlighted("ab<c>d", 2, 5) == "ab<mark>&#60;c&#62;</mark>d"
    assert highlighted("abc", None, None) == "abc" and highlighted("abc", 2, 9) == "abc"


def test_sources_of_one_article_are_told_apart_by_their_opening_words(rag):
    from rag.render import answer_html, opening

    answer = rag.ask("Quảng Trị có bao nhiêu đảng viên?")
    citations = [c for c in answer.citations if c.title == answer.citations[0].title]
    assert len(citations) >= 3
    openings = [opening(c) for c in citations]
    assert len(set(openings)) == len(openings)
    assert not any(o.startswith(citations[0].title) for o in openings)
    assert all(" ".join(o.rstrip("…").split()) in " ".join(c.text.split()) for o, c in zip(openings, citations))
    html = answer_html(answer)
    assert html.count('class="rag-opening"') == len(answer.citations)


def test_example_questions_come_from_the_corpus_and_are_answered(rag):
    from rag.chat import examples

    expected = ["31.041 hội nghị", "Tiên phong - Trọng tâm - Thuyết phục", "5 trạm truyền thanh", "2025"]
    questions = examples(rag)
    assert len(questions) == len(expected)
    for question, answer in zip(questions, expected):
        assert answer in (rag.ask(question).answer or ""), question
