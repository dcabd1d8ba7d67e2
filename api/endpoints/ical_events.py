"""The feed's VEVENTs (RFC 5545), one builder per kind of thing it shows; freezes, which
recur, are in `ical_freezes`.

Every event has a stable UID (`<kind>-<id>@signalbox`), DTSTAMP and LAST-MODIFIED from the
row's last change and SEQUENCE from its version, so the document is a pure function of the
data. Something that happens at an instant (a flag flip, a detected unauthorized change) has a
DTSTART and no DTEND: RFC 5545 (3.6.1) reads that as an event ending when it starts, where a
DTEND equal to DTSTART would break the rule that DTEND is later.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol

from icalendar import Event

from api.global_ids import to_global_id
from domain.read import calendar_feed as feed_view
from domain.read import calendar_feed_events as events_view

RELEASE_STATUS = {
    "draft": "TENTATIVE",
    "submitted": "TENTATIVE",
}
EXCEPTION_STATUS = {"requested": "TENTATIVE", "approved": "CONFIRMED"}


class Versioned(Protocol):
    @property
    def updated_at(self) -> datetime: ...
    @property
    def version(self) -> int: ...


def event(
    uid: str,
    summary: str,
    lines: list[str],
    row: Versioned,
    span: tuple[date | datetime, date | datetime | None],
    categories: list[str],
    status: str = "CONFIRMED",
) -> Event:
    """One VEVENT; its DTSTAMP and SEQUENCE come from the row, so the body is a pure function.
    A span without an end is an instant."""
    return Event.new(
        uid=f"{uid}@signalbox",
        summary=summary,
        description="\n".join(line for line in lines if line),
        start=span[0],
        end=span[1],
        stamp=row.updated_at.astimezone(UTC),
        last_modified=row.updated_at.astimezone(UTC),
        sequence=row.version,
        categories=["Signalbox", *categories],
        status=status,  # type: ignore[arg-type]
        transparency="TRANSPARENT",  # type: ignore[arg-type]
    )


def release_event(r: feed_view.FeedRelease) -> Event:
    lines = [
        r.description.strip(),
        f"Business unit: {r.bu_name} ({r.bu_key})",
        f"Status: {r.status.replace('_', ' ')}",
        f"Type: {r.release_type}",
    ]
    if r.environments:
        lines.append("Environments: " + ", ".join(r.environments))
    return event(
        f"release-{r.id}",
        f"Release: {r.title} [{r.bu_key}]",
        lines,
        r,
        (r.starts_at.astimezone(UTC), r.ends_at.astimezone(UTC)),
        ["Release", r.bu_key, r.release_type],
        RELEASE_STATUS.get(r.status, "CONFIRMED"),
    )


def _impact(i: feed_view.FeedImpact) -> str:
    via = f", through {i.via}" if i.via else ""
    return f"{i.service_name} ({i.service_key}, {i.bu_key}{via})"


def vendor_release_event(v: feed_view.FeedVendorRelease) -> Event:
    direct = [_impact(i) for i in v.impacted if i.via is None]
    indirect = [_impact(i) for i in v.impacted if i.via is not None]
    lines = [
        v.description.strip(),
        f"Vendor: {v.vendor_name} (business unit {v.bu_name}, {v.bu_key})",
        f"Version: {v.release_version}",
    ]
    if direct:
        lines.append("Services using the vendor: " + "; ".join(direct))
    if indirect:
        lines.append("Services depending on those: " + "; ".join(indirect))
    return event(
        f"vendor-release-{v.id}",
        f"Vendor release: {v.vendor_name} {v.release_version}, {v.title} [{v.bu_key}]",
        lines,
        v,
        (v.starts_at.astimezone(UTC), v.ends_at.astimezone(UTC)),
        ["Vendor release", v.bu_key],
    )


def flag_flip_event(f: feed_view.FeedFlagFlip) -> Event:
    where = f" in {f.environment}" if f.environment else ""
    lines = [
        f"Flipped by: {f.flipped_by or 'an automation'}",
        f"Why: {f.reason.strip()}" if f.reason.strip() else "",
        f"Approval note: {f.note.strip()}" if f.note.strip() else "",
    ]
    if f.enabled is not None:
        rollout = ", ".join(f"{p}%" for p in f.rollout_percentages) or "none"
        lines.append(f"Left it {'on' if f.enabled else 'off'}; rollout: {rollout}")
    lines.append(f"Signalbox: FlagChange {to_global_id('FlagChange', f.id)}")
    return event(
        f"flag-change-{f.id}",
        f"Flag {f.action}: {f.flag_key}{where} [{f.bu_key}]",
        lines,
        f,
        (f.updated_at.astimezone(UTC), None),
        ["Flag flip", f.bu_key],
    )


def window_event(w: events_view.FeedWindow) -> Event:
    lines = [
        f"Business unit: {w.bu_name} ({w.bu_key})",
        f"Kind: {w.kind}",
        f"For release: {w.release_title}" if w.release_title else "",
        f"Environment: {w.environment}" if w.environment else "",
        "Services: " + ", ".join(w.services) if w.services else "",
        f"Signalbox: DeploymentWindow {to_global_id('DeploymentWindow', w.id)}",
    ]
    where = f" in {w.environment}" if w.environment else ""
    return event(
        f"window-{w.id}",
        f"Window: {w.title}{where} [{w.bu_key}]",
        lines,
        w,
        (w.starts_at.astimezone(UTC), w.ends_at.astimezone(UTC)),
        ["Deployment window", w.kind, w.bu_key],
    )


def exception_event(e: events_view.FeedException) -> Event:
    through = e.freeze_title or "a freeze"
    lines = [
        f"Release: {e.release_title}" if e.release_title else "",
        f"Through: {through}",
        f"Window: {e.window_title}" + (f" in {e.environment}" if e.environment else ""),
        f"Status: {e.status}",
        f"Why: {e.justification.strip()}" if e.justification.strip() else "",
        f"Expires: {e.expires_at.astimezone(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"Signalbox: FreezeException {to_global_id('FreezeException', e.id)}",
    ]
    return event(
        f"freeze-exception-{e.id}",
        f"Freeze exception ({e.status}): {e.release_title or e.window_title} "
        f"through {through} [{e.bu_key}]",
        lines,
        e,
        (e.starts_at.astimezone(UTC), e.ends_at.astimezone(UTC)),
        ["Freeze exception", e.bu_key],
        EXCEPTION_STATUS.get(e.status, "TENTATIVE"),
    )


def unauthorized_change_event(c: events_view.FeedUnauthorizedChange) -> Event:
    lines = [
        f"Deployed by: {c.deployed_by}" if c.deployed_by else "",
        f"Reported through: {c.source}",
        f"Why unauthorized: {c.reason.strip()}" if c.reason.strip() else "",
        f"Release: {c.release_title}" if c.release_title else "",
        f"Review: {c.status}"
        + (f", {c.reviewed_at.astimezone(UTC).strftime('%Y-%m-%d')}" if c.reviewed_at else ""),
        f"Finding: {c.finding.strip()}" if c.finding.strip() else "",
        f"Signalbox: UnauthorizedChange {to_global_id('UnauthorizedChange', c.id)}",
    ]
    return event(
        f"unauthorized-change-{c.id}",
        f"Unauthorized change: {c.service_key} {c.artifact_version} in {c.environment} "
        f"[{c.bu_key}]",
        lines,
        c,
        (c.detected_at.astimezone(UTC), None),
        ["Unauthorized change", c.bu_key, c.status],
    )
