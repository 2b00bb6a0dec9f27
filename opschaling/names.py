"""One lookup from the names people use to the bodies of the catalogue ("de klachtenfunctionaris", "het CCE",
"een onafhankelijke cliëntondersteuner" → body ids), and the steps a message says were already taken.

Names come from each body's YAML (label, short label, ``metadata.synonyms``) and the rung aliases of the routes,
so a new body needs no NLU data and no retrain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from opschaling.catalogue import Body, Catalogue
from opschaling.deadlines import add_term, value_on
from opschaling.facts import FACTS
from opschaling.understand import a_date, fold, second_round_failed, step_outcome

_ARTICLE = re.compile(r"^(?:de|het|een|uw|mijn)\s+")
_BRACKETED = re.compile(r"\(([^)]*)\)")
_MIN_LENGTH = 3


_LAWS = (*FACTS["law"].values, "wkkgz", "awb")  # the laws of the vocabulary, and two that no care is given under


def _bracketed_name(inner: str) -> str | None:
    """The part in brackets when it is another name of the body ("(CCE)", "(C.O.T., gehandicaptenzorg)", "(AKJ)"),
    not a description ("(gemeente)", "(via het zorgkantoor)", "(gemeente, CIZ, zorgkantoor, CAK)") or a law ("(Wmo)"):
    issue 15, "de gemeente helpt niet" is no verlengde jeugdhulp tried."""
    first = inner.split(",")[0].strip()
    if not first[:1].isupper() or fold(first) in _LAWS:
        return None
    return fold(first)


def _variants(name: str) -> set[str]:
    folded = fold(name)
    out = {folded, _ARTICLE.sub("", folded)}
    for inner in _BRACKETED.findall(name):  # "Centrum voor Consultatie en Expertise (CCE)" → "cce"
        found = _bracketed_name(inner)
        if found:
            out.add(found)
    out.add(_BRACKETED.sub("", folded).strip())
    return {v for v in out if len(v) >= _MIN_LENGTH}


_TABLES: dict[int, tuple[tuple[str, tuple[str, ...]], ...]] = {}


def _table(catalogue: Catalogue) -> tuple[tuple[str, tuple[str, ...]], ...]:
    key = id(catalogue)
    if key not in _TABLES:
        _TABLES[key] = _build(catalogue)
    return _TABLES[key]


def _names_of(body: Body) -> set[str]:
    """The names people use for a body: its label, short label and synonyms, in their variants."""
    meta = body.raw.get("metadata") or {}
    names = (body.label, body.short_label, *(meta.get("synonyms") or ()), *(body.raw.get("synonyms") or ()))
    return {variant for name in names for variant in _variants(str(name))}


def _build(catalogue: Catalogue) -> tuple[tuple[str, tuple[str, ...]], ...]:
    names: dict[str, set[str]] = {}
    for body in catalogue.bodies.values():
        for variant in _names_of(body):
            names.setdefault(variant, set()).add(body.id)
    for route in catalogue.routes.values():
        for rung in route.rungs:
            for alias in rung.aliases:
                names.setdefault(alias.replace("_", " "), set()).add(alias)
    # a generic name also counts for its kinds: "cliëntondersteuner" is also the Wlz and the Wmo one
    for name, ids in names.items():
        for body_id in list(ids):
            ids.update(b for b in catalogue.bodies if b.startswith(body_id + "_") and len(name) > 6)
    # longest names first, so "klacht bij de zorgverzekeraar" wins over "zorgverzekeraar"
    return tuple(sorted(((n, tuple(sorted(ids))) for n, ids in names.items()), key=lambda x: -len(x[0])))


def _named(text: str, catalogue: Catalogue) -> list[tuple[int, tuple[str, ...]]]:
    """(position, ids) for every name found in ``text``, longest names first, no two overlapping, in text order."""
    folded = fold(text)
    found: list[tuple[int, tuple[str, ...]]] = []
    taken: list[tuple[int, int]] = []
    for name, ids in _table(catalogue):
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", folded):
            span = match.span()
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            taken.append(span)
            found.append((span[0], ids))
    return sorted(found)


def _ids(named: Iterable[tuple[int, tuple[str, ...]]]) -> list[str]:
    """The body ids (or rung aliases) of names found by ``_named``, each once, in text order."""
    return list(dict.fromkeys(body_id for _, ids in named for body_id in ids))


def bodies_named(text: str, catalogue: Catalogue) -> list[str]:
    """Body ids (or rung aliases) named in ``text``, in the order they appear."""
    return _ids(_named(text, catalogue))


def body_named(text: str, catalogue: Catalogue, prefer: Iterable[str] = ()) -> str | None:
    """The one body a short phrase names first ("het CCE", "klachtenfunctionaris"), or None. A generic name counts
    for its own body ("cliëntondersteuner"); a word that several bodies share ("bezwaar": at the gemeente, the CIZ,
    the zorgkantoor or the CAK) names none of them, unless one is in ``prefer`` (the step of the advice: "moet ik
    dat bezwaar zelf schrijven?")."""
    for _, named in _named(text, catalogue):
        ids = [b for b in named if b in catalogue.bodies]
        if ids:
            break
    else:
        return None
    preferred = next((b for b in prefer if b in ids), None)
    if preferred:
        return preferred
    return next((b for b in ids if all(o == b or o.startswith(b + "_") for o in ids)), None)


# a clause that wishes for a step, asks about it or was offered it has not tried it: "ik wil wel een cliëntondersteuner
# maar bellen lukt niet", "het zorgkantoor zei dat ik een cliëntondersteuner kon krijgen maar dat kost vast geld"
_WISHED = re.compile(
    r"\b(?:wil|willen|wilde|zou|zouden|kan ik|kunnen we|kon krijgen|kan krijgen|kunt krijgen|mag ik|moet ik|"
    r"waar haal|hoe kom|hoe krijg|neem een|zeggen:? neem)\b"
)


# a step said not to be taken: "daar is toen geen bezwaar tegen gemaakt", "nooit een klacht ingediend", "nog niet bij
# de ombudsman geweest", "no objection was made": the name right after the negation (a word or two between)
_NOT_TAKEN = re.compile(r"\b(?:geen|nooit|nog niet|never|no)\s+(?:(?:een|de|het|bij|naar|met|an?|the)\s+){0,2}$")


def _not_taken(sentence: str, named: list[tuple[int, tuple[str, ...]]]) -> set[str]:
    """Of the names found in ``sentence`` (``_named``), the bodies named right after "geen", "nooit" or "nog niet":
    not tried (issue 15 item 5)."""
    folded = fold(sentence)
    return {b for position, ids in named if _NOT_TAKEN.search(folded[:position]) for b in ids}


def _only_wished(sentence: str, catalogue: Catalogue) -> set[str]:
    """The bodies that every clause (split at "maar") naming them wishes for, asks about or was offered."""
    parts = re.split(r"\bmaar\b", fold(sentence))
    clauses = [(bool(_WISHED.search(c)), set(bodies_named(c, catalogue))) for c in parts]
    named = set().union(*(bodies for _, bodies in clauses))
    return {b for b in named if all(wished for wished, bodies in clauses if b in bodies)}


# a story that says a step took place ("WSITR is gehouden", "cliëntondersteuner gehad"): tried
_STORY_DONE = re.compile(
    r"\b(?:gehad|gehouden|georganiseerd|ingezet|ingeschakeld|doorlopen|benaderd|gedaan|gesproken|bemiddeld|"
    r"ingebracht|aangemeld|geweest|betrokken|hadden|was er(?! \w+ (?:gepland|afgesproken))|"
    # English, as glossed ("we contacted the Juiste Loket", "the zorgkantoor put his case on the ketenoverleg")
    r"done|tried|held|organi[sz]ed|involved|contacted|joined|engaged|brought in|called in|put (?:his|her|the) case)\b"
)
# a list of what was tried, said once before it ("Wat we al gedaan hebben: ...", "What we've done: ..."): each step
# named after it was tried
_TRIED_LIST = re.compile(
    r"\b(?:wat (?:we|wij|ik) (?:al )?(?:gedaan|geprobeerd) (?:hebben|heb)|(?:al )?geprobeerd|"
    r"what (?:we|i)(?:'ve| have) (?:done|tried)|(?:we|i)(?:'ve| have) (?:already )?tried)\s*:"
)
# what was sent got its answer, or nothing changed: it no longer runs, and the person still asks what next
_REPLIED_OR_SAME = re.compile(
    r"\b(?:schreef|schreven|mailde|mailden|belde|belden) (?:\w+ ){0,3}terug\b|"
    r"\b(?:antwoord|reactie|oordeel|uitspraak|beslissing) (?:gekregen|ontvangen)\b|"
    r"\bkre(?:eg|gen) (?:ik |we |wij )?(?:een |het |hun )?(?:antwoord|reactie|oordeel|uitspraak|brief)\b|"
    r"\bzelfde verhaal\b|\bwrote back\b|\bgot (?:an? |their )?(?:answer|reply)\b|"
    r"\b(?:sindsdien|daarna|nog steeds) (?:precies |gewoon )?(?:hetzelfde|het zelfde)\b"
)
# a step of this kind (bezwaar, beroep, voorlopige voorziening) told as made runs until the story says how it ended
PENDING_UNTIL_DECIDED = "bezwaar_beroep"
PENDING_ALIASES = ("bezwaar", "beroep")  # the step ids that stand for every bezwaar or beroep (routes.yaml aliases)
_LEGAL_STEP = re.compile(r"\b(?:bezwaar\w*|beroep|voorlopige voorziening|ingebrekestelling|kort geding)\b")
_MADE = re.compile(r"\b(?:gemaakt|ingediend|ingesteld|gestuurd|aangevraagd|verstuurd|opgestuurd)\b")
_COMPLETED = re.compile(r"\b(?:gehad|doorlopen|geweest|afgerond|gedaan)\b")  # "bezwaar en beroep hebben we gehad"
# the sentence after a list of steps: nothing came of them
_NOTHING_CAME = re.compile(r"^(?:en )?(?:niks|niets|nothing|nada|zonder resultaat|geen resultaat|allemaal niks)\b")


def _runs_until_decided(step: str, catalogue: Catalogue) -> bool:
    """A bezwaar, beroep or other legal step: it runs until a decision on it comes."""
    return step in PENDING_ALIASES or (step in catalogue.bodies and catalogue.body(step).kind == PENDING_UNTIL_DECIDED)


def _waited_out(body_id: str, told: str, catalogue: Catalogue, today: date | None) -> bool:
    """A step told as sent longer ago than its body's term for an answer (a deadline with ``ends_pending``: two
    weeks after an ingebrekestelling), in the sentence that names it or the two after."""
    if today is None or body_id not in catalogue.bodies:
        return False
    for rule in catalogue.body(body_id).deadlines:
        term = value_on(rule["values"], today) if rule.get("ends_pending") else None
        if term is None:
            continue
        sent = a_date(told, today)
        return sent is not None and add_term(sent, term["value"], rule["unit"]) < today
    return False


def steps_said(
    text: str, catalogue: Catalogue, ignore: Iterable[str] = (), today: date | None = None
) -> dict[str, str]:
    """{body id: outcome} for steps the text says were tried ("het CCE heeft al advies gegeven maar het helpt
    niet" → {"cce": "niet_geholpen"}). Only 'loopt' and 'niet_geholpen' are taken from a story; "already
    involved" (gedaan) counts as not solved, since the user is asking what comes next. With ``today``, a step sent
    longer ago than its body's term for an answer did not help (``_waited_out``)."""
    result: dict[str, str] = {}
    sentences = [s for s in re.split(r"(?<=[.!?;])\s+", text) if s.strip()]
    listed = False  # after "What we've done:" every step named was tried
    for index, sentence in enumerate(sentences):
        listed = listed or bool(_TRIED_LIST.search(fold(sentence)))
        wished = _only_wished(sentence, catalogue)
        found = _named(sentence, catalogue)
        denied = _not_taken(sentence, found)
        said_here = [b for b in _ids(found) if b not in ignore and b not in wished | denied]
        if not said_here:
            continue
        named = list(said_here)
        outcome = step_outcome(sentence)
        folded = fold(sentence)
        legal = _LEGAL_STEP.search(folded)
        if outcome == "niet_geholpen" and legal and step_outcome(folded[legal.end() :]) != "niet_geholpen":
            # "het CIZ heeft de Wlz afgewezen, op 25 november heb ik bezwaar gemaakt": the decision was refused,
            # not the bezwaar; what came of the bezwaar is said after it, or not at all
            outcome = "gedaan" if _STORY_DONE.search(folded) or _MADE.search(folded) else None
        if outcome is None and (_STORY_DONE.search(folded) or listed):
            outcome = "gedaan"  # "vorige week hebben we een whole system in the room gehad"
        if outcome in (None, "loopt") and _REPLIED_OR_SAME.search(folded):
            # "klacht ingediend, ..., een maand later zelfde verhaal"; "op 15 september kreeg ik antwoord van de
            # klachtencoördinator"
            outcome = "niet_geholpen"
        # the next few sentences that name no other step tell how it went: "… ingeschakeld. Nog steeds niks.",
        # "klacht ingediend. Er was een gesprek. Daarna schreef de directie terug …"
        for following in sentences[index + 1 : index + 4]:
            if not set(bodies_named(following, catalogue)) <= set(named) or following.rstrip().endswith("?"):
                break  # another step, or the question the story ends with ("Is alles nu verloren?"), tells nothing
            # (the same step named again goes on with its story: "Op 15 september kreeg ik antwoord van de
            # klachtencoördinator")
            folded_following = fold(following)
            later = "niet_geholpen" if _NOTHING_CAME.match(folded_following) else step_outcome(following)
            if later == "niet_geholpen" or (outcome == "loopt" and _REPLIED_OR_SAME.search(folded_following)):
                outcome = "niet_geholpen"
                break
            if outcome not in ("niet_geholpen", "loopt") and later:
                outcome = later
        if outcome == "gedaan":
            # a bezwaar or beroep made, and no word of a decision on it: it still runs ("op 25 november heb ik bezwaar
            # gemaakt. Maar dat duurt weken"); any other step "al betrokken" in a story that asks what next did not
            # solve it
            made = bool(_MADE.search(folded)) and not _COMPLETED.search(folded)  # "gemaakt", not "gehad"
            pending = [b for b in named if made and _runs_until_decided(b, catalogue)]
            for body_id in pending:
                result.setdefault(body_id, "loopt")
            named = [b for b in named if b not in pending]
            outcome = "niet_geholpen"
        if outcome == "niet_geholpen":  # a story goes forward: "bezwaar gemaakt. ... bezwaar ongegrond."
            result.update(dict.fromkeys(named, outcome))
        elif outcome == "loopt":
            for body_id in named:
                result.setdefault(body_id, outcome)
        # sent, or running, longer ago than the body's term for an answer: it did not help ("drie weken geleden een
        # ingebrekestelling gestuurd"); without a time said the dialogue asks
        told = " ".join(sentences[index : index + 3])
        sent = bool(_MADE.search(folded))
        for body_id in said_here:
            if result.get(body_id) not in (None, "loopt"):
                continue
            if (sent or result.get(body_id) == "loopt") and _waited_out(body_id, told, catalogue, today):
                result[body_id] = "niet_geholpen"
    bodies = catalogue.bodies
    if "zorgkantoor" in bodies and second_round_failed(text):
        # "2e ronde samen met het zorgkantoor, ook niks": its wachtlijstbemiddeling did not find a place (S2)
        result["zorgkantoor"] = "niet_geholpen"
    if (
        "whole_system_evaluatie" in bodies
        and "whole_system_in_the_room" in bodies
        and _meeting_again_with_mandate(catalogue).search(fold(text))
    ):
        # "in juni een zorgconferentie, in oktober nog een met iemand die wel mocht beslissen": the evaluation of the
        # meeting, again with people who may decide (S2), was done too
        result.setdefault("whole_system_evaluatie", "niet_geholpen")
    return result


# a second meeting, now with people who may decide: the evaluation step of S2 ("opnieuw, met mensen met mandaat").
# The meeting's names are whole_system_in_the_room's names in the catalogue, and the plain words for any meeting.
_MEETING_WORDS = ("bijeenkomst", "overleg")
_MANDATE = (
    r"(?:mocht(?:en)? beslissen|mag beslissen|mogen beslissen|kon(?:den)? beslissen|met mandaat|mandaat had|"
    r"beslissingsbevoegd\w*|bestuurder|could (?:actually |really )?decide|can decide|with (?:a )?mandate|"
    r"decision[- ]makers?|directors?)"
)
_AGAIN_PATTERNS: dict[int, re.Pattern[str]] = {}


def _meeting_again_with_mandate(catalogue: Catalogue) -> re.Pattern[str]:
    """ "nog een zorgconferentie ... met iemand die mocht beslissen", with the meeting's names from the catalogue."""
    key = id(catalogue)
    if key not in _AGAIN_PATTERNS:
        names = _names_of(catalogue.bodies["whole_system_in_the_room"]) | set(_MEETING_WORDS)
        meeting = "(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + ")"
        _AGAIN_PATTERNS[key] = re.compile(
            rf"\b(?:nog (?:een|1)|tweede|opnieuw (?:een )?|weer (?:een )?){meeting}\b[^.?!]{{0,120}}\b{_MANDATE}|"
            rf"\b{meeting}\b[^.?!]{{0,60}}\b(?:nog (?:een|1)|de tweede|the second(?: one)?|(?:nr|nummer|no)\.? ?2)\b"
            rf"[^.?!]{{0,80}}\b{_MANDATE}"
        )
    return _AGAIN_PATTERNS[key]
