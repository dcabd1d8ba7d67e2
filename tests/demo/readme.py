"""The README's runnable examples, read from README.md itself: fenced blocks whose info string
is `sh example` or `graphql example`, and every `http://127.0.0.1:8000/…` URL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
LOCAL = "http://127.0.0.1:8000"
_FENCE = re.compile(r"^( *)```([^\n`]*)\n(.*?)^\1```", re.MULTILINE | re.DOTALL)
_URL = re.compile(re.escape(LOCAL) + r"(/[^\s`)<>\"']*)?")


@dataclass(frozen=True)
class Block:
    language: str
    text: str
    line: int

    def __str__(self) -> str:
        return f"README.md:{self.line} ({self.language})"


def examples(language: str, text: str | None = None) -> list[Block]:
    """The blocks marked `<language> example`, unindented, in the order of the README."""
    text = README.read_text() if text is None else text
    found = []
    for match in _FENCE.finditer(text):
        words = match.group(2).split()
        if words[:1] == [language] and "example" in words[1:]:
            indent = len(match.group(1))
            body = "\n".join(line[indent:] for line in match.group(3).splitlines())
            found.append(Block(language, body, text.count("\n", 0, match.start()) + 1))
    return found


def local_paths(text: str | None = None) -> list[str]:
    """Every path of a `http://127.0.0.1:8000` URL the README names, once each."""
    text = README.read_text() if text is None else text
    paths = [m.group(1) or "/" for m in _URL.finditer(text)]
    return list(dict.fromkeys(p.rstrip(".,;:") for p in paths))
