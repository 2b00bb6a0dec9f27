"""Checks on the Dutch NLU training data (data/nlu) and the held-out set (tests/nlu/heldout.yml).

No Rasa import: the YAML is read with PyYAML and the entity markup is parsed here.
Intent, entity and value names come from docs/CONTRACT.md, so a change there is checked too.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "docs" / "CONTRACT.md"
NLU_DIR = ROOT / "data" / "nlu"
HELDOUT = Path(__file__).resolve().parent / "heldout.yml"

MIN_TRAIN_SITUATION = 30
MIN_HELDOUT_SITUATION = 10
MIN_TRAIN_CONVERSATION = 15
MIN_HELDOUT_CONVERSATION = 5
MIN_TRAIN_INFORM = 60
MIN_TRAIN_FEEDBACK = 3  # feedback normally arrives as a payload
MIN_ENTITY_SHARE_SITUATIONS = 1 / 3
MIN_ENTITY_SHARE_PER_SITUATION = 1 / 4

# Words that always carry an entity: if one of these stands on its own in an example
# (not inside [..](..) markup), the annotation is inconsistent and the extractor learns noise.
# A hyphen counts as part of a word (Wlz-indicatie is one token for the whitespace tokenizer).
MUST_BE_ANNOTATED = [
    "wlz",
    "wmo",
    "jeugdwet",
    "zvw",
    "wet langdurige zorg",
    "wet maatschappelijke ondersteuning",
    "zorgverzekeringswet",
    "jeugdhulp",
    "ciz",
    "cak",
    "zorgkantoor",
    "zorgverzekeraar",
    "gemeente",
    "rechtbank",
    "rechter",
    "zorgaanbieder",
    "wijkteam",
    "jeugdteam",
    "klachtenfunctionaris",
    "juiste loket",
    "cce",
    "veiligheidshuis",
    "nationale ombudsman",
    "landelijk meldpunt zorg",
    "expertteam jeugd",
    "akj",
    "skgz",
    "nza",
    "juridisch loket",
    "voorlopige voorziening",
    "maatwerkloket",
    "oggz",
    "bemoeizorg",
    "whole system in the room",
    "moreel beraad",
    "regionaal ketenoverleg",
    "mdo",
    "praktijkteam",
    "cliëntondersteuner",
    "clientondersteuner",
    "cliëntondersteuning",
    "clientondersteuning",
    "mantelzorger",
]
# "mijn moeder", "onze zoon": the family word is annotated as rol (naaste).
FAMILY_RE = re.compile(
    r"(?<![\w-])(?:mijn|m'n|mn|onze|ons)\s+"
    r"(moeder|vader|zoon|dochter|zoontje|dochtertje|man|vrouw|partner|broer|zus|ouders|oma|opa|schoonmoeder|schoonvader)"
    r"(?![\w-])",
    re.IGNORECASE,
)

PLURAL = {"intent": "intents", "synonym": "synonyms", "lookup": "lookups", "regex": "regexes"}

# Entities whose value is free text (digits / the date as typed / a body name as typed), no enumerated values.
FREE_TEXT_ENTITIES = {"leeftijd", "datum", "naam"}

ENTITY_RE = re.compile(
    r"\[(?P<text>[^\[\]]*)\]"
    r"(?:\((?P<entity>[^()]*)\)|\{(?P<json>[^{}]*)\})"
)


# --------------------------------------------------------------------------- contract


@cache
def contract():
    text = CONTRACT.read_text(encoding="utf-8")
    intents_part = text.split("## Intents", 1)[1].split("## Entities", 1)[0]
    table_part, conv_part = intents_part.split("Conversation intents:", 1)
    situation = re.findall(r"^\|\s*`([a-z_]+)`\s*\|", table_part, re.MULTILINE)
    # "(payload only: `detail`, …)": intents that only buttons send have no NLU examples
    payload_intents = set(re.findall(r"\(payload only: `([a-z_]+)`", conv_part))
    conversation = [
        name
        for name in re.findall(r"`([^`]+)`", conv_part)
        if re.fullmatch(r"[a-z_]+", name) and name != "nlu_fallback" and name not in payload_intents
    ]
    entities_part = text.split("## Entities", 1)[1].split("\n## ", 1)[0]
    table, bodies_part = entities_part.split("Body ids", 1)
    values: dict[str, set[str]] = {}
    payload_only = set()
    for row in re.findall(r"^\|\s*`([a-z_]+)`\s*\|(.*)\|\s*$", table, re.MULTILINE):
        name, cell = row
        if "payload only" in cell.lower():
            payload_only.add(name)  # arrives in button payloads, never in NLU examples
            continue
        if name in FREE_TEXT_ENTITIES:
            values[name] = set()
            continue
        values[name] = {v for v in re.findall(r"`([^`]+)`", cell) if re.fullmatch(r"[a-z_]+", v)}
    bodies_list = re.split(r":\s*\n", bodies_part, maxsplit=1)[1]
    body_ids = {v for v in re.findall(r"`([^`]+)`", bodies_list) if re.fullmatch(r"[a-z_0-9]+", v)}
    return {
        "situation": situation,
        "conversation": list(dict.fromkeys(conversation)),
        "values": values,
        "body_ids": body_ids,
        "payload_only": payload_only,
    }


def enum_entities():
    return {e for e, v in contract()["values"].items() if v}


def free_entities():
    return {e for e, v in contract()["values"].items() if not v}


def test_contract_parsed():
    c = contract()
    assert len(c["situation"]) >= 14, c["situation"]
    for name in ["greet", "goodbye", "inform", "acute_nood", "feedback", "volgende_stap"]:
        assert name in c["conversation"]
    assert {"wet", "instantie", "naam", "rol", "leeftijd", "leeftijdsgroep", "datum"} <= set(c["values"])
    assert free_entities() == FREE_TEXT_ENTITIES
    assert all(c["values"][e] for e in enum_entities())
    assert "veiligheidshuis" in c["body_ids"] and "veiligheidshuis" not in c["values"]["instantie"]


# --------------------------------------------------------------------------- loading


def parse_examples(block, where):
    assert isinstance(block, str), f"{where}: examples must be a block string"
    out = []
    for line in block.splitlines():
        if not line.strip():
            continue
        assert line.startswith("- "), f"{where}: example line must start with '- ': {line!r}"
        ex = line[2:].strip()
        assert ex, f"{where}: empty example"
        out.append(ex)
    return out


def load_file(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    assert str(data.get("version")) == "3.1", f'{path}: version must be "3.1"'
    items = data.get("nlu") or []
    res = {
        "intents": defaultdict(list),
        "synonyms": defaultdict(list),
        "lookups": defaultdict(list),
        "regexes": defaultdict(list),
    }
    for item in items:
        kinds = [k for k in ("intent", "synonym", "lookup", "regex") if k in item]
        assert len(kinds) == 1, f"{path}: item must have exactly one of intent/synonym/lookup/regex: {item}"
        kind = kinds[0]
        where = f"{path.name}:{kind}:{item[kind]}"
        res[PLURAL[kind]][item[kind]] += parse_examples(item.get("examples"), where)
    return res


@cache
def training():
    files = sorted(NLU_DIR.glob("*.yml"))
    assert files, "no files in data/nlu"
    merged = {
        "intents": defaultdict(list),
        "synonyms": defaultdict(list),
        "lookups": defaultdict(list),
        "regexes": defaultdict(list),
        "files": files,
    }
    for f in files:
        part = load_file(f)
        for key in ("intents", "synonyms", "lookups", "regexes"):
            for name, exs in part[key].items():
                merged[key][name] += exs
    return merged


@cache
def heldout():
    assert HELDOUT.exists(), HELDOUT
    part = load_file(HELDOUT)
    assert not part["synonyms"] and not part["lookups"] and not part["regexes"]
    return part


# --------------------------------------------------------------------------- markup


def parse_markup(example):
    """Return (plain_text, entities[, problems]) for one example with Rasa markup."""
    problems = []
    entities = []
    plain = []
    pos = 0
    for m in ENTITY_RE.finditer(example):
        plain.append(example[pos : m.start()])
        start = sum(len(p) for p in plain)
        text = m.group("text")
        if m.group("entity") is not None:
            name = m.group("entity").strip()
            value = None
            if not re.fullmatch(r"[a-z_]+", name):
                problems.append(f"bad entity name {name!r} (no 'entity:value' shorthand)")
        else:
            try:
                spec = json.loads("{" + m.group("json") + "}")
            except json.JSONDecodeError as exc:
                problems.append(f"invalid JSON in entity markup: {exc}")
                spec = {}
            if not isinstance(spec.get("entity"), str):
                problems.append("JSON markup without 'entity'")
            extra = set(spec) - {"entity", "value"}
            if extra:
                problems.append(f"unexpected keys in entity markup: {extra}")
            name = spec.get("entity", "")
            value = spec.get("value")
            if value is not None and not isinstance(value, str):
                problems.append("entity value must be a string")
        if not text or text != text.strip():
            problems.append(f"entity text {text!r} empty or padded with spaces")
        plain.append(text)
        entities.append({"text": text, "entity": name, "value": value, "start": start, "end": start + len(text)})
        pos = m.end()
    plain.append(example[pos:])
    plain_text = "".join(plain)
    for ch in "[]{}":
        if ch in plain_text:
            problems.append(f"stray {ch!r} outside entity markup")
    # entity boundaries must fall on token boundaries (a hyphen joins words)
    for e in entities:
        before = plain_text[e["start"] - 1] if e["start"] > 0 else " "
        after = plain_text[e["end"]] if e["end"] < len(plain_text) else " "
        if (
            before.isalnum()
            or before == "-"
            or after.isalnum()
            or (after == "-" and e["end"] + 1 < len(plain_text) and plain_text[e["end"] + 1].isalnum())
        ):
            problems.append(f"entity {e['text']!r} does not cover a whole token")
    return plain_text, entities, problems


def normalise(example):
    plain, _, _ = parse_markup(example)
    text = unicodedata.normalize("NFKD", plain)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return "".join(c for c in text if c.isalnum())


def all_examples():
    """(source, intent, example) for training and held-out examples."""
    out = []
    for intent, exs in training()["intents"].items():
        out += [("train", intent, ex) for ex in exs]
    for intent, exs in heldout()["intents"].items():
        out += [("heldout", intent, ex) for ex in exs]
    return out


@cache
def synonym_map():
    """lower-cased surface text -> normalised value, as Rasa's EntitySynonymMapper would build it."""
    mapping = {}
    conflicts = []
    for value, exs in training()["synonyms"].items():
        for ex in exs:
            key = ex.lower()
            if key in mapping and mapping[key] != value:
                conflicts.append((ex, mapping[key], value))
            mapping[key] = value
    for _intent, exs in training()["intents"].items():
        for ex in exs:
            for e in parse_markup(ex)[1]:
                if e["value"] is not None and e["value"] != e["text"]:
                    key = e["text"].lower()
                    if key in mapping and mapping[key] != e["value"]:
                        conflicts.append((e["text"], mapping[key], e["value"]))
                    mapping.setdefault(key, e["value"])
    return mapping, conflicts


def resolve(entity):
    if entity["value"] is not None:
        return entity["value"]
    return synonym_map()[0].get(entity["text"].lower(), entity["text"])


# --------------------------------------------------------------------------- tests: intents


def test_only_nlu_yaml_in_data_nlu():
    for f in NLU_DIR.iterdir():
        assert f.suffix == ".yml", f"unexpected file in data/nlu: {f.name}"
    assert not list((ROOT / "data").rglob("heldout*")), "held-out data must stay out of data/"


def test_every_contract_intent_present():
    c = contract()
    present = set(training()["intents"])
    missing = [i for i in c["situation"] + c["conversation"] if i not in present]
    assert not missing, f"intents without training examples: {missing}"


def test_no_unknown_intents():
    c = contract()
    known = set(c["situation"]) | set(c["conversation"])
    unknown = set(training()["intents"]) - known
    unknown |= set(heldout()["intents"]) - known
    assert not unknown, f"intents not in CONTRACT.md: {unknown}"


@pytest.mark.parametrize("intent", contract()["situation"])
def test_situation_intent_counts(intent):
    n_train = len(training()["intents"].get(intent, []))
    n_held = len(heldout()["intents"].get(intent, []))
    assert n_train >= MIN_TRAIN_SITUATION, f"{intent}: {n_train} training examples"
    assert n_held >= MIN_HELDOUT_SITUATION, f"{intent}: {n_held} held-out examples"


@pytest.mark.parametrize("intent", contract()["conversation"])
def test_conversation_intent_counts(intent):
    n_train = len(training()["intents"].get(intent, []))
    n_held = len(heldout()["intents"].get(intent, []))
    minimum = {"feedback": MIN_TRAIN_FEEDBACK, "inform": MIN_TRAIN_INFORM}.get(intent, MIN_TRAIN_CONVERSATION)
    assert n_train >= minimum, f"{intent}: {n_train} training examples"
    assert n_held >= MIN_HELDOUT_CONVERSATION, f"{intent}: {n_held} held-out examples"


def test_no_duplicates_in_training():
    seen = {}
    dups = []
    for intent, exs in training()["intents"].items():
        for ex in exs:
            key = normalise(ex)
            if key in seen:
                dups.append((ex, seen[key], intent))
            seen[key] = intent
    assert not dups, f"duplicate training examples (example, first intent, second intent): {dups}"


def test_no_duplicates_in_heldout():
    seen = {}
    dups = []
    for intent, exs in heldout()["intents"].items():
        for ex in exs:
            key = normalise(ex)
            if key in seen:
                dups.append((ex, seen[key], intent))
            seen[key] = intent
    assert not dups, f"duplicate held-out examples: {dups}"


def test_no_overlap_train_heldout():
    train = {normalise(ex) for exs in training()["intents"].values() for ex in exs}
    overlap = [ex for exs in heldout()["intents"].values() for ex in exs if normalise(ex) in train]
    assert not overlap, f"held-out examples that also occur in training data: {overlap}"


# --------------------------------------------------------------------------- tests: entities


def test_markup_well_formed():
    bad = []
    for src, intent, ex in all_examples():
        problems = parse_markup(ex)[2]
        if problems:
            bad.append((src, intent, ex, problems))
    assert not bad, "malformed entity markup:\n" + "\n".join(map(str, bad))


def test_entities_are_contract_entities():
    allowed = set(contract()["values"])
    bad = [
        (src, ex, e["entity"])
        for src, _, ex in all_examples()
        for e in parse_markup(ex)[1]
        if e["entity"] not in allowed
    ]
    assert not bad, f"entities not in CONTRACT.md: {bad}"


def test_entity_values_resolve_to_contract_values():
    values = contract()["values"]
    bad = []
    for src, _intent, ex in all_examples():
        for e in parse_markup(ex)[1]:
            if e["entity"] not in values:
                continue
            if e["entity"] == "leeftijd":
                if not (e["text"].isdigit() and 0 < int(e["text"]) < 120) or e["value"] not in (None, e["text"]):
                    bad.append((src, ex, e["text"], "leeftijd must be digits"))
            elif e["entity"] in enum_entities():
                v = resolve(e)
                if v not in values[e["entity"]]:
                    bad.append((src, ex, e["text"], f"{e['entity']} -> {v!r}"))
    assert not bad, "entity values that do not normalise to a CONTRACT.md value:\n" + "\n".join(map(str, bad))


def test_synonyms_consistent_and_valid():
    _mapping, conflicts = synonym_map()
    assert not conflicts, f"surface text mapped to two values: {conflicts}"
    all_values = set().union(*[v for v in contract()["values"].values()])
    bad = [v for v in training()["synonyms"] if v not in all_values]
    assert not bad, f"synonym values that are no CONTRACT.md value: {bad}"
    for value, exs in training()["synonyms"].items():
        assert exs, f"synonym {value} has no examples"
        for ex in exs:
            assert ex.strip() == ex and not ENTITY_RE.search(ex), f"bad synonym text {ex!r}"


def test_synonym_values_fit_the_entities_they_are_used_for():
    """A surface form annotated as entity E must normalise (via synonyms) to a value of E."""
    values = contract()["values"]
    mapping = synonym_map()[0]
    used_as = defaultdict(set)
    for _src, _intent, ex in all_examples():
        for e in parse_markup(ex)[1]:
            if e["value"] is None and e["text"].lower() in mapping:
                used_as[e["text"].lower()].add(e["entity"])
    bad = [
        (text, ent, mapping[text])
        for text, ents in used_as.items()
        for ent in ents
        if ent in values and values[ent] and mapping[text] not in values[ent]
    ]
    assert not bad, bad


def test_every_enum_value_has_synonyms():
    syn_values = set(training()["synonyms"])
    missing = sorted(v for e in enum_entities() for v in contract()["values"][e] if v not in syn_values)
    assert not missing, f"normalised values without synonym entry: {missing}"


def test_situation_examples_carry_entities():
    total = with_ent = 0
    low = []
    for intent in contract()["situation"]:
        exs = training()["intents"].get(intent, [])
        n = sum(1 for ex in exs if parse_markup(ex)[1])
        total += len(exs)
        with_ent += n
        if exs and n / len(exs) < MIN_ENTITY_SHARE_PER_SITUATION:
            low.append((intent, n, len(exs)))
    assert total and with_ent / total >= MIN_ENTITY_SHARE_SITUATIONS, (with_ent, total)
    assert not low, f"situation intents with too few annotated examples: {low}"


def test_annotation_is_consistent():
    """Unambiguous entity words must never stand un-annotated (in training and held-out)."""
    patterns = [re.compile(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])", re.IGNORECASE) for w in MUST_BE_ANNOTATED]
    bad = []
    for src, intent, ex in all_examples():
        plain, ents, _ = parse_markup(ex)
        masked = list(plain)
        for e in ents:
            masked[e["start"] : e["end"]] = ["#"] * (e["end"] - e["start"])
        masked = "".join(masked)
        hits = [p.pattern for p in patterns if p.search(masked)]
        if FAMILY_RE.search(masked):
            hits.append(FAMILY_RE.search(masked).group(0))
        if hits:
            bad.append((src, intent, ex, hits))
    assert not bad, "un-annotated entity words:\n" + "\n".join(map(str, bad))


def test_inform_examples_all_have_entities():
    bad = [ex for ex in training()["intents"]["inform"] if not parse_markup(ex)[1]]
    bad += [ex for ex in heldout()["intents"].get("inform", []) if not parse_markup(ex)[1]]
    assert not bad, f"inform examples without an entity: {bad}"


def test_inform_covers_every_entity():
    used = Counter(e["entity"] for ex in training()["intents"]["inform"] for e in parse_markup(ex)[1])
    missing = set(contract()["values"]) - set(used)
    assert not missing, f"entities never given in inform: {missing}"


# --------------------------------------------------------------------------- tests: lookups and regexes


def test_lookup_and_regex_names_are_entities():
    entities = set(contract()["values"])
    assert set(training()["lookups"]) <= entities, set(training()["lookups"]) - entities
    assert set(training()["regexes"]) <= entities, set(training()["regexes"]) - entities
    assert {"wet", "instantie", "rol"} <= set(training()["lookups"])
    assert {"leeftijd", "datum"} <= set(training()["regexes"])


def test_lookup_entries_normalise_to_contract_values():
    values = contract()["values"]
    mapping = synonym_map()[0]
    bad = []
    for name, entries in training()["lookups"].items():
        for entry in entries:
            v = mapping.get(entry.lower(), entry)
            if values[name] and v not in values[name]:
                bad.append((name, entry, v))
    assert not bad, f"lookup entries without a synonym to a contract value: {bad}"


def compiled(name):
    return [re.compile(p, re.IGNORECASE) for p in training()["regexes"][name]]


def matches_whole(patterns, text):
    return any(m.group(0) == text for p in patterns for m in p.finditer(text))


@pytest.mark.parametrize(
    "text", ["12-10-2026", "3/4/2026", "3 maart", "3 maart 2026", "1 februari", "vorige week", "31-12-25"]
)
def test_datum_regex_matches(text):
    assert matches_whole(compiled("datum"), text)


@pytest.mark.parametrize(
    "sentence,age",
    [("mijn zoon is 23 jaar", "23"), ("ze is 87", "87"), ("een jongen van 17 jaar", "17"), ("hij is 19 jr", "19")],
)
def test_leeftijd_regex_matches(sentence, age):
    found = [m.group(0) for p in compiled("leeftijd") for m in p.finditer(sentence)]
    assert age in found, found


@pytest.mark.parametrize("sentence", ["het besluit is van 3 maart", "op 12-10-2026 kwam de brief", "bel 088 789 1000"])
def test_leeftijd_regex_ignores_dates(sentence):
    found = [m.group(0) for p in compiled("leeftijd") for m in p.finditer(sentence)]
    assert not found, found


def test_annotated_values_match_regexes():
    """Every annotated datum / leeftijd is recognised by its regex (so regex features agree with the labels)."""
    bad = []
    for src, _intent, ex in all_examples():
        plain, ents, _ = parse_markup(ex)
        for e in ents:
            if e["entity"] == "datum" and not matches_whole(compiled("datum"), e["text"]):
                bad.append((src, ex, e["text"]))
            if e["entity"] == "leeftijd":
                found = {(m.start(), m.end()) for p in compiled("leeftijd") for m in p.finditer(plain)}
                if (e["start"], e["end"]) not in found:
                    bad.append((src, ex, e["text"]))
    assert not bad, "annotated dates/ages not matched by the regexes:\n" + "\n".join(map(str, bad))


def test_body_names_are_known_to_the_catalogue():
    """Every `naam` span (a body named in an example) is a name opschaling/names.py maps to a catalogue body, so
    the dialogue understands the names the NLU data uses without NLU synonyms. "MEE" is the exception: the lower-case
    word "mee" is ordinary Dutch, so the catalogue does not list it."""
    from opschaling import names
    from opschaling.catalogue import load_catalogue

    catalogue = load_catalogue()
    unknown = sorted(
        {
            e["text"]
            for _src, _intent, ex in all_examples()
            for e in parse_markup(ex)[1]
            if e["entity"] == "naam" and e["text"] != "MEE" and not names.bodies_named(e["text"], catalogue)
        }
    )
    assert not unknown, f"body names that no catalogue body lists (add them to metadata.synonyms): {unknown}"


def test_instantie_is_only_the_organisation_fact():
    """Body ids are no NLU values (issue 10): `instantie` resolves to an organisation, no synonym to a body id."""
    organisations = contract()["values"]["instantie"]
    assert organisations == {"gemeente", "ciz", "zorgkantoor", "zorgverzekeraar", "zorgaanbieder", "cak"}
    body_values = set(training()["synonyms"]) & contract()["body_ids"] - organisations - contract()["values"]["rol"]
    assert not body_values, f"synonyms whose value is a body id: {sorted(body_values)}"
