#!/usr/bin/env python
"""Latency benchmark of the REST channel (make bench). Loopback only, bounded.

Sends N Dutch messages one after another to ``/webhooks/rest/webhook`` (each message in a new
conversation every ``--turns`` messages) and reports p50 / p95 / max latency and throughput.
Starts the servers with scripts/run.sh when nothing answers on the Rasa port, and stops them
afterwards.

    .venv/bin/python scripts/bench.py -n 200
    .venv/bin/python scripts/bench.py --url http://127.0.0.1:5005 -n 50
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import List, Optional

ROOT = Path(__file__).resolve().parent.parent

MESSAGES = [
    "Ik ben het niet eens met het besluit van de gemeente",
    "Mijn bezwaar is ongegrond verklaard, wat nu?",
    "Ik heb een klacht over het verpleeghuis",
    "We vinden geen plek voor mijn zoon met een Wlz-indicatie",
    "De thuiszorg wil stoppen met de zorg voor mijn moeder",
    "Hoe lang heb ik om bezwaar te maken?",
    "Wat doet een cliëntondersteuner?",
    "Ik word van het kastje naar de muur gestuurd",
    "Wie is verantwoordelijk voor de zorg als hij 18 wordt?",
    "hallo",
    "dank je wel",
    "Mijn dochter van 16 zit vast in de jeugdzorg",
]

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url + "/status", timeout=2).read()
        return True
    except Exception:
        return False


def percentile(values: List[float], q: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    port = os.environ.get("OPSW_RASA_PORT", "5005")
    ap.add_argument("--url", default=f"http://127.0.0.1:{port}")
    ap.add_argument("-n", "--messages", type=int, default=100)
    ap.add_argument("--turns", type=int, default=4, help="messages per conversation")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--max-seconds", type=float, default=600, help="hard time bound")
    ap.add_argument("--timeout", type=float, default=30, help="per request")
    a = ap.parse_args(argv)

    host = urllib.parse.urlsplit(a.url).hostname or ""
    if host not in LOOPBACK and not host.startswith("127."):
        print("[opsw] bench only targets loopback addresses", file=sys.stderr)
        return 2
    n = max(1, min(a.messages, 10_000))

    proc = None
    if not _answers(a.url):
        print("[opsw] no Rasa server answers; starting scripts/run.sh ...", file=sys.stderr)
        log = open(ROOT / "var" / "bench-run.log", "w")
        env = dict(os.environ, OPSW_RASA_PORT=str(urllib.parse.urlsplit(a.url).port or 5005))
        proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        deadline = time.time() + 1200
        while not _answers(a.url):
            if proc.poll() is not None or time.time() > deadline:
                print("[opsw] servers did not start; see var/bench-run.log", file=sys.stderr)
                return 1
            time.sleep(2)
    try:
        endpoint = a.url.rstrip("/") + "/webhooks/rest/webhook"

        def send(i: int, sender: str) -> float:
            body = json.dumps({"sender": sender, "message": MESSAGES[i % len(MESSAGES)]}).encode()
            req = urllib.request.Request(endpoint, data=body,
                                         headers={"Content-Type": "application/json"})
            t0 = time.perf_counter()
            with urllib.request.urlopen(req, timeout=a.timeout) as r:
                r.read()
            return time.perf_counter() - t0

        run_id = f"bench-{os.getpid()}-{int(time.time())}"
        for i in range(a.warmup):
            send(i, f"{run_id}-warmup")
        lat: List[float] = []
        errors = 0
        t_start = time.perf_counter()
        for i in range(n):
            if time.perf_counter() - t_start > a.max_seconds:
                print(f"[opsw] stopped after {a.max_seconds}s", file=sys.stderr)
                break
            try:
                lat.append(send(i, f"{run_id}-{i // max(1, a.turns)}"))
            except (urllib.error.URLError, TimeoutError, OSError):
                errors += 1
        wall = time.perf_counter() - t_start
        if not lat:
            print("[opsw] no successful requests", file=sys.stderr)
            return 1
        ms = [x * 1000 for x in lat]
        print(f"requests: {len(lat)} ok, {errors} errors, sequential, {a.turns} per conversation")
        print(f"latency ms: p50 {percentile(ms, .5):.1f}  p95 {percentile(ms, .95):.1f}  "
              f"max {max(ms):.1f}  mean {statistics.mean(ms):.1f}")
        print(f"throughput: {len(lat) / wall:.1f} messages/s over {wall:.1f}s")
        return 0 if errors == 0 else 1
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main())
