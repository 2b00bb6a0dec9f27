"""The advice in plain Dutch (B1): short sentences, one step at a time, always with its sources."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from opschaling.catalogue import Body, Catalogue, Reference
from opschaling.dates import format_date
from opschaling.deadlines import Deadline
from opschaling.engine import Advice, Step
from opschaling.facts import UNKNOWN, CaseFacts

UNITS = {"days": ("dag", "dagen"), "workdays": ("werkdag", "werkdagen"), "weeks": ("week", "weken"),
         "months": ("maand", "maanden")}
# Which column of the woonzorgplek task table speaks to which user role.
ROLE_COLUMN = {"client": "clientondersteuner", "naaste": "clientondersteuner", "clientondersteuner": "clientondersteuner",
               "zorgprofessional": "zorgaanbieder", "zorgkantoor_medewerker": "zorgkantoor"}
COLUMN_LABEL = {"clientondersteuner": "de onafhankelijke cliëntondersteuner", "zorgaanbieder": "de zorgaanbieder",
                "zorgkantoor": "het zorgkantoor"}


def amount(value: float, unit: str) -> str:
    singular, plural = UNITS[unit]
    number = int(value) if float(value).is_integer() else value
    return f"{number} {singular if number == 1 else plural}"


def sources_line(catalogue: Catalogue, refs: Iterable[Reference]) -> str:
    cited = list(dict.fromkeys(catalogue.cite(r) for r in refs))
    return "Bron: " + "; ".join(cited) + "." if cited else ""


def contact_lines(body: Body) -> list[str]:
    contact = body.contact
    lines = [contact["how"].strip()]
    for key, label in (("website", "Website"), ("phone", "Telefoon"), ("email", "E-mail")):
        if contact.get(key):
            lines.append(f"{label}: {contact[key]}")
    if contact.get("uncertain"):
        lines.append(f"Let op: {contact['uncertain'].strip()}")
    return lines


def deadline_line(deadline: Deadline) -> str:
    term = amount(deadline.value, deadline.unit)
    if deadline.binding_on == "user":
        line = f"U heeft {term} voor: {deadline.label}"
    else:
        line = f"Termijn voor de instantie: {deadline.label}, binnen {term}"
    if deadline.counts_from_text:
        line += f" (gerekend vanaf {deadline.counts_from_text})"
    line += "."
    if deadline.extension:
        line += f" Dit kan soms {amount(deadline.extension, deadline.unit)} langer duren."
    if deadline.due:
        line += f" Dat is tot en met **{format_date(deadline.due)}**."
        if deadline.passed and deadline.binding_on == "user":
            line += (" Die datum lijkt al voorbij. Vraag snel aan een cliëntondersteuner of het Juridisch Loket"
                     " wat u nog kunt doen.")
        elif deadline.days_left is not None and deadline.binding_on == "user":
            line += f" Nog {deadline.days_left} dagen."
    if deadline.uncertain or not deadline.firm:
        line += f" Let op: deze termijn is niet zeker. {deadline.uncertain or ''}".rstrip()
    return line


def woonzorgplek_lines(step: Step, role: str | None) -> list[str]:
    """Who does what in this situation of the stappenplan woonzorgplek: the user's own column first."""
    situation = step.woonzorgplek
    if not situation:
        return []
    own = ROLE_COLUMN.get(role or "", "clientondersteuner")
    columns = [own] + [c for c in COLUMN_LABEL if c != own]
    lines = []
    tasks = sorted(situation.get("tasks") or (), key=lambda t: not t.get(own))  # the user's own tasks first
    for task in tasks:
        column = next((c for c in columns if task.get(c)), None)
        if column is None:
            continue
        cell = task[column]
        detail = first_sentence(cell.strip().removeprefix("X").lstrip(". ")) if isinstance(cell, str) else ""
        detail = f" ({detail})" if detail else ""
        doubt = " (in de bron is niet zeker wie dit doet)" if task.get("column_uncertain") else ""
        lines.append(f"- {COLUMN_LABEL[column].capitalize()}: {task['task'].strip()}{detail}{doubt}")
        if len(lines) == 3:
            break
    title = f"**Wie doet wat?** Stappenplan woonzorgplek, situatie {situation.get('number')}: {situation.get('title')}."
    return [title + "\n" + "\n".join(lines)] if lines else []


def first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def render_step(step: Step, catalogue: Catalogue, facts: CaseFacts, heading: str) -> str:
    body = step.body
    parts = [f"**{heading}: {body.label}**", step.reason]
    what = body.text("what")
    if what:
        parts.append(f"**Wat doet het?** {what}")
    who = body.who_may_submit["text"].strip()
    if step.via_professional:
        parts.append(f"**Wie kan dit doen?** {who} Vraag daarom een professional die u helpt (bijvoorbeeld uw"
                     " cliëntondersteuner) om dit te doen.")
    else:
        parts.append(f"**Wie kan dit doen?** {who}")
    parts.append("**Hoe bereikt u ze?** " + " ".join(contact_lines(body)))
    for deadline in step.deadlines:
        parts.append("**Termijn:** " + deadline_line(deadline))
    if body.prepare:
        parts.append("**Wat kunt u voorbereiden?**\n" + "\n".join(f"- {p}" for p in body.prepare))
    parts.extend(woonzorgplek_lines(step, facts.role))
    for note in body.uncertain[:1]:
        parts.append(f"**Let op:** {note}")
    return "\n\n".join(p for p in parts if p)


def render_advice(advice: Advice, catalogue: Catalogue, facts: CaseFacts) -> list[str]:
    """The messages for an advice, in the order they are sent."""
    messages: list[str] = []
    if advice.safety:
        messages.append(render_safety(advice.safety.body, catalogue))
    info = render_info(advice.info, catalogue, facts) if advice.info else ""
    if info:
        messages.append(info)
    if advice.step:
        heading = "U wacht nu op" if advice.step.status == "loopt" else "Uw volgende stap"
        text = render_step(advice.step, catalogue, facts, heading)
        if advice.already_tried:
            tried = ", ".join(catalogue.body(b).short_label for b in advice.already_tried)
            text = f"U heeft al geprobeerd: {tried}. Daarom noem ik de stap daarna.\n\n" + text
        text += "\n\n" + render_after(advice)
        support = [s for s in advice.support if s.id != advice.step.id][:2]
        for item in support:
            text += f"\n\n**Hulp daarbij:** {item.body.label}. {item.reason or first_sentence(item.body.text('what'))}"
        refs = list(advice.references) + [r for item in support for r in (item.references or item.body.references)]
        text += "\n\n_" + sources_line(catalogue, refs) + "_"
        messages.append(text)
    elif advice.exhausted:
        messages.append(render_exhausted(advice, catalogue))
    return messages


def render_after(advice: Advice) -> str:
    if not advice.step:
        return ""
    after_text = advice.step.body.text("after")
    if advice.after:
        names = ". Daarna: ".join(s.body.label for s in advice.after)
        line = f"**Helpt dit niet?** Dan is de volgende stap: {names}."
        return line + (f" {after_text}" if after_text and advice.step.status != "loopt" else "")
    if after_text:
        return f"**Helpt dit niet?** {after_text}"
    return "**Helpt dit niet?** Dan ken ik uit mijn bronnen geen volgende stap. Vraag iemand om mee te kijken."


def render_safety(body: Body, catalogue: Catalogue) -> str:
    return "\n\n".join([
        "**Eerst uw veiligheid.**",
        body.text("what") or body.text("when"),
        "_" + sources_line(catalogue, body.references) + "_",
    ])


def render_exhausted(advice: Advice, catalogue: Catalogue) -> str:
    tried = ", ".join(catalogue.body(b).short_label for b in advice.already_tried) or "de stappen die ik ken"
    return ("Ik ken uit mijn bronnen geen volgende stap meer voor deze situatie. U heeft al geprobeerd: "
            f"{tried}. Ik verzin geen andere instantie. Wilt u met iemand praten? Kies 'Ik wil iemand spreken'.")


def render_why(advice: Advice, catalogue: Catalogue, facts: CaseFacts) -> str:
    """Answer to 'waarom?': the reason, what we based it on, and the sources."""
    if not advice.step:
        return "Ik heb nog geen stap genoemd. Vertel me eerst wat er speelt."
    known = describe_facts(facts)
    lines = [f"Ik noemde **{advice.step.body.label}**, omdat: {advice.step.reason}"]
    when = advice.step.body.text("when")
    if when:
        lines.append(f"Deze stap is bedoeld voor: {when}")
    if advice.already_tried:
        lines.append("U heeft al geprobeerd: " + ", ".join(catalogue.body(b).short_label for b in advice.already_tried) + ".")
    for body_id, reason in advice.skipped[:2]:
        lines.append(f"{catalogue.body(body_id).label} noem ik nog niet: {reason}")
    if known:
        lines.append("Wat ik van u weet: " + known + ". Klopt iets niet? Zeg het gerust, bijvoorbeeld: 'het was de gemeente'.")
    lines.append("_" + sources_line(catalogue, advice.references) + "_")
    return "\n\n".join(lines)


FACT_LABELS = {
    "law": {"wlz": "Wlz", "wmo": "Wmo", "jeugdwet": "Jeugdwet", "zvw": "Zorgverzekeringswet", "forensisch": "forensische zorg"},
    "organisation": {"gemeente": "de gemeente", "ciz": "het CIZ", "zorgkantoor": "het zorgkantoor",
                     "zorgverzekeraar": "de zorgverzekeraar", "zorgaanbieder": "een zorgaanbieder", "cak": "het CAK"},
    "role": {"client": "u bent de cliënt", "naaste": "u bent familie of naaste", "clientondersteuner": "u bent cliëntondersteuner",
             "zorgprofessional": "u bent zorgprofessional", "gemeente_medewerker": "u werkt bij de gemeente",
             "zorgkantoor_medewerker": "u werkt bij het zorgkantoor"},
    "age_group": {"kind": "jonger dan 18", "jongvolwassene": "18 tot 23 jaar", "volwassene": "23 jaar of ouder"},
}


def describe_facts(facts: CaseFacts) -> str:
    parts = []
    if facts.law and facts.law != UNKNOWN:
        parts.append("wet: " + FACT_LABELS["law"][facts.law])
    if facts.organisation and facts.organisation != UNKNOWN:
        parts.append("organisatie: " + FACT_LABELS["organisation"][facts.organisation])
    if facts.role:
        parts.append(FACT_LABELS["role"][facts.role])
    if facts.age_group and facts.age_group != UNKNOWN:
        parts.append("leeftijd: " + FACT_LABELS["age_group"][facts.age_group])
    for name, label in (("decision_date", "datum besluit"), ("objection_decision_date", "datum beslissing op bezwaar")):
        value = facts.get(name)
        if value and value != UNKNOWN:
            parts.append(f"{label}: {format_date(value)}")
    return "; ".join(parts)


def render_info(kind: str | None, catalogue: Catalogue, facts: CaseFacts) -> str:
    if kind == "zorgplicht":
        return render_zorgplicht(catalogue, facts)
    if kind == "clientondersteuning":
        return render_clientondersteuning(catalogue)
    if kind == "informatie_delen":
        return render_information_sharing(catalogue, facts)
    return ""


def _refs(raw: Mapping[str, Any] | None) -> list[Reference]:
    if not raw:
        return []
    meta = raw.get("metadata", raw)
    return [Reference.from_dict(r) for r in meta.get("reference") or ()]


def render_zorgplicht(catalogue: Catalogue, facts: CaseFacts) -> str:
    table = catalogue.zorgplicht
    entries = table.get("entries") or ()
    lines = ["**Wie heeft de zorgplicht?**"]
    chosen = [e for e in entries if e.get("law") == facts.law] if facts.law not in (None, UNKNOWN) else []
    rows = chosen or [e for e in entries if e.get("law")]
    for entry in rows:
        lines.append(f"- {entry['label']}: {entry['responsible_text']}")
    for entry in entries:
        transition = entry.get("transition")
        if not transition or (facts.law not in (None, UNKNOWN) and facts.law not in
                              (*transition.get("from", ()), transition.get("to"))):
            continue
        lines.append(f"- {entry['label']}: {entry['responsible_text']}")
        for rule in entry.get("rules") or ():
            lines.append(f"  - {rule['text'].strip()}")
        if entry.get("uncertain"):
            lines.append(f"  Let op: {entry['uncertain'].strip()}")
    refs = _refs(table) + [Reference.from_dict(r) for e in rows for r in e.get("reference") or ()]
    lines.append("_" + sources_line(catalogue, refs) + "_")
    return "\n".join(lines)


def _text(value: Any) -> str:
    if isinstance(value, Mapping):
        return str(value.get("text", "")).strip()
    return str(value or "").strip()


def render_clientondersteuning(catalogue: Catalogue) -> str:
    info = catalogue.clientondersteuning
    if not info:
        return ""
    characteristics = info.get("characteristics") or {}
    lines = ["**Over cliëntondersteuning**", _text(info.get("definition"))]
    facts = []
    if _flag(characteristics.get("free")):
        facts.append("U hoeft er niet voor te betalen.")
    if _flag(characteristics.get("short_term")):
        facts.append("Het is kortdurende hulp.")
    lines.extend(facts)
    forms = info.get("forms") or ()
    if forms:
        lines.append("Een cliëntondersteuner helpt onder andere:")
        lines.extend(f"- {_text(f)}" for f in (forms.get("items") if isinstance(forms, Mapping) else forms))
    lines.append("_" + sources_line(catalogue, _refs(info)) + "_")
    return "\n".join(line for line in lines if line)


def _flag(value: Any) -> bool:
    if isinstance(value, Mapping):
        return bool(value.get("value", value.get("text")))
    return bool(value)


def render_information_sharing(catalogue: Catalogue, facts: CaseFacts) -> str:
    sharing = (catalogue.complexe_casuistiek or {}).get("information_sharing") or {}
    if not sharing:
        return ""
    lines = ["**Informatie delen**", _text(sharing.get("rule"))]
    if facts.consent is False:
        lines.append("Zonder toestemming kunt u:")
        for option in sharing.get("without_consent") or ():
            lines.append(f"- {_text(option)}")
    zvh = _text(sharing.get("zorg_en_veiligheidshuis"))
    if zvh:
        lines.append(zvh)
    lines.append("_" + sources_line(catalogue, _refs(sharing) or _refs(catalogue.complexe_casuistiek)) + "_")
    return "\n".join(line for line in lines if line)
