"""The document routes of `rag serve`: list, read, upload and remove articles, the state of the
background jobs, and the article page a citation links to. Reads follow the server's access
rules; writes need the admin token (`RAG_ADMIN_TOKEN`) and are off while it is unset."""
from __future__ import annotations

from pathlib import Path

import anyio
from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from . import article_page, library
from .access import is_admin
from .config import Settings
from .ingest import ChunkSettings
from .uploads import CollectionWorker, Job

MAX_FILES_PER_UPLOAD = 20
UPLOAD_PATH = "/api/documents"


class DocumentOut(BaseModel):
    doc_id: str
    title: str
    date: str | None
    author: str | None
    attribution: str | None = Field(description="Nguồn mà bài dẫn lại (“Theo Reuters” → Reuters).")
    url: str | None
    source: str = Field(description="Tệp mà bài được lập chỉ mục từ đó.")
    chunks: int
    indexed_at: str | None
    in_corpus: bool = Field(description="Bài nằm trong thư mục bài viết (RAG_CORPUS), nên gỡ được từ web.")


class DocumentPage(BaseModel):
    total: int
    offset: int
    limit: int
    documents: list[DocumentOut]


class FullDocument(BaseModel):
    doc_id: str
    title: str
    date: str | None
    author: str | None
    attribution: str | None
    url: str | None
    source: str
    text: str = Field(description="Văn bản đã làm sạch; mọi offset của trích dẫn trỏ vào đây.")
    pages: list[int] = Field(description="Với PDF: vị trí bắt đầu của mỗi trang trong text.")


class JobOut(BaseModel):
    job_id: str
    kind: str
    files: list[str]
    state: str = Field(description="queued, running, done hoặc failed.")
    message: str
    doc_ids: list[str]
    problems: list[str]
    created_at: str
    finished_at: str | None


class Refused(BaseModel):
    file: str
    status: int
    reason: str


class Problem(BaseModel):
    detail: str


_ADMIN = {401: {"model": Problem, "description": "Thiếu token quản trị hoặc sai."},
          403: {"model": Problem, "description": "Chức năng quản trị đang tắt (RAG_ADMIN_TOKEN chưa đặt)."},
          503: {"model": Problem, "description": "Thư mục bài viết (RAG_CORPUS) không có hoặc không ghi được."}}
_UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"},
                            "description": "Một hay nhiều tệp .txt .md .html .pdf .docx."}}}}}}}


class UploadOut(BaseModel):
    accepted: list[str]
    refused: list[Refused]
    job: JobOut | None


def add_document_routes(app: FastAPI, rag, settings: Settings) -> CollectionWorker:
    corpus = Path(settings.corpus)
    chunking = ChunkSettings(settings.chunk_size, settings.chunk_overlap)
    worker = CollectionWorker(rag, corpus, chunking)

    def admin_problem(request: Request) -> JSONResponse | None:
        if not settings.admin_token:
            return JSONResponse({"detail": "Chức năng quản trị đang tắt: đặt RAG_ADMIN_TOKEN khi chạy rag serve."}, 403)
        if not is_admin(request.headers, settings.admin_token):
            return JSONResponse({"detail": "Cần token quản trị: Authorization: Bearer <RAG_ADMIN_TOKEN>."}, 401,
                                headers={"WWW-Authenticate": 'Bearer realm="rag-vi-admin"'})
        problem = library.writable_problem(corpus)
        return JSONResponse({"detail": problem}, 503) if problem else None

    @app.get("/api/documents", response_model=DocumentPage, tags=["documents"])
    def list_documents(q: str = Query("", max_length=200, description="Tìm theo tiêu đề (có dấu hoặc không)."),
                       offset: int = Query(0, ge=0), limit: int = Query(50, ge=1, le=500)) -> dict:
        """Các bài đã lập chỉ mục, mới nhất trước."""
        found = library.listing(rag.index, corpus, q, offset, limit)
        return {"total": found.total, "offset": found.offset, "limit": found.limit,
                "documents": [vars(d) for d in found.documents]}

    @app.get("/api/documents/{doc_id}", response_model=FullDocument, tags=["documents"],
             responses={404: {"model": Problem, "description": "Không có bài này."},
                        410: {"model": Problem, "description": "Bài đã được gỡ."}})
    def read_document(doc_id: str):
        """Một bài với toàn văn đã làm sạch."""
        try:
            doc = library.document(rag.index, doc_id)
        except library.DocumentProblem as problem:
            return JSONResponse({"detail": str(problem)}, problem.status)
        return {**vars(doc), "pages": list(doc.pages)}

    refusals = {status: {"model": UploadOut, "description": what} for status, what in (
        (400, "Tên tệp không hợp lệ."), (409, "Trùng nội dung với bài đã có."), (413, "Tệp quá lớn."),
        (415, "Định dạng không nhận, hoặc nội dung không đúng đuôi tệp."), (422, "Tệp không đọc được thành bài viết."))}

    @app.post(UPLOAD_PATH, response_model=UploadOut, status_code=202, tags=["documents"],
              responses={**_ADMIN, **refusals}, openapi_extra=_UPLOAD_BODY)
    async def upload(request: Request):
        """Tải lên một hay nhiều tệp (trường `file`; .txt .md .html .pdf .docx); được nhận thì lưu vào
        thư mục bài viết và lập chỉ mục ở nền, lần lượt từng việc. Cần token quản trị."""
        refusal = admin_problem(request)
        if refusal:
            return refusal
        form = await request.form(max_files=MAX_FILES_PER_UPLOAD, max_fields=MAX_FILES_PER_UPLOAD)
        uploads = [f for f in form.getlist("file") if hasattr(f, "filename")]
        if not uploads:
            return JSONResponse({"accepted": [], "job": None, "refused": [
                {"file": "", "status": 422, "reason": "Không có tệp nào: gửi multipart với trường file."}]}, 422)
        accepted, refused = [], []
        for item in uploads:
            data = await item.read(settings.max_upload_bytes + 1)
            try:
                await anyio.to_thread.run_sync(library.check_upload, item.filename or "", data, rag.index,
                                               settings.max_upload_bytes)
                if any(data == other for _, other in accepted):
                    raise library.DocumentProblem(f"{item.filename}: trùng với tệp khác trong lần tải này.", 409)
                accepted.append((library.safe_name(item.filename), data))
            except library.DocumentProblem as problem:
                refused.append({"file": (item.filename or "")[:200], "status": problem.status, "reason": str(problem)})
        job = worker.upload(accepted) if accepted else None
        body = {"accepted": [name for name, _ in accepted], "refused": refused, "job": vars(job) if job else None}
        return JSONResponse(_jsonable(body), 202 if accepted else max(r["status"] for r in refused))

    @app.delete("/api/documents/{doc_id}", response_model=JobOut, status_code=202, tags=["documents"],
                responses={**_ADMIN, 404: {"model": Problem, "description": "Không có bài này."},
                           409: {"model": Problem, "description": "Bài không nằm trong thư mục bài viết."},
                           410: {"model": Problem, "description": "Bài đã được gỡ."}})
    def remove_document(doc_id: str, request: Request):
        """Gỡ một bài khỏi thư mục bài viết và khỏi chỉ mục (ở nền). Cần token quản trị."""
        refusal = admin_problem(request)
        if refusal:
            return refusal
        try:
            doc = library.document(rag.index, doc_id)
        except library.DocumentProblem as problem:
            return JSONResponse({"detail": str(problem)}, problem.status)
        if not library.in_corpus(doc, corpus):
            return JSONResponse({"detail": f"Bài này được lập chỉ mục từ {doc.source}, ngoài thư mục bài viết {corpus}; "
                                           f"gỡ nó từ máy chủ: rag remove {doc_id}."}, 409)
        return JSONResponse(_jsonable(vars(worker.remove(doc_id))), 202)

    @app.get("/api/jobs", response_model=list[JobOut], tags=["documents"])
    def list_jobs() -> list[dict]:
        """Các việc tải lên / gỡ bài gần đây, mới nhất trước."""
        return [_jsonable(vars(job)) for job in worker.jobs()]

    @app.get("/api/jobs/{job_id}", response_model=JobOut, tags=["documents"],
             responses={404: {"model": Problem, "description": "Không có việc này."}})
    def read_job(job_id: str):
        job: Job | None = worker.job(job_id)
        return _jsonable(vars(job)) if job else JSONResponse({"detail": f"Không có việc {job_id!r}."}, 404)

    @app.get("/articles/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def article(doc_id: str, start: int | None = None, end: int | None = None,
                answer_start: int | None = None, answer_end: int | None = None):
        try:
            doc = library.document(rag.index, doc_id)
        except library.DocumentProblem as problem:
            title = "Bài viết đã được gỡ" if problem.status == 410 else "Không có bài viết này"
            return HTMLResponse(article_page.notice(title, str(problem)), problem.status)
        spans = article_page.checked_spans(doc.text, start, end, answer_start, answer_end)
        return HTMLResponse(article_page.page(doc, spans))

    return worker


def _jsonable(value):
    """Tuples as lists, for JSONResponse."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
