"""No secret shown once to a client is kept in clear anywhere in the database (issue 14).

Each flow that shows a secret once runs through GraphQL: an API token, a CDEvents webhook
secret (also shown as a Standard Webhooks `whsec_` key), an outbound webhook subscription's
signing secret and a calendar feed URL. Then every text, JSON and binary column of every
table (found by reflection, so a table added later is scanned too) is read whole and searched
for each value the client was shown. What is kept instead: API tokens and feed secrets as
SHA-256 hashes (looked up by hash), a subscription's secret sealed with the server's key
(it signs every delivery), a CDEvents secret derived from the server's key and a stored salt.
The idempotency store (responses replayed for an `Idempotency-Key`) is not exercised here.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlparse

import orjson
import pytest
from sqlalchemy import Connection, inspect, select, table
from sqlalchemy import column as sql_column

from tests.api.conftest import Api, ids, unique

TOKEN = """
mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) {
  secret apiToken { id prefix } errors { code field } } }"""
WEBHOOK_SECRET = """
mutation($i: WebhookSecretCreateInput!) { webhookSecretCreate(input: $i) {
  secret standardWebhooksSecret webhookSecret { id prefix } errors { code field } } }"""
SUBSCRIPTION = """
mutation($i: WebhookSubscriptionCreateInput!) { webhookSubscriptionCreate(input: $i) {
  secret webhookSubscription { id secretHint } errors { code field } } }"""
FEED = """
mutation($i: CalendarFeedCreateInput!) { calendarFeedCreate(input: $i) {
  url calendarFeed { id } errors { code } } }"""
MIN_SECRET_LENGTH = 20
"""Shorter fragments (a token's display prefix, a secret's last four) are shown on purpose."""


async def shown_secrets(api: Api) -> dict[str, str]:
    """Run every flow that shows a secret once; what the client was shown, by flow."""
    payments = (await ids(api))["payments"]
    token = (
        await api.ok(
            TOKEN,
            {
                "i": {
                    "name": unique("scan"),
                    "scopes": [{"role": "ENGINEER", "businessUnitId": payments}],
                }
            },
            as_user="engineer",
        )
    )["apiTokenCreate"]
    hook = (
        await api.ok(
            WEBHOOK_SECRET,
            {"i": {"businessUnitId": payments, "name": unique("scan")}},
            as_user="payments-admin",
        )
    )["webhookSecretCreate"]
    subscription = (
        await api.ok(
            SUBSCRIPTION,
            {
                "i": {
                    "businessUnitId": payments,
                    "url": "https://hooks.example.com/signalbox",
                    "topics": ["DEPLOYMENT_ROLLED_BACK"],
                }
            },
            as_user="payments-admin",
        )
    )["webhookSubscriptionCreate"]
    feed = (await api.ok(FEED, {"i": {"revokeOthers": False}}, as_user="product-owner"))[
        "calendarFeedCreate"
    ]
    feed_secret = urlparse(feed["url"]).path.removeprefix("/calendar/").removesuffix(".ics")
    shown = {
        "API token": token["secret"],
        "CDEvents webhook secret": hook["secret"],
        "CDEvents webhook secret, Standard Webhooks form": hook["standardWebhooksSecret"],
        "CDEvents webhook secret, past its prefix": hook["secret"].removeprefix("sbx_whk_"),
        "webhook subscription secret": subscription["secret"],
        "calendar feed URL": feed["url"],
        "calendar feed secret": feed_secret,
    }
    assert all(len(value) >= MIN_SECRET_LENGTH for value in shown.values()), shown
    return shown


def _as_bytes(value: Any) -> bytes | None:
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, dict | list):
        return orjson.dumps(value)
    return None


def find_in_clear(conn: Connection, needles: dict[str, str]) -> list[str]:
    """Where any needle appears: `table.column (what)` for each hit, every table scanned."""
    inspector = inspect(conn)
    wanted = {name: value.encode() for name, value in needles.items()}
    hits: list[str] = []
    tables = inspector.get_table_names()
    assert {"api_tokens", "calendar_feeds", "webhook_secrets", "webhook_subscriptions"} <= set(
        tables
    )
    for name in tables:
        columns = [c["name"] for c in inspector.get_columns(name)]
        rows = conn.execute(select(*(sql_column(c) for c in columns)).select_from(table(name)))
        for row in rows:
            for column_name, value in zip(columns, row, strict=True):
                data = _as_bytes(value)
                if data is None:
                    continue
                hits += [
                    f"{name}.{column_name} ({what})"
                    for what, needle in wanted.items()
                    if needle in data
                ]
    return hits


class TestNoSecretShownOnceIsKeptInClear:
    async def test_no_table_holds_a_secret_the_client_was_shown(
        self, api: Api, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        shown = await shown_secrets(api)
        async with api.runtime.db.engine.connect() as conn:
            hits = await conn.run_sync(find_in_clear, shown)
        assert hits == []
        assert not [what for what, value in shown.items() if value in caplog.text]

    async def test_the_scan_finds_a_secret_stored_in_clear(self, api: Api) -> None:
        # The scan itself bites: a value written in clear into any text column is reported.
        needle = "sbx_" + unique("cleartext-canary") * 2
        async with api.runtime.db.engine.connect() as conn:
            await conn.execute(
                table("people", sql_column("display_name"), sql_column("id"))
                .update()
                .where(sql_column("username") == "viewer")
                .values(display_name=needle)
            )
            hits = await conn.run_sync(find_in_clear, {"canary": needle})
            await conn.rollback()
        assert hits == ["people.display_name (canary)"]
