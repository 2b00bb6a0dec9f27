"""`make run` supervision (scripts/servers.sh: opsw_spawn + opsw_supervise), for real: the
action server is killed and comes back on the same port (still loopback only); a server that
keeps dying is restarted OPSW_MAX_RESTARTS times, then everything stops with a message naming
it and its log. Waits poll a condition with a deadline (no fixed sleeps)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.infra.infra_helpers import ROOT, env_from_scripts, free_port
from tests.infra.test_api_closed import listen_addresses


def wait_for(cond: Callable[[], object], timeout: float, what: str, proc: subprocess.Popen | None = None) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"supervisor exited ({proc.returncode}) while waiting for {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timeout after {timeout}s waiting for {what}")
        time.sleep(0.1)


def read_pid(run_dir: Path, name: str) -> int | None:
    try:
        return int((run_dir / f"{name}.pid").read_text().strip())
    except (OSError, ValueError):
        return None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead too
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
            return r.status == 200
    except Exception:
        return False


def supervisor(tmp: Path, body: str, **env: str) -> subprocess.Popen:
    script = (
        "set -euo pipefail\n"
        "source scripts/env.sh\n"
        "source scripts/servers.sh\n"
        "trap 'opsw_stop_all' EXIT\n"
        "trap 'exit 143' TERM\n"
        f"{body}\n"
        "opsw_supervise || exit 1\n"
    )
    full = env_from_scripts(
        OPSW_LOG_DIR=str(tmp / "log"), OPSW_RUN_DIR=str(tmp / "run"), OPSW_SUPERVISE_INTERVAL="0.2", **env
    )
    return subprocess.Popen(
        ["bash", "-c", script],
        cwd=ROOT,
        env=full,
        stdin=subprocess.DEVNULL,
        stdout=open(tmp / "supervisor.out", "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.mark.integration
def test_killed_action_server_is_restarted(tmp_path: Path) -> None:
    port = free_port()
    sup = supervisor(tmp_path, "opsw_start_actions\nopsw_wait_actions 180", OPSW_ACTION_PORT=str(port))
    run_dir = tmp_path / "run"
    try:
        first = wait_for(lambda: read_pid(run_dir, "actions"), 30, "actions.pid", sup)
        wait_for(lambda: healthy(port), 180, "the action server", sup)
        wait_for(
            lambda: "bewaking/supervising: actions" in (tmp_path / "supervisor.out").read_text(),
            60,
            "the supervisor loop",
            sup,
        )
        assert listen_addresses(port) == {"127.0.0.1"}
        assert oct((tmp_path / "log" / "actions.log").stat().st_mode & 0o777) == "0o600"

        os.kill(first, signal.SIGKILL)
        second = wait_for(
            lambda: (read_pid(run_dir, "actions") or first) != first and read_pid(run_dir, "actions"),
            30,
            "a restarted action server",
            sup,
        )
        assert second != first and not alive(first)
        wait_for(lambda: healthy(port), 180, "the restarted action server", sup)
        assert listen_addresses(port) == {"127.0.0.1"}
        out = (tmp_path / "supervisor.out").read_text()
        assert 'server "actions" gestopt/stopped' in out and "restart 1 van/of 3" in out
        assert sup.poll() is None, "the supervisor must keep running after one restart"
    finally:
        stop(sup)
    pid = read_pid(run_dir, "actions")
    assert pid is None  # stop removes the pid files
    wait_for(lambda: not healthy(port), 30, "the action server to stop with its supervisor")


def test_server_that_keeps_dying_stops_everything(tmp_path: Path) -> None:
    sup = supervisor(tmp_path, "opsw_spawn dummy sleep 600\nopsw_spawn other sleep 600", OPSW_MAX_RESTARTS="3")
    run_dir = tmp_path / "run"
    try:
        other = wait_for(lambda: read_pid(run_dir, "other"), 30, "other.pid", sup)
        wait_for(
            lambda: "bewaking/supervising: dummy other" in (tmp_path / "supervisor.out").read_text(),
            60,
            "the supervisor loop",
            sup,
        )
        seen = []
        for _ in range(4):  # the first start + 3 restarts
            pid = wait_for(
                lambda: (read_pid(run_dir, "dummy") or 0) not in [0, *seen] and read_pid(run_dir, "dummy"),
                30,
                "a new dummy",
                sup,
            )
            seen.append(pid)
            os.kill(pid, signal.SIGKILL)
        assert sup.wait(timeout=30) == 1
    finally:
        stop(sup)
    out = (tmp_path / "supervisor.out").read_text()
    log = tmp_path / "log" / "dummy.log"
    assert f'server "dummy" stopped again (exit 137) after 3 restarts; stopping everything. See {log}' in out
    assert 'server "dummy" is weer gestopt' in out
    assert out.count('server "dummy" gestopt/stopped') == 3
    assert "restart 3 of 3" in log.read_text()
    wait_for(lambda: not alive(other), 30, "the other server to be stopped too")
