"""Where the Rasa server's time goes under load: py-spy samples of its event-loop thread, grouped.

py-spy is in requirements.txt (the venv's own is used; ``OPSW_PYSPY=/path/to/py-spy`` for another); without it
``make bench`` skips the profile and says so.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

# what one message costs on the Rasa server's event loop, by the Rasa/Sanic/our function that does it
GROUPS = (
    ("tracker store: save", r"\bsave_tracker \(rasa/core/processor\.py"),
    ("tracker store: load", r"\bget_tracker \(rasa/core/processor\.py"),
    ("NLU: parse", r"\b_parse_message_with_graph \(rasa/core/processor\.py"),
    ("NLU: spaCy (part of parse)", r"\bprocess \(rasa/nlu/utils/spacy_utils\.py"),
    ("NLU: entity regexes (part of parse)", r"\bprocess \(rasa/nlu/extractors/regex_entity_extractor\.py"),
    ("NLU: TF-IDF intents (part of parse)", r"\bprocess \(nlu_components/tfidf_intents\.py"),
    ("policies: predict", r"\b_predict_next_with_tracker \(rasa/core/processor\.py"),
    ("custom action call (HTTP + validation)", r"\brun \(rasa/core/actions/action\.py"),
    ("whole message (REST channel, all of the above)", r"\breceive \(channels/rest\.py"),
)


def py_spy() -> str | None:
    beside = Path(sys.executable).with_name("py-spy")  # the venv's own (requirements.txt)
    return os.environ.get("OPSW_PYSPY") or (str(beside) if beside.exists() else shutil.which("py-spy"))


def start(pid: int, out: Path, seconds: int = 600) -> subprocess.Popen | None:
    """Sample ``pid`` until :func:`stop` (at most ``seconds``)."""
    binary = py_spy()
    if not binary:
        return None
    cmd = [binary, "record", "-p", str(pid), "-d", str(seconds), "-r", "50", "-f", "raw", "-o", str(out)]
    return subprocess.Popen([*cmd, "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(spy: subprocess.Popen, timeout: float = 60) -> None:
    """py-spy writes its samples when interrupted."""
    spy.send_signal(signal.SIGINT)
    try:
        spy.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        spy.kill()


def _frame(frame: str) -> str:
    return re.sub(r" \((?:.*site-packages/)?(.*?):\d+\)", r" (\1)", frame)


def summarise(raw: Path) -> dict:
    """Share of the event-loop thread's samples per group (a sample counts once per group)."""
    total, busy = 0, Counter()
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        stack, _, count = line.rpartition(" ")
        frames = [_frame(f) for f in stack.split(";")]
        if not frames or not frames[0].startswith("_run_module_as_main"):
            continue  # other threads (executor workers, TensorFlow) are not the event loop
        n = int(count)
        total += n
        joined = ";".join(frames)
        for name, pattern in GROUPS:
            if re.search(pattern, joined):
                busy[name] += n
    return {
        "samples": total,
        "seconds": round(total / 50, 1),
        "shares": {name: round(busy[name] / total, 3) if total else None for name, _ in GROUPS},
    }
