"""The content of the catalogue: deadlines, preconditions, links between bodies and the structured tables."""

import datetime as dt
import re

import pytest
from catalogue_testlib import iter_deadlines, iter_references, iter_texts

PROFESSIONAL_ROLES = {
    "clientondersteuner",
    "zorgprofessional",
    "zorgaanbieder",
    "gemeente_medewerker",
    "zorgkantoor_medewerker",
}


# ----- deadlines -------------------------------------------------------------------------------------


def test_deadlines_are_found(cat):
    assert len(list(iter_deadlines(cat))) >= 25


def test_uncertain_deadlines_are_not_firm(cat):
    wrong = [where for where, d in iter_deadlines(cat) if d.get("uncertain") and d.get("firm") is not False]
    assert wrong == []


def test_not_firm_deadlines_say_why(cat):
    wrong = [where for where, d in iter_deadlines(cat) if d.get("firm") is False and not d.get("uncertain")]
    assert wrong == []


def test_every_deadline_states_firmness_and_who_is_bound(cat):
    wrong = [where for where, d in iter_deadlines(cat) if "firm" not in d or "binding_on" not in d]
    assert wrong == []


def test_deadline_values_are_dated_and_positive(cat):
    wrong = []
    for where, d in iter_deadlines(cat):
        for key, val in d["values"].items():
            if not isinstance(key, str):
                wrong.append(f"{where}: key {key!r} is not a quoted date")
                continue
            dt.date.fromisoformat(key)
            if val["value"] <= 0 or val.get("extension", 0) < 0:
                wrong.append(f"{where}: {val}")
    assert wrong == []


# (body, deadline id) -> (unit, value, extension, firm)
EXPECTED_DEADLINES = {
    ("bezwaar_gemeente", "bezwaar_indienen"): ("weeks", 6, None, True),
    ("bezwaar_gemeente", "beslissing_op_bezwaar"): ("weeks", 6, 6, True),
    ("ingebrekestelling", "wmo_onderzoek"): ("weeks", 6, None, True),  # not after a decision: not under bezwaar
    ("bezwaar_ciz", "bezwaar_indienen"): ("weeks", 6, None, True),
    ("bezwaar_ciz", "beslissing_op_bezwaar"): ("weeks", 6, 6, True),
    ("bezwaar_zorgkantoor", "bezwaar_indienen"): ("weeks", 6, None, True),
    ("beroep_rechtbank", "beroep_instellen"): ("weeks", 6, None, True),
    ("hoger_beroep_crvb", "hoger_beroep_instellen"): ("weeks", 6, None, True),
    ("nationale_ombudsman", "reactie_ombudsman"): ("weeks", 3, None, False),
    ("nationale_ombudsman", "klacht_binnen_een_jaar"): ("months", 12, None, True),
    ("landelijk_meldpunt_zorg", "terugbellen"): ("workdays", 5, None, True),
    ("klachtenfunctionaris", "oordeel_aanbieder"): ("weeks", 6, 4, True),
    ("geschilleninstantie_wkkgz", "bindend_oordeel"): ("months", 6, None, True),
    ("skgz", "skgz_indienen"): ("months", 12, None, True),
    ("zorgkantoor", "dossierhouder_beslissing"): ("days", 5, 5, False),  # "vijf of tien dagen", never one of them
    ("zorgkantoor", "overgang_naar_wlz"): ("days", 5, None, False),
    ("nza_meldpunt", "contact_nza"): ("workdays", 5, None, True),
}


@pytest.mark.parametrize("body_id,deadline_id", sorted(EXPECTED_DEADLINES))
def test_known_deadline(cat, body_id, deadline_id):
    unit, value, extension, firm = EXPECTED_DEADLINES[(body_id, deadline_id)]
    by_id = {d["id"]: d for d in cat.bodies[body_id].get("deadlines", [])}
    assert deadline_id in by_id, f"{body_id} has no deadline {deadline_id}"
    d = by_id[deadline_id]
    latest = d["values"][max(d["values"])]
    assert (d["unit"], latest["value"], latest.get("extension"), d["firm"]) == (unit, value, extension, firm)


def test_beroep_term_comes_from_public_facts(cat):
    """S1 gives no term for beroep; the 6 weeks must rest on R-public only."""
    d = {d["id"]: d for d in cat.bodies["beroep_rechtbank"]["deadlines"]}["beroep_instellen"]
    assert d["counts_from"] == "decision_on_objection_date"
    assert {ref["source"] for ref in d["reference"]} == {"R-public"}


def test_ombudsman_three_or_four_weeks_is_uncertain(cat):
    d = {d["id"]: d for d in cat.bodies["nationale_ombudsman"]["deadlines"]}["reactie_ombudsman"]
    assert "drie" in d["uncertain"] and "4" in d["uncertain"]


def test_dossierhouder_term_mentions_both_numbers(cat):
    for where, d in iter_deadlines(cat):
        if d["id"] == "dossierhouder_beslissing":
            assert "vijf of tien" in d["uncertain"], where


# ----- preconditions and links between bodies ----------------------------------------------------


def test_see_also_ids_exist(cat):
    wrong = [
        (bid, other)
        for bid, body in cat.bodies.items()
        for other in body.get("see_also", [])
        if other not in cat.bodies or other == bid
    ]
    assert wrong == []


def test_requires_tried_any_ids_exist(cat):
    wrong = [
        (bid, other)
        for bid, body in cat.bodies.items()
        for pre in body.get("preconditions", [])
        for other in pre.get("requires_tried_any", [])
        if other not in cat.bodies or other == bid
    ]
    assert wrong == []


def test_role_restricted_bodies_are_consistent(cat):
    """Where a precondition limits the roles, who_may_submit lists no other role."""
    wrong = []
    for bid, body in cat.bodies.items():
        allowed = set()
        for pre in body.get("preconditions", []):
            allowed |= set(pre.get("requires_role_any", []))
        if allowed and not set(body["who_may_submit"]["roles"]) <= allowed:
            wrong.append(bid)
    assert wrong == []


@pytest.mark.parametrize(
    "body_id", ["veiligheidshuis", "regionaal_ketenoverleg_wlz", "maatwerkloket_pmm", "wlz_raadpleegfunctie", "cot"]
)
def test_professional_only_bodies(cat, body_id):
    roles = set()
    for pre in cat.bodies[body_id].get("preconditions", []):
        roles |= set(pre.get("requires_role_any", []))
    assert roles and roles <= PROFESSIONAL_ROLES
    assert "client" not in cat.bodies[body_id]["who_may_submit"]["roles"]


@pytest.mark.parametrize(
    "body_id,tried",
    [
        ("landelijk_meldpunt_zorg", {"klachtenfunctionaris"}),
        ("geschilleninstantie_wkkgz", {"klachtenfunctionaris"}),
        ("nationale_ombudsman", {"klacht_bij_instantie"}),  # zorgverzekeraar complaints go to SKGZ, not here
        ("skgz", {"klacht_zorgverzekeraar"}),
        ("beroep_rechtbank", {"bezwaar_gemeente", "bezwaar_ciz", "bezwaar_zorgkantoor"}),
        ("hoger_beroep_crvb", {"beroep_rechtbank"}),
    ],
)
def test_escalation_preconditions(cat, body_id, tried):
    found = set()
    for pre in cat.bodies[body_id].get("preconditions", []):
        found |= set(pre.get("requires_tried_any", []))
    assert found == tried


def test_ombudsman_conditions(cat):
    ids = {pre["id"] for pre in cat.bodies["nationale_ombudsman"]["preconditions"]}
    assert {"eerst_klacht_bij_instantie", "geen_bezwaar_of_beroep_mogelijk", "binnen_een_jaar"} <= ids


def test_voorlopige_voorziening_conditions(cat):
    ids = {pre["id"] for pre in cat.bodies["voorlopige_voorziening"]["preconditions"]}
    assert {"spoedeisend_belang", "kans_van_slagen"} <= ids
    assert "tijdens het bezwaar" in cat.bodies["voorlopige_voorziening"]["when"]["text"]


# ----- contradictions and uncertain facts are marked --------------------------------------------


def uncertain_texts(body):
    out = [u["text"] for u in body.get("uncertain", [])]
    out += [d["uncertain"] for d in body.get("deadlines", []) if d.get("uncertain")]
    if body["contact"].get("uncertain"):
        out.append(body["contact"]["uncertain"])
    return " ".join(out).lower()


@pytest.mark.parametrize(
    "body_id,words",
    [
        ("juiste_loket", ["advieslijn", "hulplijn"]),
        ("vws_praktijkteam", ["in de regel", "praktijkteam"]),
        ("veiligheidshuis", ["burgers"]),
        ("bezwaar_ciz", ["zorginstituut", "21 weken"]),
        ("nationale_ombudsman", ["drie weken", "4 weken"]),
        ("clientondersteuner_wlz", ["kortdurend", "regie"]),
        ("regionaal_ketenoverleg_wlz", ["niet elke regio"]),
        ("zorgkantoor", ["vijf of tien", "dag 5"]),
    ],
)
def test_known_contradictions_are_uncertain(cat, body_id, words):
    text = uncertain_texts(cat.bodies[body_id])
    missing = [w for w in words if w not in text]
    assert missing == []


# ----- user texts --------------------------------------------------------------------------------

USER_FIELDS = ("what", "when", "how", "prepare", "after", "outcome", "uncertain", "text")


def test_texts_use_u_not_je(cat):
    """Users are addressed with 'u' (B1); no 'je/jij/jouw' anywhere in the catalogue."""
    wrong = []
    for name, data in cat.files():
        for path, text, _ in iter_texts(data):
            if re.search(r"\b(je|jij|jou|jouw|jullie)\b", text, re.IGNORECASE):
                wrong.append(f"{name}{path}")
    assert wrong == []


def test_user_texts_are_short_sentences(cat):
    """B1: no sentence in a body's user text is longer than 40 words."""
    wrong = []
    for bid, body in cat.bodies.items():
        for path, text, _ in iter_texts(body):
            if not path.split(".")[1].startswith(USER_FIELDS) and ".how" not in path:
                continue
            for sentence in re.split(r"(?<=[.?!])\s+", text):
                if len(sentence.split()) > 40:
                    wrong.append(f"{bid}{path}: {sentence[:60]}")
    assert wrong == []


# ----- zorgplicht -----------------------------------------------------------------------------------

ZORGPLICHT_ROWS = {
    "jeugdwet": ["gemeente"],
    "wmo": ["gemeente"],
    "zvw": ["zorgverzekeraar"],
    "wlz": ["zorgkantoor"],
    "overgang_jeugdwet_naar_wmo_zvw": ["gemeente", "zorgverzekeraar"],
    "overgang_naar_wlz": ["gemeente", "zorgkantoor"],
    "forensische_zorg": ["dji"],
}


def test_zorgplicht_has_all_seven_rows(cat):
    entries = cat.data["zorgplicht"]["entries"]
    assert {e["id"]: e["responsible"] for e in entries} == ZORGPLICHT_ROWS
    assert len(entries) == 7


def test_zorgplicht_explanation_column(cat):
    expl = {e["id"]: e["explanation_source"] for e in cat.data["zorgplicht"]["entries"]}
    s3 = cat.source_text("S3")
    assert expl["overgang_jeugdwet_naar_wmo_zvw"] is None
    for row, source in expl.items():
        assert source is None or source in s3, row


def test_zorgplicht_transition_to_wlz(cat):
    row = {e["id"]: e for e in cat.data["zorgplicht"]["entries"]}["overgang_naar_wlz"]
    tr = row["transition"]
    assert tr["from"] == ["jeugdwet", "wmo"] and tr["to"] == "wlz"
    rules = {r["id"]: r for r in tr["rules"]}
    assert rules["tot_dag_5"]["until_day"] == 5 and rules["tot_dag_5"]["responsible"] == "gemeente"
    assert rules["vanaf_dag_5"]["from_day"] == 5 and rules["vanaf_dag_5"]["responsible"] == "zorgkantoor"
    assert rules["overbrugging"]["responsible"] == "zorgkantoor"
    assert "dag 5" in row["uncertain"] and "werkdagen" in row["uncertain"]


def test_zorgplicht_dji_naming_is_uncertain(cat):
    row = {e["id"]: e for e in cat.data["zorgplicht"]["entries"]}["forensische_zorg"]
    assert "Inrichtingen" in row["uncertain"] and "Instellingen" in row["uncertain"]


def test_zorgplicht_links_exist(cat):
    wrong = [(e["id"], b) for e in cat.data["zorgplicht"]["entries"] for b in e["see_also"] if b not in cat.bodies]
    assert wrong == []


def test_zorgplicht_definition(cat):
    assert cat.data["zorgplicht"]["definition"]["text"].startswith("Zorgplicht wil zeggen")


# ----- woonzorgplek ---------------------------------------------------------------------------------

SITUATIONS = [
    "geen_dossierhouder",
    "zorg_niet_passend",
    "andere_aanbieder_zoeken",
    "reguliere_stappen_mislukt",
    "whole_system",
    "whole_system_zonder_oplossing",
]
ROLE_COLUMNS = ("zorgaanbieder", "zorgkantoor", "clientondersteuner")


def test_woonzorgplek_has_six_situations_in_order(cat):
    sits = cat.data["woonzorgplek"]["situations"]
    assert [s["id"] for s in sits] == SITUATIONS
    assert [s["number"] for s in sits] == [1, 2, 3, 4, 5, 6]


def test_woonzorgplek_tasks_have_the_three_role_columns(cat):
    assert tuple(cat.data["woonzorgplek"]["columns"]) == ROLE_COLUMNS
    for sit in cat.data["woonzorgplek"]["situations"]:
        for task in sit["tasks"]:
            for col in ROLE_COLUMNS:
                assert col in task and (task[col] is None or task[col] is True or isinstance(task[col], str))


def _seed_cells_after(s2: str, task: str) -> str:
    flat = " ".join(s2.split()).replace("\u2019", "'")
    words = " ".join(task.split())
    return flat[flat.index(words) + len(words) :][:400]


def test_woonzorgplek_columns_follow_the_seed_table(cat):
    """Each task sits under the party the stappenplan gives it to: a row "X | ||" has its X in the first column
    (zorgaanbieder) and is placed; only a single-cell last row ("X |" before the next part) is column_uncertain."""
    s2 = cat.source_text("S2")
    wrong = []
    for sit in cat.data["woonzorgplek"]["situations"]:
        for task in sit["tasks"]:
            after = _seed_cells_after(s2, task["task"])
            cell_end = after.find(" |", 3)  # end of the first cell after the task
            explicit_first = after.startswith(" | X") and after[cell_end:].startswith(" | ||")
            filled = [c for c in ROLE_COLUMNS if task[c] is not None]
            if after.startswith(" | X | || ") and (filled != ["zorgaanbieder"] or task.get("column_uncertain")):
                wrong.append(("placed", task["task"][:50]))
            if len(filled) == 1 and not explicit_first and not task.get("column_uncertain"):
                wrong.append(("uncertain", task["task"][:50]))
            if task.get("column_uncertain") and not task.get("column_note"):
                wrong.append(("note", task["task"][:50]))
    assert wrong == []


def test_woonzorgplek_situation_one_tasks_belong_to_the_intended_provider(cat):
    first = cat.data["woonzorgplek"]["situations"][0]
    placed = [t for t in first["tasks"] if not t.get("column_uncertain")]
    assert len(placed) == 2 and all(t["zorgaanbieder"] is True for t in placed)
    assert "woonprofiel, wensprofiel" in first["actions"] and "vijf of tien dagen" in first["actions"]


def test_woonzorgplek_tasks_come_from_the_seed(cat):
    s2 = " ".join(cat.source_text("S2").split()).replace("’", "'")
    wrong = []
    for sit in cat.data["woonzorgplek"]["situations"]:
        for task in sit["tasks"]:
            words = " ".join(task["task"].split())
            if words not in s2:
                wrong.append(words[:60])
    assert wrong == []


def test_woonzorgplek_task_count(cat):
    assert [len(s["tasks"]) for s in cat.data["woonzorgplek"]["situations"]] == [3, 4, 5, 5, 4, 5]


def test_woonzorgplek_options_and_also(cat):
    sits = {s["id"]: s for s in cat.data["woonzorgplek"]["situations"]}
    assert len(sits["whole_system_zonder_oplossing"]["options"]) == 3
    also = cat.data["woonzorgplek"]["also"]
    assert "vws_praktijkteam" in also["praktijkteam_vws"]["bodies"]
    assert len(also["casusoverstijgende_reflectie"]["questions"]) == 4


def test_woonzorgplek_body_links_exist(cat):
    wz = cat.data["woonzorgplek"]
    ids = [b for s in wz["situations"] for b in s.get("bodies", [])]
    ids += [b for s in wz["situations"] for t in s["tasks"] for b in t.get("bodies", [])]
    ids += [b for part in wz["also"].values() for b in part.get("bodies", [])]
    assert ids and [b for b in ids if b not in cat.bodies] == []


# ----- complexe casuïstiek --------------------------------------------------------------------------


def test_complexe_casuistiek_inventory(cat):
    inv = cat.data["complexe_casuistiek"]["inventory"]
    assert len(inv) == 9
    bodies = {i["id"]: i["body"] for i in inv}
    assert bodies["advies_cce"] == "cce"
    assert bodies["multiproblematiek"] == "maatwerkloket_pmm"
    assert bodies["zorgindicatie"] == "wlz_raadpleegfunctie"


def test_complexe_casuistiek_information_sharing(cat):
    info = cat.data["complexe_casuistiek"]["information_sharing"]
    assert set(info["consent_from"]) == {"client", "wettelijk_vertegenwoordiger"}
    options = info["without_consent"]
    assert len(options) == 3
    assert {o["id"]: o["body"] for o in options}["oggz"] == "oggz"
    assert info["zorg_en_veiligheidshuis"]["body"] == "veiligheidshuis"


def test_complexe_casuistiek_interventions_are_the_seed_rows(cat):
    rows = cat.data["complexe_casuistiek"]["interventions"]
    assert len(rows) == 11
    s3 = cat.source_text("S3")
    assert [r["label"] for r in rows if " ".join(r["label"].split()) not in " ".join(s3.split())] == []
    assert {r["id"]: r["body"] for r in rows}["mdo_whole_system"] == "whole_system_in_the_room"


def test_complexe_casuistiek_body_links_exist(cat):
    data = cat.data["complexe_casuistiek"]
    ids = [i["body"] for i in data["inventory"]] + [i["body"] for i in data["interventions"]]
    ids += [o["body"] for o in data["information_sharing"]["without_consent"]]
    ids += [data["information_sharing"]["zorg_en_veiligheidshuis"]["body"]]
    ids += [b for i in data["interventions"] for b in i.get("see_also", [])]
    assert [b for b in ids if b is not None and b not in cat.bodies] == []


# ----- cliëntondersteuning Wlz ----------------------------------------------------------------------


def test_clientondersteuning_wlz(cat):
    co = cat.data["clientondersteuning_wlz"]
    assert [lv["id"] for lv in co["leveringsvormen"]] == ["opname", "vpt", "mpt", "pgb", "combinatie_mpt_pgb"]
    assert len(co["forms"]) == 4
    ch = co["characteristics"]
    assert ch["free"] is True and ch["short_term"] is True and ch["network"] is True
    assert sorted(ch["access"]) == ["email", "fysiek", "telefoon"]
    assert co["responsible"]["organisation"] == "zorgkantoor"
    assert co["wmo_counterpart"]["organisation"] == "gemeente"
    assert co["metadata"]["body"] in cat.bodies and co["wmo_counterpart"]["body"] in cat.bodies


def test_clientondersteuning_wlz_cites_only_s4_and_s0(cat):
    sources = {ref["source"] for _, ref in iter_references(cat.data["clientondersteuning_wlz"])}
    assert sources == {"S4", "S0"}
