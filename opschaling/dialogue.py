"""One turn of the conversation: the state and the user's message in, the new state and the messages out.

Pure Python, no Rasa: ``actions/turn.py`` only translates the tracker to a ``Turn`` and the reply to the
dispatcher. The order inside ``respond`` never changes (see docs/ARCHITECTURE.md):

1. safety — a danger sign on any message, in any state, is answered first with the crisis step;
2. read every fact the message states (also corrections, "weet ik niet", step outcomes);
3. conversation moves (waarom, details, a question like "wat is het CCE?", handoff, restart, feedback);
4. the engine: one question (asked at most twice) or the advice.

Every sentence this module says is a key of ``catalogue/texts.yaml`` (``_Conversation.phrase`` / ``addressed``);
the answers about steps come from ``opschaling.render``. tests/dialogue/test_text_layer.py keeps Dutch out of here.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from documents.offer import OVERZICHT, offered
from opschaling import crisis, language, names, render, safety, safety_rules, understand
from opschaling.catalogue import Catalogue, Reference, load_catalogue
from opschaling.dates import format_date
from opschaling.engine import CRISIS_BODY, Advice, Question, advise, question_for
from opschaling.facts import ALLOWED, BOOLEAN_FACTS, CHOICE, DATE_FACTS, FACTS, UNKNOWN, VOCABULARY, CaseFacts
from opschaling.safety import Signal

MAX_CHARS = 4000
MAX_ASKS = 2  # no question is asked a third time
PENDING_CHARS = 500  # a question left behind a danger sign is kept this long (as "unread" texts are)
MAX_SITUATION_BUTTONS = 6  # more do not fit a phone screen; typing always works
SITUATION_CONFIDENCE = 0.5
SWITCH_CONFIDENCE = 0.8
KEYWORDS_WIN_BELOW = 0.8
# what the user wants to do outranks the field it is in (lexicon/situations.yaml `actions`, `topics`)
ACTION_SITUATIONS = understand.ACTION_SITUATIONS
TOPIC_SITUATIONS = understand.TOPIC_SITUATIONS
YES_NO_FACTS = BOOLEAN_FACTS  # answered with /affirm, /deny or free-text ja / nee (catalogue/facts.yaml)
# The entity that carries a fact in a button payload (catalogue/facts.yaml `entity`; see data/nlu and domain.yml).
FACT_ENTITY = {
    **{name: spec.entity for name, spec in FACTS.items() if spec.entity},
    "step_outcome": VOCABULARY.step_outcome.entity,
}
ENTITY_FACT = {spec.entity: name for name, spec in FACTS.items() if spec.entity and spec.type == CHOICE}
# Intents that name a situation, and what they tell about the steps already taken.
SITUATION_INTENTS = {
    "besluit_oneens": ("besluit_oneens", {}),
    "beroep_instellen": ("besluit_oneens", {"bezwaar": "niet_geholpen"}),
    "vraag_termijn": ("besluit_oneens", {}),
    "klacht_zorgaanbieder": ("klacht_zorgaanbieder", {}),
    "klacht_instantie": ("klacht_instantie", {}),
    "geen_plek": ("geen_plek", {}),
    "zorg_past_niet": ("zorg_past_niet", {}),
    "probleemgedrag": ("probleemgedrag", {}),
    "multiproblematiek": ("multiproblematiek", {}),
    "jeugdzorg": ("jeugdzorg", {}),
    "kastje_muur": ("kastje_muur", {}),
    "wie_verantwoordelijk": ("wie_verantwoordelijk", {}),
    "vraag_clientondersteuning": ("vraag_clientondersteuning", {}),
    "informatie_delen": ("informatie_delen", {}),
    "besluit_te_laat": ("besluit_te_laat", {}),
    "achttien_worden": ("achttien_worden", {}),
    "mantelzorg_overbelast": ("mantelzorg_overbelast", {}),
}
# Facts that still apply when the user moves to another topic ("iets anders").
FALLBACK_SITUATION = "kastje_muur"  # after two unanswered "what is going on?": the route for not knowing where to go
# after the open question names only an organisation: the yes/no question that tells its two most common situations
# apart, and the situation of each answer (the question texts and their buttons: catalogue/questions.yaml)
NARROWING_BY_ORGANISATION = {
    "gemeente": "about_decision",
    "ciz": "about_decision",
    "zorgkantoor": "about_decision",
    "cak": "about_decision",
    "zorgaanbieder": "termination",
}
# a complaint about one of these (the answer to "Over welke organisatie gaat uw klacht?") is about a body
COMPLAINT_ABOUT_A_BODY = ("gemeente", "ciz", "zorgkantoor", "cak", "zorgverzekeraar")
NARROWING: dict[str, dict[Any, str]] = {
    "about_decision": {True: "besluit_oneens", False: "klacht_instantie"},
    # (not knowing whether the provider ended the care: it did not say so; a complaint about the care is the route)
    "termination": {True: "zorg_past_niet", False: "klacht_zorgaanbieder", UNKNOWN: "klacht_zorgaanbieder"},
}
_PAYLOAD_LIKE = re.compile(r"""^\s*["'\u201c]?\s*/[A-Za-z_]+""")
MOVE_INTENTS = (
    "human_handoff",
    "bot_challenge",
    "greet",
    "thanks",
    "goodbye",
    "out_of_scope",
    "waarom",
    "volgende_stap",
    "feedback",
    "restart",
    "opnieuw_beginnen",
)
KEEP_ON_NEW_TOPIC = ("law", "organisation", "role", "age_group")
# the organisation a professional's "wij" is (_question_context)
OWN_ORGANISATION = {
    "gemeente_medewerker": "gemeente",
    "zorgkantoor_medewerker": "zorgkantoor",
    "zorgaanbieder": "zorgaanbieder",
}
HUMAN_ROUTES_CLIENT = ("clientondersteuner", "juiste_loket")
HUMAN_ROUTES_PROFESSIONAL = ("juiste_loket", "vws_praktijkteam")
HANDOFF_PAYLOAD = "/human_handoff"
OVERVIEW_PAYLOAD = '/detail{"onderwerp":"overzicht"}'  # "Overzicht maken": what goes in it, then the links
# a fallback sentence never comes twice in a row: the second time the other wording
FALLBACK_AGAIN = {
    "advice_given_already": "advice_given_already_again",
    "question_unknown": "question_unknown_again",
    "advice_given_already_again": "advice_given_already",
    "question_unknown_again": "question_unknown",
}
ALARM_KINDS = ("crisis", "check_in")  # the kinds of message that come before anything else in a reply


@dataclass(frozen=True)
class Turn:
    text: str
    intent: str | None = None
    confidence: float = 1.0
    ranking: tuple[tuple[str, float], ...] = ()
    entities: tuple[tuple[str, Any], ...] = ()
    payload: str | None = None
    metadata: Mapping[str, Any] | None = None


@dataclass
class Message:
    text: str
    kind: str  # crisis | check_in | question | advice | detail | info | notice | error
    buttons: list[dict[str, str]] = field(default_factory=list)
    feedback: bool = False
    trace: dict[str, Any] | None = None
    documents: list[str] = field(default_factory=list)  # documents/offer.py: the channels turn them into links

    def opsw(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "feedback": self.feedback}
        if self.trace is not None:
            data["trace"] = self.trace
        if self.documents:
            data["documents"] = list(self.documents)
        return data


@dataclass
class Reply:
    state: dict[str, Any]
    messages: list[Message]


def new_state() -> dict[str, Any]:
    return {
        "facts": {},
        "asked": None,
        "asked_step": None,
        "asked_count": {},
        "clarify": None,
        "clarified": None,
        "last": None,
        "last_fallback": None,
        "confirm_restart": None,  # "Wilt u opnieuw beginnen?" was asked (a typed restart that was not plainly one)
        "other_language": None,
        "safety": None,
        "safety_tier": None,  # the tier of the last danger sign: "crisis" or "check_in"
        "pending_question": None,  # a question asked with a crisis message or a check-in: answered next message
        # "weet ik niet" to "Waar loopt u tegenaan?": once, which organisation and what it says ("due", then "asked"),
        # before the route for not knowing where to go
        "situation_probe": None,
        "complaint_org": None,  # "due" / "asked" / "done": over whom a complaint that names no one is
        "check_in": None,
        "weak_sign": False,
        "sign_last_turn": False,  # a danger sign in the previous message: the model reads this one after a sign
        "helplines_shown": False,
        # the crisis groups (suicide, violence, acute) of the check-ins answered with "nee": after one, an answer to a
        # question is not read as a new sign, and only the model's reading of the same group brings no check-in again
        "declined_groups": [],
        "greeted": False,
        "feedback": [],
        "unread": [],
        "info_shown": [],  # the route backgrounds already shown ("zorgplicht:wlz", render_info): each once
        "last_plain": [],  # the info, notice and error texts of the previous reply: none comes twice in a row
    }


# ------------------------------------------------------------------------------------------------------------
class _Conversation:
    """Working state of one turn."""

    def __init__(self, state: Mapping[str, Any] | None, turn: Turn, catalogue: Catalogue, today: date) -> None:
        base = new_state()
        base.update(json.loads(json.dumps(dict(state or {}), default=str)))
        self.state = base
        self.turn = turn
        self.catalogue = catalogue
        self.today = today
        self.text = (turn.text or "")[:MAX_CHARS]
        self.is_payload = bool(turn.payload) or self.text.startswith("/")
        self.typed = "" if self.is_payload else self.text  # as typed: read for danger signs and the language
        self.words_text = understand.gloss(self.typed)  # read for facts: English step names in Dutch (english.yaml)
        self.folded = understand.fold(self.words_text)
        self.messages: list[Message] = []
        self.changed: list[str] = []
        self.answered = False
        self.progress = False  # a fact or step was learnt this turn (then a re-ask is not a "miss")
        self.pending_answered = False  # questions left behind a danger sign were answered in this reply
        self.interrupted = False  # a crisis message or an answer to a side question came first
        self.sign_here = False  # a danger sign (or the answer to a check-in) is in this message: it answers no question
        self.helplines = False  # a weak sign: the reply ends with the help lines
        self.topic_answered: str | None = None  # a question the seeds answer was answered this turn (_seed_question)
        self.trace_wanted = bool((turn.metadata or {}).get("trace"))

    # --- what the words say (read once a turn; several steps use them) -------------------------------------
    @cached_property
    def words_read(self) -> dict[str, Any]:
        """The facts the typed text states, the pending question's answer included."""
        asked, step = (None, None) if self.sign_here else (self.state.get("asked"), self.state.get("asked_step"))
        return understand.read_facts(self.words_text, self.today, asked=asked, step=step)

    @cached_property
    def guessed_situation(self) -> str | None:
        return understand.guess_situation(self.words_text) if self.words_text else None

    # --- state helpers ---------------------------------------------------------------------------------------
    @property
    def facts_raw(self) -> dict[str, Any]:
        return self.state["facts"]

    def facts(self) -> CaseFacts:
        return CaseFacts.from_slots(self.facts_raw, today=self.today)

    def set_fact(self, name: str, value: Any, correction: bool = False) -> None:
        old = self.facts_raw.get(name)
        if old == value:
            return
        if old is not None and old != UNKNOWN and not correction:
            return
        self.facts_raw[name] = value
        self.progress = True
        if old is not None and old != UNKNOWN and name in render.FACT_NAMES:
            self.changed.append(name)

    def say(self, text: str, kind: str, buttons: Iterable[dict[str, str]] = (), feedback: bool = False) -> Message:
        message = Message(text=text, kind=kind, buttons=list(buttons), feedback=feedback)
        self.messages.append(message)
        return message

    def address(self, text: str) -> str:
        return render.address(text, self.facts())

    def phrase(self, key: str, **values: Any) -> str:
        """The text ``key`` of catalogue/texts.yaml as written ("u"), placeholders filled."""
        return self.catalogue.text(key, **values)

    def addressed(self, key: str, **values: Any) -> str:
        """The text ``key`` of catalogue/texts.yaml, with "je" for a young person (the written-out "je" form when
        texts.yaml has one, else the u → je rule)."""
        if self.facts().young:
            written = self.catalogue.informal_text(key, **values)
            if written is not None:
                return written
        return self.address(self.phrase(key, **values))

    def handoff_button(self) -> dict[str, str]:
        return {"title": self.phrase("handoff_button"), "payload": HANDOFF_PAYLOAD}

    def overview_button(self) -> dict[str, str]:
        return {"title": self.phrase("overview_button"), "payload": OVERVIEW_PAYLOAD}


# ------------------------------------------------------------------------------------------------------------
def respond(
    state: Mapping[str, Any] | None, turn: Turn, catalogue: Catalogue | None = None, today: date | None = None
) -> Reply:
    """One turn. Every message gets at least one answer."""
    convo = _Conversation(state, turn, catalogue or load_catalogue(), today or date.today())
    _step_safety(convo)
    if (
        convo.state.get("waiting_safe")
        and not convo.messages
        and (understand.SAFE_NOW.search(convo.folded) or convo.turn.intent == "affirm")
    ):
        convo.state["waiting_safe"] = False
    if _PAYLOAD_LIKE.match(convo.text) and not convo.is_payload:
        pass  # a typed "/intent{…}" (the channel guard quotes it) sets nothing: it is answered as not understood
    elif not convo.state.get("waiting_safe"):
        handled = _step_moves(convo)
        if not handled:
            _step_read(convo)
            if not _check_in_asked(convo):
                _step_engine(convo)  # after "denkt u weleens aan zelfdoding?" no second question: its answer is clear
    if not convo.messages:
        _not_understood(convo)
    _other_language(convo)
    if convo.helplines:
        convo.state["helplines_shown"] = True
        convo.say(crisis.helplines_message(convo.facts().young, convo.catalogue).text, "notice")
    if not convo.state.get("greeted"):
        convo.state["greeted"] = True
        first = next((i for i, m in enumerate(convo.messages) if m.kind not in ALARM_KINDS), len(convo.messages))
        convo.messages.insert(first, Message(text=_privacy_notice(convo), kind="notice"))
    _no_repeat(convo)
    _attach_trace(convo)
    return Reply(state=convo.state, messages=convo.messages)


PLAIN_KINDS = ("info", "notice", "error")
CRISIS_LINES = ("113", "08000113", "112", "08002000")  # as the tel: links of render.tel_link write them
CHECK_IN_QUESTION = "check_in"  # the trace's question while a check-in about the person themselves waits
SHORT_ANSWER_WORDS = 6  # an answer this short to the question asked: the model alone reads no check-in into it


def _no_repeat(convo: _Conversation) -> None:
    """The same info, notice or error sentence never comes in two replies in a row (issue 14): the second time it is
    replaced by a pointer to the previous answer; crisis messages, questions, advice, a message with a help line (113,
    112, Veilig Thuis) and the answer to a button or a feedback payload are never touched."""
    before = (
        set() if convo.is_payload else set(convo.state.get("last_plain") or ())
    )  # a button (👍, a choice) is answered as it is
    for index, message in enumerate(convo.messages):
        if any(f"(tel:{number})" in message.text for number in CRISIS_LINES):
            continue  # a help line (113, 112, Veilig Thuis) is never replaced by a pointer
        if message.kind in PLAIN_KINDS and message.text in before:
            text = convo.addressed("said_just_now")
            text = convo.addressed("said_just_now_again") if text in before else text
            convo.messages[index] = Message(text=text, kind=message.kind, buttons=[convo.handoff_button()])
    convo.state["last_plain"] = [m.text for m in convo.messages if m.kind in PLAIN_KINDS]


def _other_language(convo: _Conversation) -> None:
    """A message in English, once per conversation: this assistant works in Dutch; who helps in English (the
    Juiste Loket) and the emergency numbers, from the catalogue; the conversation goes on in short Dutch."""
    if convo.state.get("other_language") or not convo.typed or convo.is_payload:
        return
    if language.detect(convo.typed) != "en":
        return
    convo.state["other_language"] = "en"
    only_dutch = convo.phrase("only_dutch_en")
    if any(m.kind in ALARM_KINDS or only_dutch in m.text for m in convo.messages):
        return  # the crisis or check-in message or the help in English already says that this assistant works in Dutch
    loket = convo.catalogue.body("juiste_loket")
    text = convo.phrase(
        "other_language_en",
        loket=render.tel_link(str(loket.contact.get("phone"))) + f", {loket.contact.get('email')}",
        emergency=_emergency_en(convo),
    )
    first = next((i for i, m in enumerate(convo.messages) if m.kind not in ALARM_KINDS), len(convo.messages))
    convo.messages.insert(first, Message(text=text, kind="notice"))


# --- 1. safety ------------------------------------------------------------------------------------------------
def _crisis(convo: _Conversation, signal: Signal) -> None:
    lang = language.detect(convo.typed) if convo.typed else language.DUTCH
    message = crisis.crisis_message(signal, convo.catalogue, informal=convo.facts().young, lang=lang)
    convo.say(message.text, message.kind)


def _check_in_answered(about: str, sign: str | None) -> Signal:
    """The crisis signal for a yes (or doubt) to a check-in about ``sign`` (or for a sign in words right after it):
    a sign about suicide gets 113's crisis message, one about violence Veilig Thuis's, one about danger or the
    NLU's general question 112's."""
    group = _sign_group(sign)
    if group == safety.SUICIDE:
        kind = "suicide_other_acute" if about == "other" else "suicide_explicit"
    else:
        kind = str(sign or "") if group == safety.VIOLENCE else "acute_danger"
    return Signal(group, "check-in answer", sign=kind, about=about, source="answer")


def _sign_group(sign: str | None) -> str:
    """The crisis group of a sign (lexicon/safety.yaml): suicide, violence or acute danger (suicide when unknown)."""
    return str(safety.load_lexicon().kinds.get(sign or "", {}).get("group", safety.SUICIDE))


def _check_in_yes(check_in: Mapping[str, Any]) -> Signal:
    """The crisis signal for a yes (or doubt) to the check-in stored in the state."""
    return _check_in_answered(check_in.get("about", "self"), check_in.get("sign"))


def _step_safety(convo: _Conversation) -> None:
    """A danger sign in this message (or the answer to last turn's check-in) gets its crisis or check-in message
    first. The message then answers no pending question (``sign_here``): "ik weet niet of hij het meent" is no
    "weet ik niet"."""
    turn = convo.turn
    asked = convo.state.get("asked")
    check_in = convo.state.get("check_in")
    convo.state["check_in"] = None
    signal = None
    weak_before = bool(convo.state.get("weak_sign"))  # the message before this one had a weak sign
    just_after = bool(convo.state.get("sign_last_turn") or check_in)
    convo.state["weak_sign"] = False
    convo.state["sign_last_turn"] = False
    if convo.typed:
        signal = safety.assess(
            convo.typed,
            intent=turn.intent,
            confidence=turn.confidence,
            # the rules read a question about a dose as a sign after any sign in the conversation ...
            after_sign=bool(convo.state.get("safety") or just_after or weak_before),
            # ... the model reads with its lower thresholds only in the message right after one, and right after a
            # weak sign only a question about a dose
            model_after_sign=True if just_after else (safety.WEAK if weak_before else False),
        )
    elif turn.intent == "acute_nood":
        signal = Signal(kind=safety.ACUTE, evidence="button", sign="acute_danger", source="button")
    if (
        signal is None
        and asked == "acute_danger"
        and (understand.yes_no(convo.words_text) is True or (turn.intent == "affirm" and convo.is_payload))
    ):
        signal = Signal(kind=safety.ACUTE, evidence="answer", sign="acute_danger", source="answer")
    if check_in and convo.typed and (signal is None or signal.tier == safety.CHECK_IN):
        answer = safety_rules.check_in_answer(convo.typed)
        model_only = signal is not None and signal.source == "model"
        if (
            answer == "yes"
            and (signal is None or (model_only and check_in.get("about") != "self"))
            and _answers_the_question_not_the_check_in(convo, asked, check_in)
        ):
            # "ja, twee rondes" to the check-in with "Heeft u het zorgkantoor gevraagd?" after it: the answer to
            # that question; the help lines stay in view. A bare "ja", "soms" or doubt still gets the crisis message.
            answer = None
            shown = crisis.helplines_message(convo.facts().young, convo.catalogue).text
            convo.helplines = shown not in (convo.state.get("last_plain") or ())
        if (
            answer == "no"
            and signal is None
            and check_in.get("about") != "self"
            and _answers_the_question_not_the_check_in(convo, asked, check_in)
        ):
            # "nee" to "Gaat uw klacht over een besluit?" asked with a check-in about someone else (which asks the
            # writer nothing): the answer to that question, not asked again after a "fijn dat u het zegt"
            answer = None
        if signal is not None and not model_only:
            # a second sign in words right after the check-in: the crisis message of that sign's own group (a
            # check-in about danger, then a death wish in Turkish: 113, not 112 again)
            signal = _check_in_answered(signal.about, signal.sign)
        elif answer == "yes":
            # "ja", "soms", doubt: the crisis message of the check-in's own group (113, Veilig Thuis or 112)
            signal = _check_in_yes(check_in)
        elif answer == "no":
            convo.sign_here = True
            group = _sign_group(check_in.get("sign"))
            if group not in convo.state["declined_groups"]:
                convo.state["declined_groups"].append(group)
            if convo.facts_raw.get("acute_danger") is None:
                convo.facts_raw["acute_danger"] = False  # "nee" to the check-in: no danger now, not asked again
            lang = language.detect(convo.typed)
            text = crisis.check_in_no_message(convo.facts().young, convo.catalogue, group, lang)
            if text in (convo.state.get("last_plain") or ()):
                text = convo.addressed("check_in_no_again")  # 113 was in view a moment ago: not the same sentence again
            convo.say(text, "info")
            convo.interrupted = True
            return
        elif model_only and signal is not None and signal.sign in safety.load_lexicon().after_sign_kinds:
            # a question about a method or a dose right after a check-in (only the model reads it): the crisis
            # message of the check-in's own group, never dropped (the chain fix below had dropped it)
            signal = _check_in_yes(check_in)
        elif model_only:
            # only the model reads a sign again in the reply to a check-in that it does not answer: no second
            # check-in (each check-in made the next message read after a sign: an endless chain)
            signal = None
    if (
        signal is not None
        and signal.source == "model"
        and signal.tier == safety.CHECK_IN
        and (
            convo.state["declined_groups"]
            or len(convo.typed.split()) <= SHORT_ANSWER_WORDS
            or (signal.kind != safety.SUICIDE and not safety.heard_in_answer(convo.typed))
        )
        and asked not in (None, "situation", "acute_danger")
        and _answers_asked(convo, asked)
    ):
        # "nee daar heb ik nog niet aan gedacht" to "Weet het zorgkantoor het al?" after the person said no to a
        # check-in, or a short answer ("no, didn't know that exists"), or an answer in which the model reads danger
        # or violence below its threshold for answers ("no, only talked to his GP by phone": wandering, to the model):
        # an answer to the question, not a check-in (only the model read a sign; words that the rules read, a crisis,
        # and a sign of suicide or self-harm at the usual threshold still alarm)
        signal = None
    if (
        signal is not None
        and signal.source == "model"
        and signal.tier == safety.CHECK_IN
        and _sign_group(signal.sign) in convo.state["declined_groups"]
        and _sign_group(signal.sign) != safety.SUICIDE
    ):
        # the person said "nee" to a check-in about violence or danger before, and now only the model reads the same
        # group again ("neef heeft de hele stapel post doorzocht, niks": Veilig Thuis a second and a third time): the
        # help lines stay in view, no check-in again (words the rules read, and a crisis, still alarm). Never for a wish
        # to die: "some nights I lie awake hoping I just won't wake up" after an earlier "no" is asked about again.
        signal = None
        convo.helplines = True
    if signal is None and convo.state.get("safety") and understand.NOT_SAFE_NOW.search(convo.folded):
        _still_unsafe(convo)
        return
    if signal is None:
        if convo.typed and safety.weak_sign(convo.typed, after_sign=weak_before):
            convo.state["weak_sign"] = True  # the next message only: a question about a dose is then a sign
            convo.helplines = not convo.state.get("helplines_shown")
        return
    _crisis(convo, signal)
    convo.sign_here = True
    convo.interrupted = True
    convo.state["safety"] = signal.kind
    convo.state["safety_tier"] = signal.tier
    convo.state["sign_last_turn"] = True
    if signal.kind in (safety.VIOLENCE, safety.ACUTE) and signal.source != "nlu":
        convo.facts_raw.setdefault("safety_concern", True)  # veiligheid speelt mee (the Veiligheidshuis, S1)
    if signal.tier == safety.CHECK_IN:
        convo.state["check_in"] = {"about": signal.about, "sign": signal.sign}
    else:
        convo.facts_raw["acute_danger"] = True
    if asked == "acute_danger":
        convo.state["asked"] = None
        convo.answered = True


def _stated_facts(convo: _Conversation, said_again: bool = False) -> list[str]:
    """The facts of the case this message states that the assistant did not have yet (with ``said_again``: or had
    with the same value); a word that only contradicts a known fact is none (steps and the situation are read apart)."""
    return [
        name
        for name, value in convo.words_read.items()
        if name not in ("step_outcome", "steps_tried", "situation")
        and (convo.facts_raw.get(name) in (None, UNKNOWN) or (said_again and convo.facts_raw.get(name) == value))
    ]


def _tells_the_case(convo: _Conversation) -> bool:
    """The message tells facts of the case that the assistant did not have yet: a story, not a side question."""
    return bool(_stated_facts(convo))


def _answers_the_question_not_the_check_in(
    convo: _Conversation, asked: str | None, check_in: Mapping[str, Any]
) -> bool:
    """The message answers the question asked after the check-in, not the check-in. After a check-in about someone
    else (which asks the writer nothing) any answer to that question counts ("ja", "weet ik niet"); after one about
    the writer only a yes with more words, and nothing in those words that answers the check-in (no "soms", no
    doubt, no sign, even read after a sign)."""
    if not asked or asked == "acute_danger":
        return False
    if check_in.get("about") == "self":
        yes = understand.YES_WORD.match(convo.folded)
        rest = convo.folded[yes.end() :].strip(" ,.!") if yes else ""
        if not rest or safety_rules.check_in_answer(rest) is not None or safety.assess(rest, after_sign=True):
            return False
    else:
        # a sign in words, or one the model reads at its usual thresholds ("ja, hij dreigt zijn huis kwijt te raken"
        # to "Is er spoed?" is no threat: only the model's lowered after-sign threshold saw one); the model's reading
        # that the check-in already answered ("yes, she says she is out of options" said again) is nothing new
        found = safety.assess(convo.typed, after_sign=True, model_after_sign=False)
        if found is not None and not (found.source == "model" and found.sign == check_in.get("sign")):
            return False
    return _answers_asked(convo, asked)


def _answers_asked(convo: _Conversation, asked: str) -> bool:
    """The words read as an answer to the question asked (read here, before ``words_read``: the safety step decides
    whether this message answers a question at all)."""
    return understand.read_answer(asked, convo.words_text, convo.today, convo.state.get("asked_step")) is not None


def _check_in_asked(convo: _Conversation) -> bool:
    """This reply asks the person directly whether they think about suicide (a check-in about themselves): it asks
    nothing else, so that "ja", "nee" or "weet ik niet" answers that question and no other."""
    check_in = convo.state.get("check_in") or {}
    return bool(
        convo.sign_here and check_in.get("about") == "self" and any(m.kind == "check_in" for m in convo.messages)
    )


def _still_unsafe(convo: _Conversation) -> None:
    convo.say(crisis.still_unsafe_message(convo.facts().young, convo.catalogue).text, "crisis")
    convo.state["waiting_safe"] = True


# --- 2. reading the message ------------------------------------------------------------------------------------
def _payload_facts(convo: _Conversation) -> dict[str, Any]:
    """Facts from a button payload, each value checked against the allowed values."""
    facts: dict[str, Any] = {}
    for entity, value in convo.turn.entities:
        fact = ENTITY_FACT.get(entity)
        if fact and isinstance(value, str) and value.lower() in ALLOWED.get(fact, ()):
            facts[fact] = value.lower()
        elif entity == "datum" and isinstance(value, str):
            asked = convo.state.get("asked")
            if asked in DATE_FACTS:
                parsed = understand.date_answer(value, convo.today)
                if parsed:
                    facts[asked] = parsed
        elif entity == "stap_uitkomst" and value in ("nee", "loopt", "niet_geholpen", UNKNOWN):
            asked = convo.state.get("asked")
            if value == UNKNOWN and asked and asked != "step_outcome" and asked not in FACT_ENTITY:
                facts[asked] = UNKNOWN  # the "Weet ik niet" button of a yes/no question
            else:
                facts["step_outcome"] = value
    asked = convo.state.get("asked")
    if asked and (asked in YES_NO_FACTS or understand.is_yes_no(asked)) and convo.turn.intent in ("affirm", "deny"):
        facts[asked] = convo.turn.intent == "affirm"
    return facts


def _step_read(convo: _Conversation) -> None:
    asked = None if convo.sign_here else convo.state.get("asked")
    step = None if convo.sign_here else convo.state.get("asked_step")
    correction = _correction(convo)
    read = _payload_facts(convo) if convo.is_payload else dict(convo.words_read)
    # the situation: from a confident intent, else from the words; "weet ik niet" → the route for not knowing
    said_situation = read.pop("situation", None)
    situation, steps = _situation_of(convo)
    probe = convo.state.get("situation_probe")
    probed = probe == "asked" and asked == "organisation"
    narrowed = probe == "narrow" and asked in NARROWING
    if (said_situation == UNKNOWN or probed or narrowed) and not situation and not convo.facts_raw.get("situation"):
        organisation = read.get("organisation") or convo.facts_raw.get("organisation")
        if said_situation == UNKNOWN and not probe:
            # "weet ik niet" to what is going on: which organisation, and what does it say? (the answer often tells
            # the situation: "het verpleeghuis zegt dat ze daar niet meer past"), asked once by _step_engine
            convo.state["situation_probe"] = "due"
        elif probed and organisation in NARROWING_BY_ORGANISATION:
            # "het zorgkantoor", and no more: one yes/no question tells the two situations most met with it apart
            # (a decision or how one is treated; care ended or a complaint about the care), asked by _step_engine
            convo.state["situation_probe"] = "narrow_due"  # (the organisation is kept as a fact: its question follows)
        elif narrowed and read.get(str(asked)) in NARROWING[str(asked)]:
            situation = NARROWING[str(asked)][read[str(asked)]]
        else:
            situation = FALLBACK_SITUATION
            convo.say(convo.addressed("situation_unknown"), "notice")
    if probed and convo.state.get("situation_probe") == "asked":
        convo.state["situation_probe"] = "done"
    if narrowed:
        convo.state["situation_probe"] = "done"
    answered_asked = asked is not None and asked in read
    current = convo.facts_raw.get("situation")
    if situation and situation != current and situation in convo.catalogue.routes:
        confident = convo.turn.confidence >= SWITCH_CONFIDENCE or convo.is_payload
        if current is None or (not answered_asked and confident):
            if current is not None:
                _new_topic(convo, keep_steps=False)
            convo.facts_raw["situation"] = situation
            for body, outcome in steps.items():
                convo.facts_raw.setdefault("steps_tried", {}).setdefault(body, outcome)
    if (
        situation == "klacht_zorgaanbieder"
        and current is None
        and not convo.is_payload
        and read.get("organisation") in (None, UNKNOWN)
        and not understand.names_a_provider(convo.words_text)
    ):
        # "hoe dien ik een klacht in?" names no one: over whom? (a complaint about the gemeente, the CIZ, the
        # zorgkantoor, the CAK or the verzekeraar goes to that body itself first, not to a klachtenfunctionaris)
        convo.state["complaint_org"] = "due"
    if asked == "organisation" and convo.state.get("complaint_org") == "asked":
        convo.state["complaint_org"] = "done"
        if read.get("organisation") in COMPLAINT_ABOUT_A_BODY and current == "klacht_zorgaanbieder":
            situation = "klacht_instantie"
            convo.facts_raw["situation"] = situation
    # dates: never in the future, never before 1990
    for name in DATE_FACTS:
        value = read.get(name)
        if value and value != UNKNOWN:
            when = date.fromisoformat(value)
            if when > convo.today or when.year < 1990:
                read.pop(name)
                convo.state["bad_date"] = {"fact": name, "value": value}
    # the step outcome
    outcome = read.pop("step_outcome", None)
    if asked == "step_outcome" and step and outcome is None and not convo.is_payload and convo.words_text:
        named = names.bodies_named(convo.words_text, convo.catalogue)
        if step not in named and (named or understand.OTHER_ACTION.search(convo.folded)):
            outcome = "nee"  # what else was done, not the step asked about (names.steps_said keeps the others)
        elif (
            step not in named
            and step in convo.catalogue.bodies
            and not convo.sign_here
            and not understand.is_question(convo.words_text)
            # no other fact stated, new or said again ("ik ben zijn moeder": thanks, and the question again); a word
            # that only contradicts what is known is no fact ("een casusoverleg met verslavingszorg en reclassering"
            # names a law, but the law was known)
            and not _stated_facts(convo, said_again=True)
        ):
            # "eerste aanmeldronde, 5 aanbieders", "bellen 4 keer": an answer that says nothing about this step is
            # not asked again (issue 14): taken as not tried, said so, and the person may correct it
            outcome = "nee"
            convo.state["unread"].append(convo.typed[:500])
            label = convo.catalogue.body(step).short_label
            convo.say(convo.addressed("step_assumed_not_tried", step=label), "notice")
    if asked == "step_outcome" and step:
        if outcome == "gedaan" and convo.state.get("clarified") == step:
            # "ja" again to "loopt het nog, of hielp het niet?": the user did it and asks what next
            convo.facts_raw.setdefault("steps_tried", {})[step] = "niet_geholpen"
            convo.say(convo.addressed("clarify_assumed"), "notice")
            convo.answered = True
        elif outcome == "gedaan":
            convo.state["clarify"] = step
            convo.answered = True
        elif outcome in ("nee", "loopt", "niet_geholpen"):
            convo.facts_raw.setdefault("steps_tried", {})[step] = outcome
            convo.answered = True
            if outcome == "nee" and understand.unknown_step(convo.words_text) and step in convo.catalogue.bodies:
                convo.say(_body_summary(convo, step), "info")  # "wat is dat?": not tried; what it is
        elif outcome == UNKNOWN:
            convo.facts_raw.setdefault("steps_tried", {})[step] = "nee"
            convo.answered = True
        if outcome == "nee" and step == "klachtenfunctionaris" and understand._TOLD_STAFF.search(convo.folded):
            convo.say(convo.addressed("told_staff"), "info")
    elif convo.state.get("clarify") and outcome in ("loopt", "niet_geholpen"):
        convo.facts_raw.setdefault("steps_tried", {})[convo.state["clarify"]] = outcome
        convo.state["clarify"] = None
        convo.answered = True
    tried = convo.facts_raw.setdefault("steps_tried", {})
    if asked == "objection_decision_date" and convo.words_text and understand.no_decision_yet(convo.words_text):
        # no decision on the bezwaar yet: the bezwaar still runs (issue 15 item 2: its date is no decision date)
        for body_id, outcome_so_far in list(tried.items()):
            if body_id.startswith("bezwaar_") and outcome_so_far in ("niet_geholpen", "gedaan"):
                tried[body_id] = "loopt"
                convo.progress = True
    if convo.words_text:
        for body_id, said in names.steps_said(convo.words_text, convo.catalogue, today=convo.today).items():
            if (tried.get(body_id) in (None, "nee") or correction) and tried.get(body_id) != said:
                tried[body_id] = said
                convo.progress = True
    if (
        "klachtenfunctionaris" not in tried
        and understand._TOLD_STAFF.search(convo.folded)
        and "klachtenfunctionaris" not in convo.folded
    ):
        tried["klachtenfunctionaris"] = "nee"  # telling the staff is not a complaint at the klachtenfunctionaris
        convo.progress = True
    if (
        asked != "organisation"
        and convo.facts_raw.get("situation") == "klacht_zorgaanbieder"
        and read.get("organisation") not in (None, UNKNOWN, "zorgaanbieder")
        and understand.names_a_provider(convo.words_text)
    ):
        # a complaint about the care in a home that also names a body ("... de gehoorapparaten kosten ons 1400 euro
        # eigen bijdrage"): the complaint is about the provider (a body answered to "Over welke organisatie gaat uw
        # klacht?" still counts)
        read["organisation"] = "zorgaanbieder"
    org = read.get("organisation")
    if (
        org
        and read.get("law") in (None, UNKNOWN)
        and (asked == "law" or (correction and org != convo.facts_raw.get("organisation")))
    ):
        # "weet ik niet, via het wijkteam" to the law question, or "het is geen Zvw-vraag, het is de gemeente": the
        # law follows from the body (the CIZ: the Wlz) or, for the gemeente, from the age
        law = _law_of(org, CaseFacts.from_slots({**convo.facts_raw, **read}, today=convo.today))
        if law:
            read["law"] = law
        elif correction and convo.facts_raw.get("law") not in (None, UNKNOWN):
            convo.facts_raw.pop("law")  # the law said before belongs to the body corrected: asked again
    for name, value in read.items():
        if name == asked:
            convo.set_fact(name, value, correction=True)
            convo.answered = True
        else:
            convo.set_fact(name, value, correction=correction)
    if asked and convo.facts_raw.get(asked) is not None and asked in read:
        convo.answered = True


# A message that says what a decision of a body says (hours cut, refused) is about that decision, whatever else it
# names (a complaint, being tired, a child): against a decision one objects (R-public §7). understand.DECISION_CONTENT
DECISION_OUTRANKS = ("klacht_zorgaanbieder", "klacht_instantie", "mantelzorg_overbelast", "jeugdzorg", "kastje_muur")


def _situation_of(convo: _Conversation) -> tuple[str | None, dict[str, str]]:
    situation, steps = _situation_said(convo)
    if (
        convo.words_text
        and convo.facts_raw.get("situation") is None
        and convo.words_read.get("about_decision") is True
        and (situation is None or situation in DECISION_OUTRANKS)
        and "besluit_oneens" in convo.catalogue.routes
    ):
        return "besluit_oneens", {}
    return situation, steps


def _situation_said(convo: _Conversation) -> tuple[str | None, dict[str, str]]:
    """The situation of the message. Before one is known, typed words are weighed by all three readers together
    (understand.weigh_situation: the learned reader, the cue words, the NLU intent). A button, or a confident intent
    once a situation is known, names one directly (the caller decides whether it may move there)."""
    intent = convo.turn.intent
    if convo.words_text and convo.facts_raw.get("situation") is None:
        topic = convo.catalogue.explanations.get(convo.topic_answered or "", {})
        if topic.get("situation") in convo.catalogue.routes:
            return str(topic["situation"]), {}  # the question the seeds answer is what the message is about
        said = SITUATION_INTENTS.get(intent or "", (None, {}))[0]
        found = understand.weigh_situation(
            convo.words_text,
            said,
            convo.turn.confidence if said else 0.0,
            # a message with a crisis sign is read for the danger only; the story around a check-in is still read
            # ("the municipality said no ... we can't do this anymore": after "nee" the bezwaar, not "waar loopt u
            # tegenaan?")
            learned=not convo.sign_here or convo.state.get("safety_tier") == safety.CHECK_IN,
            typed=convo.typed,
        )
        if found in convo.catalogue.routes:
            return found, {}
        if understand.turns_18(convo.words_text) and "achttien_worden" in convo.catalogue.routes:
            return "achttien_worden", {}
        for name, value in convo.words_read.items():
            # a fact the story tells that says what it is about ("4 aanbieders gebeld, alle 4 nee": no fitting
            # place; points_to in catalogue/facts.yaml)
            points_to = FACTS[name].points_to if name in FACTS and value is True else None
            if points_to in convo.catalogue.routes:
                return str(points_to), {}
        return None, {}
    if intent in SITUATION_INTENTS and (convo.turn.confidence >= SITUATION_CONFIDENCE or convo.is_payload):
        situation, steps = SITUATION_INTENTS[intent]
        guess = convo.guessed_situation
        if (
            guess
            and guess != situation
            and not convo.is_payload
            and (
                convo.turn.confidence < KEYWORDS_WIN_BELOW
                or (guess in ACTION_SITUATIONS and situation in TOPIC_SITUATIONS)
            )
        ):
            situation, steps = guess, {}
        if convo.words_text:
            steps = {}  # what a typed story says about earlier steps is read from its words (names.steps_said)
        if situation in convo.catalogue.routes:
            return situation, dict(steps)
    return None, {}


def _new_topic(convo: _Conversation, keep_steps: bool = False) -> None:
    kept = {k: v for k, v in convo.facts_raw.items() if k in KEEP_ON_NEW_TOPIC}
    if convo.facts_raw.get("acute_danger"):
        kept["acute_danger"] = True
    convo.state["facts"] = kept
    convo.state.update(
        {"asked": None, "asked_step": None, "asked_count": {}, "clarify": None, "clarified": None, "last": None}
    )


# --- 3. conversation moves ------------------------------------------------------------------------------------
def _entity(convo: _Conversation, name: str) -> Any:
    return next((value for entity, value in convo.turn.entities if entity == name), None)


def _law_of(organisation: str, facts: CaseFacts) -> str | None:
    """The law a body decides under: the CIZ and the zorgkantoor the Wlz, the insurer the Zvw, the gemeente the
    Jeugdwet for a child and the Wmo for an adult (None when the age is not known)."""
    if organisation == "gemeente":
        if facts.young or facts.age_group == "kind":
            return "jeugdwet"
        return "wmo" if facts.age_group == "volwassene" else None
    return understand.LAW_OF_ORGANISATION.get(organisation)


CASE_FACTS = ("organisation", "law", "role", "age_group")  # facts a correction after the advice may change


def _statements(text: str) -> str:
    """The sentences of ``text`` that are no question."""
    return " ".join(s for s in re.split(r"(?<=[.!?])\s+", text) if not s.rstrip().endswith("?"))


def _correction(convo: _Conversation) -> bool:
    """The message corrects what was said: a correction word in a sentence that is no question ("het was het CIZ,
    niet de gemeente"; not "wat is dat nou eigenlijk, een cliëntondersteuner? is dat iemand van de gemeente?")."""
    said = _statements(convo.words_text) if convo.words_text else convo.text
    return bool(understand.CORRECTION.search(understand.fold(said)))


def _corrects_the_case(convo: _Conversation) -> bool:
    """A correction of a fact the advice rests on ("de brief komt van het CAK, niet van het zorgkantoor")."""
    if not _correction(convo):
        return False
    said = _statements(convo.words_text)
    read = understand.read_facts(said, convo.today) if said != convo.words_text else convo.words_read
    return any(
        read.get(name) not in (None, UNKNOWN) and convo.facts_raw.get(name) not in (None, UNKNOWN, read.get(name))
        for name in CASE_FACTS
    )


def _step_moves(convo: _Conversation) -> bool:
    """Things that are not an answer to the question. True when the turn is fully answered here."""
    folded = convo.folded
    asked = convo.state.get("asked")
    answers = bool(asked and convo.words_text and asked in convo.words_read)
    # an answer to the pending question, or a message with a danger sign, is never taken for another move the NLU
    # thought it saw ("I want to die" is no out_of_scope)
    intent = None if (answers or convo.sign_here) and convo.turn.intent in MOVE_INTENTS else convo.turn.intent
    confirming = convo.state.get("confirm_restart")
    convo.state["confirm_restart"] = None
    plain_restart = intent == "opnieuw_beginnen" and understand.move_of(convo.text) == "opnieuw_beginnen"
    # nothing to forget yet ("ik heb een vraag" as the first message, read as "start again"): no question about it
    known = convo.facts_raw.get("steps_tried") or any(convo.facts_raw.get(f) for f in FACTS)
    if intent == "opnieuw_beginnen" and not plain_restart and not known:
        intent = None
    yes = confirming and understand.yes_no(convo.words_text) is True
    if intent == "restart" or (convo.is_payload and convo.text.startswith("/restart")) or plain_restart or yes:
        convo.state.clear()
        convo.state.update(new_state())
        convo.state["greeted"] = True
        convo.say(
            _situation_question_text(convo, convo.phrase("restart")),
            "question",
            _situation_buttons(convo),
        )
        convo.state["asked"] = "situation"
        return True
    if intent == "opnieuw_beginnen":
        # the NLU thinks "start again", but the words are not plainly that ("kunt u dat opnieuw zeggen?"): ask first,
        # never forget what the user said by mistake
        convo.state["confirm_restart"] = True
        buttons = [
            {"title": convo.phrase("restart_yes"), "payload": "/restart"},
            {"title": convo.phrase("restart_no"), "payload": "/deny"},
        ]
        convo.say(convo.addressed("restart_confirm"), "question", buttons)
        return True
    if (
        convo.words_text
        and LANGUAGE_TOPIC not in convo.state["info_shown"]
        and convo.catalogue.explanation_for(convo.words_text) == LANGUAGE_TOPIC
    ):
        # "can you help me in English?", also during a question: where to read it in English, once; a longer
        # message ("… we need an interpreter, my mother got a letter …") is then read as usual
        convo.state["info_shown"].append(LANGUAGE_TOPIC)
        convo.say(_language_help(convo), "info")
        if len(convo.words_text.split()) <= SHORT_QUESTION_WORDS:
            _reask(convo)
            return True
    _pending_question(convo)  # a question left behind a danger sign last turn: answered first
    if _seed_question(convo, answers):
        return True
    question_after_advice = (
        bool(convo.state.get("last"))
        and not convo.state.get("asked")
        and not convo.is_payload
        and understand.is_question(convo.words_text)
    )
    if question_after_advice and _sign_stands_alone(convo):
        # "hoe lang duurt dat? ... iedereen is beter af zonder mij ... kan de cliëntondersteuner mee?": the crisis
        # message or the check-in stands alone, the question is answered once it is answered (_pending_question)
        convo.state["pending_question"] = convo.words_text[:PENDING_CHARS]
        return True
    if question_after_advice and _corrects_the_case(convo):
        # "bovenaan staat CIZ, niet zorgkantoor. maakt dat uit?": the corrected case gets its own advice
        return False
    if (
        asked
        and asked != "situation"
        and not answers
        and not convo.is_payload
        and understand.is_question(convo.words_text)
    ):
        # "kan ik ook de Kindertelefoon bellen?" while a question waits: what that body does, then the question again
        # (not a story that ends with a question: "1e aanmeldronde ... 2e ronde met het zorgkantoor ... Wat nu?")
        body_id = names.body_named(convo.words_text, convo.catalogue)
        if body_id is not None and not convo.sign_here and not _tells_the_case(convo):
            convo.say(_body_summary(convo, body_id), "info")
            _reask(convo)
            return True
    if confirming and (understand.yes_no(convo.words_text) is False or intent == "deny"):
        convo.say(convo.addressed("restart_declined"), "info")
        _reask(convo)
        return True
    if intent == "feedback" or (convo.is_payload and convo.text.startswith("/feedback")):
        value = _entity(convo, "feedback")
        if value not in ("up", "down"):
            convo.say(convo.addressed("feedback_not_saved"), "notice")
            return True
        comment = _entity(convo, "comment")
        last = convo.state.get("last") or {}
        convo.state["feedback"].append(
            {
                "value": value,
                "step": last.get("step"),
                "situation": last.get("situation"),
                "comment": str(comment)[:500] if comment else None,
            }
        )
        convo.say(convo.addressed("feedback_thanks"), "notice")
        return True
    if understand.DELETE_REQUEST.search(folded):
        convo.say(convo.addressed("delete_how"), "notice")
        return True
    detail = _entity(convo, "onderwerp") if intent == "detail" else None
    # before any advice, a message that tells the case is read, not taken as a question about an advice that has not
    # come: "Ik word overal doorgestuurd. Wie kan hier nou eens overzicht in brengen?" lost the whole story
    story_first = (
        not convo.is_payload and not convo.state.get("last") and bool(convo.words_read or convo.guessed_situation)
    )
    if detail is None and not convo.is_payload and (intent == "waarom" or re.fullmatch(r"waarom\??", folded or "")):
        detail = "waarom"
    if (
        detail is None
        and not convo.is_payload
        and re.search(
            r"\bwat (?:moet|kan) ik (?:voorbereiden|meenemen|"
            r"klaarleggen)\b",
            folded,
        )
    ):
        detail = "voorbereiden"
    if (
        detail is None
        and not convo.is_payload
        and re.search(r"\b(?:welke )?bronn?en?\b\??$|\bwaar haal je dat vandaan\b", folded)
    ):
        detail = "bronnen"
    if detail is None and not convo.is_payload and re.search(r"\bwie doet wat\b", folded):
        detail = "wie_doet_wat"
    if detail is None and not convo.is_payload and re.search(r"\boverzicht\b", folded):
        detail = OVERZICHT
    if (
        detail is None
        and not convo.is_payload
        and convo.state.get("last")
        and understand.ASKS_AFTER.search(folded)
        and not understand.TRIED_ALREADY.search(folded)
    ):
        detail = "daarna"
    also: list[str] = []
    if detail is None and question_after_advice:
        topics = understand.follow_up_topics(convo.words_text)  # lexicon/follow_up.yaml
        detail, also = (topics[0], topics[1:]) if topics else (None, [])
    if detail is None and intent == "detail" and not convo.is_payload and convo.state.get("last"):
        detail = "waarom"
    if story_first and detail not in ("waarom", "wat_weet_je"):
        detail = None
    if detail:
        return _detail(convo, str(detail), also)
    if question_after_advice and _about_other_body(convo):
        return True
    if (understand.WHAT_YOU_KNOW.search(folded) and not story_first) or (convo.is_payload and detail == "wat_weet_je"):
        _what_i_know(convo)
        _reask(convo)
        return True
    if understand.SOMETHING_ELSE.search(folded) and convo.facts_raw.get("situation"):
        _new_topic(convo)
        convo.say(
            _situation_question_text(convo, convo.phrase("new_topic")),
            "question",
            _situation_buttons(convo),
        )
        convo.state["asked"] = "situation"
        return True
    tried = (intent == "volgende_stap" and convo.is_payload) or (
        convo.state.get("last") and convo.state.get("asked") is None and understand.TRIED_ALREADY.search(folded)
    )
    if tried and not convo.is_payload:
        # "hoger beroep hebben we ook al gedaan" after the advice Juiste Loket: about another step, not this one
        named = names.bodies_named(convo.words_text, convo.catalogue)
        last_step = (convo.state.get("last") or {}).get("step")
        tried = not named or last_step in named
    if tried:
        last = convo.state.get("last") or {}
        if last.get("step"):
            convo.facts_raw.setdefault("steps_tried", {})[last["step"]] = "niet_geholpen"
            convo.state["last"] = None
            return False  # the engine gives the next rung
    if intent == "human_handoff" or re.search(
        r"\b(?:iemand|een mens|een persoon|medewerker) (?:spreken|bellen)\b|"
        r"\bmet een mens\b|\bechte persoon\b",
        folded,
    ):
        _handoff(convo)
        _reask(convo)
        return True
    question = _what_is(convo)
    if question:
        convo.say(question, "info")
        _reask(convo)
        return True
    if intent == "bot_challenge":
        convo.say(convo.addressed("bot_challenge"), "info", [convo.handoff_button()])
        _reask(convo)
        return True
    only_social = not convo.words_read and not convo.guessed_situation
    if intent == "greet" and only_social and convo.state.get("asked") in (None, "situation"):
        convo.say(_situation_question_text(convo, convo.phrase("greeting")), "question", _situation_buttons(convo))
        convo.state["asked"] = "situation"
        return True
    if intent in ("thanks", "goodbye") and only_social and convo.turn.confidence >= 0.6:
        convo.say(convo.addressed("thanks" if intent == "thanks" else "goodbye"), "info")
        return True
    if intent == "out_of_scope" and only_social and convo.turn.confidence >= 0.6 and not convo.state.get("asked"):
        convo.say(convo.addressed("out_of_scope"), "info", [*_situation_buttons(convo)[:2], convo.handoff_button()])
        return True
    return False


def _question_context(convo: _Conversation) -> str:
    """What a short question refers to: the step just advised (or asked about: "Heeft u al contact gehad met het Juiste
    Loket?" - "kost dat geld?"), and the words of the case that the question leaves out ("mogen ze dat zomaar?" about
    care that is ended, "mocht de gemeente stoppen?" in the Wlz)."""
    last = convo.state.get("last") or {}
    asked_step = convo.state.get("asked_step") if convo.state.get("asked") == "step_outcome" else None
    step = str(asked_step or last.get("step") or "")
    facts = convo.facts_raw
    words = [
        convo.catalogue.body(step).short_label if step in convo.catalogue.bodies else "",
        str(facts.get("law") or "") if facts.get("law") != UNKNOWN else "",
        "opgezegd" if facts.get("termination") is True else "",
        # "dus wij kunnen gewoon stoppen?" from a Wmo-consulent: "wij" is the writer's own organisation
        OWN_ORGANISATION.get(str(facts.get("role") or ""), ""),
    ]
    return " ".join(w for w in words if w)


def _seed_question(convo: _Conversation, answers: bool) -> bool:
    """A question the seeds answer (catalogue/explanations.yaml topics with `when`: who searches a new place, may
    the provider just end the care, can I see the Wlz-indicatie, does a cliëntondersteuner cost money ...), in any
    message, never twice in a row. After the advice or while a question waits the answer is the whole reply (the
    question is asked again); in a story the answer comes first and the story is read as usual (once per conversation:
    the same story told again does not get it twice). True when the turn is fully answered here."""
    if convo.is_payload or not understand.is_question(convo.words_text):
        return False
    last = convo.state.get("last") or {}
    # "can I write in English? who pays while we wait?": the language was answered a moment ago, the question is next
    skip = (LANGUAGE_TOPIC,) if LANGUAGE_TOPIC in convo.state["info_shown"] else ()
    topic_id = convo.catalogue.explanation_for(convo.words_text, _question_context(convo), skip)
    seen = f"topic:{topic_id}"
    asked = convo.state.get("asked")
    in_story = not last and asked in (None, "situation")  # a story or the opening question: its answer comes once
    if topic_id is None or "when" not in convo.catalogue.explanations[topic_id]:
        return False
    if _sign_stands_alone(convo):
        # the question is answered once the crisis message or the check-in is answered ("krijg ik dan geld als ze te
        # laat zijn? ik wil niet meer leven": the dwangsom comes next turn)
        convo.state["pending_question"] = convo.words_text[:PENDING_CHARS]
        return False
    shown = convo.state["info_shown"]
    topics = [t for t in shown if t.startswith("topic:")]
    if in_story and seen in shown:
        return False  # a story told again does not get the same answer again
    text = convo.address(_answered_topic(convo, topic_id))
    if topics[-1:] == [seen] and text in (convo.state.get("last_plain") or ()):
        # the same question right after its answer: where the answer is, not the answer a second time (asked again
        # after another reply, the answer comes again: "dus wij kunnen gewoon stoppen?" after the advice)
        convo.say(convo.addressed("said_just_now"), "info", [convo.handoff_button()])
        if asked and asked != "situation":
            _reask(convo)
        return True
    if last and not asked:  # a question after the advice
        covered = _covered_by(convo, topic_id)
        more = [t for t in understand.follow_up_topics(convo.words_text) if t not in covered]
        if more:  # "moet ik voor de cliëntondersteuner betalen en hoe lang duurt het?": the time too
            convo.say(text, "detail")
            return _detail(convo, more[0], more[1:])
        advice = advise(convo.facts(), convo.catalogue)
        buttons = render.advice_buttons(advice)[:4] if advice.step else [convo.handoff_button()]
        convo.say(text, "detail", buttons, feedback=True)
        return True
    convo.say(text, "info")
    told = set(convo.words_read) - {"situation"}  # "... ze willen de zorg per 1 maart beëindigen. Mag dit zomaar??"
    if asked and asked != "situation" and not answers and not told:  # while a question waits: the question again
        _reask(convo)
        return True
    return False  # a story with a question in it: read the story too


def _sign_stands_alone(convo: _Conversation) -> bool:
    """This reply holds a crisis message or a check-in about the writer: it stands alone, and what else the message
    asked is answered in the next one (``_pending_question``)."""
    return convo.sign_here and (convo.state.get("safety_tier") == safety.CRISIS or _check_in_asked(convo))


def _covered_by(convo: _Conversation, topic_id: str | None) -> tuple[str, ...]:
    """The questions about the advice that the seed question ``topic_id`` answers too (its ``covers``)."""
    return tuple((convo.catalogue.explanations.get(topic_id or "") or {}).get("covers") or ())


def _pending_question(convo: _Conversation) -> None:
    """The question that came with a crisis message or a check-in about the writer (a seed question, questions about
    the advice, a question about another body), answered in the next message without a new sign (after "nee" to the
    check-in too): nothing the person asked is lost, and nothing is answered twice."""
    text = convo.state.get("pending_question")
    if not text or convo.state.get("sign_last_turn"):
        return
    convo.state["pending_question"] = None
    texts = _answers_to(convo, str(text))
    intro = convo.phrase("pending_question" if len(texts) == 1 else "pending_questions")
    for index, answer in enumerate(texts):
        convo.say(convo.address(f"{intro} {answer}" if index == 0 else answer), "info")
    convo.pending_answered = bool(texts)


def _answers_to(convo: _Conversation, text: str) -> list[str]:
    """The answers to a question asked earlier: the seed question it asks (``_seed_question``), and after the advice
    the questions about it (``_detail``) that answer does not cover, or else what another body named in it does
    (``_about_other_body``)."""
    last = convo.state.get("last") or {}
    topic_id = convo.catalogue.explanation_for(text, _question_context(convo))
    texts = []
    if topic_id is not None and "when" in convo.catalogue.explanations[topic_id]:
        texts.append(_answered_topic(convo, topic_id))
    if not last:
        return texts
    advice = advise(convo.facts(), convo.catalogue)
    covered = _covered_by(convo, topic_id)
    texts += _detail_texts(convo, advice, [t for t in understand.follow_up_topics(text) if t not in covered])
    if texts or advice.step is None or understand.QUESTION_WHAT_IS.search(understand.fold(text)):
        return texts
    body_id = names.body_named(text, convo.catalogue, prefer=(advice.step.id,))
    if body_id == advice.step.id:
        texts += _detail_texts(convo, advice, ["contact"])
    elif body_id is not None:
        texts.append(_other_body_text(convo, advice, body_id))
    return texts


def _answered_topic(convo: _Conversation, topic_id: str) -> str:
    """The answer to the seed question ``topic_id``, kept as shown (once per conversation); what the question itself
    states becomes a fact (never over what was said before), and what it is about is the situation when none is
    known yet (``topic_answered``)."""
    convo.state["info_shown"].append(f"topic:{topic_id}")
    convo.topic_answered = topic_id
    for name, value in (convo.catalogue.explanations[topic_id].get("facts") or {}).items():
        convo.set_fact(name, value)
    return _explanation(convo.catalogue, topic_id=topic_id) or ""


def _detail(convo: _Conversation, topic: str, also: Iterable[str] = ()) -> bool:
    """The answer to a question about the advice (``topic``: render.DETAILS), and to every other topic asked in the
    same message (``also``: "hoe lang duurt zo'n beroep en wat kost het?" gets the time and the cost)."""
    if topic == OVERZICHT:
        _overview_check(convo)
        return True
    if topic == "waarom" and convo.state.get("asked") and convo.state.get("last") is None:
        question = _current_question(convo)
        if question:
            convo.say(
                convo.address(question.explain) if question.explain else convo.addressed("why_this_question"), "info"
            )
            _reask(convo)
            return True
    if topic == "wat_weet_je":
        _what_i_know(convo)
        return True
    if not convo.state.get("last"):
        convo.say(convo.addressed("no_step_yet"), "info")
        _reask(convo)
        return True
    advice = advise(convo.facts(), convo.catalogue)
    other = names.body_named(convo.words_text, convo.catalogue) if topic == "contact" and not convo.is_payload else None
    if other and advice.step and other != advice.step.id and other in convo.catalogue.bodies:
        # "hoe bereik ik dat praktijkteam?" after another advice: how to reach the body asked about
        text = render.body_contact_text(convo.catalogue.body(other), convo.catalogue, convo.facts())
        convo.say(text, "detail", render.advice_buttons(advice)[:4], feedback=True)
        return True
    topics = [topic, *(t for t in also if t != topic)]
    buttons = (
        [b for b in render.advice_buttons(advice) if not any(t in b["payload"] for t in topics)][:4]
        if advice.step
        else []
    )
    texts = _detail_texts(convo, advice, topics)
    for index, text in enumerate(texts):
        last = index == len(texts) - 1
        convo.say(text, "detail", buttons if last else [], feedback=last)
    return True


def _detail_texts(convo: _Conversation, advice: Advice, topics: Iterable[str]) -> list[str]:
    """The answer to each question about the advice (``render.DETAILS``; the reason for a topic it does not know)."""
    facts = convo.facts()
    return [render.DETAILS.get(topic, render.why_text)(advice, convo.catalogue, facts) for topic in topics]


def _about_other_body(convo: _Conversation) -> bool:
    """'Moet ik dan het CIZ bellen?', 'kan ik niet naar de ombudsman?' after the advice: what that body does, and
    where it stands in this route (the step itself, a later step, or not the step now and why)."""
    if understand.QUESTION_WHAT_IS.search(convo.folded):
        return False  # "wat is het CCE?" has its own answer
    advice = advise(convo.facts(), convo.catalogue)
    if advice.step is None:
        return False
    body_id = names.body_named(convo.words_text, convo.catalogue, prefer=(advice.step.id,))
    if body_id is None:
        return False
    if body_id == advice.step.id:
        return _detail(convo, "contact")
    convo.say(_other_body_text(convo, advice, body_id), "detail", render.advice_buttons(advice)[:4], feedback=True)
    return True


def _other_body_text(convo: _Conversation, advice: Advice, body_id: str) -> str:
    """What another body than the advised step does, and where it stands in this route (a later step, or not now)."""
    assert advice.step is not None
    body = convo.catalogue.body(body_id)
    later = next((s for s in advice.after if s.id == body_id), None)
    what = render.sentences(body.text("what") or str(body.raw.get("description") or ""), 1)
    key = "other_body_later" if later else "other_body_not_now"
    step_name = advice.step.body.short_label
    text = convo.phrase(key, body=body.label, step=step_name, reason=render.first_sentence(advice.step.reason))
    refs = [*(later.references if later else ()), *body.references, *advice.step.references]
    return convo.address(f"{what} {text}\n\n{render.cite_line(convo.catalogue, refs, limit=2)}")


def _overview_check(convo: _Conversation) -> None:
    """'Overzicht maken': what the overview will say (the facts, the steps tried) and how to correct it first; the
    links to the overview come with this message (documents/overview.py builds it when a link is opened)."""
    if not convo.facts_raw.get("situation"):
        convo.say(convo.addressed("no_step_yet"), "info")
        _reask(convo)
        return
    lines = _known_lines(convo)
    text = convo.phrase("overview_check_heading") + "\n" + "\n".join(f"- {line}" for line in lines)
    message = convo.say(convo.address(f"{text}\n\n{convo.phrase('overview_check_hint')}"), "info")
    message.documents = [OVERZICHT]
    _reask(convo)


def _known_lines(convo: _Conversation) -> list[str]:
    """What the assistant knows, one line each: the topic, the facts, the steps tried ("Wat weet je van mij?")."""
    lines = render.describe_facts(convo.facts())
    situation = str(convo.facts_raw.get("situation") or "")
    if situation in convo.catalogue.routes:
        lines.insert(0, convo.phrase("known_topic", topic=convo.catalogue.routes[situation].label.lower()))
    tried = convo.facts_raw.get("steps_tried") or {}
    for body_id, outcome in tried.items():
        if body_id in convo.catalogue.bodies and outcome != "nee":
            key = "known_step_running" if outcome == "loopt" else "known_step_not_helped"
            lines.append(convo.phrase(key, step=convo.catalogue.body(body_id).short_label))
    return lines


def _what_i_know(convo: _Conversation) -> None:
    lines = _known_lines(convo)
    if not lines:
        convo.say(convo.addressed("known_nothing"), "info")
        return
    text = (
        convo.phrase("known_heading")
        + "\n"
        + "\n".join(f"- {line}" for line in lines)
        + "\n\n"
        + convo.phrase("known_correction_hint")
    )
    convo.say(convo.address(text), "info")


def _what_is(convo: _Conversation) -> str | None:
    """A short answer to 'wat is het CCE?' from the catalogue, or None."""
    if convo.is_payload:
        return None
    match = understand.QUESTION_WHAT_IS.search(convo.folded)
    if not match:
        return None
    term = next(g for g in match.groups() if g).strip()
    if convo.topic_answered:
        return None  # answered as a question the seeds answer (_seed_question)
    explanation = _explanation(convo.catalogue, convo.words_text)
    if explanation:
        return convo.address(explanation)
    body_id = names.body_named(term, convo.catalogue)
    if body_id is None:
        return None
    return _body_summary(convo, body_id)


LANGUAGE_TOPIC = "in_english"  # catalogue/explanations.yaml
SHORT_QUESTION_WORDS = 12  # a message this short that asks for another language asks only that


def _language_help(convo: _Conversation) -> str:
    """Help in another language: in English when the question is English (texts.yaml english_help), else the Dutch
    explanation; both with the government's English pages as sources (R-public §28)."""
    if language.detect(convo.typed) != "en":
        return _explanation(convo.catalogue, topic_id=LANGUAGE_TOPIC) or ""
    refs = [Reference.from_dict(r) for r in convo.catalogue.explanations[LANGUAGE_TOPIC].get("reference") or ()]
    loket = convo.catalogue.body("juiste_loket")
    text = convo.phrase("english_help", loket=render.tel_link(str(loket.contact.get("phone"))))
    if not any(m.kind in ALARM_KINDS for m in convo.messages):  # (an English crisis message this turn says the rest)
        text = f"{convo.phrase('only_dutch_en')} {text} {_emergency_en(convo)}"
    return f"{text} {render.cite_line(convo.catalogue, refs)}"


def _emergency_en(convo: _Conversation) -> str:
    """The emergency numbers in English (texts.yaml emergency_en), from the catalogue."""
    return convo.phrase(
        "emergency_en",
        emergency=render.tel_link(str(convo.catalogue.body(CRISIS_BODY).contact.get("phone"))),
        suicide=render.tel_link(str(convo.catalogue.body("zelfmoordpreventie_113").contact.get("phone"))),
    )


def _body_summary(convo: _Conversation, body_id: str) -> str:
    """What a body does, in two sentences, with its source."""
    body = convo.catalogue.body(body_id)
    text = (
        f"**{body.label}**: {render.sentences(body.text('what') or str(body.raw.get('description') or ''), 2)} "
        f"{render.cite_line(convo.catalogue, body.references)}"
    )
    return convo.address(text)


def _explanation(catalogue: Catalogue, text: str = "", topic_id: str | None = None) -> str | None:
    """The catalogue's explanation (catalogue/explanations.yaml) that the question asks for, with its source."""
    topic_id = topic_id or catalogue.explanation_for(text)
    if topic_id is None:
        return None
    topic = catalogue.explanations[topic_id]
    refs = [Reference.from_dict(r) for r in topic.get("reference") or ()]
    limit = len(refs) if "when" in topic else 1  # an answer from the seeds names every source it rests on
    return f"{str(topic.get('text', '')).strip()} {render.cite_line(catalogue, refs, limit=limit)}".strip()


def _handoff(convo: _Conversation) -> None:
    facts = convo.facts()
    routes = HUMAN_ROUTES_PROFESSIONAL if facts.is_professional else HUMAN_ROUTES_CLIENT
    lines = [convo.phrase("handoff_intro")]
    refs: list[Reference] = []
    for body_id in routes:
        if body_id not in convo.catalogue.bodies:
            continue
        body = convo.catalogue.body(body_id)
        lines.append(f"- **{body.label}**: {render.contact_sentence(body)}")
        refs.extend(body.references)
    known = render.describe_facts(facts)
    if known:
        lines.append(convo.phrase("handoff_bring", facts="; ".join(known)))
    lines.append(render.cite_line(convo.catalogue, refs, limit=2))
    buttons = [convo.overview_button()] if convo.facts_raw.get("situation") else []
    convo.say(convo.address("\n".join(lines)), "info", buttons)
    convo.state["handoff"] = True


# --- 4. the engine ----------------------------------------------------------------------------------------------
def _question_key(question: Question) -> str:
    return f"step_outcome:{question.about_step}" if question.fact == "step_outcome" else question.fact


def _current_question(convo: _Conversation) -> Question | None:
    advice = advise(convo.facts(), convo.catalogue)
    return advice.question


def _reask(convo: _Conversation) -> None:
    """After an interruption: ask the pending question again (it does not count as another ask)."""
    if not convo.state.get("asked"):
        return
    if convo.state["asked"] == "situation" and not convo.facts_raw.get("situation"):
        convo.say(_situation_question_text(convo, ""), "question", _situation_buttons(convo))
        return
    question = _current_question(convo)
    if question:
        convo.say(convo.address(question.text), "question", _buttons(question))


def _step_engine(convo: _Conversation) -> None:
    if convo.state.get("clarify"):
        step = convo.state["clarify"]
        label = convo.catalogue.body(step).short_label if step in convo.catalogue.bodies else convo.phrase("this_step")
        convo.say(
            convo.addressed("clarify_outcome", step=label),
            "question",
            [
                {"title": convo.phrase("outcome_running_button"), "payload": '/inform{"stap_uitkomst":"loopt"}'},
                {
                    "title": convo.phrase("outcome_not_helped_button"),
                    "payload": '/inform{"stap_uitkomst":"niet_geholpen"}',
                },
            ],
        )
        convo.state["asked"] = "step_outcome"
        convo.state["asked_step"] = step
        convo.state["clarify"] = None
        convo.state["clarified"] = step
        return
    if not convo.facts_raw.get("situation") and convo.state.get("situation_probe") == "due":
        _ask_situation_probe(convo)
        return
    if not convo.facts_raw.get("situation") and convo.state.get("situation_probe") == "narrow_due":
        _ask_narrowing(convo, NARROWING_BY_ORGANISATION[str(convo.facts_raw.get("organisation"))])
        return
    if convo.state.get("complaint_org") == "due" and convo.facts_raw.get("organisation") in (None, UNKNOWN):
        _ask_aside(convo, "organisation", handoff=False)  # "Over welke organisatie gaat uw klacht?"
        convo.state["complaint_org"] = "asked"
        return
    if not convo.facts_raw.get("situation") and not _ask_situation(convo):
        return
    for _ in range(6):  # moving on after a second miss may take a few rounds
        advice = advise(convo.facts(), convo.catalogue)
        if advice.question is None:
            _give_advice(convo, advice)
            return
        if _ask(convo, advice.question):
            return


def _ask_situation(convo: _Conversation) -> bool:
    """Ask what is going on. True when it moved on without an answer (then the engine goes on)."""
    count = convo.state["asked_count"].get("situation", 0)
    waiting = convo.state.get("asked") == "situation" and not convo.answered
    restated = _restated(convo) and count < MAX_ASKS
    if waiting and (convo.progress or restated) and not convo.interrupted:
        # "I am her daughter" while "Waar loopt u tegenaan?" waits: a fact (new or known), no miss and no guess at a
        # situation ("Bedoelt u een van deze?"): thanks, and the same question; only a fact told again counts as a
        # miss (so that no question comes a third time), a new one does not (as in _ask)
        intro = convo.phrase("noted" if convo.progress else "already_known")
        convo.say(_situation_question_text(convo, intro), "question", _situation_buttons(convo))
        if not convo.progress:
            convo.state["asked_count"]["situation"] = count + 1
        return False
    if waiting and convo.interrupted and count <= MAX_ASKS:
        # "no, I won't do anything" to a check-in, or a crisis message, while the question waits: no miss ("Dat begreep
        # ik niet helemaal") and no guess at a situation; the same question after it (as in _ask), never a fourth time
        intro = convo.phrase("after_crisis_go_on") if convo.state.get("safety") else ""
        convo.say(_situation_question_text(convo, intro), "question", _situation_buttons(convo))
        convo.state["asked_count"]["situation"] = count + 1
        return False
    if waiting and count < MAX_ASKS:
        ranking = [name for name, _ in convo.turn.ranking if name in convo.catalogue.routes][:3]
        if ranking:
            buttons = [{"title": convo.catalogue.situation_label(n), "payload": f"/{n}"} for n in ranking]
            convo.say(
                convo.addressed("did_you_mean"),
                "question",
                [
                    *buttons,
                    {"title": convo.phrase("something_else_button"), "payload": "/deny"},
                    convo.handoff_button(),
                ],
            )
            convo.state["asked_count"]["situation"] = count + 1
            return False
    if count >= MAX_ASKS and convo.state.get("asked") == "situation" and (not convo.interrupted or count > MAX_ASKS):
        # asked twice without an answer: move on with the route for "I do not know where to go"
        if convo.words_text:
            convo.state["unread"].append(convo.typed[:500])
        convo.facts_raw["situation"] = FALLBACK_SITUATION
        convo.state["asked"] = None
        convo.say(convo.addressed("situation_moved_on"), "notice")
        return True
    intro = "" if count == 0 else convo.phrase("not_understood_again")
    convo.say(_situation_question_text(convo, intro), "question", _situation_buttons(convo))
    convo.state["asked"] = "situation"
    convo.state["asked_count"]["situation"] = count + 1
    return False


def _ask_situation_probe(convo: _Conversation) -> None:
    """After "weet ik niet" to what is going on: one open question about the organisation and what it says or does;
    its answer is read for the situation too, and without one the route for not knowing where to go follows."""
    _ask_aside(convo, "organisation", convo.addressed("situation_probe"))  # (another question than the organisation's)
    convo.state["situation_probe"] = "asked"


def _ask_narrowing(convo: _Conversation, fact: str) -> None:
    """After the open question named only an organisation: the yes/no question of ``fact`` (NARROWING), once; its
    answer is the situation (NARROWING; an answer it does not hold: the route for not knowing where to go)."""
    _ask_aside(convo, fact)
    convo.state["situation_probe"] = "narrow"


def _ask_aside(convo: _Conversation, fact: str, text: str | None = None, handoff: bool = True) -> None:
    """A question asked outside the engine's order, once: ``text`` or the fact's own question, with its buttons (and
    "Ik wil iemand spreken"); not counted as an ask of the fact's question (``asked_count`` stays)."""
    question = question_for(convo.catalogue, fact, convo.facts())
    buttons = [*_buttons(question), convo.handoff_button()] if handoff else _buttons(question)
    convo.say(convo.address(question.text) if text is None else text, "question", buttons)
    convo.state["asked"] = fact
    convo.state["asked_step"] = None


def _situation_question_text(convo: _Conversation, intro: str) -> str:
    question = convo.catalogue.questions["situation"]["text"].strip()
    return convo.address(f"{intro} {question}".strip())


def _situation_buttons(convo: _Conversation) -> list[dict[str, str]]:
    options = convo.catalogue.questions["situation"].get("options") or ()
    return [{"title": o["title"], "payload": f"/{o['value']}"} for o in options][:MAX_SITUATION_BUTTONS]


def _ask(convo: _Conversation, question: Question) -> bool:
    """Ask the engine's question. False when the question was asked twice already: then the fact becomes
    'onbekend' and the caller asks the engine again."""
    if question.fact == "situation":
        return not _ask_situation(convo)
    key = _question_key(question)
    counts = convo.state["asked_count"]
    count = counts.get(key, 0)
    previous = convo.state.get("asked")
    same = previous == question.fact and (
        question.fact != "step_outcome" or convo.state.get("asked_step") == question.about_step
    )
    bad_date = convo.state.pop("bad_date", None)
    not_a_miss = convo.interrupted or convo.progress
    # a re-ask after an interruption (a crisis message) or progress is no miss, but it counts: never a fourth time
    if count >= MAX_ASKS and same and (not not_a_miss or count > MAX_ASKS):
        _move_on(convo, question)
        return False
    intro = ""
    if same and not_a_miss:
        intro = convo.phrase("after_crisis_go_on") + " " if convo.interrupted and convo.state.get("safety") else ""
        if not convo.interrupted and not convo.changed:
            intro = convo.phrase("noted") + " "  # "I am his son" while the question waits: learnt, then the question
        convo.say(convo.address(_acknowledge(convo) + intro + question.text), "question", _buttons(question))
        counts[key] = count + 1
        return True
    if bad_date and bad_date["fact"] == question.fact:
        when = format_date(date.fromisoformat(bad_date["value"]))
        intro = convo.phrase("date_not_possible", date=when) + " "
    elif same and count >= 1 and _restated(convo):
        intro = convo.phrase("already_known") + " "  # "ik ben zijn moeder" when that was known: no reproach
    elif same and count >= 1:
        intro = convo.phrase("not_understood_again") + " " + (question.explain + " " if question.explain else "")
    buttons = _buttons(question)
    if same and count >= 1:
        buttons = [*buttons, convo.handoff_button()]
    text = convo.address(_acknowledge(convo) + intro + question.text)
    convo.say(text, "question", buttons)
    counts[key] = count + 1
    convo.state["asked"] = question.fact
    convo.state["asked_step"] = question.about_step
    return True


def _restated(convo: _Conversation) -> bool:
    """The message only repeats facts the assistant already had (no answer to the question, nothing new)."""
    read = {k: v for k, v in convo.words_read.items() if k not in ("steps_tried", "situation")}
    return bool(read) and all(convo.facts_raw.get(k) == v for k, v in read.items())


def _move_on(convo: _Conversation, question: Question) -> None:
    if question.fact == "step_outcome" and question.about_step:
        convo.facts_raw.setdefault("steps_tried", {})[question.about_step] = "nee"
    elif question.fact in YES_NO_FACTS or understand.is_yes_no(question.fact):
        convo.facts_raw[question.fact] = UNKNOWN if UNKNOWN in ALLOWED.get(question.fact, ()) else False
    else:
        convo.facts_raw[question.fact] = UNKNOWN
    if convo.words_text:
        convo.state["unread"].append(convo.typed[:500])
    convo.say(convo.addressed("moving_on"), "notice")
    convo.state["asked"] = None
    convo.state["asked_step"] = None


def _acknowledge(convo: _Conversation) -> str:
    if not convo.changed:
        return ""
    facts = convo.facts()
    parts = []
    for name in dict.fromkeys(convo.changed):
        value = facts.get(name)
        label = (
            render.FACT_LABELS.get(name, {}).get(value, value) if not isinstance(value, date) else format_date(value)
        )
        if value is not None:
            parts.append(convo.phrase("fact_now", name=render.FACT_NAMES[name], value=label))
    return (convo.phrase("fact_changed", changes=", ".join(parts)) + " ") if parts else ""


def _buttons(question: Question) -> list[dict[str, str]]:
    return [{"title": option.title, "payload": payload(question.fact, option.value)} for option in question.options]


def payload(fact: str, value: Any) -> str:
    """The button payload that answers ``fact`` with ``value`` (free text works as well)."""
    if fact == "situation":
        return f"/{value}"
    if (fact in YES_NO_FACTS or understand.is_yes_no(fact)) and value in (True, False):
        return "/affirm" if value is True else "/deny"
    entity = FACT_ENTITY.get(fact, "stap_uitkomst")
    return "/inform" + json.dumps({entity: value}, ensure_ascii=False)


def _give_advice(convo: _Conversation, advice: Advice) -> None:
    facts = convo.facts()
    last = convo.state.get("last") or {}
    if (
        last
        and advice.step
        and last.get("step") == advice.step.id
        and not (convo.progress or convo.answered or convo.changed)
    ):
        # nothing new since the advice: do not repeat it, offer what is one tap away; a question we cannot answer
        # gets an honest "not in my sources" and who does know; never the same sentence twice in a row
        if convo.pending_answered:  # the questions left behind a danger sign were this reply: the buttons under them
            convo.messages[-1].buttons = [*render.advice_buttons(advice)[:4], convo.handoff_button()]
            return
        if _restated(convo) and not understand.is_question(convo.words_text):
            # "ik ben haar dochter" when that was known: no reproach, and the step stays what it was
            said = convo.addressed("advice_restated")
            if said not in (convo.state.get("last_plain") or ()):
                convo.say(said, "info", [*render.advice_buttons(advice)[:4], convo.handoff_button()])
                return
        key = "question_unknown" if understand.is_question(convo.words_text) else "advice_given_already"
        if convo.state.get("last_fallback") == key:
            key = FALLBACK_AGAIN[key]
        convo.state["last_fallback"] = key
        convo.say(convo.addressed(key), "info", [*render.advice_buttons(advice)[:4], convo.handoff_button()])
        return
    convo.state["last_fallback"] = None
    convo.state["asked"] = None
    convo.state["asked_step"] = None
    ack = _acknowledge(convo)
    if ack:
        convo.say(convo.address(ack.strip()), "notice")
    shown = convo.state["info_shown"]
    info = render.render_info(advice.info, convo.catalogue, facts) if advice.info else ""
    seen = f"{advice.info}:{facts.law}"
    if info and seen not in shown:  # a route's background (who has the zorgplicht) once, not with every answer
        convo.say(info, "info")
        shown.append(seen)
    elif info and advice.step is None and not advice.exhausted:
        info = ""  # shown before: the closing text below says what is left
    if advice.step is None and not advice.exhausted:
        if not info:
            convo.say(
                render.exhausted_text(advice, convo.catalogue, facts),
                "advice",
                [convo.handoff_button(), convo.overview_button()],
                feedback=True,
            )
        convo.state["last"] = _summary(advice, facts)
        return
    buttons = render.advice_buttons(advice) if advice.step else [convo.handoff_button()]
    text = render.advice_text(advice, convo.catalogue, facts)
    summary = _summary(advice, facts)
    summary["digest"] = hashlib.sha256(text.encode()).hexdigest()[:16]
    if advice.step and last.get("step") == advice.step.id and last.get("digest") == summary["digest"]:
        # something new was said ("ik ben de cliënt"), but the advice it gives is word for word the one just given:
        # say so, do not show it again
        said = convo.addressed("advice_unchanged", step=advice.step.body.short_label)
        if said in (convo.state.get("last_plain") or ()):
            said = convo.addressed("advice_unchanged_again")
        convo.say(said, "info", buttons)
        convo.state["last"] = summary
        return
    message = convo.say(text, "advice", [*buttons, convo.overview_button()], feedback=True)
    message.documents = offered(advice, facts.organisation)
    convo.state["last"] = summary


def _summary(advice: Advice, facts: CaseFacts) -> dict[str, Any]:
    step = advice.step
    return {
        "situation": advice.situation,
        "step": step.id if step else None,
        "step_label": step.body.label if step else None,
        "status": step.status if step else None,
        "reason": step.reason if step else None,
        "after": [s.id for s in advice.after],
        "sources": [f"{r.source}: {r.section}" for r in advice.references],
        "skipped": [list(s) for s in advice.skipped],
        "tried": list(advice.already_tried),
        "pending": [s.id for s in advice.pending],
        "deadlines": [
            {"id": d.id, "due": d.due.isoformat() if d.due else None} for d in (step.deadlines if step else ())
        ],
        "exhausted": advice.exhausted,
    }


def _not_understood(convo: _Conversation) -> None:
    if convo.words_text:
        convo.state["unread"].append(convo.typed[:500])
        convo.state["unread"] = convo.state["unread"][-10:]
    if not convo.text.strip():
        convo.say(convo.addressed("empty_message"), "error")
        return
    convo.say(convo.addressed("not_understood"), "error", [*_situation_buttons(convo)[:3], convo.handoff_button()])


def _privacy_notice(convo: _Conversation) -> str:
    return convo.phrase("privacy_notice", days=os.environ.get("OPSW_RETENTION_DAYS", "30"))


def trace(convo_state: Mapping[str, Any], facts: CaseFacts, advice: Advice | None) -> dict[str, Any]:
    last = (convo_state.get("last") or {}) if advice is None else _summary(advice, facts)
    question = advice.question if advice else None
    data = {
        "facts": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in convo_state.get("facts", {}).items()},
        "situation": facts.situation,
        "question": convo_state.get("asked"),
        "question_step": convo_state.get("asked_step"),
        "asked": dict(convo_state.get("asked_count") or {}),
        "safety": convo_state.get("safety"),
    }
    if question is not None:
        data["question"] = question.fact
    data.update(
        {
            k: last.get(k)
            for k in (
                "step",
                "step_label",
                "reason",
                "sources",
                "after",
                "skipped",
                "tried",
                "pending",
                "deadlines",
                "exhausted",
            )
        }
    )
    return data


def _attach_trace(convo: _Conversation) -> None:
    if not convo.trace_wanted or not convo.messages:
        return
    last_advice = convo.state.get("last") if any(m.kind == "advice" for m in convo.messages) else None
    data = trace(convo.state, convo.facts(), None)
    if last_advice is None:
        for key in ("step", "step_label", "reason", "sources", "after", "skipped", "tried", "pending", "deadlines"):
            data[key] = None if key in ("step", "step_label", "reason") else []
        data["exhausted"] = False
    if convo.state.get("asked") is None:
        data["question"] = None
    if _check_in_asked(convo):
        data["question"] = CHECK_IN_QUESTION  # the only question of this reply (a runner answers it, not the step's)
    convo.messages[-1].trace = data
