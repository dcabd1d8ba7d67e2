"""Tables of the risk context."""

from __future__ import annotations
