"""Extractive question answering over Vietnamese articles: `RAG.load("index").ask("…")`."""
from .pipeline import RAG
from .retrieval import Filters
from .text import InvalidQuestion
from .types import Answer, Chunk, Citation, Document, Hit

__all__ = ["RAG", "Answer", "Chunk", "Citation", "Document", "Filters", "Hit", "InvalidQuestion"]
