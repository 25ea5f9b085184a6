"""
The access matrix of the e-mail pages, for every persona. They are about the user, not a record: the
state of a meeting record (draft, circulated, published) changes nothing, which the matrix checks too.
"""

import pytest
from django.urls import reverse

from core import notifications
from tests.conftest import PERSONAS
from tests.editing.conftest import _meeting

pytestmark = pytest.mark.django_db

STATES = ["draft", "circulated", "published"]

# persona -> (status, what the page says or where it leads)
PREFERENCES = {
    "anonymous": (302, "/accounts/login/?next=/accounts/email-preferences/"),
    "board_member": (200, "E-mail preferences"),
    "secretariat": (200, "E-mail preferences"),
    "admin": (200, "E-mail preferences"),
}
# The unsubscribe page is public: the signed token is the proof, whoever is signed in (or nobody).
UNSUBSCRIBE = dict.fromkeys(PERSONAS, (200, "Turn off Records published for board@example.org?"))
UNSUBSCRIBE_BAD = dict.fromkeys(PERSONAS, (400, "This unsubscribe link does not work"))


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", ["preferences", "unsubscribe", "unsubscribe-bad"])
def test_email_pages(client_for, personas, persona, state, page):
    meeting = _meeting(state)
    token = notifications.unsubscribe_token(personas["board_member"], "meetings.published")
    url, expected = {
        "preferences": (reverse("email-preferences"), PREFERENCES),
        "unsubscribe": (reverse("email-unsubscribe", args=[token]), UNSUBSCRIBE),
        "unsubscribe-bad": (reverse("email-unsubscribe", args=[token[:-3] + "xyz"]), UNSUBSCRIBE_BAD),
    }[page]
    status, shows = expected[persona]
    response = client_for(persona).get(url)
    body = response.content.decode()
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == shows
    else:
        assert shows in body.replace("“", "").replace("”", "")
    # About the user, never a record: no draft's title, whatever the state.
    assert meeting.title not in body
