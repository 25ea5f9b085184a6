"""Two editors, one record: the second save is refused with what changed; the first is kept, nothing is lost."""

import pytest
from django.urls import reverse

from core.locking import StaleVersionError, save_versioned
from decisions.models import Decision, Document
from meetings.models import Meeting
from tests.factories import DecisionFactory, DocumentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor(django_user_model):
    from django.contrib.auth.models import Group

    user = UserFactory(username="second", first_name="Ana", last_name="Editor")
    user.groups.add(Group.objects.get(name="Secretariat"))
    return user


def form_data(response):
    """What the browser would post back: the form as rendered, hidden version and snapshot included."""
    form = response.context["form"]
    data = {}
    for name, _field in form.fields.items():
        value = form[name].value()
        if value is None:
            value = ""
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif hasattr(value, "strftime"):
            data[name] = value.strftime("%Y-%m-%dT%H:%M")
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    return data


def test_meeting_second_save_is_refused_with_what_changed_and_the_first_kept(make_client, second_editor, draft_meeting):
    url = reverse("meetings-edit:meeting-edit", args=[draft_meeting.slug])
    first = make_client("secretariat")
    second = make_client("anonymous")
    second.force_login(second_editor)
    first_data = form_data(first.get(url))
    second_data = form_data(second.get(url))

    assert second.post(url, second_data | {"title": "Title by Ana", "city": "Tirana"}).status_code == 302
    response = first.post(url, first_data | {"title": "Title by the first editor"})

    assert response.status_code == 200
    kept = Meeting.objects.get(pk=draft_meeting.pk)
    assert (kept.title, kept.city) == ("Title by Ana", "Tirana")
    form = response.context["form"]
    assert [(c.label, c.before, c.after) for c in form.conflict.changes] == [
        ("Title", draft_meeting.title, "Title by Ana"),
        ("City", "Podgorica", "Tirana"),
    ]
    assert form.conflict.changed_by == "Ana Editor"
    page = response.content.decode()
    assert "Title by Ana" in page
    assert "Tirana" in page
    # The first editor's input is still in the form.
    assert 'value="Title by the first editor"' in page
    assert "Not saved" in page

    # Having seen the changes, the first editor saves again on purpose: now it applies.
    response = first.post(url, form_data(response) | {"title": "Title by the first editor"})
    assert response.status_code == 302
    kept.refresh_from_db()
    assert (kept.title, kept.city) == ("Title by the first editor", "Tirana")


def test_decision_conflict(make_client, second_editor, draft_meeting):
    decision = DecisionFactory(meeting=draft_meeting, subject="Original")
    url = reverse("decisions-edit:decision-edit", args=[decision.pk])
    first, second = make_client("secretariat"), make_client("anonymous")
    second.force_login(second_editor)
    first_data, second_data = form_data(first.get(url)), form_data(second.get(url))
    assert second.post(url, second_data | {"wording": "Wording by Ana"}).status_code == 302
    response = first.post(url, first_data | {"subject": "Subject by the first editor"})
    assert response.status_code == 200
    assert [(c.label, c.after) for c in response.context["form"].conflict.changes] == [
        ("Wording as recorded", "Wording by Ana")
    ]
    decision.refresh_from_db()
    assert (decision.subject, decision.wording) == ("Original", "Wording by Ana")


def test_document_conflict(make_client, second_editor):
    document = DocumentFactory(title="Work plan")
    url = reverse("decisions-edit:document-edit", args=[document.slug])
    first, second = make_client("secretariat"), make_client("anonymous")
    second.force_login(second_editor)
    first_data, second_data = form_data(first.get(url)), form_data(second.get(url))
    assert second.post(url, second_data | {"title": "Work plan 2023"}).status_code == 302
    response = first.post(url, first_data | {"description": "By the first editor"})
    assert response.status_code == 200
    assert "Not saved" in response.content.decode()
    document.refresh_from_db()
    assert (document.title, document.description) == ("Work plan 2023", "")


def test_a_tampered_snapshot_still_refuses_the_stale_save(secretariat_client, draft_meeting):
    url = reverse("meetings-edit:meeting-edit", args=[draft_meeting.slug])
    data = form_data(secretariat_client.get(url))
    Meeting.objects.filter(pk=draft_meeting.pk).update(version=5)
    response = secretariat_client.post(url, data | {"lock_snapshot": "garbage", "title": "Late"})
    assert response.status_code == 200
    assert response.context["form"].conflict is not None
    assert Meeting.objects.get(pk=draft_meeting.pk).title != "Late"


def test_a_post_without_a_version_is_refused(secretariat_client, draft_meeting):
    url = reverse("meetings-edit:meeting-edit", args=[draft_meeting.slug])
    data = form_data(secretariat_client.get(url))
    data.pop("version")
    response = secretariat_client.post(url, data | {"title": "Without version"})
    assert response.status_code == 200
    assert Meeting.objects.get(pk=draft_meeting.pk).title != "Without version"


def test_save_versioned_counts_up_and_refuses_a_stale_version():
    document = DocumentFactory()
    assert document.version == 1
    save_versioned(document, 1)
    assert Document.objects.get(pk=document.pk).version == 2
    with pytest.raises(StaleVersionError) as error:
        save_versioned(document, 1)
    assert error.value.current.version == 2
    assert Decision.objects.count() == 0
