"""One world builder for the domain tests, and the authorizers they act under.

A context's fixture makes a `World` (or its own subclass) on the rolled-back test session,
builds rows with `world.add` (`org`, `bu`, `team`, `service`, `person`, `environment`,
`release`, ...), and acts through `world.uow(who)`, `world.reader(who)` and
`world.run(use_case, command)`; `world.audit(entity_id)` reads what was recorded.
"""

from tests.world.authorizers import AllowAll, Grants, OnlyIn
from tests.world.rows import Rows, digest, unique
from tests.world.world import Who, World, actor_of, unit_of_work

__all__ = [
    "AllowAll",
    "Grants",
    "OnlyIn",
    "Rows",
    "Who",
    "World",
    "actor_of",
    "digest",
    "unique",
    "unit_of_work",
]
