"""CasbinAuthorizer: people and their tokens, BUs and the org scope, and agreement with Casbin."""

from __future__ import annotations

import random
import threading
import time
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authz.authorizer import CasbinAuthorizer, PolicyError
from authz.vocabulary import ORG_SCOPE, Action, Resource, Role, grant_refusal
from domain.kernel.access import SYSTEM_ACTOR, Actor

BU_A = uuid.UUID("00000000-0000-4000-8000-0000000000aa")
BU_B = uuid.UUID("00000000-0000-4000-8000-0000000000bb")
BU_C = uuid.UUID("00000000-0000-4000-8000-0000000000cc")
ALICE = "person:00000000-0000-4000-8000-000000000001"
BOB = "person:00000000-0000-4000-8000-000000000002"
TOKEN = "token:00000000-0000-4000-8000-0000000000f1"


def actor(*subjects: str) -> Actor:
    return Actor(person_id=None, username="someone", display_name="Someone", subjects=subjects)


@pytest.fixture
def authz() -> CasbinAuthorizer:
    return CasbinAuthorizer()


class TestABuGrant:
    def test_allows_in_its_bu(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.BU_ADMIN, str(BU_A))
        assert authz.check(actor(ALICE), Action.CREATE, Resource.TEAM, BU_A)

    def test_denies_in_another_bu(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.BU_ADMIN, str(BU_A))
        assert authz.check(actor(ALICE), Action.CREATE, Resource.TEAM, BU_B) is None
        assert authz.check(actor(ALICE), Action.READ, Resource.TEAM, BU_B) is None

    def test_denies_at_org_scope(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.BU_ADMIN, str(BU_A))
        assert authz.check(actor(ALICE), Action.READ, Resource.TEAM, None) is None


class TestAnOrgGrant:
    def test_applies_in_every_bu_and_at_org_scope(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.VIEWER, ORG_SCOPE)
        for bu in (BU_A, BU_B, uuid.uuid4(), None):
            assert authz.check(actor(ALICE), Action.READ, Resource.SERVICE, bu)

    def test_still_allows_only_what_the_role_may(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.VIEWER, ORG_SCOPE)
        assert authz.check(actor(ALICE), Action.UPDATE, Resource.SERVICE, BU_A) is None


class TestATokenNeverExceedsItsPerson:
    def test_a_token_scoped_wider_than_its_person_gets_the_persons_permissions(
        self, authz: CasbinAuthorizer
    ) -> None:
        authz.add_grant(ALICE, Role.ENGINEER, str(BU_A))
        authz.add_grant(TOKEN, Role.BU_ADMIN, str(BU_A))
        via_token = actor(ALICE, TOKEN)
        assert authz.check(via_token, Action.CREATE, Resource.TEAM, BU_A) is None
        assert authz.check(via_token, Action.UPDATE, Resource.SERVICE, BU_A)

    def test_a_narrow_token_narrows_its_person(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.BU_ADMIN, str(BU_A))
        authz.add_grant(ALICE, Role.BU_ADMIN, str(BU_B))
        authz.add_grant(TOKEN, Role.CI, str(BU_A))
        via_token = actor(ALICE, TOKEN)
        assert authz.check(via_token, Action.READ, Resource.SERVICE, BU_A)
        assert authz.check(via_token, Action.READ, Resource.SERVICE, BU_B) is None
        assert authz.check(via_token, Action.UPDATE, Resource.SERVICE, BU_A) is None

    def test_an_org_token_of_a_bu_person_stays_in_the_bu(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.ENGINEER, str(BU_A))
        authz.add_grant(TOKEN, Role.ENGINEER, ORG_SCOPE)
        via_token = actor(ALICE, TOKEN)
        assert authz.check(via_token, Action.CREATE, Resource.SERVICE, BU_A)
        assert authz.check(via_token, Action.CREATE, Resource.SERVICE, BU_B) is None

    def test_a_token_without_scopes_may_do_nothing(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.ORG_ADMIN, ORG_SCOPE)
        assert authz.check(actor(ALICE, TOKEN), Action.READ, Resource.SERVICE, BU_A) is None

    def test_a_token_outlives_nothing_its_person_loses(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.ENGINEER, str(BU_A))
        authz.add_grant(TOKEN, Role.ENGINEER, str(BU_A))
        authz.remove_grant(ALICE, Role.ENGINEER, str(BU_A))
        assert authz.check(actor(ALICE, TOKEN), Action.READ, Resource.SERVICE, BU_A) is None

    def test_an_actor_without_subjects_may_do_nothing(self, authz: CasbinAuthorizer) -> None:
        assert authz.check(actor(), Action.READ, Resource.SERVICE, BU_A) is None
        assert authz.scope(actor(), Action.READ, Resource.SERVICE).empty
        assert authz.roles(actor(), BU_A) == frozenset()


class TestTheRuleForTheAuditTrail:
    def test_names_the_grant_and_the_policy_row(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.BU_ADMIN, str(BU_A))
        rule = authz.check(actor(ALICE), Action.CREATE, Resource.TEAM, BU_A)
        assert rule == f"g({ALICE}, bu_admin, {BU_A}) ∧ p(bu_admin, team, create)"

    def test_names_every_subject_in_order(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.ORG_ADMIN, ORG_SCOPE)
        authz.add_grant(TOKEN, Role.ENGINEER, str(BU_A))
        rule = authz.check(actor(ALICE, TOKEN), Action.UPDATE, Resource.SERVICE, BU_A)
        assert rule == (
            f"g({ALICE}, org_admin, *) ∧ p(org_admin, service, update) ∧ "
            f"g({TOKEN}, engineer, {BU_A}) ∧ p(engineer, service, update)"
        )

    def test_prefers_a_grant_in_the_bu_to_one_at_org_scope(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.ORG_ADMIN, ORG_SCOPE)
        authz.add_grant(ALICE, Role.BU_ADMIN, str(BU_A))
        rule = authz.check(actor(ALICE), Action.CREATE, Resource.TEAM, BU_A)
        assert rule == f"g({ALICE}, bu_admin, {BU_A}) ∧ p(bu_admin, team, create)"

    def test_names_the_narrowest_role_that_suffices(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.BU_ADMIN, str(BU_A))
        authz.add_grant(ALICE, Role.VIEWER, str(BU_A))
        rule = authz.check(actor(ALICE), Action.READ, Resource.TEAM, BU_A)
        assert rule == f"g({ALICE}, viewer, {BU_A}) ∧ p(viewer, team, read)"


class TestScope:
    def test_is_everywhere_for_an_org_grant(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.AUDITOR, ORG_SCOPE)
        scope = authz.scope(actor(ALICE), Action.READ, Resource.AUDIT_TRAIL)
        assert scope.everywhere
        assert scope.allows(BU_C) and scope.allows(None)

    def test_lists_the_bus_where_it_is_allowed(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.ENGINEER, str(BU_A))
        authz.add_grant(ALICE, Role.SRE, str(BU_B))
        authz.add_grant(ALICE, Role.VIEWER, str(BU_C))
        scope = authz.scope(actor(ALICE), Action.UPDATE, Resource.SERVICE)
        assert not scope.everywhere
        assert scope.bu_ids == {BU_A, BU_B}
        assert authz.scope(actor(ALICE), Action.CREATE, Resource.SERVICE).bu_ids == {BU_A}

    def test_is_empty_where_nothing_allows_it(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.VIEWER, ORG_SCOPE)
        assert authz.scope(actor(ALICE), Action.READ, Resource.AUDIT_TRAIL).empty
        assert authz.scope(actor(BOB), Action.READ, Resource.SERVICE).empty

    def test_is_the_intersection_across_subjects(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.ENGINEER, str(BU_A))
        authz.add_grant(ALICE, Role.ENGINEER, str(BU_B))
        authz.add_grant(TOKEN, Role.ENGINEER, str(BU_B))
        authz.add_grant(TOKEN, Role.ENGINEER, str(BU_C))
        scope = authz.scope(actor(ALICE, TOKEN), Action.UPDATE, Resource.SERVICE)
        assert scope == type(scope)(everywhere=False, bu_ids=frozenset({BU_B}))

    def test_an_org_token_takes_its_persons_bus(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.ENGINEER, str(BU_A))
        authz.add_grant(TOKEN, Role.ORG_ADMIN, ORG_SCOPE)
        scope = authz.scope(actor(ALICE, TOKEN), Action.UPDATE, Resource.SERVICE)
        assert not scope.everywhere and scope.bu_ids == {BU_A}

    def test_is_everywhere_only_if_every_subject_holds_it_everywhere(
        self, authz: CasbinAuthorizer
    ) -> None:
        authz.add_grant(ALICE, Role.VIEWER, ORG_SCOPE)
        authz.add_grant(TOKEN, Role.VIEWER, ORG_SCOPE)
        assert authz.scope(actor(ALICE, TOKEN), Action.READ, Resource.TEAM).everywhere


class TestRoles:
    def test_include_org_grants(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.VIEWER, ORG_SCOPE)
        authz.add_grant(ALICE, Role.BU_ADMIN, str(BU_A))
        assert authz.roles(actor(ALICE), BU_A) == {"viewer", "bu_admin"}
        assert authz.roles(actor(ALICE), BU_B) == {"viewer"}
        assert authz.roles(actor(ALICE), None) == {"viewer"}

    def test_are_those_every_subject_holds(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.BU_ADMIN, str(BU_A))
        authz.add_grant(ALICE, Role.ENGINEER, str(BU_A))
        authz.add_grant(TOKEN, Role.ENGINEER, ORG_SCOPE)
        assert authz.roles(actor(ALICE, TOKEN), BU_A) == {"engineer"}


class TestGrantAdministration:
    def test_add_and_remove_say_whether_anything_changed(self, authz: CasbinAuthorizer) -> None:
        assert authz.add_grant(ALICE, Role.ENGINEER, str(BU_A)) is True
        assert authz.add_grant(ALICE, Role.ENGINEER, str(BU_A)) is False
        assert authz.remove_grant(ALICE, Role.ENGINEER, str(BU_A)) is True
        assert authz.remove_grant(ALICE, Role.ENGINEER, str(BU_A)) is False
        assert authz.grants_of(ALICE) == frozenset()

    def test_domains_are_canonical_uuids(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.ENGINEER, str(BU_A).upper())
        authz.add_grant(ALICE, Role.SRE, BU_B)
        assert authz.grants_of(ALICE) == {("engineer", str(BU_A)), ("sre", str(BU_B))}
        assert authz.check(actor(ALICE), Action.CREATE, Resource.SERVICE, BU_A)

    def test_load_grants_replaces_everything(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.ENGINEER, str(BU_A))
        loaded = authz.load_grants([(BOB, "viewer", ORG_SCOPE), (BOB, "viewer", ORG_SCOPE)])
        assert loaded == 1
        assert authz.grants_of(ALICE) == frozenset()
        assert authz.grants_of(BOB) == {("viewer", ORG_SCOPE)}

    def test_a_bad_row_loads_nothing(self, authz: CasbinAuthorizer) -> None:
        authz.add_grant(ALICE, Role.ENGINEER, str(BU_A))
        with pytest.raises(ValueError, match="Not a role"):
            authz.load_grants([(BOB, "viewer", ORG_SCOPE), (BOB, "overlord", ORG_SCOPE)])
        assert authz.grants_of(ALICE) == {("engineer", str(BU_A))}
        assert authz.grants_of(BOB) == frozenset()

    def test_replace_subject_sets_one_subject_only(self, authz: CasbinAuthorizer) -> None:
        authz.load_grants([(ALICE, "engineer", str(BU_A)), (BOB, "engineer", str(BU_A))])
        authz.replace_subject(ALICE, [("sre", str(BU_B)), ("viewer", ORG_SCOPE)])
        assert authz.grants_of(ALICE) == {("sre", str(BU_B)), ("viewer", ORG_SCOPE)}
        assert authz.grants_of(BOB) == {("engineer", str(BU_A))}
        authz.replace_subject(ALICE, [])
        assert authz.grants_of(ALICE) == frozenset()
        assert authz.check(actor(ALICE), Action.READ, Resource.SERVICE, BU_B) is None

    @pytest.mark.parametrize(
        ("subject", "role", "domain", "message"),
        [
            (ALICE, "overlord", ORG_SCOPE, "Not a role"),
            (ALICE, "viewer", "marketing", "Not a domain"),
            (ALICE, "viewer", "", "Not a domain"),
            ("", "viewer", ORG_SCOPE, "Not a subject"),
            ("*", "viewer", ORG_SCOPE, "org scope"),
            ("viewer", "viewer", ORG_SCOPE, "named like a role"),
            ("system", "viewer", ORG_SCOPE, "built-in"),
        ],
    )
    def test_refuses_what_is_not_a_grant(
        self, authz: CasbinAuthorizer, subject: str, role: str, domain: str, message: str
    ) -> None:
        with pytest.raises(ValueError, match=message):
            authz.add_grant(subject, role, domain)

    def test_counts_and_lists_grants(self, authz: CasbinAuthorizer) -> None:
        authz.load_grants([(ALICE, "engineer", str(BU_A)), (ALICE, "sre", str(BU_A))])
        assert authz.grant_count() == 3  # the system's built-in org admin grant included
        assert set(authz.grants()) == {
            (ALICE, "engineer", str(BU_A)),
            (ALICE, "sre", str(BU_A)),
            ("system", "org_admin", ORG_SCOPE),
        }


class TestTheSystemActor:
    def test_may_do_everything_and_keeps_its_grant(self, authz: CasbinAuthorizer) -> None:
        authz.load_grants([])
        assert authz.check(SYSTEM_ACTOR, Action.CREATE, Resource.BUSINESS_UNIT, None) == (
            "g(system, org_admin, *) ∧ p(org_admin, business_unit, create)"
        )
        assert authz.scope(SYSTEM_ACTOR, Action.EXPORT, Resource.AUDIT_TRAIL).everywhere

    def test_can_be_left_out(self) -> None:
        authz = CasbinAuthorizer(builtin_grants=())
        assert authz.check(SYSTEM_ACTOR, Action.READ, Resource.SERVICE, None) is None


class TestAPolicyOutsideTheVocabulary:
    def test_is_refused_at_construction(self, tmp_path: Any) -> None:
        from authz.authorizer import MODEL_PATH

        policy = tmp_path / "policy.csv"
        policy.write_text("p, viewer, spaceship, read\n")
        with pytest.raises(PolicyError, match="outside the vocabulary"):
            CasbinAuthorizer(MODEL_PATH, policy)

    def test_with_grants_in_it_is_refused(self, tmp_path: Any) -> None:
        from authz.authorizer import MODEL_PATH

        policy = tmp_path / "policy.csv"
        policy.write_text("p, viewer, team, read\ng, person:x, viewer, *\n")
        with pytest.raises(PolicyError, match="permissions only"):
            CasbinAuthorizer(MODEL_PATH, policy)

    def test_a_model_without_org_scope_is_refused(self, tmp_path: Any) -> None:
        from authz.authorizer import MODEL_PATH, POLICY_PATH

        model = tmp_path / "model.conf"
        model.write_text(
            MODEL_PATH.read_text().replace(' || g(r.sub, p.sub, "*")', ""), encoding="utf-8"
        )
        with pytest.raises(PolicyError, match="disagrees"):
            CasbinAuthorizer(model, POLICY_PATH)


class TestWhoMayGrantWhat:
    def test_nobody_grants_a_role_above_their_own(self) -> None:
        assert grant_refusal({"bu_admin"}, "bu_admin", str(BU_A)) is None
        assert grant_refusal({"bu_admin"}, "engineer", str(BU_A)) is None
        assert grant_refusal({"engineer"}, "release_manager", str(BU_A))
        assert grant_refusal(set(), "viewer", str(BU_A))

    def test_org_only_roles_are_granted_at_org_scope_only(self) -> None:
        assert grant_refusal({"org_admin"}, "auditor", str(BU_A))
        assert grant_refusal({"org_admin"}, "auditor", ORG_SCOPE) is None
        assert grant_refusal({"org_admin"}, "org_admin", ORG_SCOPE) is None

    def test_a_bu_admin_cannot_mint_an_auditor(self) -> None:
        assert grant_refusal({"bu_admin"}, "auditor", ORG_SCOPE)

    def test_unknown_roles_are_refused(self) -> None:
        assert grant_refusal({"org_admin"}, "overlord", ORG_SCOPE)


# -- agreement with Casbin's own enforce -----------------------------------------------------

SUBJECTS = [f"person:{i}" for i in range(4)] + [f"token:{i}" for i in range(2)]
DOMAINS = [str(BU_A), str(BU_B), str(BU_C), ORG_SCOPE]
grant_sets = st.lists(
    st.tuples(st.sampled_from(SUBJECTS), st.sampled_from(list(Role)), st.sampled_from(DOMAINS)),
    max_size=25,
)
actors = st.lists(st.sampled_from(SUBJECTS), min_size=1, max_size=2, unique=True)


def uuid_or_none(domain: str) -> uuid.UUID | None:
    return None if domain == ORG_SCOPE else uuid.UUID(domain)


class TestTheIndexAgreesWithCasbin:
    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        grants=grant_sets,
        subjects=actors,
        resource=st.sampled_from(list(Resource)),
        action=st.sampled_from(list(Action)),
    )
    def test_on_random_grant_sets(
        self,
        grants: list[tuple[str, str, str]],
        subjects: list[str],
        resource: Resource,
        action: Action,
    ) -> None:
        authz = CasbinAuthorizer(builtin_grants=())
        authz.load_grants(grants)
        enforcer = authz.casbin_enforcer()
        who = actor(*subjects)
        for domain in DOMAINS:
            expected = all(
                enforcer.enforce(s, domain, resource.value, action.value) for s in subjects
            )
            rule = authz.check(who, action, resource, uuid_or_none(domain))
            assert (rule is not None) is expected, (domain, rule)
            if rule is not None:
                for subject in subjects:
                    assert f"g({subject}, " in rule
        scope = authz.scope(who, action, resource)
        assert scope.everywhere is all(
            enforcer.enforce(s, ORG_SCOPE, resource.value, action.value) for s in subjects
        )
        for domain in DOMAINS[:-1]:
            expected = all(
                enforcer.enforce(s, domain, resource.value, action.value) for s in subjects
            )
            assert scope.allows(uuid.UUID(domain)) is expected

    @settings(max_examples=40, deadline=None, database=None)
    @given(grants=grant_sets, subject=st.sampled_from(SUBJECTS), domain=st.sampled_from(DOMAINS))
    def test_roles_agree_with_casbins_implicit_roles(
        self, grants: list[tuple[str, str, str]], subject: str, domain: str
    ) -> None:
        authz = CasbinAuthorizer(builtin_grants=())
        authz.load_grants(grants)
        enforcer = authz.casbin_enforcer()
        expected = set(enforcer.get_roles_for_user_in_domain(subject, domain))
        if domain != ORG_SCOPE:
            expected |= set(enforcer.get_roles_for_user_in_domain(subject, ORG_SCOPE))
        assert authz.roles(actor(subject), uuid_or_none(domain)) == expected

    def test_after_incremental_changes(self) -> None:
        rng = random.Random(7)
        authz = CasbinAuthorizer(builtin_grants=())
        for _ in range(300):
            grant = (rng.choice(SUBJECTS), rng.choice(list(Role)), rng.choice(DOMAINS))
            if rng.random() < 0.6:
                authz.add_grant(*grant)
            else:
                authz.remove_grant(*grant)
        enforcer = authz.casbin_enforcer()
        for subject in SUBJECTS:
            for domain in DOMAINS:
                for resource in Resource:
                    for action in (Action.READ, Action.UPDATE, Action.GRANT, Action.EXPORT):
                        expected = enforcer.enforce(subject, domain, resource.value, action.value)
                        got = authz.check(actor(subject), action, resource, uuid_or_none(domain))
                        assert (got is not None) is expected


# -- concurrency and speed -----------------------------------------------------------------


class TestConcurrentChanges:
    def test_grants_changing_while_others_check_never_break_a_check(self) -> None:
        authz = CasbinAuthorizer()
        people = [f"person:{uuid.uuid4()}" for _ in range(50)]
        bus = [str(uuid.uuid4()) for _ in range(5)]
        authz.load_grants((p, "engineer", bus[i % 5]) for i, p in enumerate(people))
        errors: list[BaseException] = []
        stop = threading.Event()

        def guarded(fn: Any) -> Any:
            def run() -> None:
                try:
                    fn()
                except BaseException as exc:  # the test reports it
                    errors.append(exc)

            return run

        @guarded
        def checker() -> None:
            rng = random.Random()
            while not stop.is_set():
                who = actor(rng.choice(people), rng.choice(people))
                bu = uuid.UUID(rng.choice(bus))
                rule = authz.check(who, Action.UPDATE, Resource.SERVICE, bu)
                assert rule is None or rule.count(" ∧ ") == 3
                authz.scope(who, Action.READ, Resource.SERVICE)
                authz.roles(who, bu)

        @guarded
        def changer() -> None:
            rng = random.Random()
            while not stop.is_set():
                subject, role, bu = rng.choice(people), rng.choice(list(Role)), rng.choice(bus)
                op = rng.random()
                if op < 0.45:
                    authz.add_grant(subject, role, bu)
                elif op < 0.9:
                    authz.remove_grant(subject, role, bu)
                elif op < 0.98:
                    authz.replace_subject(subject, [(role, bu), ("viewer", ORG_SCOPE)])
                else:
                    authz.load_grants((p, "viewer", rng.choice(bus)) for p in people)
                list(authz.grants())

        threads = [threading.Thread(target=checker) for _ in range(3)]
        threads += [threading.Thread(target=changer) for _ in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        assert not errors, errors[:3]
        assert not any(thread.is_alive() for thread in threads)
