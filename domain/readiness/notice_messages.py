"""What a downtime notice says, as a webhook body and as an e-mail: pure, from plain values.

E-mails carry no acknowledgement link here: the delivery worker signs one per team at send
time (`ackRecipientId` names the team's recipient row), so no link, a bearer credential, is
ever stored in the outbox.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

ISSUED_TOPIC = "downtime_notice.issued"
ESCALATED_TOPIC = "downtime_notice.escalated"
EMAIL_DESTINATION = "email"


@dataclass(frozen=True, slots=True)
class NoticeText:
    """The notice as every message repeats it."""

    notice_id: uuid.UUID
    release_id: uuid.UUID
    release_title: str
    kind: str
    window_starts_at: datetime
    window_ends_at: datetime
    impact: str
    contact: str

    def body(self) -> dict[str, Any]:
        return {
            "noticeId": str(self.notice_id),
            "releaseId": str(self.release_id),
            "release": self.release_title,
            "kind": self.kind,
            "window": {
                "startsAt": self.window_starts_at.isoformat(),
                "endsAt": self.window_ends_at.isoformat(),
            },
            "impact": self.impact,
            "contact": self.contact,
        }


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def webhook_event(
    topic: str, text: NoticeText, teams: Sequence[Mapping[str, Any]], **extra: Any
) -> dict[str, Any]:
    """An outbox event fanned out to the BU's webhook subscriptions listening to `topic`."""
    return {"forms": {topic: {**text.body(), "teams": list(teams), **extra}}}


def email(
    text: NoticeText, to: str, services: Sequence[str], recipient_id: uuid.UUID | None
) -> dict[str, Any]:
    """An e-mail to one address; `recipient_id` when it goes to a team's contact, whose
    acknowledgement counts for the team."""
    what = "Breaking change" if text.kind == "breaking" else "Planned downtime"
    lines = [
        f"{what}: {text.release_title}",
        "",
        f"Window: {_stamp(text.window_starts_at)} to {_stamp(text.window_ends_at)}",
        f"Affected services of yours: {', '.join(services) or 'none named'}",
        "",
        "Impact:",
        text.impact,
        "",
        f"Contact: {text.contact}",
    ]
    return {
        "to": to,
        "subject": f"[Signalbox] {what}: {text.release_title}",
        "text": "\n".join(lines),
        "noticeId": str(text.notice_id),
        "ackRecipientId": str(recipient_id) if recipient_id else None,
    }
