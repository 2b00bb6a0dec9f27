#!/usr/bin/env python
"""NLU evaluation against baselines (make eval) -> reports/eval/.

In one run, on the same training data (data/nlu) and the same held-out sets:
  (a) ours     the pipeline of config.yml
  (b) default  the default pipeline of `rasa init` (rasa/cli/initial_project/config.yml, language nl)
  (c) tfidf    TF-IDF (char_wb 2-5-grams + words) + logistic regression (scikit-learn)
scored per intent (precision / recall / F1), macro F1, entity F1 (a, b), the share of messages that end in
nlu_fallback, danger recall / false alarms on tests/nlu/danger_heldout.yml (NLU intent acute_nood combined with
opschaling.safety, as the dialogue does), and 5-fold cross-validation of (a) with a fallback-threshold sweep.
Rasa models are trained NLU-only into a temporary folder (`rasa train nlu`), nice -n 19.

    .venv/bin/python scripts/eval_nlu.py                        # everything (~30 min on 2 cores)
    .venv/bin/python scripts/eval_nlu.py --pipelines tfidf      # seconds
    .venv/bin/python scripts/eval_nlu.py --cv 0 --min-f1 0.97   # no cross-validation; exit 1 below 0.97 (a)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

from measure import data as mdata
from measure import metrics

SETS = {
    "heldout": "tests/nlu/heldout.yml",
    "external": "tests/nlu/heldout_external.yml",
    "danger": "tests/nlu/danger_heldout.yml",
}
NAMES = {"ours": "(a) ours: config.yml", "default": "(b) rasa init default", "tfidf": "(c) TF-IDF + LogReg"}
DANGER_INTENT = "acute_nood"


# --------------------------------------------------------------------------- configs


def rasa_init_pipeline() -> list:
    """The commented-out default pipeline of `rasa init`, read from Rasa's package data."""
    import importlib.util

    spec = importlib.util.find_spec("rasa")
    path = Path(spec.origin).parent / "cli" / "initial_project" / "config.yml"
    lines = []
    inside = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("pipeline:"):
            inside = True
            continue
        if inside and line.startswith("policies:"):
            break
        if (inside and line.startswith("#   ")) or (inside and line.startswith("#     ")):
            lines.append(line[2:])
    pipeline = yaml.safe_load("\n".join(lines))
    assert isinstance(pipeline, list) and pipeline, f"no default pipeline in {path}"
    return pipeline


def write_config(kind: str, folder: Path, overrides: dict | None = None, config: Path | None = None) -> Path:
    if kind == "ours":
        cfg = yaml.safe_load(Path(config or ROOT / "config.yml").read_text(encoding="utf-8"))
        pipeline = cfg["pipeline"]
    else:
        pipeline = rasa_init_pipeline()
    for comp in pipeline:  # e.g. {"DIETClassifier": {"epochs": 5}} for the smoke tests
        comp.update((overrides or {}).get(comp["name"], {}))
    doc = {
        "recipe": "default.v1",
        "language": "nl",
        "assistant_id": f"eval_{kind}",
        "pipeline": pipeline,
        "policies": [],
    }
    path = folder / f"config_{kind}.yml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- rasa


def _rasa_bin() -> str:
    rasa = Path(sys.executable).with_name("rasa")
    return str(rasa) if rasa.exists() else "rasa"


def _env() -> dict:
    return dict(
        os.environ,
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    )


def rasa_train(config: Path, nlu: list[Path], out: Path, log: Path) -> tuple[Path, float]:
    cmd = [
        "nice",
        "-n",
        "19",
        _rasa_bin(),
        "train",
        "nlu",
        "--config",
        str(config),
        "--out",
        str(out),
        "--fixed-model-name",
        config.stem,
    ]
    for p in nlu:
        cmd += ["--nlu", str(p)]
    t0 = time.perf_counter()
    with open(log, "a", encoding="utf-8") as fh:
        fh.write("$ " + " ".join(cmd) + "\n")
        fh.flush()
        subprocess.run(
            cmd, check=True, env=_env(), stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT
        )
    seconds = time.perf_counter() - t0
    models = sorted(out.glob(config.stem + "*.tar.gz"))
    assert models, f"no model in {out}"
    return models[-1], seconds


def rasa_parse(model: Path, texts: list[str], work: Path, log: Path) -> tuple[list[dict], float]:
    src, dst = work / f"in_{model.stem}.json", work / f"out_{model.stem}.json"
    src.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    cmd = [
        "nice",
        "-n",
        "19",
        sys.executable,
        str(ROOT / "scripts" / "measure" / "rasa_parse.py"),
        str(model),
        str(src),
        str(dst),
    ]
    with open(log, "a", encoding="utf-8") as fh:
        subprocess.run(
            cmd, check=True, env=_env(), stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT
        )
    out = json.loads(dst.read_text(encoding="utf-8"))
    return out["results"], out["parse_seconds"]


# --------------------------------------------------------------------------- safety


def danger_judge():
    """(function(text, intent, confidence) -> bool, description). Uses opschaling.safety.assess when it exists."""
    try:
        from opschaling import safety  # type: ignore
    except Exception as exc:  # pragma: no cover - depends on the safety engineer's module
        return (lambda text, intent, conf: intent == DANGER_INTENT), f"intent only (opschaling.safety: {exc})"

    def truthy(r) -> bool:
        if r is None or r is False:
            return False
        kind = getattr(r, "kind", r)
        if isinstance(r, dict):
            kind = r.get("kind", r.get("level", True))
        return kind not in (None, False, "", "none", "geen")

    if hasattr(safety, "assess"):
        return (
            lambda text, intent, conf: truthy(safety.assess(text, intent, conf))
        ), "opschaling.safety.assess(text, intent, confidence)"
    if hasattr(safety, "detect"):
        return (
            lambda text, intent, conf: intent == DANGER_INTENT or truthy(safety.detect(text))
        ), "intent acute_nood OR opschaling.safety.detect(text) (assess() not there yet)"
    return (lambda text, intent, conf: intent == DANGER_INTENT), "intent only (no safety.assess)"


# --------------------------------------------------------------------------- helpers


def synonym_map(nlu_root: Path) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for f in sorted(nlu_root.rglob("*.yml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        for item in doc.get("nlu") or []:
            if isinstance(item, dict) and "synonym" in item:
                for s in mdata._examples_block(item.get("examples")):
                    mapping[s.lower()] = item["synonym"]
    for ex in mdata.load_nlu([nlu_root]):
        for e in ex["entities"]:
            if e["value"] != e["text"]:
                mapping.setdefault(e["text"].lower(), e["value"])
    return mapping


def gold_entities(ex: dict, syn: dict[str, str]) -> list[dict]:
    out = []
    for e in ex["entities"]:
        value = e["value"] if e["value"] != e["text"] else syn.get(e["text"].lower(), e["text"])
        out.append(dict(e, value=value))
    return out


def stratified_folds(examples: list[dict], k: int, seed: int = 42) -> list[list[int]]:
    by_intent = defaultdict(list)
    for i, ex in enumerate(examples):
        by_intent[ex["intent"]].append(i)
    rng = random.Random(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    offset = 0
    for intent in sorted(by_intent):
        idx = by_intent[intent][:]
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            folds[(j + offset) % k].append(i)
        offset += len(idx)
    return folds


def raw_top(pred: dict) -> tuple[str, float]:
    """Best intent before the FallbackClassifier (first ranking entry that is not nlu_fallback)."""
    for name, conf in pred.get("ranking") or []:
        if name != metrics.FALLBACK:
            return name, conf
    return pred["intent"], pred["confidence"]


def threshold_sweep(gold: list[str], preds: list[dict], thresholds) -> list[dict]:
    """Macro F1 and fallback share if the fallback threshold were t (ambiguity threshold left out)."""
    rows = []
    for t in thresholds:
        labels = []
        for p in preds:
            name, conf = raw_top(p)
            labels.append(name if conf >= t else metrics.FALLBACK)
        rep = metrics.intent_report(gold, labels)
        rows.append(
            {
                "threshold": t,
                "macro_f1": rep["macro_f1"],
                "errors": rep["errors"],
                "fallback_share": rep["fallback_share"],
            }
        )
    return rows


def scenario_summary(path: Path) -> dict | None:
    """Pass rate and words per advice message from the scenario runner's JSON (format read defensively)."""
    if not path.exists():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except Exception as exc:
        return {"error": f"unreadable: {exc}"}
    out: dict = {"file": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)}
    summ = doc.get("summary", doc) if isinstance(doc, dict) else {}
    for key in (
        "pass_rate",
        "passed",
        "failed",
        "total",
        "words_per_advice",
        "advice_words_mean",
        "advice_words_median",
        "advice_words_p95",
    ):
        if isinstance(summ, dict) and key in summ:
            out[key] = summ[key]
    results = doc.get("results") or doc.get("scenarios") if isinstance(doc, dict) else doc
    if isinstance(results, list) and results:
        passed = [
            r
            for r in results
            if isinstance(r, dict)
            and (r.get("passed") is True or r.get("ok") is True or r.get("status") in ("pass", "passed"))
        ]
        out.setdefault("total", len(results))
        out.setdefault("passed", len(passed))
        words = []
        for r in results:
            if isinstance(r, dict) and isinstance(r.get("advice_words"), list):  # opschaling.scenarios Result
                words += [int(w) for w in r["advice_words"]]
                continue
            for m in (r.get("messages") or r.get("transcript") or []) if isinstance(r, dict) else []:
                if isinstance(m, dict) and (m.get("kind") == "advice" or (m.get("opsw") or {}).get("kind") == "advice"):
                    words.append(len(re.findall(r"\w+", m.get("text") or "")))
        if words:
            words.sort()
            out["advice_messages"] = len(words)
            out["advice_words_mean"] = round(sum(words) / len(words), 1)
            out["advice_words_median"] = words[len(words) // 2]
    if "pass_rate" not in out and out.get("total"):
        out["pass_rate"] = out.get("passed", 0) / out["total"]
    return out


def plot_confusion(gold, pred, title: str, path: Path) -> str | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception as exc:
        return f"no PNG: matplotlib not available ({exc})"
    labels, m = metrics.confusion(gold, pred)
    fig, ax = plt.subplots(figsize=(max(6, len(labels) * 0.42), max(5, len(labels) * 0.38)))
    ax.imshow([[min(v, 10) for v in row] for row in m], cmap="Blues")
    ax.set_xticks(range(len(labels)))
    ax.set_yticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=90, fontsize=7)
    ax.set_yticklabels(labels, fontsize=7)
    for i, row in enumerate(m):
        for j, v in enumerate(row):
            if v:
                ax.text(j, i, str(v), ha="center", va="center", fontsize=6, color="red" if i != j else "black")
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return None


# --------------------------------------------------------------------------- main


def write_reports(r: dict, out: Path) -> str:
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(r, indent=1, ensure_ascii=False), encoding="utf-8")
    md = to_markdown(r)
    (out / "latest.md").write_text(md, encoding="utf-8")
    return md


def evaluate(a) -> dict:
    started = time.time()
    out_dir = Path(a.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    log = out_dir / "train.log"
    log.write_text("", encoding="utf-8")
    nlu_root = Path(a.train)
    train = mdata.load_nlu([nlu_root])
    if a.limit:
        rng = random.Random(1)
        rng.shuffle(train)
        train = train[: a.limit]
    sets = {}
    for name in a.sets:
        path = Path(a.set_path.get(name, SETS.get(name, name)))
        if path.exists():
            sets[name] = mdata.load_danger(path) if name == "danger" else mdata.load_nlu_file(path)
    syn = synonym_map(nlu_root)
    judge, judge_note = danger_judge()
    all_texts = [ex["text"] for s in sets.values() for ex in s]

    result: dict = {
        "date": dt.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "train_examples": len(train),
        "train_intents": len({e["intent"] for e in train}),
        "sets": {k: {"path": a.set_path.get(k, SETS.get(k, k)), "n": len(v)} for k, v in sets.items()},
        "danger_judge": judge_note,
        "pipelines": {},
    }
    tmp = Path(tempfile.mkdtemp(prefix="opsw-eval-"))
    try:
        train_file = tmp / "train.yml"
        if a.limit:
            mdata.write_nlu_yaml(train, train_file, mdata.non_intent_files(nlu_root))
            train_inputs = [train_file]
        else:
            train_inputs = [nlu_root]
        overrides = json.loads(a.overrides) if a.overrides else None
        for kind in a.pipelines if sets else []:  # no sets: only the cross-validation below
            print(f"[opsw] pipeline {kind} ...", file=sys.stderr)
            entry: dict = {"name": NAMES.get(kind, kind)}
            if kind == "tfidf":
                from measure import tfidf

                t0 = time.perf_counter()
                preds = tfidf.train_and_predict([e["text"] for e in train], [e["intent"] for e in train], all_texts)
                entry["train_and_parse_seconds"] = round(time.perf_counter() - t0, 1)
            else:
                cfg = write_config(kind, tmp, overrides, a.config)
                entry["config"] = yaml.safe_load(cfg.read_text(encoding="utf-8"))["pipeline"]
                model, secs = rasa_train(cfg, train_inputs, tmp / "models", log)
                entry["train_seconds"] = round(secs, 1)
                entry["model_mb"] = round(model.stat().st_size / 1e6, 2)
                preds, psecs = rasa_parse(model, all_texts, tmp, log)
                entry["parse_ms_per_message"] = round(1000 * psecs / max(1, len(all_texts)), 1)
            pos = 0
            entry["sets"] = {}
            for sname, exs in sets.items():
                p = preds[pos : pos + len(exs)]
                pos += len(exs)
                gold = [e["intent"] for e in exs]
                labels = [x["intent"] for x in p]
                rep: dict = {}
                if sname != "danger":
                    rep = metrics.intent_report(gold, labels)
                    rep["confusions"] = metrics.top_confusions(gold, labels, [e["text"] for e in exs])
                    if kind != "tfidf":
                        rep["entities"] = metrics.entity_report(
                            [e["entities"] for e in exs], [x["entities"] for x in p]
                        )
                        rep["entities_value"] = metrics.entity_report(
                            [gold_entities(e, syn) for e in exs], [x["entities"] for x in p], with_value=True
                        )
                    if sname == "heldout" and kind == "ours":
                        note = plot_confusion(
                            gold, labels, f"{NAMES[kind]} on {sname}", out_dir / "confusion_ours_heldout.png"
                        )
                        result["png_note"] = note or "confusion_ours_heldout.png"
                gold_d = [g == DANGER_INTENT for g in gold]
                flag = [judge(e["text"], x["intent"], x["confidence"]) for e, x in zip(exs, p, strict=False)]
                rep["danger"] = metrics.danger_report(gold_d, flag)
                rep["danger_intent_only"] = metrics.danger_report(gold_d, [x["intent"] == DANGER_INTENT for x in p])
                rep["missed_danger"] = [e["text"] for e, g, f in zip(exs, gold_d, flag, strict=False) if g and not f][
                    :10
                ]
                rep["false_alarm_texts"] = [
                    e["text"] for e, g, f in zip(exs, gold_d, flag, strict=False) if f and not g
                ][:10]
                entry["sets"][sname] = rep
            result["pipelines"][kind] = entry
            result["seconds"] = round(time.time() - started, 1)
            write_reports(finish(result, sets, started), out_dir)  # partial report after every pipeline

        # cross-validation of (a)
        if a.cv and a.cv > 1 and "ours" in a.pipelines:
            print(f"[opsw] {a.cv}-fold cross-validation of (a) ...", file=sys.stderr)
            folds = stratified_folds(train, a.cv)[: a.cv_max_folds or None]
            cfg = write_config("ours", tmp, overrides, a.config)
            extra = mdata.non_intent_files(nlu_root)
            gold_all, pred_all, secs_all = [], [], []
            for k, test_idx in enumerate(folds):
                test_set = set(test_idx)
                fold_train = [e for i, e in enumerate(train) if i not in test_set]
                fold_dir = tmp / f"fold{k}"
                fold_dir.mkdir()
                mdata.write_nlu_yaml(fold_train, fold_dir / "train.yml", extra)
                model, secs = rasa_train(cfg, [fold_dir / "train.yml"], fold_dir, log)
                secs_all.append(secs)
                texts = [train[i]["text"] for i in test_idx]
                preds, _ = rasa_parse(model, texts, fold_dir, log)
                gold_all += [train[i]["intent"] for i in test_idx]
                pred_all += preds
                shutil.rmtree(fold_dir, ignore_errors=True)
                result["cv_ours"] = cv_report(gold_all, pred_all, secs_all, a.cv)
                result["seconds"] = round(time.time() - started, 1)
                write_reports(finish(result, sets, started), out_dir)  # partial report after every fold
            result["cv_ours"] = cv_report(gold_all, pred_all, secs_all, a.cv)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return finish(result, sets, started)


def cv_report(gold_all, pred_all, secs_all, folds) -> dict:
    rep = metrics.intent_report(gold_all, [p["intent"] for p in pred_all])
    rep["confusions"] = metrics.top_confusions(gold_all, [p["intent"] for p in pred_all], [""] * len(gold_all), k=10)
    rep["threshold_sweep"] = threshold_sweep(
        gold_all, pred_all, [0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.6, 0.7]
    )
    rep["train_seconds_mean"] = round(sum(secs_all) / len(secs_all), 1)
    rep["folds"] = folds
    rep["folds_run"] = len(secs_all)
    return rep


def finish(result: dict, sets: dict, started: float) -> dict:
    """Targets: (a) makes at most half the errors of the better baseline, macro F1 >= 0.97."""
    targets = {}
    for sname in sets:
        if sname == "danger" or "ours" not in result["pipelines"]:
            continue
        ours = result["pipelines"]["ours"]["sets"][sname]
        bases = [result["pipelines"][k]["sets"][sname] for k in ("default", "tfidf") if k in result["pipelines"]]
        ratio = metrics.error_ratio(ours, bases)
        targets[sname] = {
            "macro_f1": ours["macro_f1"],
            "error_ratio_vs_best_baseline": ratio,
            "met": ours["macro_f1"] >= 0.97 and (ratio is None or ratio <= 0.5),
        }
    result["targets"] = targets
    result["scenarios"] = scenario_summary(ROOT / "reports" / "scenarios" / "latest.json")
    result["seconds"] = round(time.time() - started, 1)
    return result


def _f(x, digits=3) -> str:
    return "–" if x is None else (f"{x:.{digits}f}" if isinstance(x, float) else str(x))


def to_markdown(r: dict) -> str:
    L = [
        f"# NLU evaluation ({r['date']})",
        "",
        f"Machine: {r['machine']}. Training data: {r['train_examples']} examples, {r['train_intents']} intents "
        f"(data/nlu). Run time {r['seconds']:.0f} s.",
        "",
    ]
    L.append("Sets: " + ", ".join(f"`{v['path']}` ({v['n']})" for v in r["sets"].values()) + ".")
    L.append(f"Danger decision: {r['danger_judge']}.")
    L += [
        "",
        "## Headline",
        "",
        "| pipeline | set | macro F1 | accuracy | errors | fallback share | entity F1 (span) | entity F1 (value) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for _kind, p in r["pipelines"].items():
        for sname, s in p["sets"].items():
            if sname == "danger":
                continue
            ent = s.get("entities", {}).get("micro", {}).get("f1")
            entv = s.get("entities_value", {}).get("micro", {}).get("f1")
            L.append(
                f"| {p['name']} | {sname} | {_f(s['macro_f1'])} | {_f(s['accuracy'])} | {s['errors']}/{s['n']} | "
                f"{_f(s['fallback_share'])} | {_f(ent)} | {_f(entv)} |"
            )
    if r.get("targets"):
        L += ["", "Target: (a) makes at most half the errors of the better baseline and macro F1 >= 0.97.", ""]
        for sname, t in r["targets"].items():
            L.append(
                f"- {sname}: macro F1 {_f(t['macro_f1'])}, error ratio vs best baseline "
                f"{_f(t['error_ratio_vs_best_baseline'], 2)} → **{'met' if t['met'] else 'NOT met'}**"
            )
    L += [
        "",
        "## Danger (acute_nood)",
        "",
        "| pipeline | set | recall | false-alarm rate | missed | false alarms | recall, intent only |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for _kind, p in r["pipelines"].items():
        for sname, s in p["sets"].items():
            d, di = s["danger"], s["danger_intent_only"]
            if not d["n_danger"] and not d["false_alarms"]:
                continue
            L.append(
                f"| {p['name']} | {sname} | {_f(d['recall'])} | {_f(d['false_alarm_rate'])} | {d['missed']} | "
                f"{d['false_alarms']}/{d['n_safe']} | {_f(di['recall'])} |"
            )
    L += ["", "## Cost", "", "| pipeline | training s | model MB | parse ms/message |", "|---|---:|---:|---:|"]
    for _kind, p in r["pipelines"].items():
        L.append(
            f"| {p['name']} | {_f(p.get('train_seconds', p.get('train_and_parse_seconds')), 1)} | "
            f"{_f(p.get('model_mb'), 2)} | {_f(p.get('parse_ms_per_message'), 1)} |"
        )
    cv = r.get("cv_ours")
    if cv:
        L += [
            "",
            f"## {cv['folds']}-fold cross-validation of (a) on the training data"
            + (f" ({cv['folds_run']} folds run)" if cv.get("folds_run", cv["folds"]) != cv["folds"] else ""),
            "",
            f"macro F1 {_f(cv['macro_f1'])}, accuracy {_f(cv['accuracy'])}, errors {cv['errors']}/{cv['n']}, "
            f"fallback share {_f(cv['fallback_share'])}, training {cv['train_seconds_mean']} s per fold.",
            "",
            "Fallback threshold sweep on the cross-validation predictions (validation data, not the held-out sets):",
            "",
            "| threshold | macro F1 | errors | fallback share |",
            "|---:|---:|---:|---:|",
        ]
        for row in cv["threshold_sweep"]:
            L.append(
                f"| {row['threshold']:.2f} | {_f(row['macro_f1'])} | {row['errors']} | {_f(row['fallback_share'])} |"
            )
    L += ["", "## Per intent (held-out sets)", ""]
    for sname in [s for s in r["sets"] if s != "danger"]:
        kinds = [k for k in r["pipelines"] if sname in r["pipelines"][k]["sets"]]
        L += [
            f"### {sname}",
            "",
            "| intent | support | " + " | ".join(f"{k} P / R / F1" for k in kinds) + " |",
            "|---|---:|" + "---:|" * len(kinds),
        ]
        intents = sorted(r["pipelines"][kinds[0]]["sets"][sname]["per_intent"])
        for intent in intents:
            cells = []
            for k in kinds:
                v = r["pipelines"][k]["sets"][sname]["per_intent"][intent]
                cells.append(f"{v['precision']:.2f} / {v['recall']:.2f} / {v['f1']:.2f}")
            sup = r["pipelines"][kinds[0]]["sets"][sname]["per_intent"][intent]["support"]
            L.append(f"| {intent} | {sup} | " + " | ".join(cells) + " |")
        if "ours" in kinds:
            conf = r["pipelines"]["ours"]["sets"][sname]["confusions"]
            if conf:
                L += ["", f"Most frequent errors of (a) on {sname}:", ""]
                for c in conf[:10]:
                    L.append(
                        f"- {c['gold']} → {c['pred']} ×{c['count']}: "
                        + " | ".join(f"“{t[:90]}”" for t in c["examples"])
                    )
        L.append("")
    if r.get("png_note"):
        L.append(f"Confusion matrix: {r['png_note']}")
    sc = r.get("scenarios")
    L += ["", "## Scenarios", ""]
    if sc:
        L.append("; ".join(f"{k}: {_f(v) if isinstance(v, float) else v}" for k, v in sc.items()))
    else:
        L.append("No reports/scenarios/latest.json yet (written by the scenario runner).")
    return "\n".join(L) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pipelines", default="ours,tfidf,default")
    ap.add_argument("--sets", default="heldout,external,danger")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=PATH", help="override a set's file")
    ap.add_argument("--train", default="data/nlu")
    ap.add_argument("--cv", type=int, default=5, help="folds for cross-validation of (a); 0 = none")
    ap.add_argument("--cv-max-folds", type=int, default=0, help="run only the first N folds (a quick validation split)")
    ap.add_argument("--config", default=None, help="take pipeline (a) from this file instead of config.yml")
    ap.add_argument("--limit", type=int, default=0, help="use only N training examples (smoke tests)")
    ap.add_argument("--overrides", default=None, help='JSON, e.g. {"DIETClassifier": {"epochs": 2}}')
    ap.add_argument("--out", default="reports/eval")
    ap.add_argument("--min-f1", type=float, default=None, help="exit 1 when (a)'s macro F1 on a set is below")
    a = ap.parse_args(argv)
    os.chdir(ROOT)
    a.pipelines = [p.strip() for p in a.pipelines.split(",") if p.strip()]
    a.sets = [s.strip() for s in a.sets.split(",") if s.strip()]
    a.set_path = dict(s.split("=", 1) for s in a.set)
    unknown = set(a.pipelines) - set(NAMES)
    if unknown:
        ap.error(f"unknown pipelines {unknown}")
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up the temp folder
    r = evaluate(a)
    out = Path(a.out)
    md = write_reports(r, out)
    print(md)
    print(f"[opsw] written {out}/latest.md and latest.json", file=sys.stderr)
    if a.min_f1 is not None and "ours" in r["pipelines"]:
        low = {
            s: v["macro_f1"]
            for s, v in r["pipelines"]["ours"]["sets"].items()
            if s != "danger" and v["macro_f1"] < a.min_f1
        }
        if low:
            print(f"[opsw] macro F1 below {a.min_f1}: {low}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
