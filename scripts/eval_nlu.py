#!/usr/bin/env python
"""NLU evaluation on the held-out set (make eval).

Uses the trained model (scripts/train_if_needed.py: cached, trained only when its inputs
changed), runs ``rasa test nlu --nlu tests/nlu/heldout.yml --out reports/nlu`` and prints
per-intent precision / recall / F1 and the macro F1 from ``reports/nlu/intent_report.json``.
Writes ``reports/nlu_summary.md``.

    .venv/bin/python scripts/eval_nlu.py                 # report only
    .venv/bin/python scripts/eval_nlu.py --min-f1 0.90   # exit 1 when macro F1 < 0.90
    .venv/bin/python scripts/eval_nlu.py --report-only   # only summarise an existing report
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

SKIP_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}


def summarise(report: Dict) -> Tuple[List[Tuple[str, float, float, float, int]], float, Optional[float]]:
    rows = []
    for name, v in sorted(report.items()):
        if name in SKIP_KEYS or not isinstance(v, dict) or "f1-score" not in v:
            continue
        rows.append((name, v["precision"], v["recall"], v["f1-score"], int(v.get("support", 0))))
    supported = [r for r in rows if r[4] > 0]
    macro = sum(r[3] for r in supported) / len(supported) if supported else 0.0
    acc = report.get("accuracy")
    return rows, macro, acc if isinstance(acc, (int, float)) else None


def to_markdown(rows, macro: float, acc: Optional[float], heldout: str, model: str) -> str:
    lines = [
        "# NLU evaluation (held-out set)",
        "",
        f"- data: `{heldout}`",
        f"- model: `{model}`",
        f"- macro F1 (intents with support > 0): **{macro:.3f}**",
    ]
    if acc is not None:
        lines.append(f"- accuracy: {acc:.3f}")
    lines += ["", "| intent | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    for name, p, r, f, s in rows:
        lines.append(f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} | {s} |")
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nlu", default="tests/nlu/heldout.yml")
    ap.add_argument("--out", default="reports/nlu")
    ap.add_argument("--model", default=None, help="model .tar.gz (default: train_if_needed)")
    ap.add_argument("--min-f1", type=float, default=None, help="fail below this macro F1")
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("--summary", default="reports/nlu_summary.md", help="markdown output")
    a = ap.parse_args(argv)

    os.chdir(ROOT)
    heldout = Path(a.nlu)
    if not heldout.exists():
        print(f"[opsw] {heldout} not found", file=sys.stderr)
        return 2
    model = a.model
    if not a.report_only:
        if model is None:
            import train_if_needed

            model = str(train_if_needed.ensure_model(ROOT))
        rasa = Path(sys.executable).with_name("rasa")
        env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
        cmd = [str(rasa) if rasa.exists() else "rasa", "test", "nlu", "--model", model,
               "--nlu", str(heldout), "--out", a.out]
        print("[opsw] " + " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, check=True, env=env, stdin=subprocess.DEVNULL)

    report_file = Path(a.out) / "intent_report.json"
    report = json.loads(report_file.read_text(encoding="utf-8"))
    rows, macro, acc = summarise(report)

    width = max([len(r[0]) for r in rows] + [6])
    print(f"\n{'intent':<{width}}  precision  recall     F1  support")
    for name, p, r, f, s in rows:
        flag = "  <" if s and f < (a.min_f1 or 0) else ""
        print(f"{name:<{width}}  {p:9.3f}  {r:6.3f}  {f:5.3f}  {s:7d}{flag}")
    print(f"\nmacro F1: {macro:.3f}" + (f"   accuracy: {acc:.3f}" if acc is not None else ""))

    summary = Path(a.summary)
    summary.parent.mkdir(parents=True, exist_ok=True)
    summary.write_text(to_markdown(rows, macro, acc, str(heldout), str(model or "?")), encoding="utf-8")
    print(f"[opsw] written {summary}", file=sys.stderr)

    if a.min_f1 is not None and macro < a.min_f1:
        print(f"[opsw] macro F1 {macro:.3f} is below --min-f1 {a.min_f1}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
