"""The HTML pages' templates (api/templates/): autoescaped, strict about missing values."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

_templates = Environment(
    loader=PackageLoader("api", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
)


def render(name: str, **values: Any) -> str:
    """The template `name` rendered with `values`."""
    return _templates.get_template(name).render(**values)
