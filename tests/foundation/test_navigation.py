"""The Secretariat finds the pages that create records; nobody else sees those links."""

import importlib

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

CREATE_LINKS = {
    "meetings:meeting-list": ["meetings-edit:meeting-create"],
    "decisions:document-list": ["decisions-edit:document-create"],
    "portal:member-list": ["members-edit:organisation-create", "members-edit:person-create"],
}


@pytest.mark.parametrize("page", sorted(CREATE_LINKS))
@pytest.mark.parametrize(("persona", "shown"), [("anonymous", False), ("board_member", False), ("secretariat", True)])
def test_create_links_only_for_the_secretariat(client_for, page, persona, shown):
    content = client_for(persona).get(reverse(page)).content.decode()
    for target in CREATE_LINKS[page]:
        assert (f'href="{reverse(target)}"' in content) is shown


def test_uploaded_files_are_not_served_from_media_url_even_with_debug_on(settings):
    """Downloads go through the access check; a static media route would bypass it."""
    settings.DEBUG = True
    urls = importlib.reload(importlib.import_module("iisg_portal.urls"))
    patterns = [str(p.pattern) for p in urls.urlpatterns]
    assert not any(p.lstrip("^").startswith(settings.MEDIA_URL.lstrip("/")) for p in patterns)
