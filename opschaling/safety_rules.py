"""The word rules of the danger lexicon (``lexicon/safety.yaml``): normalising text and matching its patterns.

The lexicon holds the knowledge (which words, which kind of danger, which tier, examples); this module only
reads text the way the patterns expect it and finds the entries that match. ``opschaling.safety`` combines
these hits with the learned model and the NLU signal into one answer.

Text is normalised to word tokens (see ``words`` / ``tokens``): invisible and format characters removed, lower
case, accents folded, repeated letters collapsed ("zelfmoord" and the typo "zelfmord" become the same token,
"doooood" becomes "dod" like "dood"), chat spellings made standard ("nie", "t", "mn"), filler words dropped
("ik wil er GEWOON niet meer zijn"), misspelt key words read as the key word (edit distance 1, words of 6+
letters: "vermisst", "mishandld"), punctuation kept as a boundary.

Two kinds of rules (the pattern language is described at the top of lexicon/safety.yaml):
- sequences: a few token slots (exact words or word stems) with small bounded gaps;
- co-occurrences: words that must all occur within one sentence part of <= 25 tokens, in any order.
There is no regular expression with nested or unbounded quantifiers; the matching work is linear in the length
of the text and repeated stretches are matched once (``tests/safety/test_backtracking.py``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LEXICON_PATH = Path(__file__).resolve().parent.parent / "lexicon" / "safety.yaml"

BOUNDARY = "|"  # a sentence end (. ! ? line break); in the tokens also a comma, semicolon or colon
_SOFT = ","  # a comma, semicolon or colon in the words: the co-occurrence windows go on across it
_MAX_TOKEN = 40  # longer "words" (URLs, base64, keyboard mashing) are cut; no pattern needs more
_TOKEN_RE = re.compile(r"[a-z0-9]+|[.,;:!?\n]")  # single character classes, one quantifier: linear
_REPEAT_RE = re.compile(r"([a-z])\1+")
WINDOW = 25  # co-occurrence rules: the words of one rule within this many tokens of one sentence part
_PAST_WINDOW = 20
_CLAUSE_WORDS = frozenset(("maar", "but", "doch"))  # a clause ends here as at a comma
# Characters that show nothing but split a word for a pattern ("wil\u2060 dood"): zero-width and format
# characters (Unicode category Cf: U+200B-U+200F, U+2060-U+2064, U+00AD, U+061C, U+FEFF ...), the combining
# grapheme joiner U+034F, the Mongolian vowel separator U+180E, Hangul fillers and variation selectors.
_INVISIBLE_EXTRA = frozenset("\u034f\u180e\u115f\u1160\u3164\uffa0") | frozenset(map(chr, range(0xFE00, 0xFE10)))


# laughing and winking emoji: U+1F602 face with tears of joy, U+1F923 rolling on the floor, U+1F606, U+1F605,
# U+1F609, U+1F61C, U+1F61D
_LAUGH_RE = re.compile("[\U0001f602\U0001f923\U0001f606\U0001f605\U0001f609\U0001f61c\U0001f61d]")


def remove_invisible(text: str) -> str:
    """The text without characters that show nothing (kept: line breaks and tabs)."""
    if text.isascii():
        return text
    return "".join(c for c in text if c not in _INVISIBLE_EXTRA and unicodedata.category(c) != "Cf")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", remove_invisible(text).lower())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("\u0131", "i").replace("\u0142", "l")


def collapse(word: str) -> str:
    """Repeated letters count once: zelfmoord = zelfmord, dooood = dood = dod, meer = mer."""
    return _REPEAT_RE.sub(r"\1", word)


def words(text: str) -> list[str]:
    """Folded word tokens (not collapsed); punctuation and line breaks become one boundary word: BOUNDARY for
    a sentence end, _SOFT for a comma, semicolon or colon."""
    folded = fold(text).replace("'", "").replace("\u2019", "")  # 's nachts -> s nachts, m'n -> mn
    folded = _LAUGH_RE.sub(" haha ", folded)  # a laughing emoji reads as "haha" (the joke words of the lexicon)
    out: list[str] = []
    for match in _TOKEN_RE.finditer(folded):
        tok = match.group(0)
        if tok.isalnum():
            out.append(tok[:_MAX_TOKEN])
        else:
            mark = _SOFT if tok in ",;:" else BOUNDARY
            if out and out[-1] in (BOUNDARY, _SOFT):
                if mark == BOUNDARY:
                    out[-1] = BOUNDARY
            else:
                out.append(mark)
    return out


# --------------------------------------------------------------------------------------------- the lexicon


@dataclass(frozen=True)
class Slot:
    exact: frozenset[str]
    prefixes: tuple[str, ...]
    optional: bool = False
    gap: int = 0  # a gap slot: 0..gap arbitrary tokens (none of ``exact`` for a gap)
    boundary: bool = False
    negative: bool = False  # look-ahead: next token must not match

    def matches(self, token: str) -> bool:
        return token in self.exact or any(token.startswith(p) for p in self.prefixes)


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str
    deniable: str  # "lower": a denial right before lowers a crisis to a check-in; "drop": it switches it off
    context: str  # "any", or "after_sign": only counts after an earlier danger sign in the conversation
    unless: frozenset[str]  # a word of these close to the match (4 words before, 2 after): it does not count
    other: str = ""  # the kind when the sign is about someone else ("" = the kind's own ``other``)
    unless_message: frozenset[str] = frozenset()  # such a word anywhere in the message: it does not count
    topic: bool = False  # a word that names the topic: a crisis only when the learned model also sees a sign
    unless_before: frozenset[str] = frozenset()  # such a word among the 4 words before the match: it does not count


@dataclass(frozen=True)
class Hit:
    entry: Entry
    evidence: str  # the matched words as typed (folded)
    start: int  # token index of the match
    end: int
    denied: bool  # a denial right before ("geen", "niet", "niemand" ...)
    joking: bool = False  # a laugh in the same sentence ("haha", "lol", a laughing emoji)


def _atoms(spec: str) -> tuple[frozenset[str], tuple[str, ...]]:
    exact, prefixes = set(), []
    for alt in spec.split("|"):
        if alt.endswith("*"):
            prefixes.append(collapse(alt[:-1]))
        else:
            exact.add(collapse(alt))
    return frozenset(exact), tuple(prefixes)


def _compile(pattern: str) -> tuple[Slot, ...]:
    slots: list[Slot] = []
    for part in pattern.split(" "):
        if part.startswith("~"):
            size, _, forbidden = part[1:].partition("!")
            slots.append(Slot(_atoms(forbidden)[0] if forbidden else frozenset(), (), gap=int(size)))
        elif part == "$":
            slots.append(Slot(frozenset(), (), boundary=True))
        elif part.startswith("!"):
            exact, prefixes = _atoms(part[1:])
            slots.append(Slot(exact, prefixes, negative=True))
        elif part.startswith("?"):
            exact, prefixes = _atoms(part[1:])
            slots.append(Slot(exact, prefixes, optional=True))
        else:
            slots.append(Slot(*_atoms(part)))
    return tuple(slots)


def _expand(pattern: str) -> list[str]:
    """An alternative written with "_" is a phrase ("te_maken", "in_elkaar_geslagen"): spell the pattern out
    once per phrase alternative (and once for the one-word alternatives of that slot)."""
    parts = pattern.split(" ")
    for index, part in enumerate(parts):
        marker = part[0] if part[:1] in "?!" else ""
        alts = part[len(marker) :].split("|")
        phrases = [a for a in alts if "_" in a]
        if not phrases or part.startswith("~") or part == "$":
            continue
        plain = [a for a in alts if "_" not in a]
        variants = [" ".join([*parts[:index], marker + "|".join(plain), *parts[index + 1 :]])] if plain else []
        variants += [
            " ".join(parts[:index] + [marker + w for w in ph.split("_")] + parts[index + 1 :]) for ph in phrases
        ]
        return [v for variant in variants for v in _expand(variant)]
    return [pattern]


def _fill(pattern: str, sets: Mapping[str, str]) -> str:
    """{name} in a pattern: the word set ``name`` of the lexicon (alternatives joined with |)."""
    for name, value in sets.items():
        pattern = pattern.replace("{" + name + "}", value)
    if "{" in pattern or "}" in pattern:
        raise ValueError(f"unknown word set in pattern {pattern!r}")
    return pattern


def _words_set(values: Iterable[str]) -> frozenset[str]:
    return frozenset(collapse(w) for w in values)


class Lexicon:
    """The compiled lexicon: word lists, entries, sequence patterns and co-occurrence rules."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.kinds: dict[str, dict[str, str]] = {k: dict(v) for k, v in data["kinds"].items()}
        # kinds by what they are: crisis kinds, kinds always about someone else, kinds that need an earlier sign
        self.crisis_kinds = tuple(k for k, v in self.kinds.items() if v["tier"] == "crisis")
        self.other_kinds = frozenset(k for k, v in self.kinds.items() if v.get("about") == "other")
        self.after_sign_kinds = frozenset(k for k, v in self.kinds.items() if v.get("context") == "after_sign")
        words_ = data["words"]
        self.spelling = {collapse(k): collapse(v) for k, v in words_["spelling"].items()}
        self.fillers = _words_set(words_["fillers"])
        self.key_words = tuple(collapse(w) for w in words_["key_words"])
        self.not_a_sign = _words_set(words_["not_a_sign"])
        self.negators = _words_set(words_["negators"])
        self.denial_fillers = _words_set(words_["denial_fillers"])
        self.past = _words_set(words_["past"])
        self.now = _words_set(words_["now"])
        self.past_tense = _words_set(words_["past_tense"])
        self.long_ago = tuple(tuple(collapse(w) for w in phrase.split("_")) for phrase in words_["long_ago"])
        self.over = tuple(tuple(collapse(w) for w in phrase.split("_")) for phrase in words_["over"])
        self.past_forms = _words_set(words_.get("past_forms", ()))
        self.then = _words_set(words_.get("then", ()))
        self.relative_now = _words_set(words_.get("relative_now", ()))
        self.over_after = tuple(tuple(collapse(w) for w in p.split("_")) for p in words_.get("over_after", ()))
        self.jokes = _words_set(data.get("unless", {}).get("joke", ()))
        self.first_person = _words_set(words_["first_person"])
        self.third_person = _words_set(words_["third_person"])
        sets = {name: "|".join(values) for name, values in data["sets"].items()}
        unless_sets = {name: _words_set(values) for name, values in data.get("unless", {}).items()}
        self.entries: list[Entry] = []
        patterns: list[tuple[int, bool, tuple[Slot, ...]]] = []
        co_rules: list[tuple[int, tuple[Slot, ...]]] = []
        for index, raw in enumerate(data["entries"]):
            if raw["kind"] not in self.kinds:
                raise ValueError(f"entry {raw['id']}: unknown kind {raw['kind']!r}")
            unless = frozenset().union(*(unless_sets[name] for name in raw.get("unless", [])))
            unless_message = frozenset().union(*(unless_sets[name] for name in raw.get("unless_message", [])))
            unless_before = frozenset().union(*(unless_sets[name] for name in raw.get("unless_before", [])))
            deniable = raw.get("deniable") or ("drop" if self.kinds[raw["kind"]]["tier"] == "none" else "lower")
            other = raw.get("other", "")
            if other and other not in self.kinds:
                raise ValueError(f"entry {raw['id']}: unknown kind {other!r}")
            self.entries.append(
                Entry(
                    raw["id"],
                    raw["kind"],
                    deniable,
                    raw.get("context", "any"),
                    unless,
                    other,
                    unless_message,
                    bool(raw.get("topic")),
                    unless_before,
                )
            )
            for text in raw.get("patterns", []):
                drop = deniable == "drop" or text.startswith("-")
                for pattern in _expand(_fill(text.lstrip("-"), sets)):
                    slots = _compile(pattern)
                    first = slots[0]
                    if first.gap or first.boundary or first.optional or first.negative:
                        raise ValueError(f"pattern must start with a word slot: {text!r}")
                    if any(s.gap > 4 for s in slots):
                        raise ValueError(f"gap too long: {text!r}")
                    if any(not p for s in slots for p in s.prefixes):
                        raise ValueError(f"empty word stem: {text!r}")
                    # a word the reader drops (a filler, also once repeated letters count once: "all" is "al")
                    # can never match
                    dead = sorted(w for s in slots if not (s.gap or s.negative) for w in s.exact if w in self.fillers)
                    if dead:
                        raise ValueError(f"filler word {dead[0]!r} can never match: {text!r}")
                    patterns.append((index, drop, slots))
            for rule in raw.get("cooccur", []):
                co_rules.append((index, tuple(Slot(*_atoms(_fill(spec, sets))) for spec in rule)))
        self.patterns = tuple(patterns)
        self.co_rules = tuple(co_rules)
        # How many tokens a pattern can look at from its start: one per slot, plus its gaps.
        self.spans = tuple(sum(1 + slot.gap for slot in slots) for _, _, slots in self.patterns)
        self.by_word: dict[str, list[int]] = {}
        self.by_prefix: list[tuple[str, int]] = []
        for i, (_, _, slots) in enumerate(self.patterns):
            for word in slots[0].exact:
                self.by_word.setdefault(word, []).append(i)
            self.by_prefix += [(prefix, i) for prefix in slots[0].prefixes]
        self.answers = {
            name: tuple(tuple(collapse(w) for w in phrase.split("_")) for phrase in phrases)
            for name, phrases in data["check_in_answers"].items()
        }
        self._candidates: dict[str, tuple[int, ...]] = {}
        self._co_slots: dict[str, tuple[tuple[int, int], ...]] = {}
        self._spell: dict[str, str] = {}

    # --- tokens ------------------------------------------------------------------------------------------------
    def token(self, word: str) -> str:
        if word in (BOUNDARY, _SOFT):
            return BOUNDARY
        collapsed = collapse(word)
        return self.spelling.get(collapsed, collapsed)

    def spell(self, token: str) -> str:
        """A misspelt key word read as the key word (edit distance 1, 6+ letters, same first letter)."""
        known = self._spell.get(token)
        if known is not None:
            return known
        out = token
        if token in self.not_a_sign:
            out = "_" + token
        elif len(token) >= 6:
            out = next((k for k in self.key_words if k[0] == token[0] and k != token and _near(token, k)), token)
        if len(self._spell) < 20000:
            self._spell[token] = out
        return out

    def tokens(self, words_: Sequence[str]) -> list[tuple[str, int]]:
        """(token, index of its word) without fillers."""
        out = []
        for index, word in enumerate(words_):
            token = self.token(word)
            if token in self.fillers:
                continue
            out.append((token if token == BOUNDARY else self.spell(token), index))
        return out

    def candidates(self, token: str) -> tuple[int, ...]:
        """The patterns whose first slot matches ``token`` (cached per distinct token)."""
        known = self._candidates.get(token)
        if known is None:
            hits = set(self.by_word.get(token, ()))
            hits.update(index for prefix, index in self.by_prefix if token.startswith(prefix))
            known = tuple(sorted(hits))
            if len(self._candidates) < 20000:
                self._candidates[token] = known
        return known

    def co_slots(self, token: str) -> tuple[tuple[int, int], ...]:
        """(rule, slot) pairs of the co-occurrence rules that ``token`` satisfies (cached per distinct token)."""
        known = self._co_slots.get(token)
        if known is None:
            known = tuple(
                (r, k)
                for r, (_, slots) in enumerate(self.co_rules)
                for k, slot in enumerate(slots)
                if slot.matches(token)
            )
            if len(self._co_slots) < 20000:
                self._co_slots[token] = known
        return known

    # --- context of a match ------------------------------------------------------------------------------------
    def denied(self, tokens: Sequence[str], start: int) -> bool:
        """A negation right before the match, with at most three filler words between: "geen (acuut) gevaar",
        "niemand is in gevaar", "niet in gevaar". "ik weet niet of ze in gevaar is" is no denial ("of" is no
        filler)."""
        for j in range(start - 1, max(start - 5, -1), -1):
            if tokens[j] in self.negators:
                return True
            if tokens[j] not in self.denial_fillers:
                return False
        return False

    def in_the_past(self, words_: Sequence[str], at: int) -> tuple[bool, bool, bool]:
        """(placed in the past, placed long ago, told in the past tense) for the sign at word ``at``: its sentence
        has a word of ``past`` ("er was vorig jaar brand"), a phrase of ``long_ago`` ("30 jaar geleden", "toen ik
        15 was") or a verb of ``past_tense`` ("wilde", "heeft gedaan"), and its clause (up to a comma or "maar")
        has no word of ``now`` ("sinds", "vannacht", "weer", "nu"): "vroeger sloeg hij me, nu slaat hij de
        kinderen" is now. Read on all words, fillers included."""
        part = self._sentence_then(words_, at)
        if part is None:
            return False, False, False
        long_ago = _has_phrase(part, self.long_ago)
        past = long_ago or any(t in self.past for t in part)
        return past, long_ago, past or any(t in self.past_tense for t in part)

    def told_back(self, words_: Sequence[str], at: int) -> bool:
        """The sign at word ``at`` is told as something of back then: no word of ``now`` in its clause and a past
        word, a past-tense verb or one of ``past_forms`` in its sentence."""
        past, _, told_past = self.in_the_past(words_, at)
        part = self._sentence_then(words_, at) if not (past or told_past) else None
        return past or told_past or (part is not None and any(t in self.past_forms for t in part))

    def _sentence_then(self, words_: Sequence[str], at: int) -> list[str] | None:
        """The tokens of the sentence around word ``at`` (commas left out), or None when its clause (up to a comma
        or "maar") says now; in a clause told from back then ("toen ... nog") the words of ``relative_now`` do not."""
        lo, hi = _around(words_, at, at, {BOUNDARY}, _PAST_WINDOW, _PAST_WINDOW)
        clo, chi = _around(words_[lo:hi], at - lo, at - lo, {BOUNDARY, _SOFT, *_CLAUSE_WORDS}, hi - lo, hi - lo)
        clause = [self.token(w) for w in words_[lo + clo : lo + chi]]
        back_then = not self.then.isdisjoint(clause)
        if any(t in self.now and not (back_then and t in self.relative_now) for t in clause):
            return None
        return [self.token(w) for w in words_[lo:hi] if w != _SOFT]

    def sentence(self, words_: Sequence[str], at: int) -> list[str]:
        """The tokens of the whole sentence around word ``at`` (commas included)."""
        i, j = _around(words_, at, at, {BOUNDARY}, 40, 40)
        return [self.token(w) for w in words_[i:j]]

    def years_back(self, tokens: Sequence[str]) -> bool:
        """The message places something years back: a phrase of ``long_ago`` or a year before this one."""
        this_year = date.today().year
        return _has_phrase(tokens, self.long_ago) or any(
            len(t) == 4 and t.isdigit() and 1950 <= int(t) < this_year for t in tokens
        )

    def near(self, tokens: Sequence[str], start: int, end: int, before: int = 4, after: int = 2) -> Iterable[str]:
        """The tokens of the match and a few around it, inside its sentence part ("het CIZ wurgt ons met regels")."""
        i, j = _around(tokens, start, end, {BOUNDARY}, before, after)
        return tokens[i:j]

    def about_other(self, tokens: Sequence[str], start: int, end: int) -> bool:
        """The sign is about someone else ("mijn vader wil dood", "she wants to die"): a third person in the
        sentence before or inside the match and no first person inside it."""
        inside = tokens[start:end]
        if any(t in self.first_person for t in inside):
            return False
        if any(t in self.third_person for t in inside):
            return True
        i = start
        while i > 0 and tokens[i - 1] != BOUNDARY and start - i < 8:
            i -= 1
            if tokens[i] in self.first_person:
                return False
            if tokens[i] in self.third_person:
                return True
        return False


def _around(seq: Sequence[str], start: int, end: int, stops: set[str], before: int, after: int) -> tuple[int, int]:
    """(i, j): seq[start:end] widened by at most ``before`` items to the left and ``after`` to the right, never
    across an item of ``stops``."""
    i = start
    while i > 0 and seq[i - 1] not in stops and start - i < before:
        i -= 1
    j = end
    while j < len(seq) and seq[j] not in stops and j - end < after:
        j += 1
    return i, j


def _near(a: str, b: str) -> bool:
    """Edit distance <= 1 (with swaps), without building a table: linear in the word length."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :] or (a[i + 2 :] == b[i + 2 :] and a[i : i + 2] == b[i : i + 2][::-1])
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1 :] == shorter[i:]


@lru_cache(maxsize=2)
def load_lexicon(path: str | None = None) -> Lexicon:
    return Lexicon(yaml.safe_load(Path(path or LEXICON_PATH).read_text(encoding="utf-8")))


# --------------------------------------------------------------------------------------------- matching


def match_at(slots: Sequence[Slot], tokens: Sequence[str], i: int, negators: frozenset[str]) -> int | None:
    """End index of a match of ``slots`` at tokens[i], or None. Gaps are bounded (<= 4 in the patterns), so the
    work per start position is bounded by a constant. A gap never holds a boundary or a negation."""
    if not slots:
        return i
    slot, rest = slots[0], slots[1:]
    n = len(tokens)
    if slot.gap:
        for skip in range(slot.gap + 1):
            if skip and (
                i + skip - 1 >= n
                or tokens[i + skip - 1] == BOUNDARY
                or tokens[i + skip - 1] in negators
                or tokens[i + skip - 1] in slot.exact
            ):
                break
            end = match_at(rest, tokens, i + skip, negators)
            if end is not None:
                return end
        return None
    if slot.boundary:
        if i >= n:
            return i
        return match_at(rest, tokens, i + 1, negators) if tokens[i] == BOUNDARY else None
    if slot.negative:
        if i < n and slot.matches(tokens[i]):
            return None
        return match_at(rest, tokens, i, negators)
    if i < n and slot.matches(tokens[i]):
        end = match_at(rest, tokens, i + 1, negators)
        if end is not None:
            return end
    if slot.optional:
        return match_at(rest, tokens, i, negators)
    return None


def _evidence(words_: Sequence[str], spans: Sequence[int], start: int, end: int) -> str:
    last = spans[end - 1] if end > start else spans[start]
    return " ".join(w for w in words_[spans[start] : last + 1] if w not in (BOUNDARY, _SOFT))


def _sequence_hits(lex: Lexicon, tokens: Sequence[str], words_: Sequence[str], spans: Sequence[int]) -> Iterable[Hit]:
    """A hit for every pattern that matches somewhere (its first match only)."""
    done: set[int] = set()
    # A pattern's result at i depends only on the tokens it can reach (its span), so a repeated stretch of
    # text ("ik|ik|ik|..." or a pasted story twice) is matched once: hostile repetition costs a dict lookup.
    memo: dict[tuple[int, tuple[str, ...]], int | None] = {}
    for i, tok in enumerate(tokens):
        if tok == BOUNDARY:
            continue
        for index in lex.candidates(tok):
            if index in done:
                continue
            entry_index, drop, slots = lex.patterns[index]
            key = (index, tuple(tokens[i : i + lex.spans[index]]))
            if key in memo:
                rel = memo[key]
            else:
                found_end = _match(slots, tokens, i, lex.negators)
                rel = memo[key] = None if found_end is None else found_end - i
            if rel is None:
                continue
            end = i + rel
            entry = lex.entries[entry_index]
            denied = lex.denied(tokens, i)
            if denied and drop:
                continue
            done.add(index)
            yield Hit(entry, _evidence(words_, spans, i, end), i, max(end, i + 1), denied)


def _match(slots: Sequence[Slot], tokens: Sequence[str], i: int, negators: frozenset[str]) -> int | None:
    """One call per start position (tests/safety/test_backtracking.py counts these calls)."""
    return match_at(slots, tokens, i, negators)


def _co_hits(lex: Lexicon, tokens: Sequence[str], words_: Sequence[str], spans: Sequence[int]) -> Iterable[Hit]:
    """A hit for each co-occurrence rule, per window of WINDOW tokens inside a sentence. Windows start every
    WINDOW // 2 tokens, so two words at most WINDOW // 2 apart always share one; the work is linear."""
    done: set[int] = set()
    step = WINDOW // 2
    start = 0
    n = len(tokens)
    while start < n:
        end = start
        hits: dict[int, dict[int, int]] = {}
        while end < n and end - start < WINDOW and words_[spans[end]] != BOUNDARY:
            for r, k in () if tokens[end] == BOUNDARY else lex.co_slots(tokens[end]):
                hits.setdefault(r, {}).setdefault(k, end)
            end += 1
        for r, found in hits.items():
            entry_index, slots = lex.co_rules[r]
            if r in done or len(found) < len(slots):
                continue
            first, last = min(found.values()), max(found.values())
            done.add(r)
            evidence = " ".join(words_[spans[j]] for j in sorted(found.values()))
            yield Hit(lex.entries[entry_index], evidence, first, last + 1, False)
        if end < n and words_[spans[end]] == BOUNDARY:
            start = end + 1
        else:
            start = start + step if end - start >= WINDOW else end


@dataclass(frozen=True)
class Reading:
    """What the rules found in one text: the hits that count, and the tokens they were found in."""

    hits: tuple[Hit, ...]
    tokens: tuple[str, ...]


def read(text: str | None, lex: Lexicon | None = None, after_sign: bool = False) -> Reading:
    """Every lexicon entry that matches ``text`` and counts: not in a sentence with one of its ``unless``
    words, not placed in the past when the message says it is over, not only counting after a sign (unless
    ``after_sign``)."""
    lex = lex or load_lexicon()
    if not text:
        return Reading((), ())
    words_ = words(text)
    pairs = lex.tokens(words_)
    tokens = [t for t, _ in pairs]
    spans = [i for _, i in pairs]
    over = _has_phrase(tokens, lex.over)
    years_back = over and lex.years_back(tokens)
    present = frozenset(tokens)
    kept: list[Hit] = []
    for hit in (*_sequence_hits(lex, tokens, words_, spans), *_co_hits(lex, tokens, words_, spans)):
        entry = hit.entry
        if entry.context == "after_sign" and not after_sign:
            continue
        if entry.unless and any(t in entry.unless for t in lex.near(tokens, hit.start, hit.end)):
            continue
        if entry.unless_message and not entry.unless_message.isdisjoint(present):
            continue
        if entry.unless_before and any(t in entry.unless_before for t in lex.near(tokens, hit.start, hit.start, 4, 0)):
            continue
        past, long_ago, told_past = lex.in_the_past(words_, spans[hit.start])
        # an acute sign placed in the past is not acute now; a sign placed long ago ("30 jaar geleden", "toen ik 15
        # was"), or told in the past in a message that says it is over ("vorig jaar ..., nu gaat het goed"; "dat
        # is vijf jaar geleden, ik woon nu veilig": the years anywhere in the message), is no danger now; nor is
        # one the message calls over right after it ("de onveilige situatie is voorbij")
        if long_ago or (told_past and over) or (past and lex.kinds[entry.kind]["group"] == "acute"):
            continue
        if years_back and lex.told_back(words_, spans[hit.start]):
            continue
        _, stop = _around(tokens, hit.end, hit.end, {BOUNDARY}, 0, 3)
        if _has_phrase(tokens[hit.end : stop], lex.over_after):
            continue
        # a laugh in the same sentence ("ik spring uit het raam, haha"): a figure of speech, most likely; it lowers a
        # crisis to a check-in as a denial does, never to nothing
        joking = not lex.jokes.isdisjoint(lex.sentence(words_, spans[hit.start]))
        kept.append(replace(hit, joking=True) if joking else hit)
    return Reading(tuple(kept), tuple(tokens))


def _has_phrase(tokens: Sequence[str], phrases: Iterable[tuple[str, ...]]) -> bool:
    for phrase in phrases:
        n = len(phrase)
        if any(tuple(tokens[i : i + n]) == phrase for i in range(len(tokens) - n + 1)):
            return True
    return False


def check_in_answer(text: str | None, lex: Lexicon | None = None) -> str | None:
    """ "yes" (also "soms" and doubt: "ik weet niet of hij het meent"), "no", or None (the message says neither)
    for the answer to a check-in question (``check_in_answers`` of the lexicon). A message that starts with a no is
    a no unless it also says yes ("nee, soms wel"); doubt after it ("nee, ik weet niet dat het bestaat") answers
    something else. Only short messages count."""
    lex = lex or load_lexicon()
    tokens = [collapse(w) for w in words(text or "")[:40] if w not in (BOUNDARY, _SOFT)]
    if not tokens or len(tokens) > 25:
        return None
    if _has_phrase(tokens, lex.answers["yes"]):
        return "yes"
    if _has_phrase(tokens[:1], lex.answers["no"]):  # "nee, ik weet niet dat het bestaat": a no first is a no
        return "no"
    if _has_phrase(tokens, lex.answers["doubt"]):
        return "yes"
    if _has_phrase(tokens[:3], lex.answers["no"]):
        return "no"
    return None


def normalise(text: str) -> list[str]:
    """The tokens the patterns see: folded, collapsed, chat spelling made standard, and boundaries."""
    lex = load_lexicon()
    return [t for t, _ in lex.tokens(words(text))]
