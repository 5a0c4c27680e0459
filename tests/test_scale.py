"""What keeps ask fast as the index grows: the dense index type follows the size (exact below the
threshold, HNSW above, recorded in the manifest) and BM25 candidates need no full sort."""
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


def test_flat_below_the_threshold_hnsw_from_it():
    vectors = clustered_unit_vectors(3000)
    flat = store.build_dense(vectors, threshold=3001)
    hnsw = store.build_dense(vectors, threshold=3000)
    assert isinstance(flat, faiss.IndexFlatIP)
    assert isinstance(hnsw, faiss.IndexHNSWFlat)
    assert hnsw.metric_type == faiss.METRIC_INNER_PRODUCT
    assert store.describe_dense(flat) == {"faiss": "IndexFlatIP", "metric": "inner_product"}
    assert store.describe_dense(hnsw) == {
        "faiss": "IndexHNSWFlat", "metric": "inner_product", "M": store.HNSW_M,
        "efConstruction": store.HNSW_EF_CONSTRUCTION, "efSearch": store.HNSW_EF_SEARCH}


def test_hnsw_finds_what_exact_search_finds():
    vectors = clustered_unit_vectors(3000)
    queries = clustered_unit_vectors(100, seed=1)
    _, exact = store.build_dense(vectors, threshold=len(vectors) + 1).search(queries, 10)
    _, approximate = store.build_dense(vectors, threshold=1).search(queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, approximate)])
    assert recall >= 0.95


def test_ingest_records_hnsw_and_load_restores_its_search_setting(tmp_path, embedder, monkeypatch):
    smallest = min(CORPUS.glob("*.txt"), key=lambda p: p.stat().st_size)
    shutil.copy(smallest, tmp_path / smallest.name)
    monkeypatch.setattr(store, "HNSW_THRESHOLD", 1)  # any corpus is "large"
    ingest([tmp_path / smallest.name], tmp_path / "index", embedder, progress=False)

    manifest_path = store.live_generation(tmp_path / "index") / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert manifest["dense"] == {"faiss": "IndexHNSWFlat", "metric": "inner_product", "M": store.HNSW_M,
                                 "efConstruction": store.HNSW_EF_CONSTRUCTION, "efSearch": store.HNSW_EF_SEARCH}
    manifest["dense"]["efSearch"] = 77  # the manifest, not the faiss file, decides the search setting
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    index = store.load(tmp_path / "index")
    assert isinstance(index.dense, faiss.IndexHNSWFlat)
    assert index.dense.hnsw.efSearch == 77
    query = embedder.embed_queries(["Phong Thổ có bao nhiêu đảng viên?"])
    _, ids = index.dense.search(query, 3)
    assert list(ids[0]) == list(np.argsort(-(index.chunk_vectors @ query[0]))[:3])


def test_top_gives_the_first_ids_of_a_stable_sort():
    rng = np.random.default_rng(0)
    for n, depth in ((1000, 50), (1000, 999), (50, 50), (10, 60)):
        scores = rng.integers(0, 20, n).astype(np.float32)  # many ties, as BM25 gives
        assert sorted(top(scores, depth)) == sorted(np.argsort(-scores, kind="stable")[:depth])


def test_filtered_retrieval_is_exact_over_an_hnsw_index(corpus_index, embedder):
    flat = store.load(corpus_index)
    hnsw = dataclasses.replace(flat, dense=store.build_dense(flat.chunk_vectors, threshold=1))
    question = "Phong Thổ có bao nhiêu đảng viên?"
    query = embedder.embed_queries([question])[0]
    only = Filters(source="002_30ff043197b154a6")
    hits = [HybridRetriever(index).run(question, query, 5, only) for index in (flat, hnsw)]
    assert [h.chunk.chunk_id for h in hits[0]] == [h.chunk.chunk_id for h in hits[1]]
    assert hits[0] and all(h.chunk.doc_id == "002_30ff043197b154a6" for h in hits[0])
