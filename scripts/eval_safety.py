#!/usr/bin/env python
"""Danger signs on blind batches, the way a user meets them (part of make eval) -> reports/eval/safety*.

Each batch folder holds YAML items written by people who never read the code (tests/safety/blind/README.md).
Every item is played as a fresh conversation, through the REST channel of a running assistant (default) or,
with --local, through opschaling.dialogue.respond without Rasa (no NLU signal). The report gives recall per
kind and tier, false alarms per kind and tier, Veilig Thuis first for violence and abuse, and misses that show
no help line at all.

    .venv/bin/python scripts/eval_safety.py tests/safety/blind/locked_a1 --url http://localhost:5005
    .venv/bin/python scripts/eval_safety.py --start models/x.tar.gz tests/safety/blind/*   # own servers (make eval)
    .venv/bin/python scripts/eval_safety.py --local tests/safety/blind/final_i1

With --conversations NAME=PATH (a folder of blind conversations, tests/conversations/blind/README.md) the same
assistant also plays those conversations (issue 14): right next step with no forbidden step, questions per
conversation, stated facts asked again per 100 conversations and the same fallback twice in a row ->
reports/eval/conversations_<name>.json / .md.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from measure import safety_blind as sb


def local_sender() -> sb.Send:
    """(sender, text) -> [(kind, text)] through dialogue.respond, one state per sender (no Rasa, no NLU)."""
    from opschaling.catalogue import load_catalogue  # noqa: PLC0415
    from opschaling.dialogue import Turn, respond  # noqa: PLC0415

    catalogue = load_catalogue()
    states: dict[str, dict] = {}

    def send(sender: str, text: str) -> list[tuple[str | None, str]]:
        reply = respond(states.get(sender), Turn(text=text), catalogue, date.today())
        states[sender] = reply.state
        return [(m.kind, m.text) for m in reply.messages]

    return send


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_servers(model: Path, work: Path):  # noqa: ANN201 - bench.Servers
    """The project's action server and Rasa server on free loopback ports (as make bench starts them)."""
    import bench  # noqa: PLC0415 - scripts/bench.py: the same server start as the benchmark

    servers = bench.Servers()
    rasa_port, action_port = _free_port(), _free_port()
    servers.start_project(model, (rasa_port, action_port), work)
    url = f"http://127.0.0.1:{rasa_port}"
    bench.wait_first_answer(url, servers, time.perf_counter(), 300, "hallo")
    return servers, url


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("batches", nargs="+", help="batch folders or YAML files; NAME=PATH,PATH measures several as one")
    ap.add_argument("--url", default=None, help="the assistant's REST base URL (default $OPSW_RASA_URL or :5005)")
    ap.add_argument("--local", action="store_true", help="dialogue.respond without Rasa")
    ap.add_argument("--start", default=None, metavar="MODEL", help="start the servers with this model first")
    ap.add_argument("--out", default="reports/eval", help="folder for safety_<batch>.json / .md")
    ap.add_argument("--label", default="", help="a word for the report names (e.g. before, after)")
    ap.add_argument(
        "--show-misses", action="store_true", help="list the ids that went wrong (never tune on a locked batch)"
    )
    ap.add_argument(
        "--conversations", action="append", default=[], metavar="NAME=PATH", help="blind conversations to play too"
    )
    a = ap.parse_args(argv)
    servers = None
    if a.start:
        work = Path(tempfile.mkdtemp(prefix="opsw-eval-safety-"))
        servers, a.url = start_servers(Path(a.start), work)
    try:
        code = run(a, local_sender() if a.local else sb.rest_sender(a.url))
        for batch in a.conversations:
            conversations(a, batch)
        return code
    finally:
        if servers is not None:
            servers.stop()


def conversations(a: argparse.Namespace, batch: str) -> None:
    """Blind conversations through the same assistant: the figures of issue 14, written next to the safety reports."""
    from opschaling.scenarios.load import load  # noqa: PLC0415
    from opschaling.scenarios.report import figures  # noqa: PLC0415

    name, _, path = batch.rpartition("=")
    name = name or Path(path).name
    scenarios = load([path])
    if a.local:
        from opschaling.scenarios.run_local import run_all  # noqa: PLC0415

        results = run_all(scenarios)
    else:
        from opschaling.scenarios.run_rest import run_all as run_rest  # noqa: PLC0415

        results = run_rest(scenarios, url=a.url)
    fig = figures(results)
    fig.update(batch=name, channel="local" if a.local else "rest", date=date.today().isoformat())
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"conversations_{name}{'_' + a.label if a.label else ''}"
    (out / f"{stem}.json").write_text(json.dumps(fig, indent=1, ensure_ascii=False), encoding="utf-8")
    text = (
        f"### {name} ({fig['channel']})\n\n{fig['total']} conversations: right next step (no forbidden step named) "
        f"**{fig['passed']}** ({round(100 * (fig['pass_rate'] or 0))} %); {fig['questions_per_conversation']} "
        f"questions per conversation; stated facts asked again {fig['reasked_per_100']} per 100 conversations; the "
        f"same fallback twice in a row {fig['fallback_repeats']} times.\n"
    )
    (out / f"{stem}.md").write_text(text, encoding="utf-8")
    print(text)


def run(a: argparse.Namespace, send: sb.Send) -> int:
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    sections = []
    for batch in a.batches:
        name, _, paths = batch.rpartition("=")
        files = []
        for part in paths.split(","):
            path = Path(part)
            files += sb.batch_files(path) if path.is_dir() else [path]
            name = name or (path.stem if path.is_file() else path.name)
        items = sb.load_items(files)
        outcomes = sb.play(items, send)
        result = sb.score(outcomes)
        result["batch"] = name
        result["channel"] = "local" if a.local else "rest"
        result["date"] = date.today().isoformat()
        stem = f"safety_{name}{'_' + a.label if a.label else ''}"
        (out / f"{stem}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
        section = sb.table(result, f"{name} ({result['channel']}{', ' + a.label if a.label else ''})")
        (out / f"{stem}.md").write_text(section, encoding="utf-8")
        sections.append(section)
        if a.show_misses:
            for row in sb.misses(outcomes):
                print(json.dumps(row, ensure_ascii=False))
    print("\n".join(sections))
    return 0


if __name__ == "__main__":
    sys.exit(main())
