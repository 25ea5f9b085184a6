"""The domain model's rules: constraints refuse bad data with a clear message."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from decisions.models import Decision
from meetings.models import AgendaItem, Meeting, Participation, ordinal
from members.models import Membership
from tests.factories import (
    AgendaItemFactory,
    DecisionFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    PillarFactory,
    PostFactory,
    RoleHeldFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


# One meeting per (kind, ordinal)


def test_second_meeting_with_the_same_kind_and_number_is_refused():
    MeetingFactory(kind=Meeting.Kind.BOARD, ordinal=6)
    duplicate = MeetingFactory.build(kind=Meeting.Kind.BOARD, ordinal=6)
    with pytest.raises(ValidationError, match="A meeting of this kind with this number already exists"):
        duplicate.full_clean()
    refused_by_database(lambda: MeetingFactory(kind=Meeting.Kind.BOARD, ordinal=6))


def test_same_number_is_fine_for_another_kind_or_pillar():
    MeetingFactory(kind=Meeting.Kind.BOARD, ordinal=6)
    MeetingFactory(kind=Meeting.Kind.SUPPORT_GROUP, ordinal=6)
    MeetingFactory(kind=Meeting.Kind.PILLAR, pillar=PillarFactory(code="WBCTi"), ordinal=6)
    MeetingFactory(kind=Meeting.Kind.PILLAR, pillar=PillarFactory(code="WBBSi"), ordinal=6)
    assert Meeting.objects.filter(ordinal=6).count() == 4


def test_meeting_cannot_end_before_it_starts():
    start = timezone.now()
    meeting = MeetingFactory.build(start=start, end=start - dt.timedelta(hours=1))
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert "A meeting cannot end before it starts." in error.value.message_dict["end"]
    refused_by_database(lambda: MeetingFactory(start=start, end=start - dt.timedelta(hours=1)))


def test_pillar_meeting_needs_its_pillar():
    meeting = MeetingFactory.build(kind=Meeting.Kind.PILLAR, pillar=None)
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert error.value.message_dict["pillar"] == ["A pillar meeting needs its pillar."]


def test_meeting_slug_names_number_kind_and_year():
    meeting = MeetingFactory(
        kind=Meeting.Kind.BOARD,
        ordinal=6,
        start=dt.datetime(2022, 6, 20, 9, tzinfo=dt.UTC),
        end=dt.datetime(2022, 6, 20, 15, tzinfo=dt.UTC),
    )
    assert meeting.slug == "6th-board-meeting-2022"
    assert meeting.get_absolute_url() == "/meetings/6th-board-meeting-2022/"
    assert str(meeting) == meeting.title


@pytest.mark.parametrize(
    ("number", "label"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (6, "6th"), (11, "11th"), (22, "22nd")]
)
def test_ordinal(number, label):
    assert ordinal(number) == label


def test_meeting_times_are_stored_in_utc_and_shown_in_its_time_zone():
    meeting = MeetingFactory(
        start=dt.datetime(2022, 6, 20, 7, tzinfo=dt.UTC), end=dt.datetime(2022, 6, 20, 15, tzinfo=dt.UTC)
    )
    meeting.refresh_from_db()
    assert meeting.local_start.hour == 9  # Sarajevo is UTC+2 in June
    assert meeting.local_start.tzinfo.key == "Europe/Sarajevo"


def test_unknown_time_zone_is_refused():
    meeting = MeetingFactory.build(time_zone="Europe/Atlantis")
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert "is not a time zone name" in error.value.message_dict["time_zone"][0]


# Agenda


def test_agenda_positions_are_unique_within_a_meeting():
    item = AgendaItemFactory(position=1)
    AgendaItemFactory(position=1)  # another meeting: fine
    duplicate = AgendaItem(meeting=item.meeting, position=1, title="Again")
    with pytest.raises(ValidationError, match="Another agenda item of this meeting has this position"):
        duplicate.full_clean()
    refused_by_database(lambda: AgendaItemFactory(meeting=item.meeting, position=1))


# Decisions


def test_decision_references_are_unique():
    decision = DecisionFactory(reference="B6/2022/01")
    other = DecisionFactory.build(meeting=MeetingFactory(), reference="B6/2022/01", sequence=1)
    with pytest.raises(ValidationError) as error:
        other.full_clean()
    assert "reference" in error.value.message_dict
    refused_by_database(lambda: DecisionFactory(reference=decision.reference))


def test_reference_is_proposed_from_meeting_and_sequence():
    meeting = MeetingFactory(
        ordinal=6, start=dt.datetime(2022, 6, 20, 7, tzinfo=dt.UTC), end=dt.datetime(2022, 6, 20, 15, tzinfo=dt.UTC)
    )
    assert Decision.propose_reference(meeting) == "B6/2022/01"
    DecisionFactory(meeting=meeting, sequence=3, reference="B6/2022/03")
    assert Decision.propose_reference(meeting) == "B6/2022/04"


def test_decision_url_is_its_reference():
    decision = DecisionFactory(reference="B6/2022/04")
    assert decision.get_absolute_url() == "/decisions/B6/2022/04/"


# Memberships and roles held


def test_membership_cannot_end_before_it_starts():
    membership = MembershipFactory.build(
        organisation=OrganisationFactory(), since=dt.date(2022, 6, 20), until=dt.date(2022, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert error.value.message_dict["until"] == ["A membership cannot end before it starts."]
    refused_by_database(lambda: MembershipFactory(since=dt.date(2022, 6, 20), until=dt.date(2022, 1, 1)))


def test_overlapping_membership_of_one_organisation_in_one_category_is_refused():
    existing = MembershipFactory(since=dt.date(2020, 1, 1), until=None, category=Membership.Category.BOARD)
    overlapping = Membership(
        organisation=existing.organisation, category=Membership.Category.BOARD, since=dt.date(2022, 6, 20)
    )
    with pytest.raises(ValidationError) as error:
        overlapping.full_clean()
    message = error.value.messages[0]
    assert str(existing.organisation) in message
    assert "is already a Board member over these dates" in message


def test_memberships_that_do_not_overlap_are_accepted():
    existing = MembershipFactory(since=dt.date(2018, 1, 1), until=dt.date(2020, 12, 31))
    Membership(organisation=existing.organisation, category=existing.category, since=dt.date(2021, 1, 1)).full_clean()
    # Another category over the same dates is fine too.
    Membership(
        organisation=existing.organisation, category=Membership.Category.OBSERVER, since=dt.date(2019, 1, 1)
    ).full_clean()


def test_membership_current_and_former():
    current = MembershipFactory(since=dt.date(2020, 1, 1))
    former = MembershipFactory(since=dt.date(2015, 1, 1), until=dt.date(2019, 1, 1))
    assert list(Membership.objects.current()) == [current]
    assert list(Membership.objects.former()) == [former]
    assert current.is_current
    assert not former.is_current


def test_role_held_cannot_end_before_it_starts():
    role = RoleHeldFactory.build(
        post=PostFactory(), person=PersonFactory(), start=dt.date(2022, 6, 20), end=dt.date(2021, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        role.full_clean()
    assert error.value.message_dict["end"] == ["A role cannot end before it starts."]
    refused_by_database(lambda: RoleHeldFactory(start=dt.date(2022, 6, 20), end=dt.date(2021, 1, 1)))


def test_kosovo_is_printed_with_the_asterisk():
    organisation = OrganisationFactory(name="Kosovo", designation_footnote=True)
    assert str(organisation) == "Kosovo*"


# Participation keeps the position held at the time


def test_position_at_the_meeting_stays_after_the_person_moves_on():
    person = PersonFactory(position_title="Acting Director-General")
    participation = ParticipationFactory(person=person, position="")
    assert participation.position == "Acting Director-General"
    assert participation.organisation == person.organisation
    person.position_title = "Ambassador"
    person.save()
    participation.refresh_from_db()
    assert participation.position == "Acting Director-General"


def test_participation_names_a_person_or_an_organisation():
    meeting = MeetingFactory()
    with pytest.raises(ValidationError, match="Name a person, an organisation, or both"):
        Participation(meeting=meeting, role=Participation.Role.DELEGATE).full_clean()
    refused_by_database(lambda: Participation.objects.create(meeting=meeting, role=Participation.Role.DELEGATE))


def test_chair_is_the_participation_with_the_chair_role():
    chair = ParticipationFactory(role=Participation.Role.CHAIR)
    ParticipationFactory(meeting=chair.meeting, role=Participation.Role.DELEGATE)
    assert chair.meeting.chair == chair


# Reschedules keep the dates announced before


def test_rescheduled_meeting_keeps_the_dates_announced_before():
    meeting = MeetingFactory()
    announced = (meeting.start, meeting.end)
    meeting.reschedules.create(previous_start=meeting.start, previous_end=meeting.end, reason="Host asked")
    meeting.start += dt.timedelta(days=7)
    meeting.end += dt.timedelta(days=7)
    meeting.save()
    reschedule = meeting.reschedules.get()
    assert (reschedule.previous_start, reschedule.previous_end) == announced
    assert meeting.start != announced[0]


# History: who, when, what


def test_every_change_is_kept_with_who_and_when():
    user = UserFactory()
    meeting = MeetingFactory(city="Tirana")
    meeting._history_user = user
    meeting.city = "Skopje"
    meeting.save()
    latest, first = meeting.history.all()[:2]
    assert latest.history_user == user
    assert latest.history_date is not None
    delta = latest.diff_against(first)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("city", "Tirana", "Skopje")]
