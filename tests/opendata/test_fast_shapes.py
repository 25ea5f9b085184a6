"""
What the API makes once per process or per answer gives what Django would make each time: the public's
rules compiled once (opendata.public) read the same rows as visible_to; an address put into its pattern
is reverse()'s; an absolute address is build_absolute_uri()'s.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DEFAULT_DB_ALIAS
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from decisions.models import Decision
from meetings.models import Meeting
from members.models import Membership, Organisation, Person, RoleHeld
from opendata.public import _compiled, public_rows
from opendata.shapes import Links, address

RULED = [
    (Organisation, False),
    (Person, False),
    (Membership, False),
    (Membership, True),
    (RoleHeld, False),
    (RoleHeld, True),
    (Meeting, False),
    (Decision, False),
]


@pytest.mark.parametrize(("model", "correlated"), RULED)
def test_the_public_rule_compiled_once_reads_what_visible_to_reads(records, model, correlated):
    options = {"correlated": True} if correlated else {}
    expected = set(model.objects.visible_to(AnonymousUser(), **options).values_list("pk", flat=True))
    assert _compiled(model, correlated, DEFAULT_DB_ALIAS) is not None, "compiled, not called each time"
    assert set(public_rows(model, correlated=correlated).values_list("pk", flat=True)) == expected
    # Some rows are hidden from the public (the records have drafts), so the check is not vacuous.
    if model is not Membership and model is not RoleHeld:
        assert model.objects.exclude(pk__in=expected).exists(), model


@pytest.mark.parametrize(("model", "correlated"), RULED)
def test_the_compiled_rule_hides_the_fields_visible_to_hides(records, model, correlated):
    """A meeting's minutes are not selected for the public (public_projection), through the compiled rule too."""
    options = {"correlated": True} if correlated else {}
    hidden = model.objects.visible_to(AnonymousUser(), **options).query.deferred_loading
    assert public_rows(model, correlated=correlated).query.deferred_loading == hidden
    if model is Meeting:
        row = public_rows(Meeting).first()
        assert {"minutes", "search_minutes"} <= row.get_deferred_fields()


@pytest.mark.parametrize(
    "reference", ["B6/2022/04", "WP/2022/01", "A B", "Ü/ß", "50%", "a?b#c", "x/../y", "a:b@c", "~é!$&'()*+,;="]
)
def test_a_decisions_address_is_reverses(reference):
    assert address("decisions:decision-detail", reference, "path") == reverse(
        "decisions:decision-detail", args=[reference]
    )


def test_an_address_the_converter_refuses_fails_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        address("portal:meeting-pdf", "not a slug", "slug")
    with pytest.raises(NoReverseMatch):
        address("decisions:decision-detail", "", "path")
    assert address("portal:meeting-pack", "6th-board-2022", "slug") == reverse(
        "portal:meeting-pack", args=["6th-board-2022"]
    )
    assert address("opendata:api-membership-detail", "role-4") == "/api/v1/memberships/role-4/"


@pytest.mark.parametrize("path", ["/decisions/B6/2022/04/", "/members/#roles-heading", "/x/../y/", "/ü/", "//evil/"])
def test_an_absolute_address_is_build_absolute_uris(settings, path):
    settings.ALLOWED_HOSTS = ["portal.example"]
    request = RequestFactory().get("/api/v1/decisions/", HTTP_HOST="portal.example:8443")
    assert Links(request).absolute(path) == request.build_absolute_uri(path)
