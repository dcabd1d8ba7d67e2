"""Models of the trains context."""

from __future__ import annotations
