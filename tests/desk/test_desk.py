"""
The Secretariat's desk (portal/desk.py, templates/portal/desk.html): their home page lists every
record waiting for them, grouped by next step, each row linking to the step; the Board and the public
keep the public home page.
"""

import datetime as dt
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import pagecache
from core.workflow import RecordStatus
from decisions.models import ActionItem, MeetingPaper, WrittenProcedure
from meetings.models import Correction, Meeting
from portal.desk import GROUP_PAGE_SIZE, ROWS_PER_GROUP, desk_for
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    CorrectionFactory,
    DecisionFactory,
    DocumentFactory,
    MeetingFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ProcedureAnswerFactory,
    WrittenProcedureFactory,
)

NOW = timezone.now()
TODAY = timezone.localdate()


def desk_page(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def section(page: str, key: str) -> str:
    """The HTML of one group of the desk (its <section>), or "" when the desk leaves it out."""
    match = re.search(rf'<section aria-labelledby="{key}".*?</section>', page, re.S)
    return match.group(0) if match else ""


def draft(title: str, *, days: int = -10, **fields) -> Meeting:
    start = NOW + dt.timedelta(days=days)
    return MeetingFactory(
        title=title,
        start=start,
        end=start + dt.timedelta(hours=6),
        **{"status": Meeting.Status.DRAFT, "minutes": "The Board met in full.", **fields},
    )


def complete(meeting: Meeting) -> Meeting:
    """Every part a record needs: participants, an agenda, a decision, a paper, summary and minutes."""
    ParticipationFactory(meeting=meeting)
    AgendaItemFactory(meeting=meeting)
    DecisionFactory(meeting=meeting)
    MeetingPaper.objects.create(meeting=meeting, document=DocumentFactory())
    return meeting


def open_procedure(**fields) -> WrittenProcedure:
    return WrittenProcedureFactory(
        stage=WrittenProcedure.Stage.OPEN,
        status=RecordStatus.CIRCULATED,
        launched_at=NOW - dt.timedelta(days=1),
        **fields,
    )


# --- Each group, its rows and links --------------------------------------------------------------


def test_a_draft_without_participants_is_to_complete_with_a_link_to_the_participants(client_for, db):
    meeting = draft("Draft without participants")
    AgendaItemFactory(meeting=meeting)
    DecisionFactory(meeting=meeting)
    page = desk_page(client_for("secretariat"))
    group = section(page, "to-complete")
    assert "Draft without participants" in group
    assert "no participants" in group
    assert reverse("meetings-edit:participants", args=[meeting.slug]) in group
    # It has the rest: nothing else is said missing.
    for other in ("no agenda", "no decision", "no public summary", "no minutes"):
        assert other not in group
    assert "Draft without participants" not in section(page, "to-circulate")


def test_each_missing_part_links_to_where_it_is_added(client_for, db):
    meeting = draft("Empty draft", public_summary="", minutes="")
    group = section(desk_page(client_for("secretariat")), "to-complete")
    for part in ("no participants", "no agenda", "no decision", "no public summary", "no minutes"):
        assert part in group
    for name in ("participants", "agenda", "meeting-edit"):
        assert reverse(f"meetings-edit:{name}", args=[meeting.slug]) in group
    assert reverse("decisions-edit:decision-create", args=[meeting.slug]) in group


def test_a_decision_and_minutes_are_missing_only_once_the_meeting_has_taken_place(client_for, db):
    meeting = draft("Next month's meeting", days=30, minutes="")
    ParticipationFactory(meeting=meeting)
    AgendaItemFactory(meeting=meeting)
    page = desk_page(client_for("secretariat"))
    assert "no minutes" not in page
    assert "no decision" not in page
    assert "Next month&#x27;s meeting" in section(page, "to-circulate")


def test_counts_of_participants_stand_for_their_names(client_for, db):
    meeting = draft("Counted, not named", participants_in_person=18)
    AgendaItemFactory(meeting=meeting)
    DecisionFactory(meeting=meeting)
    assert "Counted, not named" in section(desk_page(client_for("secretariat")), "to-circulate")


def test_a_complete_draft_is_to_circulate(client_for, db):
    meeting = complete(draft("Complete draft"))
    page = desk_page(client_for("secretariat"))
    group = section(page, "to-circulate")
    assert "Complete draft" in group
    assert reverse("meetings-edit:circulate", args=[meeting.slug]) in group
    assert section(page, "to-complete") == ""


def test_a_cancelled_draft_waits_for_nothing(client_for, db):
    draft("Cancelled draft", schedule_status=Meeting.ScheduleStatus.CANCELLED, cancellation_reason="No host.")
    page = desk_page(client_for("secretariat"))
    assert section(page, "to-complete") == section(page, "to-circulate") == ""


def test_a_circulated_record_is_to_publish_since_when_it_was_circulated(client_for, db):
    circulated_at = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    meeting = complete(draft("Circulated record", status=Meeting.Status.CIRCULATED, circulated_at=circulated_at))
    group = section(desk_page(client_for("secretariat")), "to-publish")
    assert "Circulated record" in group
    assert reverse("meetings-edit:publish", args=[meeting.slug]) in group
    # In the meeting's own time zone (Europe/Sarajevo: UTC+1 in March).
    assert "Circulated on 2 March 2026, 10:30 (Europe/Sarajevo)" in group


def test_an_unpublished_record_is_to_correct_with_the_reason(client_for, db):
    meeting = complete(draft("Unpublished record", status=Meeting.Status.CIRCULATED, circulated_at=NOW))
    CorrectionFactory(meeting=meeting, kind=Correction.Kind.CORRECTION, created_at=NOW - dt.timedelta(days=3))
    CorrectionFactory(meeting=meeting, kind=Correction.Kind.UNPUBLISH, reason="A delegation's name was wrong.")
    # A circulated record whose latest line is a correction (not an unpublication) is simply to publish.
    other = complete(draft("Corrected before", status=Meeting.Status.CIRCULATED, circulated_at=NOW))
    CorrectionFactory(meeting=other, kind=Correction.Kind.CORRECTION)
    page = desk_page(client_for("secretariat"))
    group = section(page, "to-correct")
    assert "Unpublished record" in group
    assert "Reason: A delegation&#x27;s name was wrong." in group
    assert meeting.get_absolute_url() in group
    assert "Unpublished record" not in section(page, "to-publish")
    assert "Corrected before" in section(page, "to-publish")
    assert "Corrected before" not in group


def test_an_open_procedure_names_who_has_not_answered(client_for, db):
    answered, silent, quiet = (OrganisationFactory(name=name) for name in ("Albania", "Montenegro", "Kosovo*"))
    late = open_procedure(
        title="Adopt the rules", deadline=NOW - dt.timedelta(hours=2), consulted=[answered, silent, quiet]
    )
    soon = open_procedure(title="Approve the plan", deadline=NOW + dt.timedelta(days=2), consulted=[answered])
    ProcedureAnswerFactory(procedure=late, organisation=answered)
    ProcedureAnswerFactory(procedure=soon, organisation=answered)
    group = section(desk_page(client_for("secretariat")), "procedures-open")
    assert "Not answered yet: Kosovo*, Montenegro" in group
    assert "Every consulted member has answered." in group
    # Soonest deadline first; the one past its deadline marked, with its deadline in the Secretariat's zone.
    assert group.index("Adopt the rules") < group.index(">overdue<") < group.index("Approve the plan")
    assert group.count(">overdue<") == 1
    local = timezone.localtime(late.deadline)
    assert f"Deadline: {local:%-d %B %Y, %H:%M} {local.tzname()}" in group
    assert late.get_absolute_url() in group


def test_a_draft_procedure_links_to_its_launch(client_for, db):
    procedure = WrittenProcedureFactory(title="Not launched yet")
    group = section(desk_page(client_for("secretariat")), "procedures-draft")
    assert "Not launched yet" in group
    assert reverse("decisions-edit:procedure-launch", args=[procedure.slug]) in group
    assert procedure.get_absolute_url() in group


def test_upcoming_meetings_missing_an_agenda_participants_or_papers(client_for, db):
    bare = MeetingFactory(title="Upcoming bare", start=NOW + dt.timedelta(days=20), end=NOW + dt.timedelta(days=21))
    ready = complete(
        MeetingFactory(title="Upcoming ready", start=NOW + dt.timedelta(days=5), end=NOW + dt.timedelta(days=6))
    )
    MeetingFactory(
        title="Upcoming cancelled",
        start=NOW + dt.timedelta(days=9),
        end=NOW + dt.timedelta(days=10),
        schedule_status=Meeting.ScheduleStatus.CANCELLED,
        cancellation_reason="No host.",
    )
    group = section(desk_page(client_for("secretariat")), "upcoming")
    assert "Upcoming bare" in group
    for part in ("no agenda", "no participants", "no papers"):
        assert part in group
    for name in ("meetings-edit:agenda", "meetings-edit:participants", "decisions-edit:meeting-papers"):
        assert reverse(name, args=[bare.slug]) in group
    assert ready.title not in group
    assert "Upcoming cancelled" not in group


def test_actions_due_soon_or_past_due_with_owner_and_meeting(client_for, db):
    meeting = MeetingFactory(title="Meeting with actions")
    owner = OrganisationFactory(name="Regional Cooperation Council")
    late = ActionItemFactory(
        meeting=meeting, description="Send the report", owner_organisation=owner, due_date=TODAY - dt.timedelta(days=3)
    )
    ActionItemFactory(
        meeting=meeting,
        description="Book the venue",
        due_date=TODAY + dt.timedelta(days=10),
        status=ActionItem.Status.IN_PROGRESS,
    )
    ActionItemFactory(meeting=meeting, description="Later on", due_date=TODAY + dt.timedelta(days=40))
    ActionItemFactory(meeting=meeting, description="Done already", due_date=TODAY, status=ActionItem.Status.DONE)
    person = PersonFactory(name="Ana Example")
    ActionItemFactory(
        meeting=meeting, description="Call the host", owner_organisation=None, owner_person=person, due_date=TODAY
    )
    group = section(desk_page(client_for("secretariat")), "actions")
    assert (
        group.index("Send the report")
        < group.index(">past due<")
        < group.index("Call the host")
        < group.index("Book the venue")
    )
    assert group.count(">past due<") == 1
    assert "Owner: Regional Cooperation Council" in group
    assert f"Owner: {person}" in group
    assert reverse("decisions-edit:action-edit", args=[late.pk]) in group
    assert meeting.get_absolute_url() in group
    assert "Later on" not in group
    assert "Done already" not in group


def test_the_top_line_counts_each_group_and_links_to_new_records(client_for, db):
    for n in range(3):
        draft(f"Draft {n}")
    complete(draft("Ready", status=Meeting.Status.CIRCULATED, circulated_at=NOW))
    open_procedure(consulted=[OrganisationFactory()])
    open_procedure(consulted=[OrganisationFactory()])
    page = desk_page(client_for("secretariat"))
    counts = re.search(r'<p class="fs-5 desk-counts">(.*?)</p>', page, re.S).group(1)
    text = re.sub(r"<[^>]+>", "", counts)
    assert text == "3 to complete · 1 to publish · 2 procedures open"
    assert reverse("meetings-edit:meeting-create") in page
    assert reverse("decisions-edit:procedure-create") in page
    assert reverse("decisions:decision-list") in page
    # Groups with nothing are left out.
    for key in ("to-circulate", "to-correct", "procedures-draft", "upcoming", "actions"):
        assert section(page, key) == "", key


def test_nothing_waiting_says_so(client_for, db):
    complete(MeetingFactory(title="All done"))
    page = desk_page(client_for("secretariat"))
    assert "Nothing waits for you" in page
    assert "desk-group" not in page
    assert page.count("<h1") == 1


def test_an_admin_sees_the_desk_too(client_for, db):
    draft("Draft for the admin")
    page = desk_page(client_for("admin"))
    assert "<h1>The Secretariat’s desk</h1>" in page
    assert "Draft for the admin" in section(page, "to-complete")


# --- Everyone else keeps the public home page ----------------------------------------------------


# Issue 20: a Board member gets their own home instead (portal/mine.py, tests/mine), never the desk.
@pytest.mark.parametrize(("persona", "template"), [("anonymous", "home.html"), ("board_member", "my_home.html")])
def test_the_board_and_the_public_keep_the_public_home_page(client_for, db, persona, template):
    draft("Secret draft title")
    complete(draft("Circulated draft title", status=Meeting.Status.CIRCULATED, circulated_at=NOW))
    open_procedure(title="Open procedure title", consulted=[OrganisationFactory(name="Silent partner")])
    response = client_for(persona).get(reverse("home"))
    page = response.content.decode()
    assert response.templates[0].name == f"portal/{template}"
    assert "Latest decisions" in page or persona == "board_member"
    for text in ("desk", "Secret draft title", "To complete", "To publish", "Silent partner", "Not answered yet"):
        assert text not in page, text


@pytest.fixture
def page_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"desk-{uuid.uuid4()}"}
    }
    settings.PAGE_CACHE_SECONDS = 300


def test_the_anonymous_home_after_a_secretariat_visit_is_the_public_one(page_cache, client_for, db):
    draft("Secret draft title")
    secretariat = client_for("secretariat")
    desk = secretariat.get(reverse("home"))
    assert "Secret draft title" in desk.content.decode()
    # Never stored: the Secretariat's answer is private, and no cache header says it was.
    assert pagecache.STATUS_HEADER not in desk
    assert "no-store" in desk["Cache-Control"]
    for attempt in ("miss", "hit"):
        public = Client().get(reverse("home"))
        assert public.headers.get(pagecache.STATUS_HEADER) == attempt
        page = public.content.decode()
        assert "IISG Board Portal" in page
        assert "Secret draft title" not in page
        assert "desk" not in page
    # And the Secretariat, after the public's page was stored, still gets the desk.
    assert "Secret draft title" in secretariat.get(reverse("home")).content.decode()


# --- Costs ---------------------------------------------------------------------------------------


def fill_every_group(rows: int) -> None:
    """`rows` records in every group of the desk."""
    organisations = [OrganisationFactory() for _ in range(3)]
    for n in range(rows):
        draft(f"Incomplete {n}")
        complete(draft(f"Ready {n}"))
        complete(draft(f"Circulated {n}", status=Meeting.Status.CIRCULATED, circulated_at=NOW))
        unpublished = complete(draft(f"Unpublished {n}", status=Meeting.Status.CIRCULATED, circulated_at=NOW))
        CorrectionFactory(meeting=unpublished, kind=Correction.Kind.UNPUBLISH)
        WrittenProcedureFactory()
        procedure = open_procedure(consulted=organisations)
        ProcedureAnswerFactory(procedure=procedure, organisation=organisations[0])
        MeetingFactory(start=NOW + dt.timedelta(days=n + 1), end=NOW + dt.timedelta(days=n + 1, hours=3))
        ActionItemFactory(due_date=TODAY - dt.timedelta(days=n))


# Signed in (5): the session, the user, the second factor's two kinds of device, the user's groups (the role).
# The desk (11): two groups of drafts, two of circulated records, two of procedures and who has not answered,
# the upcoming meetings missing parts, the actions due, the meetings coming up and their reschedules.
# The session is not saved again: renewed at most once a minute (core/sessions.py).
DESK_QUERIES = 16


@pytest.mark.parametrize("rows", [1, ROWS_PER_GROUP + 5])
def test_the_desk_costs_the_same_queries_with_one_or_many_rows(
    client_for, secretariat, django_assert_num_queries, rows
):
    fill_every_group(rows)
    client = client_for("secretariat")
    client.get(reverse("decisions:procedure-list"))  # the session's first request touches it
    with django_assert_num_queries(DESK_QUERIES):
        page = desk_page(client)
    desk = desk_for(secretariat, today=TODAY)
    assert {group.key: group.total for group in desk.groups} == {
        "to-complete": rows,
        "to-circulate": rows,
        "to-publish": rows,
        "to-correct": rows,
        "procedures-draft": rows,
        "procedures-open": rows,
        "upcoming": rows,
        "actions": rows,
    }
    if rows > ROWS_PER_GROUP:
        assert all(len(group.rows) == ROWS_PER_GROUP for group in desk.groups)
        assert "and 5 more" in section(page, "actions")
        assert f'href="{reverse("decisions:action-list")}"' in section(page, "actions")


# --- Each group's full list ----------------------------------------------------------------------


def test_a_long_group_shows_its_first_rows_and_links_to_its_full_list(client_for, db):
    for n in range(ROWS_PER_GROUP + 3):
        draft(f"Incomplete {n:02}", days=-10 - n)
    to_complete = section(desk_page(client_for("secretariat")), "to-complete")
    assert to_complete.count('class="list-group-item"') == ROWS_PER_GROUP
    assert f'<a href="{reverse("portal:desk-group")}?group=to-complete">and 3 more</a>' in to_complete


def test_the_full_list_pages_through_every_row_in_the_desks_order(client_for, db):
    titles = [f"Ready {n:02}" for n in range(GROUP_PAGE_SIZE + 2)]
    for n, title in enumerate(titles):
        complete(draft(title, days=-40 + n))
    client = client_for("secretariat")
    url = reverse("portal:desk-group")
    first = client.get(url, {"group": "to-circulate"}).content.decode()
    second = client.get(url, {"group": "to-circulate", "page": 2}).content.decode()
    shown = re.findall(r">(Ready \d\d)</a>", first) + re.findall(r">(Ready \d\d)</a>", second)
    assert shown == titles
    assert "Page 1 of 2" in first
    assert "Circulate" in second  # the same links as on the desk
    assert client.get(url, {"group": "to-circulate", "page": 3}).status_code == 404
    assert client.get(url, {"group": "nothing"}).status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("anonymous", 302), ("board_member", 403), ("admin", 200)])
def test_only_the_secretariat_reads_a_groups_full_list(client_for, db, persona, status):
    draft("Incomplete")
    assert client_for(persona).get(reverse("portal:desk-group"), {"group": "to-complete"}).status_code == status
