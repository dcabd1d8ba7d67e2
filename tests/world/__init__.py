"""One world builder for the domain tests (see `World`), and the authorizers they act under."""

from tests.world.authorizers import AllowAll, Grants, OnlyIn
from tests.world.rows import Org, Rows, digest, unique
from tests.world.world import Who, World, actor_of, unit_of_work

__all__ = [
    "AllowAll",
    "Grants",
    "OnlyIn",
    "Org",
    "Rows",
    "Who",
    "World",
    "actor_of",
    "digest",
    "unique",
    "unit_of_work",
]
