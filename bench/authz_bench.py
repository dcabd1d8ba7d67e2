"""Authorization checks per second: the CasbinAuthorizer index against plain Casbin `enforce`.

Run: .venv/bin/python bench/authz_bench.py [--sizes 1000,10000,100000] [--checks 50000]

Grant sets look like an organization: many people across BUs, mostly engineers and viewers,
a few BU admins and release managers, a handful of org-wide grants (RMO, auditors), and API
tokens scoped to a subset of their person's roles. Requests are mostly reads, mostly in a BU
where the person works, and one in five comes through a token (two subjects to satisfy).
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from authz.authorizer import CasbinAuthorizer, Grant
from authz.vocabulary import ORG_SCOPE, Action, Resource, Role
from domain.kernel.access import Actor

BU_ROLES = [
    (Role.ENGINEER, 45),
    (Role.VIEWER, 18),
    (Role.SRE, 10),
    (Role.APPROVER, 10),
    (Role.RELEASE_MANAGER, 6),
    (Role.BU_ADMIN, 4),
    (Role.CI, 4),
]
ORG_ROLES = [
    (Role.VIEWER, 50),
    (Role.AUDITOR, 25),
    (Role.RELEASE_MANAGER, 15),
    (Role.ORG_ADMIN, 10),
]
ACTIONS = [(Action.READ, 70), (Action.UPDATE, 12), (Action.CREATE, 10), (Action.DELETE, 5)]
ACTIONS += [(Action.GRANT, 2), (Action.EXPORT, 1)]


def weighted(rng: random.Random, table: list[tuple[Role, int]] | list[tuple[Action, int]]) -> str:
    values, weights = zip(*table, strict=True)
    return str(rng.choices(values, weights)[0])


@dataclass
class Workload:
    grants: list[Grant]
    actors: list[Actor]
    homes: dict[str, list[uuid.UUID]]
    bus: list[uuid.UUID]


def organization(size: int, rng: random.Random) -> Workload:
    """`size` distinct grants: 92% people in BUs, 3% org-wide, 5% API token scopes."""
    bus = [uuid.uuid4() for _ in range(max(10, size // 2500))]
    people = [f"person:{uuid.uuid4()}" for _ in range(max(10, int(size / 1.6)))]
    grants: dict[Grant, None] = {}
    homes: dict[str, list[uuid.UUID]] = {}
    for person in people:
        home = rng.choice(bus)
        homes[person] = [home]
        grants[(person, weighted(rng, BU_ROLES), str(home))] = None
    while len(grants) < int(size * 0.92):
        person = rng.choice(people)
        bu = rng.choice(homes[person]) if rng.random() < 0.7 else rng.choice(bus)
        if bu not in homes[person]:
            homes[person].append(bu)
        grants[(person, weighted(rng, BU_ROLES), str(bu))] = None
    while len(grants) < int(size * 0.95):
        grants[(rng.choice(people), weighted(rng, ORG_ROLES), ORG_SCOPE)] = None
    held: dict[str, list[tuple[str, str]]] = {}
    for subject, role, domain in grants:
        held.setdefault(subject, []).append((role, domain))
    token_owner: dict[str, str] = {}
    while len(grants) < size:
        person = rng.choice(people)
        token = f"token:{uuid.uuid4()}"
        token_owner[token] = person
        role, domain = rng.choice(held[person])
        grants[(token, role, domain)] = None
    actors = [Actor(None, person, person, (person,)) for person in people]
    for token, person in token_owner.items():
        actors.append(Actor(None, person, person, (person, token)))
        homes[token] = homes[person]
    return Workload(list(grants), actors, homes, bus)


def requests(
    work: Workload, count: int, rng: random.Random
) -> list[tuple[Actor, Action, Resource, uuid.UUID | None]]:
    people = [a for a in work.actors if len(a.subjects) == 1]
    via_tokens = [a for a in work.actors if len(a.subjects) == 2] or people
    resources = list(Resource)
    out: list[tuple[Actor, Action, Resource, uuid.UUID | None]] = []
    for _ in range(count):
        actor = rng.choice(via_tokens) if rng.random() < 0.2 else rng.choice(people)
        roll = rng.random()
        if roll < 0.7:
            bu: uuid.UUID | None = rng.choice(work.homes[actor.subjects[0]])
        elif roll < 0.95:
            bu = rng.choice(work.bus)
        else:
            bu = None
        out.append((actor, Action(weighted(rng, ACTIONS)), rng.choice(resources), bu))
    return out


def time_per_call(
    fn: object, calls: list[tuple[object, ...]], repeats: int = 3, budget_s: float = 0.0
) -> float:
    """Median over `repeats` runs of the mean seconds per call.

    With a budget, one run that stops early once `budget_s` seconds have passed.
    """
    runs = []
    for _ in range(1 if budget_s else repeats):
        started = time.perf_counter()
        done = 0
        for args in calls:
            fn(*args)  # type: ignore[operator]
            done += 1
            if budget_s and time.perf_counter() - started > budget_s:
                break
        runs.append((time.perf_counter() - started) / done)
    return statistics.median(runs)


def bench(
    size: int, checks: int, enforce_checks: int, budget_s: float, seed: int
) -> dict[str, float]:
    rng = random.Random(seed)
    work = organization(size, rng)
    authz = CasbinAuthorizer()
    started = time.perf_counter()
    authz.load_grants(work.grants)
    load_s = time.perf_counter() - started
    reqs = requests(work, checks, rng)

    check_s = time_per_call(authz.check, reqs)  # type: ignore[arg-type]
    scope_reqs = [(a, act, res) for a, act, res, _bu in reqs]
    scope_s = time_per_call(authz.scope, scope_reqs)  # type: ignore[arg-type]
    allowed = sum(authz.check(*r) is not None for r in reqs) / len(reqs)

    started = time.perf_counter()
    enforcer = authz.casbin_enforcer()
    casbin_load_s = time.perf_counter() - started
    casbin_reqs = [
        ([(s, ORG_SCOPE if bu is None else str(bu), res.value, act.value) for s in actor.subjects],)
        for actor, act, res, bu in reqs[:enforce_checks]
    ]

    def casbin_check(per_subject: list[tuple[str, str, str, str]]) -> bool:
        return all(enforcer.enforce(*request) for request in per_subject)

    # Casbin builds a role manager per domain on its first check there (and again after
    # grant changes): time that apart from the steady state.
    started = time.perf_counter()
    for domain in [str(bu) for bu in work.bus] + [ORG_SCOPE]:
        enforcer.enforce(work.grants[0][0], domain, "team", "read")
    casbin_warmup_s = time.perf_counter() - started
    enforce_s = time_per_call(casbin_check, casbin_reqs, budget_s=budget_s)  # type: ignore[arg-type]
    for (actor, act, res, bu), (per_subject,) in zip(reqs, casbin_reqs[:100], strict=False):
        if (authz.check(actor, act, res, bu) is not None) != casbin_check(per_subject):
            raise SystemExit(f"index and casbin disagree on {actor.subjects} {act} {res} {bu}")
    return {
        "grants": authz.grant_count(),
        "subjects": len({g[0] for g in work.grants}),
        "bus": len(work.bus),
        "load_s": load_s,
        "casbin_load_s": casbin_load_s,
        "casbin_warmup_s": casbin_warmup_s,
        "check_us": check_s * 1e6,
        "scope_us": scope_s * 1e6,
        "enforce_us": enforce_s * 1e6,
        "allowed": allowed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--checks", type=int, default=50_000)
    parser.add_argument("--enforce-checks", type=int, default=1_000)
    parser.add_argument("--enforce-budget", type=float, default=20.0, help="seconds per size")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    print(
        f"{args.checks} checks per size through the index; up to {args.enforce_checks} (or "
        f"{args.enforce_budget:.0f} s) through plain Casbin enforce; 100 answers compared.\n"
    )
    print(
        "| grants | subjects | BUs | index: load | index: check µs | index: checks/s "
        "| index: scope() µs | Casbin: load | Casbin: first check in each BU "
        "| Casbin: enforce µs | Casbin: checks/s | speed-up | allowed |"
    )
    print("| --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |")
    for size in (int(s) for s in args.sizes.split(",")):
        r = bench(size, args.checks, args.enforce_checks, args.enforce_budget, args.seed)
        print(
            f"| {r['grants']:,.0f} | {r['subjects']:,.0f} | {r['bus']:.0f} "
            f"| {r['load_s'] * 1000:,.0f} ms | {r['check_us']:.2f} | {1e6 / r['check_us']:,.0f} "
            f"| {r['scope_us']:.2f} | {r['casbin_load_s'] * 1000:,.0f} ms "
            f"| {r['casbin_warmup_s']:,.1f} s | {r['enforce_us']:,.0f} "
            f"| {1e6 / r['enforce_us']:,.0f} | {r['enforce_us'] / r['check_us']:,.0f}x "
            f"| {r['allowed']:.0%} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
