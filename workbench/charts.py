"""Bar charts and their tables for the regional overview (``workbench.overview``), as plain HTML.

A chart is a list of rows: the label as text, a bar drawn as a small inline SVG (rectangles only, no script, so the
staff pages' Content-Security-Policy allows it and it prints) and the numbers as text. The chart is hidden from
screen readers (``aria-hidden``); the table right under it holds the same numbers with row and column headings.
A hidden count (``<5`` or the cross) gets no bar of its own: its length would tell the count.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from workbench.overview import NO_STEP, STEP, Cell, Key, Row, Table

LEGEND = (("s-met", "Met volgende stap"), ("s-zonder", "Zonder volgende stap"), ("s-heel", "Verdeling verborgen"))


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _rect(css: str, x: float, width: float) -> str:
    return f'<rect class="{css}" x="{x:.2f}" y="0" width="{max(width, 0):.2f}" height="10"></rect>'


def _bar(parts: list[tuple[str, float]]) -> str:
    """One bar of consecutive parts (css class, width in % of the widest bar), with a thin gap between parts."""
    rects = []
    x = 0.0
    shown = [(css, width) for css, width in parts if width > 0]
    for index, (css, width) in enumerate(shown):
        width = max(width, 0.8)  # a count of 5 or more is never invisible
        gap = 0.6 if index < len(shown) - 1 else 0.0
        rects.append(_rect(css, x, width - gap))
        x += width
    return (
        '<svg class="staaf" viewBox="0 0 100 10" preserveAspectRatio="none" focusable="false">'
        + "".join(rects)
        + "</svg>"
    )


def _row_html(label: str, bar: str, numbers: str, total: bool = False) -> str:
    css = "staaf-rij totaal" if total else "staaf-rij"
    return (
        f'<div class="{css}"><span class="staaf-label">{esc(label)}</span>{bar}'
        f'<span class="staaf-getal">{esc(numbers)}</span></div>'
    )


def chart(table: Table, cells: Mapping[Key, Cell]) -> str:
    """The bar chart of a table (its rows; the total row only as text under it)."""
    first = table.columns[0][0]
    widest = max((cells[r.keys[first]].value or 0 for r in table.rows), default=0) or 1
    rows = []
    for row in table.rows:
        whole = cells[row.keys[first]]
        if whole.hidden:
            rows.append(_row_html(row.label, _bar([]), f"{whole.text} gesprekken"))
            continue
        if table.stacked:
            met, zonder = cells[row.keys[STEP]], cells[row.keys[NO_STEP]]
            if met.hidden or zonder.hidden:
                bar = _bar([("s-heel", 100 * whole.count / widest)])
                numbers = f"{whole.count} gesprekken: {met.text} met, {zonder.text} zonder volgende stap"
            else:
                bar = _bar([("s-met", 100 * met.count / widest), ("s-zonder", 100 * zonder.count / widest)])
                numbers = f"{met.count} met, {zonder.count} zonder volgende stap"
        else:
            bar = _bar([("s-een", 100 * whole.count / widest)])
            numbers = f"{whole.count} gesprekken"
        rows.append(_row_html(row.label, bar, numbers))
    legend = ""
    if table.stacked:
        items = "".join(
            f'<span><svg class="vak" viewBox="0 0 10 10" focusable="false">{_rect(css, 0, 10)}</svg>{esc(text)}</span>'
            for css, text in LEGEND
        )
        legend = f'<div class="legenda">{items}</div>'
    return f'<div class="staven" aria-hidden="true">{legend}{"".join(rows)}</div>'


def share(row: Row, cells: Mapping[Key, Cell]) -> str:
    """The share without a next step, when both counts may be shown."""
    whole, zonder = cells[row.keys["gesprekken"]], cells[row.keys[NO_STEP]]
    if whole.hidden or zonder.hidden or not whole.count:
        return "–"
    return f"{round(100 * zonder.count / whole.count)} %"


def table_html(table: Table, cells: Mapping[Key, Cell]) -> str:
    """The table of the same numbers: a row heading per row, a column heading per column."""
    heads = [f'<th scope="col">{esc(table.row_head)}</th>']
    heads += [f'<th scope="col">{esc(title)}</th>' for _, title in table.columns]
    if table.stacked:
        heads.append('<th scope="col">Deel zonder</th>')
    body = []
    for row in (*table.rows, *((table.total,) if table.total else ())):
        total = row is table.total
        tds = "".join(f"<td>{esc(cells[row.keys[column]].text)}</td>" for column, _ in table.columns)
        if table.stacked:
            tds += f"<td>{esc(share(row, cells))}</td>"
        css = ' class="totaal"' if total else ""
        body.append(f'<tr{css}><th scope="row">{esc(row.label)}</th>{tds}</tr>')
    if not table.rows:
        colspan = len(table.columns) + (2 if table.stacked else 1)
        body.insert(0, f'<tr><td colspan="{colspan}">Geen gesprekken.</td></tr>')
    # a table wider than a phone scrolls sideways: the region can be reached with the keyboard and has a name
    return (
        f'<div class="tabel" tabindex="0" role="region" aria-labelledby="bijschrift-{esc(table.id)}">'
        f'<table id="tabel-{esc(table.id)}"><caption id="bijschrift-{esc(table.id)}">{esc(table.title)} '
        f"(aantal gesprekken)</caption><thead><tr>{''.join(heads)}</tr></thead><tbody>{''.join(body)}</tbody>"
        "</table></div>"
    )


def section(table: Table, cells: Mapping[Key, Cell]) -> str:
    """A section of the overview: heading, what it counts, the chart and the table."""
    chart_html = chart(table, cells) if table.rows else ""
    return (
        f'<section aria-labelledby="kop-{esc(table.id)}" class="overzicht-deel">'
        f'<h2 id="kop-{esc(table.id)}">{esc(table.title)}</h2>'
        f'<p class="hint">{esc(table.intro)}</p>{chart_html}{table_html(table, cells)}</section>'
    )
