"""The answers in plain Dutch (B1): short, one step at a time, always with where it comes from.

The advice itself holds only the step, why (one or two sentences), how to reach it (links a phone can tap) and
the deadline as a date when there is one. Everything else is one tap away (``detail``): why this step, what to
prepare, what comes after, who does what, the sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from opschaling.catalogue import Body, Catalogue, Reference, explain_jargon
from opschaling.dates import format_date, format_day
from opschaling.deadlines import Deadline, rest_day
from opschaling.engine import Advice
from opschaling.facts import BOOLEAN_FACTS, DATE, FACTS, UNKNOWN, VOCABULARY, CaseFacts

UNITS = {
    "days": ("dag", "dagen"),
    "workdays": ("werkdag", "werkdagen"),
    "weeks": ("week", "weken"),
    "months": ("maand", "maanden"),
    "years": ("jaar", "jaar"),
}
# Who a task in the stappenplan woonzorgplek belongs to, and how that party is named.
PARTY_LABEL = {
    "clientondersteuner": "De onafhankelijke cliëntondersteuner",
    "zorgaanbieder": "De zorgaanbieder",
    "zorgkantoor": "Het zorgkantoor",
    "client": "De cliënt of familie",
    "gemeente": "De gemeente",
}
# Which party of the stappenplan a user role is.
ROLE_PARTY = {
    "clientondersteuner": "clientondersteuner",
    "zorgaanbieder": "zorgaanbieder",
    "zorgprofessional": "zorgaanbieder",
    "zorgkantoor_medewerker": "zorgkantoor",
    "gemeente_medewerker": "gemeente",
}
ANSWER_LABELS = VOCABULARY.answer_labels

# Dutch labels of the values users see, per fact, and the Dutch names of facts (catalogue/facts.yaml).
FACT_LABELS: Mapping[str, Mapping[Any, str]] = {
    **{name: {v: label for v, label in spec.values.items() if label} for name, spec in FACTS.items() if spec.values},
    **{name: {True: ANSWER_LABELS[True], False: ANSWER_LABELS[False]} for name in BOOLEAN_FACTS},
}
FACT_NAMES: Mapping[str, str] = {name: spec.name for name, spec in FACTS.items() if spec.name}


# --- small pieces -----------------------------------------------------------------------------------------
def amount(value: float, unit: str) -> str:
    singular, plural = UNITS[unit]
    number = int(value) if float(value).is_integer() else value
    return f"{number} {singular if number == 1 else plural}"


def cite_line(catalogue: Catalogue, refs: Iterable[Reference], limit: int = 1) -> str:
    """'Bron: <label>, '<section>'.' for the first ``limit`` distinct references."""
    cited = list(dict.fromkeys(_cite_short(catalogue, r) for r in refs))[:limit]
    return "Bron: " + "; ".join(cited) + "." if cited else ""


def _cite_short(catalogue: Catalogue, ref: Reference) -> str:
    """A seed text by its title and section; a public fact by the site it comes from, as a link."""
    source = catalogue.sources.get(ref.source, {})
    if ref.href and ref.source.startswith("R-"):
        site = re.sub(r"^https?://(?:www\.)?", "", ref.href).split("/", 1)[0]
        return f"[{site}]({ref.href})"
    label = source.get("cite") or source.get("title") or ref.title
    text = f"{label}, '{ref.section}'"
    return f"[{text}]({ref.href})" if ref.href else text


def sources_line(catalogue: Catalogue, refs: Iterable[Reference]) -> str:
    """Every distinct source, for the 'Bronnen' answer."""
    cited = list(dict.fromkeys(_cite_short(catalogue, r) for r in refs))
    return "Bron: " + "; ".join(cited) + "." if cited else ""


def tel_link(number: str) -> str:
    digits = re.sub(r"[^\d+]", "", number)
    return f"[{number.strip()}](tel:{digits})"


def web_link(site: str) -> str:
    """A website as a link labelled with its host name; text that is no address ("de website van de VNG") stays
    text."""
    site = site.strip()
    if not re.fullmatch(r"(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?", site):
        return site
    href = site if site.startswith("http") else "https://" + site
    label = re.sub(r"^https?://", "", site).rstrip("/")
    if "/" in label:  # a deep link: the host says where it goes, the path is noise on a phone
        label = label.split("/", 1)[0]
    return f"[{label}]({href})"


def contact_sentence(body: Body, informal: bool = False) -> str:
    """'Bel [088-…](tel:…), mail [x](mailto:x) of kijk op [site](https://…).' — only what the catalogue has."""
    contact = body.contact
    parts = []
    if contact.get("phone"):
        parts.append("bel " + tel_link(str(contact["phone"])))
    if contact.get("email"):
        parts.append(f"mail [{contact['email']}](mailto:{contact['email']})")
    if contact.get("website"):
        parts.append("kijk op " + web_link(str(contact["website"])))
    if not parts:  # no number, address or site: how to reach it, in the catalogue's words
        how = str(contact.get("how") or "").strip()
        first = first_sentence(how)
        return sentences(how, 2) if len(first.split()) < SHORT_SENTENCE else first  # never a bare "Via het CAK."
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " of " + parts[-1]
    return text[0].upper() + text[1:] + "."


_MINORS = re.compile(r"[^.;]*\bonder de 18\b[^.;]*")  # who acts for someone under 18 (a body's who_may_submit)
SHORT_SENTENCE = 8  # words: a first sentence this short of a body's `contact.how` comes with the next one


def first_sentence(text: str) -> str:
    text = text.strip()
    match = re.search(r"(?<=[.!?])\s+(?=[A-Z0-9'\"(])", text)
    return text[: match.start()] if match else text


def sentences(text: str, limit: int) -> str:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9'\"(])", text.strip())
    return " ".join(parts[:limit])


# --- u → je for young people ---------------------------------------------------------------------------------
_VERB_U = {
    "heeft": "heb",
    "bent": "ben",
    "kunt": "kun",
    "wilt": "wil",
    "zult": "zal",
    "vindt": "vind",
    "gaat": "ga",
    "doet": "doe",
    "staat": "sta",
    "komt": "kom",
    "wordt": "word",
    "hebt": "heb",
    "moet": "moet",
    "mag": "mag",
    "zou": "zou",
    "kan": "kan",
    "weet": "weet",
    "zit": "zit",
    "wacht": "wacht",
    "praat": "praat",
    "zet": "zet",
    "eet": "eet",
    "laat": "laat",
    "houdt": "houd",
    "krijgt": "krijg",
}


# words ending in -t before "u" that are not verbs: they keep their -t
_NOT_VERBS = frozenset(
    {"met", "dat", "wat", "niet", "tot", "want", "omdat", "zodat", "nadat", "voordat", "totdat", "doordat", "opdat"}
)


# a subject right before "<verb>t u": then "u" is the object and the verb keeps its -t ("het loket helpt u" → "het
# loket helpt je"; "dan helpt u" → "dan help je")
_SUBJECTS = frozenset(
    {
        "hij",
        "zij",
        "ze",
        "men",
        "iemand",
        "niemand",
        "wij",
        "we",
        "loket",
        "gemeente",
        "zorgkantoor",
        "ciz",
        "cak",
        "verzekeraar",
        "zorgverzekeraar",
        "aanbieder",
        "zorgaanbieder",
        "clientondersteuner",
        "cliëntondersteuner",
        "instantie",
        "rechter",
        "ombudsman",
        "team",
        "vertrouwenspersoon",
        "huisarts",
        "medewerker",
        "consulent",
        "organisatie",
        "meldpunt",
        "akj",
        "expertteam",
        "praktijkteam",
        "ministerie",
        "veiligheidshuis",
    }
)
# links and addresses are never changed ("uw-wlz-aanvraag" in a web address)
_LINK = re.compile(r"(\]\([^)\s]*\)|https?://\S+|www\.\S+|mailto:\S+|tel:\S+|\S+@\S+)")


def informal(text: str) -> str:
    """Address a young person with 'je' instead of 'u' (verb before 'u' loses its -t: 'heeft u' → 'heb je'; not
    after a subject: 'het loket helpt u' → 'het loket helpt je'); links stay as they are."""
    # the split keeps the links (its one group) at the odd places
    return "".join(part if i % 2 else _informal_words(part) for i, part in enumerate(_LINK.split(text)))


def _informal_words(text: str) -> str:
    def verb_u(match: re.Match[str]) -> str:
        verb = match[2]
        lower = verb.lower()
        before = (match[1] or "").strip().lower()
        if lower in _NOT_VERBS or before in _SUBJECTS:  # "met u" → "met je", "het loket helpt u" → "helpt je"
            return f"{match[1] or ''}{verb} je"
        new = _VERB_U.get(lower) or (lower[:-1] if lower.endswith("t") and not lower.endswith("dt") else lower)
        if lower.endswith("dt") and lower not in _VERB_U:
            new = lower[:-1]
        if verb[0].isupper():
            new = new[0].upper() + new[1:]
        return f"{match[1] or ''}{new} je"

    text = re.sub(r"(\b[\wë]+ )?\b([A-Za-z]+t|mag|kan|zou) u\b", verb_u, text)
    text = re.sub(r"\bU zelf\b", "Jij zelf", text)
    text = re.sub(r"\bu zelf\b", "jij zelf", text)
    text = re.sub(r"\bUzelf\b", "Jezelf", text)
    text = re.sub(r"\buzelf\b", "jezelf", text)
    text = re.sub(r"\bUw\b", "Je", text)
    text = re.sub(r"\buw\b", "je", text)
    text = re.sub(r"\bU\b", "Je", text)
    return re.sub(r"\bu\b", "je", text)


def address(text: str, facts: CaseFacts) -> str:
    return informal(text) if facts.young else text


# --- the advice --------------------------------------------------------------------------------------------------
def _user_deadline(deadline: Deadline, catalogue: Catalogue, professional: bool = False, full: bool = False) -> str:
    """The user's term: the last day as a date (moved on by the Algemene termijnenwet, and why), today, or what can
    still be done when it has passed; ``full``: the whole answer for a late bezwaar and who to ask."""
    term = amount(deadline.value, deadline.unit)
    start = f" na {deadline.counts_from_text}" if deadline.counts_from_text else ""
    if deadline.due and deadline.passed:
        late = catalogue.explanations.get(deadline.late or "")
        if late and not full:  # the advice: one line; the whole answer is one tap away ("Hoe lang heb ik?")
            then = catalogue.text("deadline_late_short")
        elif late:  # its text says who can help
            then = " ".join(str(late["text"]).split())
        else:
            then = catalogue.text("deadline_passed_ask_professional" if professional else "deadline_passed_ask")
        return f"{catalogue.text('deadline_passed', date=format_date(deadline.due))} {then}"
    if deadline.due and deadline.last_day_today:
        line = catalogue.text("deadline_today", term=term, start=start)
    elif deadline.due and deadline.moved_from:
        what = rest_day(deadline.moved_from) or ""
        line = catalogue.text("deadline_due_moved", date=format_day(deadline.due), term=term, start=start, what=what)
    elif deadline.due:
        line = catalogue.text("deadline_due", date=format_day(deadline.due), term=term, start=start)
    else:
        line = catalogue.text("deadline_open", term=term, start=start)
    if deadline.uncertain or not deadline.firm:
        line += " " + catalogue.text("deadline_unsure")
    return line


def _rule_refs(deadline: Deadline, catalogue: Catalogue) -> list[Reference]:
    """The sources of the rule that moved the deadline (Algemene termijnenwet) or of what to do when it has passed."""
    topics = ["termijnenwet"] if deadline.moved_from else []
    if deadline.due and deadline.passed and deadline.late:
        topics.append(deadline.late)
    return [Reference.from_dict(r) for t in topics for r in catalogue.explanations.get(t, {}).get("reference") or ()]


def _body_deadline(deadline: Deadline) -> str:
    extra = f" (soms {amount(deadline.extension, deadline.unit)} langer)" if deadline.extension else ""
    return f"Daarna: {deadline.label}, binnen {amount(deadline.value, deadline.unit)}{extra}."


def advice_text(advice: Advice, catalogue: Catalogue, facts: CaseFacts) -> str:
    """The short advice message (about 80 words): step, why, how to reach it, deadline, source."""
    if advice.step is None:
        return exhausted_text(advice, catalogue, facts)
    step = advice.step
    body = step.body
    if step.status == "loopt":
        head = f"**Dit loopt nog: {body.short_label.rstrip('.')}.** Wacht op het antwoord."
    elif facts.is_professional:
        head = f"**Volgende stap: {body.label}.**"
    else:
        head = f"**Uw volgende stap: {body.label}.**"
    parts = [head]
    if advice.already_tried:
        parts.append(f"U probeerde al: {catalogue.body(advice.already_tried[-1]).short_label}".rstrip(".") + ".")
    parts.append(sentences(step.reason, 2))
    if step.via_professional:
        parts.append("Dit gaat via een professional: vraag uw cliëntondersteuner of zorgverlener dit te doen.")
    elif facts.is_professional and facts.role in (body.who_may_submit.get("roles") or ()):
        parts.append("Dit kunt u zelf doen.")
    minors = _MINORS.search(str(body.who_may_submit.get("text") or ""))
    if facts.young and minors:  # a 16-year-old does not file the bezwaar alone: the parent or voogd does (R-public §4)
        parts.append(catalogue.text("minor_via_parent"))
    if step.status != "loopt":
        parts.append(contact_sentence(body))
    extra: list[Reference] = []  # the source of a moved or passed term's rule, cited after the step's own
    for deadline in step.deadlines:
        if deadline.binding_on == "user" and step.status != "loopt":
            parts.append(_user_deadline(deadline, catalogue, facts.is_professional))
            extra = _rule_refs(deadline, catalogue)
            break
    if step.status == "loopt":
        for deadline in step.deadlines:
            if deadline.binding_on == "body":
                parts.append(_body_deadline(deadline))
                break
    uncertain = (body.contact.get("uncertain") or "").strip()
    if uncertain and step.status != "loopt":
        parts.append(first_sentence(uncertain))
    own = _linked_first(step.references or body.references, body.references)
    parts.append(cite_line(catalogue, [*own[:1], *extra], limit=1 + bool(extra)))
    return address(" ".join(p for p in parts if p), facts)


def _linked_first(refs: Iterable[Reference], more: Iterable[Reference] = ()) -> list[Reference]:
    """The references, those that a reader can open (with a link) first; public facts only with their link."""
    refs = list(refs)
    linked = [r for r in [*refs, *more] if r.href]
    seeds = [r for r in refs if not r.href and not r.source.startswith("R-")]
    return list(dict.fromkeys([*seeds, *linked] or refs))


def exhausted_text(advice: Advice, catalogue: Catalogue, facts: CaseFacts) -> str:
    tried = ", ".join(catalogue.body(b).short_label for b in advice.already_tried) or "de stappen die ik ken"
    text = (
        f"U probeerde al: {tried}. Ik ken geen volgende stap meer voor deze situatie, en ik verzin er geen. "
        "Praat met een mens: kies 'Ik wil iemand spreken'."
    )
    return address(text, facts)


def advice_buttons(advice: Advice) -> list[dict[str, str]]:
    """The details one tap away; only those that apply to this case."""
    buttons = [{"title": "Waarom deze stap?", "payload": '/detail{"onderwerp":"waarom"}'}]
    if advice.step is not None:
        if advice.step.body.prepare:
            buttons.append({"title": "Wat moet ik voorbereiden?", "payload": '/detail{"onderwerp":"voorbereiden"}'})
        if any(d.binding_on == "user" for d in advice.step.deadlines) and advice.step.status != "loopt":
            buttons.append({"title": "Hoe lang heb ik?", "payload": '/detail{"onderwerp":"termijn"}'})
        if advice.support or advice.step.body.who_may_submit.get("text"):
            buttons.append({"title": "Wie helpt mij hierbij?", "payload": '/detail{"onderwerp":"hulp"}'})
        buttons.append({"title": "En als dat niet helpt?", "payload": '/detail{"onderwerp":"daarna"}'})
        if advice.step.woonzorgplek:
            buttons.append({"title": "Wie doet wat?", "payload": '/detail{"onderwerp":"wie_doet_wat"}'})
        buttons.append({"title": "Dit heb ik al geprobeerd", "payload": "/volgende_stap"})
    if advice.checklist:
        buttons.append({"title": "Wat breng ik in kaart?", "payload": '/detail{"onderwerp":"in_kaart"}'})
    buttons.append({"title": "Bronnen", "payload": '/detail{"onderwerp":"bronnen"}'})
    return buttons


# --- the details ---------------------------------------------------------------------------------------------------
def why_text(advice: Advice, catalogue: Catalogue, facts: CaseFacts) -> str:
    if advice.step is None:
        return address(catalogue.text("no_step_yet"), facts)
    step = advice.step
    lines = [f"Ik noem **{step.body.label}**, omdat: {sentences(step.reason, 2)}"]
    what = step.body.text("what")
    if what:
        lines.append(sentences(what, 2))
    if step.conditions:
        lines.append("Voorwaarden: " + " ".join(first_sentence(c) for c in step.conditions[:2]))
    for body_id, reason in advice.skipped[:1]:
        lines.append(f"{catalogue.body(body_id).label} noem ik nog niet: {first_sentence(reason)}")
    lines.append(cite_line(catalogue, step.references or step.body.references, limit=2))
    return address("\n\n".join(lines), facts)


def prepare_text(advice: Advice, catalogue: Catalogue, facts: CaseFacts) -> str:
    if advice.step is None or not advice.step.body.prepare:
        return address("Voor deze stap hoeft u niets bijzonders voor te bereiden.", facts)
    items = "\n".join(f"- {item}" for item in advice.step.body.prepare[:4])
    refs = [r for item in advice.step.body.raw.get("prepare") or () for r in _refs_of(item)]
    return address(f"**Wat kunt u voorbereiden?**\n{items}\n\n{cite_line(catalogue, refs)}", facts)


def after_text(advice: Advice, catalogue: Catalogue, facts: CaseFacts) -> str:
    if advice.step is None:
        return address(catalogue.text("no_step_yet"), facts)
    if advice.after:
        nxt = advice.after[0]
        text = f"Helpt dit niet? Dan is de volgende stap: **{nxt.body.label}**. {sentences(nxt.reason, 1)}"
        if len(advice.after) > 1:
            text += f" Daarna: {advice.after[1].body.label}."
        text += "\n\n" + cite_line(catalogue, nxt.references or nxt.body.references)
        return address(text, facts)
    after = advice.step.body.text("after")
    if after:
        return address(
            f"{sentences(after, 2)}\n\n{cite_line(catalogue, advice.step.body.field_references('after'))}", facts
        )
    return address(
        "Na deze stap ken ik uit mijn bronnen geen volgende stap. Vraag iemand om mee te kijken: kies "
        "'Ik wil iemand spreken'.",
        facts,
    )


def sources_text(advice: Advice, catalogue: Catalogue, facts: CaseFacts) -> str:
    refs = list(advice.references)
    if not refs:
        return "Ik heb nog geen stap genoemd, dus ook nog geen bronnen."
    items = list(dict.fromkeys(_cite_short(catalogue, r) for r in refs))
    return "**Bronnen**\n" + "\n".join(f"- {item}" for item in items[:6])


def _cell_task(task: Mapping[str, Any], cell: Any) -> str:
    """What one party does for one task, as the stappenplan's cell says it: an "X" is the task itself, "X. <remark>"
    the task with that remark, any other text the party's own words; a cell whose column the seed does not show
    reliably says so."""
    title = " ".join(str(task["task"]).split())
    text = " ".join(str(cell).split()) if isinstance(cell, str) else ""
    if not text:
        line = title
    elif text.startswith("X."):
        line = f"{title}{'' if title.endswith(('.', '?', '!', ':')) else '.'} {text[2:].strip()}"
    else:
        line = text
    return (
        f"{line} (In het stappenplan staat niet duidelijk bij wie deze taak hoort.)"
        if task.get("column_uncertain")
        else line
    )


def who_does_what_text(advice: Advice, catalogue: Catalogue, facts: CaseFacts) -> str:
    """Every task of the stappenplan situation under each party whose cell has it, in that party's own words (the
    cell's text, with its conditions), the situation's own actions text first; the user's own party first."""
    situation = advice.step.woonzorgplek if advice.step else None
    if not situation:
        return address("Voor deze stap staat in het stappenplan geen takenlijst.", facts)
    labels = {
        **PARTY_LABEL,
        **{p: f"De {str(v)[0].lower()}{str(v)[1:]}" for p, v in (situation.get("column_labels") or {}).items()},
    }
    by_party: dict[str, list[str]] = {}
    for task in situation.get("tasks") or ():
        for party in PARTY_LABEL:
            cell = task.get(party)
            if cell:
                by_party.setdefault(party, []).append(_cell_task(task, cell))
    own = ROLE_PARTY.get(facts.role or "")
    order = ([own] if own in by_party else []) + [p for p in by_party if p != own]
    lines = [
        f"**Wie doet wat?** (stappenplan woonzorgplek, situatie {situation.get('number')}: {situation.get('title')})"
    ]
    actions = situation.get("actions")
    if actions:
        lines.append(" ".join(str(actions.get("text") if isinstance(actions, Mapping) else actions).split()))
    for party in order:
        label = "U (" + labels[party].lower() + ")" if party == own else labels[party]
        lines.append(f"{label}:")
        lines.extend(f"- {t}" for t in by_party[party])
    refs = [Reference.from_dict(r) for r in situation.get("reference") or ()]
    text = explain_jargon("\n".join(lines), catalogue.jargon)  # the seed's own words, its jargon explained
    return address(f"{text}\n{cite_line(catalogue, refs)}", facts)


def deadline_text(advice: Advice, catalogue: Catalogue, facts: CaseFacts) -> str:
    if advice.step is None or not advice.step.deadlines:
        return address(catalogue.text("deadline_none"), facts)
    lines = []
    refs: list[Reference] = []
    for deadline in advice.step.deadlines:
        lines.append(
            _user_deadline(deadline, catalogue, facts.is_professional, full=True)
            if deadline.binding_on == "user"
            else _body_deadline(deadline)
        )
        refs.extend([*deadline.references, *_rule_refs(deadline, catalogue)])
    lines.append(cite_line(catalogue, refs, limit=3))
    return address("\n".join(lines), facts)


def _refs_of(raw: Any) -> list[Reference]:
    if not isinstance(raw, Mapping):
        return []
    return [Reference.from_dict(r) for r in raw.get("reference") or ()]


def checklist_text(advice: Advice, catalogue: Catalogue, facts: CaseFacts) -> str:
    """Step 1 of the stappenplan complexe casuïstiek: the questions that map the case."""
    if not advice.checklist:
        return address("Voor deze situatie heb ik geen vragenlijst.", facts)
    refs = [
        Reference.from_dict(r)
        for r in ((catalogue.complexe_casuistiek or {}).get("metadata") or {}).get("reference") or ()
    ]
    items = "\n".join(f"- {q}" for q in advice.checklist[:8])
    return address(f"**Breng eerst in kaart:**\n{items}\n\n{cite_line(catalogue, refs)}", facts)


def contact_text(advice: Advice, catalogue: Catalogue, facts: CaseFacts) -> str:
    """How to reach the body of the step, and how to hand in what it needs (its `contact` in the catalogue)."""
    if advice.step is None:
        return address(catalogue.text("no_step_yet"), facts)
    return body_contact_text(advice.step.body, catalogue, facts)


def body_contact_text(body: Body, catalogue: Catalogue, facts: CaseFacts) -> str:
    """How to reach ``body`` (the step, or another body a question names: "hoe bereik ik dat praktijkteam?")."""
    how = str(body.contact.get("how") or "").strip()
    lines = [f"**{body.label}**: {contact_sentence(body)}"]
    if how and first_sentence(how) not in lines[0]:
        lines.append(sentences(how, 2))
    lines.append(cite_line(catalogue, body.field_references("contact") or body.references))
    return address("\n\n".join(lines), facts)


_COST_WORDS = re.compile(r"\b(?:gratis|kosten|kosteloos|griffierecht|euro|betaalt u)\b", re.I)
_COST_SENTENCE_WORDS = 22  # a longer sentence is not a short answer
_COST_FIELDS = ("what", "when", "who_may_submit", "contact", "after", "uncertain", "prepare")


def costs_text(advice: Advice, catalogue: Catalogue, facts: CaseFacts) -> str:
    """What the catalogue says about the costs of the step (sentences with gratis, kosten, griffierecht ...), or an
    honest 'my sources do not say' with who does know."""
    if advice.step is None:
        return address(catalogue.text("no_step_yet"), facts)
    body = advice.step.body
    found: list[str] = []
    refs: list[Reference] = []
    # the reason the advice gave first (it may say "gratis" itself), then the body's fields
    texts: list[tuple[Any, list[Reference]]] = [(advice.step.reason, list(advice.step.references))]
    for name in _COST_FIELDS:
        raw = body.raw.get(name)
        for item in raw if isinstance(raw, list) else [raw]:
            if isinstance(item, Mapping):
                texts.append((item.get("text") or item.get("how"), _refs_of(item)))
    for text, item_refs in texts:
        for sentence in re.split(r"(?<=[.!?])\s+", str(text or "").strip()):
            short = len(sentence.split()) <= _COST_SENTENCE_WORDS and not sentence.endswith("?")
            if short and _COST_WORDS.search(sentence) and sentence not in found:
                found.append(sentence)
                refs.extend(item_refs)
    if not found:
        return address(catalogue.text("costs_unknown", step=body.short_label), facts)
    shown = found[:3]  # each sentence with its own source (an amount is never shown without where it comes from)
    cited = cite_line(catalogue, refs or list(body.references), limit=len(shown))
    return address(f"{' '.join(shown)}\n\n{cited}", facts)


def carer_text(advice: Advice, catalogue: Catalogue, facts: CaseFacts) -> str:
    """For the mantelzorger: the gemeente's mantelzorgondersteuning and respijtzorg, from the catalogue."""
    lines = [catalogue.text("carer_intro")]
    refs: list[Reference] = []
    for body_id in ("mantelzorgondersteuning", "respijtzorg"):
        if body_id in catalogue.bodies:
            body = catalogue.body(body_id)
            lines.append(f"- **{body.label}**: {sentences(body.text('what'), 1)} {contact_sentence(body)}")
            refs.extend(body.references)
    lines.append(cite_line(catalogue, refs, limit=2))
    return address("\n".join(lines), facts)


def support_text(advice: Advice, catalogue: Catalogue, facts: CaseFacts) -> str:
    """Who may take the step (the body's `who_may_submit`: for someone under 18 the ouder or voogd at the CIZ) and
    who helps with it (the route's `support`: a cliëntondersteuner, the Juridisch Loket, the AKJ for young people)."""
    if advice.step is None:
        return address(catalogue.text("no_step_yet"), facts)
    body = advice.step.body
    lines: list[str] = []
    refs: list[Reference] = []
    who = str(body.who_may_submit.get("text") or "").strip()
    if who:
        lines += ["**Wie mag dit doen?**", sentences(who, 2)]
        refs.extend(body.field_references("who_may_submit"))
    if advice.support:
        lines.append("**Hulp hierbij:**")
        for support in advice.support:
            how = support.reason or sentences(support.body.text("what"), 1)
            lines.append(f"- **{support.body.label}**: {how} {contact_sentence(support.body)}")
            refs.extend(support.references or support.body.references)
    if not lines:
        return address(catalogue.text("support_none"), facts)
    lines.append(cite_line(catalogue, refs, limit=3))
    return address("\n".join(lines), facts)


DETAILS = {
    "contact": contact_text,
    "kosten": costs_text,
    "mantelzorger": carer_text,
    "in_kaart": checklist_text,
    "waarom": why_text,
    "voorbereiden": prepare_text,
    "daarna": after_text,
    "bronnen": sources_text,
    "wie_doet_wat": who_does_what_text,
    "termijn": deadline_text,
    "hulp": support_text,
}


# --- facts, info blocks -------------------------------------------------------------------------------------------
def describe_facts(facts: CaseFacts) -> list[str]:
    """'wet: Wlz (langdurige zorg)', … — what the assistant knows, one line each (the facts with a `summary` in
    catalogue/facts.yaml, in its order)."""
    lines = []
    for name, spec in FACTS.items():
        value = facts.get(name)
        if not spec.summary or value is None or value == UNKNOWN:
            continue
        if spec.summary == "if_true":
            if value is True:
                lines.append(f"{FACT_NAMES[name]}: {ANSWER_LABELS[True]}")
        elif spec.type == DATE:
            lines.append(f"{FACT_NAMES[name]}: {format_date(value)}")
        else:
            label = FACT_LABELS.get(name, {}).get(value, value)
            lines.append(label if spec.summary == "label" else f"{FACT_NAMES[name]}: {label}")
    return lines


def render_info(kind: str | None, catalogue: Catalogue, facts: CaseFacts) -> str:
    """A short info block for the routes that explain rather than escalate."""
    if kind == "zorgplicht":
        entries = (catalogue.zorgplicht or {}).get("entries") or ()
        chosen = [e for e in entries if e.get("law") == facts.law] or [e for e in entries if e.get("law")][:4]
        lines = ["**Wie heeft de zorgplicht?**"] + [
            f"- {e['label']}: {first_sentence(e['responsible_text'])}" for e in chosen[:4]
        ]
        refs = [Reference.from_dict(r) for e in chosen for r in e.get("reference") or ()]
        return address("\n".join([*lines, cite_line(catalogue, refs)]), facts)
    if kind == "clientondersteuning":
        info = catalogue.clientondersteuning or {}
        definition = info.get("definition")
        text = definition.get("text") if isinstance(definition, Mapping) else definition
        refs = [Reference.from_dict(r) for r in (info.get("metadata") or info).get("reference") or ()]
        return address(
            f"**Over cliëntondersteuning** {sentences(str(text or ''), 2)} {cite_line(catalogue, refs)}", facts
        )
    if kind == "complexe_casuistiek":
        data = catalogue.complexe_casuistiek or {}
        refs = _refs_of(data.get("metadata"))
        return address(
            "**Ingewikkelde situatie** Breng eerst in kaart wat er speelt, wat de cliënt zelf wil en wie "
            "betrokken is. Zonder toestemming vraagt u alleen algemeen advies, zonder gegevens van de cliënt. "
            f"{cite_line(catalogue, refs)}",
            facts,
        )
    if kind == "informatie_delen":
        sharing = (catalogue.complexe_casuistiek or {}).get("information_sharing") or {}
        rule = sharing.get("rule")
        text = rule.get("text") if isinstance(rule, Mapping) else rule
        refs = _refs_of(sharing) or _refs_of((catalogue.complexe_casuistiek or {}).get("metadata"))
        return address(f"**Informatie delen** {sentences(str(text or ''), 2)} {cite_line(catalogue, refs)}", facts)
    return ""


def render_advice(advice: Advice, catalogue: Catalogue, facts: CaseFacts) -> list[str]:
    """The messages of an advice, as a user reads them (kept for callers that want plain text)."""
    messages = []
    info = render_info(advice.info, catalogue, facts) if advice.info else ""
    if info:
        messages.append(info)
    if advice.step is not None or advice.exhausted:
        messages.append(advice_text(advice, catalogue, facts))
    return messages


def words(text: str) -> int:
    """Words a reader reads: Markdown link targets and markup are not counted."""
    plain = re.sub(r"\]\([^)]*\)", "]", text)
    plain = re.sub(r"[*_\[\]]", "", plain)
    return len(plain.split())
