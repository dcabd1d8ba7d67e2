"""Every mapped class, imported so metadata is complete (alembic, tests)."""

from domain.calendar import models as calendar_models
from domain.compliance import models as compliance_models
from domain.environments import models as environments_models
from domain.flags import models as flags_models
from domain.governance import models as governance_models
from domain.guardrails import models as guardrails_models
from domain.kernel import idempotency, outbox
from domain.kernel.orm import Base
from domain.organization import document_models
from domain.organization import models as organization_models
from domain.pipelines import definition_models as pipeline_definition_models
from domain.pipelines import deployment_models, promotion_models, unauthorized_models
from domain.pipelines import models as pipelines_models
from domain.readiness import migration_models as readiness_migration_models
from domain.readiness import nfr_models
from domain.readiness import review_models as readiness_review_models
from domain.readiness import volume_models as readiness_volume_models
from domain.risk import models as risk_models
from domain.trains import models as trains_models

__all__ = [
    "Base",
    "calendar_models",
    "compliance_models",
    "deployment_models",
    "document_models",
    "environments_models",
    "flags_models",
    "governance_models",
    "guardrails_models",
    "idempotency",
    "nfr_models",
    "organization_models",
    "outbox",
    "pipeline_definition_models",
    "pipelines_models",
    "promotion_models",
    "readiness_migration_models",
    "readiness_review_models",
    "readiness_volume_models",
    "risk_models",
    "trains_models",
    "unauthorized_models",
]
from domain.postrelease import defect_models as postrelease_defect_models
from domain.readiness import notice_models as readiness_notice_models
from domain.support import models as support_models  # support rotations (issue 17)

__all__ += ["readiness_notice_models"]
__all__ += ["support_models"]
__all__ += ["postrelease_defect_models"]
from domain.postrelease import attribution_models as postrelease_attribution_models  # noqa: E402
from domain.postrelease import postmortem_models as postrelease_postmortem_models  # noqa: E402

__all__ += ["postrelease_attribution_models", "postrelease_postmortem_models"]

# issue 17: the 24-hour post-release review, its feedback and log signals
from domain.postrelease import feedback_models as postrelease_feedback_models  # noqa: E402
from domain.postrelease import review_models as postrelease_review_models  # noqa: E402
from domain.postrelease import signal_models as postrelease_signal_models  # noqa: E402

__all__ += [
    "postrelease_feedback_models",
    "postrelease_review_models",
    "postrelease_signal_models",
]
# postrelease: synthetic journeys (issue 17)
from domain.postrelease import journey_models as postrelease_journey_models  # noqa: E402

__all__ += ["postrelease_journey_models"]
# insights: quarterly maturity assessments (issue 18)
from domain.insights import maturity_models as insights_maturity_models  # noqa: E402

__all__ += ["insights_maturity_models"]
# insights: policy iteration (issue 18)
from domain.insights import policy_models as insights_policy_models  # noqa: E402

__all__ += ["insights_policy_models"]
# insights: source changes and the change ledger (issue 18)
from domain.insights import ledger_models as insights_ledger_models  # noqa: E402
from domain.insights import source_models as insights_source_models  # noqa: E402

__all__ += ["insights_ledger_models", "insights_source_models"]
# pipelines: deployment history imported from a CD tool (issue 18)
from domain.pipelines import history_models as pipelines_history_models  # noqa: E402

__all__ += ["pipelines_history_models"]
# insights: team benchmarks (issue 18)
from domain.insights import benchmark_models as insights_benchmark_models  # noqa: E402

__all__ += ["insights_benchmark_models"]
# insights: where changes fail, the analysis a proposal came from (issue 18)
from domain.insights import failure_models as insights_failure_models  # noqa: E402

__all__ += ["insights_failure_models"]
