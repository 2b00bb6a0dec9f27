"""Every reference points at a real source and a section that exists in it; every seed body is catalogued."""

import re

import pytest
from catalogue_testlib import iter_references

# Every instance/route the seeds name, with the seed heading or phrase that names it, and the body that must
# reference exactly that heading (source + section).
SEED_BODIES = [
    ("S0", "Cliëntondersteuner Wlz", "clientondersteuner_wlz"),
    ("S0", "Juiste Loket", "juiste_loket"),
    ("S0", "Regionaal ketenoverleg Wlz", "regionaal_ketenoverleg_wlz"),
    ("S0", "Centrum voor Consultatie en Expertise (CCE)", "cce"),
    ("S0", "Klachtenfunctionaris zorginstelling", "klachtenfunctionaris"),
    ("S0", "Landelijk Meldpunt Zorg (IGJ)", "landelijk_meldpunt_zorg"),
    ("S0", "Veiligheidshuis", "veiligheidshuis"),
    ("S0", "Ministerie van VWS", "vws_praktijkteam"),
    ("S0", "Nationale Ombudsman", "nationale_ombudsman"),
    ("S1", "Cliëntondersteuner", "clientondersteuner"),
    ("S1", "Cliëntondersteuner", "clientondersteuner_wmo"),
    ("S1", "Bezwaar maken", "bezwaar_gemeente"),
    ("S1", "Bezwaar maken", "bezwaar_ciz"),
    ("S1", "Beroep (rechter)", "beroep_rechtbank"),
    ("S1", "voorlopige voorziening", "voorlopige_voorziening"),
    ("S1", "Veiligheidshuis", "veiligheidshuis"),
    ("S1", "Regionaal ketenoverleg Wlz", "regionaal_ketenoverleg_wlz"),
    ("S1", "Centrum voor Consultatie en Expertise (CCE)", "cce"),
    ("S1", "Juiste Loket", "juiste_loket"),
    ("S1", "Expertteam jeugd", "expertteam_jeugd"),
    ("S1", "Ministerie van VWS", "vws_praktijkteam"),
    ("S1", "Vertrouwenspersoon jeugd", "vertrouwenspersoon_akj"),
    ("S1", "Klachtenfunctionaris zorginstelling", "klachtenfunctionaris"),
    ("S1", "Landelijk Meldpunt Zorg (IGJ)", "landelijk_meldpunt_zorg"),
    ("S1", "Nationale Ombudsman", "nationale_ombudsman"),
    ("S2", "Praktijkteam van het ministerie van VWS", "vws_praktijkteam"),
    ("S2", "Whole system in the room-bijeenkomst", "whole_system_in_the_room"),
    ("S2", "externe expertise van bijvoorbeeld CCE of COT", "cot"),
    ("S2", "Benutten van wachtlijstbemiddeling", "zorgkantoor"),
    ("S2", "melding bij de NZa", "nza_meldpunt"),
    ("S3", "Maatwerkloket PMM", "maatwerkloket_pmm"),
    ("S3", "Wlz-raadpleegfunctie", "wlz_raadpleegfunctie"),
    ("S3", "kijken of OGGZ", "oggz"),
    ("S3", "Zorg- en veiligheidshuis", "veiligheidshuis"),
    ("S3", "Crisisondersteuningsteam (gehandicaptenzorg)", "cot"),
    ("S3", "Moreel beraad organiseren", "moreel_beraad"),
    ("S3", "whole system in the room Overleg met alle partijen", "whole_system_in_the_room"),
    ("S3", "Consultatie door het CCE", "cce"),
    ("S3", "Overzicht zorgplicht", "zorgkantoor"),
    ("S3", "Overzicht zorgplicht", "zorgverzekeraar_zorgbemiddeling"),
    ("S4", "Cliëntondersteuning (Wlz)", "clientondersteuner_wlz"),
]

# Bodies that the seeds do not describe; they rest on reference/public_facts.md (or the catalogue's own note).
PUBLIC_ONLY_BODIES = {
    "bezwaar_zorgkantoor": "4. Bezwaar en beroep / Zorgkantoor",
    "hoger_beroep_crvb": "4. Bezwaar en beroep / Gemeente (Wmo/Jeugdwet)",
    "juridisch_loket": "4. Bezwaar en beroep / Gemeente (Wmo/Jeugdwet)",
    "geschilleninstantie_wkkgz": "5. Wkkgz — klachtenfunctionaris en geschilleninstantie",
    "klacht_bij_instantie": "7. Nationale ombudsman",
    "klacht_zorgverzekeraar": "8. Zorgverzekeraar (Zvw) — klacht, SKGZ, wachtlijstbemiddeling",
    "skgz": "8. Zorgverzekeraar (Zvw) — klacht, SKGZ, wachtlijstbemiddeling",
}


def all_references(cat):
    for name, data in cat.files():
        for path, ref in iter_references(data):
            yield f"{name}{path}", ref


def test_references_are_found(cat):
    refs = list(all_references(cat))
    assert len(refs) > 300
    assert {ref["source"] for _, ref in refs} == set(cat.sources)


def test_every_source_file_exists(cat):
    for source_id in cat.sources:
        assert cat.source_path(source_id).is_file(), source_id


def test_every_reference_source_is_known(cat):
    unknown = [(where, ref["source"]) for where, ref in all_references(cat) if ref["source"] not in cat.sources]
    assert unknown == []


def test_every_section_resolves(cat):
    broken = []
    for where, ref in all_references(cat):
        try:
            cat.ref_text(ref)
        except LookupError as exc:
            broken.append(f"{where}: {exc}")
    assert broken == []


def test_seed_reference_titles_match_sources(cat):
    wrong = [
        (where, ref["title"])
        for where, ref in all_references(cat)
        if ref["source"].startswith("S") and ref["title"] != cat.sources[ref["source"]]["title"]
    ]
    assert wrong == []


def test_hrefs_occur_in_the_referenced_section(cat):
    """A link in a reference must be one the source gives, in the section the reference names."""
    wrong = [
        (where, ref["href"])
        for where, ref in all_references(cat)
        if "href" in ref and ref["href"] not in cat.ref_text(ref)
    ]
    assert wrong == []


def test_section_resolution_rejects_missing_sections(cat):
    with pytest.raises(LookupError):
        cat.section_text("S0", "Dit staat nergens in de tekst")
    with pytest.raises(LookupError):
        cat.section_text("R-public", "99. Bestaat niet")
    with pytest.raises(LookupError):
        cat.section_text("R-public", "4. Bezwaar en beroep / Bestaat niet")
    with pytest.raises(LookupError):  # matches more than one heading
        cat.section_text("R-public", "1")
    assert "6 weken" in cat.section_text("R-public", "4. Bezwaar en beroep / Zorgkantoor")
    assert "112" in cat.section_text("R-catalogue", "Veiligheid bij acuut gevaar")


@pytest.mark.parametrize("source,section,body_id", SEED_BODIES)
def test_seed_body_is_catalogued(cat, source, section, body_id):
    assert section in cat.source_text(source), f"the test list itself is wrong: {section!r} not in {source}"
    assert body_id in cat.bodies, f"no body file for {body_id}"
    hits = [
        ref for _, ref in iter_references(cat.bodies[body_id]) if (ref["source"], ref["section"]) == (source, section)
    ]
    assert hits, f"{body_id} has no reference to {source} {section!r}"


@pytest.mark.parametrize("body_id,section", sorted(PUBLIC_ONLY_BODIES.items()))
def test_public_only_body_cites_public_facts(cat, body_id, section):
    meta = cat.bodies[body_id]["metadata"]["reference"]
    assert any(ref["source"] == "R-public" and ref["section"] == section for ref in meta)


def test_crisis_body_cites_catalogue_note(cat):
    refs = [ref for _, ref in iter_references(cat.bodies["huisarts_crisis"])]
    assert refs and all(ref["source"] in ("R-catalogue", "S1") for ref in refs)
    assert any(ref["source"] == "R-catalogue" for ref in cat.bodies["huisarts_crisis"]["metadata"]["reference"])


def test_extra_facts_note_is_small_and_says_what_it_is(cat):
    text = cat.source_text("R-catalogue")
    assert len(text.splitlines()) < 60
    assert "algemeen bekende" in text.lower()
    # after the two parts of common knowledge, every fact the developers found has its address and a quote
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[3:]:
        assert re.search(r"https://\S+", section) and '"' in section, section[:60]
    for fact in ("112", "113", "0800-0113", "huisarts", "huisartsenpost"):
        assert fact in text
