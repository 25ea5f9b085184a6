"""What a form page says when a save is refused."""

import pytest
from django.urls import reverse

from meetings.models import Meeting
from tests.editing.test_conflicts import form_data
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_invalid_edit_keeps_the_saved_title_in_the_heading_and_says_nothing_was_saved(client, secretariat):
    meeting = MeetingFactory(status="draft", title="7th IISG Board Meeting")
    url = reverse("meetings-edit:meeting-edit", args=[meeting.slug])
    client.force_login(secretariat)
    data = form_data(client.get(url)) | {"title": "Renamed meeting", "end": "2000-01-01T09:00"}
    response = client.post(url, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Edit: 7th IISG Board Meeting" in content
    assert 'value="Renamed meeting"' in content
    assert "Nothing was saved: correct the fields marked below." in content
    assert Meeting.objects.get(pk=meeting.pk).title == "7th IISG Board Meeting"


def test_conflict_is_explained_once_in_the_panel_with_a_short_error(client, secretariat, admin_user):
    meeting = MeetingFactory(status="draft", city="Podgorica")
    url = reverse("meetings-edit:meeting-edit", args=[meeting.slug])
    client.force_login(secretariat)
    stale = form_data(client.get(url))
    saved = Meeting.objects.get(pk=meeting.pk)
    saved.city = "Tirana"
    saved.version += 1
    saved.save()
    content = client.post(url, stale | {"title": "Mine"}).content.decode()
    assert "Someone else saved this record since you opened the form" in content
    assert content.count("Tirana") >= 1
    assert content.count("What they changed is shown above") == 1


def page_title(content: str) -> str:
    return content.split("<title>", 1)[1].split("</title>", 1)[0].strip()


def test_a_refused_save_says_error_first_in_the_title_and_lists_each_problem_with_a_link(client, secretariat):
    meeting = MeetingFactory(status="draft", title="7th IISG Board Meeting")
    url = reverse("meetings-edit:meeting-edit", args=[meeting.slug])
    client.force_login(secretariat)
    data = form_data(client.get(url)) | {"title": "", "end": "2000-01-01T09:00"}
    content = client.post(url, data).content.decode()
    assert page_title(content).startswith("Error — Edit: 7th IISG Board Meeting")
    summary = content.split('class="alert alert-danger error-summary"', 1)[1].split("</div>", 1)[0]
    assert "There are 2 problems" in summary
    assert 'href="#id_title"' in summary
    assert 'id="id_title"' in content
    # The "Nothing was saved" message is an alert, read at once; the summary comes before the form.
    assert 'role="alert">Nothing was saved' in content
    main = content.split("<main", 1)[1]
    assert main.index("error-summary") < main.index('<form method="post"')


def test_a_save_says_saved_first_in_the_title_of_the_next_page(client, secretariat):
    meeting = MeetingFactory(status="draft", title="7th IISG Board Meeting")
    url = reverse("meetings-edit:meeting-edit", args=[meeting.slug])
    client.force_login(secretariat)
    response = client.post(url, form_data(client.get(url)), follow=True)
    content = response.content.decode()
    assert page_title(content).startswith("Saved — ")
    assert 'role="status">' in content


def test_a_page_without_an_outcome_has_a_plain_title(client, secretariat):
    meeting = MeetingFactory(status="draft", title="7th IISG Board Meeting")
    client.force_login(secretariat)
    content = client.get(reverse("meetings-edit:meeting-edit", args=[meeting.slug])).content.decode()
    assert page_title(content).startswith("Edit: 7th IISG Board Meeting")
    assert "error-summary" not in content.replace(".error-summary", "")
