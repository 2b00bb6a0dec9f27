"""The regional overview (``/review/overzicht``, workbench/overview.py): counts over the stored conversations for the
periodic reflection of the stappenplan, by situation, law, role and age group, per week or month, with small cells
hidden. SQLite here (Rasa's ``events`` table, as tests/workbench/conftest.py writes it); PostgreSQL in
test_overview_postgres.py."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from opschaling.catalogue import load_catalogue
from workbench import overview, review
from workbench.overview import SECRET, SMALL, Cell, Selection, key, suppress

from .conftest import TOKEN, Client, Served, TrackerDB, action, bot, dialogue, user

SECRET_WORDS = "Jansen-Geheimstraat-17"  # in every message, comment and state text: never in the overview
TODAY = date(2026, 3, 20)


def at(day: int, hour: int = 12, month: int = 3) -> float:
    """A local time in 2026 (the overview counts in the server's time zone, like the review)."""
    return datetime(2026, month, day, hour).timestamp()


def state(facts: dict[str, Any], asked: str | None = None, last: dict | None = None, **more: Any) -> dict:
    """The slot ``dialogue`` with text in the places a state holds text (unread, feedback comments)."""
    event = dialogue(facts, asked=asked, last_advice=last)
    event["value"].update(
        {"unread": [f"niet begrepen: {SECRET_WORDS}"], "feedback": [{"value": "down", "comment": SECRET_WORDS}]},
        **more,
    )
    return event


def conversation(*states: dict, restart_after: int | None = None, tail: list[dict] | None = None) -> list[dict]:
    """A conversation: a user message and a bot answer before every state, all with the secret words."""
    events: list[dict] = [action("action_session_start"), {"event": "session_started"}, action("action_listen")]
    for index, slot in enumerate(states):
        events += [
            user(f"Mijn moeder {SECRET_WORDS} zit vast ({index})", "inform"),
            action("action_turn"),
            bot(f"Antwoord over {SECRET_WORDS}", kind="advice"),
            slot,
            action("action_listen"),
        ]
        if restart_after == index:
            events += [user("/restart", "restart"), {"event": "restart"}, action("action_listen")]
    return events + (tail or [])


PLACE = {"situation": "geen_plek", "law": "wlz", "role": "naaste", "age_group": "volwassene"}
DECISION = {"situation": "besluit_oneens", "law": "wmo", "role": "client", "age_group": "volwassene"}
YOUTH = {"situation": "jeugdzorg", "law": "jeugdwet", "role": "jongere", "age_group": "kind"}


def fill(db: TrackerDB) -> None:
    """Week 10 (2-8 March) and week 11 (9-15 March) 2026; week 12 stays empty.

    week 10: 8 geen_plek with a step (clientondersteuner_wlz), 5 besluit_oneens with a step (bezwaar_gemeente; two of
             them were first told another step), 2 jeugdzorg ending at the question about the role, 1 not understood
             (question: situation), 1 besluit_oneens with a step that then restarted and ended at the question about
             the decision date (two conversations)
    week 11: 6 geen_plek with an exhausted route, 7 besluit_oneens ending at the question about the decision date
    """
    n = 0

    def add(events: list[dict], when: float) -> None:
        nonlocal n
        n += 1
        db.add(f"c{n:03d}", events, start=when)

    for i in range(8):
        add(
            conversation(state(PLACE, last={"step": "clientondersteuner_wlz", "situation": "geen_plek"})), at(2 + i % 5)
        )
    for i in range(5):
        earlier = (
            [state(DECISION, last={"step": "clientondersteuner_wmo", "situation": "besluit_oneens"})] if i < 2 else []
        )
        add(
            conversation(*earlier, state(DECISION, last={"step": "bezwaar_gemeente", "situation": "besluit_oneens"})),
            at(3 + i),
        )
    for _ in range(2):
        add(conversation(state(YOUTH, asked="role")), at(4))
    add(conversation(state({}, asked="situation")), at(5))
    add(
        conversation(
            state(DECISION, last={"step": "bezwaar_gemeente", "situation": "besluit_oneens"}),
            state({"situation": "besluit_oneens", "law": "wmo"}, asked="decision_date"),
            restart_after=0,
        ),
        at(6),
    )
    for i in range(6):
        add(conversation(state(PLACE, last={"step": None, "situation": "geen_plek", "exhausted": True})), at(9 + i % 5))
    for i in range(7):
        add(conversation(state(DECISION, asked="decision_date")), at(10 + i % 4))
    # before and after the range: not counted
    add(conversation(state(PLACE, last={"step": "zorgkantoor", "situation": "geen_plek"})), at(20, month=2))
    add(conversation(state(PLACE, last={"step": "zorgkantoor", "situation": "geen_plek"})), at(25))


RANGE = {"per": "week", "van": "2026-03-02", "tot": "2026-03-22"}


@pytest.fixture
def db(tmp_path: Path) -> TrackerDB:
    db = TrackerDB(tmp_path / "regio.db")
    fill(db)
    return db


def counted(db: TrackerDB, query: dict[str, str] | None = None) -> overview.Overview:
    catalogue = load_catalogue()
    selection = Selection.from_query(query or RANGE, TODAY, overview.allowed_values(catalogue))
    store = review.TrackerStore(db.url)
    try:
        start, end = selection.bounds
        found = list(overview.records(store.state_events(store.senders_between(start, end))))
    finally:
        store.close()
    labels, order = overview.catalogue_labels(catalogue)
    return overview.build(found, selection, labels, order)


def texts(result: overview.Overview, table: str, column: str = "gesprekken") -> dict[str, str]:
    return {row.code: result.cell(row.keys[column]).text for row in result.table(table).rows}


# ------------------------------------------------------------------------------------------------
# reading and counting
# ------------------------------------------------------------------------------------------------
def test_records_hold_codes_only_and_a_restart_starts_a_new_conversation(db: TrackerDB) -> None:
    store = review.TrackerStore(db.url)
    try:
        events = list(store.state_events(store.senders_between(at(1), at(23))))
        found = list(overview.records(events))
    finally:
        store.close()
    # no user or restart event brings its data; the slot rows are only parsed for codes
    assert all(data is None for _, kind, _, data in events if kind != "slot")
    assert len(found) == 31  # 30 senders in March; one restarted (two conversations); the one on 25 March too
    for record in found:
        for value in (*record.facts.values(), *record.steps, record.ending):
            assert re.fullmatch(r"[a-z0-9_:\-]+", value), value
    restarted = list(overview.records(e for e in events if e[0] == "c017"))  # "Nieuw gesprek" after the advice
    assert [(r.ending, sorted(r.steps)) for r in restarted] == [
        ("stap", ["bezwaar_gemeente"]),
        ("vraag:decision_date", []),
    ]


def counts(result: overview.Overview, table: str, column: str = "gesprekken") -> dict[str, int]:
    return {row.code: result.cell(row.keys[column]).count for row in result.table(table).rows}


def test_the_counts_per_week_situation_law_role_and_age_group(db: TrackerDB) -> None:
    result = counted(db)
    assert result.total.text == "31"
    assert result.cell(overview.WITH_STEP).text == "14" and result.cell(overview.WITHOUT_STEP).text == "17"
    weeks = result.table("periode")
    assert [r.code for r in weeks.rows] == ["2026-W10", "2026-W11", "2026-W12"]
    assert weeks.rows[0].label == "week 10 (2 – 8 mrt 2026)"
    assert counts(result, "periode") == {"2026-W10": 18, "2026-W11": 13, "2026-W12": 0}
    assert counts(result, "periode", "stap") == {"2026-W10": 14, "2026-W11": 0, "2026-W12": 0}
    assert counts(result, "situatie") == {"besluit_oneens": 14, "geen_plek": 14, "jeugdzorg": 2, "-": 1}
    assert counts(result, "situatie", "zonder") == {"besluit_oneens": 8, "geen_plek": 6, "jeugdzorg": 2, "-": 1}
    assert counts(result, "wet") == {"wlz": 14, "wmo": 14, "jeugdwet": 2, "-": 1}
    assert counts(result, "rol") == {"naaste": 14, "client": 13, "jongere": 2, "-": 2}
    assert counts(result, "leeftijd") == {"volwassene": 27, "kind": 2, "-": 2}
    assert counts(result, "einde") == {"vraag:decision_date": 8, "uitgeput": 6, "vraag:situation": 1, "vraag:role": 2}
    assert counts(result, "uitgeput") == {"geen_plek": 6}
    assert counts(result, "stappen") == {
        "clientondersteuner_wlz": 8,
        "bezwaar_gemeente": 6,
        "clientondersteuner_wmo": 2,
    }
    labels = {r.code: r.label for r in result.table("situatie").rows}
    assert labels["geen_plek"] == "U vindt geen passende plek" and labels["-"] == "Nog geen situatie bekend"
    endings = {r.code: r.label for r in result.table("einde").rows}
    assert endings["vraag:decision_date"] == "Open vraag: Datum van het besluit"
    assert endings["uitgeput"] == "Route uitgeput: geen volgende stap meer"
    assert result.table("stappen").rows[0].label == "Cliëntondersteuner Wlz (via het zorgkantoor)"


def test_small_cells_are_hidden_and_cannot_be_worked_out(db: TrackerDB) -> None:
    result = counted(db)
    # under 5, also 0: "<5"; the biggest first, hidden rows after
    assert texts(result, "situatie") == {"besluit_oneens": "14", "geen_plek": "14", "jeugdzorg": SMALL, "-": SMALL}
    assert texts(result, "einde") == {
        "vraag:decision_date": "8",
        "uitgeput": "6",
        "vraag:situation": SMALL,
        "vraag:role": SMALL,
    }
    assert texts(result, "stappen") == {
        "clientondersteuner_wlz": "8",
        "bezwaar_gemeente": "6",
        "clientondersteuner_wmo": SMALL,
    }
    # week 10 had 4 conversations without a step: 18 - 14 would tell, so the 14 is hidden as well (SECRET);
    # week 12 had none: 31 - 18 - 13 would tell, so week 11's 13 goes too
    assert texts(result, "periode") == {"2026-W10": "18", "2026-W11": SECRET, "2026-W12": SMALL}
    assert texts(result, "periode", "stap") == {"2026-W10": SECRET, "2026-W11": SMALL, "2026-W12": SMALL}
    assert texts(result, "periode", "zonder") == {"2026-W10": SMALL, "2026-W11": SECRET, "2026-W12": SMALL}
    # geen_plek 14 = 8 + 6: shown; besluit_oneens 6 with a step would make the jeugdzorg and unknown 0s known
    assert texts(result, "situatie", "stap") == {
        "besluit_oneens": SECRET,
        "geen_plek": "8",
        "jeugdzorg": SMALL,
        "-": SMALL,
    }
    assert texts(result, "situatie", "zonder") == {
        "besluit_oneens": SECRET,
        "geen_plek": "6",
        "jeugdzorg": SMALL,
        "-": SMALL,
    }
    for cell in result.cells.values():
        assert cell.count >= 5 or cell.hidden


def test_filters_by_law_role_and_age_group_and_months(db: TrackerDB) -> None:
    wmo = counted(db, {**RANGE, "wet": "wmo"})
    assert wmo.total.text == "14" and counts(wmo, "situatie") == {"besluit_oneens": 14}
    assert counts(wmo, "einde") == {"vraag:decision_date": 8}
    naaste = counted(db, {**RANGE, "rol": "naaste", "leeftijd": "volwassene"})
    assert naaste.total.text == "14" and texts(naaste, "uitgeput") == {"geen_plek": "6"}
    months = counted(db, {"per": "maand", "van": "2026-02-01", "tot": "2026-03-31"})
    assert [(r.code, r.label) for r in months.table("periode").rows] == [
        ("2026-02", "februari 2026"),
        ("2026-03", "maart 2026"),
    ]
    assert counts(months, "periode") == {"2026-02": 1, "2026-03": 32}
    assert texts(months, "periode") == {"2026-02": SMALL, "2026-03": SECRET}  # 33 - 32 would tell the 1
    # a date in the middle of a week: whole weeks
    mid = Selection.from_query({"per": "week", "van": "2026-03-04", "tot": "2026-03-10"}, TODAY, {})
    assert (mid.first, mid.last) == (date(2026, 3, 2), date(2026, 3, 15))


def test_a_hidden_cell_cannot_be_worked_out_from_its_sum() -> None:
    def line(*counts: int, total: int | None = None) -> list[Cell]:
        cells = {key(("x", str(i))): Cell(c) for i, c in enumerate(counts)}
        whole = key(("x", "totaal"))
        cells[whole] = Cell(sum(counts) if total is None else total)
        suppress(cells, [(tuple(k for k in cells if k != whole), whole)])
        return list(cells.values())

    assert [c.text for c in line(7, 8)] == ["7", "8", "15"]
    assert [c.text for c in line(3, 9)] == [SMALL, SECRET, "12"]  # 12 - 9 would give the 3
    assert [c.text for c in line(3, 9, 6)] == [SMALL, "9", SECRET, "18"]  # the smallest visible part goes
    assert [c.text for c in line(0, 7)] == [SMALL, SECRET, "7"]  # a 0 is under 5 too
    assert [c.text for c in line(2, 3, 9)] == [SMALL, SMALL, "9", "14"]  # 2 + 3 = 5: each could be 1 to 4
    assert [c.text for c in line(4, 4)] == [SMALL, SMALL, SECRET]  # 8 = 4 + 4: both would be known
    assert [c.text for c in line(0, 0, 12)] == [SMALL, SMALL, SECRET, "12"]  # 0 + 0: both would be known


def test_no_hidden_count_follows_from_the_page(db: TrackerDB) -> None:
    """Every row and column of every table: a hidden cell never equals the total minus the visible cells, unless
    several hidden cells share the rest in more than one way."""
    for query in (RANGE, {**RANGE, "wet": "wmo"}, {"per": "maand", "van": "2026-02-01", "tot": "2026-03-31"}):
        result = counted(db, query)
        for table in result.tables:
            if table.id == "stappen":
                continue  # a conversation can have several steps: its rows have no sum
            rows = list(table.rows)
            sums = [(tuple(r.keys[c] for r in rows), table.total.keys[c]) for c, _ in table.columns]
            if table.stacked:
                sums += [((r.keys["stap"], r.keys["zonder"]), r.keys["gesprekken"]) for r in (*rows, table.total)]
            for parts, whole in sums:
                hidden = [k for k in parts if result.cell(k).hidden]
                if result.cell(whole).hidden or not hidden:
                    continue
                rest = result.cell(whole).count - sum(result.cell(k).count for k in parts if not result.cell(k).hidden)
                small = [k for k in hidden if result.cell(k).small]
                assert len(hidden) >= 2 or not small, (table.id, rest)
                if len(hidden) == len(small):  # only "<5" cells: their sum must not pin each of them down
                    assert 0 < rest < 4 * len(small), (table.id, rest)


def test_the_csv_has_every_cell_of_the_page_and_no_text(db: TrackerDB) -> None:
    result = counted(db)
    text = overview.to_csv(result)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert list(rows[0]) == list(overview.CSV_COLUMNS)
    assert {(r["van"], r["tot_en_met"], r["per"], r["filter_wet"]) for r in rows} == {
        ("2026-03-02", "2026-03-22", "week", "")
    }
    found = {(r["overzicht"], r["code"], r["kolom"]): r["aantal"] for r in rows}
    assert found[("Per situatie", "geen_plek", "Zonder volgende stap")] == "6"
    assert found[("Per situatie", "jeugdzorg", "Gesprekken")] == SMALL
    assert found[("Per week", "2026-W10", "Zonder volgende stap")] == SMALL
    assert found[("Per week", "totaal", "Gesprekken")] == "31"
    assert found[("Routes die uitgeput raakten", "geen_plek", "Gesprekken")] == "6"
    assert found[("Genoemde stappen", "clientondersteuner_wlz", "Gesprekken")] == "8"
    page_cells = sum(len(t.rows) + (1 if t.total else 0) for t in result.tables for _ in t.columns)
    assert len(rows) == page_cells
    for row in rows:
        assert re.fullmatch(r"\d+|<5|verborgen", row["aantal"]), row
        assert int(row["aantal"]) >= 5 if row["aantal"].isdigit() else True
    assert SECRET_WORDS not in text and "Mijn moeder" not in text and "niet begrepen:" not in text


def test_only_codes_of_the_catalogue_are_shown(tmp_path: Path) -> None:
    """A state with a value the catalogue does not know (a typed payload, an old version) counts as "anders"."""
    db = TrackerDB(tmp_path / "vreemd.db")
    strange = {"situation": "geen_plek", "law": "wlz", "role": "jansen", "age_group": "Jansen de Vries"}
    for n in range(6):
        last = {"step": "geheimestap", "situation": "geen_plek"}
        db.add(f"v{n}", conversation(state(strange, last=last)), start=at(3))
    result = counted(db)
    assert counts(result, "rol") == {"anders": 6} and counts(result, "leeftijd") == {"anders": 6}
    assert counts(result, "stappen") == {"anders": 6}
    text = overview.to_csv(result)
    assert "jansen" not in text.lower() and "geheimestap" not in text and ";Anders;" in text


def test_too_few_conversations_show_nothing(db: TrackerDB) -> None:
    result = counted(db, {**RANGE, "rol": "jongere"})
    assert result.total.text == SMALL
    rows = list(csv.reader(io.StringIO(overview.to_csv(result)[1:]), delimiter=";"))
    assert len(rows) == 2 and rows[1][-1] == SMALL


def test_an_unreadable_selection_falls_back_with_a_note() -> None:
    allowed = overview.allowed_values(load_catalogue())
    s = Selection.from_query({"per": "jaar", "van": "gisteren", "tot": "2026-01-05", "wet": "x'; drop"}, TODAY, allowed)
    assert s.per == "week" and s.filters == {}
    assert len(s.notes) == 4  # period, date, swapped, filter
    swapped = Selection.from_query({"per": "maand", "van": "2026-03-01", "tot": "2025-12-10"}, TODAY, allowed)
    assert (swapped.first, swapped.last) == (date(2025, 12, 1), date(2026, 3, 31)) and swapped.notes
    long = Selection.from_query({"per": "week", "van": "2010-01-01", "tot": "2026-03-20"}, TODAY, allowed)
    assert len(long.periods) == overview.MAX_PERIODS and long.notes
    default = Selection.from_query({}, TODAY, allowed)
    assert len(default.periods) == overview.DEFAULT_WEEKS and default.last == date(2026, 3, 22)


# ------------------------------------------------------------------------------------------------
# the page
# ------------------------------------------------------------------------------------------------
@contextmanager
def staff_site(tracker_db_url: str | None, **settings: Any) -> Iterator[Client]:
    """The staff web app served on a real port over this tracker store; a client that has not logged in yet."""
    from workbench.pages import Workbench, create_app

    wb = Workbench(TOKEN, tracker_db_url=tracker_db_url, today=lambda: TODAY, **settings)
    served = Served(create_app(wb))
    try:
        yield Client(served)
    finally:
        served.close()
        if wb._store is not None:
            wb._store.close()


@pytest.fixture
def region(db: TrackerDB):
    with staff_site(db.url, retention_days=30) as client:
        yield client


def query(params: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def test_the_overview_and_its_csv_need_the_staff_token(region: Client) -> None:
    page = region.get("/review/overzicht?" + query(RANGE))
    assert page.status == 200 and "<h1>Inloggen</h1>" in page.body.decode()
    assert 'name="next" value="/review/overzicht"' in page.body.decode()
    assert "31 gesprekken" not in page.body.decode()
    download = region.get("/review/overzicht.csv?" + query(RANGE))
    assert download.status == 303 and download.headers["Location"].startswith("/workbench?")
    assert b"aantal" not in download.body
    wrong = region.login(token="niet-de-code", next_path="/review/overzicht")
    assert wrong.status == 401


def test_a_client_supporter_with_the_token_sees_the_charts_and_exports_them(region: Client) -> None:
    answer = region.login(next_path="/review/overzicht")
    assert answer.status == 303 and answer.headers["Location"] == "/review/overzicht"
    page = region.get("/review/overzicht?" + query(RANGE))
    html = page.body.decode()
    assert page.status == 200, html[:800]
    assert "Content-Security-Policy" in page.headers and "script" not in html.lower()
    assert '<a href="/review/overzicht" aria-current="page">Overzicht regio</a>' in html
    assert (
        'id="samenvatting">31 gesprekken van 02-03-2026 tot en met 22-03-2026: 14 met een volgende stap, 17 zonder.'
        in html
    )
    for section in ("periode", "situatie", "wet", "rol", "leeftijd", "einde", "uitgeput", "stappen"):
        assert f'id="kop-{section}"' in html and f'id="tabel-{section}"' in html
    # a chart per section: bars as SVG rectangles, the numbers as text; the table holds the same numbers
    assert html.count('<div class="staven" aria-hidden="true">') == 8
    assert re.search(r'<rect class="s-met" x="0\.00" y="0" width="[\d.]+" height="10">', html)
    assert "8 met, 6 zonder volgende stap" in html  # besluit_oneens: 14 conversations
    assert '<th scope="row">U vindt geen passende plek</th><td>14</td><td>8</td><td>6</td><td>43 %</td>' in html
    assert "<td>&lt;5</td>" in html and "Vragen voor de reflectie" in html
    assert "Zijn er patronen in type zorgvragen, domeinen en/of subregio&#x27;s?" in html
    assert "bewaartermijn" not in html  # the range is within the 30 days kept
    assert SECRET_WORDS not in html and "Mijn moeder" not in html and "Antwoord over" not in html

    link = re.search(r'href="(/review/overzicht\.csv\?[^"]+)"', html).group(1).replace("&amp;", "&")
    exported = region.get(link)
    assert exported.status == 200 and exported.headers["Content-Type"].startswith("text/csv")
    assert 'filename="overzicht-per-week-2026-03-02-tot-2026-03-22.csv"' in exported.headers["Content-Disposition"]
    text = exported.body.decode("utf-8")
    assert ";Per situatie;geen_plek;U vindt geen passende plek;Zonder volgende stap;6\r\n" in text
    assert SECRET_WORDS not in text


def test_months_filters_and_the_retention_notice_on_the_page(region: Client) -> None:
    region.login(next_path="/review/overzicht")
    html = region.get(
        "/review/overzicht?" + query({"per": "maand", "van": "2026-01-01", "tot": "2026-03-31", "rol": "naaste"})
    ).body.decode()
    assert '<input type="radio" id="per-maand" name="per" value="maand" checked>' in html
    assert '<option value="naaste" selected>' in html
    assert '<th scope="row">januari 2026</th>' in html and "maart 2026" in html
    assert "Gesprekken worden na 30 dagen verwijderd" in html
    few = region.get("/review/overzicht?" + query({**RANGE, "leeftijd": "kind"})).body.decode()
    assert "Minder dan 5 gesprekken" in few and 'class="staven"' not in few
    wrong = region.get("/review/overzicht?per=eeuw&van=morgen").body.decode()
    assert "Onbekende periode" in wrong and "geen datum" in wrong


def test_without_a_tracker_store_the_overview_says_so() -> None:
    with staff_site(None) as client:
        client.login(next_path="/review/overzicht")
        answer = client.get("/review/overzicht")
        assert answer.status == 503 and "OPSW_TRACKER_DB_URL" in answer.body.decode()
        assert client.get("/review/overzicht.csv").status == 503


def test_an_empty_store_is_no_error(tmp_path: Path) -> None:
    with staff_site(f"sqlite:///{tmp_path / 'leeg.db'}") as client:
        client.login(next_path="/review/overzicht")
        answer = client.get("/review/overzicht")
        assert answer.status == 200 and "Minder dan 5 gesprekken" in answer.body.decode()
