"""Demo governance: an org documentation template, a BU template, a board per BU, the EU
personal-data sign-off rules and a few releases in several states (called by load_demo)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.governance import boards, cloning, releases, signoffs, templates
from domain.governance import commands as gc
from domain.kernel.uow import UnitOfWork
from domain.organization import commands as oc
from domain.organization import identity
from domain.organization import repository as org_repo

# Org-wide approvers so every BU's board can seat legal and compliance.
APPROVERS = [
    ("legal", "Lena Fischer (Legal approver)", "legal"),
    ("compliance", "Chidi Obi (Compliance approver)", "compliance"),
]

READINESS_SECTIONS: list[dict[str, Any]] = [
    {
        "key": "rollback",
        "title": "Rollback",
        "fields": [
            {"key": "plan", "label": "Rollback plan", "required": True},
            {"key": "backout_criteria", "label": "Backout criteria", "required": True},
        ],
    },
    {
        "key": "impact",
        "title": "Impact assessment",
        "fields": [
            {"key": "assessment", "label": "Customer and system impact", "required": True},
            {"key": "downtime", "label": "Expected downtime", "required": False},
        ],
    },
    {
        "key": "testing",
        "title": "Test evidence",
        "fields": [{"key": "evidence", "label": "Links to test evidence", "required": True}],
    },
    {
        "key": "communication",
        "title": "Communication plan",
        "fields": [{"key": "plan", "label": "Who is told, when, how", "required": True}],
    },
]

PAYMENTS_SECTIONS: list[dict[str, Any]] = [
    {
        "key": "ledger",
        "title": "Ledger safety",
        "fields": [
            {"key": "reconciliation", "label": "Reconciliation impact", "required": True},
        ],
    }
]

EU_RULES = [
    (
        "eu-personal-data-sovereignty",
        "EU personal data: data sovereignty",
        "data_sovereignty",
        "legal",
        90,
    ),
    (
        "eu-personal-data-privacy",
        "EU personal data: privacy impact",
        "privacy_impact",
        "compliance",
        180,
    ),
]


def filled_documentation() -> list[gc.DocEntry]:
    """Every field the org and payments templates ask for, filled."""
    return [
        gc.DocEntry(s["key"], f["key"], f"Demo text for {f['label'].lower()}.")
        for s in READINESS_SECTIONS + PAYMENTS_SECTIONS
        for f in s["fields"]
    ]


async def load_governance_demo(
    uow: UnitOfWork, bus: dict[str, Any], services: dict[str, Any], issuer: str
) -> None:
    """Runs inside load_demo's unit of work, as the system (an org admin by design)."""
    people = await _approvers(uow, issuer)
    await _templates_and_rules(uow, bus)
    await _boards(uow, bus, people)
    await _demo_releases(uow, bus, services, people)


async def _approvers(uow: UnitOfWork, issuer: str) -> dict[str, Any]:
    """The board approvers, and the demo people the boards and releases name."""
    people = {}
    for username, name, discipline in APPROVERS:
        person = await identity.create_person(
            uow,
            oc.CreatePerson(
                username=username, display_name=name, email=f"{username}@signalbox.example"
            ),
            issuer=issuer,
        )
        await identity.grant_role(
            uow,
            oc.GrantRole(person_id=person.id, role="approver", bu_id=None, discipline=discipline),
        )
        people[username] = person
    for username in ("engineer", "approver", "eng-approver", "product-owner", "release-manager"):
        found = await org_repo.person_by_username(uow.session, username)
        assert found is not None
        people[username] = found
    return people


async def _templates_and_rules(uow: UnitOfWork, bus: dict[str, Any]) -> None:
    await templates.create_template(
        uow,
        gc.CreateTemplate(
            bu_id=None,
            key="release-readiness",
            name="Release readiness (RMO)",
            sections=READINESS_SECTIONS,
            tiers=["critical", "customer_facing"],
        ),
    )
    await templates.create_template(
        uow,
        gc.CreateTemplate(
            bu_id=bus["payments"].id,
            key="payments-ledger",
            name="Payments ledger safety",
            sections=PAYMENTS_SECTIONS,
        ),
    )
    for key, name, requirement, discipline, days in EU_RULES:
        await signoffs.create_rule(
            uow,
            gc.CreateSignOffRule(
                key=key,
                name=name,
                requirement=requirement,
                discipline=discipline,
                validity_days=days,
                condition={"data_classifications": ["personal"], "region_prefixes": ["eu-"]},
            ),
        )


async def _boards(uow: UnitOfWork, bus: dict[str, Any], people: dict[str, Any]) -> None:
    """A board per BU; the payments board seats every discipline its guardrails want a go vote
    from (engineering, product, security) with someone who may vote on the demo releases (the
    engineer sits on it too, but wrote them)."""
    for bu_key, bu in bus.items():
        members = [
            gc.Member(people["legal"].id, "legal"),
            gc.Member(people["compliance"].id, "compliance"),
        ]
        if bu_key == "payments":
            members += [
                gc.Member(people["approver"].id, "security"),
                gc.Member(people["engineer"].id, "engineering"),
                gc.Member(people["eng-approver"].id, "engineering"),
                gc.Member(people["product-owner"].id, "product"),
            ]
        await boards.create_board(
            uow,
            gc.CreateBoard(
                bu_id=bu.id,
                key=f"{bu_key}-cab",
                name=f"{bu.name} change advisory board",
                quorum=3,
                approvals_needed=2,
                required_disciplines=["security"] if bu_key == "payments" else [],
                veto_disciplines=["security", "legal"],
                members=members,
            ),
        )


async def _demo_releases(
    uow: UnitOfWork, bus: dict[str, Any], services: dict[str, Any], people: dict[str, Any]
) -> None:
    owner = people["release-manager"].id
    start = uow.clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=14)

    async def draft(title: str, keys: list[str], *, filled: bool, change_types: list[str]) -> Any:
        return await releases.create_release(
            uow,
            gc.CreateRelease(
                bu_id=bus["payments"].id,
                title=title,
                release_type="standard",
                owner_id=owner,
                change_types=change_types,
                environments=["production"],
                services=[gc.ServiceLine(services[k].id, "2026.11.1") for k in keys],
                author_ids=[people["engineer"].id],
                planned_start=start,
                planned_end=start + timedelta(hours=2),
                documentation=filled_documentation() if filled else [],
            ),
        )

    await draft(
        "Card gateway TLS rotation", ["card-gateway"], filled=False, change_types=["config"]
    )
    submitted = await draft(
        "3-D Secure challenge flow", ["three-ds-server"], filled=True, change_types=["api", "ui"]
    )
    await releases.submit_release(uow, gc.MoveRelease(submitted.id, submitted.version))
    approved = await draft(
        "FX rates provider switch", ["fx-rates", "settlement"], filled=True, change_types=["config"]
    )
    await releases.submit_release(uow, gc.MoveRelease(approved.id, approved.version))
    await releases.approve_release(uow, gc.MoveRelease(approved.id, approved.version))
    rejected = await draft(
        "Ledger schema split", ["ledger-core"], filled=True, change_types=["schema_migration"]
    )
    await releases.submit_release(uow, gc.MoveRelease(rejected.id, rejected.version))
    await releases.reject_release(
        uow, gc.MoveRelease(rejected.id, rejected.version, "Needs a backfill plan first.")
    )
    await cloning.clone_release(
        uow, gc.CloneRelease(rejected.id, "Ledger schema split, with a backfill plan")
    )
