"""
The contract of the meeting services: each takes a frozen input and returns a frozen result that says
what was saved, whether anything changed, the correction recorded and how many were e-mailed. Nothing
is answered through attributes set on a model instance.
"""

import dataclasses
import datetime as dt
import inspect

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem, Correction, Meeting, Participation
from tests.editing.test_ux_workflow import posted_as_opened
from tests.factories import AgendaItemFactory, MeetingFactory, ParticipationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def service_functions():
    """Every public step of meetings.services whose one parameter is a dataclass: the services under contract."""
    found = []
    for name, function in inspect.getmembers(services, inspect.isfunction):
        if function.__module__ != services.__name__ or name.startswith("_"):
            continue
        parameters = list(inspect.signature(function).parameters.values())
        annotation = parameters[0].annotation if len(parameters) == 1 else None
        if isinstance(annotation, str) and dataclasses.is_dataclass(getattr(services, annotation, None)):
            found.append(name)
    return found


# The helpers that are not steps: rules the app above asks (decisions), and look-ups.
NOT_STEPS = {
    "board_member_emails",
    "chair_position_at_the_time",
    "check_correction_reason",
    "record_correction_if_published",
    "step_refusal",
}


def test_every_step_takes_one_frozen_input_and_returns_a_frozen_result():
    steps = service_functions()
    public = {
        name
        for name, function in inspect.getmembers(services, inspect.isfunction)
        if function.__module__ == services.__name__ and not name.startswith("_")
    }
    # No public function is left outside the contract, apart from the helpers named above.
    assert public - set(steps) == NOT_STEPS
    assert len(steps) >= 14
    for name in steps:
        function = getattr(services, name)
        hints = inspect.get_annotations(function, eval_str=True)
        given, returned = next(iter(v for k, v in hints.items() if k != "return")), hints["return"]
        for kind in (given, returned):
            assert dataclasses.is_dataclass(kind), (name, kind)
            assert kind.__dataclass_params__.frozen, (name, kind)


def test_an_input_cannot_be_changed_once_made(draft_meeting):
    command = services.SaveMeeting(meeting=draft_meeting, expected_version=draft_meeting.version)
    with pytest.raises(dataclasses.FrozenInstanceError):
        command.expected_version = 99
    with pytest.raises(dataclasses.FrozenInstanceError):
        command.meeting = MeetingFactory()
    step = services.AdvanceMeeting(meeting=draft_meeting, to=Meeting.Status.CIRCULATED)
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.to = Meeting.Status.PUBLISHED


def test_inputs_are_keyword_only(draft_meeting):
    with pytest.raises(TypeError):
        services.SaveMeeting(draft_meeting, draft_meeting.version)


def public_attributes(instance) -> set[str]:
    return {name for name in vars(instance) if not name.startswith("_")}


def test_a_save_that_changes_nothing_says_so_and_writes_no_version(published_meeting):
    meeting = Meeting.objects.get(pk=published_meeting.pk)
    version, history, attributes = meeting.version, meeting.history.count(), public_attributes(meeting)
    result = services.save_meeting(services.SaveMeeting(meeting=meeting, expected_version=meeting.version))
    assert result == services.MeetingSaved(
        meeting=meeting, created=False, changed=False, schedule_changed=False, chair_changed=False, correction=None
    )
    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.version == version
    assert stored.history.count() == history
    assert not Correction.objects.filter(meeting=meeting).exists()
    # The answer is the result, not an attribute set on the instance.
    assert public_attributes(meeting) == attributes
    assert not hasattr(meeting, "saved_changes")


def test_a_save_of_a_published_record_returns_its_correction_and_whether_the_dates_moved(
    published_meeting, secretariat
):
    meeting = Meeting.objects.get(pk=published_meeting.pk)
    sequence = meeting.schedule_sequence
    meeting.start += dt.timedelta(hours=1)
    meeting.end += dt.timedelta(hours=1)
    result = services.save_meeting(
        services.SaveMeeting(
            meeting=meeting, expected_version=meeting.version, correction_reason="The time.", user=secretariat
        )
    )
    assert (result.changed, result.schedule_changed, result.created) == (True, True, False)
    assert result.correction == Correction.objects.get(meeting=meeting)
    assert result.correction.reason == "The time."
    assert Meeting.objects.get(pk=meeting.pk).schedule_sequence == sequence + 1


def test_a_save_that_changes_the_chair_alone_says_the_chair_changed(draft_meeting):
    meeting = Meeting.objects.get(pk=draft_meeting.pk)
    person = PersonFactory(position_title="Minister")
    result = services.save_meeting(
        services.SaveMeeting(meeting=meeting, expected_version=meeting.version, chair=person, chair_position="Host")
    )
    assert (result.changed, result.chair_changed, result.schedule_changed) == (True, True, False)
    assert Meeting.objects.get(pk=meeting.pk).version == draft_meeting.version + 1
    again = services.save_meeting(
        services.SaveMeeting(
            meeting=Meeting.objects.get(pk=meeting.pk),
            expected_version=draft_meeting.version + 1,
            chair=person,
            chair_position="Host",
        )
    )
    assert (again.changed, again.chair_changed) == (False, False)


def test_set_chair_says_whether_it_changed(draft_meeting):
    person = PersonFactory()
    first = services.set_chair(services.SetChair(meeting=draft_meeting, person=person, position="Minister"))
    assert first.changed
    assert first.participation.role == Participation.Role.CHAIR
    same = services.set_chair(services.SetChair(meeting=draft_meeting, person=person))
    assert same == services.ChairSet(participation=first.participation, changed=False)
    removed = services.set_chair(services.SetChair(meeting=draft_meeting, person=None))
    assert removed == services.ChairSet(participation=None, changed=True)
    assert not draft_meeting.participations.filter(role=Participation.Role.CHAIR).exists()


def test_the_circulate_result_says_how_many_were_emailed(
    board_member, draft_meeting, django_capture_on_commit_callbacks, mailoutbox
):
    other = UserFactory(username="board2", email="b@example.org")
    other.groups.add(*board_member.groups.all())
    without_address = UserFactory(username="board3", email="")
    without_address.groups.add(*board_member.groups.all())
    meeting = Meeting.objects.get(pk=draft_meeting.pk)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.circulate_meeting(
            services.WorkflowStep(meeting=meeting, site_url="https://portal.example", override_reason="A test record.")
        )
    assert (result.meeting, result.status, result.emailed) == (meeting, Meeting.Status.CIRCULATED, 2)
    assert result.recipients == ("b@example.org", board_member.email)
    assert len(mailoutbox) == 2
    assert not hasattr(meeting, "emailed")
    # The caller's instance holds the stored status (a field), as after refresh_from_db().
    assert meeting.status == Meeting.Status.CIRCULATED


def test_the_publish_result_says_nobody_was_emailed_when_nobody_has_an_address(circulated_meeting, mailoutbox):
    result = services.publish_meeting(
        services.WorkflowStep(meeting=circulated_meeting, override_reason="A test record.")
    )
    assert (result.status, result.emailed) == (Meeting.Status.PUBLISHED, 0)


def test_an_agenda_item_saved_as_it_was_changes_nothing(published_meeting):
    item = AgendaItemFactory(meeting=published_meeting, position=1)
    versions = item.history.count()
    result = services.save_agenda_item(
        services.SaveAgendaItem(item=AgendaItem.objects.get(pk=item.pk), expected_version=item.version)
    )
    assert (result.changed, result.created, result.correction) == (False, False, None)
    assert item.history.count() == versions
    assert not Correction.objects.filter(meeting=published_meeting).exists()


def test_a_new_agenda_item_is_created_and_the_correction_returned(published_meeting):
    first = AgendaItemFactory(meeting=published_meeting, position=1)
    result = services.save_agenda_item(
        services.SaveAgendaItem(
            item=AgendaItem(meeting=published_meeting, position=1, title="Opening", kind=AgendaItem.Kind.OPENING),
            correction_reason="The opening was left out.",
        )
    )
    assert (result.created, result.changed, result.item.position) == (True, True, 1)
    assert result.correction.reason == "The opening was left out."
    first.refresh_from_db()
    assert first.position == 2


def test_deleting_an_agenda_item_returns_its_title_and_how_many_moved_up(draft_meeting):
    first = AgendaItemFactory(meeting=draft_meeting, position=1, title="Opening")
    AgendaItemFactory(meeting=draft_meeting, position=2)
    AgendaItemFactory(meeting=draft_meeting, position=3)
    result = services.delete_agenda_item(services.DeleteAgendaItem(item=first))
    assert result == services.AgendaItemDeleted(title="Opening", moved=2, correction=None)


def test_reordering_in_the_same_order_moves_nothing_and_records_no_correction(published_meeting):
    items = [AgendaItemFactory(meeting=published_meeting, position=n) for n in (1, 2)]
    same = services.reorder_agenda(
        services.ReorderAgenda(
            meeting=published_meeting, item_ids=tuple(item.pk for item in items), correction_reason="Order."
        )
    )
    assert (same.moved, same.changed, same.correction) == (0, False, None)
    swapped = services.reorder_agenda(
        services.ReorderAgenda(
            meeting=published_meeting, item_ids=tuple(item.pk for item in items[::-1]), correction_reason="Order."
        )
    )
    assert (swapped.moved, swapped.changed) == (2, True)
    assert swapped.correction.reason == "Order."


def test_recording_participants_returns_the_rows_saved_and_the_number_removed(draft_meeting):
    gone = ParticipationFactory(meeting=draft_meeting)
    kept = ParticipationFactory(meeting=draft_meeting)
    kept.attendance = Participation.Attendance.REMOTE
    result = services.record_participants(
        services.RecordParticipants(
            meeting=draft_meeting, entries=(services.ParticipantEntry(participation=kept),), removed=(gone,)
        )
    )
    assert result == services.ParticipantsRecorded(saved=(kept,), removed=1, correction=None)
    assert result.changed
    assert list(draft_meeting.participations.values_list("pk", "attendance")) == [(kept.pk, "remote")]


def test_rescheduling_returns_the_dates_announced_before(draft_meeting):
    meeting = Meeting.objects.get(pk=draft_meeting.pk)
    before = meeting.start
    later = meeting.start + dt.timedelta(days=30)
    result = services.reschedule_meeting(
        services.RescheduleMeeting(meeting=meeting, start=later, end=later + dt.timedelta(hours=2), reason="Host.")
    )
    assert result.postponed
    assert result.reschedule.previous_start == before
    assert result.meeting.start == later
    pending = services.reschedule_meeting(
        services.RescheduleMeeting(meeting=meeting, new_date_pending=True, reason="Elections.")
    )
    assert pending.postponed
    given = services.reschedule_meeting(
        services.RescheduleMeeting(meeting=meeting, start=later, end=later + dt.timedelta(hours=2))
    )
    # Giving the date of a meeting that waited for one records no new reschedule.
    assert given.reschedule is None


def test_unpublishing_and_correcting_return_the_line_on_the_record(published_meeting, secretariat):
    corrected = services.correct_meeting(
        services.MeetingWithReason(meeting=published_meeting, reason="A name.", user=secretariat)
    )
    assert (corrected.correction.kind, corrected.correction.reason) == (Correction.Kind.CORRECTION, "A name.")
    unpublished = services.unpublish_meeting(
        services.MeetingWithReason(meeting=published_meeting, reason="A date.", user=secretariat)
    )
    assert unpublished.correction.kind == Correction.Kind.UNPUBLISH
    assert unpublished.meeting.status == Meeting.Status.CIRCULATED


def test_the_edit_page_says_nothing_changed_from_the_result(secretariat_client, draft_meeting):
    """Client level: the view reads the result; an unchanged save is said as information and writes no version."""
    # On whole minutes, as the form gives them (the factory's start has seconds).
    start = dt.datetime(2022, 6, 20, 8, 0, tzinfo=dt.UTC)
    Meeting.objects.filter(pk=draft_meeting.pk).update(start=start, end=start + dt.timedelta(hours=6))
    url = reverse("meetings-edit:meeting-edit", args=[draft_meeting.slug])
    version = Meeting.objects.get(pk=draft_meeting.pk).version
    data = posted_as_opened(secretariat_client.get(url).context["form"])
    response = secretariat_client.post(url, data, follow=True)
    assert [(message.level_tag, str(message)) for message in response.context["messages"]] == [
        ("info", f"Nothing changed: the meeting “{draft_meeting.title}” is as it was, and no correction was recorded.")
    ]
    assert Meeting.objects.get(pk=draft_meeting.pk).version == version


def test_the_publish_page_says_how_many_were_emailed_from_the_result(
    secretariat_client, board_member, circulated_meeting, django_capture_on_commit_callbacks
):
    url = reverse("meetings-edit:publish", args=[circulated_meeting.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(url, {"confirm": "1", "override_reason": "A test record."}, follow=True)
    assert [str(message) for message in response.context["messages"]] == [
        "Published: the public now reads the summary and the decisions. 1 Board member was e-mailed: board@example.org."
    ]
