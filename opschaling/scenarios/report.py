"""Reports of a scenario run: a console table, a self-contained HTML page and JUnit XML."""

from __future__ import annotations

import html
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime

from opschaling.scenarios.model import Result


def summary(results: Sequence[Result]) -> str:
    passed = sum(1 for r in results if r.passed)
    return f"{passed} passed, {len(results) - passed} failed"


def _short(text: str, width: int) -> str:
    return textwrap.shorten(" ".join(str(text).split()), width=width, placeholder="…") if text else ""


def console(results: Sequence[Result], width: int = 110) -> str:
    """One block per scenario: status, name, step; then reasons, sources, questions and, on failure,
    what was expected."""
    lines = []
    for r in results:
        status = "geslaagd" if r.passed else "MISLUKT "
        lines.append(f"{status}  {r.scenario.name}  [{r.scenario.origin}]")
        lines.append(f"          stap: {r.step or '-'}" + (f" ({r.step_label})" if r.step_label else ""))
        if r.reasons:
            lines.append(f"          reden: {_short(' '.join(r.reasons), width - 17)}")
        if r.sources:
            lines.append(f"          bronnen: {_short('; '.join(r.sources), width - 19)}")
        lines.append(f"          vragen: {', '.join(r.questions) or '-'}")
        if r.advice_words:
            lines.append(f"          woorden per advies: {', '.join(map(str, r.advice_words))}")
        if r.crisis_first is not None:
            lines.append(f"          crisisbericht eerst: {'ja' if r.crisis_first else 'NEE'}")
        if r.unanswered:
            lines.append(f"          'weet ik niet' gestuurd voor: {', '.join(r.unanswered)}")
        if not r.passed:
            lines.append(f"          verwacht: {r.expected}")
            for failure in r.failures:
                lines.append(f"          ! {failure}")
    lines.append("")
    lines.append(summary(results))
    return "\n".join(lines)


_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.35rem;vertical-align:top;text-align:left}
th{background:#eee}.ok{background:#e8f5e9}.fail{background:#ffebee}.sum{font-size:1.2rem;margin-bottom:1rem}
.user{color:#0d47a1}.bot{color:#333;margin-left:1.5rem;white-space:pre-wrap}.kind{color:#777;font-size:.85em}
details{margin-top:.3rem}
"""


def _extra(r: Result) -> str:
    parts = []
    if r.advice_words:
        parts.append("woorden per advies: " + ", ".join(map(str, r.advice_words)))
    if r.crisis_first is not None:
        parts.append("crisisbericht eerst: " + ("ja" if r.crisis_first else "nee"))
    return "".join(f"<br><small>{html.escape(p)}</small>" for p in parts)


def html_page(results: Sequence[Result], title: str = "Scenario's Opschalingswijzer") -> str:
    e = html.escape
    passed = sum(1 for r in results if r.passed)
    rows = []
    for r in results:
        talk = []
        for ex in r.transcript:
            extra = " (geen antwoord in het scenario: 'weet ik niet')" if ex.default_answer else ""
            talk.append(
                f'<div class="user">👤 {e(ex.user)}<span class="kind"> {e(ex.role)}'
                f"{e(' · ' + ex.topic) if ex.topic else ''}{e(extra)}</span></div>"
            )
            for m in ex.replies:
                buttons = "".join(f" [{e(str(b.get('title', '')))}]" for b in m.buttons)
                talk.append(
                    f'<div class="bot"><span class="kind">{e(m.kind or "?")}</span> {e(m.text)}'
                    f'<span class="kind">{buttons}</span></div>'
                )
        failures = "".join(f"<li>{e(f)}</li>" for f in r.failures)
        rows.append(
            f'<tr class="{"ok" if r.passed else "fail"}"><td>{"geslaagd" if r.passed else "mislukt"}</td>'
            f"<td>{e(r.scenario.name)}<br><small>{e(r.scenario.origin)}"
            f"{e(' · ' + r.scenario.theme) if r.scenario.theme else ''}</small>"
            f"<details><summary>gesprek</summary>{''.join(talk)}</details></td>"
            f"<td>{e(r.step or '-')}<br><small>{e(r.step_label or '')}</small></td>"
            f"<td>{e(' '.join(r.reasons))}</td><td>{'<br>'.join(e(s) for s in r.sources)}</td>"
            f"<td>{e(', '.join(r.questions))}{_extra(r)}</td>"
            f"<td>{'' if r.passed else e(r.expected)}<ul>{failures}</ul></td></tr>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>"
        f'<h1>{e(title)}</h1><p class="sum">{passed} geslaagd, {len(results) - passed} mislukt '
        f"({e(summary(results))}) · {e(datetime.now().strftime('%Y-%m-%d %H:%M'))}</p>"
        "<table><thead><tr><th>uitslag</th><th>scenario</th><th>stap</th><th>reden</th><th>bronnen</th>"
        "<th>gestelde vragen</th><th>verwacht (bij mislukt)</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></body></html>\n"
    )


def junit_xml(results: Sequence[Result], suite: str = "scenarios") -> str:
    failed = sum(1 for r in results if not r.passed)
    root = ET.Element("testsuite", name=suite, tests=str(len(results)), failures=str(failed), errors="0")
    for r in results:
        case = ET.SubElement(root, "testcase", classname=r.scenario.theme or suite, name=r.scenario.name)
        if not r.passed:
            failure = ET.SubElement(case, "failure", message="; ".join(r.failures))
            failure.text = "\n".join([f"verwacht: {r.expected}", f"genoemd: {r.step}", *r.failures])
        out = ET.SubElement(case, "system-out")
        out.text = "\n".join(
            f"> {ex.user}\n" + "\n".join(f"< [{m.kind}] {m.text}" for m in ex.replies) for ex in r.transcript
        )
    return ET.tostring(root, encoding="unicode", xml_declaration=False) + "\n"


__all__ = ["console", "html_page", "junit_xml", "summary"]


def reasked(result: Result) -> int:
    """Questions asked again about a topic the user had already answered with a real answer (not the runner's
    default "weet ik niet"): a stated fact the assistant did not keep (issue 14: at most 2 per 100 conversations)."""
    answered: set[str] = set()
    count = 0
    for ex in result.transcript:
        if ex.role == "antwoord" and ex.topic:
            if ex.topic in answered:
                count += 1
            elif not ex.default_answer:
                answered.add(ex.topic)
    return count


def fallback_repeats(result: Result) -> int:
    """Times the same non-question, non-advice sentence (a fallback: "Ik begrijp het niet", "Dat weet ik niet")
    came in two answers in a row (issue 14: never)."""
    count = 0
    previous: set[str] = set()
    for ex in result.transcript:
        current = {m.text for m in ex.replies if m.kind in ("info", "notice", "error") and m.text}
        count += len(current & previous)
        previous = current
    return count


def figures(results: Sequence[Result]) -> dict:
    """The headline figures of a run (issue 'safe, short and understood'): pass rate, danger recall, words per
    advice message, questions asked per conversation, stated facts asked again and fallbacks repeated in a row."""
    total = len(results)
    passed = sum(1 for r in results if r.passed)
    danger = [r for r in results if r.crisis_first is not None]
    words = sorted(w for r in results for w in r.advice_words)
    questions = [len(r.questions) for r in results]
    return {
        "total": total,
        "passed": passed,
        "failed": total - passed,
        "pass_rate": round(passed / total, 3) if total else None,
        "danger_conversations": len(danger),
        "danger_recall": round(sum(1 for r in danger if r.crisis_first) / len(danger), 3) if danger else None,
        "advice_messages": len(words),
        "advice_words_mean": round(sum(words) / len(words), 1) if words else None,
        "advice_words_max": words[-1] if words else None,
        "questions_per_conversation": round(sum(questions) / total, 2) if total else None,
        "questions_max": max(questions) if questions else None,
        "niet_only_after": sum(1 for r in results if r.niet_only_after),
        "reasked_per_100": round(100 * sum(reasked(r) for r in results) / total, 1) if total else None,
        "fallback_repeats": sum(fallback_repeats(r) for r in results),
    }


def json_report(results: Sequence[Result], mode: str) -> str:
    """Machine-readable: the figures and one row per scenario (read by scripts/eval_nlu.py)."""
    import json

    rows = [
        {
            "name": r.scenario.name,
            "file": getattr(r.scenario, "source", None),
            "passed": r.passed,
            "step": r.step,
            "questions": r.questions,
            "advice_words": r.advice_words,
            "crisis_first": r.crisis_first,
            "failures": r.failures,
        }
        for r in results
    ]
    return json.dumps(
        {"mode": mode, "summary": figures(results), "results": rows}, ensure_ascii=False, indent=1, default=str
    )
