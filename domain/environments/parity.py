"""Parity of two environments: their current config snapshots compared.

`parity_gate` reads the current snapshots (domain.environments.facts) and applies the pure
`divergences` (domain.environments.parity_rules), for promotion gates (no authorization: the
caller's use case has it).
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments.facts import configs_of
from domain.environments.parity_rules import DivergenceKind, ParityResult, divergences

__all__ = ["DivergenceKind", "ParityResult", "parity_gate"]


async def parity_gate(
    session: AsyncSession, left_env_id: uuid.UUID, right_env_id: uuid.UUID
) -> ParityResult:
    """Compare the current snapshots of two environments (for promotion gates)."""
    facts = await configs_of(session, [left_env_id, right_env_id])
    left, right = facts.get(left_env_id), facts.get(right_env_id)
    return ParityResult(
        left_environment_id=left_env_id,
        right_environment_id=right_env_id,
        left_snapshot_id=left.id if left else None,
        right_snapshot_id=right.id if right else None,
        divergences=divergences(left, right),
    )
