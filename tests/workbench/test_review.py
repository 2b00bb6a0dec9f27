"""The conversation review reads Rasa's tracker store (SQLite here) and turns conversations into scenarios."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest

from channels import privacy
from opschaling import dialogue as dialogue_mod
from opschaling.catalogue import load_catalogue
from opschaling.scenarios import load, run_local
from workbench import review

from .conftest import Client, TrackerDB, bot, dialogue, user


@pytest.fixture
def store(tracker_db: TrackerDB):
    s = review.TrackerStore(tracker_db.url)
    yield s
    s.close()


def test_reads_conversations_newest_first_with_route_step_feedback_and_fallback(store) -> None:
    conversations = store.conversations()
    assert [c.sender_id for c in conversations[:2]] == ["fallback-1", "ciz-1"]
    assert len(conversations) == 27
    ciz = conversations[1]
    assert ciz.situation == "besluit_oneens" and ciz.step == "bezwaar_ciz" and ciz.fallback is False
    assert [(f.value, f.comment) for f in ciz.feedback] == [("down", "termijn ontbrak")]
    assert ciz.feedback[0].about.startswith("Uw volgende stap")
    # the feedback message itself is not shown as something the user said
    assert [m.text for m in ciz.user_messages] == [
        "Het CIZ heeft mijn indicatie afgewezen, ik ben het er niet mee eens",
        "ik ben de cliënt",
        "weet ik niet",
    ]
    assert [m.topic for m in ciz.user_messages] == [None, "role", "decision_date"]
    fallback = conversations[0]
    assert fallback.fallback is True and fallback.situation is None and fallback.feedback == []


def test_feedback_as_a_bare_payload_without_nlu(tracker_db: TrackerDB, store) -> None:
    event = user('/feedback{"feedback":"up"}', "nlu_fallback")
    event["parse_data"]["entities"] = []
    tracker_db.add("payload-1", [user("hallo", "greet"), event], start=9e9)
    c = store.conversation("payload-1")
    assert [f.value for f in c.feedback] == ["up"] and c.fallback is False


def test_user_texts_are_masked_again(tracker_db: TrackerDB, monkeypatch) -> None:
    tracker_db.add("bsn-1", [user("mijn bsn is 123456782 en ik woon in Utrecht", "besluit_oneens")], start=9e9)
    monkeypatch.setattr(review, "_load_mask", lambda: lambda text: re.sub(r"\d{9}", "[nummer]", text))
    s = review.TrackerStore(tracker_db.url)
    try:
        c = s.conversation("bsn-1")
    finally:
        s.close()
    assert c.opening == "mijn bsn is [nummer] en ik woon in Utrecht"
    # a mask that breaks never lets the raw text through
    assert review.mask_text("123456782", mask=lambda t: 1 / 0) == "[niet getoond]"


def test_an_empty_or_missing_store_is_no_error(tmp_path: Path) -> None:
    s = review.TrackerStore(f"sqlite:///{tmp_path / 'leeg.db'}")
    try:
        assert s.conversations() == []
    finally:
        s.close()


def test_filters_and_paging(store) -> None:
    items = store.conversations()

    def ids(**query):
        f = review.Filters.from_query(query)
        return [c.sender_id for c in items if f.accepts(c)]

    assert ids(route="besluit_oneens") == ["ciz-1"]
    assert ids(route="-") == ["fallback-1"]
    assert ids(fallback="ja") == ["fallback-1"]
    assert len(ids(fallback="nee")) == 26
    assert ids(feedback="down") == ["ciz-1"] and ids(feedback="comment") == ["ciz-1"]
    assert len(ids(feedback="up")) == 25 and ids(feedback="none") == ["fallback-1"]
    assert review.Filters.from_query({"route": "x'; drop", "feedback": "?"}) == review.Filters()
    shown, number, pages = review.page(items, 2)
    assert (len(shown), number, pages) == (7, 2, 2)
    assert review.page(items, 99)[1] == 2 and review.page([], 1) == ([], 1, 1)


def test_review_page_lists_filters_and_pages(logged_in: Client) -> None:
    page = logged_in.get("/review").body.decode()
    assert "27 gevonden" in page and "Pagina 1 van 2" in page and "Volgende pagina" in page
    assert page.count("<tr><td>") == 20
    page2 = logged_in.get("/review?pagina=2").body.decode()
    assert page2.count("<tr><td>") == 7 and "Vorige pagina" in page2
    down = logged_in.get("/review?feedback=down").body.decode()
    assert "1 gevonden" in down and "Bezwaar maken bij het CIZ" in down and "termijn ontbrak" in down
    assert "Geen gesprekken gevonden" in logged_in.get("/review?route=jeugdzorg").body.decode()


def test_one_conversation_page_links_to_the_scenario_files(logged_in: Client) -> None:
    page = logged_in.get("/review/gesprek?id=ciz-1").body.decode()
    assert "ik ben de cliënt" in page and "👎 hielp niet: termijn ontbrak" in page
    assert 'href="/review/scenario.csv?id=ciz-1"' in page and 'href="/review/scenario.yaml?id=ciz-1"' in page
    assert logged_in.get("/review/gesprek?id=bestaat-niet").status == 404


def test_export_the_list_as_csv(logged_in: Client) -> None:
    response = logged_in.get("/review/export.csv?fallback=nee")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["gesprek", "begin", "laatste_bericht", "route", "stap"]
    assert len(rows) == 27 and {r[5] for r in rows[1:]} == {"nee"}
    ciz = next(r for r in rows if r[0] == "ciz-1")
    assert ciz[3:5] == ["besluit_oneens", "bezwaar_ciz"] and "termijn ontbrak" in ciz[7]


def test_list_csv_defuses_formulas() -> None:
    c = review.Conversation("x", 0, 0, [review.Message("user", '=HYPERLINK("http://x")', 0)])
    assert "'=HYPERLINK" in review.list_csv([c])


def test_scenario_record_of_a_conversation(store) -> None:
    record = review.scenario_record(store.conversation("ciz-1"))
    assert record["bericht"] == "Het CIZ heeft mijn indicatie afgewezen, ik ben het er niet mee eens"
    assert record["antwoorden"] == {"rol": "ik ben de cliënt", "datum": "weet ik niet"}
    assert record["verwacht"] == "bezwaar_ciz"
    assert "termijn ontbrak" in record["opmerking"] and "ciz-1" in record["opmerking"]


def test_step_outcome_answers_are_kept_per_step(tracker_db: TrackerDB, store) -> None:
    tracker_db.add(
        "tried-1",
        [
            user("ik heb een klacht over de thuiszorg", "klacht_zorgaanbieder"),
            dialogue({"situation": "klacht_zorgaanbieder"}, asked="step_outcome", asked_step="klachtenfunctionaris"),
            bot("Heeft u al met de klachtenfunctionaris gesproken?"),
            user("ja, maar het hielp niet", "inform"),
            dialogue(
                {"situation": "klacht_zorgaanbieder", "steps_tried": {"klachtenfunctionaris": "niet_geholpen"}},
                last_advice={"step": "geschilleninstantie_wkkgz", "situation": "klacht_zorgaanbieder"},
            ),
        ],
        start=9e9,
    )
    record = review.scenario_record(store.conversation("tried-1"))
    assert record["antwoorden"] == {"al geprobeerd": {"klachtenfunctionaris": "ja, maar het hielp niet"}}


def _load(path: Path):
    return load([path])


@pytest.mark.parametrize("kind", ["csv", "yaml"])
def test_scenario_download_round_trips_through_the_scenario_loader(
    logged_in: Client, tmp_path: Path, kind: str, tracker_db: TrackerDB
) -> None:
    tracker_db.add(
        "tried-2",
        [
            user("=klacht | over de thuiszorg", "klacht_zorgaanbieder"),
            dialogue({"situation": "klacht_zorgaanbieder"}, asked="step_outcome", asked_step="klachtenfunctionaris"),
            bot("Heeft u al met de klachtenfunctionaris gesproken?"),
            user("ja, hielp niet", "inform"),
            dialogue({"situation": "klacht_zorgaanbieder"}, asked="role"),
            user("naaste", "inform"),
            dialogue(
                {"situation": "klacht_zorgaanbieder", "steps_tried": {"klachtenfunctionaris": "niet_geholpen"}},
                last_advice={"step": "geschilleninstantie_wkkgz", "situation": "klacht_zorgaanbieder"},
            ),
        ],
        start=9e9,
    )
    for sender, expected_step in (("ciz-1", "bezwaar_ciz"), ("tried-2", "geschilleninstantie_wkkgz")):
        response = logged_in.get(f"/review/scenario.{kind}?id={sender}")
        assert response.status == 200, response.body[:300]
        assert "attachment" in response.headers["Content-Disposition"]
        path = tmp_path / f"{sender}.{kind}"
        path.write_bytes(response.body)
        [scenario] = _load(path)
        assert scenario.expected == (expected_step,)
        if sender == "ciz-1":
            assert scenario.messages == ("Het CIZ heeft mijn indicatie afgewezen, ik ben het er niet mee eens",)
            assert scenario.answers["role"].answers == ("ik ben de cliënt",)
            assert scenario.answers["decision_date"].answers == ("weet ik niet",)
        else:
            assert scenario.answers["step_outcome"].by_step == {"klachtenfunctionaris": ("ja, hielp niet",)}
            assert scenario.answers["role"].answers == ("naaste",)
            opening = scenario.messages[0]
            assert "klacht" in opening and "thuiszorg" in opening
            if kind == "yaml":
                assert opening == "=klacht | over de thuiszorg"  # YAML keeps the text as it was
            else:
                assert not opening.startswith("=")  # no formula in Excel


def test_examples_load(logged_in: Client, tmp_path: Path) -> None:
    for kind in ("csv", "yaml"):
        path = tmp_path / f"voorbeeld.{kind}"
        path.write_bytes(logged_in.get(f"/workbench/voorbeeld.{kind}").body)
        assert len(_load(path)) == 2


def test_the_real_privacy_mask_is_used_without_waiting_for_names(tracker_db: TrackerDB) -> None:
    assert review._load_mask() in (privacy.mask_quick, privacy.mask)
    tracker_db.add("tel-1", [user("bel mij op 06-12345678, bsn 123456782", "besluit_oneens")], start=9e9)
    s = review.TrackerStore(tracker_db.url)
    try:
        text = s.conversation("tel-1").opening
    finally:
        s.close()
    assert "12345678" not in text and "123456782" not in text and text.startswith("bel mij op ")


def test_a_real_dialogue_becomes_a_scenario_that_passes(tracker_db: TrackerDB, store, tmp_path: Path) -> None:
    """Events written the way action_turn stores them (user, bot with opsw, slot dialogue), from a
    conversation played through opschaling.dialogue.respond; the exported scenario runs green."""
    catalogue, today = load_catalogue(), date(2026, 3, 20)
    state, events = None, []
    texts = ["Het CIZ heeft mijn indicatie afgewezen", "nee, nog niet", "weet ik niet"]
    for text in texts:
        events.append(user(text, "besluit_oneens" if text == texts[0] else "inform"))
        reply = dialogue_mod.respond(state, dialogue_mod.Turn(text=text), catalogue=catalogue, today=today)
        state = reply.state
        events.append({"event": "slot", "name": "dialogue", "value": state})
        events.extend(bot(m.text, m.kind, m.feedback) for m in reply.messages)
    named = (state.get("last") or state.get("last_advice") or {}).get("step")
    assert named, "the played conversation should end with an advice"
    tracker_db.add("echt-1", events, start=9e9)
    conversation = store.conversation("echt-1")
    assert conversation.situation == "besluit_oneens" and conversation.step == named
    record = review.scenario_record(conversation)
    path = tmp_path / "echt.yaml"
    path.write_text(review.scenario_yaml([record]), encoding="utf-8")
    [result] = run_local.run_all(_load(path), today=today)
    assert result.passed, (record, result.failures, result.questions)


def test_answers_on_topics_the_loader_does_not_know_go_to_the_note(
    tracker_db: TrackerDB, store, tmp_path: Path
) -> None:
    tracker_db.add(
        "nieuw-1",
        [
            user("klacht over de gemeente", "klacht_instantie"),
            dialogue({"situation": "klacht_instantie"}, asked="een_nieuw_feit"),
            user("ja, over het besluit", "inform"),
            dialogue({"situation": "klacht_instantie"}, last_advice={"step": "klacht_bij_instantie"}),
        ],
        start=9e9,
    )
    record = review.scenario_record(store.conversation("nieuw-1"))
    assert "antwoorden" not in record
    assert "antwoord op 'een_nieuw_feit' niet overgenomen: ja, over het besluit" in record["opmerking"]
    path = tmp_path / "nieuw.csv"
    path.write_text(review.scenario_csv([record]), encoding="utf-8")
    [scenario] = _load(path)
    assert scenario.expected == ("klacht_bij_instantie",)
