"""A believable enterprise to try Signalbox on: 3 BUs, 9 teams, 34 services, one user per role."""

from __future__ import annotations

from dataclasses import dataclass

from api.demo_controls import load_controls_demo
from api.demo_governance import load_governance_demo
from api.runtime import Runtime
from domain.organization import commands as cmd
from domain.organization import identity
from domain.organization import repository as repo
from domain.organization import service as svc


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
    issuer = runtime.authenticator.issuer
    async with runtime.system_unit_of_work() as uow:
        bus = {}
        for key, (name, description) in BUS.items():
            bus[key] = await svc.create_business_unit(
                uow, cmd.CreateBusinessUnit(key=key, name=name, description=description)
            )
        services, teams, vendors = {}, {}, {}
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
        for consumer, providers in DEPENDENCIES.items():
            for provider in providers:
                await svc.add_dependency(
                    uow,
                    cmd.AddDependency(
                        consumer_id=services[consumer].id, provider_id=services[provider].id
                    ),
                )
        for bu_key, name, email, status in VENDORS:
            vendors[name] = await svc.create_vendor(
                uow,
                cmd.CreateVendor(
                    bu_id=bus[bu_key].id, name=name, contact_email=email, attestation_status=status
                ),
            )
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
        await load_governance_demo(uow, bus, services, issuer)
        await load_controls_demo(uow, bus, teams, services, vendors)
        await uow.commit()
    await runtime.reload_grants()
    return True


async def load_calendar_demo(runtime: Runtime) -> bool:
    """Load the demo calendar once, after load_demo: two approved recurring freezes and a few
    payments windows in December 2026. False when already there (or no organization yet)."""
    from datetime import UTC, datetime, timedelta

    from domain.calendar import commands as cal_cmd
    from domain.calendar import freezes as cal_freezes
    from domain.calendar import windows as cal_windows
    from domain.kernel.access import Actor, Scope
    from domain.organization.models import Person

    def as_actor(person: Person) -> Actor:
        return Actor(
            person_id=person.id,
            username=person.username,
            display_name=person.display_name,
            subjects=(f"person:{person.id}",),
        )

    def utc(y: int, m: int, d: int, h: int = 0) -> datetime:
        return datetime(y, m, d, h, tzinfo=UTC)

    async with runtime.db.read_session() as session:
        rmo = await repo.person_by_username(session, "rmo")
        retail_admin = await repo.person_by_username(session, "retail-admin")
        payments = await repo.bu_id_by_key(session, "payments")
        retail = await repo.bu_id_by_key(session, "retail")
        page = await repo.services_page(
            session,
            Scope(everywhere=True),
            bu_id=None,
            team_id=None,
            tier=None,
            first=500,
            after=None,
        )
        services = {row.key: row.id for row in page.items}
    if rmo is None or retail_admin is None or payments is None or retail is None:
        return False
    async with runtime.unit_of_work(as_actor(rmo)) as uow:
        known = await cal_freezes.freezes_in_range(
            uow.session, ["approved", "proposed"], utc(2026, 1, 1), utc(2028, 1, 1)
        )
        if any(f.row.title == "Quarter-end close" for f in known):
            return False
        quarter_end = await cal_freezes.propose_freeze(
            uow,
            cal_cmd.ProposeFreeze(
                title="Quarter-end close",
                reason="Finance closes the books: no change to payments systems.",
                scope="bu",
                bu_id=payments,
                starts_at=utc(2026, 12, 28, 23),  # 29 December, 00:00 in Amsterdam
                ends_at=utc(2026, 12, 29, 23),
                tzid="Europe/Amsterdam",
                rrule="FREQ=MONTHLY;BYMONTH=3,6,9,12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-3,-2,-1",
                effective_until=utc(2027, 12, 31),
                stakeholder_ids=[rmo.id],
            ),
        )
        holiday = await cal_freezes.propose_freeze(
            uow,
            cal_cmd.ProposeFreeze(
                title="Holiday peak season",
                reason="Peak card and app traffic: customer-facing retail services stay put.",
                scope="tier",
                bu_id=retail,
                tiers=["customer_facing", "critical"],
                starts_at=utc(2026, 11, 22, 23),  # 23 November, 00:00 in Amsterdam
                ends_at=utc(2027, 1, 3, 23),
                tzid="Europe/Amsterdam",
                rrule="FREQ=YEARLY",
                effective_until=utc(2028, 1, 31),
                stakeholder_ids=[rmo.id, retail_admin.id],
            ),
        )
        await cal_freezes.decide_freeze(uow, cal_cmd.DecideFreeze(quarter_end.id, approve=True))
        await cal_freezes.decide_freeze(uow, cal_cmd.DecideFreeze(holiday.id, approve=True))
        for title, kind, keys, resources, start, hours in (
            ("Card gateway 4.2", "maintenance", ["card-gateway"], [], utc(2026, 12, 8, 21), 2),
            (
                "Ledger index rebuild",
                "maintenance",
                ["ledger-core"],
                ["pg-ledger"],
                utc(2026, 12, 9, 22),
                3,
            ),
            (
                "Settlement batch tuning",
                "maintenance",
                ["settlement"],
                ["pg-ledger"],
                utc(2026, 12, 9, 23),
                2,
            ),
            (
                "Acme network certificate rotation",
                "vendor",
                ["card-gateway"],
                [],
                utc(2026, 12, 15, 6),
                1,
            ),
        ):
            await cal_windows.plan_window(
                uow,
                cal_cmd.PlanWindow(
                    bu_id=payments,
                    kind=kind,
                    title=title,
                    starts_at=start,
                    ends_at=start + timedelta(hours=hours),
                    environment="production",
                    service_ids=[services[k] for k in keys if k in services],
                    resources=resources,
                ),
            )
        await uow.commit()
    async with runtime.unit_of_work(as_actor(retail_admin)) as uow:
        await cal_freezes.decide_freeze(uow, cal_cmd.DecideFreeze(holiday.id, approve=True))
        await uow.commit()
    return True
