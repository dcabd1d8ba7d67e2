"""Tables of the guardrails context."""

from __future__ import annotations
