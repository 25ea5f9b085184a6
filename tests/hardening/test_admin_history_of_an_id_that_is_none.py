"""
The admin's history pages (django-simple-history) with an id that is no record's id — text where ids
are numbers, a number beyond any — are a 404, as for an id that names no record; they were a 500
(ValueError in the lookup) for any staff user. Found by the path fuzzing (tests/hardening/test_fuzz.py).
"""

import pytest
from django.test import Client

from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("object_id", ["abc", ":", "1.5", "-", "9" * 30, "_3A"])
@pytest.mark.parametrize("model", ["meetings/meeting", "members/organisation", "decisions/decision"])
def test_the_history_of_an_id_that_is_no_id_is_a_404(admin_browser, model, object_id):
    response = admin_browser.get(f"/admin/{model}/{object_id}/history/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(("object_id", "version"), [("abc", "1"), ("{pk}", "abc"), ("{pk}", "9" * 30), (":", ":")])
def test_a_version_of_an_id_or_version_that_is_no_id_is_a_404(admin_browser, object_id, version):
    meeting = MeetingFactory()
    path = f"/admin/meetings/meeting/{object_id.format(pk=meeting.pk)}/history/{version}/"
    response = admin_browser.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_history_of_a_real_record_is_shown(admin_browser):
    meeting = MeetingFactory(title="The 7th IISG Board meeting")
    response = admin_browser.get(f"/admin/meetings/meeting/{meeting.pk}/history/")
    assert response.status_code == 200
    assert "The 7th IISG Board meeting" in response.content.decode()
    version = meeting.history.latest().history_id
    assert admin_browser.get(f"/admin/meetings/meeting/{meeting.pk}/history/{version}/").status_code == 200
