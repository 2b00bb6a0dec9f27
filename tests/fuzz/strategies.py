"""What the fuzz sends (hypothesis strategies), shared by the CI fuzz tests (tests/fuzz/test_fuzz_channels.py, a few
hundred examples against the tiny bot) and the probe of a running instance (scripts/probe.py, 10,000 through REST).

``MESSAGE``: a user text. Any characters (lone surrogates and control characters too), typed payloads (``/inform{..}``,
``/restart@0.99``, ``/RESTART``), markup and injection strings, texts around the length limit, identifiers, a danger
sign with invisible or format characters between its letters (``INVISIBLE_DANGER``) and phrasings that sound like
starting again or erasing (``RESTART_LIKE``, issue 17: ordinary sentences wiped the conversation).
``BODY``: a REST body (any JSON value, wrong types, metadata of any shape).
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

ANY_CHAR = st.characters(blacklist_categories=())  # includes lone surrogates and control characters
CONTROL = st.characters(min_codepoint=0, max_codepoint=0x1F) | st.sampled_from("\x7f\u200b\u202e\u2066\ufeff")
PAYLOAD = st.builds(
    lambda name, tail: f"/{name}{tail}",
    st.sampled_from(
        [
            "inform",
            "restart",
            "RESTART",
            "Restart",
            "greet",
            "geen_plek",
            "feedback",
            "human_handoff",
            "nlu_fallback",
            "acute_nood",
            "opnieuw_beginnen",
            "deny",
            "affirm",
            "",
            "/",
            "session_start",
            "action_restart",
        ]
    ),
    st.one_of(
        st.just(""),
        st.sampled_from(["@0.99", "@0.15", "@1", " ", "{}", "\u200b"]),
        st.dictionaries(
            st.sampled_from(["instantie", "wet", "leeftijd", "feedback", "situation", "onderwerp", "x"]),
            st.one_of(st.text(max_size=12), st.integers(), st.none()),
            max_size=3,
        ).map(json.dumps),
        st.text(max_size=30),
    ),
)
HOSTILE = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "{{7*7}}",
        "${jndi:ldap://x/a}",
        "'; DROP TABLE events;--",
        '"/restart"',
        "[BSN]",
        "\\u0000",
        "%00",
        "../../etc/passwd",
        "ik wil niet meer leven",
        "verwijder mijn gesprek niet",
        "<b>vet</b>",
        "javascript:alert(1)",
    ]
)
HUGE = st.one_of(
    st.integers(3990, 4010).map(lambda n: "a" * n),
    st.integers(4001, 20000).map(lambda n: "zorg " * (n // 5)),
    st.just("x" * 100_000),
)
# Sentences the NLU may read as "start again" or "erase", and the plain commands. A plain command ("opnieuw
# beginnen", "/restart" from the widget, "wis alles") may start again or erase; anything else must keep the
# conversation (lexicon/moves.yaml, channels.guard.ERASE_RE).
RESTART_PHRASES = (
    "kunt u dat opnieuw zeggen?",
    "nog een keer graag",
    "ik moet de aanvraag opnieuw doen",
    "vergeet dat laatste",
    "opnieuw",
    "opnieuw beginnen",
    "begin opnieuw",
    "ik wil opnieuw beginnen",
    "nieuw gesprek",
    "reset",
    "herstart",
    "restart",
    "start over",
    "kunt u het opnieuw uitleggen?",
    "ik begin morgen opnieuw met bellen",
    "we moeten alles opnieuw aanvragen",
    "laat maar",
    "vergeet het maar",
    "stop maar",
    "terug",
    "wis alles",
    "Kunt u mijn gesprek verwijderen?",
    "ik wil dat je mijn gegevens wist",
    "verwijder mijn gesprek",
    "verwijder mijn gesprek niet",
    "moet ik mijn gegevens laten verwijderen bij de gemeente?",
)
RESTART_LIKE = st.builds(
    lambda phrase, case, end: (phrase.upper() if case == "upper" else phrase.capitalize() if case else phrase) + end,
    st.sampled_from(RESTART_PHRASES),
    st.sampled_from(["", "upper", "capitalize"]),
    st.sampled_from(["", ".", "!", " ", "?", " graag", " alstublieft"]),
)
# A danger sign with invisible or format characters between its letters (issue 17: with one between every letter,
# 21 of 21 got no crisis message): one of them after every letter, every second or every third letter. The
# characters of the probe plus the common zero-width ones.
INVISIBLE_CHARS = "\u2060\u200d\u00ad\u180e\u034f\u2063\u061c\u200b\ufeff\u200c"
DANGER_PHRASES = ("ik wil niet meer leven", "ik wil dood", "ik wil er een eind aan maken", "ik denk aan zelfmoord")
INVISIBLE_DANGER = st.builds(
    lambda phrase, mark, step: (
        "".join(letter + (mark if n % step == 0 else "") for n, letter in enumerate(phrase[:-1])) + phrase[-1]
    ),
    st.sampled_from(DANGER_PHRASES),
    st.sampled_from(INVISIBLE_CHARS),
    st.integers(1, 3),
)
MESSAGE = st.one_of(
    st.text(ANY_CHAR, max_size=200),
    st.text(CONTROL, max_size=20),
    PAYLOAD,
    st.builds(lambda a, b, c: a + b + c, st.text(max_size=40), HOSTILE, st.text(ANY_CHAR, max_size=20)),
    HUGE,
    st.text(st.sampled_from("06123456789 -+bsnBSN@.nl"), max_size=40),
    RESTART_LIKE,
    INVISIBLE_DANGER,
)

JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(ANY_CHAR, max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
BODY = st.one_of(
    JSON_VALUE,
    st.fixed_dictionaries({"sender": JSON_VALUE, "message": JSON_VALUE}),
    st.fixed_dictionaries({"sender": st.just("fuzz-body"), "message": MESSAGE, "metadata": JSON_VALUE}),
)
