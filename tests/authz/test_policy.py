"""The permission matrix in authz/PERMISSIONS.md is what Casbin enforces, cell by cell.

Each cell is checked in both directions (✓ must allow, blank must deny) through
`CasbinAuthorizer.check` and through Casbin's own `enforce`, for a role granted in a BU
(checked in that BU, in another BU and at org scope) and granted at org scope (checked in
a BU and at org scope).
"""

from __future__ import annotations

import itertools
import uuid
from pathlib import Path
from typing import Any

import pytest

from authz.authorizer import POLICY_PATH, CasbinAuthorizer
from authz.vocabulary import ORG_ONLY_ROLES, ORG_SCOPE, Action, Resource, Role
from domain.kernel.access import Actor
from domain.organization import vocabulary as organization_vocabulary

PERMISSIONS_MD = Path(__file__).parents[2] / "authz" / "PERMISSIONS.md"
HOME_BU = uuid.UUID("00000000-0000-4000-8000-00000000000a")
OTHER_BU = uuid.UUID("00000000-0000-4000-8000-00000000000b")
CHECK = "✓"


def read_matrix() -> tuple[list[str], dict[tuple[str, str], dict[str, bool]]]:
    """The roles (columns) and, per resource/action row, which roles hold it."""
    lines = PERMISSIONS_MD.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| resource/action |"))
    header = [cell.strip() for cell in lines[start].strip("|").split("|")]
    roles = header[1:]
    matrix: dict[tuple[str, str], dict[str, bool]] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == len(header), f"row has {len(cells)} cells: {line}"
        resource, _, action = cells[0].strip("`").partition("/")
        assert (resource, action) not in matrix, f"duplicate row {cells[0]}"
        assert all(cell in {"", CHECK} for cell in cells[1:]), f"cells are ✓ or blank: {line}"
        matrix[(resource, action)] = {
            role: cell == CHECK for role, cell in zip(roles, cells[1:], strict=True)
        }
    return roles, matrix


def read_promises() -> list[tuple[str, str, str, bool, str]]:
    """The table "What the prose promises": (role, resource, action, allowed, why) per line."""
    lines = PERMISSIONS_MD.read_text(encoding="utf-8").splitlines()
    start = lines.index("## What the prose promises")
    header = next(i for i in range(start, len(lines)) if lines[i].startswith("| role |"))
    promises = []
    for line in lines[header + 2 :]:
        if not line.startswith("|"):
            break
        role, what, verdict, why = (cell.strip() for cell in line.strip().strip("|").split("|"))
        assert verdict in {"may", "may not"}, f"say may or may not: {line}"
        resource, _, action = what.strip("`").partition("/")
        promises.append((role, resource, action, verdict == "may", why))
    return promises


ROLES, MATRIX = read_matrix()
PROMISES = read_promises()
CELLS = [
    pytest.param(resource, action, role, allowed, id=f"{resource}/{action}:{role}")
    for (resource, action), row in MATRIX.items()
    for role, allowed in row.items()
]


def person(role: str, where: str) -> str:
    return f"person:{role}@{where}"


def actor_of(subject: str) -> Actor:
    return Actor(person_id=None, username=subject, display_name=subject, subjects=(subject,))


@pytest.fixture(scope="module")
def authorizer() -> CasbinAuthorizer:
    """One person per role and placement: granted in HOME_BU, or at org scope."""
    authz = CasbinAuthorizer()
    authz.load_grants(
        [(person(role, "bu"), role, str(HOME_BU)) for role in Role]
        + [(person(role, "org"), role, ORG_SCOPE) for role in Role]
    )
    return authz


@pytest.fixture(scope="module")
def enforcer(authorizer: CasbinAuthorizer) -> Any:
    return authorizer.casbin_enforcer()


class TestTheMatrixIsWellFormed:
    def test_its_columns_are_exactly_the_roles(self) -> None:
        assert [role.value for role in Role] == ROLES

    def test_its_rows_name_resources_and_actions_of_the_vocabulary(self) -> None:
        for resource, action in MATRIX:
            Resource(resource)
            Action(action)

    def test_every_resource_has_rows(self) -> None:
        assert {resource for resource, _ in MATRIX} == {r.value for r in Resource}

    def test_every_row_is_held_by_someone(self) -> None:
        assert all(any(row.values()) for row in MATRIX.values())


class TestThePolicySaysWhatTheProsePromises:
    """Each line of "What the prose promises" holds in the matrix and in Casbin, so a
    matrix edit that drifts from the prose (ci retiring DR procedures, sre editing drafts)
    fails here even when the matrix and policy.csv still agree with each other."""

    def test_the_table_is_there_and_names_real_roles(self) -> None:
        assert len(PROMISES) >= 20
        for role, resource, action, _, _ in PROMISES:
            Role(role)
            Resource(resource)
            Action(action)

    @pytest.mark.parametrize(
        ("role", "resource", "action", "allowed"),
        [
            pytest.param(role, resource, action, allowed, id=f"{role}:{resource}/{action}:{why}")
            for role, resource, action, allowed, why in PROMISES
        ],
    )
    def test_each_promise_holds(
        self,
        authorizer: CasbinAuthorizer,
        enforcer: Any,
        role: str,
        resource: str,
        action: str,
        allowed: bool,
    ) -> None:
        assert MATRIX[(resource, action)][role] is allowed
        where = "org" if Role(role) in ORG_ONLY_ROLES else "bu"
        domain = ORG_SCOPE if where == "org" else str(HOME_BU)
        subject = person(role, where)
        rule = authorizer.check(actor_of(subject), Action(action), Resource(resource), HOME_BU)
        assert (rule is not None) is allowed
        assert enforcer.enforce(subject, str(HOME_BU), resource, action) is allowed
        assert domain in (rule or domain)


class TestABuGrantAppliesInItsBuOnly:
    @pytest.mark.parametrize(("resource", "action", "role", "allowed"), CELLS)
    def test_in_its_own_bu_as_the_matrix_says(
        self,
        authorizer: CasbinAuthorizer,
        enforcer: Any,
        resource: str,
        action: str,
        role: str,
        allowed: bool,
    ) -> None:
        subject = person(role, "bu")
        rule = authorizer.check(actor_of(subject), Action(action), Resource(resource), HOME_BU)
        assert (rule is not None) is allowed
        assert enforcer.enforce(subject, str(HOME_BU), resource, action) is allowed
        if allowed:
            assert rule == f"g({subject}, {role}, {HOME_BU}) ∧ p({role}, {resource}, {action})"

    @pytest.mark.parametrize(("resource", "action", "role", "allowed"), CELLS)
    def test_never_in_another_bu(
        self,
        authorizer: CasbinAuthorizer,
        enforcer: Any,
        resource: str,
        action: str,
        role: str,
        allowed: bool,
    ) -> None:
        subject = person(role, "bu")
        assert (
            authorizer.check(actor_of(subject), Action(action), Resource(resource), OTHER_BU)
            is None
        )
        assert enforcer.enforce(subject, str(OTHER_BU), resource, action) is False

    @pytest.mark.parametrize(("resource", "action", "role", "allowed"), CELLS)
    def test_never_at_org_scope(
        self,
        authorizer: CasbinAuthorizer,
        enforcer: Any,
        resource: str,
        action: str,
        role: str,
        allowed: bool,
    ) -> None:
        subject = person(role, "bu")
        assert authorizer.check(actor_of(subject), Action(action), Resource(resource), None) is None
        assert enforcer.enforce(subject, ORG_SCOPE, resource, action) is False


class TestAnOrgGrantAppliesEverywhere:
    @pytest.mark.parametrize(("resource", "action", "role", "allowed"), CELLS)
    def test_in_any_bu_as_the_matrix_says(
        self,
        authorizer: CasbinAuthorizer,
        enforcer: Any,
        resource: str,
        action: str,
        role: str,
        allowed: bool,
    ) -> None:
        subject = person(role, "org")
        for bu in (HOME_BU, OTHER_BU):
            rule = authorizer.check(actor_of(subject), Action(action), Resource(resource), bu)
            assert (rule is not None) is allowed
            assert enforcer.enforce(subject, str(bu), resource, action) is allowed
            if allowed:
                assert rule == f"g({subject}, {role}, *) ∧ p({role}, {resource}, {action})"

    @pytest.mark.parametrize(("resource", "action", "role", "allowed"), CELLS)
    def test_at_org_scope_as_the_matrix_says(
        self,
        authorizer: CasbinAuthorizer,
        enforcer: Any,
        resource: str,
        action: str,
        role: str,
        allowed: bool,
    ) -> None:
        subject = person(role, "org")
        rule = authorizer.check(actor_of(subject), Action(action), Resource(resource), None)
        assert (rule is not None) is allowed
        assert enforcer.enforce(subject, ORG_SCOPE, resource, action) is allowed


class TestNothingOutsideTheMatrixIsAllowed:
    def test_pairs_without_a_row_are_denied_to_every_role(
        self, authorizer: CasbinAuthorizer, enforcer: Any
    ) -> None:
        unlisted = [
            (r.value, a.value)
            for r, a in itertools.product(Resource, Action)
            if (r.value, a.value) not in MATRIX
        ]
        assert unlisted, "the matrix lists every pair; nothing to check"
        for (resource, action), role in itertools.product(unlisted, Role):
            subject = person(role, "org")
            assert (
                authorizer.check(actor_of(subject), Action(action), Resource(resource), None)
                is None
            )
            assert enforcer.enforce(subject, ORG_SCOPE, resource, action) is False

    def test_policy_csv_has_no_row_the_matrix_lacks(self, enforcer: Any) -> None:
        rows = {tuple(row) for row in enforcer.get_policy()}
        in_matrix = {
            (role, resource, action)
            for (resource, action), row in MATRIX.items()
            for role, allowed in row.items()
            if allowed
        }
        assert rows == in_matrix
        assert POLICY_PATH.exists()


class TestThePolicyKeepsItsPromises:
    """Rules the matrix must keep, written out so a careless edit fails by name."""

    def test_org_admin_may_do_everything_listed(self) -> None:
        assert all(row[Role.ORG_ADMIN] for row in MATRIX.values())

    def test_every_role_manages_its_own_api_tokens(self) -> None:
        for action in ("read", "create", "revoke"):
            assert all(MATRIX[("api_token", action)].values())

    def test_the_auditor_reads_everything_and_exports_the_audit_trail(self) -> None:
        for (resource, action), row in MATRIX.items():
            if action == "read":
                assert row[Role.AUDITOR], f"auditor cannot read {resource}"
        assert MATRIX[("audit_trail", "export")][Role.AUDITOR]

    def test_the_auditor_changes_nothing_but_its_own_tokens(self) -> None:
        for (resource, action), row in MATRIX.items():
            # Evaluating a flag reads it (OFREP); it changes nothing.
            if action not in {"read", "export", "evaluate"} and resource != "api_token":
                assert not row[Role.AUDITOR], f"auditor may {action} {resource}"

    def test_the_viewer_does_not_read_the_audit_trail(self) -> None:
        assert not MATRIX[("audit_trail", "read")][Role.VIEWER]
        assert not MATRIX[("audit_trail", "export")][Role.VIEWER]

    def test_only_admins_grant_and_revoke_roles(self) -> None:
        for action in ("grant", "revoke"):
            holders = {role for role, allowed in MATRIX[("role_grant", action)].items() if allowed}
            assert holders == {Role.ORG_ADMIN, Role.BU_ADMIN}

    def test_business_units_are_created_and_deleted_by_the_org_only(self) -> None:
        for action in ("create", "delete"):
            holders = {r for r, ok in MATRIX[("business_unit", action)].items() if ok}
            assert holders == {Role.ORG_ADMIN}

    def test_ci_reads_services_and_the_calendar_and_reports_release_progress(self) -> None:
        held = {key for key, row in MATRIX.items() if row[Role.CI]}
        calendar_reads = {
            (resource, "read")
            for resource in (
                "release",
                "document_template",
                "board",
                "go_no_go",
                "sign_off_rule",
                "sign_off",
                "deployment_window",
                "freeze",
                "freeze_exception",
                "alignment",
            )
        }
        assert held == {
            ("service", "read"),
            ("api_token", "read"),
            ("api_token", "create"),
            ("api_token", "revoke"),
            ("release", "deploy"),
            *calendar_reads,
            *{
                (r, "read")
                for r in (
                    "train",
                    "feature",
                    "integration_window",
                    "environment",
                    "reservation",
                    "config_snapshot",
                    "flag",
                )
            },
            ("integration_window", "update"),
            ("config_snapshot", "create"),
            ("flag", "evaluate"),
            *{
                (r, "read")
                for r in (
                    "guardrail_set",
                    "onboarding",
                    "risk_model",
                    "risk_assessment",
                    "peer_review",
                    "bypass",
                    "bypass_review",
                    "dr_procedure",
                    "vendor_attestation",
                    "vendor_release",
                )
            },
            ("risk_assessment", "create"),
            ("bypass", "use"),
            ("dr_test", "create"),
            *{(r, "read") for r in ("pipeline_definition", "evidence", "cd_event", "promotion")},
            ("pipeline_definition", "create"),
            ("evidence", "create"),
            ("cd_event", "create"),
            ("promotion", "evaluate"),
            ("promotion", "create"),
            *{("deployment", a) for a in ("read", "create", "update")},
            ("unauthorized_change", "read"),
            # readiness (issue 16): CI records staging runs' NFR figures, migrations' pre-checks
            # and production volumes; it reads readiness reviews and their templates
            *{
                (r, "read")
                for r in (
                    "nfr",
                    "data_migration",
                    "volume_profile",
                    "readiness_review",
                    "readiness_template",
                )
            },
            ("nfr_run", "create"),
            ("data_migration", "update"),
            ("volume_profile", "update"),
            # support rotations (issue 17): CI assigns a production release's watchers
            ("release_watch", "create"),
            # postrelease (issue 17): CI records defects an incident or QA tool found and
            # exports their patterns to the backlog; it never reclassifies one
            *{("defect", a) for a in ("read", "create", "export")},
            # postrelease (issue 17): operations tools report incidents and configuration
            # changes; CI reads attributions and post-mortems, and keeps neither
            *{(r, "read") for r in ("incident", "incident_attribution", "change_report")},
            ("post_mortem", "read"),
            ("incident", "create"),
            ("incident", "update"),
            ("change_report", "create"),
            # postrelease (issue 17): CI reads reviews and their inputs; support tools and log
            # pipelines report feedback and log signals with CI tokens
            *{
                (r, "read")
                for r in ("post_release_review", "feedback", "log_signal", "metric_template")
            },
            ("feedback", "create"),
            ("log_signal", "create"),
            # postrelease (issue 17): CI reads journeys and reports external runners' results
            ("journey", "read"),
            ("journey_run", "read"),
            ("journey_run", "create"),
            # insights (issue 18): CI reports the commits a version was built from, reads the
            # ledger and the four keys and exports the ledger
            *{("source_change", a) for a in ("read", "create")},
            *{("change_ledger", a) for a in ("read", "export")},
        }

    def test_nobody_but_the_rmo_and_bu_admins_changes_guardrails_or_the_risk_model(
        self,
    ) -> None:
        for resource in ("guardrail_set", "risk_model"):
            holders = {r for r, ok in MATRIX[(resource, "update")].items() if ok}
            assert holders == {Role.ORG_ADMIN, Role.BU_ADMIN}

    def test_auditors_read_every_control_and_export_evidence_but_change_nothing(self) -> None:
        held = {key for key, row in MATRIX.items() if row[Role.AUDITOR]}
        assert ("evidence_pack", "export") in held
        assert ("bypass_review", "read") in held
        assert not {
            key
            for key in held
            if key[1] not in {"read", "export", "evaluate"} and key[0] != "api_token"
        }


class TestTheVocabularyMatchesTheDomains:
    def test_the_roles_the_organization_grants_are_the_roles_of_the_policy(self) -> None:
        from domain.organization import rules

        assert [r.value for r in organization_vocabulary.Role] == [r.value for r in Role]
        assert {r.value for r in rules.ORG_ONLY_ROLES} == {r.value for r in ORG_ONLY_ROLES}
