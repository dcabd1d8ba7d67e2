"""NFR results arriving as CDEvents, recorded as staging runs through the readiness use case
(domain.readiness.nfr_service.record_run), in either of two carriers:

- a `testsuiterun.finished` whose `customData.nfr` holds them (domain.pipelines.cdevents_effects
  resolves its artifact first);
- Signalbox's custom event `dev.cdeventsx.<producer>-nfrresults.reported.0.1.x` (CDEvents
  custom events: `dev.cdeventsx.<tool>-<subject>.<predicate>.<version>`), whose subject is the
  run: `subject.id` names it, `subject.content` holds `service` (a service key of the BU),
  `version` (the artifact version), or instead of either an `artifactId` package URL naming
  them as for artifacts; `environment` (a staging environment key, or `{"id": key}`),
  `results` (figures by NFR key) and optionally `url`. The run finished at the event's
  timestamp.

Results that cannot be recorded (no such service or environment, not staging, a figure that is
no finite number, an unknown NFR key, a run already recorded...) leave the event UNRESOLVED with
the reason, and nothing is recorded (a savepoint).
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError

from domain.kernel.errors import DomainError
from domain.kernel.integrity import refusal_for
from domain.kernel.uow import UnitOfWork
from domain.pipelines import cdevents_rules as rules
from domain.pipelines import repository as repo
from domain.pipelines.models import CdEvent
from domain.pipelines.vocabulary import CdEventOutcome
from domain.readiness import nfr_service
from domain.readiness.nfr_commands import RecordNfrRun
from domain.readiness.nfr_vocabulary import NfrRunSource

Outcome = tuple[CdEventOutcome, str]
SUPPORTED = ", ".join(f"{v}.x" for v in sorted(rules.NFR_RESULTS_VERSIONS))


def _figures(results: dict[Any, Any]) -> tuple[tuple[str, float], ...]:
    """Each figure as a float; anything but a number becomes NaN, which the use case refuses
    with its key."""
    return tuple(
        (str(k), float(v) if isinstance(v, int | float) and not isinstance(v, bool) else math.nan)
        for k, v in results.items()
    )


async def record_results(
    uow: UnitOfWork,
    row: CdEvent,
    service_id: uuid.UUID,
    version: str,
    nfr: Any,
    rule: str,
    where: str = "customData.nfr",
) -> tuple[bool, str]:
    """NFR results (`environment`, `results`, optional `url` in `nfr`) recorded as a staging run
    of the service's version named by the event's subject id; False and why when they are not."""
    results = nfr.get("results") if isinstance(nfr, dict) else None
    env_ref = nfr.get("environment") if isinstance(nfr, dict) else None
    env_key = rules.ref_id(env_ref) if isinstance(env_ref, dict) else env_ref
    if not isinstance(results, dict) or not isinstance(env_key, str) or not env_key:
        return False, f"NFR results need {where}.environment and {where}.results."
    environment_id = await repo.environment_for(uow.session, row.bu_id, env_key)
    if environment_id is None:
        return False, f"NFR results not recorded: no environment {env_key[:100]!r} in the BU."
    figures = _figures(results)
    url = nfr.get("url")
    command = RecordNfrRun(
        service_id=service_id,
        environment_id=environment_id,
        artifact_version=version,
        name=row.subject_id,
        finished_at=row.timestamp,
        figures=figures,
        url=url if isinstance(url, str) else None,
        source=NfrRunSource.CDEVENTS,
    )
    try:
        async with uow.savepoint():
            await nfr_service.record_run(uow, command, authorized=rule)
    except DomainError as exc:
        return False, f"NFR results not recorded: {exc.message}"
    except IntegrityError as exc:
        refusal = refusal_for(exc)
        if refusal is None:
            raise
        return False, f"NFR results not recorded: {refusal.message}"
    return True, f"NFR results ({len(figures)}) recorded for {env_key}."


def _service_and_version(content: dict[str, Any]) -> tuple[str, str, str]:
    """The service key and artifact version the content names, or why it names none."""
    purl = content.get("artifactId")
    parsed = rules.parse_purl(purl) if isinstance(purl, str) else None
    if isinstance(purl, str) and parsed is None:
        return "", "", f"{purl[:200]!r} is not a package URL."
    service = content.get("service")
    version = content.get("version")
    key = service if isinstance(service, str) else (parsed.name if parsed else "")
    named = version if isinstance(version, str) else (parsed.version if parsed else None)
    if not key:
        return "", "", "No service named (subject.content.service or artifactId)."
    if not named:
        return "", "", "No artifact version named (subject.content.version or artifactId)."
    return key, named, ""


async def nfr_results_event(uow: UnitOfWork, row: CdEvent, rule: str) -> Outcome:
    """The custom NFR results event: a staging run of the service's version, or UNRESOLVED."""
    version = rules.nfr_results_version(row.type)
    if version not in rules.NFR_RESULTS_VERSIONS:
        return (
            CdEventOutcome.UNRESOLVED,
            f"NFR results events of version {version} are not read (Signalbox reads {SUPPORTED}).",
        )
    content = row.payload["subject"]["content"]
    key, artifact_version, why = _service_and_version(content)
    if why:
        return CdEventOutcome.UNRESOLVED, why
    service = await repo.service_in(uow.session, row.bu_id, key)
    if service is None:
        return CdEventOutcome.UNRESOLVED, f"No service {key[:100]!r} in this business unit."
    recorded, note = await record_results(
        uow, row, service.id, artifact_version, content, rule, where="subject.content"
    )
    outcome = CdEventOutcome.PROCESSED if recorded else CdEventOutcome.UNRESOLVED
    return outcome, note
