"""Helpers for the infra tests: throw-away PostgreSQL and Redis servers on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing(reason: str) -> None:
    """Skip locally, fail under CI (where scripts/system_deps.sh installs everything)."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def run(coro):
    return asyncio.run(coro)


def env_from_scripts(**overrides: str) -> dict[str, str]:
    """Environment exactly as scripts/env.sh exports it (optionally with inputs overridden)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPSW_")}
    env.update(overrides)
    out = subprocess.run(
        ["bash", "-c", f'source "{ROOT}/scripts/env.sh" && env -0'], env=env, check=True, capture_output=True
    ).stdout
    return dict(i.split("=", 1) for i in out.decode().split("\0") if "=" in i)


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


# ------------------------------------------------------------------------------------------ redis
class RedisServer:
    def __init__(self) -> None:
        exe = shutil.which("redis-server")
        if not exe:
            missing("redis-server not installed (scripts/system_deps.sh installs it)")
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="opsw-redis-")
        self.proc = subprocess.Popen(
            [
                exe,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        wait_port(self.port)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


# ------------------------------------------------------------------------------------- postgres
def pg_bindir() -> Path | None:
    cands: list[str] = []
    if shutil.which("pg_config"):
        with contextlib.suppress(subprocess.CalledProcessError):
            cands.append(
                subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
            )
    cands += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for exe in ("initdb", "pg_ctl"):
        w = shutil.which(exe)
        if w:
            cands.append(str(Path(os.path.realpath(w)).parent))
    for c in cands:
        if c and (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists():
            return Path(c)
    return None


class PostgresServer:
    """initdb + pg_ctl start in a temp dir; as user `postgres` when we are root."""

    user = "rasa"

    def __init__(self) -> None:
        bindir = pg_bindir()
        if bindir is None:
            missing("PostgreSQL server binaries not installed (scripts/system_deps.sh installs postgresql)")
        self.bindir = bindir
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="opsw-pg-"))
        self.data = self.dir / "data"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            import pwd

            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                missing("running as root and there is no 'postgres' user to run PostgreSQL as")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            runuser = shutil.which("runuser")
            self.as_user = [runuser, "-u", "postgres", "--"] if runuser else ["su", "postgres", "-s", "/bin/sh", "-c"]
        self._run(
            ["initdb", "-D", str(self.data), "-A", "trust", "-U", self.user, "--no-sync", "-E", "UTF8", "--locale=C"]
        )
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            ["pg_ctl", "-D", str(self.data), "-l", str(self.dir / "pg.log"), "-o", opts, "-w", "-t", "60", "start"]
        )
        self._run(["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "rasa"])

    def _run(self, cmd: list[str]) -> None:
        cmd = [str(self.bindir / cmd[0]), *cmd[1:]]
        if self.as_user and self.as_user[0] == "su":
            import shlex

            full = [*self.as_user, " ".join(shlex.quote(c) for c in cmd)]
        else:
            full = self.as_user + cmd
        res = subprocess.run(full, capture_output=True, text=True, cwd=str(self.dir), stdin=subprocess.DEVNULL)
        if res.returncode != 0:
            log = ""
            if (self.dir / "pg.log").exists():
                log = (self.dir / "pg.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{res.stdout}\n{res.stderr}\n{log}")

    def stop(self) -> None:
        try:
            self._run(["pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
