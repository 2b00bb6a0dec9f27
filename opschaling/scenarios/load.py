"""Read scenario files: YAML, CSV (as Dutch Excel/LibreOffice save it) and .xlsx. All three mean the same.

Every mistake is collected first; then one ``ScenarioError`` names each file, line or row, and field, in
Dutch, and nothing runs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from opschaling.scenarios.model import OTHER_STEPS, TOPICS, Answer, Scenario, StepNames, normalise, topic_fact

SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx")
LIST_SEPARATOR = "|"

# field -> synonyms people write (all compared after normalise())
FIELDS: Mapping[str, tuple[str, ...]] = {
    "naam": ("naam", "name", "scenario", "titel"),
    "bericht": ("bericht", "berichten", "eerste bericht", "openingsbericht", "vraag"),
    "antwoorden": ("antwoorden",),
    "vervolg": ("vervolg", "vervolgberichten", "daarna"),
    "verwacht": ("verwacht", "verwachte stap", "verwacht antwoord", "stap"),
    "niet": ("niet", "niet noemen", "niet verwacht"),
    "termijn": ("termijn", "deadline", "verwachte termijn"),
    "veiligheid eerst": ("veiligheid eerst", "veiligheid_eerst", "crisis eerst"),
    "thema": ("thema", "onderwerp"),
    "opmerking": ("opmerking", "toelichting", "notitie"),
    # a domain review's notes for whoever judges the answer (not checked by the runner): the deciding passage, and
    # what a fully right answer must say (tests/conversations/review/README.md)
    "bron": ("bron", "bronpassage"),
    "kern": ("kern", "moet zeggen"),
}
_FIELD_BY_NAME = {normalise(alias): name for name, aliases in FIELDS.items() for alias in aliases}
_YES = {"ja", "j", "yes", "true", "waar", "1", "x"}
_NO = {"nee", "n", "no", "false", "onwaar", "0", ""}


class ScenarioError(ValueError):
    """One or more mistakes in scenario files (``problems``: Dutch lines, each naming file, place and field)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class _Place:
    file: str
    where: str  # "regel 12" or "rij 3"

    def __str__(self) -> str:
        return f"{self.file}, {self.where}"


def field_name(name: str) -> str | None:
    """The canonical field for a header or key, or 'antwoord:<fact>' for a topic, or None."""
    key = normalise(name)
    if key in _FIELD_BY_NAME:
        return _FIELD_BY_NAME[key]
    for prefix in ("antwoord ", "antwoorden "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    fact = topic_fact(key)
    return f"antwoord:{fact}" if fact else None


def known_fields() -> str:
    return ", ".join(list(FIELDS) + [f"antwoorden/{t}" for t in TOPICS])


# ------------------------------------------------------------------------------------------------
# Reading files
# ------------------------------------------------------------------------------------------------
class _LineLoader(yaml.SafeLoader):
    pass


class _Map(dict):
    line = 0


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> _Map:
    value = _Map(loader.construct_mapping(node, deep=True))
    value.line = node.start_mark.line + 1
    return value


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
# dates stay text: the loader parses them itself (the same way for YAML, CSV and xlsx)
_LineLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (old Excel on Windows)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _sniff_delimiter(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _rows_csv(path: Path) -> list[tuple[int, list[str]]]:
    text = decode(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    return [(reader.line_num, row) for row in reader]


def _rows_xlsx(path: Path) -> list[tuple[int, list[Any]]]:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - openpyxl is in requirements.txt
        raise ScenarioError(
            [
                f"{path}: Excel-bestanden lezen kan niet: het pakket openpyxl ontbreekt "
                "(installeer het met: .venv/bin/pip install openpyxl)"
            ]
        ) from exc
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise ScenarioError([f"{path}: dit is geen leesbaar Excel-bestand (.xlsx): {exc}"]) from exc
    sheet = book.worksheets[0]
    rows = [(i, list(row)) for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    book.close()
    return rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table_records(path: Path, rows: list[tuple[int, list[Any]]], problems: list[str]) -> list[tuple[_Place, dict]]:
    rows = [(n, [_cell(c) for c in row]) for n, row in rows]
    rows = [(n, row) for n, row in rows if any(row)]
    if not rows:
        problems.append(f"{path}: het bestand is leeg (verwacht een kopregel met o.a. naam, bericht, verwacht)")
        return []
    header_line, header = rows[0]
    columns: list[str | None] = []
    for index, title in enumerate(header):
        if not title:
            columns.append(None)
            continue
        name = field_name(title)
        if name is None:
            problems.append(
                f"{path}, rij {header_line}, kolom {index + 1}: onbekend veld '{title}'. "
                f"Bekende velden: {known_fields()}"
            )
        columns.append(name)
    records = []
    for line, row in rows[1:]:
        record: dict[str, Any] = {}
        answers: dict[str, Any] = {}
        for index, value in enumerate(row):
            name = columns[index] if index < len(columns) else None
            if not value or name is None:
                if value and index >= len(columns):
                    problems.append(f"{path}, rij {line}, kolom {index + 1}: waarde '{value}' zonder kop")
                continue
            if name.startswith("antwoord:"):
                answers[name.split(":", 1)[1]] = _split(value)
            elif name in ("bericht", "vervolg", "niet", "verwacht"):
                record[name] = _split(value)
            else:
                record[name] = value
        if answers:
            record["antwoorden"] = answers
        records.append((_Place(str(path), f"rij {line}"), record))
    return records


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def _yaml_records(path: Path, problems: list[str]) -> list[tuple[_Place, dict]]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_LineLoader)  # noqa: S506 - SafeLoader
    except UnicodeDecodeError:
        problems.append(f"{path}: het bestand is geen UTF-8-tekst; sla het op als UTF-8")
        return []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", regel {mark.line + 1}" if mark else ""
        problems.append(f"{path}{where}: dit is geen geldige YAML ({getattr(exc, 'problem', exc)})")
        return []
    if isinstance(data, Mapping):
        for key in ("scenario's", "scenarios", "scenarios'", "gesprekken"):
            if key in data:
                data = data[key]
                break
    if not isinstance(data, list):
        problems.append(f"{path}: verwacht een lijst van scenario's (elk begint met '- naam: ...')")
        return []
    records = []
    for index, item in enumerate(data, start=1):
        line = getattr(item, "line", 0)
        place = _Place(str(path), f"regel {line}" if line else f"scenario {index}")
        if not isinstance(item, Mapping):
            problems.append(f"{place}: een scenario moet velden hebben (naam, bericht, verwacht, ...)")
            continue
        record: dict[str, Any] = {}
        for key, value in item.items():
            name = field_name(str(key))
            if name is None:
                problems.append(f"{place}, veld '{key}': onbekend veld. Bekende velden: {known_fields()}")
            elif name.startswith("antwoord:"):
                record.setdefault("antwoorden", {})[name.split(":", 1)[1]] = value
            else:
                record[name] = value
        records.append((place, record))
    return records


# ------------------------------------------------------------------------------------------------
# Records -> scenarios
# ------------------------------------------------------------------------------------------------
def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    if isinstance(value, bool):
        return ["ja" if value else "nee"]
    text = str(value).strip()
    return [text] if text else []


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    key = normalise(str(value or ""))
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def _answer(fact: str, value: Any, names: StepNames, place: _Place, problems: list[str]) -> Answer:
    """'al geprobeerd' may name steps: {klachtenfunctionaris: "ja, hielp niet", anders: "nee"} or, in a
    cell, 'klachtenfunctionaris: ja, hielp niet | anders: nee'. Other topics: one text or a list."""
    if fact != "step_outcome":
        if isinstance(value, Mapping):
            problems.append(f"{place}, veld 'antwoorden/{_topic_name(fact)}': verwacht een tekst of een lijst")
            return Answer()
        return Answer(tuple(_texts(value)))
    items: list[tuple[str | None, Any]] = []
    if isinstance(value, Mapping):
        items = [(str(k), v) for k, v in value.items()]
    else:
        for text in _texts(value):
            head, sep, tail = text.partition(":")
            if not sep:
                head, sep, tail = text.partition("=")
            if sep and (names.resolve(head) or normalise(head) in OTHER_STEPS):
                items.append((head, tail.strip()))
            else:
                items.append((None, text))
    plain: list[str] = []
    by_step: dict[str, tuple[str, ...]] = {}
    for key, answer in items:
        if key is None or normalise(key) in OTHER_STEPS:
            plain.extend(_texts(answer))
        else:
            body = names.resolve(key)
            if body is None:
                problems.append(f"{place}, veld 'antwoorden/al geprobeerd': onbekende stap '{key}'")
                continue
            by_step[body] = tuple(_texts(answer))
    return Answer(tuple(plain), by_step)


def _topic_name(fact: str) -> str:
    from opschaling.scenarios.model import FACT_TOPIC

    return FACT_TOPIC.get(fact, fact)


def _scenario(place: _Place, record: Mapping[str, Any], names: StepNames, problems: list[str]) -> Scenario | None:
    before = len(problems)
    name = " ".join(_texts(record.get("naam")))
    if not name:
        problems.append(f"{place}, veld 'naam': ontbreekt (geef elk scenario een korte naam)")
    messages = _texts(record.get("bericht"))
    if not messages:
        problems.append(f"{place}, veld 'bericht': ontbreekt (wat typt de gebruiker als eerste?)")
    expected_raw = _texts(record.get("verwacht"))
    expected: list[str] = []
    if not expected_raw:
        problems.append(f"{place}, veld 'verwacht': ontbreekt (welke stap moet de assistent noemen?)")
    for text in expected_raw:
        body = names.resolve(text)
        if body is None:
            problems.append(
                f"{place}, veld 'verwacht': onbekende stap '{text}' "
                f"(gebruik een instantie uit catalogue/bodies, bijvoorbeeld juiste_loket)"
            )
        else:
            expected.append(body)
    not_expected: list[str] = []
    for text in _texts(record.get("niet")):
        body = names.resolve(text)
        if body is None:
            problems.append(f"{place}, veld 'niet': onbekende stap '{text}'")
        else:
            not_expected.append(body)
    deadline = None
    if record.get("termijn") not in (None, ""):
        deadline = _date(record["termijn"])
        if deadline is None:
            problems.append(
                f"{place}, veld 'termijn': '{record['termijn']}' is geen datum "
                "(schrijf bijvoorbeeld 2026-04-14 of 14-04-2026)"
            )
    safety = False
    if record.get("veiligheid eerst") not in (None, ""):
        parsed = _yes_no(record["veiligheid eerst"])
        if parsed is None:
            problems.append(f"{place}, veld 'veiligheid eerst': schrijf ja of nee, niet '{record['veiligheid eerst']}'")
        safety = bool(parsed)
    answers: dict[str, Answer] = {}
    raw_answers = record.get("antwoorden") or {}
    if not isinstance(raw_answers, Mapping):
        problems.append(
            f"{place}, veld 'antwoorden': verwacht per onderwerp een antwoord "
            f"(bijvoorbeeld 'wet: wlz'); onderwerpen: {', '.join(TOPICS)}"
        )
        raw_answers = {}
    for key, value in raw_answers.items():
        fact = topic_fact(str(key))
        if fact is None:
            problems.append(f"{place}, veld 'antwoorden/{key}': onbekend onderwerp. Onderwerpen: {', '.join(TOPICS)}")
            continue
        answers[fact] = _answer(fact, value, names, place, problems)
    if len(problems) > before:
        return None
    return Scenario(
        name=name,
        messages=tuple(messages),
        expected=tuple(expected),
        answers=answers,
        followups=tuple(_texts(record.get("vervolg"))),
        not_expected=tuple(not_expected),
        deadline=deadline,
        safety_first=safety,
        theme=" ".join(_texts(record.get("thema"))) or None,
        origin=str(place),
        expected_text=" of ".join(expected_raw),
    )


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    from opschaling.dates import parse_date

    return parse_date(str(value), today=date.today())


# ------------------------------------------------------------------------------------------------
# Public
# ------------------------------------------------------------------------------------------------
def scenario_files(path: str | Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        return sorted(
            p
            for p in path.rglob("*")
            if p.suffix.lower() in SUFFIXES and p.is_file() and not p.name.startswith(("~$", "."))
        )
    return [path]


def load_file(path: str | Path, names: StepNames | None = None) -> list[Scenario]:
    return load([path], names)


def load(paths: Iterable[str | Path], names: StepNames | None = None) -> list[Scenario]:
    """All scenarios in these files or folders; raises ScenarioError listing every mistake."""
    names = names or StepNames.from_catalogue()
    problems: list[str] = []
    scenarios: list[Scenario] = []
    files = [f for p in paths for f in scenario_files(p)]
    if not files:
        raise ScenarioError(
            [f"geen scenariobestanden gevonden in {', '.join(str(p) for p in paths)} (verwacht {', '.join(SUFFIXES)})"]
        )
    seen: dict[str, str] = {}
    for path in files:
        if not path.exists():
            problems.append(f"{path}: bestand niet gevonden")
            continue
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            records = _yaml_records(path, problems)
        elif suffix == ".csv":
            records = _table_records(path, _rows_csv(path), problems)
        elif suffix == ".xlsx":
            try:
                records = _table_records(path, _rows_xlsx(path), problems)
            except ScenarioError as exc:
                problems.extend(exc.problems)
                continue
        else:
            problems.append(f"{path}: onbekend bestandstype (gebruik .yaml, .csv of .xlsx)")
            continue
        for place, record in records:
            scenario = _scenario(place, record, names, problems)
            if scenario is None:
                continue
            key = f"{path}::{scenario.name}"
            if key in seen:
                problems.append(f"{place}, veld 'naam': de naam '{scenario.name}' staat ook op {seen[key]}")
                continue
            seen[key] = str(place)
            scenarios.append(scenario)
    if problems:
        raise ScenarioError(problems)
    return scenarios


__all__ = ["FIELDS", "ScenarioError", "decode", "field_name", "load", "load_file", "scenario_files"]
