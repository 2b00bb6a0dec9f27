#!/usr/bin/env python
"""Choose the learned danger model's thresholds honestly: leave one writer out (make eval reads the result).

The training material in lexicon/training/ comes from several writers (the id prefix: T1-, T2- ...). For each
writer the model is trained on the others only (plus the lexicon examples and the NLU negatives) and scores that
writer's messages; every item is then read the way the dialogue reads it (rules + model, ``after_sign`` after an
earlier sign in the item). The sweep shows recall and false alarms for each pair of thresholds; the thresholds in
lexicon/safety.yaml (``model``) are the pair with the highest recall under the false-alarm bounds. A long message
is read in chunks and has its own check-in threshold (``check_in_long``, swept from ``check_in`` up): the hard
negatives here are mostly short, so where recall ties, the long threshold is chosen by the needless check-ins on the
opening messages of studied blind conversations (tests/safety/README.md, round 8). Blind batches
(tests/safety/blind/) are never read here.

    .venv/bin/python scripts/tune_safety.py                 # one training per writer (22): about an hour on 2 cores
    .venv/bin/python scripts/tune_safety.py --folds 6       # a sixth of the writers out at a time: ~15 minutes
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from opschaling import safety, safety_model

CRISIS = (0.5, 0.6, 0.7, 0.8, 0.9)
CHECK_IN = (0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
NLU = (0.5, 0.7, 0.9, 1.01)  # 1.01: the NLU signal off


def writers() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for path in safety_model.training_files():
        for item in safety_model._items(path):
            out[str(item.get("id", "?")).split("-")[0]].append(item)
    return out


def base_examples(held: list[dict]) -> tuple[list[str], list[str]]:
    """The model's training examples without the held-out writer's items."""
    return safety_model.training_set(str(i.get("id")) for i in held)


def score_items(items: list[dict], pipeline) -> list[dict]:
    """Per item: per turn, the rules' tier and the model's chunk scores."""
    safety_model.model.cache_clear()
    original = safety_model.model
    safety_model.model = lambda: pipeline  # type: ignore[assignment]
    try:
        out = []
        for item in items:
            turns = [str(t) for t in item.get("turns") or []]
            sign = item.get("sign_turn")
            tier = str(item.get("tier") or "none")
            stop = (
                len(turns)
                if tier == "none"
                else min(int(sign if sign is not None else len(turns) - 1), len(turns) - 1) + 1
            )
            rows = []
            for index, text in enumerate(turns[:stop]):
                short = len(text.split()) < safety_model.MIN_WORDS
                rows.append(
                    {
                        "rules": [s.tier for s in safety.rule_signals(text, after_sign=index > 0)],
                        "rules_plain": [s.tier for s in safety.rule_signals(text, after_sign=False)],
                        "scores": [] if short else safety_model.scores(text),
                    }
                )
            out.append({"id": item.get("id"), "kind": item.get("kind"), "tier": tier, "sign": stop - 1, "rows": rows})
        return out
    finally:
        safety_model.model = original  # type: ignore[assignment]


def tier_of(
    row: dict, after_sign: bool, crisis: float, check_in: float, nlu: float = 1.01, check_in_long: float | None = None
) -> str:
    """The tier the dialogue would give this message: the highest of the rules', the model's and the NLU's."""
    rank = {"none": 0, "check_in": 1, "crisis": 2}
    rules = row["rules"] if after_sign else row["rules_plain"]
    best = max(rules, key=rank.__getitem__, default="none")
    intent, confidence = row.get("nlu") or (None, 0.0)
    if intent == safety.NLU_INTENT and confidence >= nlu:
        best = max(best, "check_in", key=rank.__getitem__)
    long = len(row["scores"]) > 1  # a long message, read in chunks: its own check-in threshold
    at = check_in_long if long and check_in_long is not None else check_in
    found = safety_model.decide(row["scores"], after_sign, crisis=crisis, check_in=at)
    if found is not None:
        best = max(best, found[1], key=rank.__getitem__)
    return best


def evaluate(
    scored: list[dict], crisis: float, check_in: float, nlu: float = 1.01, check_in_long: float | None = None
) -> dict:
    pos = hit = neg = false_crisis = false_check = early = 0
    for item in scored:
        seen = False
        tiers = []
        for row in item["rows"]:
            tiers.append(tier_of(row, seen, crisis, check_in, nlu, check_in_long))
            seen = seen or tiers[-1] != "none"
        if item["tier"] == "none":
            neg += 1
            false_crisis += "crisis" in tiers
            false_check += "crisis" not in tiers and "check_in" in tiers
        else:
            pos += 1
            hit += tiers[item["sign"]] != "none"
            early += any(t != "none" for t in tiers[: item["sign"]]) and item["kind"] != "method_seeking"
    return {
        "recall": round(hit / pos, 3),
        "false_crisis": round(false_crisis / neg, 3),
        "false_check_in": round(false_check / neg, 3),
        "early_alarm": round(early / pos, 3),
    }


def attach_nlu(scored: list[dict], groups: dict[str, list[dict]], model: str) -> None:
    """Parse every scored message with the Rasa model (scripts/measure/rasa_parse.py, its own process) and keep
    (intent, confidence) on each row."""
    import subprocess  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    items = {str(i.get("id")): i for group in groups.values() for i in group}
    texts = [str(items[str(s["id"])]["turns"][k]) for s in scored for k in range(len(s["rows"]))]
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.json", Path(tmp) / "out.json"
        src.write_text(json.dumps(texts), encoding="utf-8")
        worker = ROOT / "scripts" / "measure" / "rasa_parse.py"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        subprocess.run([sys.executable, str(worker), model, str(src), str(out)], check=True, cwd=ROOT, env=env)
        parsed = json.loads(out.read_text(encoding="utf-8"))
    results = parsed["results"] if isinstance(parsed, dict) else parsed
    at = 0
    for s in scored:
        for row in s["rows"]:
            row["nlu"] = (results[at]["intent"], results[at]["confidence"])
            at += 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--max-false-crisis", type=float, default=0.05)
    ap.add_argument("--max-false-check-in", type=float, default=0.12)
    ap.add_argument("--out", default="reports/eval/safety_tuning.json")
    ap.add_argument("--weighting", default=None, help="class weights: balanced, sqrt or none (default: the lexicon's)")
    ap.add_argument("--nlu", default=None, help="a trained Rasa model: its acute_nood signal is swept too")
    ap.add_argument("--folds", type=int, default=0, help="leave a group of writers out at a time (N groups)")
    ap.add_argument("--scored", default=None, help="keep the per-writer scores in this JSON file (reused if it exists)")
    a = ap.parse_args(argv)
    scored: list[dict] = []
    groups = writers()
    if a.scored and Path(a.scored).exists():
        scored = json.loads(Path(a.scored).read_text(encoding="utf-8"))
    else:
        folds = groups
        if a.folds:  # writers dealt round-robin into N groups: N trainings instead of one per writer
            folds = defaultdict(list)
            for index, (_, items) in enumerate(sorted(groups.items())):
                folds[f"fold{index % a.folds}"] += items
        for writer, items in sorted(folds.items()):
            weighting = None if a.weighting is None else ("" if a.weighting == "none" else a.weighting)
            pipeline = safety_model.train(*base_examples(items), weighting=weighting)
            scored += score_items(items, pipeline)
            print(f"[opsw] writer {writer}: {len(items)} items scored", file=sys.stderr)
        if a.scored:
            Path(a.scored).write_text(json.dumps(scored), encoding="utf-8")
    nlu_levels: tuple[float, ...] = (1.01,)
    if a.nlu:
        attach_nlu(scored, groups, a.nlu)
        nlu_levels = NLU
    rows = []
    for nlu in nlu_levels:
        for crisis in CRISIS:
            for check_in in CHECK_IN:
                for long in (c for c in CHECK_IN if c >= check_in):
                    rows.append(
                        {
                            "nlu": nlu,
                            "crisis": crisis,
                            "check_in": check_in,
                            "check_in_long": long,
                            **evaluate(scored, crisis, check_in, nlu, long),
                        }
                    )
    rules_only = evaluate(scored, 9.0, 9.0)
    print(f"rules alone: {rules_only}")
    print(
        "| nlu | crisis | check_in | check_in_long | recall | false crisis | false check-in | early alarm |\n"
        "|---|---|---|---|---|---|---|---|"
    )
    for r in rows:
        print(
            f"| {r['nlu']} | {r['crisis']} | {r['check_in']} | {r['check_in_long']} | {r['recall']} | "
            f"{r['false_crisis']} | "
            f"{r['false_check_in']} | {r['early_alarm']} |"
        )
    ok = [r for r in rows if r["false_crisis"] <= a.max_false_crisis and r["false_check_in"] <= a.max_false_check_in]
    best = max(ok, key=lambda r: (r["recall"], -r["false_crisis"])) if ok else None
    print(f"chosen: {best}")
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(
        json.dumps({"rules_only": rules_only, "sweep": rows, "chosen": best}, indent=1), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
