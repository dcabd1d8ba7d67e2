"""Models of the environments context."""

from __future__ import annotations
