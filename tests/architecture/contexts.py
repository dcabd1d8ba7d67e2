"""The domain's contexts as a directed graph: derived from the imports, checked against the order.

The order and the rules are written down in docs/architecture.md; this module is what enforces
them. It reads source files only (nothing is imported), so a planted edge can be checked too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Lowest first. A context may import a context of a lower layer, never one of its own layer
# (siblings stay independent) or of a higher one. `read` holds the views that span contexts.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("kernel",),
    ("organization",),
    ("guardrails",),
    ("governance",),
    ("support",),
    ("calendar", "environments", "flags"),
    ("risk", "trains"),
    ("compliance", "readiness"),
    ("pipelines",),
    ("postrelease",),
    ("insights",),
    ("read",),
)
LAYER_OF = {ctx: rank for rank, layer in enumerate(LAYERS) for ctx in layer}

# A lower context's tables stay its own: another context never imports its ORM models or its
# repositories; it reads through the context's facts, queries and rules. (The kernel is shared
# infrastructure, not a context: its repository helpers are for everyone.)
PRIVATE_MODULE = re.compile(r"^(models|\w+_models|repository|\w+_repository)$")
# The read views are the query side: a view that shows several contexts at once (the evidence
# pack's one UNION over audit records and the entities behind them, the calendar feed) reads
# their tables in one statement rather than through a facts call per context. They hold no
# rules, write nothing but the audit of their own use, and nothing imports them but the API.
QUERY_SIDE = frozenset({"read"})
OUTSIDE_CONTEXTS = frozenset({"migrations", "models"})  # alembic and the metadata aggregate


@dataclass(frozen=True, slots=True)
class Edge:
    """One import of one context by another."""

    path: str
    line: int
    source: str
    target: str
    module: str
    in_function: bool

    def __str__(self) -> str:
        where = " (inside a function)" if self.in_function else ""
        return f"{self.path}:{self.line} {self.source} -> {self.module}{where}"


def _context_of(parts: tuple[str, ...]) -> str | None:
    if len(parts) < 2 or parts[0] != "domain" or parts[1] in OUTSIDE_CONTEXTS:
        return None
    return parts[1].removesuffix(".py")


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            skip.update(id(n) for child in node.body for n in ast.walk(child))
    return skip


def _function_nodes(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inside.update(id(n) for n in ast.walk(node) if n is not node)
    return inside


def _imported(node: ast.AST, package: tuple[str, ...]) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = package[: len(package) - node.level + 1]
            prefix = ".".join(base + ((node.module,) if node.module else ()))
        else:
            prefix = node.module or ""
        # `from domain.x import a` names module `domain.x.a` or a thing in `domain.x`:
        # _module_of tells which.
        yield from (f"{prefix}.{alias.name}" for alias in node.names)


def edges(root: Path) -> Iterator[Edge]:
    """Every import from one domain context into another, under `root` (the repository)."""
    for path in sorted((root / "domain").rglob("*.py")):
        rel = path.relative_to(root).with_suffix("").parts
        source = _context_of(rel)
        if source is None:
            continue
        tree = ast.parse(path.read_text())
        skip, inside = _type_checking_nodes(tree), _function_nodes(tree)
        for node in ast.walk(tree):
            if id(node) in skip or not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            seen: set[tuple[str, str]] = set()
            for name in _imported(node, rel[:-1]):
                target = _context_of(tuple(name.split(".")))
                if target is None or target == source:
                    continue
                module = _module_of(root, name)
                if (target, module) in seen:
                    continue
                seen.add((target, module))
                yield Edge(
                    str(path.relative_to(root)),
                    node.lineno,
                    source,
                    target,
                    module,
                    id(node) in inside,
                )


def _module_of(root: Path, name: str) -> str:
    """The module an imported name lives in: `domain.x.models.Thing` -> `domain.x.models`."""
    parts = name.split(".")
    while len(parts) > 2:
        candidate = root.joinpath(*parts)
        if candidate.with_suffix(".py").exists() or (candidate / "__init__.py").exists():
            return ".".join(parts)
        parts = parts[:-1]
    return ".".join(parts)


def against_the_order(found: list[Edge]) -> list[Edge]:
    """Edges to a context of the same or a higher layer, or to a context the order lacks."""
    return [
        e
        for e in found
        if e.source not in LAYER_OF
        or e.target not in LAYER_OF
        or LAYER_OF[e.target] >= LAYER_OF[e.source]
    ]


def into_private_modules(found: list[Edge]) -> list[Edge]:
    """Edges that reach another context's ORM models or repositories."""
    return [
        e
        for e in found
        if e.target != "kernel"
        and e.source not in QUERY_SIDE
        and PRIVATE_MODULE.match(e.module.rsplit(".", 1)[-1])
    ]


def cycles(found: list[Edge]) -> list[list[str]]:
    """Strongly connected groups of more than one context (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for e in found:
        graph.setdefault(e.source, set()).add(e.target)
        graph.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups
