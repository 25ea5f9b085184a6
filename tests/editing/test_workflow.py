"""draft → circulated → published: each transition, who may make it, and emails only after commit."""

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.urls import reverse

from meetings import services
from meetings.models import Correction, Meeting
from tests.factories import RescheduleFactory, UserFactory

pytestmark = pytest.mark.django_db


def post(client, name, meeting, data=None):
    return client.post(
        reverse(f"meetings-edit:{name}", args=[meeting.slug]),
        data or {"confirm": "1", "override_reason": "A test record."},
    )


def test_circulate_asks_for_confirmation_first(secretariat_client, draft_meeting):
    response = secretariat_client.get(reverse("meetings-edit:circulate", args=[draft_meeting.slug]))
    assert response.status_code == 200
    assert "Circulate to the Board members" in response.content.decode()
    assert Meeting.objects.get(pk=draft_meeting.pk).status == Meeting.Status.DRAFT


def test_circulating_emails_board_members_after_commit(
    secretariat_client, board_member, draft_meeting, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(secretariat_client, "circulate", draft_meeting)
        # Nothing is sent while the transaction may still roll back.
        assert mailoutbox == []
    assert response.status_code == 302
    draft_meeting.refresh_from_db()
    assert draft_meeting.status == Meeting.Status.CIRCULATED
    assert draft_meeting.circulated_at is not None
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [board_member.email]
    assert draft_meeting.title in message.subject
    assert draft_meeting.get_absolute_url() in message.body


def test_publishing_emails_board_members_and_opens_the_record_to_the_public(
    secretariat_client, client, board_member, circulated_meeting, django_capture_on_commit_callbacks, mailoutbox
):
    assert client.get(circulated_meeting.get_absolute_url()).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = post(secretariat_client, "publish", circulated_meeting)
    assert response.status_code == 302
    circulated_meeting.refresh_from_db()
    assert circulated_meeting.status == Meeting.Status.PUBLISHED
    assert circulated_meeting.published_at is not None
    assert [m.to for m in mailoutbox] == [[board_member.email]]
    assert client.get(circulated_meeting.get_absolute_url()).status_code == 200


def circulate_then_fail(meeting):
    with transaction.atomic():
        services.circulate_meeting(services.WorkflowStep(meeting=meeting, override_reason="A test record."))
        raise RuntimeError("something later in the same transaction failed")


def test_a_rolled_back_transition_sends_no_email(board_member, draft_meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        circulate_then_fail(draft_meeting)
    assert callbacks == []
    assert Meeting.objects.get(pk=draft_meeting.pk).status == Meeting.Status.DRAFT


def test_only_board_members_with_an_email_and_an_active_account_are_mailed(board_member, django_user_model):
    inactive = UserFactory(username="gone", is_active=False)
    inactive.groups.add(*board_member.groups.all())
    no_email = UserFactory(username="noemail", email="")
    no_email.groups.add(*board_member.groups.all())
    assert services.board_member_emails() == [board_member.email]


@pytest.mark.parametrize(
    ("name", "state"),
    [("publish", "draft"), ("circulate", "circulated"), ("circulate", "published"), ("publish", "published")],
)
def test_a_transition_from_the_wrong_state_is_refused(secretariat_client, meetings_by_state, name, state):
    meeting = meetings_by_state[state]
    response = post(secretariat_client, name, meeting)
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == state
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("cannot be" in m for m in messages)


def test_unpublishing_needs_a_reason_shown_on_the_record(secretariat_client, client, published_meeting):
    response = post(secretariat_client, "unpublish", published_meeting, {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert Meeting.objects.get(pk=published_meeting.pk).status == Meeting.Status.PUBLISHED

    response = post(secretariat_client, "unpublish", published_meeting, {"reason": "Published by mistake."})
    assert response.status_code == 302
    published_meeting.refresh_from_db()
    assert published_meeting.status == Meeting.Status.CIRCULATED
    assert published_meeting.published_at is None
    correction = published_meeting.corrections.get()
    assert (correction.kind, correction.reason) == (Correction.Kind.UNPUBLISH, "Published by mistake.")
    assert client.get(published_meeting.get_absolute_url()).status_code == 404


def test_correcting_a_published_record_needs_a_reason(secretariat_client, published_meeting, secretariat):
    response = post(secretariat_client, "correct", published_meeting, {"reason": ""})
    assert response.status_code == 200
    assert not Correction.objects.exists()
    response = post(secretariat_client, "correct", published_meeting, {"reason": "A delegate's title was wrong."})
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert correction.kind == Correction.Kind.CORRECTION
    assert correction.created_by == secretariat
    page = secretariat_client.get(published_meeting.get_absolute_url()).content.decode()
    assert "A delegate&#x27;s title was wrong." in page or "A delegate's title was wrong." in page


def test_correcting_a_draft_is_refused(secretariat_client, draft_meeting):
    response = post(secretariat_client, "correct", draft_meeting, {"reason": "Why not"})
    assert response.status_code == 200
    assert "cannot be corrected" in str(response.context["form"].errors)


@pytest.mark.parametrize("name", ["circulate", "publish", "unpublish", "correct"])
def test_a_user_without_the_publish_permission_may_not(client, circulated_meeting, name):
    """Someone who may change meetings but is not of the Secretariat, nor has the publish permission."""
    user = UserFactory(username="clerk")
    user.user_permissions.add(Permission.objects.get(codename="change_meeting"))
    user.user_permissions.add(Permission.objects.get(codename="view_meeting"))
    client.force_login(user)
    assert post(client, name, circulated_meeting, {"reason": "x"}).status_code == 404  # sees only published
    circulated_meeting.status = Meeting.Status.PUBLISHED
    circulated_meeting.save()
    assert post(client, name, circulated_meeting, {"reason": "x"}).status_code == 403


@pytest.mark.parametrize(("persona", "status"), [("board_member", 403), ("secretariat", 302), ("admin", 302)])
def test_who_may_circulate(make_client, draft_meeting, circulated_meeting, persona, status):
    meeting = circulated_meeting if persona == "board_member" else draft_meeting
    assert post(make_client(persona), "circulate", meeting).status_code == status


def test_rescheduling_keeps_the_dates_announced_before(secretariat_client, upcoming_meeting, secretariat):
    before = (upcoming_meeting.start, upcoming_meeting.end)
    url = reverse("meetings-edit:reschedule", args=[upcoming_meeting.slug])
    response = secretariat_client.post(
        url, {"start": "2030-05-04T10:00", "end": "2030-05-04T16:00", "reason": "The host asked to postpone."}
    )
    assert response.status_code == 302
    upcoming_meeting.refresh_from_db()
    assert upcoming_meeting.local_start.strftime("%Y-%m-%d %H:%M") == "2030-05-04 10:00"
    reschedule = upcoming_meeting.reschedules.get()
    assert (reschedule.previous_start, reschedule.previous_end) == before
    assert reschedule.reason == "The host asked to postpone."
    assert reschedule.created_by == secretariat
    assert upcoming_meeting.version == 2


def test_rescheduling_twice_keeps_both_earlier_dates(secretariat_client, upcoming_meeting):
    RescheduleFactory(meeting=upcoming_meeting)
    url = reverse("meetings-edit:reschedule", args=[upcoming_meeting.slug])
    secretariat_client.post(url, {"start": "2030-05-04T10:00", "end": "2030-05-04T16:00", "reason": "Again."})
    assert upcoming_meeting.reschedules.count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"start": "2030-05-04T10:00", "end": "2030-05-03T16:00", "reason": "x"}, "end"),
        ({"start": "2030-05-04T10:00", "end": "2030-05-04T16:00", "reason": ""}, "reason"),
        ({"start": "yesterday", "end": "2030-05-04T16:00", "reason": "x"}, "start"),
    ],
)
def test_invalid_reschedule_keeps_the_input(secretariat_client, upcoming_meeting, data, field):
    response = secretariat_client.post(reverse("meetings-edit:reschedule", args=[upcoming_meeting.slug]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not upcoming_meeting.reschedules.exists()
