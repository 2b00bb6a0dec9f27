"""The crisis message: one short B1 text that starts with the right step for the kind of danger.

Every number and claim comes from the catalogue bodies ``zelfmoordpreventie_113`` and ``veilig_thuis``
(public facts §20 "Hulplijnen bij gevaar") and ``huisarts_crisis`` (catalogue note "Veiligheid bij acuut
gevaar"); the "Bron:" line cites exactly those references (``Catalogue.cite``). Phone numbers are ``tel:``
Markdown links, so a tap on a phone calls them.
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


# (formal "u", informal "je") per kind. Short sentences, the step first, 112 always named.
_TEXTS = {
    SUICIDE: (
        "**Denkt u aan zelfdoding, of maakt u zich zorgen om iemand?** Praat erover met 113 Zelfmoordpreventie. "
        f"Bel {TEL_113} of {TEL_0800_0113} (gratis), of chat via {CHAT_113}. Dag en nacht, en anoniem. "
        f"Is er nu direct gevaar? Bel {TEL_112}.",
        "**Denk je aan zelfdoding, of maak je je zorgen om iemand?** Praat erover met 113 Zelfmoordpreventie. "
        f"Bel {TEL_113} of {TEL_0800_0113} (gratis), of chat via {CHAT_113}. Dag en nacht, en anoniem. "
        f"Is er nu direct gevaar? Bel {TEL_112}.",
    ),
    VIOLENCE: (
        f"**Is er nu direct gevaar? Bel {TEL_112}.** Bij huiselijk geweld, kindermishandeling of "
        f"ouderenmishandeling kunt u Veilig Thuis bellen: {TEL_VEILIG_THUIS}. Gratis, alle dagen en alle uren. "
        "Anoniem bellen kan. Ook als u het ziet gebeuren bij een ander.",
        f"**Is er nu direct gevaar? Bel {TEL_112}.** Bij huiselijk geweld, kindermishandeling of "
        f"ouderenmishandeling kun je Veilig Thuis bellen: {TEL_VEILIG_THUIS}. Gratis, alle dagen en alle uren. "
        "Anoniem bellen kan. Ook als je het ziet gebeuren bij een ander.",
    ),
    ACUTE: (
        f"**Is er nu gevaar? Bel {TEL_112}.** Is het dringend, maar niet levensgevaarlijk? Bel dan uw huisarts. "
        "Buiten kantoortijd belt u de huisartsenpost.",
        f"**Is er nu gevaar? Bel {TEL_112}.** Is het dringend, maar niet levensgevaarlijk? Bel dan je huisarts. "
        "Buiten kantoortijd bel je de huisartsenpost.",
    ),
}
# Only when the NLU alone saw danger (the kind is unknown): 113 is named too.
_ALSO_113 = (
    f"Denkt u aan zelfdoding? Bel {TEL_113} of {TEL_0800_0113}.",
    f"Denk je aan zelfdoding? Bel {TEL_113} of {TEL_0800_0113}.",
)
_GO_ON = ("Daarna help ik u graag verder met uw vraag.", "Daarna help ik je graag verder met je vraag.")

_STILL_UNSAFE = (
    f"**Bel nu {TEL_112}.** Denkt u aan zelfdoding? Bel {TEL_113} of {TEL_0800_0113}. "
    f"Gaat het om geweld thuis? Bel Veilig Thuis: {TEL_VEILIG_THUIS}. Dag en nacht.",
    f"**Bel nu {TEL_112}.** Denk je aan zelfdoding? Bel {TEL_113} of {TEL_0800_0113}. "
    f"Gaat het om geweld thuis? Bel Veilig Thuis: {TEL_VEILIG_THUIS}. Dag en nacht.",
)


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
    kind = signal.kind if signal.kind in _TEXTS else ACUTE
    form = 1 if informal else 0
    parts = [_TEXTS[kind][form]]
    bodies = _BODIES[kind]
    if kind == ACUTE and signal.evidence.startswith("intent:"):
        parts.append(_ALSO_113[form])
        bodies = (BODY_ACUTE, BODY_113)
    parts.append(_GO_ON[form])
    return _with_sources(" ".join(parts), _refs(catalogue, *bodies), catalogue)


def still_unsafe_message(informal: bool = False, catalogue: Catalogue | None = None) -> CrisisText:
    """What to say when the user says it is not safe now: 112 first, then 113 and Veilig Thuis."""
    catalogue = catalogue or load_catalogue()
    return _with_sources(
        _STILL_UNSAFE[1 if informal else 0], _refs(catalogue, BODY_ACUTE, BODY_113, BODY_VEILIG_THUIS), catalogue
    )
