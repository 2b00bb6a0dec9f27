"""Load the escalation catalogue (catalogue/*.yaml) into small immutable objects."""

from __future__ import annotations

import os
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from opschaling import facts as vocabulary
from opschaling.facts import CATALOGUE_DIR, UNKNOWN, VALUE_GROUPS
from opschaling.folding import fold

DEFAULT_DIR = CATALOGUE_DIR
TEXTS_FILE = "texts.yaml"  # every sentence of the conversation itself (Catalogue.text)


class TextError(KeyError):
    """An unknown key of texts.yaml or a placeholder without a value (a KeyError whose message reads plainly)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Reference:
    title: str
    source: str
    section: str
    href: str | None = None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Reference:
        return cls(raw["title"], raw["source"], raw["section"], raw.get("href"))


def references(raw: Any) -> tuple[Reference, ...]:
    return tuple(Reference.from_dict(r) for r in (raw or ()))


@dataclass(frozen=True)
class Body:
    """One body, route or role (catalogue/bodies/<id>.yaml); ``raw`` keeps every field of the file."""

    id: str
    raw: Mapping[str, Any] = field(repr=False)

    @property
    def label(self) -> str:
        return str(self.raw["metadata"]["label"])

    @property
    def short_label(self) -> str:
        return self.raw["metadata"].get("short_label") or self.label

    @property
    def kind(self) -> str:
        return str(self.raw["metadata"]["kind"])

    @property
    def references(self) -> tuple[Reference, ...]:
        return references(self.raw["metadata"]["reference"])

    def text(self, name: str) -> str:
        """The user-facing text of a sourced field (what, when, after, outcome), or ''."""
        value = self.raw.get(name)
        return value["text"].strip() if isinstance(value, Mapping) else ""

    def field_references(self, name: str) -> tuple[Reference, ...]:
        value = self.raw.get(name)
        return references(value.get("reference")) if isinstance(value, Mapping) else ()

    @property
    def preconditions(self) -> tuple[Mapping[str, Any], ...]:
        return tuple(self.raw.get("preconditions") or ())

    @property
    def contact(self) -> Mapping[str, Any]:
        contact: Mapping[str, Any] = self.raw["contact"]
        return contact

    @property
    def who_may_submit(self) -> Mapping[str, Any]:
        who: Mapping[str, Any] = self.raw["who_may_submit"]
        return who

    @property
    def deadlines(self) -> tuple[Mapping[str, Any], ...]:
        return tuple(self.raw.get("deadlines") or ())

    @property
    def prepare(self) -> tuple[str, ...]:
        return tuple(item["text"].strip() for item in self.raw.get("prepare") or ())

    @property
    def uncertain(self) -> tuple[str, ...]:
        return tuple(item["text"].strip() for item in self.raw.get("uncertain") or ())


def conditions(raw: Mapping[str, Any] | None) -> Mapping[str, tuple[Any, ...]]:
    """`when` conditions with value groups of catalogue/facts.yaml ("@burger", "@professional") expanded."""
    result: dict[str, tuple[Any, ...]] = {}
    for name, values in (raw or {}).items():
        groups = VALUE_GROUPS.get(name, {})
        expanded: list[Any] = []
        for value in values:
            for item in groups.get(value, (value,)) if isinstance(value, str) else (value,):
                if item not in expanded:
                    expanded.append(item)
        result[name] = tuple(expanded)
    return result


def resolve_template(raw: Mapping[str, Any], templates: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Any]:
    """A rung `{use: <template>, ...}`: the named template from routes.yaml, overridden by the rung's own fields."""
    name = raw.get("use")
    if not name:
        return raw
    if name not in templates:
        raise KeyError(f"unknown rung template {name!r}")
    merged = {**templates[name], **{k: v for k, v in raw.items() if k != "use"}}
    return merged


@dataclass(frozen=True)
class Rung:
    body: str
    reason: str
    references: tuple[Reference, ...]
    when: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    ask_tried: bool = False
    tried_question: str | None = None
    aliases: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    while_pending: bool = False
    pending_ok: bool = False
    woonzorgplek: str | None = None
    switch_to: str | None = None
    if_known: tuple[str, ...] = ()  # facts the rung counts on only when already said: never asked for it

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Rung:
        return cls(
            body=raw["body"],
            reason=raw["reason"].strip(),
            references=references(raw.get("reference")),
            when=conditions(raw.get("when")),
            ask_tried=bool(raw.get("ask_tried")),
            tried_question=raw.get("tried_question"),
            aliases=tuple(raw.get("aliases") or ()),
            needs=tuple(raw.get("needs") or ()),
            while_pending=bool(raw.get("while_pending")),
            pending_ok=bool(raw.get("pending_ok")),
            woonzorgplek=raw.get("woonzorgplek"),
            switch_to=raw.get("switch_to"),
            if_known=tuple(raw.get("if_known") or ()),
        )


@dataclass(frozen=True)
class Support:
    """A body that can help alongside the step; ``note`` (with its references) says how, for this route."""

    body: str
    when: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    note: str | None = None
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True)
class Route:
    id: str
    label: str
    rungs: tuple[Rung, ...]
    support: tuple[Support, ...] = ()
    needs: tuple[str, ...] = ()
    safety_check: bool = False
    info: str | None = None
    final: str | None = None
    inventory: bool = False

    @classmethod
    def from_dict(
        cls, route_id: str, raw: Mapping[str, Any], templates: Mapping[str, Mapping[str, Any]] | None = None
    ) -> Route:
        templates = templates or {}
        return cls(
            id=route_id,
            label=raw["label"],
            rungs=tuple(Rung.from_dict(resolve_template(r, templates)) for r in raw["rungs"]),
            support=tuple(
                Support(
                    s["body"],
                    conditions(s.get("when")),
                    (s.get("note") or "").strip() or None,
                    references(s.get("reference")),
                )
                for s in raw.get("support") or ()
            ),
            needs=tuple(raw.get("needs") or ()),
            safety_check=bool(raw.get("safety_check")),
            info=raw.get("info"),
            final=raw.get("final"),
            inventory=bool(raw.get("inventory")),
        )


@dataclass(frozen=True)
class Catalogue:
    bodies: Mapping[str, Body]
    routes: Mapping[str, Route]
    questions: Mapping[str, Mapping[str, Any]]
    sources: Mapping[str, Mapping[str, Any]]
    zorgplicht: Mapping[str, Any]
    woonzorgplek: Mapping[str, Any]
    complexe_casuistiek: Mapping[str, Any]
    clientondersteuning: Mapping[str, Any]
    directory: Path
    explanations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    explanation_patterns: Mapping[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)  # compiled `when`
    jargon: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    templates: Mapping[str, Rung] = field(default_factory=dict)  # named rung templates of routes.yaml
    texts: Mapping[str, Any] = field(default_factory=dict)  # texts.yaml: key -> text, or {u: text, je: text}
    situation_labels: Mapping[str, str] = field(default_factory=dict)  # texts.yaml: situation -> button label

    def text(self, key: str, /, **values: Any) -> str:
        """The Dutch text ``key`` of catalogue/texts.yaml (the "u" form), its placeholders filled from ``values``.

        Raises KeyError on an unknown key or when ``values`` lacks a placeholder of the text."""
        entry = self._text_entry(key)
        return _fill(key, entry if isinstance(entry, str) else entry["u"], values)

    def informal_text(self, key: str, /, **values: Any) -> str | None:
        """The written-out "je" form of ``key`` when texts.yaml has one, else None (then the u → je rule of
        ``opschaling.render.informal`` applies to ``text(key)``)."""
        entry = self._text_entry(key)
        return _fill(key, entry["je"], values) if isinstance(entry, Mapping) else None

    def _text_entry(self, key: str) -> Any:
        try:
            return self.texts[key]
        except KeyError:
            raise TextError(f"no text {key!r} in {self.directory / TEXTS_FILE}") from None

    def situation_label(self, situation: str) -> str:
        """A situation's label for a button: texts.yaml `situation_labels`, else the title of the situation's option
        in questions.yaml."""
        if situation in self.situation_labels:
            return self.situation_labels[situation]
        for option in (self.questions.get("situation") or {}).get("options") or ():
            if option.get("value") == situation:
                return str(option["title"])
        raise TextError(f"no label for situation {situation!r} in {TEXTS_FILE} or questions.yaml")

    def template_for(self, body_id: str) -> Rung | None:
        """The named rung template for a body (its short sourced reason), e.g. for a route's `final` step."""
        return next((t for t in self.templates.values() if t.body == body_id), None)

    def body(self, body_id: str) -> Body:
        return self.bodies[body_id]

    def aliases(self, body_id: str) -> tuple[str, ...]:
        """Other step ids that count as this body in any route (e.g. "bezwaar" for bezwaar_ciz)."""
        return tuple(
            alias
            for route in self.routes.values()
            for rung in route.rungs
            if rung.body == body_id
            for alias in rung.aliases
        )

    def explanation_for(self, text: str, context: str = "", skip: tuple[str, ...] = ()) -> str | None:
        """The id of the explanation topic (catalogue/explanations.yaml) the text asks for, or None: the topic with
        the longest of its `words` in the text; else the first topic whose `when` patterns all match the folded text
        (the most patterns first: the more specific question wins), or the text with ``context`` (the name of the
        step just advised: "kan ik daar als huisarts zelf bellen?" after the Juiste Loket). Topics in ``skip`` are
        passed over (one answered a moment ago in the same message)."""
        lowered = " ".join(text.lower().split())
        best: tuple[int, str] | None = None
        for topic_id, topic in self.explanations.items():
            if topic_id in skip:
                continue
            for phrase in topic.get("words") or ():
                if phrase.lower() in lowered and (best is None or len(phrase) > best[0]):
                    best = (len(phrase), topic_id)
        if best:
            return best[1]
        for folded in dict.fromkeys((fold(text), fold(f"{text} {context}"))):
            matched = [
                (len(patterns), topic_id)
                for topic_id, patterns in self.explanation_patterns.items()
                if patterns and topic_id not in skip and all(p.search(folded) for p in patterns)
            ]
            if matched:
                return max(matched, key=lambda m: m[0])[1]
        return None

    def inventory_questions(self) -> tuple[str, ...]:
        """The questions of step 1 of the stappenplan complexe casuïstiek (S3), in order."""
        return tuple(" ".join(item["question"].split()) for item in self.complexe_casuistiek.get("inventory", ()))

    def woonzorg_situation(self, situation_id: str) -> Mapping[str, Any] | None:
        for situation in self.woonzorgplek.get("situations", ()):
            if situation.get("id") == situation_id:
                found: Mapping[str, Any] = situation
                return found
        return None

    def cite(self, ref: Reference) -> str:
        """How a reference is shown to users: '<source label>, "<section>"'."""
        source = self.sources.get(ref.source, {})
        label = source.get("cite") or source.get("title") or ref.title
        return f"{label}, '{ref.section}'" + (f" ({ref.href})" if ref.href else "")


def placeholders(template: str) -> list[str]:
    """The names of the str.format placeholders of a text ("{days}" → ["days"]); ValueError on a broken brace."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def _fill(key: str, template: str, values: Mapping[str, Any]) -> str:
    missing = [name for name in placeholders(template) if name not in values]
    if missing:
        raise TextError(f"text {key!r} of {TEXTS_FILE} needs a value for {{{missing[0]}}}: {template!r}")
    return template.format(**values)


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _read_optional(path: Path) -> Mapping[str, Any]:
    return _read(path) if path.exists() else {}


def _allowed(name: str) -> tuple[Any, ...] | None:
    """The values a condition on ``name`` may name, or None when ``name`` is no fact of the vocabulary."""
    if name in vocabulary.DERIVED_FACTS:
        return (True, False)
    spec = vocabulary.FACTS.get(name)
    if spec is None:
        return None
    return spec.allowed or ((UNKNOWN,) if spec.unknown else ())


def _condition_problems(place: str, when: Mapping[str, Any]) -> list[str]:
    problems = []
    for name, values in when.items():
        allowed = _allowed(name)
        if allowed is None:
            problems.append(f"{place}: {name!r} is no fact of {vocabulary.VOCABULARY_FILE}")
            continue
        wrong = [v for v in (values if isinstance(values, (list, tuple)) else [values]) if v not in allowed]
        if wrong:
            problems.append(f"{place}: {name} {wrong} not among {list(allowed)} ({vocabulary.VOCABULARY_FILE})")
    return problems


def vocabulary_problems(catalogue: Catalogue) -> list[str]:
    """Where routes, bodies and questions use a fact or a value that catalogue/facts.yaml does not know."""
    problems: list[str] = []
    situations = set(vocabulary.SITUATIONS)
    if set(catalogue.routes) != situations:
        problems.append(
            f"routes.yaml situations and the situation values of {vocabulary.VOCABULARY_FILE} differ: "
            f"{sorted(set(catalogue.routes) ^ situations)}"
        )
    for route in catalogue.routes.values():
        for name in route.needs:
            if name not in vocabulary.FACTS:
                problems.append(f"routes.yaml {route.id} needs: {name!r} is no fact of {vocabulary.VOCABULARY_FILE}")
        for index, rung in enumerate(route.rungs):
            problems += _condition_problems(f"routes.yaml {route.id} rung {index + 1} ({rung.body})", rung.when)
            for name in rung.needs:
                if name not in vocabulary.FACTS:
                    problems.append(f"routes.yaml {route.id} {rung.body} needs: {name!r} is no fact")
            if rung.switch_to and rung.switch_to not in situations:
                problems.append(f"routes.yaml {route.id} {rung.body}: switch_to {rung.switch_to!r} is no situation")
        for support in route.support:
            problems += _condition_problems(f"routes.yaml {route.id} support {support.body}", support.when)
    for topic_id, topic in catalogue.explanations.items():
        if topic.get("situation") and topic["situation"] not in situations:
            problems.append(f"explanations.yaml {topic_id}: situation {topic['situation']!r} is no situation")
        for name, value in (topic.get("facts") or {}).items():
            allowed = _allowed(name)
            if allowed is None or value not in allowed:
                problems.append(f"explanations.yaml {topic_id}: {name}={value!r} is no value of the vocabulary")
    for body in catalogue.bodies.values():
        for condition in body.preconditions:
            place = f"bodies/{body.id}.yaml precondition {condition.get('id')}"
            problems += _condition_problems(place, condition.get("requires_fact") or {})
    outcomes = (*vocabulary.STEP_OUTCOMES, UNKNOWN)
    for name, question in catalogue.questions.items():
        allowed = outcomes if name == "step_outcome" else _allowed(name)
        if allowed is None or name in vocabulary.DERIVED_FACTS:
            problems.append(f"questions.yaml: {name!r} is no fact of {vocabulary.VOCABULARY_FILE}")
            continue
        wrong = [o.get("value") for o in question.get("options") or () if o.get("value") not in allowed]
        if wrong:
            problems.append(f"questions.yaml {name}: option values {wrong} not among {list(allowed)}")
    return problems


def text_problems(catalogue: Catalogue) -> list[str]:
    """What is wrong with texts.yaml: placeholders that are not plain names, a "je" form with other placeholders
    than its "u" form, situation labels for unknown situations, a situation without a label, and a label that copies
    the questions.yaml option title (that title is used without it)."""
    problems: list[str] = []
    for key, entry in catalogue.texts.items():
        forms = [entry] if isinstance(entry, str) else [entry.get("u"), entry.get("je")]
        found = []
        for form in forms:
            if not isinstance(form, str):
                problems.append(f"{TEXTS_FILE} {key}: not a text, nor {{u: text, je: text}}")
                continue
            try:
                names = placeholders(form)
            except ValueError as error:
                problems.append(f"{TEXTS_FILE} {key}: {error} in {form!r}")
                continue
            problems += [
                f"{TEXTS_FILE} {key}: placeholder {{{n}}} is no plain name" for n in names if not n.isidentifier()
            ]
            found.append(sorted(set(names)))
        if len(found) == 2 and found[0] != found[1]:
            problems.append(f"{TEXTS_FILE} {key}: the u and je forms have other placeholders {found}")
    options = {
        o.get("value"): o.get("title") for o in (catalogue.questions.get("situation") or {}).get("options") or ()
    }
    for situation, label in catalogue.situation_labels.items():
        if situation not in catalogue.routes:
            problems.append(f"{TEXTS_FILE} situation_labels: {situation!r} is no situation")
        elif options.get(situation) == label:
            problems.append(f"{TEXTS_FILE} situation_labels {situation}: the questions.yaml title, drop it here")
    problems += [
        f"situation {s!r} has no label in {TEXTS_FILE} nor an option in questions.yaml"
        for s in catalogue.routes
        if s not in catalogue.situation_labels and s not in options
    ]
    return problems


@lru_cache(maxsize=4)
def load_catalogue(directory: str | os.PathLike[str] | None = None) -> Catalogue:
    """Read the catalogue once per directory (``OPSW_CATALOGUE`` overrides the default folder).

    Raises ValueError when routes, bodies or questions use a fact or value the vocabulary (catalogue/facts.yaml,
    read once per process by opschaling.facts) does not know: such a fact would be asked and never kept; and when
    texts.yaml has a broken placeholder or a situation without a label (``text_problems``)."""
    root = Path(directory or os.environ.get("OPSW_CATALOGUE") or DEFAULT_DIR)
    bodies = {p.stem: Body(p.stem, _read(p)) for p in sorted((root / "bodies").glob("*.yaml"))}
    routes_file = _read(root / "routes.yaml")
    explanations = _read_optional(root / "explanations.yaml").get("topics", {})
    templates = routes_file.get("templates") or {}
    texts_file = _read(root / TEXTS_FILE) or {}
    catalogue = Catalogue(
        bodies=bodies,
        routes={rid: Route.from_dict(rid, raw, templates) for rid, raw in routes_file["situations"].items()},
        questions=_read(root / "questions.yaml")["facts"],
        sources=_read_optional(root / "sources.yaml").get("sources", {}),
        zorgplicht=_read_optional(root / "zorgplicht.yaml"),
        woonzorgplek=_read_optional(root / "woonzorgplek.yaml"),
        complexe_casuistiek=_read_optional(root / "complexe_casuistiek.yaml"),
        clientondersteuning=_read_optional(root / "clientondersteuning_wlz.yaml"),
        directory=root,
        explanations=explanations,
        explanation_patterns={
            topic_id: tuple(re.compile(p) for p in topic.get("when") or ()) for topic_id, topic in explanations.items()
        },
        jargon=_read_optional(root / "jargon.yaml").get("terms", {}),
        templates={name: Rung.from_dict(raw) for name, raw in templates.items()},
        texts=texts_file.get("texts") or {},
        situation_labels=texts_file.get("situation_labels") or {},
    )
    problems = vocabulary_problems(catalogue)
    if problems:
        raise ValueError(
            f"the catalogue in {root} does not match the fact vocabulary {vocabulary.VOCABULARY.path}:\n  "
            + "\n  ".join(problems)
        )
    problems = text_problems(catalogue)
    if problems:
        raise ValueError(f"{root / TEXTS_FILE}:\n  " + "\n  ".join(problems))
    return catalogue


def schema_validator(schema_name: str, directory: str | os.PathLike[str] | None = None) -> Any:
    """A Draft-07 validator for catalogue/schema/<schema_name>; `$ref: definitions.schema.yaml#/...` resolves to
    the one shared definitions file."""
    import jsonschema  # only the tests and scripts validate; the engine does not need jsonschema

    schema_dir = Path(directory or DEFAULT_DIR) / "schema"
    store = {}
    for path in schema_dir.glob("*.schema.yaml"):
        loaded = _read(path)
        store[path.name] = loaded
        store[path.resolve().as_uri()] = loaded
    schema = store[schema_name]
    resolver = jsonschema.RefResolver(
        base_uri=(schema_dir / schema_name).resolve().as_uri(), referrer=schema, store=store
    )
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, resolver=resolver)


def explain_jargon(text: str, jargon: Mapping[str, Mapping[str, Any]]) -> str:
    """``text`` (a seed's own words) with the plain words of catalogue/jargon.yaml in brackets after a term, in every
    sentence that does not explain it ("dossierhouder (de zorgaanbieder die verantwoordelijk is ...)")."""
    import re

    def explain(sentence: str) -> str:
        for term in unexplained_jargon(sentence, jargon):
            entry = jargon[term]
            forms = "|".join(re.escape(f) for f in sorted(entry.get("forms") or (), key=len, reverse=True))
            sentence = re.sub(
                rf"(?<![\w-])({forms})(?![\w-])", rf"\1 ({entry.get('plain', '')})", sentence, count=1, flags=re.I
            )
        return sentence

    return "".join(explain(part) for part in re.split(r"((?<=[.?!])\s+|\n)", text))


def unexplained_jargon(text: str, jargon: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The jargon terms (catalogue/jargon.yaml) used in `text` in a sentence that does not explain them.

    A sentence explains a term when it also holds the term's plain words or one of its `explained_by` phrases, or
    when a bracket or colon follows the word (e.g. "een ingebrekestelling: een brief ...").
    """
    import re

    found: list[str] = []
    for sentence in re.split(r"(?<=[.?!])\s+", " ".join(text.split())):
        lowered = sentence.lower()
        for term, entry in jargon.items():
            for form in entry.get("forms") or ():
                match = re.search(rf"(?<![\w-]){re.escape(form.lower())}(?![\w-])", lowered)
                if not match:
                    continue
                rest = lowered[match.end() : match.end() + 3]
                helpers = [entry.get("plain", "").lower(), *(p.lower() for p in entry.get("explained_by") or ())]
                explained = rest.lstrip().startswith(("(", ":")) or any(h and h in lowered for h in helpers)
                if not explained and term not in found:
                    found.append(term)
                break
    return found
