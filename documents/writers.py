"""A document (documents/content.py) as a file: .docx (python-docx: people can edit it, LibreOffice and Word open
it), PDF (fpdf2, A4, with the DejaVu Sans font that matplotlib ships, so every Dutch character prints) and a
printable HTML page (print CSS for A4; every text escaped, no script).

Building a file takes a fraction of a second (a PDF's font is cut down once per process): the Rasa server builds it
in a worker thread (channels/documents.py)."""

from __future__ import annotations

import atexit
import html
import importlib.util
import io
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from documents.content import BULLETS, FIELD, HEADING, PAGE_BREAK, PARAGRAPH, SMALL, SPACE, Doc

AUTHOR = "Opschalingswijzer"
LANGUAGE = "nl-NL"


# --- .docx ---------------------------------------------------------------------------------------------------------
def to_docx(doc: Doc) -> bytes:
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    out = Document()
    section = out.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2)
    normal = out.styles["Normal"]
    normal.font.size = Pt(11)
    language = OxmlElement("w:lang")  # Dutch spelling check in Word and LibreOffice
    language.set(qn("w:val"), LANGUAGE)
    normal.element.get_or_add_rPr().append(language)
    out.core_properties.title = doc.title
    out.core_properties.author = AUTHOR
    out.core_properties.language = LANGUAGE
    out.add_heading(doc.title, level=1)
    for block in doc.blocks:
        if block.kind == HEADING:
            out.add_heading(block.text, level=2)
        elif block.kind in (PARAGRAPH, FIELD):
            out.add_paragraph(block.text)
        elif block.kind == BULLETS:
            for item in block.items:
                out.add_paragraph(item, style="List Bullet")
        elif block.kind == SMALL:
            run = out.add_paragraph().add_run(block.text)
            run.font.size = Pt(9)
            run.italic = True
        elif block.kind == SPACE:
            out.add_paragraph()
        elif block.kind == PAGE_BREAK:
            out.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------------------------------
# the characters Dutch documents use: Latin-1, Latin Extended-A, dashes, quotes, bullets, the euro sign
PDF_CHARACTERS = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    *range(0x2010, 0x2028),
    *range(0x2030, 0x203B),
    0x20AC,
    0x2192,
    0x2264,
    0x2265,
]


@lru_cache(maxsize=1)
def _fonts() -> dict[str, Path] | None:
    """DejaVu Sans from matplotlib's own data (regular, bold, oblique), cut down once per process to the characters
    of :data:`PDF_CHARACTERS` (reading the whole font for every PDF takes seconds); None without it (then a core
    font, Latin-1 only)."""
    try:
        from fontTools import subset  # type: ignore[import-untyped]

        spec = importlib.util.find_spec("matplotlib")  # its data folder, without importing it (slow, noisy)
    except Exception:  # noqa: BLE001 - no fontTools or matplotlib: the core font
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
    files = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
    if not all((folder / name).is_file() for name in files.values()):
        return None
    out = Path(tempfile.mkdtemp(prefix="opsw-fonts-"))
    atexit.register(shutil.rmtree, out, True)
    options = subset.Options()
    options.name_IDs = ["*"]  # keep the font's names and licence
    options.layout_features = ["*"]
    options.drop_tables += ["FFTM"]  # FontForge's time stamps: nothing a PDF needs
    found = {}
    for style, name in files.items():
        font = subset.load_font(str(folder / name), options)
        cutter = subset.Subsetter(options)
        cutter.populate(unicodes=PDF_CHARACTERS)
        cutter.subset(font)
        target = out / name
        subset.save_font(font, str(target), options)
        found[style] = target
    return found


def to_pdf(doc: Doc) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(doc.title)
    pdf.set_author(AUTHOR)
    pdf.set_creator(AUTHOR)
    pdf.set_lang(LANGUAGE)
    fonts = _fonts()
    family = "DejaVu" if fonts else "helvetica"
    if fonts:
        for style, path in fonts.items():
            pdf.add_font(family, style, str(path))

    def fit(text: str) -> str:  # the core font knows Latin-1 only
        return text if fonts else text.encode("latin-1", "replace").decode("latin-1")

    def write(text: str, size: float, style: str = "", height: float = 5.6, indent: float = 0.0) -> None:
        pdf.set_font(family, style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(pdf.epw - indent, height, fit(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.add_page()
    write(doc.title, 16, "B", height=8)
    pdf.ln(2)
    for block in doc.blocks:
        if block.kind == HEADING:
            pdf.ln(2.5)
            write(block.text, 12.5, "B", height=6.5)
            pdf.ln(0.5)
        elif block.kind in (PARAGRAPH, FIELD):
            write(block.text, 10.5)
            pdf.ln(1.2)
        elif block.kind == BULLETS:
            for item in block.items:
                pdf.set_font(family, "", 10.5)
                pdf.set_x(pdf.l_margin + 1.5)
                pdf.cell(4, 5.6, fit("•") if fonts else "-")
                pdf.multi_cell(pdf.epw - 5.5, 5.6, fit(item), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
        elif block.kind == SMALL:
            write(block.text, 8.5, "I", height=4.4)
            pdf.ln(1)
        elif block.kind == SPACE:
            pdf.ln(5.6)
        elif block.kind == PAGE_BREAK:
            pdf.add_page()
    return bytes(pdf.output())


# --- HTML ------------------------------------------------------------------------------------------------------------
PRINT_CSS = """
@page { size: A4; margin: 16mm 16mm 18mm; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; line-height: 1.45;
  color: #1a1a1a; background: #fff; }
body { margin: 0; padding: 1rem; }
main { max-width: 44rem; margin: 0 auto; }
h1 { font-size: 1.55rem; margin: 0 0 .5rem; }
h2 { font-size: 1.1rem; margin: 1.3rem 0 .35rem; border-bottom: 1px solid #c8c8c8; padding-bottom: .15rem; }
p, li { font-size: 1rem; margin: .3rem 0; overflow-wrap: anywhere; }
ul { padding-left: 1.3rem; margin: .3rem 0; }
.small { font-size: .85rem; color: #444; font-style: italic; }
.hint { background: #eef4fb; border: 1px solid #b7cde6; padding: .5rem .75rem; border-radius: .4rem; }
.space { height: 1.2rem; }
.page-break { break-before: page; }
@media print {
  .no-print { display: none; }
  body { padding: 0; }
  main { max-width: none; }
  html { font-size: 10.5pt; }
  h2 { break-after: avoid; }
  li, p { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
""".strip()


def to_html(doc: Doc, hint: str = "") -> bytes:
    """A page that prints on A4; ``hint`` (how to print) is shown on screen only."""
    esc = html.escape
    parts = [
        "<!doctype html>",
        f'<html lang="nl"><head><meta charset="utf-8"><title>{esc(doc.title)}</title>',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="noindex">',
        f"<style>{PRINT_CSS}</style></head><body><main>",
        f"<h1>{esc(doc.title)}</h1>",
    ]
    if hint:
        parts.append(f'<p class="hint no-print">{esc(hint)}</p>')
    for block in doc.blocks:
        if block.kind == HEADING:
            parts.append(f"<h2>{esc(block.text)}</h2>")
        elif block.kind in (PARAGRAPH, FIELD):
            parts.append(f"<p>{esc(block.text)}</p>")
        elif block.kind == BULLETS:
            parts.append("<ul>" + "".join(f"<li>{esc(item)}</li>" for item in block.items) + "</ul>")
        elif block.kind == SMALL:
            parts.append(f'<p class="small">{esc(block.text)}</p>')
        elif block.kind == SPACE:
            parts.append('<div class="space"></div>')
        elif block.kind == PAGE_BREAK:
            parts.append('<div class="page-break"></div>')
    parts.append("</main></body></html>")
    return "\n".join(parts).encode("utf-8")
