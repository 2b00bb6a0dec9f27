"""The crisis and check-in messages: one short B1 text that starts with the right step for the sign.

The texts are in ``catalogue/texts.yaml`` (keys ``crisis_*`` and ``check_in_*``, with ``_en`` forms for a message
in English). Every number and claim comes from the catalogue bodies ``zelfmoordpreventie_113`` and
``veilig_thuis`` (public facts §20 "Hulplijnen bij gevaar", §29 financial abuse, catalogue note "Vragen naar
zelfdoding") and ``huisarts_crisis`` (catalogue note "Veiligheid bij acuut gevaar"); the "Bron:" line cites the
references of exactly the bodies a text names (``Catalogue.cite``). Phone numbers are ``tel:`` Markdown links
(filled into the texts' placeholders here), so a tap on a phone calls them.

Which text (``opschaling.safety.Signal``):
- crisis: suicide -> 113 first; violence and abuse -> Veilig Thuis first (a carer who hurts: its own words);
  acute danger, a missing person, a medical emergency -> 112 first;
- check-in: a sign about oneself -> the direct question "denkt u weleens aan zelfdoding?" and 113; about someone
  else -> "neem het serieus, vraag ernaar" and 113; the NLU alone (kind "unclear") -> 112, 113 and Veilig Thuis.
"""

from __future__ import annotations

from dataclasses import dataclass

from opschaling.catalogue import Catalogue, Reference, load_catalogue
from opschaling.safety import ACUTE, CHECK_IN, SUICIDE, VIOLENCE, Signal

BODY_113 = "zelfmoordpreventie_113"
BODY_VEILIG_THUIS = "veilig_thuis"
BODY_ACUTE = "huisarts_crisis"

TEL_112 = "[112](tel:112)"
TEL_113 = "[113](tel:113)"
TEL_0800_0113 = "[0800-0113](tel:08000113)"
TEL_VEILIG_THUIS = "[0800-2000](tel:08002000)"
CHAT_113 = "[113.nl](https://113.nl)"

# the opsw.kind of the message for each tier (the widget shows both with call buttons)
MESSAGE_KIND = {"crisis": "crisis", CHECK_IN: "check_in"}


@dataclass(frozen=True)
class CrisisText:
    text: str
    references: tuple[Reference, ...]
    kind: str = "crisis"  # "crisis" or "check_in" (opsw.kind)


# The text of each group at the crisis tier. Short sentences, the step first, 112 always named.
_TEXT_KEYS = {SUICIDE: "crisis_suicide", VIOLENCE: "crisis_violence", ACUTE: "crisis_acute"}
_BODIES = {SUICIDE: (BODY_113, BODY_ACUTE), VIOLENCE: (BODY_VEILIG_THUIS,), ACUTE: (BODY_ACUTE,)}
# The English form of each text, for a message in English (language.detect).
_ENGLISH = {
    "crisis_suicide": "crisis_suicide_en",
    "crisis_check_in_yes": "crisis_check_in_yes_en",
    "crisis_check_in_yes_other": "crisis_check_in_yes_other_en",
    "crisis_violence": "crisis_violence_en",
    "crisis_carer": "crisis_carer_en",
    "crisis_acute": "crisis_acute_en",
    "check_in_self": "check_in_self_en",
    "check_in_other": "check_in_other_en",
    "check_in_general": "check_in_general_en",
    "crisis_also_113": "crisis_also_113_en",
    "crisis_also_veilig_thuis": "crisis_also_veilig_thuis_en",
    "check_in_no": "check_in_no_en",
    "check_in_no_violence": "check_in_no_violence_en",
    "check_in_no_acute": "check_in_no_acute_en",
}
# The phone numbers and the chat as links a phone can open; the texts name them as placeholders.
_LINKS = {
    "tel_112": TEL_112,
    "tel_113": TEL_113,
    "tel_0800_0113": TEL_0800_0113,
    "tel_veilig_thuis": TEL_VEILIG_THUIS,
    "chat_113": CHAT_113,
}


def _text(catalogue: Catalogue, key: str, informal: bool) -> str:
    """A text of catalogue/texts.yaml with its links, in "u" or, informal, "je"."""
    from opschaling.render import informal as with_je  # noqa: PLC0415 - render imports the engine; keep this lazy

    if not informal or key.endswith("_en"):
        return catalogue.text(key, **_LINKS)
    return catalogue.informal_text(key, **_LINKS) or with_je(catalogue.text(key, **_LINKS))


def _refs(catalogue: Catalogue, *body_ids: str, fields: tuple[str, ...] = ("contact",)) -> tuple[Reference, ...]:
    """The references of the named fields of each body (they carry the link where the source gives one)."""
    out: list[Reference] = []
    for body_id in body_ids:
        body = catalogue.body(body_id)
        found = [ref for name in fields for ref in body.field_references(name)] or list(body.references)
        for ref in found:
            if ref not in out:
                out.append(ref)
    return tuple(out)


def _with_sources(text: str, refs: tuple[Reference, ...], catalogue: Catalogue, kind: str = "crisis") -> CrisisText:
    """The text and one short source line (links a phone can open), in the same message."""
    from opschaling.render import sources_line  # noqa: PLC0415 - render imports the engine; keep this lazy

    return CrisisText(text=f"{text}\n{sources_line(catalogue, refs)}", references=refs, kind=kind)


def _choice(signal: Signal) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(text key, bodies, body fields cited) for a signal."""
    group = signal.kind if signal.kind in _TEXT_KEYS else ACUTE
    if signal.source == "answer" and group == SUICIDE:  # "ja", "soms" or doubt after a check-in
        key = "crisis_check_in_yes_other" if signal.about == "other" else "crisis_check_in_yes"
        return key, _BODIES[SUICIDE], ("contact",)
    if signal.tier == CHECK_IN:
        if signal.sign == "unclear":
            return "check_in_general", (BODY_ACUTE, BODY_113, BODY_VEILIG_THUIS), ("contact",)
        if group == SUICIDE:
            key = "check_in_other" if signal.about == "other" else "check_in_self"
            return key, (BODY_113,), ("contact", "when")
    if group == VIOLENCE:
        key = "crisis_carer" if signal.sign == "carer_hurts" else "crisis_violence"
        return key, (BODY_VEILIG_THUIS,), ("contact", "when")
    return _TEXT_KEYS[group], _BODIES[group], ("contact",)


def crisis_message(
    signal: Signal, catalogue: Catalogue | None = None, informal: bool = False, lang: str = "nl"
) -> CrisisText:
    """The one crisis or check-in message for ``signal`` (``opschaling.safety.assess``), in "u" or, informal,
    "je"; ``lang="en"``: the English form (the assistant itself goes on in Dutch)."""
    catalogue = catalogue or load_catalogue()
    key, bodies, fields = _choice(signal)
    english = lang == "en" and key in _ENGLISH
    parts = [_text(catalogue, _ENGLISH[key] if english else key, informal)]
    suicide_text = key.startswith(("crisis_suicide", "crisis_check_in", "check_in"))
    also = "crisis_also_113" if SUICIDE in signal.also and not suicide_text else None
    if (
        also is None
        and VIOLENCE in signal.also
        and (suicide_text or key == _TEXT_KEYS[ACUTE])
        and key != "check_in_general"
    ):
        also = "crisis_also_veilig_thuis"
    if also:
        parts.append(_text(catalogue, _ENGLISH[also] if english else also, informal))
        bodies = (*bodies, BODY_113 if also == "crisis_also_113" else BODY_VEILIG_THUIS)
    if english:
        parts.append(_text(catalogue, "only_dutch_en", informal))
    elif signal.tier != CHECK_IN:
        parts.append(_text(catalogue, "crisis_go_on", informal))
    kind = MESSAGE_KIND.get(signal.tier, "crisis")
    return _with_sources(" ".join(parts), _refs(catalogue, *bodies, fields=fields), catalogue, kind)


def helplines_message(informal: bool = False, catalogue: Catalogue | None = None) -> CrisisText:
    """The help lines in one line, for the end of a reply with a weak sign: 113, Veilig Thuis and 112."""
    catalogue = catalogue or load_catalogue()
    return _with_sources(
        _text(catalogue, "helplines_notice", informal),
        _refs(catalogue, BODY_113, BODY_VEILIG_THUIS, BODY_ACUTE),
        catalogue,
        kind="notice",
    )


CHECK_IN_NO = {VIOLENCE: "check_in_no_violence", ACUTE: "check_in_no_acute"}  # by group; else 113's


def check_in_no_message(
    informal: bool = False, catalogue: Catalogue | None = None, group: str = "", lang: str = "nl"
) -> str:
    """The answer to "nee" after a check-in: the help line of the check-in's own group (113, Veilig Thuis, 112);
    in English for an answer in English."""
    key = CHECK_IN_NO.get(group, "check_in_no")
    return _text(catalogue or load_catalogue(), _ENGLISH[key] if lang == "en" else key, informal)


def still_unsafe_message(informal: bool = False, catalogue: Catalogue | None = None) -> CrisisText:
    """What to say when the user says it is not safe now: 112 first, then 113 and Veilig Thuis."""
    catalogue = catalogue or load_catalogue()
    return _with_sources(
        _text(catalogue, "crisis_still_unsafe", informal),
        _refs(catalogue, BODY_ACUTE, BODY_113, BODY_VEILIG_THUIS),
        catalogue,
    )
