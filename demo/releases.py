"""The living world's payments releases, one in every state the lifecycle knows, each with a
risk assessment: a submitted one with an OPEN go/no-go session and some votes, one a GO session
approved and then scheduled onto the train, one deploying, one rolled back, one deployed (to
staging) and one cancelled. Each move is made by the person who would make it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from demo.cast import Cast
from demo.governance import filled_documentation
from domain.calendar import scheduling
from domain.governance import board_repository as board_repo
from domain.governance import commands as gc
from domain.governance import go_no_go, releases
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork
from domain.pipelines import release_completion
from domain.risk import assessments
from domain.risk.commands import AssessRisk
from domain.trains import departures
from domain.trains.commands import Board
from domain.trains.models import Departure

if TYPE_CHECKING:
    from api.runtime import Runtime

# key -> (title, [(service, version)], change types, environments, description)
RELEASES: dict[str, tuple[str, list[tuple[str, str]], list[str], list[str], str]] = {
    "tokens": (
        "Card network tokens",
        [("card-gateway", "4.4.0"), ("ledger-core", "7.2.0")],
        ["api", "schema_migration"],
        ["production"],
        "Store network tokens instead of card numbers for card-on-file payments.",
    ),
    "exemptions": (
        "Card gateway 3-D Secure exemptions",
        [("card-gateway", "4.3.0")],
        ["api"],
        ["production"],
        "Ask issuers for low-value and trusted-merchant exemptions: fewer challenges.",
    ),
    "cutoff": (
        "Settlement cut-off tuning",
        [("settlement", "5.0.3")],
        ["config"],
        ["production"],
        "Move the settlement cut-off to 22:00 CET to catch late US traffic.",
    ),
    "retries": (
        "Payout scheduler retries",
        [("payout-scheduler", "2.7.4")],
        ["config"],
        ["production"],
        "Retry failed payouts with back-off instead of failing the batch.",
    ),
    "warmup": (
        "FX rates cache warm-up",
        [("fx-rates", "1.9.0")],
        ["config"],
        ["staging"],
        "Warm the FX rates cache before the European open.",
    ),
    "statements": (
        "Merchant statements PDF redesign",
        [("reconciliation", "3.4.0")],
        ["ui"],
        ["production"],
        "A new statement layout (withdrawn: the design system changes first).",
    ),
}


@dataclass(frozen=True, slots=True)
class ReleaseWorld:
    ids: dict[str, uuid.UUID]
    versions: dict[str, dict[str, str]]
    """Release key -> service key -> artifact version."""


async def load_releases(runtime: Runtime, cast: Cast, upcoming: list[Departure]) -> ReleaseWorld:
    """Releases in every state, their risk, a decided and an open go/no-go session."""
    run = runtime.units.run
    made = await run(
        lambda uow: _draft_all(uow, cast, upcoming), actor=cast.actor("release-manager")
    )
    ids = {key: release.id for key, release in made.items()}
    await run(lambda uow: _approve(uow, ids), actor=cast.actor("payments-admin"))
    sessions = await run(
        lambda uow: _open_sessions(uow, cast, ids), actor=cast.actor("release-manager")
    )
    for voter, votes in (
        (
            "approver",
            [
                ("tokens", "go", "Tokens never leave the vault; pen test passed."),
                ("exemptions", "go", ""),
            ],
        ),
        ("legal", [("tokens", "abstain", "Waiting for the card scheme's written confirmation.")]),
        ("eng-approver", [("exemptions", "go", "Load test at three times the peak.")]),
        ("product-owner", [("exemptions", "go", "")]),
    ):
        await run(lambda uow, votes=votes: _vote(uow, sessions, votes), actor=cast.actor(voter))
    await run(lambda uow: _close(uow, sessions["exemptions"]), actor=cast.actor("payments-admin"))
    for key in ("exemptions", "cutoff", "retries", "warmup"):
        await _schedule(runtime, cast, ids[key], upcoming)
    await run(lambda uow: _move_on(uow, ids), actor=cast.actor("release-manager"))
    versions = {key: dict(lines) for key, (_title, lines, *_rest) in RELEASES.items()}
    return ReleaseWorld(ids, versions)


async def _draft_all(uow: UnitOfWork, cast: Cast, upcoming: list[Departure]) -> dict[str, Any]:
    start = upcoming[0].departs_at - timedelta(hours=2)
    made = {}
    for key, (title, lines, change_types, environments, description) in RELEASES.items():
        release = await releases.create_release(
            uow,
            gc.CreateRelease(
                bu_id=cast.bus["payments"],
                title=title,
                release_type="standard",
                description=description,
                owner_id=cast.person("release-manager"),
                change_types=change_types,
                environments=environments,
                services=[gc.ServiceLine(cast.services[s], v) for s, v in lines],
                author_ids=[cast.person("engineer")],
                planned_start=start,
                planned_end=start + timedelta(hours=2),
                documentation=filled_documentation(),
            ),
        )
        if key == "statements":
            release = await releases.cancel_release(
                uow, gc.MoveRelease(release.id, release.version, "The design system changes first.")
            )
        else:
            release = await releases.submit_release(
                uow, gc.MoveRelease(release.id, release.version)
            )
        made[key] = release
    for key, departure in (("tokens", upcoming[1]), ("exemptions", upcoming[0])):
        await departures.board(uow, Board(departure.id, made[key].id))
    for release in made.values():
        await assessments.assess_risk(uow, AssessRisk(release.id))
    return made


async def _approve(uow: UnitOfWork, ids: dict[str, uuid.UUID]) -> None:
    """The BU admin approves the small ones (neither their owner nor an author may)."""
    for key in ("cutoff", "retries", "warmup"):
        release = await releases.release_for_update(uow, ids[key])
        await releases.approve_release(uow, gc.MoveRelease(release.id, release.version))


async def _open_sessions(
    uow: UnitOfWork, cast: Cast, ids: dict[str, uuid.UUID]
) -> dict[str, uuid.UUID]:
    board = cast.boards["payments-cab"]
    return {
        key: (await go_no_go.open_session(uow, gc.OpenSession(ids[key], board))).id
        for key in ("tokens", "exemptions")
    }


async def _vote(
    uow: UnitOfWork, sessions: dict[str, uuid.UUID], votes: list[tuple[str, str, str]]
) -> None:
    for key, choice, rationale in votes:
        await go_no_go.cast_vote(uow, gc.CastVote(sessions[key], choice, rationale))


async def _close(uow: UnitOfWork, session_id: uuid.UUID) -> None:
    session = await board_repo.get_session(uow.session, session_id)
    assert session is not None
    await go_no_go.close_session(uow, gc.CloseSession(session.id, session.version))


async def _schedule(
    runtime: Runtime, cast: Cast, release_id: uuid.UUID, upcoming: list[Departure]
) -> None:
    """Into the first departure's slot that no freeze blocks (the quarter-end close may)."""
    for departure in upcoming:
        end: datetime = departure.departs_at
        move = gc.ScheduleRelease(release_id, 0, end - timedelta(hours=2), end)

        async def schedule(uow: UnitOfWork, move: gc.ScheduleRelease = move) -> None:
            release = await releases.release_for_update(uow, move.release_id)
            await scheduling.schedule_release(
                uow,
                gc.ScheduleRelease(
                    release.id, release.version, move.planned_start, move.planned_end
                ),
            )

        try:
            await runtime.units.run(schedule, actor=cast.actor("release-manager"))
            return
        except DomainError:
            continue


async def _move_on(uow: UnitOfWork, ids: dict[str, uuid.UUID]) -> None:
    """Deploying, rolled back and deployed (to staging, so no production promotion is owed)."""
    for key in ("cutoff", "retries", "warmup"):
        release = await releases.release_for_update(uow, ids[key])
        release = await releases.start_release(uow, gc.MoveRelease(release.id, release.version))
        if key == "retries":
            await releases.roll_back_release(
                uow, gc.MoveRelease(release.id, release.version, "Duplicate payouts in canary.")
            )
        elif key == "warmup":
            await release_completion.complete_release(
                uow, gc.MoveRelease(release.id, release.version)
            )
