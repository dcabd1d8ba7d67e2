"""The words of user feedback tagged to services."""

from __future__ import annotations

from enum import StrEnum


class FeedbackKind(StrEnum):
    SUPPORT_TICKET = "support_ticket"
    IN_APP = "in_app"
