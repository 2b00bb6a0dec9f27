"""The facts of a case, as the engine sees them, and their allowed values.

The facts, their values and their Dutch words are data: the vocabulary ``catalogue/facts.yaml``, read once. This
module derives the tables the rest of the code uses (``ALLOWED``, ``ROLES``, ``BOOLEAN_FACTS``, ...) from it.
``CaseFacts`` has a typed field for each fact the Python code reads by name; every other fact of the vocabulary
lives in ``CaseFacts.more``, so a fact that only routes use (``when:``) needs no change here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from opschaling.dates import parse_date

UNKNOWN = "onbekend"  # the user answered "weet ik niet": the question is answered, the value is unknown
CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "catalogue"
VOCABULARY_FILE = "facts.yaml"
CHOICE, BOOLEAN, DATE = "choice", "boolean", "date"


class FollowsFrom(NamedTuple):
    """A fact that follows from another in some situations (``follows_from`` in catalogue/facts.yaml)."""

    situations: tuple[str, ...]
    fact: str  # the other fact
    values: Mapping[str, str]  # its value -> this fact's value

    def value(self, situation: str | None, other: Any) -> str | None:
        """This fact's value in ``situation`` when the other fact is ``other``, or None."""
        if situation not in self.situations or not isinstance(other, str):
            return None
        return self.values.get(other)


@dataclass(frozen=True)
class FactSpec:
    """One fact of the vocabulary (see the head of catalogue/facts.yaml for the meaning of each field)."""

    id: str
    type: str  # choice | boolean | date
    label: str  # Dutch, for staff (workbench)
    form_label: str  # Dutch, the select of the workbench form
    topics: tuple[str, ...]  # Dutch topic names in scenario files
    note: str
    values: Mapping[str, str | None] = field(default_factory=dict)  # choice: value -> Dutch label shown to users
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # "@group" -> values
    unknown: bool = True  # "weet ik niet" (onbekend) is an allowed answer
    name: str | None = None  # Dutch name shown to users
    summary: str | None = None  # value | label | if_true: how "Wat weet je van mij?" lists it
    entity: str | None = None  # the NLU entity of a button payload
    follows_from: FollowsFrom | None = None  # the value while this fact is unknown, from another fact (facts.yaml)
    points_to: str | None = None  # (yes/no) the situation a story that says yes is about, when nothing else says

    @property
    def allowed(self) -> tuple[Any, ...]:
        """The values a fact may take; empty for a date (any date, or onbekend)."""
        if self.type == CHOICE:
            known: tuple[Any, ...] = tuple(self.values)
        elif self.type == BOOLEAN:
            known = (True, False)
        else:
            return ()
        return (*known, UNKNOWN) if self.unknown else known


@dataclass(frozen=True)
class StepOutcomeSpec:
    """The answer to "Heeft u dit al geprobeerd?" about one step (kept per step in CaseFacts.steps_tried)."""

    label: str
    entity: str
    topics: tuple[str, ...]
    values: Mapping[str, str]  # value -> Dutch label
    note: str


@dataclass(frozen=True)
class Vocabulary:
    facts: Mapping[str, FactSpec]
    step_outcome: StepOutcomeSpec
    answer_labels: Mapping[Any, str]  # True, False, onbekend -> Dutch
    derived: Mapping[str, str]  # conditions the engine derives (young, professional) -> note
    path: Path

    def of_type(self, kind: str) -> tuple[str, ...]:
        return tuple(name for name, spec in self.facts.items() if spec.type == kind)


def _text(raw: Any, default: str = "") -> str:
    return " ".join(str(raw).split()) if raw is not None else default


def _fact_spec(name: str, raw: Mapping[str, Any]) -> FactSpec:
    kind = raw.get("type")
    if kind not in (CHOICE, BOOLEAN, DATE):
        raise ValueError(f"{VOCABULARY_FILE}: fact {name!r} has type {kind!r} (choice, boolean or date)")
    values = {str(v): (_text((spec or {}).get("label")) or None) for v, spec in (raw.get("values") or {}).items()}
    if kind == CHOICE and not values:
        raise ValueError(f"{VOCABULARY_FILE}: choice fact {name!r} lists no values")
    groups = {str(g): tuple(str(v) for v in members) for g, members in (raw.get("groups") or {}).items()}
    for group, members in groups.items():
        unknown = [v for v in members if v not in values and v != UNKNOWN]
        if unknown:
            raise ValueError(f"{VOCABULARY_FILE}: group {group} of {name!r} names unknown values {unknown}")
    label = _text(raw.get("label"), name)
    follows = raw.get("follows_from")
    follows_from = (
        FollowsFrom(
            tuple(map(str, follows["situations"])),
            str(follows["fact"]),
            {str(k): str(v) for k, v in follows["values"].items()},
        )
        if follows
        else None
    )
    return FactSpec(
        id=name,
        type=kind,
        label=label,
        form_label=_text(raw.get("form_label")) or label,
        topics=tuple(str(t) for t in raw.get("topics") or ()),
        note=_text(raw.get("note")),
        values=values,
        groups=groups,
        unknown=bool(raw.get("unknown", True)),
        name=_text(raw.get("name")) or None,
        summary=raw.get("summary"),
        entity=raw.get("entity"),
        follows_from=follows_from,
        points_to=raw.get("points_to"),
    )


@lru_cache(maxsize=4)
def load_vocabulary(directory: str | os.PathLike[str] | None = None) -> Vocabulary:
    """Read <catalogue>/facts.yaml once per directory (``OPSW_CATALOGUE`` overrides the default folder, as for
    ``opschaling.catalogue.load_catalogue``)."""
    root = Path(directory or os.environ.get("OPSW_CATALOGUE") or CATALOGUE_DIR)
    path = root / VOCABULARY_FILE
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    facts = {str(name): _fact_spec(str(name), spec or {}) for name, spec in (raw.get("facts") or {}).items()}
    for required in ("situation", "role"):
        if required not in facts or facts[required].type != CHOICE:
            raise ValueError(f"{path}: the vocabulary needs the choice fact {required!r}")
    for group in ("@burger", "@professional"):
        if group not in facts["role"].groups:
            raise ValueError(f"{path}: role needs the group {group}")
    outcome = raw.get("step_outcome") or {}
    labels = raw.get("answer_labels") or {}
    return Vocabulary(
        facts=facts,
        step_outcome=StepOutcomeSpec(
            label=_text(outcome.get("label"), "step_outcome"),
            entity=str(outcome.get("entity") or "stap_uitkomst"),
            topics=tuple(str(t) for t in outcome.get("topics") or ()),
            values={
                str(v): _text((spec or {}).get("label"), str(v)) for v, spec in (outcome.get("values") or {}).items()
            },
            note=_text(outcome.get("note")),
        ),
        answer_labels={
            True: _text(labels.get("yes"), "ja"),
            False: _text(labels.get("no"), "nee"),
            UNKNOWN: _text(labels.get(UNKNOWN), "weet ik niet"),
        },
        derived={str(name): _text((spec or {}).get("note")) for name, spec in (raw.get("derived") or {}).items()},
        path=path,
    )


VOCABULARY = load_vocabulary()
FACTS: Mapping[str, FactSpec] = VOCABULARY.facts
SITUATIONS: tuple[str, ...] = tuple(FACTS["situation"].values)
# Who the user is. A professional brings a case in himself; the others are addressed as (a relative of) the client.
ROLES: tuple[str, ...] = tuple(FACTS["role"].values)
# Groups of values usable in route conditions (`when: {role: ["@burger"]}`), per fact; "onbekend" counts as a client.
VALUE_GROUPS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    name: spec.groups for name, spec in FACTS.items() if spec.groups
}
ROLE_GROUPS: Mapping[str, tuple[str, ...]] = FACTS["role"].groups
PROFESSIONAL_ROLES: tuple[str, ...] = ROLE_GROUPS["@professional"]
CLIENT_ROLES: tuple[str, ...] = tuple(r for r in ROLE_GROUPS["@burger"] if r != UNKNOWN)
ALLOWED: Mapping[str, tuple[Any, ...]] = {name: spec.allowed for name, spec in FACTS.items() if spec.type != DATE}
BOOLEAN_FACTS: tuple[str, ...] = VOCABULARY.of_type(BOOLEAN)
DATE_FACTS: tuple[str, ...] = VOCABULARY.of_type(DATE)
STEP_OUTCOMES: tuple[str, ...] = tuple(VOCABULARY.step_outcome.values)
DERIVED_FACTS: tuple[str, ...] = tuple(VOCABULARY.derived)  # young, professional: computed by the engine


@dataclass(frozen=True)
class CaseFacts:
    """The facts of one case. Typed fields for the facts the code reads by name; every other fact of the
    vocabulary in ``more`` (read both with ``get``; build with ``of`` / ``from_slots``, change with ``with_fact``)."""

    situation: str | None = None
    law: str | None = None
    organisation: str | None = None
    age_group: str | None = None
    role: str | None = None
    decision_date: date | str | None = None
    objection_decision_date: date | str | None = None
    acute_danger: bool | str | None = None
    steps_tried: Mapping[str, str] = field(default_factory=dict)
    today: date = field(default_factory=date.today)
    more: Mapping[str, Any] = field(default_factory=dict)  # every other fact of the vocabulary: name -> value

    def get(self, name: str) -> Any:
        """The value of a fact (None when not known yet), or of a property such as ``young``."""
        if name in TYPED_FACTS:
            return getattr(self, name)
        if name in FACTS:
            return self.more.get(name)
        return getattr(self, name)

    def with_fact(self, name: str, value: Any) -> CaseFacts:
        """The same facts with one fact set (None: not known)."""
        if name in TYPED_FACTS:
            return replace(self, **{name: value})
        if name not in FACTS:
            raise KeyError(f"{name!r} is no fact of {VOCABULARY_FILE}")
        more = {k: v for k, v in self.more.items() if k != name}
        if value is not None:
            more[name] = value
        return replace(self, more=more)

    @classmethod
    def of(cls, **values: Any) -> CaseFacts:
        """CaseFacts from fact names as keywords, e.g. ``CaseFacts.of(situation="klacht_instantie",
        complaint_within_year=True)``: the typed fields as they are, every other vocabulary fact into ``more``."""
        more = dict(values.pop("more", None) or {})
        for name in [n for n in values if n in FACTS and n not in TYPED_FACTS]:
            more[name] = values.pop(name)
        return cls(**values, more=more)  # any other name raises TypeError, as for the dataclass itself

    @property
    def effective_role(self) -> str | None:
        """The role the engine works with: "weet ik niet" is treated as the client."""
        return "client" if self.role == UNKNOWN else self.role

    @property
    def is_professional(self) -> bool:
        return self.role in PROFESSIONAL_ROLES

    @property
    def young(self) -> bool:
        """A young person: role jongere, or the client himself when the age group is kind."""
        return self.role == "jongere" or (self.effective_role == "client" and self.age_group == "kind")

    @property
    def audience(self) -> str:
        """How the renderer addresses the user: "professional", "young" (je) or "client" (u)."""
        if self.is_professional:
            return "professional"
        return "young" if self.young else "client"

    def with_outcome(self, step: str, outcome: str) -> CaseFacts:
        return replace(self, steps_tried={**self.steps_tried, step: outcome})

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any], today: date | None = None) -> CaseFacts:
        """Build facts from conversation slots (the dialogue state), dropping every value that is not allowed."""
        values: dict[str, Any] = {}
        for name, allowed in ALLOWED.items():
            value = normalise_value(name, slots.get(name))
            if value in allowed:
                values[name] = value
        for name in DATE_FACTS:
            value = slots.get(name)
            if value == UNKNOWN:
                values[name] = UNKNOWN
            elif isinstance(value, date):
                values[name] = value
            elif isinstance(value, str):
                parsed = parse_date(value, today=today)
                if parsed:
                    values[name] = parsed
        steps = slots.get("steps_tried") or {}
        if isinstance(steps, Mapping):
            values["steps_tried"] = {
                str(k): outcome for k, v in steps.items() if (outcome := normalise_outcome(v)) is not None
            }
        if today:
            values["today"] = today
        return cls.of(**values)


_NOT_FACTS = ("steps_tried", "today", "more")
TYPED_FACTS: tuple[str, ...] = tuple(f.name for f in fields(CaseFacts) if f.name not in _NOT_FACTS)
_missing = [name for name in TYPED_FACTS if name not in FACTS]
if _missing:
    raise ValueError(f"{VOCABULARY.path}: the facts {_missing} of CaseFacts are not in the vocabulary")


def normalise_outcome(value: Any) -> str | None:
    """A step outcome: nee, loopt or niet_geholpen. "Weet ik niet (of ik dat al deed)" counts as nee."""
    if value == UNKNOWN:
        return "nee"
    return value if value in STEP_OUTCOMES else None


_TRUE = {"true", "ja", "yes", "1", True}
_FALSE = {"false", "nee", "no", "0", False}


def normalise_value(name: str, value: Any) -> Any:
    """Booleans arrive from buttons as strings or booleans; other values as lower-case strings."""
    if value is None:
        return None
    if name in BOOLEAN_FACTS:
        if value in _TRUE or (isinstance(value, str) and value.lower() in _TRUE):
            return True
        if value in _FALSE or (isinstance(value, str) and value.lower() in _FALSE):
            return False
        return UNKNOWN if value == UNKNOWN else None
    if isinstance(value, str):
        return value.strip().lower()
    return value


def age_group_for(years: int) -> str:
    """Kind under 18; jongvolwassene 18-22 (verlengde jeugdhulp can run to 23); volwassene from 23."""
    if years < 18:
        return "kind"
    if years < 23:
        return "jongvolwassene"
    return "volwassene"


def vocabulary_table(vocabulary: Vocabulary = VOCABULARY) -> str:
    """The facts as a markdown table (docs/CONTRACT.md holds this table; tests/catalogue checks it is current)."""
    rows = [
        "| fact | type | values | entity | scenario topics |",
        "|---|---|---|---|---|",
    ]
    for name, spec in vocabulary.facts.items():
        if spec.type == CHOICE:
            values = [f"`{v}`" for v in spec.values]
        elif spec.type == BOOLEAN:
            values = ["`true`", "`false`"]
        else:
            values = ["a date"]
        if spec.unknown:
            values.append(f"`{UNKNOWN}`")
        topics = ", ".join(f"`{t}`" for t in spec.topics)
        entity = f"`{spec.entity}`" if spec.entity else ("/affirm, /deny" if spec.type == BOOLEAN else "—")
        rows.append(f"| `{name}` | {spec.type} | {', '.join(values)} | {entity} | {topics} |")
    outcome = vocabulary.step_outcome
    rows.append(
        f"| `steps_tried` (body id or alias → outcome) | step outcome | {', '.join(f'`{v}`' for v in outcome.values)}"
        f" (`{UNKNOWN}` counts as `nee`) | `{outcome.entity}` | {', '.join(f'`{t}`' for t in outcome.topics)} |"
    )
    groups = "; ".join(
        f"`{group}`: {', '.join(f'`{v}`' for v in members)}"
        for spec in vocabulary.facts.values()
        for group, members in spec.groups.items()
    )
    derived = ", ".join(f"`{name}`" for name in vocabulary.derived)
    return "\n".join(rows) + f"\n\nValue groups for `when:`: {groups}. Derived conditions (never asked): {derived}.\n"
