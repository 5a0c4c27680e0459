"""The chat page's "Bài viết" tab: the articles, each opening in full; for an admin (the request
carries RAG_ADMIN_TOKEN), uploading and removing, with the state of the indexing jobs."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import gradio as gr

from . import library, render
from .access import is_admin
from .uploads import CollectionWorker

PAGE_SIZE = 50
STATES = {"queued": "đang chờ", "running": "đang lập chỉ mục", "done": "xong", "failed": "lỗi"}
ACCEPTED_TYPES = [".txt", ".md", ".html", ".htm", ".pdf", ".docx"]


def articles_html(rag, corpus: Path, query: str = "", limit: int = PAGE_SIZE) -> str:
    """The list as a table: title (a link to the article in full), date, author, source file."""
    found = library.listing(rag.index, corpus, query or "", 0, limit)
    rows = "".join(
        f'<tr><td><a href="articles/{quote(d.doc_id, safe="")}" target="_blank">{render.text(d.title)}</a></td>'
        f'<td>{render.text(render.vi_date(d.date))}</td><td>{render.text(d.author)}</td>'
        f'<td>{render.text(Path(d.source).name)}</td></tr>'
        for d in found.documents)
    more = f"{len(found.documents)}/{found.total} bài" + (" — thu hẹp bằng ô tìm kiếm" if found.total > limit else "")
    return (f'<table class="rag-articles"><thead><tr><th>Tiêu đề</th><th>Ngày</th><th>Tác giả</th><th>Tệp</th>'
            f'</tr></thead><tbody>{rows}</tbody></table><p class="rag-status">{render.text(more)}</p>')


def jobs_text(worker: CollectionWorker) -> str:
    lines = []
    for job in worker.jobs()[:8]:
        what = ", ".join(job.files)
        verb = "Tải lên" if job.kind == "upload" else "Gỡ"
        lines.append(f"{verb} {what}: {STATES[job.state]}" + (f" — {job.message}" if job.message else "")
                     + "".join(f"\n  bỏ qua: {p}" for p in job.problems))
    return "\n".join(lines) or "Chưa có việc nào."


def build_tab(rag, worker: CollectionWorker, corpus: Path, admin_token: str | None, max_upload_bytes: int):
    """The tab's components and events, inside the caller's gr.Tab; returns the page-load event
    (shows the admin part to an admin) and its outputs, for the caller's `blocks.load`."""
    with gr.Row():
        query = gr.Textbox(elem_id="rag-articles-query", show_label=False, placeholder="Tìm theo tiêu đề…", scale=8)
        search = gr.Button("Tìm", elem_id="rag-articles-search", scale=1, min_width=80)
    # gr.Markdown, not gr.HTML: see chat.build.
    listed = gr.Markdown(articles_html(rag, corpus), elem_id="rag-articles")
    with gr.Group(visible=False, elem_id="rag-admin") as admin:
        gr.Markdown("**Quản trị bài viết** — tải lên tệp .txt, .md, .html, .pdf, .docx; gỡ bài khỏi kho.")
        files = gr.File(file_count="multiple", file_types=ACCEPTED_TYPES, label="Tệp bài viết",
                        elem_id="rag-upload-files")
        upload = gr.Button("Tải lên và lập chỉ mục", elem_id="rag-upload", variant="primary")
        with gr.Row():
            removable = gr.Dropdown(choices=[], label="Bài cần gỡ", elem_id="rag-remove-choice", scale=4)
            remove = gr.Button("Gỡ bài", elem_id="rag-remove", variant="stop", scale=1)
        jobs = gr.Textbox(label="Tiến độ lập chỉ mục", lines=4, interactive=False, elem_id="rag-jobs")
    timer = gr.Timer(2.0, active=False)
    private = {"api_visibility": "private", "queue": False}

    def refresh(text: str):
        return articles_html(rag, corpus, text)

    def on_load(request: gr.Request):
        allowed = bool(admin_token) and is_admin(request.headers, admin_token)
        choices = _removable(rag, corpus) if allowed else []
        return (gr.update(visible=allowed), gr.update(choices=choices),
                jobs_text(worker) if allowed else "", gr.Timer(active=allowed))

    def on_upload(paths: list[str] | None, request: gr.Request):
        _require_admin(request, admin_token)
        accepted, refused = [], []
        for path in paths or []:
            name = Path(path).name
            try:
                data = Path(path).read_bytes()
                library.check_upload(name, data, rag.index, max_upload_bytes)
                accepted.append((name, data))
            except library.DocumentProblem as problem:
                refused.append(str(problem))
        if accepted:
            worker.upload(accepted)
        for reason in refused:
            gr.Warning(reason, title="Tệp không được nhận")
        return None, jobs_text(worker)

    def on_remove(doc_id: str | None, request: gr.Request):
        _require_admin(request, admin_token)
        if doc_id:
            worker.remove(doc_id)
        return jobs_text(worker)

    def on_tick(text: str, request: gr.Request):
        return articles_html(rag, corpus, text), jobs_text(worker), gr.update(choices=_removable(rag, corpus))

    for trigger in (query.submit, search.click):
        trigger(refresh, [query], [listed], **private)
    upload.click(on_upload, [files], [files, jobs], **private)
    remove.click(on_remove, [removable], [jobs], **private)
    timer.tick(on_tick, [query], [listed, jobs, removable], **private)
    return on_load, [admin, removable, jobs, timer]


def _removable(rag, corpus: Path) -> list[tuple[str, str]]:
    return [(f"{d.title} ({d.doc_id})", d.doc_id) for d in rag.index.documents.values() if library.in_corpus(d, corpus)]


def _require_admin(request: gr.Request, admin_token: str | None) -> None:
    if not admin_token or not is_admin(request.headers, admin_token):
        raise gr.Error("Cần token quản trị (mở trang với ?admin_token=…).")
