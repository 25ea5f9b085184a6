"""
What a signed-in user is answered is theirs: `Cache-Control: private, no-store` on every response (minutes,
drafts, members-only documents and their downloads, editing pages), so that neither a shared proxy nor
the browser's history keeps it (core.pagecache.PrivatePagesMiddleware). The public's pages keep their own
headers: the page cache stores them.
"""

import pytest
from django.urls import reverse

from tests.reading.test_access_matrix import LIST_URLS, object_urls

pytestmark = pytest.mark.django_db

SIGNED_IN = ["board_member", "secretariat", "admin"]


@pytest.fixture
def records(records_built_once):
    """Every test here only reads the records: they are built once for the module."""
    return records_built_once


def directives(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def urls(records) -> dict[str, str]:
    found = {name: build() for name, build in LIST_URLS.items()}
    for state, record in records.items():
        found.update({f"{name} ({state})": url for name, url in object_urls(record).items()})
    found["edit meeting (draft)"] = reverse("meetings-edit:meeting-edit", args=[records["draft"].meeting.slug])
    found["two-factor profile"] = reverse("two_factor:profile")
    return found


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_every_answer_to_a_signed_in_user_is_private_and_not_stored(client_for, records, persona):
    client = client_for(persona)
    public_answers = []
    for name, url in urls(records).items():
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        if not {"private", "no-store"} <= directives(response):
            public_answers.append((name, response.status_code, response.get("Cache-Control")))
    assert public_answers == []


def test_a_members_only_download_is_private(client_for, records):
    record = records["published"]
    response = client_for("board_member").get(reverse("decisions:document-download", args=[record.document.slug, 1]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert {"private", "no-store"} <= directives(response)
    assert "public" not in directives(response)


def test_the_public_pages_stay_storable(client, records):
    for url in (reverse("home"), records["published"].meeting.get_absolute_url(), reverse("decisions:decision-list")):
        response = client.get(url)
        assert response.status_code == 200
        assert not {"private", "no-store"} & directives(response), url


def test_a_signed_in_page_is_private_even_when_the_view_said_otherwise(client_for, records):
    """The public feed sets its own validators and caching; for a signed-in reader it becomes private."""
    response = client_for("board_member").get(reverse("meetings:meetings-ics"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)
    assert "public" not in directives(response)
