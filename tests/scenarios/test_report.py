"""Reports: console table, self-contained HTML (everything escaped), JUnit XML; the CLI's last line and exit codes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from opschaling.scenarios import cli, report
from opschaling.scenarios.model import BotMessage, Exchange, Result, Scenario

EVIL = "<script>alert('x')</script> & \"quote\""


def results() -> list[Result]:
    ok = Result(
        scenario=Scenario(
            name="Goed " + EVIL, messages=("hoi",), expected=("juiste_loket",), origin="a.yaml, regel 1", theme="t<1>"
        ),
        passed=True,
        step="juiste_loket",
        advice_words=[42],
        crisis_first=True,
        step_label="Het Juiste Loket",
        reasons=["Omdat " + EVIL],
        sources=["S0: Juiste Loket"],
        questions=["rol"],
        transcript=[
            Exchange(EVIL, [BotMessage("Antwoord " + EVIL, kind="advice", buttons=[{"title": EVIL, "payload": "/x"}])])
        ],
    )
    bad = Result(
        scenario=Scenario(
            name="Fout", messages=("hoi",), expected=("cce",), origin="b.csv, rij 2", expected_text="het CCE"
        ),
        passed=False,
        step="juiste_loket",
        questions=["wet", "al geprobeerd (cce)"],
        failures=["verwacht: het CCE; genoemd: juiste_loket"],
        transcript=[
            Exchange("hoi", [BotMessage("vraag", kind="question")], role="bericht"),
            Exchange("weet ik niet", [], role="antwoord", topic="wet", default_answer=True),
        ],
    )
    return [ok, bad]


def test_console_table():
    text = report.console(results())
    lines = text.splitlines()
    assert lines[-1] == "1 passed, 1 failed"
    assert lines[0].startswith("geslaagd  Goed ")
    assert "MISLUKT   Fout  [b.csv, rij 2]" in lines
    assert "          verwacht: het CCE" in lines
    assert "          vragen: wet, al geprobeerd (cce)" in lines
    assert "          bronnen: S0: Juiste Loket" in lines
    assert "          woorden per advies: 42" in lines
    assert "          crisisbericht eerst: ja" in lines


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_escaped_and_self_contained():
    page = report.html_page(results())
    parser = _Collect()
    parser.feed(page)
    assert "script" not in parser.tags  # the scenario's <script> is text, not a tag
    assert EVIL in "".join(parser.text)
    assert parser.tags.count("details") == 2 and parser.tags.count("tr") == 3
    assert "1 geslaagd, 1 mislukt" in page
    assert "<link" not in page and "src=" not in page  # nothing loaded from elsewhere
    assert page.index("1 geslaagd, 1 mislukt") < page.index("<table>")


def test_junit_is_valid_xml():
    root = ET.fromstring(report.junit_xml(results()))
    assert root.tag == "testsuite" and root.get("tests") == "2" and root.get("failures") == "1"
    cases = root.findall("testcase")
    assert cases[0].get("name") == "Goed " + EVIL and cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None and "verwacht: het CCE" in failure.get("message")
    assert "> weet ik niet" in cases[1].find("system-out").text


# ---------------------------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------------------------
YAML = "- naam: a\n  bericht: hallo\n  verwacht: juiste_loket\n"


def test_cli_local_writes_reports_and_exits_nonzero_on_failure(tmp_path, monkeypatch, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(YAML, encoding="utf-8")
    from opschaling.scenarios import run_local

    monkeypatch.setattr(run_local, "run_all", lambda scenarios: results())
    code = cli.main([str(path), "--local", "--html", str(tmp_path / "r.html"), "--junit", str(tmp_path / "r.xml")])
    out = capsys.readouterr().out
    assert code == 1
    assert out.rstrip().splitlines()[-1] == "1 passed, 1 failed"
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    ET.parse(tmp_path / "r.xml")


def test_cli_exits_zero_when_all_pass(tmp_path, monkeypatch, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(YAML, encoding="utf-8")
    from opschaling.scenarios import run_local

    monkeypatch.setattr(run_local, "run_all", lambda scenarios: results()[:1])
    assert cli.main([str(path), "--local"]) == 0
    assert capsys.readouterr().out.rstrip().splitlines()[-1] == "1 passed, 0 failed"


def test_cli_bad_file_runs_nothing(tmp_path, monkeypatch, capsys):
    path = tmp_path / "s.yaml"
    path.write_text("- naam: a\n  bericht: hallo\n  verwacht: nergens\n", encoding="utf-8")
    from opschaling.scenarios import run_local

    def must_not_run(scenarios):
        raise AssertionError("a scenario ran although the file is wrong")

    monkeypatch.setattr(run_local, "run_all", must_not_run)
    assert cli.main([str(path), "--local"]) == 2
    err = capsys.readouterr().err
    assert "Fout in de scenariobestanden (er is niets uitgevoerd)" in err
    assert f"{path}, regel 1, veld 'verwacht': onbekende stap 'nergens'" in err


def test_cli_without_assistant_says_make_run(tmp_path, capsys):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = tmp_path / "s.yaml"
    path.write_text(YAML, encoding="utf-8")
    assert cli.main([str(path), "--url", f"http://127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert "Er draait geen assistent" in err and "make run" in err


@pytest.mark.parametrize("argv", [["--help"]])
def test_cli_help_is_dutch(argv, capsys):
    with pytest.raises(SystemExit):
        cli.main(argv)
    assert "scenario" in capsys.readouterr().out


def _conversation(*exchanges: Exchange) -> Result:
    return Result(scenario=Scenario(name="x", messages=("hoi",), expected=("cce",)), transcript=list(exchanges))


def test_a_fact_asked_again_after_a_real_answer_counts_and_after_weet_ik_niet_does_not():
    ask = [BotMessage("Welke wet?", kind="question")]
    twice = _conversation(
        Exchange("hoi", ask),
        Exchange("wlz", ask, role="antwoord", topic="wet"),
        Exchange("wlz zei ik", ask, role="antwoord", topic="wet"),
    )
    after_default = _conversation(
        Exchange("hoi", ask),
        Exchange("weet ik niet", ask, role="antwoord", topic="wet", default_answer=True),
        Exchange("weet ik niet", ask, role="antwoord", topic="wet", default_answer=True),
    )
    assert report.reasked(twice) == 1
    assert report.reasked(after_default) == 0
    assert report.figures([twice, after_default])["reasked_per_100"] == 50.0


def test_the_same_fallback_in_two_answers_in_a_row_counts():
    sorry = BotMessage("Dat begrijp ik niet.", kind="info")
    other = BotMessage("Kunt u het anders zeggen?", kind="info")
    assert report.fallback_repeats(_conversation(Exchange("a", [sorry]), Exchange("b", [sorry]))) == 1
    assert report.fallback_repeats(_conversation(Exchange("a", [sorry]), Exchange("b", [other]))) == 0
    advice = BotMessage("Uw volgende stap: het CCE.", kind="advice")
    assert report.fallback_repeats(_conversation(Exchange("a", [advice]), Exchange("b", [advice]))) == 0


def test_a_niet_step_named_only_as_what_comes_after_is_counted_apart():
    from opschaling.scenarios.model import _check as check  # noqa: PLC0415

    scenario = Scenario(name="x", messages=("hoi",), expected=("bezwaar_gemeente",), not_expected=("beroep_rechtbank",))
    advice = BotMessage(
        "Uw volgende stap: bezwaar.", kind="advice", trace={"step": "bezwaar_gemeente", "after": ["beroep_rechtbank"]}
    )
    after = Result(scenario=scenario, transcript=[Exchange("hoi", [advice])])
    check(scenario, after)
    assert not after.passed and after.niet_only_after
    advised = BotMessage("Uw volgende stap: beroep.", kind="advice", trace={"step": "beroep_rechtbank", "after": []})
    wrong = Result(scenario=scenario, transcript=[Exchange("hoi", [advised])])
    check(scenario, wrong)
    assert not wrong.passed and not wrong.niet_only_after
