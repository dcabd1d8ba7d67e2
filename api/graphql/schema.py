"""The schema: the root types composed from each context, and the execution extensions."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from api.graphql.calendar import CalendarMutation, CalendarQuery
from api.graphql.calendar_feed import CalendarFeedMutation, CalendarFeedQuery
from api.graphql.calendar_types import Alignment, DeploymentWindow, Freeze, FreezeException
from api.graphql.compliance import ComplianceMutation, ComplianceQuery
from api.graphql.compliance_controls import ComplianceControlsMutation, ComplianceControlsQuery
from api.graphql.context import Info
from api.graphql.deployments import DeploymentsMutation, DeploymentsQuery
from api.graphql.document_cache import DocumentCache, DocumentLane
from api.graphql.environments import EnvironmentsMutation, EnvironmentsQuery
from api.graphql.environments_types import ConfigSnapshot, Environment, Reservation
from api.graphql.extensions import RequestChecks
from api.graphql.flags import FlagsMutation, FlagsQuery
from api.graphql.flags_types import Flag, FlagChange, FlagSegment
from api.graphql.governance import GovernanceMutation, GovernanceQuery
from api.graphql.governance_board_types import Board, GoNoGoSession
from api.graphql.governance_rule_types import DocumentTemplate, SignOff, SignOffRule
from api.graphql.governance_types import Release
from api.graphql.guardrails import GuardrailsMutation, GuardrailsQuery
from api.graphql.insights_benchmarks import TeamBenchmarksQuery
from api.graphql.insights_dora import DoraQuery
from api.graphql.insights_failures import ChangeFailuresMutation, ChangeFailuresQuery
from api.graphql.insights_history import DeploymentHistoryMutation
from api.graphql.insights_ledger import LedgerMutation, LedgerQuery
from api.graphql.insights_maturity import MaturityMutation, MaturityQuery
from api.graphql.insights_policy import PolicyMutation, PolicyQuery
from api.graphql.insights_stream import ValueStreamQuery
from api.graphql.insights_testing import TestInvestmentQuery
from api.graphql.limits import limit_rules, limited_validator
from api.graphql.limits_execution import CostCache
from api.graphql.organization import OrganizationMutation, OrganizationQuery
from api.graphql.organization_types import (
    ApiToken,
    BusinessUnit,
    Person,
    RoleGrant,
    Service,
    Team,
    Vendor,
)
from api.graphql.pipeline_definitions import PipelineDefinitionsMutation, PipelineDefinitionsQuery
from api.graphql.pipelines_evidence import EvidenceMutation, EvidenceQuery
from api.graphql.postrelease_defects import DefectsMutation, DefectsQuery
from api.graphql.postrelease_incidents import (
    IncidentAttributionMutation,
    IncidentAttributionQuery,
)
from api.graphql.postrelease_journeys import (
    PostreleaseJourneysMutation,
    PostreleaseJourneysQuery,
)
from api.graphql.postrelease_postmortems import PostMortemMutation, PostMortemQuery
from api.graphql.postrelease_reviews import PostReleaseReviewMutation, PostReleaseReviewQuery
from api.graphql.promotions import Promotion, PromotionsMutation, PromotionsQuery
from api.graphql.readiness_migrations import (
    ReadinessMigrationsMutation,
    ReadinessMigrationsQuery,
)
from api.graphql.readiness_nfrs import ReadinessNfrsMutation, ReadinessNfrsQuery
from api.graphql.readiness_notices import NoticesMutation, NoticesQuery
from api.graphql.readiness_review import ReadinessReviewMutation, ReadinessReviewQuery
from api.graphql.relay import Node, load_node, type_of_global_id
from api.graphql.release_readiness import ReleaseReadinessQuery
from api.graphql.risk import RiskMutation, RiskQuery
from api.graphql.subscriptions import Subscription
from api.graphql.support import SupportMutation, SupportQuery
from api.graphql.trains import TrainsMutation, TrainsQuery
from api.graphql.trains_types import Departure, Feature, IntegrationWindow, ProgramIncrement, Train
from api.graphql.unauthorized import UnauthorizedChangesMutation, UnauthorizedChangesQuery
from api.graphql.user_errors import ERROR_TYPES
from api.graphql.vendors import VendorsMutation, VendorsQuery
from api.settings import Settings
from domain.organization import queries as org

try:
    VERSION = version("signalbox")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    VERSION = "0.0.0"

_NODE_LOADERS: dict[str, tuple[str, Any]] = {
    "BusinessUnit": ("business_unit", BusinessUnit),
    "Team": ("team", Team),
    "Service": ("service", Service),
    "Vendor": ("vendor", Vendor),
    "Person": ("person", Person),
    "Release": ("release", Release),
    "Board": ("board", Board),
    "GoNoGoSession": ("go_no_go_session", GoNoGoSession),
    "DocumentTemplate": ("document_template", DocumentTemplate),
    "SignOffRule": ("sign_off_rule", SignOffRule),
    "SignOff": ("sign_off", SignOff),
    "DeploymentWindow": ("deployment_window", DeploymentWindow),
    "Freeze": ("freeze", Freeze),
    "FreezeException": ("freeze_exception", FreezeException),
    "Alignment": ("alignment", Alignment),
    "Train": ("train", Train),
    "ProgramIncrement": ("program_increment", ProgramIncrement),
    "Departure": ("departure", Departure),
    "Feature": ("feature", Feature),
    "IntegrationWindow": ("integration_window", IntegrationWindow),
    "Environment": ("environment", Environment),
    "Reservation": ("reservation", Reservation),
    "ConfigSnapshot": ("config_snapshot", ConfigSnapshot),
    "Flag": ("flag", Flag),
    "FlagChange": ("flag_change", FlagChange),
    "FlagSegment": ("flag_segment", FlagSegment),
    # guardrails
    **GuardrailsQuery.node_types(),
    # risk
    **RiskQuery.NODE_TYPES,
    # compliance controls
    **ComplianceControlsQuery.node_types(),
    # vendors
    **VendorsQuery.NODE_LOADERS,
    # evidence
    **EvidenceQuery.NODE_LOADERS,
    # pipeline definitions
    **PipelineDefinitionsQuery.node_types(),
    # deployments
    "Promotion": ("promotion", Promotion),
    **DeploymentsQuery.node_types(),
    **UnauthorizedChangesQuery.node_types(),
    **ReadinessNfrsQuery.node_types(),
    # readiness: data migrations and production volumes
    **ReadinessMigrationsQuery.node_types(),
    # readiness reviews
    **ReadinessReviewQuery.node_types(),
    # readiness: downtime notices
    **NoticesQuery.NODE_LOADERS,
    # support rotations
    **SupportQuery.node_types(),
    # postrelease: defects
    **DefectsQuery.node_types(),
    # postrelease: incidents linked to changes, blameless post-mortems
    **IncidentAttributionQuery.node_types(),
    **PostMortemQuery.node_types(),
    # postrelease: the 24-hour review
    **PostReleaseReviewQuery.node_types(),
    # postrelease: synthetic journeys
    **PostreleaseJourneysQuery.node_types(),
    # insights: quarterly maturity assessments
    **MaturityQuery.node_types(),
    # insights: policy iteration
    **PolicyQuery.node_types(),
    # insights: where changes fail, the analysis a proposal came from
    **ChangeFailuresQuery.node_types(),
}


@strawberry.type(description="This Signalbox server.")
class About:
    name: str
    version: str
    environment: str


@strawberry.type(description="Who is asking, and with what.")
class Viewer:
    person: Person | None
    via: str = strawberry.field(description="`jwt` or `api_token`.")

    @strawberry.field(description="Your own role grants.")
    async def grants(self, info: Info) -> list[RoleGrant]:
        async with info.context.reader() as r:
            rows = await org.my_grants(r)
        return [RoleGrant.from_row(r) for r in rows]

    @strawberry.field(description="Your API tokens, newest first.")
    async def api_tokens(self, info: Info) -> list[ApiToken]:
        async with info.context.reader() as r:
            rows = await org.my_tokens(r)
        return [ApiToken.from_row(r) for r in rows]


@strawberry.type
class Query(
    OrganizationQuery,
    ComplianceQuery,
    GovernanceQuery,
    CalendarQuery,
    CalendarFeedQuery,
    TrainsQuery,
    EnvironmentsQuery,
    FlagsQuery,
    GuardrailsQuery,
    RiskQuery,
    ComplianceControlsQuery,
    VendorsQuery,
    EvidenceQuery,
    PipelineDefinitionsQuery,
    DeploymentsQuery,
    PromotionsQuery,
    UnauthorizedChangesQuery,
    ReadinessNfrsQuery,
    ReadinessMigrationsQuery,
    ReadinessReviewQuery,
    NoticesQuery,
    ReleaseReadinessQuery,
    SupportQuery,
    DefectsQuery,
    IncidentAttributionQuery,
    PostMortemQuery,
    PostReleaseReviewQuery,
    PostreleaseJourneysQuery,
    MaturityQuery,
    ValueStreamQuery,
    PolicyQuery,
    LedgerQuery,
    DoraQuery,
    TestInvestmentQuery,
    TeamBenchmarksQuery,
    ChangeFailuresQuery,
):
    @strawberry.field(
        description="Any object by its global id; null when absent or not yours to see."
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        type_name, uid = type_of_global_id(id)
        entry = _NODE_LOADERS.get(type_name)
        if entry is None:
            return None
        loader_name, gql_type = entry
        return await load_node(getattr(info.context.loaders, loader_name), gql_type, uid)  # type: ignore[no-any-return]

    @strawberry.field(description="Who is asking: your person, your grants and your tokens.")
    async def viewer(self, info: Info) -> Viewer:
        async with info.context.reader() as r:
            row = await org.me(r)
        return Viewer(person=Person.from_row(row) if row else None, via=info.context.actor.via)

    @strawberry.field
    def about(self, info: Info) -> About:
        return About(
            name="Signalbox", version=VERSION, environment=str(info.context.runtime.settings.env)
        )


@strawberry.type
class Mutation(
    OrganizationMutation,
    ComplianceMutation,
    GovernanceMutation,
    CalendarMutation,
    CalendarFeedMutation,
    TrainsMutation,
    EnvironmentsMutation,
    FlagsMutation,
    GuardrailsMutation,
    RiskMutation,
    ComplianceControlsMutation,
    VendorsMutation,
    EvidenceMutation,
    PipelineDefinitionsMutation,
    DeploymentsMutation,
    PromotionsMutation,
    UnauthorizedChangesMutation,
    ReadinessNfrsMutation,
    ReadinessMigrationsMutation,
    ReadinessReviewMutation,
    NoticesMutation,
    SupportMutation,
    DefectsMutation,
    IncidentAttributionMutation,
    PostMortemMutation,
    PostReleaseReviewMutation,
    PostreleaseJourneysMutation,
    MaturityMutation,
    PolicyMutation,
    LedgerMutation,
    DeploymentHistoryMutation,
    ChangeFailuresMutation,
):
    pass


class QuietSchema(strawberry.Schema):
    """Errors are logged once, by the endpoint, with the request id; not here too."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings()
    size = settings.graphql_cache_size
    # The rule classes are built once: the validation cache is keyed by the rule classes, so
    # a class made per request would never hit (and would feed the collector).
    validator = limited_validator(limit_rules(settings))
    documents = DocumentCache(settings.graphql_cache_bytes, size)
    lane = DocumentLane()
    costs = CostCache(size)
    rules: tuple[Any, ...] = ()
    if settings.production:
        from graphql.validation import NoSchemaIntrospectionCustomRule

        rules = (NoSchemaIntrospectionCustomRule,)
    # One extension, a factory: strawberry makes a fresh instance per execution, so no state
    # leaks between requests (api/graphql/extensions.py); the parser and validation cache is
    # capped in bytes and entries, the cost cache (small keys and values) in entries.
    extensions: list[Any] = [
        lambda: RequestChecks(settings, costs, documents, lane, validator, rules),
    ]
    return QuietSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[RoleGrant, *ERROR_TYPES],
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=settings.production),
    )


__all__ = ["SchemaExtension", "build_schema"]
