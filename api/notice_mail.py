"""E-mail delivery of downtime notices through SMTP (aiosmtplib), for the outbox worker.

A notice's e-mail is an outbox message with destination `email` whose payload holds the
address, subject and text; for a team's contact it names the team's recipient row, and the
acknowledgement link is signed here, at send time, so no link (a credential) is ever stored.
Without `SIGNALBOX_SMTP_HOST` nothing can be sent: the message dies at once with that reason,
visible to operators. The SMTP password is a SecretStr: never logged, never in an error.
"""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from api.notice_links import ack_url
from api.settings import Settings
from domain.kernel import outbox
from domain.kernel.clock import Clock

Result = tuple[bool, str | None, bool]
"""(delivered, error, final): what the delivery worker records."""


class NoticeMailer:
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock

    def compose(self, message: outbox.Claimed) -> EmailMessage:
        """The e-mail of an outbox message, with the team's acknowledgement link if it has one."""
        payload = message.payload
        text = str(payload["text"])
        recipient = payload.get("ackRecipientId")
        if recipient:
            link = ack_url(self.settings, uuid.UUID(str(recipient)), self.clock.now())
            hours = self.settings.notice_link_max_age_hours
            text += f"\n\nAcknowledge for your team (the link works for {hours} hours):\n{link}\n"
        mail = EmailMessage()
        mail["From"] = self.settings.smtp_from
        mail["To"] = str(payload["to"])
        mail["Subject"] = str(payload["subject"])
        mail["Message-ID"] = make_msgid(idstring=str(message.id), domain="signalbox")
        mail["X-Signalbox-Notice"] = str(payload.get("noticeId", ""))
        mail.set_content(text)
        return mail

    async def send(self, message: outbox.Claimed) -> Result:
        s = self.settings
        if not s.smtp_host:
            return False, "SMTP is not configured (SIGNALBOX_SMTP_HOST)", True
        try:
            mail = self.compose(message)
            await aiosmtplib.send(
                mail,
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_username,
                password=s.smtp_password.get_secret_value() if s.smtp_password else None,
                use_tls=s.smtp_use_tls,
                start_tls=s.smtp_starttls if not s.smtp_use_tls else False,
                timeout=s.smtp_timeout_seconds,
            )
        except aiosmtplib.SMTPRecipientsRefused:
            return False, "the SMTP server refused the recipient", True
        except (aiosmtplib.SMTPException, OSError) as exc:
            return False, type(exc).__name__, False
        except (KeyError, ValueError) as exc:
            return False, f"not an e-mail message: {type(exc).__name__}", True
        return True, None, False
