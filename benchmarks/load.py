"""Load test of `rag serve`: N concurrent users asking for a fixed time, then a report.

    python benchmarks/load.py [--users 50] [--seconds 60] [--think 0] [--soak-minutes 0] [--index index]

Starts `rag serve` on 127.0.0.1 (a free port) over the index, runs the users with an async
HTTP client — each asks, waits for the answer, pauses --think seconds on average (0, the default:
not at all; a person reading the answer takes several), asks again — stops by itself, and prints
throughput, latency p50/p95/p99, errors and the server's resident memory (VmRSS)
sampled every few seconds — flat memory over a long --soak-minutes run means no leak.
Writes benchmarks/load.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

QUESTIONS = [
    "Phong Thổ có bao nhiêu đảng viên?",
    "Trong 2,5 năm đã tổ chức bao nhiêu hội nghị?",
    "Khẩu hiệu hành động của ngành Tuyên giáo Lai Châu là gì?",
    "Quyết định 1327-QĐ/TU được ban hành ngày nào?",
    "Ai phát biểu kết luận Hội nghị sơ kết công tác tuyên giáo?",
    "Những xã nào được chọn làm đơn vị chỉ đạo điểm?",
    "Bắc Quang đã mở bao nhiêu lớp bồi dưỡng trong năm 2021?",
    "Quảng Trị đã tổ chức bao nhiêu lớp bồi dưỡng lý luận cho cán bộ diện BTV Tỉnh ủy quản lý?",
    "Dân số tỉnh Lai Châu là bao nhiêu?",
    "Tổng lượt truy cập của trang là bao nhiêu?",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def wait_ready(client: httpx.AsyncClient, base: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if (await client.get(f"{base}/api/health")).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(1)
    raise SystemExit("rag serve did not become healthy")


async def user(client: httpx.AsyncClient, base: str, n: int, stop: float, results: list, think: float) -> None:
    i, pauses = n, random.Random(n)
    await asyncio.sleep(pauses.uniform(0, think))  # people do not all press Enter at the same instant
    while time.monotonic() < stop:
        question = QUESTIONS[i % len(QUESTIONS)]
        i += 1
        started = time.perf_counter()
        try:
            response = await client.post(f"{base}/api/ask", json={"question": question, "k": 5})
            ok = response.status_code == 200 and "answer" in response.json()
        except httpx.HTTPError:
            ok = False
        results.append((time.perf_counter() - started, ok))
        if think:
            await asyncio.sleep(pauses.uniform(0.5 * think, 1.5 * think))


async def sample_memory(pid: int, stop: float, samples: list, every: float) -> None:
    while time.monotonic() < stop:
        samples.append((round(time.monotonic(), 1), round(rss_mb(pid), 1)))
        await asyncio.sleep(every)


async def run(base: str, pid: int, users: int, seconds: float, think: float = 0.0) -> dict:
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        await wait_ready(client, base)
        await client.post(f"{base}/api/ask", json={"question": QUESTIONS[0]})  # warm
        results, memory = [], []
        start = time.monotonic()
        stop = start + seconds
        await asyncio.gather(
            *(user(client, base, n, stop, results, think) for n in range(users)),
            sample_memory(pid, stop, memory, max(1.0, seconds / 60)),
        )
        elapsed = time.monotonic() - start
    latencies = sorted(t * 1000 for t, _ in results)
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "users": users, "think_s": think, "seconds": round(elapsed, 1), "requests": len(results),
        "errors": sum(not ok for _, ok in results),
        "throughput_per_s": round(len(results) / elapsed, 1),
        "latency_ms": {"p50": round(q[49], 1), "p95": round(q[94], 1), "p99": round(q[98], 1)},
        "rss_mb": {"start": memory[0][1] if memory else None, "end": memory[-1][1] if memory else None,
                   "max": max((m for _, m in memory), default=None)},
        "rss_samples": memory,
        "cpus": os.cpu_count(), "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=0, help="mean pause between a user's questions, s")
    parser.add_argument("--soak-minutes", type=float, default=0, help="run this long instead")
    parser.add_argument("--index", default="index")
    parser.add_argument("--out", default="benchmarks/load.json")
    args = parser.parse_args()
    port = free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    server = subprocess.Popen([sys.executable, "-m", "rag", "serve", "--index", args.index,
                               "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        seconds = args.soak_minutes * 60 or args.seconds
        report = asyncio.run(run(f"http://127.0.0.1:{port}", server.pid, args.users, seconds, args.think))
    finally:
        server.terminate()
        server.wait(timeout=30)
    Path(args.out).write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "rss_samples"}, indent=2))


if __name__ == "__main__":
    main()
