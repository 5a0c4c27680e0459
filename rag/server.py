"""`rag serve`: the HTTP API and the Gradio chat in one FastAPI app, offline and embeddable.

Routes: POST /api/ask, GET /api/health, the documents and their jobs (documents_api.py), an
article in full at /articles/{doc_id}, /docs (Swagger UI from local files), the chat at / and a
chat-only view at /embed/ for iframes. The RAG object is loaded once and shared;
questions run in worker threads, so a slow one never blocks the event loop, and at most
`settings.concurrency` at once per entry point (the chat's queue, the API's limiter).
"""
from __future__ import annotations

import contextlib
import functools
import ipaddress
import logging
import os
import threading
from typing import Literal

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # read by gradio at import and launch
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import anyio  # noqa: E402
import gradio as gr  # noqa: E402
from fastapi import FastAPI, Request  # noqa: E402
from fastapi.exceptions import RequestValidationError  # noqa: E402
from fastapi.middleware.cors import CORSMiddleware  # noqa: E402
from fastapi.responses import JSONResponse, RedirectResponse  # noqa: E402
from fastapi_offline import FastAPIOffline  # noqa: E402
from pydantic import BaseModel, ConfigDict, Field, field_validator  # noqa: E402
from pydantic_core import PydanticCustomError  # noqa: E402

from . import chat  # noqa: E402
from .access import AccessControl, BodyLimit, SecurityHeaders  # noqa: E402
from .config import Settings  # noqa: E402
from .documents_api import MAX_FILES_PER_UPLOAD, UPLOAD_PATH, add_document_routes  # noqa: E402
from .feedback import FeedbackLog  # noqa: E402
from .pipeline import MAX_ANSWER_CHARS, MAX_HISTORY_TURNS, RAG  # noqa: E402
from .store import IndexProblem  # noqa: E402
from .text import MAX_QUESTION_CHARS, InvalidQuestion, validate_question  # noqa: E402


def _checked_question(value: str) -> str:
    try:
        return validate_question(value)
    except InvalidQuestion as problem:
        raise PydanticCustomError("invalid_question", str(problem)) from None


class TurnIn(BaseModel):
    """One earlier turn of the conversation, as the client showed it."""

    model_config = ConfigDict(strict=True, extra="forbid")

    question: str = Field(description="Câu hỏi của lượt trước, như đã gõ.")
    answer: str | None = Field(None, description=f"Câu trả lời đã hiện (cắt còn {MAX_ANSWER_CHARS} ký tự nếu dài hơn).")
    doc_id: str | None = Field(None, description="Bài viết mà câu trả lời lấy từ đó, nếu biết.")

    @field_validator("question")
    @classmethod
    def _question(cls, value: str) -> str:
        return _checked_question(value)


class AskRequest(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    question: str = Field(description=f"Câu hỏi tiếng Việt, tối đa {MAX_QUESTION_CHARS} ký tự.",
                          examples=["Trong 2,5 năm đã tổ chức bao nhiêu hội nghị?"])
    k: int = Field(5, ge=1, le=50, description="Số đoạn văn truy hồi.")
    history: list[TurnIn] = Field(
        default_factory=list, max_length=MAX_HISTORY_TURNS,
        description=f"Các lượt hỏi đáp trước trong hội thoại, cũ nhất trước (tối đa {MAX_HISTORY_TURNS}), để hiểu "
                    "câu hỏi nối tiếp như “Còn Bắc Quang thì sao?”.",
        examples=[[{"question": "Phong Thổ có bao nhiêu đảng viên?", "answer": "tổng số 3.517 đảng viên",
                    "doc_id": "002_30ff043197b154a6"}]],
    )

    @field_validator("question")
    @classmethod
    def _question(cls, value: str) -> str:
        return _checked_question(value)


class CitationOut(BaseModel):
    doc_id: str
    title: str
    date: str | None
    author: str | None
    source: str
    chunk_id: str
    text: str
    start: int
    end: int
    answer_start: int | None
    answer_end: int | None
    score: float
    url: str | None = Field(None, description="Địa chỉ của bài viết, khi nguồn có ghi.")
    page: int | None = Field(None, description="Trang (PDF) chứa đoạn trích.")
    attribution: str | None = Field(None, description="Nguồn mà bài dẫn lại (“Theo Reuters” → Reuters).")


class SentenceOut(BaseModel):
    text: str = Field(description="Câu trích nguyên văn; document.text[start:end] == text.")
    doc_id: str
    start: int
    end: int


class AnswerOut(BaseModel):
    """Exactly the JSON of `rag ask --json`."""

    question: str
    answer: str | None = Field(description="Điều cần hiện: câu trả lời ngắn (fact), các câu trích mỗi câu một dòng "
                                           "(overview), mỗi bài một dòng (catalogue); null khi không tìm thấy.")
    sentence: str | None
    abstained: bool
    confidence: float
    citations: list[CitationOut]
    timings_ms: dict[str, float]
    resolved_question: str = Field(description="Câu hỏi như đã được tìm: dấu đã phục hồi, câu nối tiếp đã hiểu đầy đủ.")
    kind: Literal["fact", "overview", "catalogue", "not_found"]
    sentences: list[SentenceOut] = Field(description="Các câu đã hiện của một overview, theo thứ tự trong bài.")
    notice: str | None = Field(None, description="Lưu ý cho người hỏi, ví dụ bài của lượt trước đã bị gỡ.")


class Health(BaseModel):
    status: str
    documents: int
    chunks: int
    embedder: str
    built_at: str | None


REFRESH_SECONDS = 2.0
CHAT_UPLOAD = "/gradio_api/upload"  # where the "Bài viết" tab's file picker sends files
log = logging.getLogger(__name__)


def create_app(rag: RAG, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPIOffline(title="rag-vi", description="Hỏi đáp có trích nguồn trên các bài viết.",
                         redoc_url=None, static_url="/api/docs-static", lifespan=watch_index(rag))
    add_api_routes(app, rag, anyio.CapacityLimiter(settings.concurrency))
    worker = app.state.collection = add_document_routes(app, rag, settings)
    documents = {"worker": worker, "corpus": settings.corpus, "admin_token": settings.admin_token,
                 "max_upload_bytes": settings.max_upload_bytes}
    feedback = FeedbackLog(settings.feedback)
    options = {"concurrency": settings.concurrency, "k": settings.k}
    app.add_api_route("/embed", lambda: RedirectResponse("embed/"), include_in_schema=False)
    mount_chat(app, chat.build(rag, feedback, embed=True, **options), "/embed")
    mount_chat(app, chat.build(rag, feedback, documents=documents, **options), "/")
    # Outermost last: CORS answers preflights before access control asks for credentials, and
    # access control refuses strangers before their body is read at all.
    upload_bytes = settings.max_upload_bytes * MAX_FILES_PER_UPLOAD + settings.max_body_bytes
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, upload_bytes=upload_bytes,
                       upload_paths=frozenset({UPLOAD_PATH, *((CHAT_UPLOAD,) if settings.admin_token else ())}))
    app.add_middleware(AccessControl, token=settings.token, basic_auth=settings.basic_auth,
                       admin_token=settings.admin_token)
    app.add_middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors)
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST", "DELETE"],
                       allow_headers=["Authorization", "Content-Type", "X-RAG-Token"])
    return app


def watch_index(rag: RAG):
    """While the app runs, switch to each index generation a re-ingest finishes: no restart,
    and never a half-written index (a generation is live only once complete)."""
    @contextlib.asynccontextmanager
    async def lifespan(_app):
        stop = threading.Event()
        threading.Thread(target=_refresh_until, args=(rag, stop), daemon=True, name="index-watch").start()
        try:
            yield
        finally:
            stop.set()

    return lifespan


def _refresh_until(rag: RAG, stop: threading.Event) -> None:
    while not stop.wait(REFRESH_SECONDS):
        try:
            if rag.refresh():
                log.info("index reloaded: %s", rag.index.generation)
        except (IndexProblem, OSError) as problem:  # keep serving the loaded index
            log.warning("index not reloaded: %s", problem)


def add_api_routes(app: FastAPI, rag: RAG, slots: anyio.CapacityLimiter) -> None:
    @app.post("/api/ask", response_model=AnswerOut, tags=["api"],
              responses={422: {"description": "Câu hỏi trống, quá dài, sai kiểu hoặc thiếu trường."}})
    async def ask(body: AskRequest) -> dict:
        """Trả lời một câu hỏi, có thể nối tiếp các lượt trước (`history`); cùng JSON với `rag ask --json`."""
        # A worker thread, never the event loop; waiting questions queue in the limiter, first
        # come first served, so under load every question waits about as long (docs/reliability.md).
        history = [turn.model_dump() for turn in body.history]
        ask = functools.partial(rag.ask, body.question, k=body.k, history=history)
        answer = await anyio.to_thread.run_sync(ask, limiter=slots)
        return answer.to_dict()

    @app.get("/api/health", response_model=Health, tags=["api"])
    def health() -> dict:
        """Trạng thái chỉ mục: số bài, số đoạn, mô hình, thời điểm lập."""
        manifest = rag.index.manifest
        return {"status": "ok", "documents": len(rag.index.documents), "chunks": len(rag.index.chunks),
                "embedder": rag.index.embedder_name, "built_at": manifest.get("built_at")}

    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(InvalidQuestion, invalid_question)


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    # The offending input is not echoed back: it may be a megabyte of text.
    errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
    return JSONResponse({"detail": errors}, status_code=422)


async def invalid_question(request: Request, exc: InvalidQuestion) -> JSONResponse:
    return JSONResponse({"detail": [{"loc": ["body", "question"], "msg": str(exc),
                                     "type": "invalid_question"}]}, status_code=422)


# Gradio's page says lang="en" (its template, then its UI-string locale, which has no Vietnamese):
# screen readers would read the chat with English rules and browsers offer to translate it.
PAGE_LANGUAGE = """<script>(() => {
  const page = document.documentElement;
  new MutationObserver(() => { if (page.lang !== "vi") page.lang = "vi"; })
    .observe(page, {attributes: true, attributeFilter: ["lang"]});
  page.lang = "vi";
})();</script>"""


def mount_chat(app: FastAPI, blocks: gr.Blocks, path: str) -> None:
    gr.mount_gradio_app(
        app, blocks, path=path, footer_links=[], run_history=False, ssr_mode=False, pwa=False,
        mcp_server=False, enable_monitoring=False, theme=chat.theme(), css=chat.css(), head=PAGE_LANGUAGE,
    )


def exposure_problem(host: str, settings: Settings) -> str | None:
    """Why binding `host` would open the chat to the network with no access control, if it would."""
    if settings.token or settings.basic_auth or settings.allow_anonymous or is_loopback(host):
        return None
    return (f"--host {host} mở máy chủ ra mạng mà không có kiểm soát truy cập. Đặt RAG_TOKEN=… hoặc "
            "RAG_BASIC_AUTH=tên:mật-khẩu, hoặc RAG_ALLOW_ANONYMOUS=true nếu mạng đã được bảo vệ.")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def local_url(host: str, port: int) -> str:
    """A URL to open from this machine for a server bound to host:port."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
