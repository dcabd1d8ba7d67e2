"""Every mapped class, imported so metadata is complete (alembic, tests)."""

from domain.calendar import models as calendar_models
from domain.compliance import models as compliance_models
from domain.governance import models as governance_models
from domain.kernel import idempotency
from domain.kernel.orm import Base
from domain.organization import models as organization_models

__all__ = [
    "Base",
    "calendar_models",
    "compliance_models",
    "governance_models",
    "idempotency",
    "organization_models",
]
