"""Signs of danger in free text, answered the way a crisis line triages them: crisis, check-in or nothing.

``assess(text, intent, confidence, after_sign=...)`` is called on EVERY user message, before anything else, so
that a misread intent can never hide a danger sign. Three readers, and any of them can raise the tier:

(a) the word rules of the lexicon ``lexicon/safety.yaml`` (``opschaling.safety_rules``): each entry has a kind
    (``suicide_explicit``, ``passive``, ``elder_abuse`` ...), and each kind a tier and a group in the lexicon's
    ``kinds`` table. Entries with ``context: after_sign`` (asking about a method or a dose) count only after an
    earlier sign in the conversation;
(b) a learned model (``opschaling.safety_model``), trained on several thousand messages by several writers
    (``lexicon/training/``) plus the lexicon's own examples;
(c) the NLU intent ``acute_nood`` with confidence >= ``NLU_THRESHOLD``: at least a check-in.

Tiers (``CRISIS``, ``CHECK_IN``): a crisis sign gets the crisis message of its group (suicide -> 113, violence
and abuse -> Veilig Thuis, acute danger, a missing person or a medical emergency -> 112); a check-in sign gets a
warm direct question with 113 (``opschaling.crisis``). A denial right before a rule's match ("geen
zelfmoordgedachten, maar ...") lowers a crisis to a check-in, never to nothing; only the generic danger words of
entries marked ``deniable: drop`` ("er is geen gevaar", "niet acuut") are switched off by a denial. A sign
placed in the past of a message that says it is over ("vorig jaar ..., nu gaat het gelukkig goed") is no
danger now; past violence or suicidality without that still counts.

Measured recall and false alarms on blind batches, and how honest those numbers are: tests/safety/README.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from opschaling import safety_rules as rules
from opschaling.safety_rules import load_lexicon

SUICIDE = "suicide"
VIOLENCE = "violence"
ACUTE = "acute"
KINDS = (SUICIDE, VIOLENCE, ACUTE)  # the groups, in priority order when several match in one tier
# Old name for the non-suicide kinds; kept so that old imports do not break. New code uses VIOLENCE / ACUTE.
DANGER = ACUTE
CRISIS = "crisis"
CHECK_IN = "check_in"
TIERS = (CHECK_IN, CRISIS)  # from low to high

# abuse kinds whose words are plain enough to come before a suicide sign that only the model reads (not violence_now:
# "met een schaar gekrast", "mij dood te maken" are its words too)
PLAIN_ABUSE = ("carer_hurts", "elder_abuse")
# ``model_after_sign`` right after a weak sign: the model counts a question about a dose, at its usual thresholds
WEAK = "weak"
# the lexicon's kind for danger without a kind (fire, gas, "er is gevaar"): violence seen next to it comes first
GENERIC_DANGER = "acute_danger"
NLU_INTENT = "acute_nood"
# The NLU signal counts from the lexicon's model.nlu on (chosen with the rules and the learned model by
# scripts/tune_safety.py). Alone it gives a check-in (kind "unclear": the general safety question with 112, 113 and
# Veilig Thuis), never a crisis.
NLU_THRESHOLD = float(load_lexicon().data["model"]["nlu"])
NLU_KIND = "unclear"


@dataclass(frozen=True)
class Signal:
    kind: str  # the group: "suicide", "violence" or "acute" (which help line comes first)
    evidence: str  # the words that matched (lower case, accents folded), "model:<kind> (0.83)" or "intent:..."
    sign: str = ""  # the lexicon's kind: suicide_explicit, passive, elder_abuse, missing_person ...
    tier: str = CRISIS  # "crisis" or "check_in"
    about: str = "self"  # "self" or "other": whose life or safety the sign is about
    source: str = "rules"  # "rules", "model", "nlu", "button" or "answer"
    also: tuple[str, ...] = ()  # other groups seen in the same message (e.g. suicide next to violence)

    @property
    def crisis(self) -> bool:
        return self.tier == CRISIS


def _rank(signal: Signal) -> tuple[int, int, int, bool]:
    """The tier first; within a tier a crisis kind read with less certainty (abuse seen by the model at check-in
    level) before a passive sign; then suicide before violence before acute; then the rules before the model."""
    kinds = load_lexicon().kinds
    own = TIERS.index(kinds[signal.sign]["tier"]) if signal.sign in kinds else TIERS.index(signal.tier)
    return (TIERS.index(signal.tier), own, -KINDS.index(signal.kind), signal.source == "rules")


def _signal(
    sign: str, evidence: str, tier: str | None = None, other: bool = False, source: str = "rules", as_other: str = ""
) -> Signal:
    """The signal of lexicon kind ``sign``; ``other``: the sign is about someone else (then the kind becomes the
    entry's ``as_other`` or the kind's own ``other``, e.g. suicide_explicit -> suicide_other_acute)."""
    lex = load_lexicon()
    if other:
        sign = as_other or lex.kinds[sign].get("other") or sign
    info = lex.kinds[sign]
    return Signal(
        kind=info["group"],
        evidence=evidence,
        sign=sign,
        tier=min(tier or info["tier"], info["tier"], key=TIERS.index),
        about="other" if sign in lex.other_kinds else "self",
        source=source,
    )


def rule_signals(text: str | None, after_sign: bool = False, topic_sign: bool = True) -> list[Signal]:
    """Every sign the lexicon rules find in ``text``, with its tier: a denied crisis sign becomes a check-in, and
    so does a word that only names the topic ("huiselijk geweld", "ouderenmishandeling") when ``topic_sign`` is
    False (the learned model sees no sign in the message: a question about the meldcode)."""
    lex = load_lexicon()
    reading = rules.read(text, lex, after_sign=after_sign)
    out = []
    for hit in reading.hits:
        tier = lex.kinds[hit.entry.kind]["tier"]
        if tier == CRISIS and (hit.denied or hit.joking or (hit.entry.topic and not topic_sign)):
            tier = CHECK_IN
        other = lex.about_other(reading.tokens, hit.start, hit.end)
        out.append(_signal(hit.entry.kind, hit.evidence, tier, other, as_other=hit.entry.other))
    return out


def _topic_sign(text: str | None, after_sign: bool | str) -> bool:
    """Whether a topic word may count as a crisis: the learned model sees at least model.topic chance of a sign
    (short messages always count: the model does not read them)."""
    from opschaling import safety_model  # noqa: PLC0415

    if not text or len(text.split()) < safety_model.MIN_WORDS:
        return True
    return safety_model.sign_chance(text, after_sign) >= float(load_lexicon().data["model"]["topic"])


def model_signal(text: str | None, after_sign: bool | str = False) -> Signal | None:
    """The learned model's sign, when its score reaches the lexicon's thresholds (``model`` in safety.yaml)."""
    if not text or not text.strip():
        return None
    from opschaling import safety_model  # noqa: PLC0415 - scikit-learn loads only when a message is read

    found = safety_model.predict(text, after_sign=after_sign)
    if found is None:
        return None
    sign, tier, score, other = found
    return _signal(sign, f"model:{sign} ({score:.2f})", tier, other, source="model")


def model_violence(text: str | None, after_sign: bool | str = False, alone: bool = False) -> Signal | None:
    """Violence or abuse as the learned model sees it when the violence kinds are counted together
    (``safety_model.violence``); ``alone`` (no other sign in the message): only from the check-in threshold on."""
    if not text or not text.strip():
        return None
    from opschaling import safety_model  # noqa: PLC0415

    found = safety_model.violence(text, after_sign)
    if found is None:
        return None
    sign, tier, share = found
    if alone and share < float(load_lexicon().data["model"]["violence_alone"]):
        return None
    return _signal(sign, f"model:violence ({share:.2f})", tier, source="model")


def best(signals: Iterable[Signal]) -> Signal | None:
    """The signal that decides the answer (``_rank``). Violence or abuse comes before a passive suicide sign
    (check-in) in the same message: Veilig Thuis first, 113 after it (``also``); so does violence read by the rules
    next to a suicide sign that only the model reads. Generic danger (``GENERIC_DANGER``: fire, "gevaar") next to
    violence is that violence: Veilig Thuis first, whose text names 112 for danger now. A crisis-level suicide sign
    read by the rules and an acute one (112: someone on the floor, missing, not breathing) stay first, with Veilig
    Thuis after them. ``also`` names the other groups seen, so the answer can add their help line."""
    found = list(signals)
    if not found:
        return None
    top = max(found, key=_rank)
    violence = [s for s in found if s.kind == VIOLENCE]
    ruled = [s for s in violence if s.crisis and s.source == "rules" and s.sign in PLAIN_ABUSE]
    if violence and top.kind == SUICIDE and not top.crisis:
        top = max(violence, key=_rank)
    elif ruled and top.kind == SUICIDE and top.source == "model":
        # the words say violence ("ik heb haar kaak vastgegrepen"), only the model reads suicide: Veilig Thuis first
        top = max(ruled, key=_rank)
    elif violence and top.sign == GENERIC_DANGER:
        # "hij zei dat hij me in de fik steekt": the danger is the violence; its text names 112 too
        chosen = max(violence, key=_rank)
        top = Signal(chosen.kind, chosen.evidence, chosen.sign, top.tier, chosen.about, chosen.source)
    others = tuple(sorted({s.kind for s in found if s.kind != top.kind}, key=KINDS.index))
    return Signal(top.kind, top.evidence, top.sign, top.tier, top.about, top.source, others)


def assess(
    text: str | None,
    intent: str | None = None,
    confidence: float | None = None,
    after_sign: bool = False,
    use_model: bool = True,
    model_after_sign: bool | str | None = None,
) -> Signal | None:
    """The danger sign in ``text`` that decides the answer, or None.

    ``after_sign``: the conversation already had a danger sign (then a question about a method or a dose is one
    too). ``model_after_sign`` (default: ``after_sign``): the learned model reads with its lower after-sign
    thresholds (True; the dialogue does so only in the message right after a sign, so that an ordinary answer later
    on is not read as a new sign again and again), or right after a weak sign only a dose question (``WEAK``).
    ``use_model=False``: the rules and the NLU only (for measuring the parts on their own)."""
    model_after = after_sign if model_after_sign is None else model_after_sign
    signals = rule_signals(text, after_sign, topic_sign=not use_model or _topic_sign(text, model_after))
    if use_model and not any(s.crisis and s.kind == SUICIDE for s in signals):
        found = model_signal(text, model_after)
        if found is not None:
            signals.append(found)
        if not any(s.kind == VIOLENCE for s in signals):
            violence = model_violence(text, model_after, alone=not signals)
            if violence is not None:
                signals.append(violence)
    if intent == NLU_INTENT and (confidence is None or confidence >= NLU_THRESHOLD):
        conf = "" if confidence is None else f" ({confidence:.2f})"
        signals.append(_signal(NLU_KIND, f"intent:{NLU_INTENT}{conf}", source="nlu"))
    return best(signals)


def weak_sign(text: str | None, after_sign: bool = False) -> bool:
    """The learned model sees some chance of a sign (at least the lexicon's ``model.notice``, or the violence kinds
    together at least ``model.violence``), too little for a check-in: the answer then ends with the help lines, so
    that no missed sign leaves the user without them."""
    if not text or not text.strip():
        return False
    from opschaling import safety_model  # noqa: PLC0415

    if safety_model.sign_chance(text, after_sign) >= float(load_lexicon().data["model"]["notice"]):
        return True
    return safety_model.violence(text, after_sign) is not None


def heard_in_answer(text: str | None) -> bool:
    """The learned model reads a sign in ``text`` read as an answer to the question asked, at least the lexicon's
    ``model.check_in_answer`` (above ``check_in``: "no, only talked to his GP by phone" to "Heeft u het Juiste Loket
    gebeld?" is read at 0.4 and is an answer; "ja, en ik wil zelf ook niet meer" is heard)."""
    if not text or not text.strip():
        return False
    from opschaling import safety_model  # noqa: PLC0415

    cfg = load_lexicon().data["model"]
    return safety_model.sign_chance(text) >= float(cfg.get("check_in_answer", cfg["check_in"]))


def rule_signal(text: str | None) -> Signal | None:
    """The rule part alone (no model, no NLU)."""
    return best(rule_signals(text))


def detect(text: str | None) -> str | None:
    """Old interface: the group of the rules' sign in ``text`` ("suicide", "violence", "acute") or None."""
    signal = rule_signal(text)
    return signal.kind if signal else None


def evaluate(
    pairs: Iterable[tuple[str, str | None]],
    nlu: Callable[[str], tuple[str | None, float | None]] | None = None,
    use_model: bool = True,
) -> dict:
    """Score the detector on (text, expected group or None) pairs: recall on the positives (any group and tier
    counts as found), false-alarm rate on the negatives, the counts, and how often the group was right.

    With ``nlu`` (text -> (intent, confidence), e.g. a parsed Rasa model) it scores ``assess`` as the dialogue
    calls it; ``use_model=False`` leaves the learned model out."""
    n_pos = n_neg = found = false_alarms = kind_right = 0
    for text, expected in pairs:
        intent, confidence = nlu(text) if nlu else (None, None)
        got = assess(text, intent, confidence, use_model=use_model)
        if expected:
            n_pos += 1
            if got:
                found += 1
                kind_right += got.kind == expected
        else:
            n_neg += 1
            false_alarms += got is not None
    return {
        "recall": found / n_pos if n_pos else 0.0,
        "false_alarm_rate": false_alarms / n_neg if n_neg else 0.0,
        "n_pos": n_pos,
        "n_neg": n_neg,
        "kind_accuracy": kind_right / found if found else 0.0,
    }


_normalise = rules.normalise
