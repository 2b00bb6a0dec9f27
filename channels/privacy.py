"""Mask personal identifiers in a user message before Rasa sees it (AVG art. 9).

``mask(text) -> (masked_text, kinds)`` replaces what identifies a person with a readable
placeholder, so the text still reads as Dutch for the NLU and the dialogue:

=================  =======================  ================================================
placeholder        kind                     how it is found
=================  =======================  ================================================
``[e-mail]``       ``e-mail``               regular expression
``[IBAN]``         ``iban``                 ``stdnum.iban`` (Dutch ``NL..`` shape also when
                                            the checksum fails: a typo is still an account)
``[telefoonnummer]`` ``telefoonnummer``     ``phonenumbers`` (region NL) plus a mobile-number
                                            pattern; the catalogue's own numbers and 112, 113,
                                            0800-0113, 0800-2000, 0800-1205 are kept
``[BSN]``          ``bsn``                  9 digits that pass the 11-test (``stdnum.nl.bsn``);
                                            8-9 digits right after "BSN"/"burgerservicenummer"
``[geboortedatum]`` ``geboortedatum``       a date after "geboren (op)", "geb.",
                                            "geboortedatum"; a plain date ("3 maart 2026")
                                            is a decision date and stays
``[postcode]``     ``postcode``             "1234 AB" (with the house number after it)
``[naam]``         ``naam``                 ``deduce`` (Dutch de-identification), names only
``[adres]``        ``adres``                ``deduce``: street + house number
=================  =======================  ================================================

Names of bodies, laws and insurers the catalogue knows (``Zilveren Kruis``, ``CAK``, ...)
are never masked as a name. ``deduce`` loads its lookup lists once: call :func:`warm_up` at
start-up. Only the nine lists our annotators use are kept, in a cache of our own next to deduce's
(:func:`small_cache_dir`, written on the first load): about 3 s and 0.6 GB instead of 12 s and 1.2 GB
for deduce's full cache; the very first time on a machine deduce builds its cache, about a minute.
Set ``OPSW_PRIVACY_NAMES=0`` to switch name detection off (the other kinds stay).

:func:`mask_quick` is the same without ``deduce`` (regular expressions and checks only):
fast enough for every log record (see ``channels.logfilter``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "catalogue"

PLACEHOLDERS = {
    "e-mail": "[e-mail]",
    "iban": "[IBAN]",
    "telefoonnummer": "[telefoonnummer]",
    "bsn": "[BSN]",
    "geboortedatum": "[geboortedatum]",
    "postcode": "[postcode]",
    "naam": "[naam]",
    "adres": "[adres]",
}

# Public numbers the assistant itself gives (crisis lines and national helplines, R-public).
PUBLIC_NUMBERS = ("112", "113", "0800-0113", "0800-2000", "0800-1205", "144")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?)(?![A-Za-z0-9])"
)
_IBAN_NL = re.compile(r"^NL\d{2}[A-Z]{4}\d{10}$")
_MOBILE = re.compile(r"(?<![\w+])(?:\+31|0031|0)[\s.-]?\(?0?\)?[\s.-]?6(?:[\s.-]?\d){8}(?!\d)")
_PHONE_CANDIDATE_START = re.compile(r"^\s*(?:\+|00|\(?0)")
_BSN_CANDIDATE = re.compile(
    r"(?<![\d+\-/.,:])(\d{9}|\d{4}[ .]\d{2}[ .]\d{3}|\d{3}[ .]\d{3}[ .]\d{3}|\d{2}[ .]\d{2}[ .]\d{2}[ .]\d{3})(?![\d]|[.,-]\d)"
)
_BSN_AFTER_WORD = re.compile(
    r"(?i)\b(bsn|burger\s?service\s?nummer|sofi-?nummer)(\s*(?:nummer|nr\.?)?\s*(?:is|:|=)?\s*)(\d[\d .]{6,11}\d)(?!\d)"
)
_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)
_DATE = rf"(?:\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})|\d{{1,2}}\s+(?:{_MONTHS})\.?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
_BIRTH = re.compile(
    rf"(?i)\b(geboren(?:\s+(?:op|in|per))?|geb\.?|geboortedatum|geb\.?\s*datum|geboorte\s*datum|d\.?o\.?b\.?)"
    rf"(\s*(?:is|:|=)?\s*(?:op\s+)?)({_DATE}|(?:19|20)\d\d)(?!\d)"
)
_POSTCODE = re.compile(
    # the house number after it: white space bounded ({0,3}), so no run of spaces can make the engine backtrack
    r"(?<![\w-])([1-9]\d{3})(\s?)([A-Za-z]{2})(?![\w])"
    r"((?:\s{0,3},?\s{0,3}(?:nr\.?|nummer)?\s{0,3}\d{1,5}(?:\s?[A-Za-z](?![\w]))?(?:[-/]\d{1,4})?(?![\w:]))?)"
)
# "2026 en", "1950 in": a year followed by a word is no postcode
_NOT_POSTCODE_PAIRS = {
    "SA",
    "SD",
    "SS",
    "EN",
    "OF",
    "IN",
    "OP",
    "OM",
    "IS",
    "DE",
    "HET",
    "TE",
    "AL",
    "NA",
    "ZO",
    "JA",
    "NU",
    "DAN",
    "ER",
    "EEN",
    "AAN",
    "BIJ",
    "TOT",
    "UUR",
    "KM",
    "KG",
    "CM",
    "MM",
    "ML",
    "MG",
    "WK",
}


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _national(number: str) -> str | None:
    """The national significant number ("887891000") of a Dutch phone number, or None."""
    try:
        parsed = phonenumbers.parse(number, "NL")
    except phonenumbers.NumberParseException:
        return None
    return str(parsed.national_number)


@lru_cache(maxsize=1)
def allowed_numbers() -> frozenset:
    """Phone numbers the assistant gives itself: national numbers and digit strings."""
    allowed: set[str] = set()
    texts: list[str] = list(PUBLIC_NUMBERS)
    if CATALOGUE.is_dir():
        for path in sorted(CATALOGUE.rglob("*.yaml")):
            try:
                texts.append(path.read_text(encoding="utf-8"))
            except OSError:
                continue
    for text in texts:
        for match in phonenumbers.PhoneNumberMatcher(text, "NL", leniency=phonenumbers.Leniency.POSSIBLE):
            allowed.add(str(match.number.national_number))
            allowed.add(_digits(match.raw_string))
        for short in re.findall(r"\b0[89]00[\s-]?\d{4}\b|\b11[23]\b|\b144\b", text):
            allowed.add(_digits(short))
            nat = _national(short)
            if nat:
                allowed.add(nat)
    return frozenset(allowed)


def _is_allowed_number(raw: str) -> bool:
    allowed = allowed_numbers()
    digits = _digits(raw)
    if digits in allowed:
        return True
    nat = _national(raw)
    return nat is not None and nat in allowed


@lru_cache(maxsize=1)
def protected_terms() -> tuple[str, ...]:
    """Names of bodies, laws and insurers that are never a person's name (lower case)."""
    terms: set[str] = {
        "zilveren kruis",
        "cz",
        "vgz",
        "menzis",
        "dsw",
        "zorg en zekerheid",
        "salland",
        "onvz",
        "eno",
        "zorgkantoor",
        "ciz",
        "cak",
        "cce",
        "cot",
        "skgz",
        "nza",
        "igj",
        "wlz",
        "wmo",
        "jeugdwet",
        "zvw",
        "awb",
        "wkkgz",
        "veilig thuis",
        "mind korrelatie",
        "korrelatie",
        "juridisch loket",
        "nationale ombudsman",
        "kinderombudsman",
        "sensoor",
        "de luisterlijn",
        "luisterlijn",
        "mee",
        "zorgbelang",
        "per saldo",
        "ieder(in)",
        "ieder in",
        "patiëntenfederatie",
        "raad van state",
        "centrale raad van beroep",
        "geschillencommissie",
        "huisarts",
        "wijkverpleging",
        "klachtenfunctionaris",
        "vertrouwenspersoon",
    }
    try:
        import yaml

        for path in sorted((CATALOGUE / "bodies").glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            meta = data.get("metadata") or {}
            for key in ("label", "short_label"):
                value = meta.get(key)
                if isinstance(value, str):
                    terms.add(value.lower())
                    terms.update(p.strip().lower() for p in re.split(r"[()]", value) if p.strip())
            for alias in meta.get("aliases") or []:
                if isinstance(alias, str):
                    terms.add(alias.lower())
    except Exception:
        logger.debug("catalogue labels not read for the privacy filter", exc_info=True)
    return tuple(sorted(t for t in terms if t))


# --- deduce (names, street addresses) ---------------------------------------------------------

_DEDUCE_ANNOTATORS = {
    "prefix_with_initial": {
        "annotator_type": "deduce.annotator.TokenPatternAnnotator",
        "group": "names",
        "args": {
            "tag": "prefix+initiaal",
            "skip": ["."],
            "pattern": [{"lookup": "prefix"}, {"or": [{"lookup": "initial"}, {"is_initials": True}]}],
        },
    },
    "prefix_with_interfix": {
        "annotator_type": "deduce.annotator.TokenPatternAnnotator",
        "group": "names",
        "args": {
            "tag": "prefix+interfix+naam",
            "skip": ["."],
            "pattern": [{"lookup": "prefix"}, {"lookup": "interfix"}, {"like_name": True}],
        },
    },
    "prefix_with_name": {
        "annotator_type": "deduce.annotator.TokenPatternAnnotator",
        "group": "names",
        "args": {
            "tag": "prefix+naam",
            "skip": ["."],
            "pattern": [{"lookup": "prefix"}, {"and": [{"like_name": True}, {"neg_lookup": "whitelist"}]}],
        },
    },
    "interfix_with_name": {
        "annotator_type": "deduce.annotator.TokenPatternAnnotator",
        "group": "names",
        "args": {
            "tag": "interfix+achternaam",
            "skip": [],
            "pattern": [{"lookup": "interfix"}, {"and": [{"lookup": "interfix_surname"}, {"neg_lookup": "whitelist"}]}],
        },
    },
    "initial_with_name": {
        "annotator_type": "deduce.annotator.TokenPatternAnnotator",
        "group": "names",
        "args": {
            "tag": "initiaal+naam",
            "skip": ["."],
            "pattern": [
                {"lookup": "initial"},
                {"and": [{"like_name": True}, {"neg_lookup": "whitelist"}, {"neg_lookup": "prefix"}]},
            ],
        },
    },
    "initial_interfix": {
        "annotator_type": "deduce.annotator.TokenPatternAnnotator",
        "group": "names",
        "args": {
            "tag": "initiaal+interfix+naam",
            "skip": ["."],
            "pattern": [{"lookup": "initial"}, {"lookup": "interfix"}, {"like_name": True}],
        },
    },
    "first_name_lookup": {
        "annotator_type": "docdeid.process.MultiTokenLookupAnnotator",
        "group": "names",
        "args": {"tag": "voornaam", "overlapping": True, "lookup_values": "first_name"},
    },
    "surname_lookup": {
        "annotator_type": "docdeid.process.MultiTokenLookupAnnotator",
        "group": "names",
        "args": {"tag": "achternaam", "overlapping": True, "lookup_values": "surname"},
    },
    "name_context": {
        "annotator_type": "deduce.annotator.ContextAnnotator",
        "group": "names",
        "args": {
            "iterative": True,
            "pattern": [
                {
                    "name": "interfix_right",
                    "direction": "right",
                    "pre_tag": ["initiaal", "naam", "voornaam", "achternaam"],
                    "tag": "{tag}+interfix+achternaam",
                    "skip": [".", "-"],
                    "pattern": [{"lookup": "interfix"}, {"like_name": True}],
                },
                {
                    "name": "initial_left",
                    "direction": "left",
                    "pre_tag": ["initiaal", "naam", "voornaam", "achternaam", "interfix"],
                    "tag": "initiaal+{tag}",
                    "skip": ["."],
                    "pattern": [{"lookup": "initial"}],
                },
                {
                    "name": "naam_left",
                    "direction": "left",
                    "pre_tag": ["naam", "voornaam", "achternaam"],
                    "tag": "naam+{tag}",
                    "skip": ["-"],
                    "pattern": [{"and": [{"like_name": True}, {"neg_lookup": "whitelist"}, {"neg_lookup": "prefix"}]}],
                },
                {
                    "name": "naam_right",
                    "direction": "right",
                    "pre_tag": ["prefix", "initiaal", "naam", "voornaam", "achternaam", "interfix"],
                    "tag": "{tag}+naam",
                    "skip": ["-"],
                    "pattern": [{"and": [{"like_name": True}, {"neg_lookup": "whitelist"}, {"neg_lookup": "prefix"}]}],
                },
                {
                    "name": "prefix_left",
                    "direction": "left",
                    "pre_tag": ["prefix", "initiaal", "naam", "voornaam", "achternaam", "interfix"],
                    "tag": "prefix+{tag}",
                    "skip": ["."],
                    "pattern": [{"and": [{"lookup": "prefix"}]}],
                },
            ],
        },
    },
    "eponymous_disease": {
        "annotator_type": "docdeid.process.MultiTokenLookupAnnotator",
        "group": "names",
        "args": {"lookup_values": "eponymous_disease", "tag": "pseudo_name", "overlapping": True},
    },
    "street_pattern": {
        "annotator_type": "deduce.annotator.TokenPatternAnnotator",
        "group": "locations",
        "args": {
            "pattern": [
                {
                    "re_match": "[A-Z][a-z]+(baan|bolwerk|dam|dijk|dreef|drf|dyk|gr|gracht|hf|hof|kade|laan|ln|markt|mrkt|pad|park|pd|plantsoen|plein|pln|plnts|prk|singel|sngl|st|steeg|stg|str|straat|weg|wg)$"
                }
            ],
            "tag": "straat",
            "priority": 1,
        },
    },
    "street_lookup": {
        "annotator_type": "docdeid.process.MultiTokenLookupAnnotator",
        "group": "locations",
        "args": {"lookup_values": "street", "overlapping": True, "tag": "straat", "priority": 1},
    },
    "housenumber": {
        "annotator_type": "deduce.annotator.ContextAnnotator",
        "group": "locations",
        "args": {
            "iterative": True,
            "pattern": [
                {
                    "name": "housenumber_right",
                    "direction": "right",
                    "pre_tag": ["straat"],
                    "tag": "{tag}+huisnummer",
                    "skip": [],
                    "pattern": [{"re_match": "\\d{1,4}$"}],
                },
                {
                    "name": "housenumber_housenumberletter_right",
                    "direction": "right",
                    "pre_tag": ["straat"],
                    "tag": "{tag}+huisnummer+huisnummerletter",
                    "skip": [],
                    "pattern": [{"re_match": "\\d{1,4}[a-zA-Z]$"}],
                },
                {
                    "name": "housenumberletter_right",
                    "direction": "right",
                    "pre_tag": ["huisnummer"],
                    "tag": "{tag}+huisnummerletter",
                    "skip": [],
                    "pattern": [{"re_match": "[a-zA-Z]$"}],
                },
            ],
        },
    },
}
# Deduce 3.0.4's wheel misses its base_config.json; this is the part of it we use (names and
# street addresses; no dates, ages, places or institutions: the dialogue needs those).
DEDUCE_CONFIG = {
    "adjacent_annotations_slack": "[\\. \\-]?[\\. ]?",
    "resolve_overlap_strategy": {"attributes": ["priority", "length"], "ascending": [False, False]},
    "redactor_open_char": "[",
    "redactor_close_char": "]",
    "annotators": _DEDUCE_ANNOTATORS,
}

_deduce = None
_deduce_failed = False
_deduce_lock = threading.Lock()


def names_enabled() -> bool:
    return os.environ.get("OPSW_PRIVACY_NAMES", "1").strip().lower() not in ("0", "false", "no", "nee", "off")


@lru_cache(maxsize=1)
def lookups_used() -> frozenset[str]:
    """The deduce lookup lists the annotators of DEDUCE_CONFIG read (``lookup``, ``neg_lookup``, ``lookup_values``)."""
    found: set[str] = set()
    todo: list[Any] = [DEDUCE_CONFIG]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("lookup", "neg_lookup", "lookup_values") and isinstance(value, str):
                    found.add(value)
                else:
                    todo.append(value)
        elif isinstance(item, (list, tuple)):
            todo.extend(item)
    return frozenset(found)


def small_cache_dir() -> Path:
    """Where the cache with only the lookup lists we use lives: next to deduce's own cache (so it goes with the
    installed deduce version), named after the lists it holds."""
    import deduce

    key = hashlib.sha256(",".join(sorted(lookups_used())).encode()).hexdigest()[:12]
    return Path(deduce.__file__).parent / "data" / f"opsw-lookup-{key}"


def _write_small_cache(engine: Any, folder: Path) -> None:
    """Keep only the lookup lists we use, in memory and in a cache of our own for the next start.

    deduce's cache holds all 16 lists (77 MB pickled, about 1.2 GB in memory, 12 s to load under load); the
    street list is the only big one we need, the healthcare-institution and place-name tries are not used.
    """
    import pickle
    import tempfile

    from deduce import __version__ as deduce_version
    from deduce.lookup_structs import cache_lookup_structs

    used = lookups_used()
    for name in [n for n in engine.lookup_structs if n not in used]:
        del engine.lookup_structs[name]  # the annotators hold their own references to the lists they use
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
            cache_lookup_structs(engine.lookup_structs, cache_path=Path(tmp), deduce_version=deduce_version)
            written = Path(tmp) / "cache" / "lookup_structs.pickle"
            with open(written, "rb") as fh:
                pickle.load(fh)  # readable before it replaces anything
            (folder / "cache").mkdir(parents=True, exist_ok=True)
            os.replace(written, folder / "cache" / "lookup_structs.pickle")
    except OSError:
        logger.warning("could not write the small deduce cache; the next start loads deduce's full cache")


def _load_deduce() -> Any:
    from deduce import Deduce

    small = small_cache_dir()
    if (small / "cache" / "lookup_structs.pickle").is_file():
        engine = Deduce(load_base_config=False, config=DEDUCE_CONFIG, cache_path=small)
        if lookups_used() <= set(engine.lookup_structs):
            return engine
    engine = Deduce(load_base_config=False, config=DEDUCE_CONFIG)
    _write_small_cache(engine, small)
    return engine


def _get_deduce():
    global _deduce, _deduce_failed
    if _deduce is not None or _deduce_failed or not names_enabled():
        return _deduce
    with _deduce_lock:
        if _deduce is None and not _deduce_failed:
            try:
                _deduce = _load_deduce()
            except Exception:
                _deduce_failed = True
                logger.exception("deduce could not be loaded: names are not masked")
    return _deduce


def warm_up() -> bool:
    """Load deduce now (call once at start-up, e.g. in a thread). True when names are masked."""
    return _get_deduce() is not None


def _protected(span: str) -> bool:
    low = span.lower().strip(" .,")
    if not low:
        return True
    for term in protected_terms():
        if (
            low == term
            or re.search(rf"(?<!\w){re.escape(low)}(?!\w)", term)
            or re.search(rf"(?<!\w){re.escape(term)}(?!\w)", low)
        ):
            return True
    return False


# deduce's work grows faster than the text (a message of 300 x "Jan de Vries" took 23 s): names are masked in
# pieces of at most this many characters, cut at a sentence end or else at a space, so the work stays linear
NAME_CHUNK = 400
_CHUNK_CUT = re.compile(r"[.!?\n]\s")


def _chunks(text: str, size: int = NAME_CHUNK) -> list[tuple[int, str]]:
    """(offset, piece) of ``text``; each piece at most ``size`` characters, cut after a sentence end or a space."""
    out: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = max((m.end() for m in _CHUNK_CUT.finditer(window)), default=0)
        if cut < size // 2:
            cut = window.rfind(" ") + 1 or size
        out.append((start, text[start : start + cut]))
        start += cut
    out.append((start, text[start:]))
    return out


def _mask_names(text: str, kinds: list[str]) -> str:
    engine = _get_deduce()
    if engine is None or not re.search(r"[A-Za-z]", text):
        return text
    spans = []
    for offset, piece in _chunks(text):
        spans += [(offset + a, offset + b, kind) for a, b, kind in _name_spans(engine, piece)]
    return _replace_spans(text, spans, kinds)


def _name_spans(engine: Any, text: str) -> list[tuple[int, int, str]]:
    """(start, end, "naam" | "adres") of every name and street address deduce finds in ``text``."""
    try:
        doc = engine.deidentify(text)
    except Exception:
        logger.debug("deduce failed on a message", exc_info=True)
        return []
    spans = []
    for ann in doc.annotations:
        tag = ann.tag.lower()
        if "pseudo" in tag:
            continue
        if any(t in tag for t in ("straat", "huisnummer", "locatie")):
            kind = "adres"
        elif any(t in tag for t in ("naam", "persoon", "voornaam", "achternaam", "initiaal", "prefix", "interfix")):
            kind = "naam"
        else:
            continue
        span = text[ann.start_char : ann.end_char]
        if "[" in span or "]" in span or (kind == "naam" and _protected(span)):
            continue
        spans.append((ann.start_char, ann.end_char, kind))
    return spans


def _replace_spans(text: str, spans: list[tuple[int, int, str]], kinds: list[str]) -> str:
    """``text`` with every span replaced by its placeholder (overlapping spans merged)."""
    if not spans:
        return text
    spans.sort()
    merged = []
    for start, end, kind in spans:
        if merged and start <= merged[-1][1]:
            s, e, k = merged[-1]
            merged[-1] = (s, max(e, end), "adres" if "adres" in (k, kind) else k)
        else:
            merged.append((start, end, kind))
    out = []
    last = 0
    for start, end, kind in merged:
        out.append(text[last:start])
        out.append(PLACEHOLDERS[kind])
        kinds.append(kind)
        last = end
    out.append(text[last:])
    return "".join(out)


# --- the regular kinds ------------------------------------------------------------------------


def _sub(
    pattern: re.Pattern, text: str, kinds: list[str], kind: str, check=None, keep_groups: Iterable[int] = ()
) -> str:
    def repl(match: re.Match) -> str:
        if check is not None and not check(match):
            return match.group(0)
        kinds.append(kind)
        prefix = "".join(match.group(g) or "" for g in keep_groups)
        return prefix + PLACEHOLDERS[kind]

    return pattern.sub(repl, text)


def _iban_ok(match: re.Match) -> bool:
    compact = re.sub(r"\s", "", match.group(1)).upper()
    return bool(_IBAN_NL.match(compact)) or stdnum_iban.is_valid(compact)


def _mask_phones(text: str, kinds: list[str]) -> str:
    spans = []
    for match in phonenumbers.PhoneNumberMatcher(text, "NL", leniency=phonenumbers.Leniency.POSSIBLE):
        raw = match.raw_string
        if not _PHONE_CANDIDATE_START.match(raw):
            continue  # "123456782" is a BSN candidate, not a phone number
        if len(_digits(raw)) < 9 or _is_allowed_number(raw):
            continue
        spans.append((match.start, match.end))
    for match in _MOBILE.finditer(text):
        if not _is_allowed_number(match.group(0)):
            spans.append((match.start(), match.end()))
    if not spans:
        return text
    spans.sort()
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out, last = [], 0
    for start, end in merged:
        out.append(text[last:start])
        out.append(PLACEHOLDERS["telefoonnummer"])
        kinds.append("telefoonnummer")
        last = end
    out.append(text[last:])
    return "".join(out)


def _bsn_ok(match: re.Match) -> bool:
    return stdnum_bsn.is_valid(_digits(match.group(1)))


def _bsn_word_ok(match: re.Match) -> bool:
    return 8 <= len(_digits(match.group(3))) <= 9


def _postcode_ok(match: re.Match) -> bool:
    letters = match.group(3)
    if letters.upper() in ("SA", "SD", "SS"):
        return False  # never used in Dutch postcodes
    if letters.isupper():
        return True
    if letters.upper() in _NOT_POSTCODE_PAIRS:
        return False
    if letters.islower() or (letters[0].isupper() and letters[1].islower()):
        # "1950 ab" / "2026 Is": lower case only when glued to the digits ("1234ab")
        return match.group(2) == "" and not (1900 <= int(match.group(1)) <= 2099)
    return True


def mask_quick(text: str) -> tuple[str, list[str]]:
    """All kinds except names and street addresses (no deduce): regular expressions and checks."""
    kinds: list[str] = []
    if not text or not any(c.isdigit() or c == "@" for c in text):
        return text, kinds
    text = _sub(_EMAIL, text, kinds, "e-mail")
    text = _sub(_IBAN, text, kinds, "iban", _iban_ok)
    text = _sub(_BIRTH, text, kinds, "geboortedatum", keep_groups=(1, 2))
    text = _sub(_BSN_AFTER_WORD, text, kinds, "bsn", _bsn_word_ok, keep_groups=(1, 2))
    text = _mask_phones(text, kinds)
    text = _sub(_BSN_CANDIDATE, text, kinds, "bsn", _bsn_ok)
    text = _sub(_POSTCODE, text, kinds, "postcode", _postcode_ok)
    return text, kinds


def mask(text: str) -> tuple[str, list[str]]:
    """``(masked_text, kinds)``: every personal identifier replaced by a placeholder.

    ``kinds`` lists what was masked, once per occurrence, in order of the steps
    (e.g. ``["telefoonnummer", "bsn"]``); empty when nothing was masked.
    """
    if not isinstance(text, str) or not text:
        return text, []
    masked, kinds = mask_quick(text)
    masked = _mask_names(masked, kinds)
    return masked, kinds
