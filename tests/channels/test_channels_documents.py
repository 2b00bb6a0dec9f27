"""The documents of a conversation through the real channel code: the REST answers carry the links the guard made
for this conversation, the route ``GET /webhooks/documents/<token>`` rebuilds each file from the tracker store, and an
expired, changed, foreign or erased link gives a 404 with nothing in it. The text channels show the links as text."""

from __future__ import annotations

import asyncio
import io
import time
from datetime import date
from typing import Any

import aiohttp
import pytest
from dialogue_app import dialogue_app

from documents import FILES, tokens

TODAY = date(2026, 12, 1)
SECRET = "test-document-secret-0123456789abcdef"
STORY = "Het CIZ gaf mijn moeder geen Wlz-indicatie. Ik ben het daar niet mee eens. Het besluit is van 3 november 2026."
OVERVIEW = '/detail{"onderwerp":"overzicht"}'


@pytest.fixture(autouse=True)
def document_env(monkeypatch):
    monkeypatch.setenv("OPSW_DOCUMENT_SECRET", SECRET)
    monkeypatch.setenv("OPSW_TODAY", TODAY.isoformat())
    # names are masked by deduce, whose lists take long to load on a busy machine; what reaches a document is the
    # subject of tests/documents/test_documents_privacy.py (with names on)
    monkeypatch.setenv("OPSW_PRIVACY_NAMES", "0")


async def say(http: aiohttp.ClientSession, base: str, sender: str, text: str) -> list[dict[str, Any]]:
    async with http.post(f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}) as answer:
        assert answer.status == 200
        return await answer.json()


async def get(http: aiohttp.ClientSession, url: str) -> tuple[int, dict[str, str], bytes]:
    async with http.get(url) as answer:
        return answer.status, dict(answer.headers), await answer.read()


def links_of(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [link for item in items for link in item["opsw"].get("documents") or ()]


def docx_text(content: bytes) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


def test_rest_links_download_rebuilt_files_and_nothing_else(monkeypatch):
    async def scenario() -> None:
        async with dialogue_app(TODAY) as (base, processor), aiohttp.ClientSession() as http:
            monkeypatch.setenv("OPSW_PUBLIC_URL", base)
            sender = "docs-rest-1"
            await say(http, base, sender, STORY)
            advice = await say(http, base, sender, "nee")
            kinds = [item["opsw"]["kind"] for item in advice]
            assert "advice" in kinds, advice
            links = links_of(advice)
            assert [(link["kind"], link["format"]) for link in links] == [
                ("bezwaarschrift", "docx"),
                ("bezwaarschrift", "pdf"),
                ("pro_forma", "docx"),
                ("agenda", "ics"),
            ]
            assert [link["title"] for link in links][:2] == ["Brief downloaden (Word)", "Brief als PDF"]
            note = next(item["opsw"]["documents_note"] for item in advice if item["opsw"].get("documents"))
            assert "Juridisch Loket" in note and "24 uur" in note
            assert "Overzicht maken" in [b["title"] for item in advice for b in item.get("buttons") or ()]
            for link in links:
                assert link["url"] == base + link["path"] and link["path"].startswith("/webhooks/documents/")
                assert sender not in link["url"]  # the conversation id is sealed

            status, headers, body = await get(http, links[0]["url"])
            assert status == 200
            assert headers["Content-Type"].startswith("application/vnd.openxmlformats")
            assert headers["Content-Disposition"].startswith('attachment; filename="bezwaarschrift.docx"')
            assert headers["Cache-Control"] == "no-store"
            text = docx_text(body)
            assert "Aan: CIZ, t.a.v. Team Bezwaar en Beroep" in text
            assert "besluit van 3 november 2026" in text and "uiterlijk dinsdag 15 december 2026" in text
            status, headers, body = await get(http, links[1]["url"])
            assert status == 200 and body.startswith(b"%PDF")
            status, headers, body = await get(http, links[3]["url"])
            assert status == 200 and headers["Content-Type"].startswith("text/calendar")
            assert b"DTSTART;VALUE=DATE:20261215" in body

            # "Overzicht maken": what goes in it and the hint to correct it first, with the links
            check = await say(http, base, sender, OVERVIEW)
            assert "Klopt iets niet?" in " ".join(item["text"] for item in check)
            overview = links_of(check)
            assert [(link["kind"], link["format"]) for link in overview] == [
                ("overzicht", "html"),
                ("overzicht", "pdf"),
            ]
            status, headers, body = await get(http, overview[0]["url"])
            assert status == 200 and headers["Content-Disposition"].startswith("inline")
            assert "default-src 'none'" in headers["Content-Security-Policy"]
            assert "Overzicht van uw situatie" in body.decode() and "Bezwaar maken bij het CIZ" in body.decode()

            # nothing for a changed, expired, foreign or unknown link
            token = links[0]["path"].rsplit("/", 1)[1]
            changed = token[:10] + ("B" if token[10] == "A" else "A") + token[11:]  # in the nonce
            expired = tokens.seal(SECRET.encode(), sender, "bezwaarschrift.docx", FILES, now=time.time() - 86401)
            foreign = tokens.seal(b"another-server-secret-0123456789", sender, "bezwaarschrift.docx", FILES)
            stranger = tokens.seal(SECRET.encode(), "docs-rest-nobody", "overzicht.html", FILES)
            not_the_step = tokens.seal(SECRET.encode(), sender, "ingebrekestelling.docx", FILES)
            for bad in (changed, expired, foreign, stranger, not_the_step, "nonsense", "x" * 600):
                status, headers, body = await get(http, f"{base}/webhooks/documents/{bad}")
                assert (status, body) == (404, b""), bad

            # another conversation's link does not give this conversation's file (and vice versa)
            other = "docs-rest-2"
            await say(http, base, other, "We vinden geen verpleeghuis voor mijn vader. Hij heeft een Wlz-indicatie.")
            other_links = links_of(await say(http, base, other, "Kan ik een overzicht maken?"))
            status, _, body = await get(http, other_links[0]["url"])
            assert status == 200 and "Bezwaar maken bij het CIZ" not in body.decode()

            # once the conversation is erased, its links give nothing
            await say(http, base, sender, "verwijder mijn gesprek")
            for link in [*links, *overview]:
                status, _, body = await get(http, link["url"])
                assert (status, body) == (404, b""), link["kind"]
            assert await processor.store.retrieve(sender) is None

    asyncio.run(scenario())


def test_text_channels_send_the_links_as_text_after_the_answer():
    from channels.text_channel import TextOutput

    class Capture(TextOutput):
        def __init__(self) -> None:
            self.sent: list[str] = []

        async def deliver(self, address: str, text: str, buttons: list[dict[str, Any]] | None) -> None:
            self.sent.append(text)

    opsw = {
        "kind": "advice",
        "documents": [
            {"kind": "bezwaarschrift", "format": "docx", "title": "Brief downloaden (Word)", "url": "https://x/d/1"},
            {"kind": "agenda", "format": "ics", "title": "In mijn agenda", "url": "https://x/d/2"},
        ],
        "documents_note": "De links werken 24 uur, alleen voor dit gesprek.",
    }
    output = Capture()
    buttons = [{"title": "Overzicht maken", "payload": OVERVIEW}]
    asyncio.run(output.send_text_with_buttons("sms-1", "**Uw volgende stap:** bezwaar.", buttons, opsw=opsw))
    asyncio.run(output.send_text_message("sms-1", "Alleen tekst.", opsw=opsw))
    first, second = output.sent
    assert "Uw volgende stap: bezwaar." in first
    assert "Brief downloaden (Word): https://x/d/1\nIn mijn agenda: https://x/d/2" in first
    assert first.index("https://x/d/2") < first.index("1. Overzicht maken")
    assert "De links werken 24 uur" in second and "https://x/d/1" in second


def test_the_links_follow_the_conversation_id_rasa_uses():
    """A sender id that holds an identifier reaches Rasa as its hash: the links are made for that hash, never for the
    identifier (channels/guard.py GuardedOutput)."""
    from channels.documents import with_links

    message = {"text": "x", "opsw": {"kind": "advice", "documents": ["agenda", "nonsense"]}}
    out = with_links(message, "anon-0123456789abcdef0123456789abcdef")
    (link,) = out["opsw"]["documents"]
    grant = tokens.open_token(SECRET.encode(), link["path"].rsplit("/", 1)[1], FILES)
    assert grant is not None and grant.conversation == "anon-0123456789abcdef0123456789abcdef"
    assert grant.document == "agenda.ics"
    assert with_links({"text": "x", "opsw": {"kind": "info"}}, "c") == {"text": "x", "opsw": {"kind": "info"}}


@pytest.mark.integration
def test_the_real_server_serves_the_letter_from_its_sql_tracker_store(rasa_server):
    """`rasa run` with the trained model, the action server and the SQL tracker store (tests/conftest.py), the
    channels of credentials.yml: the links of the advice give the letter and the calendar file."""
    import urllib.error
    import urllib.request

    sender = rasa_server.new_sender("docs")
    rasa_server.send(STORY, sender)
    advice = rasa_server.send("nee", sender)
    links = {(link["kind"], link["format"]): link for link in links_of(advice)}
    assert ("bezwaarschrift", "docx") in links, advice
    with urllib.request.urlopen(rasa_server.url + links["bezwaarschrift", "docx"]["path"], timeout=60) as answer:
        assert answer.status == 200 and answer.headers["Cache-Control"] == "no-store"
        text = docx_text(answer.read())
    assert "Aan: CIZ, t.a.v. Team Bezwaar en Beroep" in text and "besluit van 3 november 2026" in text
    if date.today() <= date(2026, 12, 15):
        assert "uiterlijk dinsdag 15 december 2026" in text
        with urllib.request.urlopen(rasa_server.url + links["agenda", "ics"]["path"], timeout=60) as answer:
            assert b"DTSTART;VALUE=DATE:20261215" in answer.read()
    token = links["bezwaarschrift", "docx"]["path"].rsplit("/", 1)[1]
    with pytest.raises(urllib.error.HTTPError) as refused:
        changed = token[:10] + ("B" if token[10] == "A" else "A") + token[11:]
        urllib.request.urlopen(f"{rasa_server.url}/webhooks/documents/{changed}", timeout=60)
    assert refused.value.code == 404 and refused.value.read() == b""
