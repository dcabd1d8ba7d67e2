"""The words of user feedback tagged to services."""

from __future__ import annotations

from enum import StrEnum


class FeedbackKind(StrEnum):
    """Where feedback came from: a support ticket, or feedback given inside the product."""

    SUPPORT_TICKET = "support_ticket"
    IN_APP = "in_app"
