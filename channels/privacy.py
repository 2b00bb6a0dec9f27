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
``[BSN]``          ``bsn``                  9 digits that pass the 11-test (``stdnum.nl.bsn``),
                                            also in groups split by spaces, dots or dashes
                                            ("111-222-333"); 8-9 digits right after
                                            "BSN"/"burgerservicenummer"
``[geboortedatum]`` ``geboortedatum``       a date after "geboren (op)", "geb.",
                                            "geboortedatum"; a plain date ("3 maart 2026")
                                            is a decision date and stays
``[postcode]``     ``postcode``             "1234 AB" (with the house number after it)
``[naam]``         ``naam``                 ``deduce`` (Dutch de-identification), names only;
                                            in any case after "ik ben", "heet", "naam is",
                                            "naam:" ("ik ben jan de vries"); Dutch place
                                            names ("Den Haag") are no name
``[adres]``        ``adres``                ``deduce``: street + house number
=================  =======================  ================================================

Names of bodies, laws and insurers the catalogue knows (``Zilveren Kruis``, ``CAK``, ...)
and Dutch place names (:func:`place_names`) are never masked as a name. ``deduce`` loads its lookup
lists once: call :func:`warm_up` at start-up. Only the nine lists our annotators use are kept, in a
cache of our own next to deduce's (:func:`small_cache_dir`, written on the first load): about 3 s and
0.6 GB instead of 12 s and 1.2 GB for deduce's full cache; the very first time on a machine deduce
builds its cache, about a minute.
Set ``OPSW_PRIVACY_NAMES=0`` to switch name detection off (the other kinds stay).

:func:`mask_quick` is the same without ``deduce`` (regular expressions and checks only):
fast enough for every log record (see ``channels.logfilter``). :func:`identifier_kinds` finds an
identifier in a conversation id (the guard hashes such an id, see ``channels.guard``).

Every pattern runs in time linear in the text: white-space runs between its parts are bounded
(at most three characters), and the lower-case name step reads a bounded window after each trigger.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

from opschaling.dates import MONTH_NAMES

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
# Every white-space run between the parts of a pattern is bounded ({0,3}): with an unbounded run ("\s*" twice in a
# row) "bsn" + 1,000 spaces + "x" took 4 s, cubic in the spaces. Groups of digits may be split by a space, a dot or
# a dash ("111-222-333").
_BSN_CANDIDATE = re.compile(
    r"(?<![\d+\-/.,:])(\d{9}|\d{4}[ .-]\d{2}[ .-]\d{3}|\d{3}[ .-]\d{3}[ .-]\d{3}|\d{2}[ .-]\d{2}[ .-]\d{2}[ .-]\d{3})"
    r"(?![\d]|[.,-]\d)"
)
_BSN_AFTER_WORD = re.compile(
    r"(?i)\b(bsn|burger\s?service\s?nummer|sofi-?nummer)"
    r"(\s{0,3}(?:-?\s{0,2}(?:nummer|nr\.?))?\s{0,3}(?:is|:|=)?\s{0,3})(\d[\d .-]{6,11}\d)(?!\d)"
)
_MONTHS = "|".join(MONTH_NAMES) + "|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
_DATE = (
    rf"(?:\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})|\d{{1,2}}\s{{1,3}}(?:{_MONTHS})\.?\s{{1,3}}\d{{4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}})"
)
_BIRTH = re.compile(
    rf"(?i)\b(geboren(?:\s{{1,3}}(?:op|in|per))?|geb\.?|geboortedatum|geb\.?\s{{0,3}}datum|geboorte\s{{0,3}}datum"
    rf"|d\.?o\.?b\.?)(\s{{0,3}}(?:is|:|=)?\s{{0,3}}(?:op\s{{1,3}})?)({_DATE}|(?:19|20)\d\d)(?!\d)"
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
def allowed_numbers() -> frozenset[str]:
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
_deduce_import_lock = threading.Lock()
_deduce_imported: ModuleType | None = None


def _deduce_module() -> ModuleType:
    """The ``deduce`` package, imported without touching the logging set-up.

    deduce 3.0's ``deduce/deduce.py`` calls ``logging.basicConfig(stream=sys.stdout, level=logging.DEBUG)`` on
    import. In a process whose root logger has no handler yet (the web server of ``make run``, which warms the
    masker up for the review; a script) that switched every logger to DEBUG on stdout, user text included.
    ``basicConfig`` does nothing when the root logger has a handler: the import runs with a ``NullHandler`` on the
    root logger, removed right after. No level is changed, at no moment."""
    global _deduce_imported
    if _deduce_imported is not None:
        return _deduce_imported
    with _deduce_import_lock:
        if _deduce_imported is None:
            root = logging.getLogger()
            placeholder = logging.NullHandler()
            root.addHandler(placeholder)
            try:
                import deduce
            finally:
                root.removeHandler(placeholder)
            _deduce_imported = deduce
    return _deduce_imported


def _deduce_dir() -> Path:
    """The folder of the installed deduce package (its data and caches)."""
    path = _deduce_module().__file__
    if path is None:  # only a namespace package has none
        raise ImportError("deduce is not installed as a regular package")
    return Path(path).parent


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
    key = hashlib.sha256(",".join(sorted(lookups_used())).encode()).hexdigest()[:12]
    return _deduce_dir() / "data" / f"opsw-lookup-{key}"


def _write_small_cache(engine: Any, folder: Path) -> None:
    """Keep only the lookup lists we use, in memory and in a cache of our own for the next start.

    deduce's cache holds all 16 lists (77 MB pickled, about 1.2 GB in memory, 12 s to load under load); the
    street list is the only big one we need, the healthcare-institution and place-name tries are not used.
    """
    import pickle
    import tempfile

    deduce_version = _deduce_module().__version__
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
    deduce = _deduce_module()

    small = small_cache_dir()
    if (small / "cache" / "lookup_structs.pickle").is_file():
        engine = deduce.Deduce(load_base_config=False, config=DEDUCE_CONFIG, cache_path=small)
        if lookups_used() <= set(engine.lookup_structs):
            return engine
    engine = deduce.Deduce(load_base_config=False, config=DEDUCE_CONFIG)
    _write_small_cache(engine, small)
    return engine


def _get_deduce() -> Any:
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
    """Load deduce and the place names now (call once at start-up, e.g. in a thread). True when names are
    masked."""
    place_names()
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


# Dutch place names (municipalities, residences, provinces, regions) are no person's name: deduce reads "Den Haag"
# as interfix + surname. Read from deduce's own source lists (its cache of them is not loaded, see lookups_used);
# the names that are also ordinary words or common surnames are left out by deduce's exceptions list.
_PLACE_EXTRA = ("den haag", "den bosch", "'s-gravenhage", "'s-hertogenbosch", "den helder", "den dolder", "den ham")


def _place_key(text: str) -> str:
    """Lower case, no apostrophes, hyphens as spaces: "'s-Hertogenbosch" and "s Hertogenbosch" are one key."""
    return " ".join(re.sub(r"['’`]", "", text.lower()).replace("-", " ").split()).strip(" .,")


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Dutch place names as :func:`_place_key` writes them (``"den haag"``, ``"s hertogenbosch"``)."""
    import unicodedata

    names: set[str] = {_place_key(n) for n in _PLACE_EXTRA}
    try:
        folder = _deduce_dir() / "data" / "lookup" / "src" / "locations" / "lst_placename"
        exceptions: set[str] = set()
        for path in sorted(folder.rglob("exceptions.txt")):
            exceptions.update(_place_key(line) for line in path.read_text(encoding="utf-8").splitlines())
        for path in sorted(folder.rglob("items.txt")):
            for line in path.read_text(encoding="utf-8").splitlines():
                key = _place_key(line)
                if key and key not in exceptions:
                    names.add(key)
                    plain = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()
                    names.add(plain)  # "Sint-Oedenrode" / accents typed without them
    except Exception:  # without deduce's lists only the few names above are known
        logger.debug("deduce's place names not read", exc_info=True)
    return frozenset(names)


# A place name that is also a surname ("De Boer", "Roosendaal", "Haren") is a place only right after one of
# these words; a name that starts with "Den" or "'s" ("Den Haag", "'s-Hertogenbosch") is a place anywhere.
_PLACE_CUE = re.compile(
    r"(?i)(?<!\w)(?:in|uit|naar|te|rond|nabij|buiten|richting|gemeente|regio|provincie|stad|dorp|omgeving"
    r"|woonplaats|wijk)[\s:,]{1,3}$"
)


# Words deduce can take for a first name that are no name where they stand: English words at the start of a sentence
# ("My father ...": My is a name in deduce's lists) and a month after a date word or next to a number ("in June",
# "3 May", "June 2026"). A month with a name around it ("June de Vries") stays a name.
_NOT_NAME_ALONE = frozenset(["my", "our", "his", "her", "their", "dear", "hi", "hello", "mum", "mom", "dad"])
_MONTH_WORDS = frozenset(
    [*MONTH_NAMES, "january", "february", "march", "may", "june", "july", "august", "october"]
)  # Dutch and English names, not the abbreviations ("Jan" is a name)
_DATE_BEFORE = re.compile(
    r"(?i)(?:\b(?:in|of|since|until|till|from|by|on|early|late|mid|van|tot|sinds|per|begin|eind)|\d)[\s,.-]{1,3}$"
)
_DATE_AFTER = re.compile(r"^[\s,.-]{1,3}\d")


def _no_name_here(text: str, start: int, end: int) -> bool:
    """A one-word span that is no person's name where it stands (see _NOT_NAME_ALONE and _MONTH_WORDS)."""
    word = text[start:end].strip(" .,").lower()
    if word in _NOT_NAME_ALONE:
        return True
    return word in _MONTH_WORDS and bool(
        _DATE_BEFORE.search(text[max(0, start - 12) : start]) or _DATE_AFTER.match(text[end : end + 4])
    )


def _is_place(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]``, found as a name, is a Dutch place (see _PLACE_CUE)."""
    key = _place_key(text[start:end])
    if key not in place_names():
        return False
    return key.startswith(("den ", "s ")) or bool(_PLACE_CUE.search(text[max(0, start - 16) : start]))


# A name typed in lower case ("ik ben jan de vries") is no name to deduce (its patterns want capitals). After
# "ik ben", "(ik) heet", "(mijn) naam is" and "naam:" the next words are read against deduce's lists of first names
# and surnames, whatever their case. The first word must be a known first name and no common word (deduce's
# whitelist and _NOT_A_NAME: "ik ben bang", "ik ben maatje" stay); a surname may come first only after "naam is",
# "naam:" or a title ("ik ben mevrouw jansen"): "ik ben de buurman", "ik ben oud" and "ik ben niks meer" are no
# names although "Buurman", "Oud" and "Niks" are surnames. Interfixes and further known names follow. Bounded: at
# most _NAME_WORDS words in the _NAME_WINDOW characters after each trigger, so the work stays linear.
_NAME_TRIGGER = re.compile(r"(?i)(?<!\w)(?:ik\s{1,3}ben|heet|naam\s{1,3}is|naam\s{0,3}:)(?=\s)")
_NAME_WORD = re.compile(r"[^\W\d_]{1,40}(?:['’-][^\W\d_]{1,40}){0,3}")
_NAME_WINDOW = 120
_NAME_WORDS = 6
# words that end a name even when some list holds them as a name (space-separated)
_NOT_NAME_WORDS_TEXT = (
    "ik je jij u hij zij ze we wij mijn zijn haar ons onze en of maar want dus niet wel ook nog al geen een het die "
    "dat deze dit er hier daar nu toen zo als dan met voor naar bij uit aan om over tot door op in"
)
_NOT_NAME_WORDS = frozenset(_NOT_NAME_WORDS_TEXT.split())
# ordinary words that follow "ik ben" and are first names in deduce's list, but not in its whitelist
_NOT_A_NAME_TEXT = (
    "maatje lam rijk star bruin gul fake junior burger constant wan kien rein king boy hope moon winter zomer "
    "lente storm bloem parel engel"
)
_NOT_A_NAME = frozenset(_NOT_A_NAME_TEXT.split())


def _lookup(engine: Any, name: str) -> Any:
    return (getattr(engine, "lookup_structs", None) or {}).get(name)


def _in_trie(trie: Any, word: str) -> bool:
    if trie is None:
        return False
    try:
        return trie.longest_matching_prefix([word]) is not None
    except Exception:  # noqa: BLE001
        return False


def _in_set(lookup: Any, word: str) -> bool:
    try:
        return lookup is not None and word in lookup
    except Exception:  # noqa: BLE001
        return False


def _capitalised(word: str) -> list[str]:
    """``word`` and its hyphen parts with a capital first letter, as deduce's lists hold them."""

    def cap(part: str) -> str:
        first = part[:1].upper()
        return first + part[1:] if len(first) == 1 else part

    parts = [p for p in re.split(r"['’-]", word) if p]
    return [cap(word), *(cap(p) for p in parts if p != word)]


def _lower_case_name_spans(engine: Any, text: str) -> list[tuple[int, int, str]]:
    """(start, end, "naam") of the names after "ik ben", "heet", "naam is", "naam:", in any case."""
    first, surname = _lookup(engine, "first_name"), _lookup(engine, "surname")
    if first is None and surname is None:
        return []
    interfix, prefix, common = _lookup(engine, "interfix"), _lookup(engine, "prefix"), _lookup(engine, "whitelist")
    after_interfix = _lookup(engine, "interfix_surname")  # "Meer" of "van der Meer"
    spans: list[tuple[int, int, str]] = []
    for trigger in _NAME_TRIGGER.finditer(text):
        explicit = "naam" in trigger.group().lower()
        base = trigger.end()
        window = text[base : base + _NAME_WINDOW]
        start: int | None = None
        end: int | None = None
        pending: int | None = None  # where a title or interfix before the first name word starts
        titled = interfix_seen = False
        last = 0
        for count, word_match in enumerate(_NAME_WORD.finditer(window)):
            gap = window[last : word_match.start()]
            if count >= _NAME_WORDS or not gap or len(gap) > 3 or gap.strip():
                break  # a name's words are separated by a few spaces only
            last = word_match.end()
            word = word_match.group()
            low = word.lower()
            if start is None and (_in_set(prefix, low) or low == "heer"):
                titled = True  # "mevrouw", "meneer", "dhr", "de heer"
                pending = word_match.start() if pending is None else pending
                interfix_seen = False
                continue
            if _in_set(interfix, low):
                pending = word_match.start() if start is None and pending is None else pending
                interfix_seen = True
                continue  # "de", "van", "van der": part of the name when a surname follows
            if low in _NOT_NAME_WORDS:
                break
            forms = _capitalised(word)
            known_first = any(_in_trie(first, f) for f in forms)
            known_surname = any(_in_trie(surname, f) for f in forms) or (
                interfix_seen and any(_in_set(after_interfix, f) for f in forms)
            )
            interfix_seen = False
            if start is None:
                if _in_set(common, low) or low in _NOT_A_NAME:
                    break
                if not (known_first or (known_surname and (explicit or titled))):
                    break
                start = word_match.start() if pending is None else pending
            elif not (known_surname or known_first):
                break
            end = word_match.end()
        if start is not None and end is not None:
            spans.append((base + start, base + end, "naam"))
    return spans


# deduce's work grows faster than the text (a message of 300 x "Jan de Vries" took 23 s): it joins neighbouring
# names one step per round, so a run of n names costs about n x n. Names are masked in pieces of at most NAME_CHUNK
# characters and at most NAME_CAPITALS words with a capital, cut at a sentence end or else at a space, and a piece
# that comes again in the same message is read once, so the work stays linear ("Piet " x 800 took 7 s).
NAME_CHUNK = 400
NAME_CAPITALS = 8
_CHUNK_CUT = re.compile(r"[.!?\n]\s")
_CAPITAL_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_a-z]")


def _chunks(text: str, size: int = NAME_CHUNK, capitals: int = NAME_CAPITALS) -> list[tuple[int, str]]:
    """(offset, piece) of ``text``; each piece at most ``size`` characters and ``capitals`` capitalised words, cut
    after a sentence end or a space."""
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        window = text[start : start + size]
        starts = [m.start() for m in _CAPITAL_WORD.finditer(window)]
        if len(starts) > capitals:
            window = window[: starts[capitals]]
        if start + len(window) >= len(text):
            out.append((start, window))
            break
        limit = len(window)
        cut = max((m.end() for m in _CHUNK_CUT.finditer(window)), default=0)
        if cut < limit // 2:
            cut = window.rfind(" ") + 1 or limit
        out.append((start, text[start : start + cut]))
        start += cut
    return out or [(0, text)]


def _mask_names(text: str, kinds: list[str]) -> str:
    engine = _get_deduce()
    if engine is None or not re.search(r"[A-Za-z]", text):
        return text
    spans: list[tuple[int, int, str]] = []
    read: dict[str, list[tuple[int, int, str]]] = {}
    for offset, piece in _chunks(text):
        if piece not in read:
            read[piece] = _name_spans(engine, piece)
        spans += [(offset + a, offset + b, kind) for a, b, kind in read[piece]]
    for start, end, kind in _lower_case_name_spans(engine, text):
        span = text[start:end]
        if "[" not in span and "]" not in span and not _protected(span) and not _is_place(text, start, end):
            spans.append((start, end, kind))
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
        if (
            "[" in span
            or "]" in span
            or (
                kind == "naam"
                and (
                    _protected(span)
                    or _is_place(text, ann.start_char, ann.end_char)
                    or _no_name_here(text, ann.start_char, ann.end_char)
                )
            )
        ):
            continue
        spans.append((ann.start_char, ann.end_char, kind))
    return spans


def _replace_spans(text: str, spans: list[tuple[int, int, str]], kinds: list[str]) -> str:
    """``text`` with every span replaced by its placeholder (overlapping spans merged)."""
    if not spans:
        return text
    spans.sort()
    merged: list[tuple[int, int, str]] = []
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
    pattern: re.Pattern[str],
    text: str,
    kinds: list[str],
    kind: str,
    check: Callable[[re.Match[str]], bool] | None = None,
    keep_groups: Iterable[int] = (),
) -> str:
    def repl(match: re.Match[str]) -> str:
        if check is not None and not check(match):
            return match.group(0)
        kinds.append(kind)
        prefix = "".join(match.group(g) or "" for g in keep_groups)
        return prefix + PLACEHOLDERS[kind]

    return pattern.sub(repl, text)


def _iban_ok(match: re.Match[str]) -> bool:
    compact = re.sub(r"\s", "", match.group(1)).upper()
    return bool(_IBAN_NL.match(compact)) or stdnum_iban.is_valid(compact)


def _mask_phones(text: str, kinds: list[str]) -> str:
    spans: list[tuple[int, int]] = []
    for number in phonenumbers.PhoneNumberMatcher(text, "NL", leniency=phonenumbers.Leniency.POSSIBLE):
        raw = number.raw_string
        if not _PHONE_CANDIDATE_START.match(raw):
            continue  # "123456782" is a BSN candidate, not a phone number
        if len(_digits(raw)) < 9 or _is_allowed_number(raw):
            continue
        spans.append((number.start, number.end))
    for mobile in _MOBILE.finditer(text):
        if not _is_allowed_number(mobile.group(0)):
            spans.append((mobile.start(), mobile.end()))
    if not spans:
        return text
    spans.sort()
    merged: list[tuple[int, int]] = []
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


def _bsn_ok(match: re.Match[str]) -> bool:
    return stdnum_bsn.is_valid(_digits(match.group(1)))


def _bsn_word_ok(match: re.Match[str]) -> bool:
    return 8 <= len(_digits(match.group(3))) <= 9


def _postcode_ok(match: re.Match[str]) -> bool:
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


# --- conversation ids ------------------------------------------------------------------------

# A run of digits, possibly split by dots, dashes or spaces, that stands on its own in a conversation id (not
# inside a longer word: "guard-3f2a123456789b" is a random id). Bounded, so the search stays linear.
_ID_NUMBER = re.compile(r"(?<![A-Za-z0-9])(\+?)(\d(?:[ .-]?\d){6,17})(?![A-Za-z0-9])")
_ID_IBAN = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2}\d{2}[A-Za-z0-9]{10,30})(?![A-Za-z0-9])")
_ID_EMAIL = re.compile(r"[^@\s]@[^@\s]")


def identifier_kinds(sender_id: str) -> list[str]:
    """The kinds of personal identifier in a conversation id (the REST ``sender``, a socket.io session id):
    an e-mail address (any ``x@y``), a phone number (``06...``, ``+31...``, ``0031...``, with or without
    separators), a BSN (9 digits that pass the 11-test) or an IBAN. Empty for ids such as ``test-3f2a9c``."""
    if not isinstance(sender_id, str) or not sender_id:
        return []
    kinds: list[str] = []
    if _ID_EMAIL.search(sender_id):
        kinds.append("e-mail")
    for found in _ID_NUMBER.finditer(sender_id):
        digits = _digits(found.group(2))
        international = found.group(1) == "+" or digits.startswith("00")
        if (international and 9 <= len(digits) <= 15) or (digits.startswith("0") and len(digits) == 10):
            kinds.append("telefoonnummer")
        elif len(digits) == 9 and stdnum_bsn.is_valid(digits):
            kinds.append("bsn")
    for found in _ID_IBAN.finditer(sender_id):
        compact = found.group(1).upper()
        if _IBAN_NL.match(compact) or stdnum_iban.is_valid(compact):
            kinds.append("iban")
    return kinds


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
