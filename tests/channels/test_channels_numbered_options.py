"""Unit tests of the pure logic: numbered options, choices, plain text."""

import pytest

from channels.numbered_options import (
    KEYBOARD_PROMPT,
    OPTION_PROMPT,
    SCOPE_CONVERSATION,
    SCOPE_TURN,
    Choice,
    find_last_buttons,
    option_label,
    parse_option_number,
    render_options,
    render_text_with_options,
    resolve_against_events,
    resolve_label,
    resolve_number,
    resolve_option,
    resolve_title,
)
from channels.text_format import (
    STYLE_PLAIN,
    STYLE_WHATSAPP,
    split_long_text,
    to_plain_text,
)

BUTTONS = [
    {"title": "Ik ben het oneens met een besluit", "payload": "/besluit_oneens"},
    {"title": "Ik vind geen plek", "payload": "/geen_plek"},
    {"title": "Ik heb een klacht over de zorg", "payload": "/klacht_zorgaanbieder"},
]
OTHER_BUTTONS = [
    {"title": "Ja", "payload": "/affirm"},
    {"title": "Nee", "payload": "/deny"},
]


def user(text):
    return {"event": "user", "text": text, "parse_data": {}}


def bot(text, buttons=None, quick_replies=None):
    data = {}
    if buttons is not None:
        data["buttons"] = buttons
    if quick_replies is not None:
        data["quick_replies"] = quick_replies
    return {"event": "bot", "text": text, "data": data}


def action(name):
    return {"event": "action", "name": name}


# --- rendering -------------------------------------------------------------------------------


def test_render_options_numbers_titles_from_one():
    assert render_options(BUTTONS) == (
        "1. Ik ben het oneens met een besluit\n2. Ik vind geen plek\n3. Ik heb een klacht over de zorg"
    )


def test_render_text_with_options_adds_dutch_prompt():
    text = render_text_with_options("Waar loopt u tegenaan?", OTHER_BUTTONS)
    assert text == "Waar loopt u tegenaan?\n\n1. Ja\n2. Nee\n\nTyp het nummer van uw keuze."
    assert OPTION_PROMPT == "Typ het nummer van uw keuze."


def test_render_text_with_options_other_prompt_and_no_text():
    text = render_text_with_options("", OTHER_BUTTONS, KEYBOARD_PROMPT)
    assert text == "1. Ja\n2. Nee\n\n" + KEYBOARD_PROMPT


def test_render_without_buttons_is_just_the_text():
    assert render_text_with_options("Hallo", []) == "Hallo"


def test_button_without_payload_uses_title():
    assert resolve_number("1", [{"title": "Opnieuw beginnen"}]).payload == "Opnieuw beginnen"


def test_option_label():
    assert option_label(2, OTHER_BUTTONS[1]) == "2. Nee"


# --- parsing and resolving -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, number",
    [("2", 2), (" 2 ", 2), ("2.", 2), ("2)", 2), ("\t3\n", 3), ("10", 10), (" 2 .", 2)],
)
def test_parse_option_number(text, number):
    assert parse_option_number(text) == number


@pytest.mark.parametrize("text", ["", None, "twee", "2 maart", "2.5", "-2", "nummer 2", "1234", "2!"])
def test_parse_option_number_rejects_other_text(text):
    assert parse_option_number(text) is None


def test_resolve_number_picks_the_nth_payload():
    assert resolve_number("2", BUTTONS) == Choice(2, "Ik vind geen plek", "/geen_plek", "number")
    assert resolve_number("3.", BUTTONS).payload == "/klacht_zorgaanbieder"


@pytest.mark.parametrize("text", ["0", "4", "99"])
def test_number_out_of_range_is_no_choice(text):
    assert resolve_number(text, BUTTONS) is None
    assert resolve_option(text, BUTTONS) is None


def test_no_buttons_no_choice():
    assert resolve_option("1", None) is None
    assert resolve_option("1", []) is None


def test_resolve_label_as_sent_by_a_reply_keyboard():
    choice = resolve_label("2. Ik vind geen plek", BUTTONS)
    assert choice == Choice(2, "Ik vind geen plek", "/geen_plek", "label")
    # label must match the title of that number
    assert resolve_label("1. Ik vind geen plek", BUTTONS) is None


def test_resolve_title_ignores_case_and_final_punctuation():
    assert resolve_title("nee.", OTHER_BUTTONS).payload == "/deny"
    assert resolve_title("  JA ", OTHER_BUTTONS).payload == "/affirm"
    assert resolve_title("misschien", OTHER_BUTTONS) is None


def test_resolve_title_ambiguous_is_no_choice():
    buttons = [{"title": "Ja", "payload": "/a"}, {"title": "ja", "payload": "/b"}]
    assert resolve_title("ja", buttons) is None


# --- finding the buttons in tracker events --------------------------------------------------


def test_find_last_buttons_takes_the_latest_bot_message_with_buttons():
    events = [
        action("action_listen"),
        user("hallo"),
        bot("Waar loopt u tegenaan?", BUTTONS),
        bot("U kunt ook gewoon typen."),
        action("action_listen"),
    ]
    assert find_last_buttons(events, SCOPE_TURN) == BUTTONS
    assert find_last_buttons(events, SCOPE_CONVERSATION) == BUTTONS


def test_find_last_buttons_turn_scope_stops_at_the_users_message():
    events = [
        user("hallo"),
        bot("Waar loopt u tegenaan?", BUTTONS),
        user("mijn kind"),
        bot("Hoe oud is uw kind?"),
    ]
    assert find_last_buttons(events, SCOPE_TURN) is None
    assert find_last_buttons(events, SCOPE_CONVERSATION) == BUTTONS


def test_find_last_buttons_newest_list_wins():
    events = [bot("a", BUTTONS), user("2"), bot("b", OTHER_BUTTONS)]
    assert find_last_buttons(events) == OTHER_BUTTONS


def test_find_last_buttons_quick_replies_count_too():
    assert find_last_buttons([bot("a", quick_replies=OTHER_BUTTONS)]) == OTHER_BUTTONS


@pytest.mark.parametrize("reset", ["restart", "session_started"])
def test_find_last_buttons_not_across_a_restart(reset):
    events = [bot("a", BUTTONS), {"event": reset}, action("action_listen")]
    assert find_last_buttons(events, SCOPE_CONVERSATION) is None


def test_find_last_buttons_unknown_scope():
    with pytest.raises(ValueError):
        find_last_buttons([], "alles")


def test_resolve_against_events_number_in_current_turn():
    events = [user("hallo"), bot("Waar loopt u tegenaan?", BUTTONS)]
    assert resolve_against_events("2", events).payload == "/geen_plek"


def test_resolve_against_events_number_after_open_question_stays_text():
    # "Hoe oud is uw kind?" -> "2" is an age, not option 2 of an older list
    events = [user("hallo"), bot("Kies", BUTTONS), user("jeugdzorg"), bot("Hoe oud is uw kind?")]
    assert resolve_against_events("2", events, SCOPE_TURN) is None
    assert resolve_against_events("2", events, SCOPE_CONVERSATION).payload == "/geen_plek"


def test_resolve_against_events_old_keyboard_label_still_works():
    events = [user("hallo"), bot("Kies", BUTTONS), user("jeugdzorg"), bot("Hoe oud is uw kind?")]
    choice = resolve_against_events("3. Ik heb een klacht over de zorg", events, SCOPE_TURN)
    assert choice.payload == "/klacht_zorgaanbieder"
    assert choice.how == "label"


def test_resolve_against_events_out_of_range_goes_through():
    events = [user("hallo"), bot("Kies", BUTTONS)]
    assert resolve_against_events("7", events) is None
    assert resolve_against_events("", events) is None
    assert resolve_against_events("ik weet het niet", events) is None


# --- plain text ------------------------------------------------------------------------------


def test_markdown_link_becomes_readable_text():
    text = "Bel [Het Juridisch Loket](https://www.juridischloket.nl) of [0800-8020](tel:08008020)."
    assert to_plain_text(text) == ("Bel Het Juridisch Loket (https://www.juridischloket.nl) of 0800-8020.")
    # a label that is not the number keeps the number after it
    assert to_plain_text("[Bel de huisarts](tel:0201234567)") == "Bel de huisarts (0201234567)"


def test_link_with_url_as_label_is_just_the_url():
    assert to_plain_text("[https://www.cce.nl](https://www.cce.nl)") == "https://www.cce.nl"


def test_bold_plain_and_whatsapp():
    assert to_plain_text("Dit is **belangrijk**.", STYLE_PLAIN) == "Dit is belangrijk."
    assert to_plain_text("Dit is **belangrijk**.", STYLE_WHATSAPP) == "Dit is *belangrijk*."


def test_italics_plain_and_whatsapp():
    text = "_Bron: Regelhulp, 'Cliëntondersteuning'._ Zie https://x.nl/a_b_c en snake_case_naam."
    assert to_plain_text(text, STYLE_PLAIN) == (
        "Bron: Regelhulp, 'Cliëntondersteuning'. Zie https://x.nl/a_b_c en snake_case_naam."
    )
    assert to_plain_text(text, STYLE_WHATSAPP) == text


def test_heading_marks_removed():
    assert to_plain_text("## Volgende stap\nBel het CIZ.") == "Volgende stap\nBel het CIZ."


def test_split_long_text_keeps_short_text_whole():
    assert split_long_text("  kort  ", 10) == ["kort"]
    assert split_long_text("", 10) == []


def test_split_long_text_prefers_paragraphs_then_lines_then_words():
    text = "aaaa bbbb\n\ncccc dddd\n\neeee"
    assert split_long_text(text, 12) == ["aaaa bbbb", "cccc dddd", "eeee"]
    assert split_long_text("aaaa bbbb cccc", 9) == ["aaaa bbbb", "cccc"]
    parts = split_long_text("x" * 25, 10)
    assert parts == ["x" * 10, "x" * 10, "x" * 5]


def test_split_long_text_respects_limit_on_real_size():
    text = "\n\n".join(f"Alinea {i}: " + "woord " * 60 for i in range(10))
    parts = split_long_text(text, 1600)
    assert all(len(p) <= 1600 for p in parts)
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())
