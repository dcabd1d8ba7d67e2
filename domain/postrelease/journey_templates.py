"""Values carried from one step to the next: `{{name}}` placeholders, filled from what earlier
steps captured. Pure functions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def names_in(text: str) -> list[str]:
    """The placeholder names `text` uses, in order (a malformed name as written)."""
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]


def unknown(texts: Iterable[str], known: set[str]) -> list[str]:
    """The names used in `texts` that no earlier step captures, in order, once each."""
    seen: list[str] = []
    for text in texts:
        for name in names_in(text):
            if name not in known and name not in seen:
                seen.append(name)
    return seen


def render(text: str, values: Mapping[str, str]) -> str:
    """`text` with each `{{name}}` replaced by its value; an unknown name becomes empty (a
    definition never names one: validation refuses it)."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), text)


def sample(text: str) -> str:
    """`text` with every placeholder replaced by a harmless word, to check its shape."""
    return PLACEHOLDER.sub("x", text)
