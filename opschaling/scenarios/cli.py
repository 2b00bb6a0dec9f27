"""Command line: run scenario files (a file or a folder) and print the report.

    python scripts/scenarios.py [PAD ...] [--local] [--url URL] [--html FILE] [--junit FILE]

Exit code 0 when every scenario passed, 1 when one failed, 2 when the files are wrong or no assistant runs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from opschaling.scenarios.load import ScenarioError, load
from opschaling.scenarios.report import console, figures, html_page, json_report, junit_xml, summary

DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / "scenarios"
REPORT_DIR = Path(__file__).resolve().parent.parent.parent / "reports" / "scenarios"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="scenarios", description="Test de Opschalingswijzer met scenario's.")
    p.add_argument("paths", nargs="*", help="scenariobestand(en) of map (standaard: scenarios/)")
    p.add_argument("--local", action="store_true", help="zonder Rasa: rechtstreeks via opschaling.dialogue")
    p.add_argument("--url", help="adres van de assistent (standaard OPSW_RASA_URL of http://localhost:5005)")
    p.add_argument("--html", type=Path, help="schrijf een HTML-rapport naar dit bestand")
    p.add_argument("--junit", type=Path, help="schrijf JUnit-XML naar dit bestand")
    p.add_argument(
        "--json",
        type=Path,
        help="schrijf de cijfers en de resultaten als JSON naar dit bestand "
        "(standaard reports/scenarios/latest.json of latest-local.json)",
    )
    p.add_argument("--thema", help="alleen scenario's met dit thema")
    p.add_argument("-q", "--quiet", action="store_true", help="alleen mislukte scenario's en de telling tonen")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    paths = args.paths or [DEFAULT_DIR]
    try:
        scenarios = load(paths)
    except ScenarioError as exc:
        print("Fout in de scenariobestanden (er is niets uitgevoerd):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    if args.thema:
        scenarios = [s for s in scenarios if (s.theme or "") == args.thema]
    if args.local:
        from opschaling.scenarios.run_local import run_all

        results = run_all(scenarios)
    else:
        from opschaling.scenarios.run_rest import AssistantUnavailable
        from opschaling.scenarios.run_rest import run_all as run_rest

        def progress(result) -> None:  # noqa: ANN001 - a Result
            done.append(result)
            mark = "geslaagd" if result.passed else "MISLUKT"
            print(f"[{len(done)}/{len(scenarios)}] {mark}: {result.scenario.name}", file=sys.stderr, flush=True)

        done: list = []
        try:
            results = run_rest(scenarios, url=args.url, progress=None if args.quiet else progress)
        except AssistantUnavailable as exc:
            print(str(exc), file=sys.stderr)
            return 2
    shown = [r for r in results if not r.passed] if args.quiet else results
    text = console(shown).rsplit("\n", 1)[0]  # the closing count is printed last, for all results
    if args.html:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(html_page(results), encoding="utf-8")
    if args.junit:
        args.junit.parent.mkdir(parents=True, exist_ok=True)
        args.junit.write_text(junit_xml(results), encoding="utf-8")
    json_path = args.json or REPORT_DIR / ("latest-local.json" if args.local else "latest.json")
    try:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json_report(results, "local" if args.local else "rest"), encoding="utf-8")
    except OSError as exc:  # a read-only checkout still gets the console report
        print(f"Kon {json_path} niet schrijven: {exc}", file=sys.stderr)
    print(text)
    fig = figures(results)
    print(
        f"Cijfers: {fig['pass_rate']:.0%} geslaagd; gevaar eerst herkend {fig['danger_recall']}; woorden per advies "
        f"gemiddeld {fig['advice_words_mean']}, hoogstens {fig['advice_words_max']}; vragen per gesprek "
        f"{fig['questions_per_conversation']}; opnieuw gevraagd per 100 gesprekken {fig['reasked_per_100']}; "
        f"zelfde melding twee keer achter elkaar {fig['fallback_repeats']}; mislukt alleen op een 'niet'-stap als wat "
        f"daarna komt {fig['niet_only_after']}."
        if results
        else "Geen scenario's."
    )
    print(summary(results).splitlines()[-1])
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
