"""Pure rules of release documentation: template shape, applicability and completeness.

The required set of a release is the UNION of the required fields of every applicable
template, org and BU alike, each keyed by its own template. A BU template therefore only
ever adds items: it has no way to name, weaken or replace an org template's requirement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.governance.errors import GovernanceErrorCode as Code
from domain.governance.vocabulary import ReleaseType
from domain.kernel.errors import DomainError
from domain.organization.vocabulary import Tier

KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
MAX_VALUE = 20_000


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    label: str
    required: bool


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class Template:
    """One version of a template, as the rules see it."""

    id: str
    key: str
    version: int
    org_level: bool
    release_types: frozenset[str]
    tiers: frozenset[str]
    sections: tuple[Section, ...]


@dataclass(frozen=True, slots=True, order=True)
class Requirement:
    """One field a release must fill in, and the template version that asks for it."""

    template_key: str
    template_version: int
    section: str
    field: str
    label: str
    org_level: bool


def _key(value: Any, what: str) -> str:
    if not isinstance(value, str) or not KEY.match(value):
        raise DomainError(
            f"{what} '{value}' is not a key: lowercase letters, digits, '-' and '_'.",
            code=Code.INVALID_SECTIONS,
            field="sections",
        )
    return value


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= 200:
        raise DomainError(
            f"{what} needs 1 to 200 characters.", code=Code.INVALID_SECTIONS, field="sections"
        )
    return value.strip()


def check_sections(raw: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Sections as stored: [{key, title, fields: [{key, label, required}]}], keys unique."""
    if not raw:
        raise DomainError(
            "A template has at least one section.", code=Code.INVALID_SECTIONS, field="sections"
        )
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for section in raw:
        key = _key(section.get("key"), "Section")
        if key in seen:
            raise DomainError(
                f"Section '{key}' appears twice.", code=Code.INVALID_SECTIONS, field="sections"
            )
        seen.add(key)
        fields, field_keys = [], set()
        for f in section.get("fields") or []:
            fkey = _key(f.get("key"), "Field")
            if fkey in field_keys:
                raise DomainError(
                    f"Field '{key}/{fkey}' appears twice.",
                    code=Code.INVALID_SECTIONS,
                    field="sections",
                )
            field_keys.add(fkey)
            fields.append(
                {
                    "key": fkey,
                    "label": _text(f.get("label"), "A label"),
                    "required": bool(f.get("required")),
                }
            )
        if not fields:
            raise DomainError(
                f"Section '{key}' has no fields.", code=Code.INVALID_SECTIONS, field="sections"
            )
        out.append({"key": key, "title": _text(section.get("title"), "A title"), "fields": fields})
    return out


def check_release_types(values: Iterable[str]) -> list[str]:
    return sorted(
        {_member(ReleaseType, v, Code.INVALID_RELEASE_TYPE, "releaseTypes") for v in values}
    )


def check_tiers(values: Iterable[str]) -> list[str]:
    return sorted({_member(Tier, v, Code.INVALID_TIER, "tiers") for v in values})


def _member(enum: Any, value: str, code: Code, field: str) -> str:
    try:
        return str(enum(value))
    except ValueError:
        raise DomainError(f"'{value}' is not a valid value.", code=code, field=field) from None


def template_from(
    *,
    id: str,
    key: str,
    version: int,
    org_level: bool,
    release_types: Iterable[str],
    tiers: Iterable[str],
    sections: Iterable[Mapping[str, Any]],
) -> Template:
    return Template(
        id=id,
        key=key,
        version=version,
        org_level=org_level,
        release_types=frozenset(release_types),
        tiers=frozenset(tiers),
        sections=tuple(
            Section(
                key=s["key"],
                title=s["title"],
                fields=tuple(Field(f["key"], f["label"], bool(f["required"])) for f in s["fields"]),
            )
            for s in sections
        ),
    )


def applies(template: Template, release_type: str, tiers: Iterable[str]) -> bool:
    """Empty lists mean "all": a template applies by the release type and any shipped tier."""
    if template.release_types and release_type not in template.release_types:
        return False
    return not template.tiers or bool(template.tiers & set(tiers))


def required(
    templates: Iterable[Template], release_type: str, tiers: Iterable[str]
) -> list[Requirement]:
    """Every required field of every applicable template: a union, so never fewer than any part."""
    tier_set = set(tiers)
    out = {
        Requirement(t.key, t.version, s.key, f.key, f.label, t.org_level)
        for t in templates
        if applies(t, release_type, tier_set)
        for s in t.sections
        for f in s.fields
        if f.required
    }
    return sorted(out, key=lambda r: (not r.org_level, r.template_key, r.section, r.field))


def filled(documentation: Mapping[str, Any], section: str, field: str) -> bool:
    value = (documentation.get(section) or {}).get(field)
    return isinstance(value, str) and bool(value.strip())


def missing(
    requirements: Iterable[Requirement], documentation: Mapping[str, Any]
) -> list[Requirement]:
    """Exactly the required items not filled in (blank text counts as missing)."""
    return [r for r in requirements if not filled(documentation, r.section, r.field)]


def checked_against(
    templates: Iterable[Template], release_type: str, tiers: Iterable[str]
) -> list[dict[str, Any]]:
    """What a submitted release records: the template versions it was checked against."""
    tier_set = set(tiers)
    return [
        {"template_id": t.id, "key": t.key, "version": t.version, "org": t.org_level}
        for t in sorted(templates, key=lambda t: (not t.org_level, t.key))
        if applies(t, release_type, tier_set)
    ]


def merge_documentation(
    current: Mapping[str, Any], entries: Iterable[tuple[str, str, str]]
) -> dict[str, dict[str, str]]:
    """Apply (section, field, text) entries; blank text clears the field."""
    out: dict[str, dict[str, str]] = {k: dict(v) for k, v in current.items()}
    for section, field, text in entries:
        _doc_key(section)
        _doc_key(field)
        if len(text) > MAX_VALUE:
            raise DomainError(
                f"{section}/{field} is longer than {MAX_VALUE} characters.",
                code=Code.INVALID_DOCUMENTATION,
                field="documentation",
            )
        if text.strip():
            out.setdefault(section, {})[field] = text
        else:
            out.get(section, {}).pop(field, None)
            if section in out and not out[section]:
                del out[section]
    return out


def _doc_key(value: str) -> None:
    if not KEY.match(value):
        raise DomainError(
            f"'{value}' is not a section or field key.",
            code=Code.INVALID_DOCUMENTATION,
            field="documentation",
        )
