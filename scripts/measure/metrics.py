"""Scores for intent classification, entity extraction and danger detection (no Rasa, no sklearn)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

FALLBACK = "nlu_fallback"


def intent_report(gold: Sequence[str], pred: Sequence[str]) -> dict:
    """Per-intent precision / recall / F1 / support, macro F1 over the gold intents, accuracy,
    error count and the share of predictions that are the fallback (a fallback counts as an error)."""
    assert len(gold) == len(pred)
    tp, fp, fn = Counter(), Counter(), Counter()
    for g, p in zip(gold, pred, strict=False):
        if g == p:
            tp[g] += 1
        else:
            fn[g] += 1
            fp[p] += 1
    per = {}
    for label in sorted(set(gold)):
        p_den, r_den = tp[label] + fp[label], tp[label] + fn[label]
        prec = tp[label] / p_den if p_den else 0.0
        rec = tp[label] / r_den if r_den else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[label] = {"precision": prec, "recall": rec, "f1": f1, "support": r_den}
    n = len(gold)
    errors = sum(1 for g, p in zip(gold, pred, strict=False) if g != p)
    return {
        "per_intent": per,
        "macro_f1": sum(v["f1"] for v in per.values()) / len(per) if per else 0.0,
        "accuracy": (n - errors) / n if n else 0.0,
        "errors": errors,
        "n": n,
        "fallback_share": sum(1 for p in pred if p == FALLBACK) / n if n else 0.0,
        # intents predicted that do not occur in the gold set (errors into other labels)
        "false_positive_other": {k: v for k, v in fp.items() if k not in per},
    }


def confusion(gold: Sequence[str], pred: Sequence[str]) -> tuple[list[str], list[list[int]]]:
    labels = sorted(set(gold) | set(pred))
    idx = {l: i for i, l in enumerate(labels)}
    m = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred, strict=False):
        m[idx[g]][idx[p]] += 1
    return labels, m


def top_confusions(gold: Sequence[str], pred: Sequence[str], texts: Sequence[str], k: int = 15):
    pairs = Counter((g, p) for g, p in zip(gold, pred, strict=False) if g != p)
    examples = defaultdict(list)
    for g, p, t in zip(gold, pred, texts, strict=False):
        if g != p and len(examples[(g, p)]) < 2:
            examples[(g, p)].append(t)
    return [{"gold": g, "pred": p, "count": c, "examples": examples[(g, p)]} for (g, p), c in pairs.most_common(k)]


def _span_set(entities: Iterable[dict], with_value: bool) -> set:
    out = set()
    for e in entities:
        key = (e["start"], e["end"], e["entity"])
        if with_value:
            key += (str(e.get("value", "")).lower(),)
        out.add(key)
    return out


def entity_report(gold: Sequence[list[dict]], pred: Sequence[list[dict]], with_value: bool = False) -> dict:
    """Micro precision / recall / F1 of exact entity spans (start, end, type[, normalised value]),
    plus per entity type."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for g, p in zip(gold, pred, strict=False):
        gs, ps = _span_set(g, with_value), _span_set(p, with_value)
        for s in gs & ps:
            tp[s[2]] += 1
        for s in ps - gs:
            fp[s[2]] += 1
        for s in gs - ps:
            fn[s[2]] += 1

    def prf(t, f_p, f_n):
        prec = t / (t + f_p) if t + f_p else 0.0
        rec = t / (t + f_n) if t + f_n else 0.0
        return {
            "precision": prec,
            "recall": rec,
            "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
            "support": t + f_n,
        }

    T, P, N = sum(tp.values()), sum(fp.values()), sum(fn.values())
    types = sorted(set(tp) | set(fp) | set(fn))
    return {"micro": prf(T, P, N), "per_entity": {t: prf(tp[t], fp[t], fn[t]) for t in types}}


def danger_report(gold_danger: Sequence[bool], flagged: Sequence[bool]) -> dict:
    """Recall on the dangerous messages and false-alarm rate on the safe ones."""
    pos = [f for g, f in zip(gold_danger, flagged, strict=False) if g]
    neg = [f for g, f in zip(gold_danger, flagged, strict=False) if not g]
    return {
        "recall": sum(pos) / len(pos) if pos else None,
        "false_alarm_rate": sum(neg) / len(neg) if neg else None,
        "missed": len(pos) - sum(pos),
        "false_alarms": sum(neg),
        "n_danger": len(pos),
        "n_safe": len(neg),
    }


def error_ratio(ours: dict, baselines: list[dict]) -> float | None:
    """Errors of ours divided by the errors of the best baseline (target <= 0.5)."""
    best = min((b["errors"] for b in baselines), default=None)
    if best is None:
        return None
    if best == 0:
        return 0.0 if ours["errors"] == 0 else float("inf")
    return ours["errors"] / best
