"""Docs that cannot drift: citations point at files and headings the repository has."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCES = ROOT / "docs" / "references.md"
CITING = [ROOT / "README.md", *sorted((ROOT / "src").rglob("*.py"))]
DOCS = sorted((ROOT / "docs").rglob("*.md"))

_DOCS_PATH = re.compile(r"(?<![\w/.])docs/[\w.-]+(?:/[\w.-]+)*")
_CITED_HEADING = re.compile(r"docs/references\.md, (\w[\w ]*\w)")
_ANCHOR = re.compile(r"\(([\w-]+\.md)#([\w-]+)\)")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _headings(path: Path = REFERENCES) -> set[str]:
    """The Markdown headings of a file, at any level."""
    return {line.lstrip("#").strip() for line in _text(path).splitlines() if line.startswith("#")}


def _slug(heading: str) -> str:
    return re.sub(r"[^\w-]", "", heading.lower().replace(" ", "-"))


@pytest.mark.parametrize("needle", [b"REFERENCE.md", b"DESIGN.md", b"../shared"])
def test_nothing_cites_files_outside_the_repository(needle):
    files = [ROOT / "README.md", ROOT / "pyproject.toml", ROOT / "Makefile",
             *(ROOT / "src").rglob("*"), *(ROOT / "docs").rglob("*"),
             *(p for p in (ROOT / "tests").rglob("*") if p.name != "test_docs.py")]  # fmt: skip
    built = ("egg-info", "__pycache__")  # install artefacts, not the project's files
    offenders = [
        str(p.relative_to(ROOT))
        for p in files
        if p.is_file()
        and not any(b in part for part in p.parts for b in built)
        and needle in p.read_bytes()
    ]
    assert offenders == []


def test_every_cited_docs_path_exists():
    missing = {
        f"{p.relative_to(ROOT)}: {cited}"
        for p in CITING
        for cited in _DOCS_PATH.findall(_text(p))
        if not (ROOT / cited.rstrip(".")).exists()
    }
    assert missing == set()


def test_citations_of_references_name_its_headings():
    headings = _headings()
    assert {"Modulator equation", "Feeling wheels", "Phenomena"} <= headings
    wrong = {
        f"{p.relative_to(ROOT)}: {cited!r}"
        for p in [*CITING, *DOCS]
        for cited in _CITED_HEADING.findall(_text(p))
        if cited not in headings
    }
    assert wrong == set()


def test_links_between_docs_name_headings_they_have():
    linked = {(p.name, f, a) for p in DOCS for f, a in _ANCHOR.findall(_text(p))}
    assert ("affect.md", "references.md", "modulator-equation") in linked
    broken = {
        link
        for link in linked
        if not (ROOT / "docs" / link[1]).is_file()
        or link[2] not in {_slug(h) for h in _headings(ROOT / "docs" / link[1])}
    }
    assert broken == set()
