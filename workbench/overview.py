"""Where a region gets stuck: counts over the stored conversations, for staff (``/review/overzicht``).

For the periodic reflection the stappenplan passende woonzorgplek describes (S2, "casusoverstijgend leren",
``also.casusoverstijgende_reflectie`` of catalogue/woonzorgplek.yaml): in which situations conversations end
without a next step, which steps the assistant named, which routes ran out, by law, role and age group, per
week or month.

**Counts only.** A conversation is read from the tracker store's ``user`` and ``restart`` events without their
data (no message text is ever read) and from the slot ``dialogue`` that opschaling.dialogue writes, of which only
codes are used: the facts situation, law, role and age_group, the open question (``asked``), the advice named last
(``last.step``, ``last.exhausted``, ``last.situation``) and whether a crisis message was given (``safety``). A value
that is not a code of the catalogue (``[a-z0-9_]``) counts as "anders". A restart ("Nieuw gesprek") ends one
conversation and begins the next; a conversation counts in the period of its first message.

**Small cells.** Every count under MIN_CELL (5 conversations, 0 included) is hidden and shown as ``<5``. A count
that is hidden could still be worked out from the counts around it (a total minus the visible parts), so every
sum on the page (a row, a column, a total) is checked: when a hidden count follows exactly from the others (its
possible values: 0-4 for ``<5``, 5 or more for a hidden larger count), the smallest visible count of that sum is
hidden too and shown as SECRET, a cross (secondary suppression, as statistical offices do). The page, the chart and
the CSV show the same cells.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from opschaling.catalogue import Catalogue
from opschaling.facts import ALLOWED, FACTS
from workbench import review

MIN_CELL = 5
SMALL = "<5"  # a count under MIN_CELL
SECRET = "×"  # a larger count hidden so that a small one cannot be worked out
SECRET_CSV = "verborgen"
NONE = "-"  # the fact is not known in the conversation
OTHER = "anders"  # a value that is not a code
CODE = re.compile(r"[a-z0-9_]{1,60}")
PERIODS = ("week", "maand")  # the choice "tellen per"
MAX_PERIODS = 60
DEFAULT_WEEKS = 8
DEFAULT_MONTHS = 6

# the conversation's outcome (the final state) and, without a next step, where it ended
STEP, NO_STEP = "stap", "zonder"
EXHAUSTED, SAFETY, NOTHING, QUESTION = "uitgeput", "veiligheid", "geen", "vraag:"

# (dimension, fact of the dialogue state, Dutch heading) for the tables and filters "by ..."
DIMENSIONS: tuple[tuple[str, str, str], ...] = (
    ("situatie", "situation", "Situatie"),
    ("wet", "law", "Wet"),
    ("rol", "role", "Rol"),
    ("leeftijd", "age_group", "Leeftijd"),
)
FACT_OF = {dim: fact for dim, fact, _ in DIMENSIONS}
# fmt: off
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
# fmt: on
MONTHS_SHORT = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
Key = frozenset[tuple[str, str]]  # the conditions a count is about: {("situatie", "geen_plek"), ("uitkomst", "stap")}


def key(*pairs: tuple[str, str]) -> Key:
    return frozenset(pairs)


TOTAL: Key = key()
WITH_STEP: Key = key(("uitkomst", STEP))
WITHOUT_STEP: Key = key(("uitkomst", NO_STEP))
ALL_EXHAUSTED: Key = key(("einde", EXHAUSTED))


def code(value: Any) -> str:
    """A value of the state as a code: the value when it is one, NONE when missing, OTHER for anything else."""
    if value is None or value == "":
        return NONE
    if isinstance(value, str) and CODE.fullmatch(value):
        return value
    return OTHER


# ------------------------------------------------------------------------------------------------
# conversations → records (codes only)
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Record:
    """One conversation as the overview counts it."""

    start: float  # the time of its first message
    facts: Mapping[str, str]  # situation, law, role, age_group → code or NONE
    steps: frozenset[str]  # every step the assistant named
    ending: str  # STEP | EXHAUSTED | "vraag:<fact>" | SAFETY | NOTHING

    @property
    def outcome(self) -> str:
        return STEP if self.ending == STEP else NO_STEP

    @property
    def situation(self) -> str:
        return self.facts.get("situation", NONE)


def _state(data: Any) -> dict[str, Any] | None:
    """The value of the slot ``dialogue`` from a slot event's data (JSON text or a dict), else None."""
    data = review.json_value(data)
    if not isinstance(data, dict) or data.get("name") != "dialogue":
        return None
    return review.dialogue_state(data.get("value"))


class _Conversation:
    def __init__(self, start: float) -> None:
        self.start = start
        self.state: dict[str, Any] = {}
        self.steps: set[str] = set()

    def slot(self, state: dict[str, Any]) -> None:
        self.state = state
        last = state.get("last") or state.get("last_advice")
        if isinstance(last, dict) and last.get("step"):
            self.steps.add(code(last["step"]))

    def record(self) -> Record:
        state = self.state
        raw_facts = state.get("facts")
        facts_in: Mapping[str, Any] = raw_facts if isinstance(raw_facts, dict) else {}
        raw_last = state.get("last") or state.get("last_advice")
        last: Mapping[str, Any] = raw_last if isinstance(raw_last, dict) else {}
        facts = {fact: code(facts_in.get(fact)) for _, fact, _ in DIMENSIONS}
        if facts["situation"] == NONE:
            facts["situation"] = code(last.get("situation"))
        if last.get("step"):
            ending = STEP
        elif last.get("exhausted"):
            ending = EXHAUSTED
        elif state.get("asked"):
            ending = QUESTION + code(state.get("asked"))
        elif state.get("safety"):
            ending = SAFETY
        else:
            ending = NOTHING
        return Record(self.start, facts, frozenset(self.steps), ending)


def records(events: Iterable[tuple[str, str, float, Any]]) -> Iterator[Record]:
    """The conversations of (sender, type, timestamp, data) events, grouped by sender in stored order
    (``review.TrackerStore.state_events``). Only ``user`` (its time), ``restart`` and the slot ``dialogue`` are read."""
    sender: str | None = None
    current: _Conversation | None = None
    for who, kind, stamp, data in events:
        if who != sender:
            if current is not None:
                yield current.record()
            sender, current = who, None
        if kind == "user":
            if current is None:
                current = _Conversation(float(stamp or 0))
        elif kind == "restart":
            if current is not None:
                yield current.record()
            current = None
        elif kind == "slot" and current is not None:
            state = _state(data)
            if state is not None:
                current.slot(state)
    if current is not None:
        yield current.record()


# ------------------------------------------------------------------------------------------------
# periods and the selection
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    key: str  # 2026-W10 | 2026-03
    label: str
    first: date
    last: date  # inclusive


def period_of(day: date, per: str) -> Period:
    if per == "week":
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=6)
        year, week, _ = first.isocalendar()
        begin = f"{first.day}" if first.month == last.month else f"{first.day} {MONTHS_SHORT[first.month - 1]}"
        span = f"{begin} – {last.day} {MONTHS_SHORT[last.month - 1]} {last.year}"
        return Period(f"{year}-W{week:02d}", f"week {week} ({span})", first, last)
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(
        f"{first.year}-{first.month:02d}",
        f"{MONTHS[first.month - 1]} {first.year}",
        first,
        following - timedelta(days=1),
    )


def periods_between(first: date, last: date, per: str) -> list[Period]:
    result = []
    day = first
    while day <= last:
        period = period_of(day, per)
        result.append(period)
        day = period.last + timedelta(days=1)
    return result


def local_timestamp(day: date) -> float:
    """Midnight at the start of ``day`` in the server's time zone (as the review page shows times)."""
    return datetime(day.year, day.month, day.day).timestamp()


def local_day(stamp: float) -> date:
    return datetime.fromtimestamp(stamp).date()


def parse_day(text: str) -> date | None:
    text = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class Selection:
    """What the overview counts: whole weeks or months from ``first`` to ``last`` (inclusive) and the filters
    (dimension → code, NONE for "niet bekend"); ``notes`` say what was corrected in the request."""

    per: str
    first: date
    last: date
    filters: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @classmethod
    def default(cls, today: date, per: str = "week", oldest: date | None = None) -> Selection:
        """The last DEFAULT_WEEKS weeks or DEFAULT_MONTHS months up to today, from ``oldest`` on when that is later
        (the conversations before it are deleted: the retention period)."""
        if per == "week":
            start = today - timedelta(weeks=DEFAULT_WEEKS - 1)
        else:
            start = today.replace(day=1)
            for _ in range(DEFAULT_MONTHS - 1):
                start = (start - timedelta(days=1)).replace(day=1)
        if oldest is not None and oldest > start:
            start = min(oldest, today)
        return cls(per, period_of(start, per).first, period_of(today, per).last)

    @classmethod
    def from_query(
        cls,
        query: Mapping[str, str],
        today: date,
        allowed: Mapping[str, Collection[str]],
        oldest: date | None = None,
    ) -> Selection:
        """The selection of the form (GET): ``per``, ``van``, ``tot`` (JJJJ-MM-DD or DD-MM-JJJJ) and a filter per
        dimension; anything unreadable falls back to the default (:meth:`default`), with a note."""
        notes: list[str] = []
        per = (query.get("per") or "week").strip()
        if per not in PERIODS:
            notes.append("Onbekende periode; het overzicht is per week.")
            per = "week"
        default = cls.default(today, per, oldest)
        first, last = default.first, default.last
        for name, label in (("van", "begindatum"), ("tot", "einddatum")):
            raw = (query.get(name) or "").strip()
            if not raw:
                continue
            day = parse_day(raw)
            if day is None:
                notes.append(f"De {label} is geen datum (JJJJ-MM-DD of DD-MM-JJJJ); de standaard is gebruikt.")
            elif name == "van":
                first = day
            else:
                last = day
        if first > last:
            first, last = last, first
            notes.append("De begindatum lag na de einddatum; ze zijn omgewisseld.")
        first, last = period_of(first, per).first, period_of(last, per).last
        periods = periods_between(first, last, per)
        if len(periods) > MAX_PERIODS:
            first = periods[-MAX_PERIODS].first
            notes.append(
                f"Hooguit {MAX_PERIODS} perioden tegelijk; het overzicht begint bij {periods[-MAX_PERIODS].label}."
            )
        filters: dict[str, str] = {}
        for dim, _fact, heading in DIMENSIONS:
            value = (query.get(dim) or "").strip()
            if not value:
                continue
            if value == NONE or value in allowed.get(dim, ()):
                filters[dim] = value
            else:
                notes.append(f"Onbekende keuze bij {heading.lower()}; dat filter is weggelaten.")
        return cls(per, first, last, filters, tuple(notes))

    @property
    def periods(self) -> list[Period]:
        return periods_between(self.first, self.last, self.per)

    @property
    def bounds(self) -> tuple[float, float]:
        """[start, end) as timestamps: local midnight of the first day and of the day after the last."""
        return local_timestamp(self.first), local_timestamp(self.last + timedelta(days=1))

    def accepts(self, record: Record) -> bool:
        start, end = self.bounds
        if not start <= record.start < end:
            return False
        return all(record.facts.get(FACT_OF[dim], NONE) == value for dim, value in self.filters.items())

    def query(self) -> dict[str, str]:
        """The selection as the query of a link (the CSV export, the form)."""
        return {
            "per": self.per,
            "van": self.first.isoformat(),
            "tot": self.last.isoformat(),
            **{dim: self.filters[dim] for dim, _, _ in DIMENSIONS if dim in self.filters},
        }


# ------------------------------------------------------------------------------------------------
# counting and hiding small cells
# ------------------------------------------------------------------------------------------------
@dataclass
class Cell:
    count: int
    small: bool = False  # under MIN_CELL: "<5"
    secret: bool = False  # hidden so that a small cell cannot be worked out: SECRET

    @property
    def hidden(self) -> bool:
        return self.small or self.secret

    @property
    def value(self) -> int | None:
        """The count when it may be shown, else None."""
        return None if self.hidden else self.count

    @property
    def text(self) -> str:
        return SMALL if self.small else SECRET if self.secret else str(self.count)

    @property
    def csv_text(self) -> str:
        return SMALL if self.small else SECRET_CSV if self.secret else str(self.count)


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    keys: Mapping[str, Key]  # column → the count's key


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    row_head: str  # the heading of the first column
    columns: tuple[tuple[str, str], ...]  # (column, Dutch heading)
    rows: tuple[Row, ...]
    total: Row | None = None
    stacked: bool = False  # a bar per row in two parts (columns stap and zonder), else one bar (first column)
    intro: str = ""


STACKED_COLUMNS = (
    ("gesprekken", "Gesprekken"),
    (STEP, "Met volgende stap"),
    (NO_STEP, "Zonder volgende stap"),
)
Line = tuple[tuple[Key, ...], Key]  # the parts and their sum (a row, a column, a total)


def suppress(cells: Mapping[Key, Cell], lines: Sequence[Line], limit: int = MIN_CELL) -> None:
    """Hide every cell under ``limit``; then, while a hidden cell of a sum follows exactly from the other cells of
    that sum, hide the smallest visible cell of it too (see the module's doc)."""
    for cell in cells.values():
        cell.small = cell.count < limit
        cell.secret = False
    ceiling = max((cell.count for cell in cells.values()), default=0)

    def bounds(k: Key) -> tuple[int, int]:
        cell = cells[k]
        if not cell.hidden:
            return cell.count, cell.count
        return (0, limit - 1) if cell.small else (limit, max(limit, ceiling))

    def discloses(parts: tuple[Key, ...], total: Key) -> bool:
        items = [(k, 1) for k in parts] + [(total, -1)]
        if not any(cells[k].hidden for k, _ in items):
            return False
        for index, (k, sign) in enumerate(items):
            if not cells[k].hidden:
                continue
            # sign * x = - sum(sign_j * x_j) over the others
            low = high = 0
            for other, (k2, sign2) in enumerate(items):
                if other == index:
                    continue
                lo2, hi2 = bounds(k2)
                low -= sign2 * (hi2 if sign2 > 0 else lo2)
                high -= sign2 * (lo2 if sign2 > 0 else hi2)
            if sign < 0:
                low, high = -high, -low
            own_low, own_high = bounds(k)
            if max(low, own_low) >= min(high, own_high):
                return True
        return False

    changed = True
    while changed:
        changed = False
        for parts, total in lines:
            if not discloses(parts, total):
                continue
            visible = [k for k in parts if not cells[k].hidden] or ([total] if not cells[total].hidden else [])
            if not visible:
                continue  # everything is hidden already
            chosen = min(visible, key=lambda k: cells[k].count)
            cells[chosen].secret = True
            changed = True


@dataclass
class Overview:
    selection: Selection
    tables: list[Table]
    cells: dict[Key, Cell]

    def cell(self, k: Key) -> Cell:
        return self.cells[k]

    @property
    def total(self) -> Cell:
        return self.cells[TOTAL]

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)


def _keys_of(record: Record, period: str) -> Iterator[Key]:
    """Every count this conversation is part of."""
    outcome = record.outcome
    yield TOTAL
    yield key(("uitkomst", outcome))
    for dim, value in (("periode", period), *((d, record.facts.get(f, NONE)) for d, f, _ in DIMENSIONS)):
        yield key((dim, value))
        yield key((dim, value), ("uitkomst", outcome))
    if outcome == NO_STEP:
        yield key(("einde", record.ending))
        if record.ending == EXHAUSTED:
            yield key(("situatie", record.situation), ("einde", EXHAUSTED))
    for step in record.steps:
        yield key(("stap", step))


def _stacked_row(dim: str, value: str, label: str) -> Row:
    return Row(
        value,
        label,
        {
            "gesprekken": key((dim, value)),
            STEP: key((dim, value), ("uitkomst", STEP)),
            NO_STEP: key((dim, value), ("uitkomst", NO_STEP)),
        },
    )


TOTAL_ROW = Row("totaal", "Totaal", {"gesprekken": TOTAL, STEP: WITH_STEP, NO_STEP: WITHOUT_STEP})


def _stacked_lines(rows: Sequence[Row], total: Row) -> list[Line]:
    lines: list[Line] = [((row.keys[STEP], row.keys[NO_STEP]), row.keys["gesprekken"]) for row in (*rows, total)]
    for column, _ in STACKED_COLUMNS:
        lines.append((tuple(row.keys[column] for row in rows), total.keys[column]))
    return lines


def build(
    found: Iterable[Record],
    selection: Selection,
    labels: Callable[[str, str], str],
    order: Mapping[str, Sequence[str]] | None = None,
) -> Overview:
    """The overview of the conversations in ``found`` that the selection accepts. ``labels(kind, code)`` gives the
    Dutch label of a code (kind: a dimension, "stap" or "einde"); ``order`` the codes the catalogue knows per kind
    ("situatie", "wet", "rol", "leeftijd", "stap", "vraag"), in its order: any other code counts as OTHER, so nothing
    but a code of the catalogue is ever shown."""
    order = order or {}
    periods = selection.periods
    period_keys = [(p, p.key) for p in periods]
    counts: Counter[Key] = Counter()
    for found_record in found:
        record = _known(found_record, order)
        if not selection.accepts(record):
            continue
        period = period_of(local_day(record.start), selection.per).key
        counts.update(_keys_of(record, period))

    def present(dim: str) -> list[str]:
        values = {v for k in counts for d, v in k if d == dim and len(k) == 1}
        known = list(order.get(dim, ()))
        return sorted(values, key=lambda v: (v == NONE, v == OTHER, known.index(v) if v in known else len(known), v))

    tables: list[Table] = []
    lines: list[Line] = []
    what = "week" if selection.per == "week" else "maand"
    period_rows = tuple(_stacked_row("periode", k, p.label) for p, k in period_keys)
    tables.append(
        Table(
            "periode",
            f"Per {what}",
            "Periode" if selection.per == "week" else "Maand",
            STACKED_COLUMNS,
            period_rows,
            TOTAL_ROW,
            stacked=True,
            intro=f"Gesprekken per {what}: hoeveel eindigden met een volgende stap, en hoeveel zonder.",
        )
    )
    lines += _stacked_lines(period_rows, TOTAL_ROW)
    for dim, _fact, heading in DIMENSIONS:
        rows = tuple(_stacked_row(dim, v, labels(dim, v)) for v in present(dim))
        tables.append(
            Table(
                dim,
                f"Per {heading.lower()}",
                heading,
                STACKED_COLUMNS,
                rows,
                TOTAL_ROW,
                stacked=True,
                intro={
                    "situatie": "In welke situaties de gesprekken gingen, en hoe vaak zonder volgende stap.",
                    "wet": "Per wet (zoals de gebruiker die noemde of de assistent hem afleidde).",
                    "rol": "Wie het gesprek voerde: de cliënt, een naaste of een professional.",
                    "leeftijd": "De leeftijdsgroep van de cliënt.",
                }[dim],
            )
        )
        lines += _stacked_lines(rows, TOTAL_ROW)

    endings = present("einde")
    ending_rows = tuple(
        Row(e, labels("einde", e), {"gesprekken": key(("einde", e))})
        for e in sorted(
            endings,
            key=lambda e: (
                not e.startswith(QUESTION),
                e != EXHAUSTED,
                e != SAFETY,
                _index(order.get("vraag", ()), e[len(QUESTION) :]),
                e,
            ),
        )
    )
    without = Row("totaal", "Alle gesprekken zonder volgende stap", {"gesprekken": WITHOUT_STEP})
    tables.append(
        Table(
            "einde",
            "Waar gesprekken zonder volgende stap eindigden",
            "Einde van het gesprek",
            (("gesprekken", "Gesprekken"),),
            ending_rows,
            without,
            intro="Bij welke vraag het gesprek stopte, of dat de route uitgeput was (alle stappen geprobeerd of niet "
            "van toepassing) of dat het bij een crisisbericht bleef.",
        )
    )
    lines.append((tuple(r.keys["gesprekken"] for r in ending_rows), WITHOUT_STEP))

    exhausted = sorted(
        {v for k in counts for d, v in k if d == "situatie" and ("einde", EXHAUSTED) in k},
        key=lambda v: (v == NONE, _index(order.get("situatie", ()), v), v),
    )
    exhausted_rows = tuple(
        Row(v, labels("situatie", v), {"gesprekken": key(("situatie", v), ("einde", EXHAUSTED))}) for v in exhausted
    )
    tables.append(
        Table(
            "uitgeput",
            "Routes die uitgeput raakten",
            "Route",
            (("gesprekken", "Gesprekken"),),
            exhausted_rows,
            Row("totaal", "Alle uitgeputte routes", {"gesprekken": ALL_EXHAUSTED}),
            intro="Gesprekken die eindigden zonder stap die nog kon: alles van de route was geprobeerd of gold niet.",
        )
    )
    lines.append((tuple(r.keys["gesprekken"] for r in exhausted_rows), ALL_EXHAUSTED))

    steps = present("stap")
    tables.append(
        Table(
            "stappen",
            "Genoemde stappen",
            "Stap",
            (("gesprekken", "Gesprekken"),),
            tuple(Row(s, labels("stap", s), {"gesprekken": key(("stap", s))}) for s in steps),
            intro="In hoeveel gesprekken de assistent deze stap noemde (een gesprek kan meer stappen krijgen).",
        )
    )

    cells: dict[Key, Cell] = {}
    for table in tables:
        for row in (*table.rows, *((table.total,) if table.total else ())):
            for k in row.keys.values():
                cells.setdefault(k, Cell(counts.get(k, 0)))
    suppress(cells, lines)
    # biggest first where the order is not the calendar or the question order; hidden cells after, in their own
    # order (sorting by a hidden count would tell which hidden count is larger)
    for index, table in enumerate(tables):
        if table.id != "periode":
            first = table.columns[0][0]
            ranked = sorted(table.rows, key=lambda r: (cells[r.keys[first]].hidden, -(cells[r.keys[first]].value or 0)))
            tables[index] = replace(table, rows=tuple(ranked))
    return Overview(selection, tables, cells)


def _known(record: Record, order: Mapping[str, Sequence[str]]) -> Record:
    """The record with every code the catalogue does not know (``order``) as OTHER."""

    def known(kind: str, value: str) -> str:
        values = order.get(kind)
        return value if values is None or value in (NONE, OTHER) or value in values else OTHER

    facts = {fact: known(dim, record.facts.get(fact, NONE)) for dim, fact, _ in DIMENSIONS}
    steps = frozenset(known("stap", step) for step in record.steps)
    ending = record.ending
    if ending.startswith(QUESTION):
        ending = QUESTION + known("vraag", ending[len(QUESTION) :])
    return replace(record, facts=facts, steps=steps, ending=ending)


def _index(items: Sequence[str], value: str) -> int:
    return items.index(value) if value in items else len(items)


# ------------------------------------------------------------------------------------------------
# the Dutch labels of the codes (from the catalogue)
# ------------------------------------------------------------------------------------------------
ENDING_LABELS = {
    EXHAUSTED: "Route uitgeput: geen volgende stap meer",
    SAFETY: "Na een crisis- of check-inbericht",
    NOTHING: "Geen vraag en geen advies (bijvoorbeeld niet begrepen)",
}
NONE_LABELS = {"situatie": "Nog geen situatie bekend", "stap": "Onbekende stap"}


def catalogue_labels(catalogue: Catalogue) -> tuple[Callable[[str, str], str], dict[str, list[str]]]:
    """``labels(kind, code)`` and the codes the catalogue knows, in its order, for :func:`build`."""
    from workbench import case as case_view

    def label(kind: str, value: str) -> str:
        if value == NONE:
            return NONE_LABELS.get(kind, "Niet bekend (niet genoemd of niet gevraagd)")
        if value == OTHER:
            return "Anders"
        if kind == "situatie":
            route = catalogue.routes.get(value)
            return route.label if route is not None else value
        if kind == "stap":
            return case_view.body_label(catalogue, value)
        if kind == "einde":
            if value.startswith(QUESTION):
                asked = value[len(QUESTION) :]
                name = "Is een stap al gedaan?" if asked == "step_outcome" else case_view.FACT_LABELS.get(asked, asked)
                return f"Open vraag: {name}"
            return ENDING_LABELS.get(value, value)
        fact = FACT_OF.get(kind)
        return case_view.value_label(catalogue, fact, value) if fact else value

    order = {
        "situatie": list(catalogue.routes),
        **{dim: [str(v) for v in ALLOWED.get(fact, ())] for dim, fact, _ in DIMENSIONS if dim != "situatie"},
        "stap": list(catalogue.bodies),
        "vraag": [*FACTS, "step_outcome"],
    }
    return label, order


def allowed_values(catalogue: Catalogue) -> dict[str, list[str]]:
    """The codes a filter may take, per dimension (situations from the routes, the rest from the vocabulary)."""
    return {
        "situatie": list(catalogue.routes),
        **{dim: [str(v) for v in ALLOWED.get(fact, ())] for dim, fact, _ in DIMENSIONS if dim != "situatie"},
    }


# ------------------------------------------------------------------------------------------------
# CSV
# ------------------------------------------------------------------------------------------------
CSV_COLUMNS = (
    "van",
    "tot_en_met",
    "per",
    "filter_situatie",
    "filter_wet",
    "filter_rol",
    "filter_leeftijd",
    "overzicht",
    "code",
    "rij",
    "kolom",
    "aantal",
)


def _safe(text: str) -> str:
    """No spreadsheet formula (CSV injection): a leading = + - @ gets a quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and text != NONE else text


def to_csv(overview: Overview) -> str:
    """Every cell of the page, one per line (semicolon-separated, UTF-8 with BOM: opens in Dutch Excel); a hidden
    count is ``<5`` or ``verborgen``. The selection is on every line, so exports of several periods can be pasted
    together."""
    selection = overview.selection
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    head = [
        selection.first.isoformat(),
        selection.last.isoformat(),
        selection.per,
        *(selection.filters.get(dim, "") for dim, _, _ in DIMENSIONS),
    ]
    if overview.total.hidden:  # too few conversations: the page shows nothing else either
        writer.writerow([*head, "Totaal", "totaal", "Totaal", "Gesprekken", overview.total.csv_text])
        return "\ufeff" + out.getvalue()
    for table in overview.tables:
        for row in (*table.rows, *((table.total,) if table.total else ())):
            for column, heading in table.columns:
                cell = overview.cells[row.keys[column]]
                writer.writerow([*head, table.title, row.code, _safe(row.label), heading, cell.csv_text])
    return "\ufeff" + out.getvalue()
