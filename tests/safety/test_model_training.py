"""How the learned danger model learns long messages: in the pieces it reads them in (safety_model.as_read)."""

from __future__ import annotations

from opschaling import safety_model

STORY = (
    "Mijn moeder woont nog thuis in Zwolle. De thuiszorg komt drie keer per dag en de huisarts komt elke week. "
    "De gemeente heeft de huishoudelijke hulp in oktober gekort van vier naar twee uur. Wij hebben een brief "
    "gestuurd maar nog geen antwoord gekregen. Ze eet slecht en slaapt veel overdag. "
)
SIGN = "Ze zegt steeds dat ze er liever niet meer zou zijn en dat wij beter af zijn zonder haar. "
END = "Mijn broer woont in Groningen en komt eens per maand. Ik werk zelf vier dagen per week en heb twee kinderen."
SHORT = [
    ("ik wil er niet meer zijn", "other_wish"),
    ("ze zegt dat ze liever dood wil", "other_wish"),
    ("hij zegt dat we beter af zijn zonder hem", "other_wish"),
    ("de thuiszorg komt drie keer per dag", "none"),
    ("de gemeente heeft de uren gekort", "none"),
    ("mijn broer komt eens per maand", "none"),
    ("wij hebben een brief gestuurd", "none"),
    ("ik werk vier dagen per week", "none"),
]


def test_a_long_ordinary_story_is_learned_in_its_chunks_as_no_sign():
    pairs = safety_model.as_read([*SHORT, (STORY + END, "none")])
    chunks = safety_model.chunks(STORY + END)
    assert len(chunks) > 1
    assert [(c, "none") for c in chunks] == [p for p in pairs if p not in SHORT]


def test_a_long_story_with_a_sign_is_learned_by_the_chunk_that_holds_the_sign_only():
    pairs = safety_model.as_read([*SHORT, (STORY + SIGN + END, "other_wish")])
    learned = [p for p in pairs if p not in SHORT]
    assert len(learned) == 1
    text, label = learned[0]
    assert label == "other_wish" and "liever niet meer zou zijn" in text
    assert "Groningen" not in text or "Zwolle" not in text  # not the whole story


def test_short_messages_stay_whole():
    assert safety_model.as_read(SHORT) == SHORT


def test_a_story_told_in_one_breath_is_read_in_its_clauses_and_no_word_is_left_out():
    """A 150-word story with commas only (no full stop) was one chunk, cut after 80 words: a sign near its end was
    never read (batch Q). Now a sentence longer than a chunk is read in its clauses."""
    breath = STORY.replace(". ", ", ") * 3 + SIGN.replace(". ", ", ") + END.replace(". ", ", ")
    assert "." not in breath[:-1] and len(breath.split()) > 150
    chunks = safety_model.chunks(breath)
    assert all(len(c.split()) <= safety_model.CHUNK_WORDS[1] for c in chunks)
    assert " ".join(chunks).split() == breath.split()
    assert any("liever niet meer zou zijn" in c and "Groningen" not in c for c in chunks)
