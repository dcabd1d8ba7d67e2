"""Defect patterns as backlog items: a Jira-compatible CSV (what Jira's CSV importer maps:
Summary, Issue Type, Priority, repeated Labels and Component/s columns, Description; RFC 4180,
UTF-8) and JSON. Pure: patterns and their defects in, text out."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.postrelease.defect_rules import DefectFacts, Pattern, Period, summary
from domain.postrelease.defect_vocabulary import DefectSeverity

PRIORITY = {
    DefectSeverity.CRITICAL: "Highest",
    DefectSeverity.HIGH: "High",
    DefectSeverity.MEDIUM: "Medium",
    DefectSeverity.LOW: "Low",
}
"""Jira's default priority scheme, by the worst severity among a pattern's defects."""
SEVERITY_ORDER = list(PRIORITY)
ISSUE_TYPE = "Task"
"""A type every Jira project has; the item type travels as a label."""
MAX_LISTED = 20
"""Defects listed in a description; the rest are counted."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LABEL_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]+")


@dataclass(frozen=True, slots=True)
class BacklogItem:
    """One pattern of one BU as a planning item."""

    bu_key: str
    period: Period
    pattern: Pattern
    defects: tuple[DefectFacts, ...]

    @property
    def priority(self) -> str:
        worst = min(
            (SEVERITY_ORDER.index(DefectSeverity(d.severity)) for d in self.defects),
            default=SEVERITY_ORDER.index(DefectSeverity.MEDIUM),
        )
        return PRIORITY[SEVERITY_ORDER[worst]]

    @property
    def summary(self) -> str:
        return summary(self.pattern, self.period)

    @property
    def labels(self) -> list[str]:
        item = self.pattern.item_type.value.replace("_", "-")
        raw = ["signalbox", "defect-pattern", item, self.pattern.kind.value, self.bu_key]
        return list(dict.fromkeys(_label(x) for x in raw if _label(x)))

    @property
    def components(self) -> list[str]:
        return sorted({d.service_key for d in self.defects})

    def description(self) -> str:
        p = self.pattern
        lines = [
            self.summary + ".",
            "",
            f"Planning item: {p.item_type.value.replace('_', ' ')}.",
            f"Business unit: {self.bu_key}. Period: {self.period.start:%Y-%m-%d} to "
            f"{self.period.end:%Y-%m-%d} (UTC).",
            "",
            "Defects:",
        ]
        for d in self.defects[:MAX_LISTED]:
            lines.append(
                f"- [{d.severity}] {d.title} ({d.service_key}/{d.component}; root cause "
                f"{d.root_cause}, escaped {d.escaped_layer}; found {d.found_at:%Y-%m-%d})"
            )
        if len(self.defects) > MAX_LISTED:
            lines.append(f"- and {len(self.defects) - MAX_LISTED} more")
        return "\n".join(lines)


def _label(text: str) -> str:
    """A Jira label: no white space (it splits labels), at most 255 characters."""
    return _LABEL_UNSAFE.sub("-", text.strip()).strip("-")[:255]


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def items(
    bu_key: str,
    period: Period,
    found: Sequence[Pattern],
    defects: Mapping[uuid.UUID, DefectFacts],
) -> list[BacklogItem]:
    return [
        BacklogItem(bu_key, period, p, tuple(defects[i] for i in p.defect_ids if i in defects))
        for p in found
    ]


def jira_csv(backlog: Sequence[BacklogItem]) -> str:
    """The items as a CSV Jira's importer maps: one header row, Labels and Component/s repeated
    as often as the item with the most of them needs (RFC 4180: CRLF, quoted as needed)."""
    labels = max((len(i.labels) for i in backlog), default=1)
    components = max((len(i.components) for i in backlog), default=1)
    header = [
        "Summary",
        "Issue Type",
        "Priority",
        *["Labels"] * labels,
        *["Component/s"] * components,
        "Description",
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for i in backlog:
        writer.writerow(
            [
                _cell(i.summary),
                ISSUE_TYPE,
                i.priority,
                *_padded(i.labels, labels),
                *_padded([_cell(c) for c in i.components], components),
                _cell(i.description()),
            ]
        )
    return out.getvalue()


def _padded(values: list[str], width: int) -> list[str]:
    return values + [""] * (width - len(values))


def as_json(backlog: Sequence[BacklogItem], period: Period) -> dict[str, Any]:
    """The items as JSON for backlog tools that take it."""
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "items": [item_json(i) for i in backlog],
    }


def item_json(i: BacklogItem) -> dict[str, Any]:
    p = i.pattern
    return {
        "summary": i.summary,
        "itemType": p.item_type.value,
        "issueType": ISSUE_TYPE,
        "priority": i.priority,
        "labels": i.labels,
        "components": i.components,
        "description": i.description(),
        "pattern": {
            "kind": p.kind.value,
            "subject": p.subject,
            "label": p.label,
            "businessUnit": i.bu_key,
            "defects": p.defects,
            "rate": p.rate,
            "previousRate": p.previous_rate,
            "period": {"start": i.period.start.isoformat(), "end": i.period.end.isoformat()},
        },
        "defectIds": [str(d) for d in p.defect_ids],
    }
