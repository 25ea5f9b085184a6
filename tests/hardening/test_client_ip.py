"""
Sign-in throttling behind a proxy: django-axes sees each client's own address (core.client_ip), so
five wrong passwords from one client lock that client, not the username for everyone behind nginx;
and a client cannot pick its address by sending X-Forwarded-For itself.
"""

import pytest
from django.test import Client, RequestFactory

from core.client_ip import client_ip
from tests.signin import sign_in

pytestmark = pytest.mark.django_db


def request_from(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_IPS = ["127.0.0.1", "::1"]


def test_without_a_proxy_the_connections_address_counts_whatever_the_header_says(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


def test_behind_nginx_the_address_nginx_appended_counts(behind_nginx):
    assert client_ip(request_from("127.0.0.1", "203.0.113.5")) == "203.0.113.5"
    # What the client sent itself is to the left of it, and is not believed.
    assert client_ip(request_from("127.0.0.1", "10.9.9.9, 203.0.113.5")) == "203.0.113.5"
    assert client_ip(request_from("::1", "2001:db8::7")) == "2001:db8::7"


def test_the_header_is_believed_only_from_the_proxy(behind_nginx):
    # A request that reached gunicorn directly, not through nginx.
    assert client_ip(request_from("203.0.113.66", "198.51.100.1")) == "203.0.113.66"


def test_a_broken_or_missing_header_falls_back_to_the_connection(behind_nginx):
    assert client_ip(request_from("127.0.0.1", "not-an-address")) == "127.0.0.1"
    assert client_ip(request_from("127.0.0.1", "")) == "127.0.0.1"
    assert client_ip(request_from("127.0.0.1")) == "127.0.0.1"


def test_two_proxies_and_networks(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    settings.TRUSTED_PROXY_IPS = ["10.0.0.0/8"]
    # A load balancer, then nginx: "client, load balancer".
    assert client_ip(request_from("10.0.0.12", "forged, 203.0.113.5, 10.0.0.2")) == "203.0.113.5"
    assert client_ip(request_from("192.0.2.1", "203.0.113.5, 10.0.0.2")) == "192.0.2.1"


def test_axes_locks_the_client_not_everyone_behind_the_proxy(behind_nginx, settings, board_member):
    settings.AXES_ENABLED = True
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(attacker, board_member, password="wrong")
    assert sign_in(attacker, board_member).status_code == 429
    # The member, from elsewhere, through the same nginx, still signs in.
    member = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    response = sign_in(member, board_member)
    assert response.status_code == 302
    assert member.session["_auth_user_id"] == str(board_member.pk)


def test_forged_headers_do_not_escape_the_lockout(behind_nginx, settings, board_member):
    settings.AXES_ENABLED = True
    for number in range(settings.AXES_FAILURE_LIMIT):
        # A new forged address each time, but nginx appends the real one.
        attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}, 203.0.113.5")
        sign_in(attacker, board_member, password="wrong")
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.99, 203.0.113.5")
    assert sign_in(attacker, board_member).status_code == 429


def test_axes_uses_the_portals_client_address(settings):
    assert settings.AXES_CLIENT_IP_CALLABLE == "core.client_ip.client_ip"
