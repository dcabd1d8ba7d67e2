"""A believable enterprise to try Signalbox on: 3 BUs, 9 teams, 34 services, one user per role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from demo.controls import load_controls_demo
from demo.governance import load_governance_demo
from demo.promotions import load_promotions_demo
from domain.kernel.uow import UnitOfWork
from domain.organization import commands as cmd
from domain.organization import identity
from domain.organization import repository as repo
from domain.organization import service as svc

if TYPE_CHECKING:
    from api.runtime import Runtime


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    bu: str | None
    discipline: str | None = None
    kind: str = "human"


BUS = {
    "payments": ("Payments", "Card acquiring, payouts and the ledger."),
    "retail": ("Retail Banking", "Accounts, cards and the mobile app."),
    "platform": ("Platform", "Shared infrastructure, identity and data."),
}

# team key -> (bu, name, [(service key, name, tier, classification, regions)])
TEAMS: dict[str, tuple[str, str, list[tuple[str, str, str, str, list[str]]]]] = {
    "acquiring": (
        "payments",
        "Acquiring",
        [
            ("card-gateway", "Card Gateway", "critical", "restricted", ["eu-west-1", "us-east-1"]),
            (
                "authorization-engine",
                "Authorization Engine",
                "critical",
                "restricted",
                ["eu-west-1", "us-east-1"],
            ),
            ("tokenization", "Tokenization Vault", "critical", "restricted", ["eu-west-1"]),
            ("three-ds-server", "3-D Secure Server", "customer_facing", "personal", ["eu-west-1"]),
        ],
    ),
    "payouts": (
        "payments",
        "Payouts",
        [
            ("payout-scheduler", "Payout Scheduler", "critical", "confidential", ["eu-west-1"]),
            ("fx-rates", "FX Rates", "internal", "internal", ["eu-west-1"]),
            ("settlement", "Settlement", "critical", "confidential", ["eu-west-1", "us-east-1"]),
            (
                "merchant-statements",
                "Merchant Statements",
                "customer_facing",
                "personal",
                ["eu-west-1"],
            ),
        ],
    ),
    "ledger": (
        "payments",
        "Ledger",
        [
            ("ledger-core", "Ledger Core", "critical", "confidential", ["eu-west-1"]),
            ("reconciliation", "Reconciliation", "internal", "confidential", ["eu-west-1"]),
            ("dispute-service", "Disputes", "customer_facing", "personal", ["eu-west-1"]),
        ],
    ),
    "accounts": (
        "retail",
        "Accounts",
        [
            ("account-service", "Account Service", "critical", "personal", ["eu-central-1"]),
            (
                "onboarding-kyc",
                "Onboarding and KYC",
                "customer_facing",
                "personal",
                ["eu-central-1"],
            ),
            ("statements", "Statements", "customer_facing", "personal", ["eu-central-1"]),
            ("interest-engine", "Interest Engine", "internal", "confidential", ["eu-central-1"]),
        ],
    ),
    "cards": (
        "retail",
        "Cards",
        [
            ("card-issuing", "Card Issuing", "critical", "restricted", ["eu-central-1"]),
            ("card-controls", "Card Controls", "customer_facing", "personal", ["eu-central-1"]),
            ("rewards", "Rewards", "customer_facing", "personal", ["eu-central-1"]),
        ],
    ),
    "mobile": (
        "retail",
        "Mobile App",
        [
            (
                "mobile-bff",
                "Mobile Backend-for-Frontend",
                "customer_facing",
                "personal",
                ["eu-central-1"],
            ),
            ("push-notifications", "Push Notifications", "internal", "personal", ["eu-central-1"]),
            ("feature-content", "In-app Content", "internal", "public", ["eu-central-1"]),
            ("web-banking", "Web Banking", "customer_facing", "personal", ["eu-central-1"]),
        ],
    ),
    "identity": (
        "platform",
        "Identity",
        [
            (
                "identity-provider",
                "Identity Provider",
                "critical",
                "personal",
                ["eu-west-1", "eu-central-1"],
            ),
            ("consent-service", "Consent Service", "customer_facing", "personal", ["eu-west-1"]),
            (
                "session-service",
                "Session Service",
                "critical",
                "personal",
                ["eu-west-1", "eu-central-1"],
            ),
        ],
    ),
    "data": (
        "platform",
        "Data Platform",
        [
            ("event-bus", "Event Bus", "critical", "confidential", ["eu-west-1", "eu-central-1"]),
            ("data-warehouse", "Data Warehouse", "internal", "restricted", ["eu-west-1"]),
            ("customer-360", "Customer 360", "internal", "personal", ["eu-west-1"]),
            ("fraud-scoring", "Fraud Scoring", "critical", "personal", ["eu-west-1"]),
        ],
    ),
    "sre": (
        "platform",
        "Site Reliability",
        [
            (
                "api-gateway",
                "API Gateway",
                "critical",
                "internal",
                ["eu-west-1", "eu-central-1", "us-east-1"],
            ),
            ("observability", "Observability Stack", "internal", "internal", ["eu-west-1"]),
            (
                "secrets-manager",
                "Secrets Manager",
                "critical",
                "restricted",
                ["eu-west-1", "eu-central-1"],
            ),
        ],
    ),
}

# consumer -> providers
DEPENDENCIES: dict[str, list[str]] = {
    "card-gateway": ["authorization-engine", "tokenization", "api-gateway", "fraud-scoring"],
    "authorization-engine": ["ledger-core", "fraud-scoring", "event-bus"],
    "three-ds-server": ["card-gateway", "session-service"],
    "payout-scheduler": ["ledger-core", "fx-rates", "settlement"],
    "settlement": ["ledger-core", "event-bus"],
    "merchant-statements": ["ledger-core", "data-warehouse"],
    "reconciliation": ["ledger-core", "settlement", "data-warehouse"],
    "dispute-service": ["ledger-core", "card-gateway"],
    "account-service": ["identity-provider", "event-bus", "ledger-core"],
    "onboarding-kyc": ["identity-provider", "consent-service", "customer-360"],
    "statements": ["account-service", "data-warehouse"],
    "interest-engine": ["account-service", "ledger-core"],
    "card-issuing": ["account-service", "tokenization", "secrets-manager"],
    "card-controls": ["card-issuing", "push-notifications"],
    "rewards": ["card-issuing", "customer-360"],
    "mobile-bff": ["account-service", "card-controls", "session-service", "api-gateway"],
    "web-banking": ["account-service", "session-service", "api-gateway"],
    "push-notifications": ["event-bus"],
    "session-service": ["identity-provider", "secrets-manager"],
    "customer-360": ["data-warehouse", "consent-service"],
    "fraud-scoring": ["event-bus", "customer-360"],
    "data-warehouse": ["event-bus"],
    "api-gateway": ["identity-provider", "observability"],
}

VENDORS = [
    ("payments", "Acme Card Networks", "partners@acme-cards.example", "attested"),
    ("payments", "LedgerSoft", "support@ledgersoft.example", "pending"),
    ("retail", "MobileKit", "security@mobilekit.example", "attested"),
    ("platform", "CloudOps Partners", "contact@cloudops.example", "expired"),
]

USERS = [
    DemoUser("rmo", "Rita Moreno (Release Management Office)", "org_admin", None),
    DemoUser("payments-admin", "Pavel Adams (Payments BU admin)", "bu_admin", "payments"),
    DemoUser("retail-admin", "Rosa Almeida (Retail BU admin)", "bu_admin", "retail"),
    DemoUser("release-manager", "Marta Lindqvist (Release manager)", "release_manager", "payments"),
    DemoUser("engineer", "Eli Novak (Engineer)", "engineer", "payments"),
    DemoUser("approver", "Ada Okafor (Security approver)", "approver", "payments", "security"),
    DemoUser(
        "eng-approver",
        "Emeka Brandt (Engineering approver)",
        "approver",
        "payments",
        "engineering",
    ),
    DemoUser("product-owner", "Priya Natarajan (Product owner)", "approver", "payments", "product"),
    DemoUser("sre", "Sam Reyes (SRE)", "sre", "payments"),
    DemoUser("auditor", "Aiko Tanaka (Auditor)", "auditor", None),
    DemoUser("viewer", "Victor Hale (Viewer)", "viewer", "payments"),
    DemoUser("ci", "Payments CI", "ci", "payments", kind="machine"),
]


async def load_demo(runtime: Runtime) -> bool:
    """Load the demo enterprise once; False when it is already there."""
    async with runtime.db.read_session() as session:
        if await repo.bu_key_taken(session, "payments"):
            return False
    await runtime.units.run(lambda uow: _enterprise(uow, runtime.authenticator.issuer))
    await runtime.grants.reload()
    return True


async def _enterprise(uow: UnitOfWork, issuer: str) -> None:
    bus = {
        key: await svc.create_business_unit(
            uow, cmd.CreateBusinessUnit(key=key, name=name, description=description)
        )
        for key, (name, description) in BUS.items()
    }
    teams, services = await _teams(uow, bus)
    for consumer, providers in DEPENDENCIES.items():
        for provider in providers:
            await svc.add_dependency(
                uow,
                cmd.AddDependency(
                    consumer_id=services[consumer].id, provider_id=services[provider].id
                ),
            )
    vendors = {
        name: await svc.create_vendor(
            uow,
            cmd.CreateVendor(
                bu_id=bus[bu_key].id, name=name, contact_email=email, attestation_status=status
            ),
        )
        for bu_key, name, email, status in VENDORS
    }
    await _people(uow, bus, issuer)
    await load_governance_demo(uow, bus, services, issuer)
    await load_controls_demo(uow, bus, teams, services, vendors)
    await load_promotions_demo(uow, bus, services)


async def _teams(uow: UnitOfWork, bus: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    teams: dict[str, Any] = {}
    services: dict[str, Any] = {}
    for team_key, (bu_key, team_name, team_services) in TEAMS.items():
        team = await svc.create_team(
            uow, cmd.CreateTeam(bu_id=bus[bu_key].id, key=team_key, name=team_name)
        )
        teams[team_key] = team
        for key, name, tier, classification, regions in team_services:
            services[key] = await svc.create_service(
                uow,
                cmd.CreateService(
                    team_id=team.id,
                    key=key,
                    name=name,
                    tier=tier,
                    data_classification=classification,
                    regions=regions,
                ),
            )
    return teams, services


async def _people(uow: UnitOfWork, bus: dict[str, Any], issuer: str) -> None:
    for user in USERS:
        person = await identity.create_person(
            uow,
            cmd.CreatePerson(
                username=user.username,
                display_name=user.display_name,
                email=f"{user.username}@signalbox.example",
                kind=user.kind,
            ),
            issuer=issuer,
        )
        await identity.grant_role(
            uow,
            cmd.GrantRole(
                person_id=person.id,
                role=user.role,
                bu_id=bus[user.bu].id if user.bu else None,
                discipline=user.discipline,
            ),
        )
