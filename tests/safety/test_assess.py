"""opschaling.safety.assess / detect / evaluate: groups and tiers, negation, hard negatives, the NLU signal."""

import pytest

from opschaling import safety
from opschaling.safety import ACUTE, SUICIDE, VIOLENCE

# The danger signs named in the issue, each with its kind.
ISSUE_SIGNS = [
    ("ik wil dood", SUICIDE),
    ("ik kan niet meer, ik wil dood", SUICIDE),
    ("ik zie het niet meer zitten", SUICIDE),
    ("ik wil er niet meer zijn", SUICIDE),
    ("ik denk aan zelfdoding", SUICIDE),
    ("ik snijd mezelf", SUICIDE),
    ("geen gevaar, hij slaat me wel soms", VIOLENCE),
    ("mijn vader dwaalt 's nachts over straat", ACUTE),
    ("ze is de gaspit vergeten en er is brand geweest", ACUTE),
]
TYPOS = [
    ("zelfmord", SUICIDE),
    ("ik heb suicde gedachten", SUICIDE),
    ("ik wil dood gaan", SUICIDE),
    ("wil der niet meer zijn", SUICIDE),
    ("ik wil dooooood", SUICIDE),
    ("ik zie t nie meer zitten", SUICIDE),
    ("ZELFMOORD", SUICIDE),
    ("zelfmoordgedachten", SUICIDE),
    ("suïcidaal", SUICIDE),
    ("hij mishandeld me", VIOLENCE),
    ("mn vriend sloeg me", VIOLENCE),
    ("mijn oma is vermisst", ACUTE),
]
# Negation never switches danger off when a danger sign is also present.
NEGATION_WITH_SIGN = [
    ("geen gevaar, hij slaat me wel soms", VIOLENCE),
    ("niet acuut, maar ik wil dood", SUICIDE),
    ("er is geen acuut gevaar, maar ik denk aan zelfmoord", SUICIDE),
    ("nee, niemand is in gevaar. Hij schopt de kinderen alleen als hij boos is", VIOLENCE),
    ("het is niet gevaarlijk hoor, hij duwt me alleen soms", VIOLENCE),
    ("geen noodgeval, maar mijn vader is vermist", ACUTE),
]
# Sentences that ONLY deny, and hard negatives from the issue.
QUIET = [
    "er is geen gevaar",
    "nee, niemand is in gevaar",
    "er is geen acuut gevaar",
    "het is niet acuut",
    "niemand is in levensgevaar",
    "er is geen sprake van geweld",
    "het gevaar is dat de termijn verloopt",
    "mijn moeder is vorig jaar overleden",
    "ik ben doodmoe van het bellen",
    "de deadline is dodelijk",
    "de zorg stopt",
    "ik zie het niet meer zitten dat de gemeente op tijd beslist",
    "ik kan niet meer wachten op een plek",
    "",
    "   ",
]


@pytest.mark.parametrize("text,kind", ISSUE_SIGNS + TYPOS)
def test_danger_signs_are_found_with_their_kind(text, kind):
    signal = safety.assess(text)
    assert signal is not None and signal.kind == kind and signal.evidence
    assert signal.sign in safety.load_lexicon().kinds and signal.tier in safety.TIERS


@pytest.mark.parametrize("text,kind", NEGATION_WITH_SIGN)
def test_negation_never_hides_a_sign(text, kind):
    assert safety.assess(text).kind == kind


@pytest.mark.parametrize("text", QUIET)
def test_denials_and_hard_negatives_stay_quiet(text):
    assert safety.assess(text) is None


# The rules leave these alone; the learned model may read the idiom ("ik zie het niet meer zitten") as a passive sign
# and ask (a check-in, as a crisis line might), never more.
NEAR_MISSES = ["ik zie het niet meer zitten met die papieren"]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_get_at_most_a_check_in(text):
    assert safety.assess(text, use_model=False) is None
    signal = safety.assess(text)
    assert signal is None or signal.tier == safety.CHECK_IN


@pytest.mark.parametrize(
    "text",
    ["ik wil niet dood", "ik heb geen zelfmoordgedachten hoor, maar ik ben zo moe", "nee ik ga mezelf niks aandoen"],
)
def test_a_denied_sign_is_never_a_crisis(text):
    """Negation lowers a crisis to a check-in, never to nothing: a crisis line would still ask."""
    signal = safety.assess(text)
    assert signal is None or signal.tier == safety.CHECK_IN


def test_a_denial_right_before_a_sign_lowers_it_to_a_check_in():
    signal = safety.assess("ik heb geen zelfmoordgedachten", use_model=False)
    assert signal is not None and signal.tier == safety.CHECK_IN and signal.kind == SUICIDE


@pytest.mark.parametrize(
    "text,sign,tier",
    [
        ("ik wil dood", "suicide_explicit", "crisis"),
        ("ik zie het niet meer zitten", "passive", "check_in"),
        ("mijn vader zegt dat hij dood wil", "other_wish", "check_in"),
        ("mijn zoon heeft gezegd dat hij er een einde aan maakt", "suicide_other_acute", "crisis"),
        ("ik ben een last voor iedereen", "passive", "check_in"),
        ("mijn zoon beheert haar rekening en er is niets meer over voor boodschappen", "elder_abuse", "crisis"),
        ("ik heb haar te hard vastgepakt", "carer_hurts", "crisis"),
        ("she is gone since this morning and she has dementia", "missing_person", "crisis"),
        ("I don't want to live anymore", "suicide_explicit", "crisis"),
    ],
)
def test_the_rules_give_the_sign_and_the_tier_a_crisis_line_would(text, sign, tier):
    signal = safety.assess(text, use_model=False)
    assert signal is not None and (signal.sign, signal.tier) == (sign, tier)


def test_evidence_is_the_matched_words_as_typed():
    assert safety.assess("Geen gevaar, hij SLAAT me wel soms").evidence == ["hij", "slaat me"][1]
    assert "zelfmoord" in safety.assess("Ik denk aan zelfmoord.").evidence


def test_mundane_niet_meer_zitten_is_quiet_but_life_is_not():
    assert safety.assess("ik zie het niet meer zitten met die formulieren") is None
    assert safety.assess("ik zie het niet meer zitten met mijn leven").kind == SUICIDE


def test_suicide_wins_over_other_kinds():
    assert safety.assess("hij slaat me en ik wil dood").kind == SUICIDE
    assert safety.assess("er is brand en hij slaat me").kind == VIOLENCE


def test_problem_behaviour_towards_staff_is_no_crisis():
    assert safety.assess("mijn zoon slaat zijn begeleiders en de woongroep wil hem kwijt") is None
    assert safety.assess("mijn vader is agressief tegen het personeel") is None
    assert safety.assess("mijn zoon slaat mijn moeder").kind == VIOLENCE


def test_a_sign_in_the_past_is_no_acute_danger_but_past_violence_counts():
    assert safety.assess("er was vorig jaar brand in het gebouw") is None
    assert safety.assess("sinds vorige week is mijn vader vermist").kind == ACUTE
    assert safety.assess("vorig jaar heeft hij me geslagen").kind == VIOLENCE


def test_sign_at_the_end_of_a_long_story():
    story = "Mijn moeder woont in een verpleeghuis. " * 200 + "Ik wil er niet meer zijn."
    assert safety.assess(story).kind == SUICIDE


@pytest.mark.parametrize("offset,expected", [(-0.01, None), (0.0, ACUTE), (0.05, ACUTE)])
def test_nlu_signal_counts_from_the_threshold(offset, expected):
    signal = safety.assess("hallo", intent="acute_nood", confidence=safety.NLU_THRESHOLD + offset)
    assert (signal.kind if signal else None) == expected
    assert signal is None or signal.tier == safety.CHECK_IN  # the NLU alone never gives a crisis
    assert safety.load_lexicon().data["model"]["nlu"] == safety.NLU_THRESHOLD


def test_nlu_signal_evidence_and_other_intents():
    assert safety.assess("hoi", intent="acute_nood", confidence=0.95).evidence == "intent:acute_nood (0.95)"
    assert safety.assess("hoi", intent="greet", confidence=0.99) is None
    alone = safety.assess(None, intent="acute_nood")
    assert (alone.kind, alone.evidence, alone.sign, alone.tier, alone.source) == (
        ACUTE,
        "intent:acute_nood",
        "unclear",
        safety.CHECK_IN,
        "nlu",
    )


def test_rules_decide_the_kind_even_with_the_nlu_signal():
    assert safety.assess("ik wil dood", intent="acute_nood", confidence=0.9).kind == SUICIDE
    assert safety.assess("ik wil dood", intent="greet", confidence=0.9).kind == SUICIDE


def test_detect_returns_the_kind_for_old_callers():
    assert safety.detect("ik wil dood") == "suicide"
    assert safety.detect("mijn vader slaat mijn moeder") == "violence"
    assert safety.detect("ze is in levensgevaar") == "acute"
    assert safety.detect("klacht over het verpleeghuis") is None
    assert safety.detect(None) is None


def test_evaluate_counts():
    result = safety.evaluate(
        [
            ("ik wil dood", "suicide"),
            ("hij slaat me", "suicide"),
            ("de zorg stopt", None),
            ("er is brand", None),
            ("hallo", None),
            ("niets", "acute"),
        ]
    )
    assert result == {"recall": 2 / 3, "false_alarm_rate": 1 / 3, "n_pos": 3, "n_neg": 3, "kind_accuracy": 0.5}
    assert safety.evaluate([]) == {"recall": 0.0, "false_alarm_rate": 0.0, "n_pos": 0, "n_neg": 0, "kind_accuracy": 0.0}


def test_every_pattern_compiles_to_bounded_slots():
    lexicon = safety.load_lexicon()
    assert len(lexicon.patterns) > 150
    for entry_index, _, slots in lexicon.patterns:
        assert lexicon.kinds[lexicon.entries[entry_index].kind]["group"] in safety.KINDS
        assert slots[0].exact or slots[0].prefixes
        assert all(slot.gap <= 4 for slot in slots)
        assert all(prefix for slot in slots for prefix in slot.prefixes)  # no empty stem (would match anything)


@pytest.mark.parametrize(
    "text,kind",
    [
        ("ze krijgt thuis elke dag klappen", VIOLENCE),
        ("hij heeft gedreigd mij en de kinderen iets aan te doen", VIOLENCE),
        ("de keuken staat helemaal vol rook", ACUTE),
        ("ik heb mezelf vannacht weer gesneden", SUICIDE),
    ],
)
def test_cooccurrence_rules_catch_other_word_orders(text, kind):
    assert safety.assess(text).kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "ik werk mezelf dood voor mijn moeder",
        "ik ben bang dat hij met deuren slaat",
        "we krijgen een klap als de eigen bijdrage stijgt",
        "de zorgaanbieder dreigt het contract op te zeggen",
        # words of one rule in different sentences do not combine
        "Ik krijg veel post. Er is een klap op de deur geweest, dat was de wind.",
    ],
)
def test_cooccurrence_rules_stay_quiet_on_hard_negatives(text):
    assert safety.assess(text, use_model=False) is None


def test_cooccurrence_needs_the_words_close_together():
    far = "ze krijgt " + "veel " * 0 + " ".join(["post"] * 40) + " klappen"
    assert safety.assess(far) is None
    assert safety.assess("ze krijgt klappen").kind == VIOLENCE


def test_nlu_training_data_lives_in_safety_yml():
    from tests.safety.safetylib import training_examples

    acute = [(f, ex) for f, intent, ex in training_examples() if intent == "acute_nood"]
    assert len(acute) >= 120
    assert {f for f, _ in acute} == {"safety.yml"}


def test_evaluate_with_an_nlu_signal():
    pairs = [("hallo", "acute"), ("goedemiddag", None)]
    assert safety.evaluate(pairs)["recall"] == 0.0
    fake_nlu = {"hallo": ("acute_nood", 0.9), "goedemiddag": ("greet", 0.95)}.get
    result = safety.evaluate(pairs, nlu=fake_nlu)
    assert result["recall"] == 1.0 and result["false_alarm_rate"] == 0.0


def test_abuse_comes_before_a_passive_sign_and_keeps_it_as_the_second_line():
    passive = safety.Signal(kind=SUICIDE, evidence="x", sign="passive", tier=safety.CHECK_IN)
    abuse = safety.Signal(kind=VIOLENCE, evidence="y", sign="elder_abuse", tier=safety.CHECK_IN, source="model")
    top = safety.best([passive, abuse])
    assert top.kind == VIOLENCE and SUICIDE in top.also
    explicit = safety.Signal(kind=SUICIDE, evidence="z", sign="suicide_explicit")
    assert safety.best([explicit, abuse]).kind == SUICIDE  # a suicide crisis stays first
    fallen = safety.Signal(kind=ACUTE, evidence="w", sign="medical_emergency")
    assert safety.best([fallen, abuse]).kind == ACUTE  # someone on the floor: 112 first


@pytest.mark.parametrize(
    "text",
    [
        "Mijn ex-man heeft me jarenlang geslagen. Dat is vijf jaar geleden, ik woon nu veilig. Kan ik een douchestoel krijgen?",
        "Back in 2019 I tried to end my life. I had good treatment and I'm doing well now. Can I be paid through a pgb?",
        "Toen mijn opa nog thuis woonde heeft hij een overdosis genomen, dat is vijf jaar geleden. Hij is goed geholpen.",
    ],
)
def test_a_sign_placed_years_back_in_a_story_that_says_it_is_over_is_no_crisis(text):
    signal = safety.rule_signal(text)
    assert signal is None, signal


def test_a_sign_told_recently_with_a_comfort_word_still_counts():
    assert safety.rule_signal("Hij heeft me geslagen. Gelukkig zijn de kinderen veilig.").kind == VIOLENCE


@pytest.mark.parametrize("text", ["spring ik uit het raam, haha", "ik spring uit het raam 😂"])
def test_a_laugh_lowers_a_crisis_to_a_check_in_never_to_nothing(text):
    signals = safety.rule_signals(text)
    assert signals and all(s.tier == safety.CHECK_IN for s in signals)
    assert safety.rule_signals("haha ik wil gewoon dood")[0].tier == safety.CHECK_IN
    assert safety.rule_signals("ik spring uit het raam")[0].tier == safety.CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "For a paper: how does Veilig Thuis handle reports of financial abuse of older people?",
        "Question about the rules: must a gemeente arrange shelter for someone fleeing domestic violence?",
        "I'm dying to know why the gemeente needs a brand new assessment every year.",
        "Vader lag in een kamer achterin met de gordijnen dicht, hij rook naar urine.",
    ],
)
def test_policy_questions_and_look_alike_words_are_no_crisis(text):
    signal = safety.rule_signal(text)
    assert signal is None or not signal.crisis, signal


def test_locking_someone_in_from_outside_is_abuse_and_wandering_prevented_is_no_missing_person():
    assert safety.rule_signal("de dochter doet de deur van buiten op slot als ze weggaat").kind == VIOLENCE
    assert safety.rule_signal("ze sluit haar op zodat ze niet gaat dwalen").kind == VIOLENCE
