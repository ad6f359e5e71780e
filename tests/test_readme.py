"""The README stays true: its links stay inside the repository and its anchors name headings."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"


def _links(text: str) -> list[str]:
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # code blocks hold commands, not links
    return re.findall(r"\]\(([^)\s]+)\)", text)


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_relative_links_resolve_inside_the_repository() -> None:
    for link in _links(README.read_text("utf-8")):
        if link.startswith(("http://", "https://", "#", "mailto:")):
            continue
        target = (ROOT / link.split("#", 1)[0]).resolve()
        assert target.is_relative_to(ROOT.resolve()), f"{link} leaves the repository"
        assert target.exists(), f"{link} does not exist in the repository"


def test_anchors_name_headings() -> None:
    text = README.read_text("utf-8")
    headings = {_anchor(match) for match in re.findall(r"^#{1,6} (.+)$", text, flags=re.MULTILINE)}
    for link in _links(text):
        if link.startswith("#"):
            assert link[1:] in headings, f"{link} names no heading"


def test_the_layout_names_every_module_of_the_package() -> None:
    text = README.read_text("utf-8")
    layout = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    words = set(re.findall(r"[\w.]+", layout))
    missing = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "bot").rglob("*.py")
        if path.stem != "__init__" and path.stem not in words and path.name not in words
    )
    assert missing == [], "modules the README's Layout section does not name"
    assert all((ROOT / "deploy" / name).exists() for name in ("Dockerfile", "compose.yaml"))
