"""load_demo: every fact of the 6th Board meeting's public page is a record; a second run changes nothing."""

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from decisions.models import ActionItem, Decision, Document
from meetings.models import AgendaItem, Meeting, Participation
from members.models import Membership, Organisation, Person, Pillar, RoleHeld

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    call_command("load_demo", stdout=StringIO())
    return Meeting.objects.get(kind=Meeting.Kind.BOARD, ordinal=6)


def test_meeting_facts(meeting):
    assert meeting.title == "6th Integrative Internal Security Governance (IISG) Board Meeting"
    assert meeting.slug == "6th-board-meeting-2022"
    assert meeting.local_start.date() == dt.date(2022, 6, 20)
    assert meeting.local_start.strftime("%A") == "Monday"
    assert meeting.all_day
    assert meeting.city == "Sarajevo"
    assert meeting.country == "Bosnia and Herzegovina"
    assert meeting.format == Meeting.Format.HYBRID
    assert meeting.status == Meeting.Status.PUBLISHED
    assert meeting.published_at is not None
    assert meeting.has_passed


def test_chair_and_opening_speakers_with_their_positions_at_the_time(meeting):
    chair = meeting.chair
    assert chair.person.full_name == "Mr Maciej Popowski"
    assert chair.position == "Acting Director-General"
    assert chair.organisation.acronym == "DG NEAR"
    assert chair.organisation.parent.name == "European Commission"
    speakers = {
        p.person.name: (p.position, p.organisation.acronym)
        for p in meeting.participations.filter(role=Participation.Role.OPENING_REMARKS)
    }
    assert speakers == {
        "Olivier Onidi": ("Deputy Director-General for Security", "DG HOME"),
        "Tanja Miscevic": ("Deputy Secretary General", "RCC"),
    }
    assert Organisation.objects.get(acronym="DG HOME").parent.name == "European Commission"


def test_western_balkans_partners_at_ministerial_level(meeting):
    ministerial = meeting.participations.filter(level=Participation.Level.MINISTERIAL)
    assert {str(p.organisation) for p in ministerial} == {
        "Albania",
        "Bosnia and Herzegovina",
        "Kosovo*",
        "Montenegro",
        "North Macedonia",
        "Serbia",
    }
    assert all(p.organisation.kind == Organisation.Kind.WB_PARTNER for p in ministerial)


def test_support_group_and_secretariat_took_part(meeting):
    support = meeting.participations.filter(role=Participation.Role.SUPPORT_GROUP)
    assert {p.organisation.name for p in support} == {"Austria", "Slovenia", "Italy"}
    assert all(p.person is None for p in support)
    assert meeting.participations.filter(role=Participation.Role.SECRETARIAT, organisation__name="IISG Secretariat")


def test_board_and_support_group_memberships(meeting):
    board = Membership.objects.filter(category=Membership.Category.BOARD).values_list("organisation__name", flat=True)
    assert set(board) == {
        "Albania",
        "Bosnia and Herzegovina",
        "Kosovo",
        "Montenegro",
        "North Macedonia",
        "Serbia",
        "European Commission",
    }
    support = Membership.objects.filter(category=Membership.Category.SUPPORT_GROUP)
    assert {"Austria", "Slovenia", "Italy"} <= set(support.values_list("organisation__name", flat=True))


def test_three_pillars(meeting):
    assert set(Pillar.objects.values_list("code", flat=True)) == {"WBCTi", "WBCSCi", "WBBSi"}


def test_secretariat_presentation_is_an_agenda_item(meeting):
    item = meeting.agenda_items.get(kind=AgendaItem.Kind.PRESENTATION)
    assert [o.name for o in item.presenting_organisations.all()] == ["IISG Secretariat"]
    assert "needs mapping" in item.notes


def test_outputs_endorsed_adopted_and_approved_each_its_own_decision(meeting):
    decisions = {d.reference: d for d in meeting.decisions.prefetch_related("documents")}
    assert len(decisions) == 9
    first = decisions["B6/2022/01"]
    assert first.verb == Decision.Verb.ENDORSED_ADOPTED
    assert [d.title for d in first.documents.all()] == ["Presentation of IISG outputs"]
    approved_documents = {
        d.documents.get().title: d.reference
        for d in decisions.values()
        if d.verb == "approved" and d.documents.exists()
    }
    assert set(approved_documents) == {
        "IISG needs mapping 2021–2022 for the three pillars WBCTi, WBCSCi and WBBSi",
        "Updated methodology for the development of the IISG biennial needs mapping report",
        "Methodology for the development of the IISG annual response mapping report",
        "Methodology for mapping support to the IISG needs (IISG Database)",
        "IISG Secretariat annual work plan 2022",
    }
    needs_mapping = Document.objects.get(kind__slug="needs-mapping")
    assert needs_mapping.period == "2021–2022"
    assert set(needs_mapping.pillars.values_list("code", flat=True)) == {"WBCTi", "WBCSCi", "WBBSi"}
    assert Document.objects.get(title="IISG Secretariat annual work plan 2022").kind.name == "Work plan"


def test_new_members_from_the_meeting_date_linked_to_the_decision(meeting):
    decision = meeting.decisions.get(sequence=7)
    assert decision.subject == "IISG new members: RAI, Bulgaria, OSCE Kosovo*"
    assert decision.verb == Decision.Verb.APPROVED
    memberships = decision.memberships.select_related("organisation")
    assert {m.organisation.short_name for m in memberships} == {"RAI", "Bulgaria", "OSCE Kosovo*"}
    assert {m.since for m in memberships} == {dt.date(2022, 6, 20)}
    assert {m.until for m in memberships} == {None}


def test_mandate_of_the_head_of_secretariat_is_extended(meeting):
    role = RoleHeld.objects.get(person__name="Agron Sojati")
    assert role.post.name == "Head of the IISG Secretariat"
    assert role.represented.name == "IISG Secretariat"
    assert role.kind == RoleHeld.Kind.EXTENSION
    # The term was not stated: none is made up.
    assert (role.start, role.end) == (None, None)
    decision = role.decisions.get()
    assert decision.meeting == meeting
    assert decision.verb == Decision.Verb.APPROVED


def test_coordination_with_donors_is_an_action_item(meeting):
    action = ActionItem.objects.get(meeting=meeting)
    assert "donors and implementers" in action.description
    assert action.decision.verb == Decision.Verb.AGREED
    assert action.status == ActionItem.Status.OPEN


def test_public_summary_is_prose(meeting):
    assert "hybrid" in meeting.public_summary
    assert "Sarajevo" in meeting.public_summary


def _snapshot():
    """Every row and every history row of the domain models."""
    snapshot = {}
    for app in ("members", "meetings", "decisions"):
        for model in apps.get_app_config(app).get_models():
            snapshot[model._meta.label] = sorted(model.objects.values_list("pk", flat=True))
    return snapshot


def test_second_run_changes_nothing():
    call_command("load_demo", stdout=StringIO())
    before = _snapshot()
    updated = Meeting.objects.get().updated_at
    call_command("load_demo", stdout=StringIO())
    assert _snapshot() == before
    assert Meeting.objects.get().updated_at == updated
    assert Person.objects.count() == 4


def test_demo_users_are_created_with_debug_on(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", stdout=out)
    users = get_user_model().objects
    assert users.get(username="secretariat").groups.filter(name="Secretariat").exists()
    assert users.get(username="board").groups.filter(name="Board members").exists()
    assert users.get(username="admin").is_superuser
    assert users.get(username="board").check_password("demo-board")
    assert "demo-secretariat" in out.getvalue()


def test_no_demo_users_with_debug_off(settings):
    settings.DEBUG = False
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert not get_user_model().objects.exists()
    assert "no demo users" in out.getvalue()
