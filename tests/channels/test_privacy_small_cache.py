"""deduce with only the lookup lists we use masks exactly what deduce with its full cache masks."""

from __future__ import annotations

import pytest

from channels import privacy

pytest.importorskip("deduce")

SENTENCES = [
    "Ik ben Jan de Vries en woon aan de Dorpsstraat 12 in Utrecht.",
    "Mevrouw Jansen van het wijkteam zei dat dr. Pietersen het CIZ moest bellen.",
    "Mijn moeder, A. Bakker, woont op de Kerkweg 3a in Zwolle en heeft de ziekte van Parkinson.",
    "Meneer Van den Berg en zijn zoon Mohammed El Amrani wachten op een plek.",
    "de casemanager Els heeft ons doorgestuurd naar Zilveren Kruis",
    "Piet zegt dat zorgkantoor Menzis niks doet, Hoofdstraat 101, 3511 AB",
    "ik ben de dochter van mevr. W.M. de Groot-Hendriks",
]


def annotations(engine, text: str) -> list[tuple[str, int, int]]:
    doc = engine.deidentify(text)
    return sorted((a.tag, a.start_char, a.end_char) for a in doc.annotations)


def test_the_small_cache_holds_exactly_the_lists_the_annotators_use() -> None:
    assert privacy.warm_up()
    engine = privacy._get_deduce()
    assert set(engine.lookup_structs) == set(privacy.lookups_used())
    assert {"first_name", "surname", "street"} <= privacy.lookups_used()
    assert (privacy.small_cache_dir() / "cache" / "lookup_structs.pickle").is_file()


def test_small_and_full_cache_mask_the_same_words() -> None:
    from deduce import Deduce

    small = Deduce(load_base_config=False, config=privacy.DEDUCE_CONFIG, cache_path=privacy.small_cache_dir())
    full = Deduce(load_base_config=False, config=privacy.DEDUCE_CONFIG)
    assert len(full.lookup_structs) > len(small.lookup_structs)
    for text in SENTENCES:
        assert annotations(small, text) == annotations(full, text), text
    assert any(annotations(small, text) for text in SENTENCES)
