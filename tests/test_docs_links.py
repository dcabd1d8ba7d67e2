"""Every relative link in README.md and docs/*.md resolves inside the repository.

A link that leaves the repository (`../shared/design/…`) works on one machine and is broken in
every clone, so it fails too; so does a `#section` that no heading of the target makes.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    ROOT / "README.md",
    ROOT / "web-components" / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
]
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")


def _prose(text: str) -> str:
    """The page without code blocks and inline code, whose brackets are not links."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def relative_links(page: Path) -> list[str]:
    targets = LINK.findall(_prose(page.read_text(encoding="utf-8")))
    return [t for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:", t, re.IGNORECASE)]


def anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens."""
    found: set[str] = set()
    for line in _prose(page.read_text(encoding="utf-8")).splitlines():
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            text = heading.group(1).lower()
            found.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return found


def problem(page: Path, link: str) -> str | None:
    path_part, _, fragment = link.partition("#")
    target = (page.parent / unquote(path_part)).resolve() if path_part else page
    if ROOT not in target.parents and target != ROOT:
        return "leaves the repository (broken in a clone)"
    if not target.exists():
        return "does not exist"
    if fragment and target.suffix == ".md" and fragment not in anchors(target):
        return f"has no heading for #{fragment}"
    return None


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path) -> None:
    broken = {link: why for link in relative_links(page) if (why := problem(page, link))}
    assert broken == {}, f"{page.relative_to(ROOT)}: {broken}"


class TestTheChecker:
    """The checker itself catches what it is for (so the tests above cannot pass vacuously)."""

    def test_it_finds_links_and_ignores_code(self, tmp_path: Path) -> None:
        page = tmp_path / "p.md"
        page.write_text(
            "[a](x.md) ![b](img/y.png) `[c](z.md)`\n```\n[d](w.md)\n```\n[e](https://e)\n"
        )
        assert relative_links(page) == ["x.md", "img/y.png"]

    def test_it_refuses_links_out_of_the_repository_and_missing_targets(self) -> None:
        readme = ROOT / "README.md"
        assert (
            problem(readme, "../shared/design/STYLE.md")
            == "leaves the repository (broken in a clone)"
        )
        assert problem(readme, "docs/nope.md") == "does not exist"
        assert problem(readme, "docs/architecture.md") is None

    def test_it_checks_anchors(self) -> None:
        readme = ROOT / "README.md"
        assert problem(readme, "docs/architecture.md#layers") is None
        assert (
            problem(readme, "docs/architecture.md#no-such-part")
            == "has no heading for #no-such-part"
        )
        assert "the-decision-at-the-heart-gather-then-judge" in anchors(
            ROOT / "docs" / "architecture.md"
        )
