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
