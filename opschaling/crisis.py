"""The crisis message: one short B1 text that starts with the right step for the kind of danger.

The texts are in ``catalogue/texts.yaml`` (keys ``crisis_*``). Every number and claim comes from the catalogue
bodies ``zelfmoordpreventie_113`` and ``veilig_thuis`` (public facts §20 "Hulplijnen bij gevaar") and
``huisarts_crisis`` (catalogue note "Veiligheid bij acuut gevaar"); the "Bron:" line cites exactly those references
(``Catalogue.cite``). Phone numbers are ``tel:`` Markdown links (filled into the texts' placeholders here), so a tap
on a phone calls them.
"""

from __future__ import annotations

from dataclasses import dataclass

from opschaling.catalogue import Catalogue, Reference, load_catalogue
from opschaling.safety import ACUTE, SUICIDE, VIOLENCE, Signal

BODY_113 = "zelfmoordpreventie_113"
BODY_VEILIG_THUIS = "veilig_thuis"
BODY_ACUTE = "huisarts_crisis"

TEL_112 = "[112](tel:112)"
TEL_113 = "[113](tel:113)"
TEL_0800_0113 = "[0800-0113](tel:08000113)"
TEL_VEILIG_THUIS = "[0800-2000](tel:08002000)"
CHAT_113 = "[113.nl](https://113.nl)"


@dataclass(frozen=True)
class CrisisText:
    text: str
    references: tuple[Reference, ...]


# The text of each kind (catalogue/texts.yaml). Short sentences, the step first, 112 always named.
_TEXT_KEYS = {SUICIDE: "crisis_suicide", VIOLENCE: "crisis_violence", ACUTE: "crisis_acute"}
# The phone numbers and the chat as links a phone can open; the texts name them as placeholders.
_LINKS = {
    "tel_112": TEL_112,
    "tel_113": TEL_113,
    "tel_0800_0113": TEL_0800_0113,
    "tel_veilig_thuis": TEL_VEILIG_THUIS,
    "chat_113": CHAT_113,
}


def _text(catalogue: Catalogue, key: str, informal: bool) -> str:
    """A crisis text of catalogue/texts.yaml with its links, in "u" or, informal, "je"."""
    from opschaling.render import informal as with_je  # noqa: PLC0415 - render imports the engine; keep this lazy

    if not informal:
        return catalogue.text(key, **_LINKS)
    return catalogue.informal_text(key, **_LINKS) or with_je(catalogue.text(key, **_LINKS))


def _refs(catalogue: Catalogue, *body_ids: str) -> tuple[Reference, ...]:
    """The references of each body's contact field (they carry the link where the source gives one)."""
    out: list[Reference] = []
    for body_id in body_ids:
        body = catalogue.body(body_id)
        for ref in body.field_references("contact") or body.references:
            if ref not in out:
                out.append(ref)
    return tuple(out)


def _with_sources(text: str, refs: tuple[Reference, ...], catalogue: Catalogue) -> CrisisText:
    """The text and one short source line (links a phone can open), in the same message."""
    from opschaling.render import sources_line  # noqa: PLC0415 - render imports the engine; keep this lazy

    return CrisisText(text=f"{text}\n{sources_line(catalogue, refs)}", references=refs)


_BODIES = {SUICIDE: (BODY_113, BODY_ACUTE), VIOLENCE: (BODY_VEILIG_THUIS,), ACUTE: (BODY_ACUTE,)}


def crisis_message(signal: Signal, catalogue: Catalogue | None = None, informal: bool = False) -> CrisisText:
    """The one crisis message for ``signal`` (``opschaling.safety.assess``), in "u" or, informal, "je"."""
    catalogue = catalogue or load_catalogue()
    kind = signal.kind if signal.kind in _TEXT_KEYS else ACUTE
    parts = [_text(catalogue, _TEXT_KEYS[kind], informal)]
    bodies = _BODIES[kind]
    if kind == ACUTE and signal.evidence.startswith("intent:"):
        parts.append(_text(catalogue, "crisis_also_113", informal))
        bodies = (BODY_ACUTE, BODY_113)
    parts.append(_text(catalogue, "crisis_go_on", informal))
    return _with_sources(" ".join(parts), _refs(catalogue, *bodies), catalogue)


def still_unsafe_message(informal: bool = False, catalogue: Catalogue | None = None) -> CrisisText:
    """What to say when the user says it is not safe now: 112 first, then 113 and Veilig Thuis."""
    catalogue = catalogue or load_catalogue()
    return _with_sources(
        _text(catalogue, "crisis_still_unsafe", informal),
        _refs(catalogue, BODY_ACUTE, BODY_113, BODY_VEILIG_THUIS),
        catalogue,
    )
