"""
Who a request comes from, for sign-in throttling (django-axes, settings.AXES_CLIENT_IP_CALLABLE).

Behind a proxy (nginx), every request reaches the portal from the proxy's own address: django-axes
would see one client, 127.0.0.1, and five wrong passwords would lock that username for everyone.
The proxy passes the client's address in X-Forwarded-For, appending the address it saw to what the
request already had — so only the right end of the header can be believed, and only from a proxy.

TRUSTED_PROXY_COUNT (settings) is the number of proxies in front of the portal, each appending to
X-Forwarded-For: the client is the address that many places from the right. It is believed only
from a request that comes from one of TRUSTED_PROXY_IPS (gunicorn's FORWARDED_ALLOW_IPS); anything
else — no proxy configured, a request that reached the portal directly, a malformed header — is
the connection's own address (REMOTE_ADDR). A client cannot choose its address by sending a
header: it would get a fresh lockout counter for every guess.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _networks(entries) -> list:
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip() not in ("", "*")]


def _is_trusted_proxy(address: str | None) -> bool:
    entries = list(getattr(settings, "TRUSTED_PROXY_IPS", []))
    if "*" in entries:
        return True
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in _networks(entries))


def client_ip(request) -> str | None:
    """The client's address: from X-Forwarded-For behind trusted proxies, else the connection's."""
    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count < 1 or not _is_trusted_proxy(remote):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    # The rightmost `count` entries were appended by our proxies; fewer means the request came in past
    # the outer ones, and the leftmost entry is then the address the first of ours saw.
    candidate = forwarded[-min(count, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def check_trusted_proxy_ips(entries) -> None:
    """Raise ValueError naming an entry of TRUSTED_PROXY_IPS that is not an address or a network."""
    for entry in entries:
        if entry.strip() != "*":
            ipaddress.ip_network(entry.strip(), strict=False)
