"""Load generator for a Rasa REST channel (aiohttp): C concurrent conversations, each a list of messages
sent one after another (the next message only after the answer), latency per message."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


async def _conversation(
    session,
    url: str,
    sender: str,
    messages: Sequence[str],
    timeout: float,
    lat: list[float],
    errors: list[str],
    empty: list[int],
) -> None:
    import aiohttp

    for text in messages:
        t0 = time.perf_counter()
        try:
            async with session.post(
                url, json={"sender": sender, "message": text}, timeout=aiohttp.ClientTimeout(total=timeout)
            ) as r:
                if r.status != 200:
                    await r.read()
                    errors.append(f"HTTP {r.status}")
                    continue
                body = await r.json(content_type=None)
                if not isinstance(body, list):
                    errors.append("not a list")
                    continue
                if not body:
                    empty.append(1)
        except (asyncio.TimeoutError, aiohttp.ClientError, ValueError) as exc:
            errors.append(type(exc).__name__)
            continue
        lat.append(time.perf_counter() - t0)


async def run_level(
    url: str, concurrency: int, conversations: Sequence[Sequence[str]], total: int, run_id: str, timeout: float = 60.0
) -> dict:
    """``total`` conversations (cycling through ``conversations``), at most ``concurrency`` at a time."""
    import aiohttp

    lat: list[float] = []
    errors: list[str] = []
    empty: list[int] = []
    queue: asyncio.Queue = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)
    connector = aiohttp.TCPConnector(limit=concurrency + 5)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker():
            while True:
                try:
                    i = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                await _conversation(
                    session,
                    url,
                    f"{run_id}-c{concurrency}-{i}",
                    conversations[i % len(conversations)],
                    timeout,
                    lat,
                    errors,
                    empty,
                )

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - t0
    ms = [x * 1000 for x in lat]
    return {
        "concurrency": concurrency,
        "conversations": total,
        "messages_ok": len(lat),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "empty_answers": len(empty),
        "seconds": round(wall, 2),
        "msg_per_s": round(len(lat) / wall, 2) if wall else None,
        "p50_ms": round(percentile(ms, 0.50), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
        "max_ms": round(max(ms), 1) if ms else None,
    }


async def one_message(url: str, sender: str, text: str, timeout: float = 120.0) -> tuple[float, list | None]:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        t0 = time.perf_counter()
        async with session.post(
            url, json={"sender": sender, "message": text}, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as r:
            body = await r.json(content_type=None) if r.status == 200 else None
        return time.perf_counter() - t0, body


def peak_rss_mb(pid: int | None) -> float | None:
    """Peak resident memory (VmHWM) of a process from /proc, in MB; None when unknown."""
    return _status_kb(pid, "VmHWM")


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants (Sanic workers are child processes of the Rasa server)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return out


def tree_peak_rss_mb(pid: int | None) -> float | None:
    """Sum of the peak resident memory of a process and its descendants, in MB."""
    if not pid:
        return None
    peaks = [peak_rss_mb(p) for p in process_tree(pid)]
    known = [p for p in peaks if p is not None]
    return round(sum(known), 1) if known else None


def rss_mb(pid: int | None) -> float | None:
    return _status_kb(pid, "VmRSS")


def _status_kb(pid: int | None, key: str) -> float | None:
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None
