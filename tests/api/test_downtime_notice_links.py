"""Downtime notices by e-mail and the signed acknowledgement link, end to end.

A real SMTP server (aiosmtpd) listens on the loopback; an app of its own, configured to send
through it, delivers the outbox's e-mails with `run_once` (bounded rounds; the shared app's
background worker is halted meanwhile so it never takes them first). The team contact's
e-mail carries a signed link; following it acknowledges for the team, and a link with a bad
signature or an expired one answers 4xx and changes nothing.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from api.graphql.relay import from_global_id
from api.notice_links import ACK_PATH, sign, verify
from domain.kernel.outbox import OutboxMessage
from tests.api.conftest import Api, serving, settings_for
from tests.api.governance_support import audit_actions, release, services
from tests.api.notices_support import OF_RELEASE, SUBSCRIBE, consumer, issue, team_of
from tests.api.test_outbox_delivery import Receiver, receiving, subscribe
from tests.support.live_server import free_port

MAX_ROUNDS = 30
USER, PASSWORD = b"signalbox", b"never-logged-pw"
LINK = re.compile(r"(https?://\S+/notices/ack\?t=(\S+))")


@dataclass
class Inbox:
    messages: list[tuple[str, list[str], Message]] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        self.logins.append((data.login, data.password))
        return AuthResult(success=(data.login, data.password) == (USER, PASSWORD))

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content))
        )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for _, rcpts, m in self.messages if address in rcpts]


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        ready_timeout=60,
        authenticator=inbox.authenticate,
        auth_require_tls=False,  # loopback only; production sets SIGNALBOX_SMTP_STARTTLS
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
async def mailing(api: Api, migrated_url: str, tmp_path: Path) -> AsyncIterator[tuple[Api, Inbox]]:
    """An app sending e-mail through a loopback SMTP server, with its own delivery rounds."""
    await api.runtime.outbox_delivery.halt()
    try:
        with smtp_server() as (inbox, port):
            settings = settings_for(
                migrated_url,
                tmp_path,
                smtp_host="127.0.0.1",
                smtp_port=port,
                smtp_starttls=False,
                smtp_password=PASSWORD.decode(),
                smtp_username=USER.decode(),
                smtp_from="releases@bank.example",
                outbox_delivery_enabled=False,
                # The shared test database holds every earlier test's due messages: claim them
                # all in a round, so this test's e-mails are reached in the first rounds.
                outbox_batch_size=1000,
                public_base_url="https://signalbox.bank.example",
            )
            async with serving(settings) as mailer:
                yield mailer, inbox
    finally:
        await api.runtime.outbox_delivery.start()


async def deliver_until(app: Api, done: Any) -> None:
    for _ in range(MAX_ROUNDS):
        if done():
            return
        await app.runtime.outbox_delivery.run_once()
    pytest.fail(f"not delivered after {MAX_ROUNDS} rounds")


def text_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


async def noticed_world(api: Api) -> dict[str, Any]:
    """A payments service with one consumer whose team's contact and the service's
    stakeholder are subscribed, and a breaking release of the service, noticed."""
    [provider] = await services(api, "payments")
    consuming = await consumer(api, provider)
    team = await team_of(api, consuming)
    contact = f"{uuid.uuid4().hex[:8]}@team.bank.example"
    stakeholder = f"{uuid.uuid4().hex[:8]}@business.bank.example"
    for subject, subject_id, email in (
        ("TEAM", team["id"], contact),
        ("SERVICE", provider, stakeholder),
    ):
        await api.ok(
            SUBSCRIBE,
            {"i": {"subject": subject, "subjectId": subject_id, "email": email}},
            as_user="engineer",
        )
    rel = await release(api, service_ids=[provider])
    notice = await issue(api, rel["id"])
    return {
        "release": rel,
        "notice": notice,
        "team": team,
        "contact": contact,
        "stake": stakeholder,
    }


async def mailed_token(mailer: Api, inbox: Inbox, contact: str) -> str:
    """The token of the acknowledgement link mailed to a team's contact."""
    await deliver_until(mailer, lambda: inbox.to(contact))
    match = LINK.search(text_of(inbox.to(contact)[0]))
    assert match is not None
    return match.group(2)


async def acknowledged(api: Api, release_id: str) -> list[Any]:
    seen = await api.ok(OF_RELEASE, {"r": release_id}, as_user="rmo")
    return [
        (r["acknowledgedAt"], r["acknowledgedVia"]) for r in seen["downtimeNotice"]["recipients"]
    ]


class TestNoticesByEmail:
    async def test_the_team_contact_gets_the_notice_with_a_link_the_stakeholder_without(
        self, api: Api, mailing: tuple[Api, Inbox]
    ) -> None:
        mailer, inbox = mailing
        w = await noticed_world(api)
        await deliver_until(mailer, lambda: inbox.to(w["contact"]) and inbox.to(w["stake"]))
        [to_team] = inbox.to(w["contact"])
        [to_stake] = inbox.to(w["stake"])
        assert to_team["From"] == "releases@bank.example"
        assert to_team["Subject"].startswith("[Signalbox] Breaking change: ")
        body = text_of(to_team)
        assert "The v1 payments API goes away; call v2." in body
        assert "payments-oncall@bank.example" in body and "Window: " in body
        assert LINK.search(body) and LINK.search(body).group(1).startswith(  # type: ignore[union-attr]
            f"https://signalbox.bank.example{ACK_PATH}?t="
        )
        assert LINK.search(text_of(to_stake)) is None
        assert "never-logged-pw" not in body
        assert inbox.logins and set(inbox.logins) == {(USER, PASSWORD)}
        stored = await api.ok(
            """query($k: String!) { outboxMessages(filter: {keyPrefix: $k}, first: 20) {
                 nodes { destination status lastError } } }""",
            {"k": f"downtime_notice:{from_global_id(w['notice']['id'])}:email:"},
        )
        assert {(n["destination"], n["status"]) for n in stored["outboxMessages"]["nodes"]} == {
            ("email", "DELIVERED")
        }


class TestTheSignedLink:
    async def test_the_link_acknowledges_for_the_team_once_and_a_forged_one_changes_nothing(
        self, api: Api, mailing: tuple[Api, Inbox]
    ) -> None:
        mailer, inbox = mailing
        w = await noticed_world(api)
        token = await mailed_token(mailer, inbox, w["contact"])
        async with mailer.runtime.db.read_session() as session:
            payloads = (await session.execute(select(OutboxMessage.payload))).scalars().all()
        assert payloads and not any(token in json.dumps(p) for p in payloads)  # never stored

        forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        for bad in (forged, "", "not-a-token", token + "x"):
            answer = await mailer.http.post(ACK_PATH, data={"t": bad})
            assert answer.status_code == 403, (bad, answer.status_code)
            assert answer.headers["x-signalbox-error"] == "BAD_SIGNATURE"
            shown = await mailer.http.get(ACK_PATH, params={"t": bad})
            assert shown.status_code == 403
        assert await acknowledged(api, w["release"]["id"]) == [(None, None)]

        page = await mailer.http.get(ACK_PATH, params={"t": token})
        assert page.status_code == 200 and 'name="t"' in page.text
        assert await acknowledged(api, w["release"]["id"]) == [(None, None)]  # GET changes nothing

        done = await mailer.http.post(ACK_PATH, data={"t": token})
        assert done.status_code == 200, done.text
        [(at, via)] = await acknowledged(api, w["release"]["id"])
        assert at is not None and via == "link"
        again = await mailer.http.post(ACK_PATH, data={"t": token})
        assert again.status_code == 200
        assert await acknowledged(api, w["release"]["id"]) == [(at, via)]
        actions = await audit_actions(api, w["notice"]["id"])
        assert actions.count("downtime_notice.acknowledge") == 1

    async def test_an_expired_link_answers_410_and_changes_nothing(
        self, api: Api, mailing: tuple[Api, Inbox]
    ) -> None:
        mailer, inbox = mailing
        w = await noticed_world(api)
        token = await mailed_token(mailer, inbox, w["contact"])
        settings, now = mailer.runtime.settings, mailer.runtime.clock.now()
        max_age = timedelta(hours=settings.notice_link_max_age_hours)
        # The same team's recipient, signed as if mailed longer ago than a link lives.
        old = sign(settings, verify(settings, token, now), now - max_age - timedelta(hours=1))
        answer = await mailer.http.post(ACK_PATH, data={"t": old})
        assert answer.status_code == 410
        assert answer.headers["x-signalbox-error"] == "LINK_EXPIRED"
        assert await acknowledged(api, w["release"]["id"]) == [(None, None)]


class TestNoticesBySignedWebhook:
    async def test_each_bu_told_gets_the_notice_signed_per_standard_webhooks(
        self, api: Api
    ) -> None:
        await api.runtime.outbox_delivery.halt()
        try:
            with receiving() as receiver:
                await self._told(api, receiver)
        finally:
            await api.runtime.outbox_delivery.start()

    async def _told(self, api: Api, receiver: Receiver) -> None:
        made = await subscribe(api, f"{receiver.url}/hook", ["DOWNTIME_NOTICE_ISSUED"])
        [provider] = await services(api, "payments")
        consuming = await consumer(api, provider)
        team = await team_of(api, consuming)
        key = (
            await api.ok(
                "query($id: ID!) { node(id: $id) { ... on Service { key } } }", {"id": consuming}
            )
        )["node"]["key"]
        notice = await issue(api, (await release(api, service_ids=[provider]))["id"])
        notice_uuid = str(from_global_id(notice["id"]))

        def arrived() -> list[tuple[dict[str, str], bytes]]:
            return [(h, b) for h, b in receiver.received if notice_uuid.encode() in b]

        for _ in range(MAX_ROUNDS):
            if arrived():
                break
            await api.runtime.outbox_delivery.run_once()
        [(headers, body)] = arrived()
        assert headers["x-signalbox-event"] == "downtime_notice.issued"
        sent = Webhook(made["secret"]).verify(body, headers)
        assert sent["kind"] == "breaking" and sent["contact"] == "payments-oncall@bank.example"
        assert sent["teams"] == [
            {"teamId": str(from_global_id(team["id"])), "team": team["key"], "services": [key]}
        ]
        with pytest.raises(WebhookVerificationError):
            Webhook(made["secret"]).verify(body + b" ", headers)
