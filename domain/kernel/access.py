"""The vocabulary of permissions, owned by the domain so use cases can name what they need.

`authz/` maps roles onto these (authz/policy.csv) and answers the checks.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class Resource(StrEnum):
    BUSINESS_UNIT = "business_unit"
    TEAM = "team"
    SERVICE = "service"
    SERVICE_DEPENDENCY = "service_dependency"
    VENDOR = "vendor"
    PERSON = "person"
    ROLE_GRANT = "role_grant"
    API_TOKEN = "api_token"
    AUDIT_TRAIL = "audit_trail"
    RELEASE = "release"
    DOCUMENT_TEMPLATE = "document_template"
    BOARD = "board"
    GO_NO_GO = "go_no_go"
    SIGN_OFF_RULE = "sign_off_rule"
    SIGN_OFF = "sign_off"
    DEPLOYMENT_WINDOW = "deployment_window"
    FREEZE = "freeze"
    FREEZE_EXCEPTION = "freeze_exception"
    ALIGNMENT = "alignment"
    TRAIN = "train"
    FEATURE = "feature"
    INTEGRATION_WINDOW = "integration_window"
    ENVIRONMENT = "environment"
    RESERVATION = "reservation"
    CONFIG_SNAPSHOT = "config_snapshot"
    FLAG = "flag"
    GUARDRAIL_SET = "guardrail_set"
    ONBOARDING = "onboarding"
    RISK_MODEL = "risk_model"
    RISK_ASSESSMENT = "risk_assessment"
    PEER_REVIEW = "peer_review"
    BYPASS = "bypass"
    BYPASS_REVIEW = "bypass_review"
    DR_PROCEDURE = "dr_procedure"
    DR_TEST = "dr_test"
    VENDOR_ATTESTATION = "vendor_attestation"
    VENDOR_RELEASE = "vendor_release"
    EVIDENCE_PACK = "evidence_pack"
    PIPELINE_DEFINITION = "pipeline_definition"
    EVIDENCE = "evidence"
    CD_EVENT = "cd_event"
    WEBHOOK = "webhook"
    PROMOTION = "promotion"
    DEPLOYMENT = "deployment"
    UNAUTHORIZED_CHANGE = "unauthorized_change"
    METRICS = "metrics"
    NFR = "nfr"
    NFR_RUN = "nfr_run"
    DATA_MIGRATION = "data_migration"
    VOLUME_PROFILE = "volume_profile"
    READINESS_REVIEW = "readiness_review"
    READINESS_TEMPLATE = "readiness_template"
    DOWNTIME_NOTICE = "downtime_notice"
    DOWNTIME_SUBSCRIPTION = "downtime_subscription"
    # support rotations
    SUPPORT_ROTATION = "support_rotation"
    SUPPORT_SWAP = "support_swap"
    RELEASE_WATCH = "release_watch"
    DEFECT = "defect"
    # issue 17: incidents linked to changes, blameless post-mortems
    INCIDENT = "incident"
    INCIDENT_ATTRIBUTION = "incident_attribution"
    CHANGE_REPORT = "change_report"
    POST_MORTEM = "post_mortem"
    # issue 17: the 24-hour post-release review, its feedback, log signals and metric templates
    POST_RELEASE_REVIEW = "post_release_review"
    FEEDBACK = "feedback"
    LOG_SIGNAL = "log_signal"
    METRIC_TEMPLATE = "metric_template"
    # postrelease: synthetic journeys (issue 17)
    JOURNEY = "journey"
    JOURNEY_RUN = "journey_run"
    # insights: quarterly maturity assessments (issue 18)
    MATURITY_ASSESSMENT = "maturity_assessment"
    MATURITY_QUESTIONNAIRE = "maturity_questionnaire"
    # insights: policy iteration (issue 18)
    RETROSPECTIVE = "retrospective"
    POLICY_PROPOSAL = "policy_proposal"
    # insights: source changes, the change ledger and DORA's four keys (issue 18)
    SOURCE_CHANGE = "source_change"
    CHANGE_LEDGER = "change_ledger"
    # pipelines: deployment history imported from a CD tool (issue 18)
    DEPLOYMENT_HISTORY = "deployment_history"


class Action(StrEnum):
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    GRANT = "grant"
    REVOKE = "revoke"
    EXPORT = "export"
    SUBMIT = "submit"
    APPROVE = "approve"
    VOTE = "vote"
    SIGN = "sign"
    EVALUATE = "evaluate"
    USE = "use"
    DEPLOY = "deploy"
    SCRAPE = "scrape"


ORG_SCOPE = "*"
"""The Casbin domain of the release management office: a grant there applies in every BU."""


def domain_of(bu_id: uuid.UUID | None) -> str:
    """The Casbin domain for a BU, or the org scope for org-level things."""
    return ORG_SCOPE if bu_id is None else str(bu_id)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a person (human or machine user), possibly through a scoped API token.

    `subjects` all have to allow an action: the person, and the token's own scope when a token
    was used, so a token can never do more than its creator currently may.
    """

    person_id: uuid.UUID | None
    username: str
    display_name: str
    subjects: tuple[str, ...]
    token_id: uuid.UUID | None = None
    via: str = "jwt"
    claims_roles: tuple[tuple[str, str], ...] = field(default=())

    @property
    def subject(self) -> str:
        return self.subjects[0]


SYSTEM_ACTOR = Actor(
    person_id=None, username="system", display_name="Signalbox", subjects=("system",), via="system"
)


@dataclass(frozen=True, slots=True)
class Scope:
    """The BUs in which an actor may do something; `everywhere` when granted at org scope."""

    everywhere: bool
    bu_ids: frozenset[uuid.UUID] = frozenset()

    def allows(self, bu_id: uuid.UUID | None) -> bool:
        return self.everywhere or (bu_id is not None and bu_id in self.bu_ids)

    @property
    def empty(self) -> bool:
        return not self.everywhere and not self.bu_ids

    def __or__(self, other: Scope) -> Scope:
        """Where either scope reaches."""
        return Scope(self.everywhere or other.everywhere, self.bu_ids | other.bu_ids)

    def __and__(self, other: Scope) -> Scope:
        """Where both scopes reach."""
        if self.everywhere:
            return other
        if other.everywhere:
            return self
        return Scope(False, self.bu_ids & other.bu_ids)


class Authorizer(Protocol):
    """Answers "may this actor do this to this kind of thing in this BU?" (RBAC with domains)."""

    def check(
        self, actor: Actor, action: Action, resource: Resource, bu_id: uuid.UUID | None
    ) -> str | None:
        """The rule that allows it (for the audit trail), or None when denied."""
        ...

    def scope(self, actor: Actor, action: Action, resource: Resource) -> Scope:
        """Every BU in which the actor may do this; used to filter lists."""
        ...

    def roles(self, actor: Actor, bu_id: uuid.UUID | None) -> frozenset[str]:
        """The roles every subject of the actor holds in a BU (org grants included)."""
        ...
