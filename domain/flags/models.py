"""Models of the flags context."""

from __future__ import annotations
