"""Memory: peak RSS of `rag serve` after load and after N questions, the engine alone, and index size on disk.

`rag serve` runs as a real server process on a free local port and is asked over HTTP; the
engine alone (RAG.load and ask, no web stack) runs in a bare process, to show the web stack's share.

Worker mode (the engine alone): python -m benchmarks.memory INDEX_DIR QUESTIONS_JSON
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from rag import store

from .common import ROOT, proc_memory


def run(index_dir: Path, questions: list[str], extra_indexes: dict[str, Path]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "questions.json"
        path.write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
        engine = subprocess.run([sys.executable, "-m", "benchmarks.memory", str(index_dir), str(path)],
                                cwd=ROOT, capture_output=True, text=True, check=True)
        served = serve(index_dir, questions, Path(tmp))
    disk = {"shipped corpus": disk_usage(index_dir)} | {k: disk_usage(v) for k, v in extra_indexes.items()}
    return {"questions": len(questions), "rag_serve": served, "engine_only": json.loads(engine.stdout),
            "disk": disk}


def serve(index_dir: Path, questions: list[str], tmp: Path) -> dict:
    port = _free_port()
    env = os.environ | {"RAG_FEEDBACK": str(tmp / "feedback.jsonl"), "HF_HUB_OFFLINE": "1"}
    with open(tmp / "serve.log", "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "rag", "serve", "--index", str(index_dir),
                                   "--host", "127.0.0.1", "--port", str(port)],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server, tmp / "serve.log")
        after_load = proc_memory(server.pid)
        started = time.perf_counter()
        for question in questions:
            _post(f"{url}/api/ask", {"question": question, "k": 5})
        seconds = time.perf_counter() - started
        return {"after_load": after_load, "after_questions": proc_memory(server.pid),
                "seconds_per_question": round(seconds / len(questions), 4)}
    finally:
        server.terminate()
        server.wait(timeout=30)


def engine_main(index_dir: str, questions_path: str) -> None:
    from rag import RAG

    questions = json.loads(Path(questions_path).read_text(encoding="utf-8"))
    rag = RAG.load(index_dir)
    after_load = proc_memory()
    for question in questions:
        rag.ask(question)
    print(json.dumps({"after_load": after_load, "after_questions": proc_memory()}))


def disk_usage(index_dir: Path) -> dict:
    """Bytes of the live generation by part, and per 1,000 chunks."""
    generation = store.live_generation(index_dir)
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    parts: dict[str, int] = {}
    for path in generation.rglob("*"):
        if path.is_file():
            part = "bm25" if path.parent.name == "bm25" else path.name
            parts[part] = parts.get(part, 0) + path.stat().st_size
    chunks = manifest["counts"]["chunks"]
    total = sum(parts.values())
    return {"chunks": chunks, "sentences": manifest["counts"]["sentences"], "bytes": total,
            "mib_per_1000_chunks": round(total / chunks * 1000 / 2**20, 2), "parts": parts}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen, log: Path, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"rag serve exited with {server.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=5) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"rag serve did not answer within {timeout:.0f} s")


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.loads(reply.read())


if __name__ == "__main__":
    engine_main(*sys.argv[1:3])
