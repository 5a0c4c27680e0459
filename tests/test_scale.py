"""What keeps ask fast as the index grows: the dense index type follows the size (exact below the
threshold, an inverted file above, recorded in the manifest) and BM25 candidates need no full sort."""
import dataclasses
import json
import shutil

import faiss
import numpy as np

from rag import Filters, store
from rag.ingest import ingest
from rag.retrieval import HybridRetriever, top

from .conftest import CORPUS


def clustered_unit_vectors(n: int, dim: int = 64, seed: int = 0) -> np.ndarray:
    """Vectors around a few hundred centres, like embeddings of related passages."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((200, dim))
    vectors = centres[rng.integers(0, len(centres), n)] + 0.5 * rng.standard_normal((n, dim))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def test_flat_below_the_threshold_inverted_file_from_it():
    vectors = clustered_unit_vectors(3000)
    flat = store.build_dense(vectors, threshold=3001)
    ivf = store.build_dense(vectors, threshold=3000)
    assert isinstance(flat, faiss.IndexFlatIP)
    assert isinstance(ivf, faiss.IndexIVFFlat) and ivf.ntotal == 3000
    assert ivf.metric_type == faiss.METRIC_INNER_PRODUCT
    assert store.describe_dense(flat) == {"faiss": "IndexFlatIP", "metric": "inner_product"}
    # 4 × √3000 ≈ 219 → 256 lists, an eighth of them scanned
    assert store.describe_dense(ivf) == {"faiss": "IndexIVFFlat", "metric": "inner_product", "nlist": 256, "nprobe": 32}


def test_lists_follow_the_size_and_never_outnumber_the_vectors():
    assert [store.ivf_lists(n) for n in (1, 8, 54, 20_000, 100_000, 1_000_000)] == [1, 8, 32, 512, 1024, 4096]


def test_inverted_file_finds_what_exact_search_finds():
    vectors = clustered_unit_vectors(3000)
    queries = clustered_unit_vectors(100, seed=1)
    _, exact = store.build_dense(vectors, threshold=len(vectors) + 1).search(queries, 10)
    _, approximate = store.build_dense(vectors, threshold=1).search(queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, approximate)])
    assert recall >= 0.95


def test_ingest_records_the_inverted_file_and_load_restores_its_search_setting(tmp_path, embedder, monkeypatch):
    smallest = min(CORPUS.glob("*.txt"), key=lambda p: p.stat().st_size)
    shutil.copy(smallest, tmp_path / smallest.name)
    monkeypatch.setattr(store, "DENSE_THRESHOLD", 1)  # any corpus is "large"
    ingest([tmp_path / smallest.name], tmp_path / "index", embedder, progress=False)

    manifest_path = store.live_generation(tmp_path / "index") / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    chunks = manifest["counts"]["chunks"]
    assert manifest["dense"] == {"faiss": "IndexIVFFlat", "metric": "inner_product",
                                 "nlist": store.ivf_lists(chunks), "nprobe": max(1, store.ivf_lists(chunks) // 8)}
    manifest["dense"]["nprobe"] = store.ivf_lists(chunks)  # the manifest, not the faiss file, decides
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    index = store.load(tmp_path / "index")
    assert isinstance(index.dense, faiss.IndexIVFFlat)
    assert index.dense.nprobe == store.ivf_lists(chunks)
    query = embedder.embed_queries(["Phong Thổ có bao nhiêu đảng viên?"])
    _, ids = index.dense.search(query, 3)  # every list scanned: exact
    assert list(ids[0]) == list(np.argsort(-(index.chunk_vectors @ query[0]))[:3])


def test_top_gives_the_first_ids_of_a_stable_sort():
    rng = np.random.default_rng(0)
    for n, depth in ((1000, 50), (1000, 999), (50, 50), (10, 60)):
        scores = rng.integers(0, 20, n).astype(np.float32)  # many ties, as BM25 gives
        assert sorted(top(scores, depth)) == sorted(np.argsort(-scores, kind="stable")[:depth])


def test_filtered_retrieval_is_exact_over_an_inverted_file(corpus_index, embedder):
    flat = store.load(corpus_index)
    ivf = dataclasses.replace(flat, dense=store.build_dense(flat.chunk_vectors, threshold=1))
    question = "Phong Thổ có bao nhiêu đảng viên?"
    query = embedder.embed_queries([question])[0]
    only = Filters(source="002_30ff043197b154a6")
    hits = [HybridRetriever(index).run(question, query, 5, only) for index in (flat, ivf)]
    assert [h.chunk.chunk_id for h in hits[0]] == [h.chunk.chunk_id for h in hits[1]]
    assert hits[0] and all(h.chunk.doc_id == "002_30ff043197b154a6" for h in hits[0])
