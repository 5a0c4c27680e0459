"""Shared benchmark helpers: timing summaries, timed stand-ins, machine facts, Markdown tables."""
from __future__ import annotations

import os
import platform
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FACTS = ROOT / "eval" / "facts.jsonl"
CONVERSATIONS = ROOT / "eval" / "conversations.jsonl"
XQUAD = Path(os.environ.get("RAG_BENCH_XQUAD", "/work/shared/benchmarks/xquad-vi/xquad.vi.json"))


def summary(seconds: list[float]) -> dict:
    """Median, p95 and mean in milliseconds: medians because the machine is shared."""
    ms = np.asarray(seconds) * 1000
    return {"p50_ms": round(float(np.median(ms)), 3), "p95_ms": round(float(np.percentile(ms, 95)), 3),
            "mean_ms": round(float(ms.mean()), 3), "n": len(ms)}


def time_calls(function, inputs) -> list[float]:
    seconds = []
    for item in inputs:
        started = time.perf_counter()
        function(item)
        seconds.append(time.perf_counter() - started)
    return seconds


class Stopwatch:
    """Durations by label, collected by timed calls inside the code being measured."""

    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = defaultdict(list)

    def timing(self, function, label: str):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label].append(time.perf_counter() - started)

        return timed

    def timed(self, inner, method: str, label: str):
        """A stand-in for a shared object (left untouched) whose `method` calls are timed."""
        return _Timed(inner, method, self.timing(getattr(inner, method), label))

    def padded(self, function, labels: tuple[str, ...]):
        """`function`, recording 0 for each label it did not reach, so that every label holds one
        duration per call (a question about the collection itself is not embedded, retrieved or read)."""
        def call(*args, **kwargs):
            before = {label: len(self.seconds[label]) for label in labels}
            try:
                return function(*args, **kwargs)
            finally:
                for label in labels:
                    if len(self.seconds[label]) == before[label]:
                        self.seconds[label].append(0.0)

        return call

    def patch(self, owner, method: str, label: str) -> None:
        """Time `method` calls of an object this benchmark owns."""
        setattr(owner, method, self.timing(getattr(owner, method), label))


class _Timed:
    def __init__(self, inner, method: str, timed) -> None:
        self._inner, self._method, self._timed = inner, method, timed

    def __getattr__(self, name: str):
        return self._timed if name == self._method else getattr(self._inner, name)


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def openmp_env(**settings: str | None) -> dict:
    """This environment with the given OpenMP variables set, or unset where None."""
    env = dict(os.environ)
    for name, value in settings.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def proc_memory(pid: int | str = "self") -> dict:
    """Resident set size now and its peak (VmHWM), in MiB, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mib": fields["VmRSS"], "peak_rss_mib": fields["VmHWM"]}


def machine() -> dict:
    import faiss

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    pages = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(pages / 2**30, 1),
            "python": platform.python_version(), "numpy": np.__version__, "faiss": faiss.__version__,
            "date": time.strftime("%Y-%m-%d %H:%M %Z"), "load_at_start": load()}


def peak_gflops(threads: int, size: int = 2048, repeats: int = 10) -> float:
    """Best float32 matmul rate numpy's BLAS reaches on `threads` threads: the machine's peak."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    a, b = (rng.random((size, size), dtype=np.float32) for _ in range(2))
    best = float("inf")
    with threadpool_limits(threads):
        a @ b
        for _ in range(repeats):
            started = time.perf_counter()
            a @ b
            best = min(best, time.perf_counter() - started)
    return round(2 * size**3 / best / 1e9, 1)


def table(headers: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
