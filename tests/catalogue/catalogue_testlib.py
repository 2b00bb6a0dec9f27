"""Shared loading and helpers for the catalogue tests (imported by conftest.py and the test modules).

The catalogue lives in <repo>/catalogue; the source texts it cites live in the shared folder
($OPSW_SHARED, default <repo>/../shared). Everything is read from disk: the tests check the real data.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = REPO / "catalogue"
BODIES = CATALOGUE / "bodies"
SCHEMAS = CATALOGUE / "schema"

# catalogue file (without .yaml) -> its schema file; the bodies use body.schema.yaml
DATA_FILES = {
    "explanations": "explanations.schema.yaml",
    "zorgplicht": "zorgplicht.schema.yaml",
    "woonzorgplek": "woonzorgplek.schema.yaml",
    "complexe_casuistiek": "complexe_casuistiek.schema.yaml",
    "clientondersteuning_wlz": "clientondersteuning_wlz.schema.yaml",
    "sources": "sources.schema.yaml",
}

PHONE_RE = re.compile(r"(?<![\d€/])(?<!\d[.,])(?:0\d{1,3}[ -]?\d[\d -]{4,}\d|11[23])(?!\d)(?![.,]\d)")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s,;)'\"]+")
DIGIT_RUN_RE = re.compile(r"\d[\d\s()-]*\d|\d")


def shared_dir() -> Path:
    return Path(os.environ.get("OPSW_SHARED") or REPO.parent / "shared").resolve()


def load_yaml(path: Path):
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def body_ids_on_disk() -> list[str]:
    return sorted(p.stem for p in BODIES.glob("*.yaml"))


def contract_body_ids() -> list[str]:
    """The body ids listed in docs/CONTRACT.md under "Body ids"."""
    text = (REPO / "docs" / "CONTRACT.md").read_text(encoding="utf-8")
    start = text.index("Body ids")
    block = text[start:].split("\n\n", 1)[0]
    return re.findall(r"`([a-z0-9_]+)`", block.split(":", 1)[1])


def strip_md(text: str) -> str:
    return text.replace("**", "")


def phone_digits(text: str) -> set[str]:
    """Every run of digits (spaces, dashes and brackets removed) in a text."""
    return {re.sub(r"\D", "", run) for run in DIGIT_RUN_RE.findall(text)}


@dataclass
class MdSection:
    heading: str
    body: str
    subsections: list[MdSection] = field(default_factory=list)


def parse_md_sections(text: str, level: str = "## ") -> list[MdSection]:
    """Split markdown into `## ` sections, each with its `### ` subsections (headings without `**`)."""
    sections: list[MdSection] = []
    current: MdSection | None = None
    sub: MdSection | None = None
    for line in text.splitlines():
        if line.startswith(level):
            current = MdSection(strip_md(line[len(level) :]).strip(), "")
            sections.append(current)
            sub = None
        elif line.startswith("#" + level) and current is not None:
            sub = MdSection(strip_md(line[len(level) + 1 :]).strip(), "")
            current.subsections.append(sub)
        elif current is not None:
            current.body += line + "\n"
            if sub is not None:
                sub.body += line + "\n"
    return sections


def _only(matches: list[MdSection], part: str, where: str) -> MdSection:
    if len(matches) != 1:
        raise LookupError(f"{part!r} matches {len(matches)} headings in {where}, expected exactly 1")
    return matches[0]


class Catalogue:
    def __init__(self) -> None:
        self.shared = shared_dir()
        if not (self.shared / "seeds").is_dir():
            pytest.fail(f"shared folder with the source texts not found: {self.shared} (set OPSW_SHARED)")
        self.sources = load_yaml(CATALOGUE / "sources.yaml")["sources"]
        self.bodies = {bid: load_yaml(BODIES / f"{bid}.yaml") for bid in body_ids_on_disk()}
        self.data = {name: load_yaml(CATALOGUE / f"{name}.yaml") for name in DATA_FILES}
        self._texts: dict[str, str] = {}

    # ----- source texts -------------------------------------------------------------------------
    def source_path(self, source_id: str) -> Path:
        src = self.sources[source_id]
        return (REPO if src.get("repo") else self.shared) / src["path"]

    def source_text(self, source_id: str) -> str:
        if source_id not in self._texts:
            self._texts[source_id] = self.source_path(source_id).read_text(encoding="utf-8")
        return self._texts[source_id]

    def section_text(self, source_id: str, section: str) -> str:
        """The text a reference points at; raises LookupError when the section does not resolve.

        Seeds: the section is a phrase that literally occurs in the seed (the whole seed is returned).
        R-public: "<## heading part>[ / <### heading part>]", each part inside exactly one heading.
        R-catalogue: a `## ` heading of catalogue/extra_facts.md.
        """
        text = self.source_text(source_id)
        if source_id.startswith("S"):
            if section not in text:
                raise LookupError(f"{section!r} does not occur in {source_id}")
            return text
        parts = section.split(" / ")
        if len(parts) > 2:
            raise LookupError(f"{section!r} has more than two parts")
        tops = parse_md_sections(text)
        top = _only([s for s in tops if parts[0] in s.heading], parts[0], source_id)
        if len(parts) == 1:
            return top.heading + "\n" + top.body
        sub = _only([s for s in top.subsections if parts[1] in s.heading], parts[1], f"{source_id} / {top.heading}")
        return sub.heading + "\n" + sub.body

    def ref_text(self, ref: dict) -> str:
        return self.section_text(ref["source"], ref["section"])

    # ----- walking the data ---------------------------------------------------------------------
    def files(self):
        """(name, data) for every catalogue YAML file with references (the routes' reasons cite sources too)."""
        for bid, data in self.bodies.items():
            yield f"bodies/{bid}", data
        yield from self.data.items()
        yield "routes", load_yaml(CATALOGUE / "routes.yaml")


def is_reference(node) -> bool:
    return isinstance(node, dict) and {"title", "source", "section"} <= set(node)


def iter_references(node, path=""):
    """(path, reference dict) for every reference anywhere in node."""
    if is_reference(node):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from iter_references(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from iter_references(value, f"{path}[{i}]")


def iter_texts(node, refs=None, path=""):
    """(path, string, references in force) for every string value that is not part of a reference.

    A dict with a `reference` list sets the references for everything inside it; the top level starts with
    metadata.reference.
    """
    if refs is None and isinstance(node, dict):
        refs = (node.get("metadata") or {}).get("reference") or []
    if isinstance(node, dict):
        if is_reference(node):
            return
        local = node.get("reference")
        if isinstance(local, list) and local:
            refs = local
        for key, value in node.items():
            yield from iter_texts(value, refs, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from iter_texts(value, refs, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node, refs or []


def iter_deadlines(cat: Catalogue):
    """(where, deadline dict) for the deadlines of every body and of the woonzorgplek situations."""
    for bid, body in cat.bodies.items():
        for d in body.get("deadlines", []):
            yield f"bodies/{bid}:{d['id']}", d
    for sit in cat.data["woonzorgplek"]["situations"]:
        for d in sit.get("deadlines", []):
            yield f"woonzorgplek/{sit['id']}:{d['id']}", d
