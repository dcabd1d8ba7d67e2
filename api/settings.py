"""Settings from SIGNALBOX_* environment variables (see the table in README.md)."""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from limits import parse as parse_rate
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SIGNALBOX_", extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    data_dir: Path = Path("data")
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    auto_migrate: bool = True
    log_level: str = "INFO"
    log_json: bool = True

    db_pool_size: int = 10
    db_pool_timeout_seconds: float = 2.0
    statement_timeout_ms: int = 5000
    revocation_lease_seconds: float = Field(
        default=1.5,
        gt=0.5,
        le=60.0,
        description="How long a worker trusts its caches after its grant listener last "
        "confirmed its connection: the bound on revocation when that connection dies silently.",
    )

    oidc_issuer: str | None = None
    oidc_audience: str = "signalbox"
    oidc_jwks_url: str | None = None
    oidc_algorithms: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["RS256", "ES256", "PS256", "EdDSA"]
    )
    oidc_clock_skew_seconds: int = 60
    oidc_jwks_min_refresh_seconds: int = 60
    oidc_subject_claim: str = "sub"
    oidc_username_claim: str = "preferred_username"
    oidc_name_claim: str = "name"
    oidc_email_claim: str = "email"
    oidc_groups_claim: str = "groups"
    oidc_group_roles: dict[str, list[str]] = Field(default_factory=dict)
    max_token_bytes: int = 8192
    local_issuer: str = "signalbox-local"
    allow_local_issuer: bool = Field(
        default=False,
        description="Production only: run with the built-in local token issuer although no "
        "OIDC issuer is configured (SIGNALBOX_ALLOW_LOCAL_ISSUER=true); without it production "
        "refuses to start.",
    )
    token_default_ttl_seconds: int = 8 * 3600

    graphql_max_depth: int = 12
    graphql_max_aliases: int = 30
    graphql_max_tokens: int = 5000
    graphql_max_document_chars: int = 100_000
    graphql_cache_size: int = 512
    graphql_cache_bytes: int = 64 * 1024 * 1024
    # Cost and size limits (api/graphql/limits*.py; the README's "Limits" section).
    # GraphiQL's standard introspection nests 9 type levels (depth 14): introspection has a
    # depth limit of its own, instead of none.
    graphql_max_introspection_depth: int = 15
    graphql_max_cost: int = 100_000
    graphql_list_weight: int = 5
    graphql_max_directives: int = 3
    graphql_max_text_chars: int = 10_000
    graphql_max_response_bytes: int = 8_388_608
    max_body_bytes: int = 1_048_576
    execution_timeout_seconds: float = 10.0
    idempotency_ttl_hours: int = 24

    # Fairness (api/rate_limits.py; the README's "Rate limits" section). Limits are `limits`
    # strings ("600/minute"); with the default per-worker storage they are split among workers.
    rate_limit_enabled: bool = True
    rate_limit_storage: str = "memory://"
    rate_limit_strategy: Literal["moving-window", "sliding-window-counter", "fixed-window"] = (
        "moving-window"
    )
    rate_limit_per_subject: str = "600/minute"
    rate_limit_per_address: str = "300/minute"
    rate_limit_per_operation: str = "300/minute"
    rate_limit_failed_auth_per_address: str = "60/minute"
    rate_limit_in_flight_per_subject: int = 8
    graphql_cost_budget_per_minute: int = 1_000_000
    db_time_budget_ms: float = 5000.0

    # Deployments' outbound webhooks. SIGNALBOX_SECRET_KEY: Fernet key(s), comma-separated,
    # the first seals; unset outside production, one is created in the data directory. Each
    # key is 32 bytes in url-safe base64 (44 characters); see api.startup.secret_key_problem.
    secret_key: str | None = Field(default=None, repr=False)
    outbox_delivery_enabled: bool = True
    outbox_poll_seconds: float = 2.0
    outbox_batch_size: int = 20
    outbox_max_attempts: int = 12
    outbox_backoff_base_seconds: float = 10.0
    outbox_backoff_cap_seconds: float = 3600.0
    webhook_timeout_seconds: float = 5.0
    # Downtime notices by e-mail (README: "Downtime notices"): sent through SMTP when
    # smtp_host is set; the password is never logged (SecretStr) nor stored in the outbox.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = Field(default=None, repr=False)
    smtp_starttls: bool = True
    smtp_use_tls: bool = False
    smtp_from: str = "signalbox@localhost"
    smtp_timeout_seconds: float = 10.0
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where people reach this server: the base of the acknowledgement links "
        "mailed with downtime notices.",
    )
    notice_link_max_age_hours: int = Field(
        default=14 * 24, ge=1, le=90 * 24, description="How long an acknowledgement link works."
    )
    # issue 17: the 24-hour post-release review reads metrics from Prometheus's HTTP API
    prometheus_url: str | None = Field(
        default=None,
        description="Base URL of the Prometheus whose HTTP API post-release reviews read "
        "metrics from (e.g. http://prometheus:9090); unset, reviews show metrics as not "
        "configured.",
    )
    prometheus_timeout_seconds: float = Field(
        default=10.0, gt=0, le=120, description="How long one Prometheus query may take."
    )
    cdevents_schemas_dir: Path | None = Field(
        default=None,
        description="Directory of CDEvents JSON Schemas (every *.json under it with a "
        "https://cdevents.dev/<version>/schema/ $id) that POST /cdevents validates events "
        "against instead of the shipped v0.3.0, v0.4.1 and v0.5.1 schemas.",
    )
    cdevents_webhook_key: str | None = Field(
        default=None,
        repr=False,
        description="Master key that HMAC webhook secrets for CDEvents are derived from; "
        "unset: derived from SIGNALBOX_SECRET_KEY, else (not in production) a key kept in "
        "data_dir (cdevents-webhook.key).",
    )

    housekeeping_seconds: float = Field(
        default=300.0,
        description="How often the housekeeping sweep runs (expiries, post-release reviews, "
        "journeys, attribution, defect patterns, watchers); 0: never in the background.",
    )

    # Signed checkpoints of the audit trail (README: "The audit trail's threat model").
    audit_checkpoint_seconds: float = Field(
        default=60.0, description="How often the server signs the trail's head; 0: never."
    )
    audit_checkpoint_key_file: Path | None = Field(
        default=None,
        description="Ed25519 private key (PKCS#8 PEM) signing checkpoints; unset: "
        "audit-checkpoint-key.pem in data_dir, created once.",
    )
    audit_checkpoint_log: Path | None = Field(
        default=None, description="The checkpoint log; unset: audit-checkpoints.jsonl in data_dir."
    )
    audit_witness_file: Path | None = Field(
        default=None, description="An append-only file that also receives every checkpoint."
    )
    audit_append: Literal["journal", "inline"] = Field(
        default="journal",
        description="PostgreSQL: writers journal their audit entries and a sealer chains them "
        "(journal), or each writer chains its own under the chain lock, writers waiting for "
        "each other (inline). SQLite always chains inline.",
    )
    audit_seal_seconds: float = Field(
        default=0.2,
        ge=0,
        description="PostgreSQL, journal: how often the server chains journaled audit entries; "
        "0: never in the background, only when the trail is read (checkpoints read it) and when "
        "the server stops. Readers of the trail seal first, so none reads stale.",
    )

    components_dir: Path = REPO_ROOT / "web-components" / "dist"
    # Trusted documents (api/graphql/trusted_documents.py; the README's "Trusted documents").
    trusted_documents_only: bool | None = Field(
        default=None,
        description="Browser pages (a request with Origin or Sec-Fetch-Site) may run only the "
        "registered documents: unset means in production only; true or false decides outright.",
    )
    trusted_documents_file: Path = Field(
        default=Path(__file__).resolve().parent / "graphql" / "trusted-documents.json",
        description="The manifest of trusted documents (document id to document) that the "
        "components' build writes; shipped with the package.",
    )
    trusted_documents_refresh_seconds: float = Field(
        default=10.0,
        ge=0,
        description="How often a worker re-reads the documents scripts registered.",
    )
    # The read cache of registered documents (api/graphql/read_cache.py).
    read_cache_seconds: float = Field(
        default=2.0,
        ge=0,
        description="How long a registered query's answer may be served again to the same "
        "caller; every committed write clears it sooner. 0 turns the cache off.",
    )
    read_cache_bytes: int = Field(
        default=32 * 1024 * 1024,
        ge=0,
        description="The read cache's memory budget per process (least recently used first).",
    )
    demo_tokens: bool | None = Field(
        default=None,
        description="POST /components/demo/token mints demo users' tokens: unset means in "
        "development only (and only with the local issuer); true or false decides outright.",
    )
    demo_token_ttl_seconds: int = 3600

    # Live updates (GraphQL subscriptions over graphql-transport-ws on /graphql).
    live_queue_size: int = 16
    live_max_subscribers: int = 10_000
    ws_max_subscriptions_per_connection: int = 20
    ws_connection_init_timeout_seconds: float = 10.0
    ws_recheck_seconds: float = Field(
        default=30.0,
        gt=0,
        description="An open subscription re-checks its caller (token, person, grants) at "
        "least this often; revocations seen by this process re-check at once.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Garbage collection of a server process (api/gc_policy.py; the README's "Garbage
    # collection"): the thresholds ("gen0,gen1,gen2"; empty keeps Python's 700,10,10), and
    # freezing what start-up and the first requests built.
    gc_thresholds: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="gc.set_threshold for the server: three comma-separated counts, or empty "
        "for Python's own.",
    )
    gc_freeze_after_start: bool = True
    gc_freeze_after_requests: int = Field(default=2_000, ge=0)

    @field_validator("gc_thresholds", mode="before")
    @classmethod
    def _gc_counts(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("gc_thresholds")
    @classmethod
    def _three_counts(cls, value: list[int]) -> list[int]:
        if value and (len(value) != 3 or value[0] < 1 or min(value) < 0):
            raise ValueError("three counts (the first at least 1), e.g. 50000,20,10; or empty")
        return value

    @field_validator("oidc_algorithms", "cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("oidc_algorithms")
    @classmethod
    def _asymmetric_only(cls, value: list[str]) -> list[str]:
        refused = [a for a in value if a.lower() == "none" or a.upper().startswith("HS")]
        if refused:
            raise ValueError(f"algorithms {refused} are refused: asymmetric signatures only")
        return value

    @field_validator(
        "rate_limit_per_subject",
        "rate_limit_per_address",
        "rate_limit_per_operation",
        "rate_limit_failed_auth_per_address",
    )
    @classmethod
    def _a_rate(cls, value: str) -> str:
        try:
            parse_rate(value)
        except ValueError:
            raise ValueError(
                f"{value!r} is not a rate: write e.g. 600/minute or 3 per 2 seconds"
            ) from None
        return value

    @cached_property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'signalbox.db').resolve()}"

    @property
    def production(self) -> bool:
        return self.env is Environment.PRODUCTION
