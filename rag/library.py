"""The collection as editors see it: list and search the indexed articles, read one in full,
check an uploaded file before it is stored in the corpus folder, and remove an article.

The web API, the chat's "Bài viết" tab and `rag documents` / `rag remove` are thin layers over
these functions; indexing itself is the one incremental ingest (`ingest.py`).
"""
from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import diacritics
from .embedding import Embedder
from .ingest import ChunkSettings, index_documents
from .loading import SUFFIXES, FileProblem, clean_page, content_hash, read_page
from .store import Index
from .types import Document

MAX_NAME_CHARS = 120
# What a file must start with to be what its name says ("type by content, not by name").
_MAGIC = {".pdf": (b"%PDF-",), ".docx": (b"PK\x03\x04",)}


class DocumentProblem(Exception):
    """A request about a document that cannot be done; `status` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Listed:
    """An indexed article as the document list shows it."""

    doc_id: str
    title: str
    date: str | None
    author: str | None
    attribution: str | None
    url: str | None
    source: str
    chunks: int
    indexed_at: str | None
    in_corpus: bool  # stored in the corpus folder, so it can be removed from the web


@dataclass(frozen=True)
class Page:
    total: int
    offset: int
    limit: int
    documents: tuple[Listed, ...]


def listing(index: Index, corpus: Path, query: str = "", offset: int = 0, limit: int = 50) -> Page:
    """The articles whose title holds every word of `query` (accents optional), newest first."""
    words = diacritics.remove(query.lower()).split()
    found = [d for d in index.documents.values()
             if all(w in diacritics.remove(d.title.lower()) for w in words)]
    found.sort(key=lambda d: (d.date or "", d.doc_id), reverse=True)
    chunks = index.chunks_by_document
    info = index.manifest.get("documents", {})
    shown = tuple(
        Listed(d.doc_id, d.title, d.date, d.author, d.attribution, d.url, d.source, len(chunks.get(d.doc_id, ())),
               info.get(d.doc_id, {}).get("indexed_at") or index.manifest.get("built_at"), in_corpus(d, corpus))
        for d in found[offset:offset + limit])
    return Page(len(found), offset, limit, shown)


def document(index: Index, doc_id: str) -> Document:
    """The indexed article, or a problem saying it was removed (410) or never indexed (404)."""
    if doc_id in index.documents:
        return index.documents[doc_id]
    removed = index.manifest.get("removed", {}).get(doc_id)
    if removed:
        raise DocumentProblem(f"Bài viết “{removed['title']}” đã được gỡ khỏi kho ngày {_vi_time(removed['removed_at'])}.", 410)
    raise DocumentProblem(f"Không có bài viết {doc_id!r} trong chỉ mục.", 404)


def removed_title(index: Index, doc_id: str | None) -> str | None:
    """The title of a removed article, for a conversation turn or an old link that points to it."""
    return index.manifest.get("removed", {}).get(doc_id or "", {}).get("title")


def in_corpus(doc: Document, corpus: Path) -> bool:
    source = Path(doc.source).resolve()
    return corpus.resolve() in source.parents


def safe_name(name: str) -> str:
    """The uploaded file's name as it will be stored: one plain name inside the corpus folder."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if (not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name or name.startswith(".")
            or any(unicodedata.category(ch)[0] == "C" for ch in name) or len(name) > MAX_NAME_CHARS):
        raise DocumentProblem(f"Tên tệp {name[:80]!r} không hợp lệ: cần một tên tệp thường, không chứa thư mục "
                              f"(/, \\, ..), tối đa {MAX_NAME_CHARS} ký tự.")
    if Path(name).suffix.lower() not in SUFFIXES:
        raise DocumentProblem(f"{name}: chỉ nhận tệp {', '.join(SUFFIXES)}.", 415)
    return name


def check_upload(name: str, data: bytes, index: Index, max_bytes: int) -> Document:
    """Read and clean an upload exactly as ingest will, before anything is stored: its size, that its
    content is what its name says, that it yields article text, and that it is not already indexed."""
    name = safe_name(name)
    if len(data) > max_bytes:
        raise DocumentProblem(f"{name}: tệp {len(data):,} byte, vượt giới hạn {max_bytes:,} byte."
                              .replace(",", "."), 413)
    magic = _MAGIC.get(Path(name).suffix.lower())
    if magic and not data.startswith(magic):
        raise DocumentProblem(f"{name}: nội dung không phải tệp {Path(name).suffix} thật; hãy tải lên đúng tệp.", 415)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            doc = clean_page(read_page(path), path.stem)
        except FileProblem as problem:
            raise DocumentProblem(str(problem).replace(str(path), name), 422) from None
    # The index already holds each document's content hash: no article is re-read to compare.
    same = content_hash(doc)
    twin = next((index.documents[i] for i, info in index.manifest["documents"].items() if info["sha256"] == same), None)
    if twin is not None:
        raise DocumentProblem(f"{name}: trùng nội dung với bài đã có “{twin.title}” ({twin.doc_id}).", 409)
    return doc


def store_upload(corpus: Path, name: str, data: bytes) -> Path:
    """Write the file into the corpus folder atomically (a reader never sees half a file); a file of
    the same name is replaced."""
    corpus.mkdir(parents=True, exist_ok=True)
    target = corpus / safe_name(name)
    if target.resolve().parent != corpus.resolve():
        raise DocumentProblem(f"{name}: tên tệp không hợp lệ.")
    handle, tmp = tempfile.mkstemp(dir=corpus, prefix=".upload-")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, target)
    return target


def writable_problem(corpus: Path) -> str | None:
    """Why uploads cannot be stored in `corpus`, if they cannot. It must already exist: from a wheel
    install the default (the repository's corpus/) does not, and nothing should appear in site-packages."""
    if not corpus.is_dir():
        return (f"Thư mục bài viết {corpus} không có: tải lên và gỡ bài từ web bị tắt. "
                "Tạo thư mục rồi đặt RAG_CORPUS=/đường/dẫn/thư-mục.")
    if not os.access(corpus, os.W_OK):
        return (f"Thư mục bài viết {corpus} không ghi được: tải lên và gỡ bài từ web bị tắt. "
                "Cấp quyền ghi hoặc đặt RAG_CORPUS=/đường/dẫn/ghi-được.")
    return None


def remove(index: Index, index_dir: Path, doc_id: str, corpus: Path, delete_file: bool,
           embedder: str | Embedder | None = None) -> Document:
    """Drop an article from the index (a new generation without it, the others' vectors reused);
    with `delete_file`, its file in the corpus folder goes too, once the index no longer holds it,
    so that the next ingest of the folder does not bring it back."""
    doc = document(index, doc_id)
    chunking = index.manifest["chunking"]
    rest = [d for d in index.documents.values() if d.doc_id != doc_id]
    index_documents(rest, index_dir, embedder or index.embedder_name,
                    ChunkSettings(chunking["chunk_size"], chunking["chunk_overlap"]), progress=False)
    if delete_file and in_corpus(doc, corpus):
        Path(doc.source).unlink(missing_ok=True)
    return doc


def _vi_time(iso: str) -> str:
    """"2026-12-01T15:29:27+0000" → "01/12/2026 15:29"."""
    match = re.match(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)", iso)
    return f"{match[3]}/{match[2]}/{match[1]} {match[4]}:{match[5]}" if match else iso
