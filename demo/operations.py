"""Day-to-day operations in the living world: feature flags in rollout (one production change
applied after approval, one still waiting for it), incidents reported by monitoring over
CDEvents (one open, one resolved) and maintenance windows in the coming weeks."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from demo.cast import Cast
from domain.calendar import commands as cal_cmd
from domain.calendar import windows
from domain.flags import changes, flags
from domain.flags import commands as fc
from domain.flags import repository as flag_repo
from domain.flags.definitions import EnvironmentState, Rollout, Rule
from domain.flags.rules import Variant
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork
from domain.pipelines import cdevents
from domain.pipelines.cdevents_schemas import shipped
from domain.pipelines.commands import IngestEvent

if TYPE_CHECKING:
    from api.runtime import Runtime

TOKENS_FLAG = "card-gateway.network-tokens"
RETAIL_FLAG = "card-controls.freeze-from-lock-screen"

# (title, service keys, days from now, start hour UTC, hours)
MAINTENANCE = [
    ("Ledger index maintenance", ["ledger-core"], 3, 22, 2),
    ("Settlement database failover drill", ["settlement"], 10, 21, 3),
    ("Card gateway certificate renewal", ["card-gateway"], 17, 6, 1),
]


def _rollout(percentage: int) -> EnvironmentState:
    return EnvironmentState(
        enabled=True,
        rules=(Rule(rollout=Rollout(percentage), description=f"{percentage} % of cardholders"),),
    )


async def load_operations(runtime: Runtime, cast: Cast) -> None:
    run = runtime.units.run
    pending = await run(lambda uow: _flags(uow, cast), actor=cast.actor("engineer"))
    await run(
        lambda uow: changes.decide_change(
            uow, fc.DecideChange(pending, True, "Staging clean for a week; 25 % in the EU.")
        ),
        actor=cast.actor("payments-admin"),
    )
    await run(lambda uow: _us_rollout(uow, cast), actor=cast.actor("engineer"))
    await run(lambda uow: _retail_flag(uow, cast), actor=cast.actor("retail-admin"))
    await run(lambda uow: _incidents(uow), actor=cast.actor("ci"))
    for title, keys, days, hour, hours in MAINTENANCE:
        await _maintenance(runtime, cast, title, keys, days, hour, hours)


async def _flag(uow: UnitOfWork, cast: Cast, service: str, key: str, **made: Any) -> uuid.UUID:
    """A temporary flag of a demo service, expiring two months after loading."""
    flag = await flags.create_flag(
        uow,
        fc.CreateFlag(
            service_id=cast.services[service],
            key=key,
            expires_at=uow.clock.now() + timedelta(days=60),
            **made,
        ),
    )
    return flag.id


async def _flags(uow: UnitOfWork, cast: Cast) -> uuid.UUID:
    """The network tokens flag: on in staging, a 25 % production-eu rollout asked for (the card
    gateway is critical, so it waits for approval); the id of that change."""
    tokens = await _flag(
        uow,
        cast,
        "card-gateway",
        TOKENS_FLAG,
        name="Network tokens for card-on-file",
        kind="release",
        value_type="boolean",
        description="Store network tokens instead of card numbers.",
    )
    await changes.set_state(
        uow, fc.SetState(tokens, "payments-express-staging", _rollout(100), reason="Staging")
    )
    eu = await changes.set_state(
        uow,
        fc.SetState(
            tokens, "production-eu", _rollout(25), production=True, reason="First cardholders"
        ),
    )
    assert eu.change is not None
    return eu.change.id


async def _retail_flag(uow: UnitOfWork, cast: Cast) -> None:
    """A retail experiment served to half the EU's app users (not critical: applied at once)."""
    retail = await _flag(
        uow,
        cast,
        "card-controls",
        RETAIL_FLAG,
        name="Freeze a card from the lock screen",
        kind="experiment",
        value_type="string",
        variants=[Variant("widget", "widget"), Variant("menu", "menu")],
        default_variant="menu",
        off_variant="menu",
    )
    await changes.set_state(
        uow,
        fc.SetState(retail, "production-eu", _rollout(50), production=True, reason="A/B test"),
    )


async def _us_rollout(uow: UnitOfWork, cast: Cast) -> None:
    """The next step, 10 % in the US, waits for someone other than its requester."""
    flag = await flag_repo.flag_by_key(uow.session, TOKENS_FLAG)
    await changes.set_state(
        uow,
        fc.SetState(flag.id, "production-us", _rollout(10), production=True, reason="US pilot"),
    )


def _incident(kind: str, ref: str, description: str, at: str) -> IngestEvent:
    source = "/monitoring/prometheus-eu"
    body = {
        "context": {
            "specversion": "0.5.1",
            "id": f"{ref}-{kind}",
            "source": source,
            "type": f"dev.cdevents.incident.{kind}.0.3.0",
            "timestamp": at,
        },
        "subject": {
            "id": ref,
            "source": source,
            "content": {
                "description": description,
                "environment": {"id": "production-eu"},
                "service": {"id": "card-gateway"},
            },
        },
    }
    return IngestEvent(f"{ref}-{kind}", source, body["context"]["type"], body, "payments")


async def _incidents(uow: UnitOfWork) -> None:
    """Monitoring's reports: yesterday's latency incident, resolved; today's, open."""
    now = uow.clock.now()

    def stamp(ago: timedelta) -> str:
        return (now - ago).isoformat().replace("+00:00", "Z")

    for event in (
        _incident(
            "detected",
            "INC-2041",
            "p99 authorisation latency above 400 ms",
            stamp(timedelta(hours=26)),
        ),
        _incident("resolved", "INC-2041", "Latency back under 200 ms", stamp(timedelta(hours=25))),
        _incident(
            "detected",
            "INC-2057",
            "Issuer timeouts from one acquirer",
            stamp(timedelta(minutes=40)),
        ),
    ):
        await cdevents.ingest_event(uow, event, shipped())


async def _maintenance(
    runtime: Runtime, cast: Cast, title: str, keys: list[str], days: int, hour: int, hours: int
) -> None:
    """A maintenance window, a week later each time a freeze or conflict blocks it."""
    today = runtime.clock.now().replace(minute=0, second=0, microsecond=0)
    for week in range(4):
        start = today.replace(hour=hour) + timedelta(days=days + 7 * week)
        plan = cal_cmd.PlanWindow(
            bu_id=cast.bus["payments"],
            kind="maintenance",
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            environment="production-eu",
            service_ids=[cast.services[k] for k in keys],
        )
        try:
            await runtime.units.run(
                lambda uow, plan=plan: windows.plan_window(uow, plan), actor=cast.actor("sre")
            )
            return
        except DomainError:
            continue
