#!/usr/bin/env python
"""Speed benchmark (make bench) -> reports/bench/: this assistant against the `rasa init` example bot.

For each bot, in one run on this machine: training time (fresh Rasa cache) and model size, cold start
(process start -> first REST answer), then 1, 10 and 50 concurrent conversations over the REST channel
(each: an opening message, three free-text answers and "waarom?"; the init bot gets its own five-message
conversation), with p50/p95/p99 latency per message, messages/s, errors, peak RSS of the Rasa server and
the action server, and the time / memory for one message of 4000 characters (the longest allowed).

Servers are started on their own ports (default 5105/5155 and 5106) with a throw-away SQLite tracker
store, via the functions in scripts/servers.sh, and stopped afterwards. Loopback only.

    .venv/bin/python scripts/bench.py                       # both bots, train both (~15 min on 2 cores)
    .venv/bin/python scripts/bench.py --model models/x.tar.gz --no-init-bot
    .venv/bin/python scripts/bench.py --url http://127.0.0.1:5005 --no-init-bot   # a running server
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import contextlib

from measure import cpu_profile, load, summary

# Realistic conversations: an opening message, three free-text answers, "waarom?".
CONVERSATIONS = [
    [
        "Mijn moeder van 84 krijgt geen Wlz-indicatie van het CIZ, daar ben ik het niet mee eens",
        "ik ben haar dochter",
        "de brief kwam op 3 november",
        "nee, nog geen bezwaar gemaakt",
        "waarom?",
    ],
    [
        "Het verpleeghuis wil de zorg voor mijn vader stoppen omdat hij te onrustig is",
        "hij is 79",
        "hij heeft een Wlz indicatie",
        "ik heb al met de klachtenfunctionaris gepraat",
        "waarom?",
    ],
    [
        "we vinden al maanden geen plek voor onze zoon, niemand wil hem hebben door zijn gedrag",
        "hij is 23 en ik ben zijn moeder en mentor",
        "het zorgkantoor zegt dat er wachtlijsten zijn",
        "weet ik niet",
        "waarom?",
    ],
    [
        "mijn dochter van 15 staat al een jaar op de wachtlijst voor jeugdhulp",
        "de gemeente heeft het toegewezen",
        "ik ben haar vader",
        "ja we hebben al een klacht ingediend",
        "waarom?",
    ],
    [
        "Ik ben wijkverpleegkundige en mijn cliënt wordt van het kastje naar de muur gestuurd",
        "ze is 68",
        "Wmo en Zvw, de gemeente zegt dat het de verzekeraar is",
        "nee dat loopt nog",
        "waarom?",
    ],
]
# The rasa init bot (moodbot) understands these; five messages like ours.
INIT_CONVERSATIONS = [
    ["hello", "I am sad", "no", "great", "are you a bot?"],
    ["hi there", "not very good", "yes", "bye", "am I talking to a human?"],
]
LONG_STORY = (
    "Mijn moeder is 86 en woont nog thuis, maar het gaat echt niet meer. De gemeente heeft de "
    "huishoudelijke hulp teruggebracht en het CIZ zegt dat ze geen Wlz-indicatie krijgt. Ik ben haar "
    "dochter en mantelzorger en ik werk zelf ook nog. De thuiszorg komt drie keer per dag maar ze valt "
    "vaak en 's nachts is er niemand. "
)

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
LEVELS = (1, 10, 50)


def _rasa_bin() -> str:
    rasa = Path(sys.executable).with_name("rasa")
    return str(rasa) if rasa.exists() else "rasa"


def _env(extra: dict | None = None) -> dict:
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    env.update(extra or {})
    return env


def long_message(n: int = 4000) -> str:
    text = (LONG_STORY * (n // len(LONG_STORY) + 1))[:n]
    return text[: text.rfind(" ")].rstrip() + "." if len(text) >= n else text


def timed(cmd: list[str], cwd: Path, env: dict, log: Path) -> float:
    t0 = time.perf_counter()
    with open(log, "a", encoding="utf-8") as fh:
        fh.write("$ " + " ".join(cmd) + "\n")
        fh.flush()
        subprocess.run(cmd, cwd=cwd, env=env, check=True, stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.STDOUT)
    return time.perf_counter() - t0


class Servers:
    """Processes started for one bot; stopped by process group (only the ones started here)."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.pids: dict[str, int] = {}

    def start_project(self, model: Path, ports: tuple, work: Path, extra: dict | None = None) -> None:
        rasa_port, action_port = ports
        script = (
            'source scripts/env.sh && source scripts/servers.sh && OPSW_LOG_DIR="$BENCH_LOG_DIR" && '
            'trap "opsw_stop_all; exit 0" TERM INT; '
            'opsw_start_actions; echo "actions ${OPSW_ACTIONS_PID:-}" >> "$BENCH_PIDS"; '
            'opsw_start_rasa "$BENCH_MODEL"; echo "rasa $OPSW_RASA_PID" >> "$BENCH_PIDS"; '
            "while true; do sleep 1 & wait $!; done"
        )
        env = _env(
            {
                "OPSW_RASA_PORT": str(rasa_port),
                "OPSW_ACTION_PORT": str(action_port),
                "OPSW_ACTION_URL": f"http://localhost:{action_port}/webhook",
                "OPSW_TRACKER_DB_URL": f"sqlite:///{work}/trackers.db",
                "BENCH_LOG_DIR": str(work),
                "BENCH_MODEL": str(model),
                "BENCH_PIDS": str(work / "pids"),
                **(extra or {}),
            }
        )
        (work / "pids").unlink(missing_ok=True)
        pids = work / "pids"
        self.proc = subprocess.Popen(
            ["bash", "-c", script],
            cwd=ROOT,
            env=env,
            stdout=open(work / "servers.log", "w"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline and self.proc.poll() is None:
            lines = pids.read_text().split("\n") if pids.exists() else []
            for line in lines:
                parts = line.split()
                if len(parts) == 2 and parts[1].isdigit():
                    self.pids[parts[0]] = int(parts[1])
            if "rasa" in self.pids:
                break
            time.sleep(0.2)

    def start_plain(self, folder: Path, port: int, work: Path) -> None:
        cmd = [_rasa_bin(), "run", "--enable-api", "-i", "127.0.0.1", "-p", str(port), "--model", "models"]
        self.proc = subprocess.Popen(
            cmd,
            cwd=folder,
            env=_env(),
            stdout=open(work / "initbot.log", "w"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.pids["rasa"] = self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=60)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        # the project's servers run in their own sessions (setsid): stop exactly those pids
        for pid in self.pids.values():
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(pid, sig)
                except (ProcessLookupError, PermissionError):
                    break
                for _ in range(100):
                    if not _pid_alive(pid):
                        break
                    time.sleep(0.1)
        self.proc = None


def start_redis(work: Path, port: int) -> subprocess.Popen:
    """A throw-away redis-server on loopback for the lock store of several Sanic workers."""
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=work,
        stdout=open(work / "redis.log", "w"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 20
    while time.time() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return proc
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("redis-server did not start")


def workers_env(workers: int, redis_port: int) -> dict:
    """Rasa runs several Sanic workers only with a lock store other than in-memory (rasa.core.utils)."""
    return {
        "SANIC_WORKERS": str(workers),
        "OPSW_LOCK_STORE": "deploy.lock_store.AtomicRedisLockStore",
        "OPSW_REDIS_HOST": "127.0.0.1",
        "OPSW_REDIS_PORT": str(redis_port),
        "OPSW_REDIS_DB": "0",
    }


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie counts as stopped
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def wait_first_answer(url: str, servers: Servers | None, t0: float, limit: float, first: str) -> float:
    """Seconds from t0 (process start) until the REST channel answers a first message."""
    webhook = url + "/webhooks/rest/webhook"
    deadline = time.time() + limit
    while time.time() < deadline:
        if servers is not None and not servers.alive():
            raise RuntimeError("server stopped before it answered")
        try:  # the REST channel itself (the server may run without --enable-api, so no /status)
            _, body = asyncio.run(load.one_message(webhook, f"cold-{os.getpid()}", first, timeout=120))
            if body is not None:
                return time.perf_counter() - t0
        except Exception:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"no answer from {url} within {limit:.0f}s")


def measure_bot(
    name: str,
    url: str,
    conversations,
    servers: Servers | None,
    levels,
    per_level: int,
    run_id: str,
    profile_to: Path | None = None,
) -> dict:
    webhook = url + "/webhooks/rest/webhook"
    out: dict = {"levels": []}
    asyncio.run(load.run_level(webhook, 1, conversations, 1, run_id + "-warm"))  # warm-up conversation
    for c in levels:
        total = max(per_level, 2 * c)
        print(f"[opsw] {name}: {c} concurrent, {total} conversations ...", file=sys.stderr)
        spy = None
        if profile_to is not None and c == 10 and servers and servers.pids.get("rasa"):
            spy = cpu_profile.start(servers.pids["rasa"], profile_to)
        out["levels"].append(asyncio.run(load.run_level(webhook, c, conversations, total, run_id)))
        if spy is not None:
            cpu_profile.stop(spy)
            if profile_to.exists():
                out["profile"] = cpu_profile.summarise(profile_to)
    pid = servers.pids.get("rasa") if servers else None
    before = load.rss_mb(pid)
    secs, body = asyncio.run(load.one_message(webhook, run_id + "-long", long_message(4000)))
    out["long_message"] = {
        "chars": len(long_message(4000)),
        "seconds": round(secs, 2),
        "answered": bool(body),
        "rss_before_mb": before,
        "rss_after_mb": load.rss_mb(pid),
    }
    if servers:
        out["peak_rss_mb"] = {k: load.tree_peak_rss_mb(p) for k, p in servers.pids.items()}
    return out


def ratio(a, b) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def to_markdown(r: dict) -> str:
    L = [
        f"# Benchmark ({r['date']})",
        "",
        f"Machine: {r['machine']}. Load average at start: {r['loadavg']}.",
        "",
        "| bot | concurrent | conversations | messages | errors | msg/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, b in r["bots"].items():
        for lv in b.get("levels", []):
            L.append(
                f"| {name} | {lv['concurrency']} | {lv['conversations']} | {lv['messages_ok']} | "
                f"{lv['errors']} | {lv['msg_per_s']} | {lv['p50_ms']} | {lv['p95_ms']} | {lv['p99_ms']} | "
                f"{lv['max_ms']} |"
            )
    L += ["", *summary.cost_table(r["bots"])]
    if r.get("targets"):
        L += [
            "",
            "Targets (10 concurrent: ≥ 2× throughput, ≤ ½ p95 of the rasa init bot; 0 errors at 50; cold start "
            "no slower):",
            "",
        ]
        for k, v in r["targets"].items():
            L.append(f"- {k}: {v}")
    L += ["", *summary.profile_table((r["bots"].get("ours") or {}).get("profile"))]
    L += [
        "",
        "Conversations (ours): "
        + " / ".join(f"“{c[0][:60]}…”" for c in CONVERSATIONS[:2])
        + " …, each with three free-text answers and “waarom?”.",
    ]
    return "\n".join(L) + "\n"


def write_report(result: dict, out_dir: Path) -> str:
    init = result["bots"].get("rasa_init", {})
    by = lambda b, c: next((lv for lv in b.get("levels", []) if lv["concurrency"] == c), None)  # noqa: E731
    targets = {}
    for name in [n for n in result["bots"] if n.startswith("ours")]:
        ours = result["bots"].get(name)
        if not ours:
            continue
        o10, i10, o50 = by(ours, 10), by(init, 10), by(ours, 50)
        if o10 and i10:
            targets[f"{name}: throughput ratio at 10 (target ≥ 2)"] = ratio(o10["msg_per_s"], i10["msg_per_s"])
            targets[f"{name}: p95 ratio at 10 (target ≤ 0.5)"] = ratio(o10["p95_ms"], i10["p95_ms"])
        if o50:
            targets[f"{name}: errors at 50 (target 0)"] = o50["errors"]
        if ours.get("cold_start_s") and init.get("cold_start_s"):
            targets[f"{name}: cold start ratio (target ≤ 1)"] = ratio(ours["cold_start_s"], init["cold_start_s"])
    result["targets"] = targets
    (out_dir / "latest.json").write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    md = to_markdown(result)
    (out_dir / "latest.md").write_text(md, encoding="utf-8")
    return md


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", default=None, help="use an already running Rasa server (no start, no RSS)")
    ap.add_argument("--model", default=None, help="model of this project (default: train one, timed)")
    ap.add_argument("--no-init-bot", action="store_true", help="skip the rasa init comparison")
    ap.add_argument("--levels", default=",".join(map(str, LEVELS)))
    ap.add_argument("-n", "--conversations", type=int, default=100, help="conversations per level (at least 2×C)")
    ap.add_argument(
        "--workers",
        type=int,
        default=2,
        help="also run ours with this many Sanic workers (Redis lock store; 1 = skip)",
    )
    ap.add_argument(
        "--profile",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="py-spy profile of ours at 10 concurrent (when py-spy is on PATH or OPSW_PYSPY)",
    )
    ap.add_argument("--ports", default="5105,5155,5106,5107", help="rasa, action server, init bot, redis")
    ap.add_argument("--out", default="reports/bench")
    a = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks: stop the servers
    os.chdir(ROOT)
    levels = [int(x) for x in a.levels.split(",") if x.strip()]
    rasa_port, action_port, init_port, redis_port = (int(x) for x in a.ports.split(","))
    out_dir = Path(a.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="opsw-bench-"))
    log = out_dir / "bench.log"
    log.write_text("", encoding="utf-8")
    run_id = f"bench-{os.getpid()}-{int(time.time())}"
    result: dict = {
        "date": dt.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "loadavg": " ".join(open("/proc/loadavg").read().split()[:3]),
        "bots": {},
    }
    try:
        # ---------------------------------------------------------------- this project
        ours: dict = {}
        if a.url:
            host = urllib.parse.urlsplit(a.url).hostname or ""
            if host not in LOOPBACK and not host.startswith("127."):
                print("[opsw] bench only targets loopback addresses", file=sys.stderr)
                return 2
            ours.update(measure_bot("ours", a.url.rstrip("/"), CONVERSATIONS, None, levels, a.conversations, run_id))
        else:
            model = Path(a.model) if a.model else None
            if model is None:
                print("[opsw] training this project's model (fresh cache) ...", file=sys.stderr)
                env = _env({"RASA_CACHE_DIRECTORY": str(work / "cache-ours")})
                domain = "domain" if (ROOT / "domain").is_dir() else "domain.yml"
                ours["train_seconds"] = round(
                    timed(
                        [
                            "nice",
                            "-n",
                            "10",
                            _rasa_bin(),
                            "train",
                            "--config",
                            "config.yml",
                            "--domain",
                            domain,
                            "--data",
                            "data",
                            "--out",
                            str(work / "models"),
                            "--fixed-model-name",
                            "bench",
                        ],
                        ROOT,
                        env,
                        log,
                    ),
                    1,
                )
                model = work / "models" / "bench.tar.gz"
            ours["model_mb"] = round(model.stat().st_size / 1e6, 2)
            variants: list[tuple[str, dict]] = [("ours", {})]
            if a.workers > 1:
                variants.append((f"ours_{a.workers}_workers", workers_env(a.workers, redis_port)))
            for name, extra in variants:
                entry = ours if name == "ours" else {"model_mb": ours["model_mb"]}
                servers = Servers()
                redis = start_redis(work, redis_port) if extra else None
                try:
                    t0 = time.perf_counter()
                    servers.start_project(model.resolve(), (rasa_port, action_port), work, extra=extra)
                    url = f"http://127.0.0.1:{rasa_port}"
                    entry["cold_start_s"] = round(wait_first_answer(url, servers, t0, 600, CONVERSATIONS[0][0]), 1)
                    entry.update(
                        measure_bot(
                            name,
                            url,
                            CONVERSATIONS,
                            servers,
                            levels,
                            a.conversations,
                            f"{run_id}-{name}",
                            work / "profile.txt" if name == "ours" and a.profile else None,
                        )
                    )
                finally:
                    servers.stop()
                    if redis is not None:
                        redis.terminate()
                        redis.wait(timeout=30)
                result["bots"][name] = entry
        result["bots"]["ours"] = ours

        # ---------------------------------------------------------------- rasa init bot
        if not a.no_init_bot:
            init: dict = {}
            folder = work / "initbot"
            folder.mkdir()  # rasa init refuses a folder that does not exist
            write_report(result, out_dir)  # partial: this project's numbers are kept even if the init bot fails
            print("[opsw] rasa init --no-prompt (trains the example bot, fresh cache) ...", file=sys.stderr)
            env = _env({"RASA_CACHE_DIRECTORY": str(work / "cache-init")})
            init["train_seconds"] = round(
                timed(
                    ["nice", "-n", "10", _rasa_bin(), "init", "--no-prompt", "--init-dir", str(folder)], work, env, log
                ),
                1,
            )
            models = sorted((folder / "models").glob("*.tar.gz"))
            init["model_mb"] = round(models[-1].stat().st_size / 1e6, 2)
            servers = Servers()
            try:
                t0 = time.perf_counter()
                servers.start_plain(folder, init_port, work)
                url = f"http://127.0.0.1:{init_port}"
                init["cold_start_s"] = round(wait_first_answer(url, servers, t0, 600, "hello"), 1)
                init.update(measure_bot("rasa init", url, INIT_CONVERSATIONS, servers, levels, a.conversations, run_id))
            finally:
                servers.stop()
            result["bots"]["rasa_init"] = init
    finally:
        for log_file in list(work.glob("*.log")) + list((work / "initbot").glob("*.log")):
            shutil.copy(log_file, out_dir / f"server-{log_file.name}")  # keep the server logs with the report
        shutil.rmtree(work, ignore_errors=True)

    md = write_report(result, out_dir)
    print(md)
    errors = sum(lv["errors"] for b in result["bots"].values() for lv in b.get("levels", []))
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
