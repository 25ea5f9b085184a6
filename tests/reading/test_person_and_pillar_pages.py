"""/people/<slug>/ and /pillars/<code>/: what each role may read there, and nothing more."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Participation
from members.models import Post, RoleHeld
from tests.factories import (
    DecisionFactory,
    MeetingFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    PillarFactory,
)
from tests.reading.pagetext import section, text_of

pytestmark = pytest.mark.django_db


def meeting_on(day: dt.date, **values):
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    return MeetingFactory(start=start, end=start + dt.timedelta(hours=6), **values)


@pytest.fixture
def minister(db):
    """A minister who chaired two meetings as Minister of Interior, then one as Deputy Prime Minister."""
    ministry = OrganisationFactory(name="Ministry of Interior of Examplia", acronym="MOIE")
    person = PersonFactory(honorific="Mr", name="Marko Example", position_title="Deputy Prime Minister")
    for ordinal, day, position in [
        (31, dt.date(2021, 3, 1), "Minister of Interior"),
        (32, dt.date(2021, 10, 1), "Minister of Interior"),
        (33, dt.date(2023, 4, 1), "Deputy Prime Minister"),
    ]:
        meeting = meeting_on(day, ordinal=ordinal, title=f"{ordinal}th IISG Board Meeting")
        ParticipationFactory(
            meeting=meeting, person=person, organisation=ministry, role=Participation.Role.CHAIR, position=position
        )
    return person


def test_positions_as_recorded_at_each_meeting(client, minister):
    page = client.get(minister.get_absolute_url()).content.decode()
    positions = section(page, "positions")
    assert (
        "Minister of Interior, Ministry of Interior of Examplia — at 2 meetings, 1 March 2021 – 1 October 2021 "
        "Deputy Prime Minister, Ministry of Interior of Examplia — at 33th IISG Board Meeting (1 April 2023)"
    ) in positions
    meetings = section(page, "meetings")
    # Newest first, with the role.
    assert meetings.index("33th IISG Board Meeting") < meetings.index("31th IISG Board Meeting")
    assert "Chair" in meetings


def test_the_public_never_looks_up_a_delegate_and_never_reads_attendance(client_for, minister):
    meeting = minister.participations.first().meeting
    delegate = PersonFactory(name="Dana Delegate")
    ParticipationFactory(meeting=meeting, person=delegate, role=Participation.Role.DELEGATE)
    assert client_for("anonymous").get(delegate.get_absolute_url()).status_code == 404
    board = client_for("board_member").get(delegate.get_absolute_url()).content.decode()
    assert "Delegate" in section(board, "meetings")
    assert "In person" in section(board, "meetings")  # the attendance, for members
    public = client_for("anonymous").get(minister.get_absolute_url()).content.decode()
    assert "In person" not in public


def test_a_delegate_elsewhere_is_not_listed_to_the_public_on_a_chairs_page(client_for, minister):
    later = meeting_on(dt.date(2024, 1, 10), ordinal=34, title="34th IISG Board Meeting")
    ParticipationFactory(meeting=later, person=minister, role=Participation.Role.DELEGATE, position="Adviser")
    public = client_for("anonymous").get(minister.get_absolute_url()).content.decode()
    assert "34th IISG Board Meeting" not in public
    assert "Adviser" not in public
    board = client_for("board_member").get(minister.get_absolute_url()).content.decode()
    assert "34th IISG Board Meeting" in board
    assert "Adviser" in section(board, "positions")


def test_a_person_only_a_draft_names_is_a_404_to_who_may_not_read_it(client_for, db):
    draft = meeting_on(dt.date(2025, 2, 2), status="draft", published_at=None)
    person = PersonFactory(name="Hidden Chairperson")
    ParticipationFactory(meeting=draft, person=person, role=Participation.Role.CHAIR)
    decision = DecisionFactory(meeting=draft)
    decision.concerns_people.add(PersonFactory(name="Hidden Concerned"))
    for persona, status in [("anonymous", 404), ("board_member", 404), ("secretariat", 200), ("admin", 200)]:
        assert client_for(persona).get(person.get_absolute_url()).status_code == status, persona
        concerned = decision.concerns_people.get()
        assert client_for(persona).get(concerned.get_absolute_url()).status_code == status, persona


def test_the_person_page_of_the_demo_head_of_secretariat(client, demo):
    page = text_of(client.get(reverse("portal:person-detail", args=["agron-sojati"])).content.decode())
    assert "Head of the IISG Secretariat: Extension of mandate, term not on record (decision B6/2022/08)" in page
    assert "Positions as recorded at meetings" not in page  # he spoke at no meeting on record
    chair = text_of(client.get(reverse("portal:person-detail", args=["maciej-popowski"])).content.decode())
    assert "Acting Director-General, Directorate-General for Neighbourhood and Enlargement Negotiations" in chair
    assert "6th Integrative Internal Security Governance (IISG) Board Meeting (20 June 2022) — Chair" in chair


def test_the_pillar_page(client_for, db):
    pillar = PillarFactory(code="WBCSCi", name="Western Balkans Counter Serious Crime initiative")
    meeting = meeting_on(dt.date(2024, 3, 3), kind="pillar", pillar=pillar, ordinal=2, title="2nd WBCSCi meeting")
    draft = meeting_on(dt.date(2024, 9, 3), kind="pillar", pillar=pillar, ordinal=3, status="draft", published_at=None)
    partner = RoleHeld.objects.create(
        post=Post.objects.get(name="Lead partner of a pillar"),
        organisation=OrganisationFactory(name="Partnerland"),
        pillar=pillar,
        start=dt.date(2024, 3, 1),
        start_precision="month",
    )
    DecisionFactory(meeting=meeting, subject="Partnerland leads").roles.add(partner)
    hidden = RoleHeld.objects.create(
        post=Post.objects.get(name="Co-lead partner of a pillar"),
        organisation=OrganisationFactory(name="Hiddenland"),
        pillar=pillar,
    )
    DecisionFactory(meeting=draft, subject="Hiddenland co-leads").roles.add(hidden)
    for persona in ["anonymous", "board_member"]:
        page = text_of(client_for(persona).get("/pillars/wbcsci/").content.decode())
        assert "Lead partner of a pillar (WBCSCi): Partnerland — Appointment, from March 2024" in page
        assert "2nd WBCSCi meeting" in page
        assert "Partnerland leads" in page
        assert "Hiddenland" not in page
        assert draft.title not in page
    secretariat = text_of(client_for("secretariat").get(pillar.get_absolute_url()).content.decode())
    assert "Hiddenland" in secretariat
    assert client_for("anonymous").get("/pillars/NOSUCH/").status_code == 404
