"""Where a journey may send requests: the service's allowed hosts, and, outside development, no
internal address literal (loopback, private, link-local), judged by the webhooks' own URL check
(domain.pipelines.webhooks.check_url) rather than a second one. Pure functions."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from urllib.parse import urlsplit

from domain.kernel.errors import DomainError
from domain.kernel.rules import require
from domain.pipelines.webhooks import check_url
from domain.postrelease import journey_templates as templates
from domain.postrelease.journey_errors import JourneyErrorCode as Code

HOST = re.compile(r"[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?")
MAX_HOSTS = 50


def check_hosts(hosts: Sequence[str], *, development: bool) -> list[str]:
    """The allowed hosts as names (lower case, no scheme, port or path), each one a place a
    journey may go: outside development, never an internal address literal."""
    out: list[str] = []
    require(
        len(hosts) <= MAX_HOSTS,
        f"At most {MAX_HOSTS} hosts.",
        code=Code.INVALID_HOSTS,
        field="hosts",
    )
    for raw in hosts:
        host = raw.strip().lower().rstrip(".")
        require(
            HOST.fullmatch(host) is not None,
            f"{raw[:100]!r} is not a host name (no scheme, port or path).",
            code=Code.INVALID_HOSTS,
            field="hosts",
        )
        _outside(f"https://{host}/", development, "hosts")
        if host not in out:
            out.append(host)
    return sorted(out)


def _outside(url: str, development: bool, field: str) -> str:
    """The URL when the webhooks' check takes it: https (plain http to the loopback only in
    development), no credentials, and outside development no internal address literal."""
    try:
        checked = check_url(url, allow_loopback_http=True)
    except DomainError as exc:
        raise DomainError(
            exc.message.replace("webhook", "journey").replace("Webhook", "Journey"),
            code=Code.INVALID_URL,
            field=field,
        ) from None
    if not development:
        try:
            check_url(url, allow_loopback_http=False)
        except DomainError:
            raise DomainError(
                "A journey may not target an internal address (loopback, private, link-local) "
                "outside development.",
                code=Code.INTERNAL_ADDRESS,
                field=field,
            ) from None
    return checked


def target_refusal(url: str, hosts: Collection[str], *, development: bool) -> str | None:
    """Why a journey may not send a request to `url` (as rendered), or None when it may."""
    try:
        _outside(url, development, "url")
    except DomainError as exc:
        return exc.message
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host not in hosts:
        return f"{host} is not one of the service's allowed hosts."
    return None


def step_url(url: str, hosts: Collection[str], development: bool, where: str) -> str:
    url = url.strip()
    netloc = url.split("://", 1)[-1].split("/", 1)[0]
    require(
        "{{" not in netloc and "://" in url,
        "A step's scheme and host are written out; values carried from earlier steps go in "
        "its path, query, headers or body.",
        code=Code.INVALID_URL,
        field=f"{where}.url",
    )
    _outside(templates.sample(url), development, f"{where}.url")
    host = (urlsplit(templates.sample(url)).hostname or "").lower().rstrip(".")
    require(
        host in hosts,
        f"{host} is not one of the service's allowed hosts ({', '.join(hosts) or 'none yet'}).",
        code=Code.HOST_NOT_ALLOWED,
        field=f"{where}.url",
    )
    return url
