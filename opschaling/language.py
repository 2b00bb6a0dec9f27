"""Which language a message is in: py3langid (langid.py's model, shipped inside the package; nothing is
downloaded), limited to the languages people write to a Dutch gemeente in, and careful with short Dutch
messages ("ik wil dood" scores as English on its own).

Used for the crisis and check-in messages: a message in English gets them in English. The conversation itself
goes on in Dutch.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

DUTCH = "nl"
LANGUAGES = ("nl", "en", "de", "fr", "pl", "tr", "es", "it", "pt")
MIN_WORDS = 3
MIN_PROBABILITY = 0.9
# Short Dutch function words: a message with two of them is Dutch whatever the detector says. Not "is", which
# English has too ("the care is bad ... she is 84" was read as Dutch).
_DUTCH_WORDS = frozenset(
    {
        *("ik", "je", "jij", "u", "mijn", "de", "het", "een", "niet", "wil", "geen", "en", "zijn", "wat"),
        *("hoe", "waar", "wie", "dat", "die", "van", "voor", "met", "op", "naar", "er", "ook", "maar", "nog", "al"),
        *("kan", "moet", "heb", "heeft", "ben", "wordt"),
    }
)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # noqa: PLC0415 - loads its model (~50 ms) once

    identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect(text: str | None) -> str:
    """The language code of ``text`` ("nl", "en", ...); "nl" when it is short, unclear or has Dutch words."""
    words = (text or "").lower().split()
    if len(words) < MIN_WORDS or len({w.strip(".,!?") for w in words} & _DUTCH_WORDS) >= 2:
        return DUTCH
    language, probability = _identifier().classify(" ".join(words)[:2000])
    return str(language) if probability >= MIN_PROBABILITY else DUTCH
