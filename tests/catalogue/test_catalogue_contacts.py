"""Phone numbers, e-mail addresses and websites only as the sources give them."""

import re

from catalogue_testlib import EMAIL_RE, PHONE_RE, URL_RE, iter_texts, phone_digits

CONTACT_SOURCES = ("R-public", "R-catalogue")


def texts(cat):
    for name, data in cat.files():
        for path, text, refs in iter_texts(data):
            yield f"{name}{path}", text, refs


def test_phone_regex_finds_the_formats_used():
    found = PHONE_RE.findall("bel 088-120 50 20, 0800 900 69 00, 030-7897878, 0800-1205, 112 of 113 (0800-0113)")
    assert [re.sub(r"\D", "", f) for f in found] == [
        "0881205020",
        "08009006900",
        "0307897878",
        "08001205",
        "112",
        "113",
        "08000113",
    ]
    assert PHONE_RE.findall("€25.000, 2015-01-01, Postbus 2690, 3500 GR, 8.30 tot 17.00 uur, 13 maanden") == []


def test_phone_numbers_come_from_public_facts(cat):
    """Every phone number must occur in a referenced R-public / R-catalogue section (the seeds give none)."""
    wrong = []
    for where, text, refs in texts(cat):
        for number in PHONE_RE.findall(text):
            digits = re.sub(r"\D", "", number)
            allowed = [r for r in refs if r["source"] in CONTACT_SOURCES]
            if not any(digits in phone_digits(cat.ref_text(r)) for r in allowed):
                wrong.append(f"{where}: {number}")
    assert wrong == []


def test_email_addresses_come_from_public_facts(cat):
    wrong = []
    for where, text, refs in texts(cat):
        for email in EMAIL_RE.findall(text):
            allowed = [r for r in refs if r["source"] in CONTACT_SOURCES]
            if not any(email in cat.ref_text(r) for r in allowed):
                wrong.append(f"{where}: {email}")
    assert wrong == []


def test_urls_occur_in_the_referenced_sources(cat):
    wrong = []
    for where, text, refs in texts(cat):
        for url in URL_RE.findall(text):
            url = url.rstrip(".")
            if not any(url in cat.ref_text(r) for r in refs):
                wrong.append(f"{where}: {url}")
    assert wrong == []


def test_contact_fields_are_sourced(cat):
    wrong = []
    for bid, body in cat.bodies.items():
        contact = body["contact"]
        refs = contact["reference"]
        if "website" in contact and not any(contact["website"] in cat.ref_text(r) for r in refs):
            wrong.append(f"{bid}: website {contact['website']}")
        for key in ("phone", "email"):
            if key in contact and not any(r["source"] in CONTACT_SOURCES for r in refs):
                wrong.append(f"{bid}: {key} without an R-public reference")
    assert wrong == []


def test_seed_websites_are_used(cat):
    expected = {
        "beroep_rechtbank": "www.rechtspraak.nl",
        "veiligheidshuis": "www.veiligheidshuizen.nl",
        "cce": "www.cce.nl",
        "vertrouwenspersoon_akj": "www.akj.nl",
        "landelijk_meldpunt_zorg": "www.landelijkmeldpuntzorg.nl",
        "nationale_ombudsman": "www.nationaleombudsman.nl",
        # the seed says "de website van de VNG"; the page itself comes from R-public §11 (sourced above)
        "expertteam_jeugd": "https://vng.nl/nieuws/coordinator-complexe-casuistiek-voor-elke-jeugdregio-bekend",
    }
    assert {bid: cat.bodies[bid]["contact"].get("website") for bid in expected} == expected


def test_vws_has_no_invented_address(cat):
    contact = cat.bodies["vws_praktijkteam"]["contact"]
    assert "email" not in contact and "phone" not in contact
    assert "per mail" in contact["how"]
    assert "Juiste Loket" in contact["how"] and "cliëntondersteuner" in contact["how"]
    assert not any(EMAIL_RE.search(text) for _, text, _ in iter_texts(cat.bodies["vws_praktijkteam"]))


def test_juiste_loket_contact_is_marked_uncertain(cat):
    contact = cat.bodies["juiste_loket"]["contact"]
    assert contact["phone"] and contact["email"] and contact.get("uncertain")
