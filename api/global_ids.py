"""Global ids at the edge: the domain speaks raw UUIDs, every API answers in `Type:uuid` ids.

One place knows which GraphQL type an id names: the evidence of a gate by its key, an audit
record by its entity type. GraphQL and the machine endpoints both encode and decode here, and
accept a raw UUID where they did before (deprecated, for one release).
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Mapping
from typing import Any

from domain.kernel.errors import DomainError

UUID_SHAPE = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
"""A raw UUID as the domain writes it (what no answer should carry any more)."""


def to_global_id(type_name: str, id_: uuid.UUID | str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{id_}".encode()).decode()


def type_of_global_id(global_id: str, field: str = "id") -> tuple[str, uuid.UUID]:
    """The type name and UUID of `Type:uuid`; anything else is a BAD_USER_INPUT naming `field`."""
    try:
        type_name, _, raw = base64.urlsafe_b64decode(global_id.encode()).decode().partition(":")
        return type_name, uuid.UUID(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise DomainError(f"'{global_id}' is not a Signalbox id.", field=field) from None


def from_global_id(global_id: str, expected: str | None = None, field: str = "id") -> uuid.UUID:
    """Decode `Type:uuid`; a wrong or foreign id is a BAD_USER_INPUT naming the field."""
    type_name, value = type_of_global_id(global_id, field)
    if expected is not None and type_name != expected:
        raise DomainError(f"'{global_id}' is not the id of a {expected}.", field=field)
    return value


def from_id_or_uuid(value: str, expected: str, field: str) -> uuid.UUID:
    """A global id of `expected`, or (deprecated, for one release) the raw UUID it wraps."""
    if UUID_SHAPE.match(value):
        return uuid.UUID(value)
    return from_global_id(value, expected, field)


EVIDENCE_IDS: Mapping[str, str] = {
    "businessUnitId": "BusinessUnit",
    "completedById": "Person",
    "current": "VendorAttestation",
    "departureId": "Departure",
    "evidenceIds": "Evidence",
    "freezes": "Freeze",
    "ownerId": "Person",
    "pipelineId": "Pipeline",
    "procedureId": "DrProcedure",
    "nfrRunId": "NfrRun",
    "stagingEnvironmentId": "Environment",
    "dataMigrationIds": "DataMigration",
    "readinessReviewId": "ReadinessReview",
    "serviceReadinessReviewId": "ReadinessReview",
    "serviceSignedOffById": "Person",
    "releaseId": "Release",
    "serviceId": "Service",
    "sessionId": "GoNoGoSession",
    "signedOffById": "Person",
    "signOffs": "SignOff",
    "teamId": "Team",
    "vendorId": "Vendor",
    "waivedBy": "Bypass",
    "noticeId": "DowntimeNotice",
    "unacknowledged": "Team",
    "authors.id": "Person",
    "release.id": "Release",
    "reviewers.id": "Person",
    "services.id": "Service",
}
"""The GraphQL type of the ids that gate evidence, a recorded decision or its changes hold, by
key: the key's value is an id, a list of ids, or (`current`) a mapping whose values are ids;
`owner.id` is the `id` of the object (or of each object listed) under `owner`."""


def with_global_ids(document: Mapping[str, Any], owner: str = "") -> dict[str, Any]:
    """`document` (plain JSON) with every id under a key of `EVIDENCE_IDS` as a global id."""
    return {key: _converted(key, value, owner) for key, value in document.items()}


def _converted(key: str, value: Any, owner: str) -> Any:
    type_name = EVIDENCE_IDS.get(key) or EVIDENCE_IDS.get(f"{owner}.{key}")
    if isinstance(value, Mapping):
        if type_name is not None:
            return {k: _as_global(type_name, v) for k, v in value.items()}
        return with_global_ids(value, key)
    if isinstance(value, list):
        if type_name is not None:
            return [_as_global(type_name, v) for v in value]
        return [_converted(key, v, owner) for v in value]
    return value if type_name is None else _as_global(type_name, value)


def _as_global(type_name: str, value: Any) -> Any:
    if isinstance(value, str) and UUID_SHAPE.match(value):
        return to_global_id(type_name, value)
    return value


AUDITED_TYPES: Mapping[str, str] = {
    "alignment": "Alignment",
    "api_token": "ApiToken",
    "artifact": "Artifact",
    "board": "Board",
    "business_unit": "BusinessUnit",
    "bypass": "Bypass",
    "bypass_review": "BypassReview",
    "calendar_feed": "CalendarFeed",
    "cd_event": "CdEvent",
    "config_snapshot": "ConfigSnapshot",
    "departure": "Departure",
    "deployment": "Deployment",
    "deployment_health_report": "DeploymentHealthReport",
    "deployment_report": "DeploymentReport",
    "deployment_window": "DeploymentWindow",
    "document_template": "DocumentTemplate",
    "dr_procedure": "DrProcedure",
    "nfr_run": "NfrRun",
    "data_migration": "DataMigration",
    "volume_profile": "VolumeProfile",
    "environment": "Environment",
    "evidence": "Evidence",
    "feature": "Feature",
    "flag": "Flag",
    "flag_segment": "FlagSegment",
    "freeze": "Freeze",
    "freeze_exception": "FreezeException",
    "go_no_go": "GoNoGoSession",
    "integration_window": "IntegrationWindow",
    "peer_review": "PeerReview",
    "person": "Person",
    "pipeline": "Pipeline",
    "pipeline_run": "PipelineRun",
    "program_increment": "ProgramIncrement",
    "promotion": "Promotion",
    "readiness_review": "ReadinessReview",
    "readiness_review_template": "ReadinessReviewTemplate",
    "post_release_review": "PostReleaseReview",
    "metric_template": "PostReleaseMetricTemplate",
    "feedback": "PostReleaseFeedback",
    "log_signal": "PostReleaseLogSignalReport",
    "release": "Release",
    "reservation": "Reservation",
    "risk_assessment": "RiskAssessment",
    "role_grant": "RoleGrant",
    "service": "Service",
    "sign_off": "SignOff",
    "sign_off_rule": "SignOffRule",
    "team": "Team",
    "train": "Train",
    "unauthorized_change": "UnauthorizedChange",
    "vendor": "Vendor",
    "vendor_attestation": "VendorAttestation",
    "vendor_release": "VendorRelease",
    "webhook_subscription": "WebhookSubscription",
    "downtime_notice": "DowntimeNotice",
    "downtime_subscription": "DowntimeSubscription",
}
"""The GraphQL type of an audited entity, by the audit record's entity type; an entity type
not listed (a vote, a link, an evidence pack) has no type of its own and keeps its raw id."""


def audited_entity_id(entity_type: str, entity_id: str) -> str:
    """The global id of an audited entity where its type has one, else its id as recorded."""
    type_name = AUDITED_TYPES.get(entity_type)
    return entity_id if type_name is None else _as_global(type_name, entity_id)


def audited_entity_filter(value: str, entity_type: str | None) -> str:
    """The recorded entity id an audit filter's `entityId` means: a global id (of the type
    `entity_type` has, if named) or, deprecated, the raw id."""
    if UUID_SHAPE.match(value) or (entity_type and entity_type not in AUDITED_TYPES):
        return value
    expected = AUDITED_TYPES.get(entity_type) if entity_type else None
    return str(from_global_id(value, expected, "entityId"))


PACK_FORMAT = "signalbox.evidence-pack/2"
"""An evidence pack whose ids are global ids. Format /1 gave raw UUIDs; a /1 pack still
verifies as it did, since its digest is over its own body."""


def pack_with_global_ids(pack: dict[str, Any]) -> dict[str, Any]:
    """An evidence pack (before it is sealed) naming what it lists by global id. An item's
    `after` stays as the audit record holds it: it is quoted from the record its hash covers."""
    return {
        **pack,
        "format": PACK_FORMAT,
        "release": with_global_ids(pack["release"], "release"),
        "items": [{**item, "entity": _entity(item["entity"])} for item in pack["items"]],
        "gates": [with_global_ids(gate) for gate in pack["gates"]],
    }


def _entity(entity: Mapping[str, str]) -> dict[str, str]:
    return {**entity, "id": audited_entity_id(entity["type"], entity["id"])}
