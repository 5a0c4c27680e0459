"""Split documents into passages that keep whole sentences, with exact offsets."""
from __future__ import annotations

from langchain_text_splitters import RecursiveCharacterTextSplitter

from .types import Chunk, Document

# Paragraphs first, then Vietnamese sentence ends, then clause breaks: a chunk boundary
# falls inside a sentence only when one sentence alone is longer than a chunk.
SEPARATORS = [r"\n\n", r"\n", r"(?<=[.!?…])\s+", r"(?<=[;:])\s+", r"(?<=,)\s+", r"\s+"]


def make_splitter(chunk_size: int, chunk_overlap: int) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        is_separator_regex=True,
        keep_separator="end",
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        strip_whitespace=True,
    )


def chunk_document(doc: Document, splitter: RecursiveCharacterTextSplitter) -> list[Chunk]:
    chunks: list[Chunk] = []
    cursor = 0
    for piece in splitter.split_text(doc.text):
        start = doc.text.find(piece, cursor)
        if start < 0:  # cannot happen with strip_whitespace; guard the offsets contract anyway
            raise ValueError(f"chunk of {doc.doc_id} not found in its text")
        chunks.append(
            Chunk(doc.doc_id, f"{doc.doc_id}#{len(chunks)}", start, start + len(piece), piece)
        )
        cursor = start + 1
    return chunks
