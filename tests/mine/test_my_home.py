"""
My portal (portal/mine.py, templates/portal/my_home.html): a signed-in Board member's home lists the
procedures waiting for their organisation's answer, the records circulated and published since their
last visit, the next meeting with what changed since they opened it, and their organisation; the
public and the Secretariat keep their pages.
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
from decisions.models import WrittenProcedure
from meetings.models import AgendaItem, Meeting
from members.models import Post
from portal.mine import ROWS_PER_GROUP, VISIT_GAP
from portal.models import HomeVisit, MeetingVisit
from tests.factories import (
    AgendaItemFactory,
    DelegationFactory,
    DocumentFactory,
    MeetingFactory,
    MeetingPaperFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PostFactory,
    ProcedureAnswerFactory,
    RoleHeldFactory,
    WrittenProcedureFactory,
)

NOW = timezone.now()


@pytest.fixture
def organisation(board_member):
    """The Board member's organisation: their person's."""
    organisation = OrganisationFactory(name="Ministry of Security of Ruritania", acronym="MSR")
    PersonFactory(user=board_member, organisation=organisation, name="Ana Member")
    return organisation


@pytest.fixture
def clock(settings):
    """settings.CLOCK_NOW (core.clock): the portal's time, moved by the test."""

    def at(moment):
        settings.CLOCK_NOW = moment
        return moment

    at(NOW)
    return at


def home_page(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.templates[0].name == "portal/my_home.html"
    return response.content.decode()


def section(page: str, key: str) -> str:
    """The HTML of one section of the page (by its heading's id), or "" when left out."""
    match = re.search(rf'<section aria-labelledby="{key}".*?</section>', page, re.S)
    return match.group(0) if match else ""


def open_procedure(**fields) -> WrittenProcedure:
    return WrittenProcedureFactory(
        stage=WrittenProcedure.Stage.OPEN,
        status=RecordStatus.CIRCULATED,
        launched_at=NOW - dt.timedelta(days=1),
        **fields,
    )


def circulated(title: str, at: dt.datetime, **fields) -> Meeting:
    return MeetingFactory(title=title, status=Meeting.Status.CIRCULATED, circulated_at=at, **fields)


def last_visit(user, previous_at, current_at=None) -> HomeVisit:
    """A visit going on (begun just now, so this request does not move it), the previous at `previous_at`."""
    return HomeVisit.objects.create(user=user, previous_at=previous_at, current_at=current_at or NOW)


# --- Procedures waiting --------------------------------------------------------------------------


def test_a_procedure_waiting_for_the_organisation_is_listed_with_its_deadline_and_answer_link(
    client_for, board_member, organisation, clock
):
    waiting = open_procedure(title="Adopt the work plan 2027", consulted=[organisation, OrganisationFactory()])
    overdue = open_procedure(title="Late one", deadline=NOW - dt.timedelta(hours=2), consulted=[organisation])
    answered = open_procedure(title="Already answered", consulted=[organisation])
    ProcedureAnswerFactory(procedure=answered, organisation=organisation)
    open_procedure(title="Another organisation's", consulted=[OrganisationFactory()])
    WrittenProcedureFactory(title="A draft procedure", consulted=[organisation])

    group = section(home_page(client_for("board_member")), "waiting")

    assert "Adopt the work plan 2027" in group
    assert reverse("decisions:procedure-answer", args=[waiting.slug]) in group
    assert "For Ministry of Security of Ruritania" in group
    assert "Deadline:" in group
    # The overdue one first (by deadline), marked; the other not.
    late, on_time = group.split("Adopt the work plan 2027")[0], group.split("Adopt the work plan 2027")[1]
    assert "Late one" in late
    assert "my-overdue" in late
    assert "my-overdue" not in on_time
    assert reverse("decisions:procedure-answer", args=[overdue.slug]) in group
    for absent in ("Already answered", "Another organisation", "A draft procedure"):
        assert absent not in group
    assert '<span class="badge text-bg-danger">2</span>' in group


def test_an_organisation_answered_for_by_delegation_counts_too(client_for, board_member, organisation, clock):
    delegated = OrganisationFactory(name="Border Police of Ruritania")
    DelegationFactory(person=board_member.person, organisation=delegated)
    open_procedure(title="For the border police", consulted=[delegated])
    group = section(home_page(client_for("board_member")), "waiting")
    assert "For the border police" in group
    assert "For Border Police of Ruritania" in group


# --- Records since the last visit ---------------------------------------------------------------


def test_records_circulated_and_published_since_the_last_visit(client_for, board_member, organisation, clock):
    last_visit(board_member, previous_at=NOW - dt.timedelta(days=3))
    circulated("Circulated after the visit", NOW - dt.timedelta(days=1))
    circulated("Circulated before the visit", NOW - dt.timedelta(days=5))
    MeetingFactory(title="Published after the visit", published_at=NOW - dt.timedelta(days=2))
    MeetingFactory(title="Published before the visit", published_at=NOW - dt.timedelta(days=9))
    MeetingFactory(title="A secret draft", status=Meeting.Status.DRAFT, circulated_at=NOW - dt.timedelta(days=1))

    page = home_page(client_for("board_member"))

    since = (NOW - dt.timedelta(days=3)).astimezone(timezone.get_current_timezone())
    assert f"Since your last visit on {since:%-d %B %Y}" in page
    assert "Circulated after the visit" in section(page, "circulated")
    assert "Published after the visit" in section(page, "published")
    for absent in ("Circulated before the visit", "Published before the visit", "A secret draft"):
        assert absent not in page


def test_reloading_keeps_the_list_and_it_moves_once_the_visit_is_over(client_for, board_member, organisation, clock):
    last_visit(board_member, previous_at=NOW - dt.timedelta(days=3), current_at=NOW)
    circulated("New since the last visit", NOW - dt.timedelta(hours=5))
    client = client_for("board_member")

    for minutes in (0, 10, 29):
        clock(NOW + dt.timedelta(minutes=minutes))
        assert "New since the last visit" in section(home_page(client), "circulated"), minutes
    assert HomeVisit.objects.get(user=board_member).current_at == NOW

    # After the gap, this visit is the last one: what it listed is no longer new.
    later = clock(NOW + VISIT_GAP + dt.timedelta(minutes=1))
    page = home_page(client)
    assert "New since the last visit" not in page
    visit = HomeVisit.objects.get(user=board_member)
    assert (visit.previous_at, visit.current_at) == (NOW, later)


def test_the_first_visit_counts_from_the_last_30_days_and_is_remembered(client_for, board_member, organisation, clock):
    circulated("Circulated last week", NOW - dt.timedelta(days=7))
    circulated("Circulated last year", NOW - dt.timedelta(days=300))
    page = home_page(client_for("board_member"))
    assert "Circulated last week" in page
    assert "Circulated last year" not in page
    assert "the last 30 days" in page
    visit = HomeVisit.objects.get(user=board_member)
    assert (visit.previous_at, visit.current_at) == (None, NOW)


# --- The next meeting ---------------------------------------------------------------------------


def next_meeting(**fields) -> Meeting:
    start = NOW + dt.timedelta(days=12)
    return MeetingFactory(
        **{
            "title": "7th IISG Board Meeting",
            "start": start,
            "end": start + dt.timedelta(hours=6),
            "city": "Skopje",
            "country": "North Macedonia",
            "time_zone": "Europe/Skopje",
            "status": Meeting.Status.CIRCULATED,
            "circulated_at": NOW - dt.timedelta(days=40),
            "published_at": None,
            **fields,
        }
    )


def test_the_next_meeting_with_its_agenda_papers_and_what_changed_since_it_was_opened(
    client_for, board_member, organisation, clock
):
    meeting = next_meeting()
    old_item = AgendaItemFactory(meeting=meeting, position=1, title="Opening")
    changed_item = AgendaItemFactory(meeting=meeting, position=2, title="Work plan")
    old_paper = MeetingPaperFactory(meeting=meeting, document=DocumentFactory(title="Old paper"))
    seen_at = NOW - dt.timedelta(days=1)
    # Everything so far was before the member opened the meeting.
    AgendaItem.history.filter(id__in=[old_item.pk, changed_item.pk]).update(history_date=seen_at - dt.timedelta(days=1))
    type(old_paper).history.filter(id=old_paper.pk).update(history_date=seen_at - dt.timedelta(days=1))
    type(old_paper).objects.filter(pk=old_paper.pk).update(added_at=seen_at - dt.timedelta(days=1))
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=seen_at - dt.timedelta(days=1))
    MeetingVisit.objects.create(user=board_member, meeting=meeting, seen_at=seen_at)
    # Then: an item changed, one added, a paper added.
    changed_item.title = "Work plan 2027"
    changed_item.save()
    AgendaItemFactory(meeting=meeting, position=3, title="Any other business")
    MeetingPaperFactory(meeting=meeting, agenda_item=changed_item, document=DocumentFactory(title="New paper"))

    group = section(home_page(client_for("board_member")), "next-meeting")

    assert "7th IISG Board Meeting" in group
    assert "Skopje" in group
    # The time in the meeting's zone, named.
    assert "(Europe/Skopje)" in group
    assert "3 agenda items" in group
    assert "2 papers" in group
    assert "Old paper" in group
    assert "New paper" in group
    changes = re.search(r'<ul class="my-changes">.*?</ul>', group, re.S).group(0)
    assert re.search(r"2\. Work plan 2027</a> <span[^>]*>changed", changes)
    assert re.search(r"3\. Any other business</a> <span[^>]*>added", changes)
    assert re.search(r"New paper</a> <span[^>]*>added", changes)
    assert "Opening" not in changes
    assert "Old paper" not in changes
    assert "meeting&#x27;s details" not in changes
    assert "Changed since you opened it on" in group


def test_opening_the_meeting_page_is_remembered_at_most_once_per_visit(client_for, board_member, organisation, clock):
    meeting = next_meeting()
    client = client_for("board_member")
    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert MeetingVisit.objects.get(user=board_member, meeting=meeting).seen_at == NOW
    clock(NOW + dt.timedelta(minutes=5))
    client.get(meeting.get_absolute_url())
    assert MeetingVisit.objects.get(user=board_member, meeting=meeting).seen_at == NOW
    later = clock(NOW + VISIT_GAP)
    client.get(meeting.get_absolute_url())
    assert MeetingVisit.objects.get(user=board_member, meeting=meeting).seen_at == later
    # Nothing changed since: said so.
    assert "Nothing changed since you last opened it." in section(home_page(client), "next-meeting")


@pytest.mark.parametrize("persona", ["secretariat", "anonymous"])
def test_only_a_board_member_opening_the_page_is_remembered(client_for, persona, db, clock):
    meeting = MeetingFactory()
    assert client_for(persona).get(meeting.get_absolute_url()).status_code == 200
    assert not MeetingVisit.objects.exists()


def test_a_draft_meeting_announced_is_listed_as_its_announcement_only(client_for, board_member, organisation, clock):
    meeting = next_meeting(status=Meeting.Status.DRAFT, circulated_at=None, announced_at=NOW - dt.timedelta(days=1))
    AgendaItemFactory(meeting=meeting, title="Secret agenda item")
    MeetingPaperFactory(meeting=meeting, document=DocumentFactory(title="Secret paper"))
    group = section(home_page(client_for("board_member")), "next-meeting")
    assert "7th IISG Board Meeting" in group
    for absent in ("Secret agenda item", "Secret paper", "agenda item", "papers"):
        assert absent not in group


def test_a_draft_meeting_not_announced_is_never_the_next_meeting(client_for, board_member, organisation, clock):
    next_meeting(title="Secret draft meeting", status=Meeting.Status.DRAFT, circulated_at=None)
    page = home_page(client_for("board_member"))
    assert "Secret draft meeting" not in page
    assert section(page, "next-meeting") == ""


# --- The organisation ---------------------------------------------------------------------------


def test_the_organisation_with_its_memberships_and_posts(client_for, board_member, organisation, clock):
    MembershipFactory(organisation=organisation, since=dt.date(2019, 5, 1))
    host = PostFactory(name="Host of the Secretariat", holder=Post.Holder.ORGANISATION)
    RoleHeldFactory(organisation=organisation, person=None, post=host, start=dt.date(2020, 1, 1))
    RoleHeldFactory(
        organisation=OrganisationFactory(),
        person=None,
        post=PostFactory(name="Someone else's post", holder=Post.Holder.ORGANISATION),
    )
    group = section(home_page(client_for("board_member")), "my-organisation")
    assert "Ministry of Security of Ruritania" in group
    assert "since 1 May 2019" in group
    assert "Host of the Secretariat" in group
    assert "Someone else" not in group


# --- Empty, and the others' pages ---------------------------------------------------------------


def test_with_nothing_to_show_a_friendly_line_and_no_empty_section(client_for, board_member, clock):
    page = home_page(client_for("board_member"))
    assert "Nothing waits for you" in page
    assert "<section" not in page.split("<main", 1)[-1]
    # The links to read more are there all the same.
    assert reverse("decisions:decision-list") in page
    assert reverse("decisions:document-list") in page
    assert "{# e-mail" not in page


def test_the_public_and_the_secretariat_keep_their_pages(client_for, board_member, organisation, clock):
    open_procedure(title="Waiting procedure", consulted=[organisation])
    public = client_for("anonymous").get(reverse("home"))
    assert public.templates[0].name == "portal/home.html"
    assert "Waiting procedure" not in public.content.decode()
    desk = client_for("secretariat").get(reverse("home"))
    assert desk.templates[0].name == "portal/desk.html"
    assert not HomeVisit.objects.exists()


@pytest.fixture
def page_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"mine-{uuid.uuid4()}"}
    }
    settings.PAGE_CACHE_SECONDS = 300


def test_my_home_is_never_stored_and_the_public_never_gets_it(page_cache, client_for, board_member, organisation):
    open_procedure(title="Waiting procedure", consulted=[organisation])
    member = client_for("board_member")
    mine = member.get(reverse("home"))
    assert "Waiting procedure" in mine.content.decode()
    assert pagecache.STATUS_HEADER not in mine
    assert "no-store" in mine["Cache-Control"]
    for attempt in ("miss", "hit"):
        public = Client().get(reverse("home"))
        assert public.headers.get(pagecache.STATUS_HEADER) == attempt
        assert "Waiting procedure" not in public.content.decode()
        assert "My portal" not in public.content.decode()
    assert "Waiting procedure" in member.get(reverse("home")).content.decode()


# --- Costs ---------------------------------------------------------------------------------------


def fill_every_group(user, organisation, rows: int) -> None:
    """`rows` rows in every group of the home page."""
    meeting = next_meeting()
    seen_at = NOW - dt.timedelta(days=1)
    MeetingVisit.objects.create(user=user, meeting=meeting, seen_at=seen_at)
    for n in range(rows):
        open_procedure(consulted=[organisation])
        circulated(f"Circulated {n}", NOW - dt.timedelta(hours=n + 1))
        MeetingFactory(title=f"Published {n}", published_at=NOW - dt.timedelta(hours=n + 1))
        item = AgendaItemFactory(meeting=meeting, position=n + 1)
        MeetingPaperFactory(meeting=meeting, agenda_item=item)
        MembershipFactory(organisation=organisation)
        RoleHeldFactory(person=PersonFactory(organisation=organisation))


# Signed in (5): the session, the user, the second factor's two kinds of device, the user's groups.
# The visit (1, read). The organisations the user answers for (2: their person, the organisations).
# Records circulated and published (2), the organisations, memberships and posts (3), the procedures
# waiting (1), the next meeting and its reschedules (2), its agenda count, papers, the user's last opening,
# agenda items and papers changed (5). The session is not saved again: renewed at most once a minute
# (core/sessions.py).
HOME_QUERIES = 21


@pytest.mark.parametrize("rows", [1, ROWS_PER_GROUP + 5])
def test_the_home_costs_the_same_queries_with_one_or_many_rows(
    client_for, board_member, organisation, clock, django_assert_num_queries, rows
):
    fill_every_group(board_member, organisation, rows)
    last_visit(board_member, previous_at=NOW - dt.timedelta(days=3))
    client = client_for("board_member")
    client.get(reverse("decisions:procedure-list"))  # the session's first request touches it
    with django_assert_num_queries(HOME_QUERIES):
        page = home_page(client)
    for key in ("waiting", "circulated", "published"):
        assert f">{rows}</span></h2>" in section(page, key), key
    if rows > ROWS_PER_GROUP:
        assert "and 5 more" in section(page, "waiting")
    next_group = section(page, "next-meeting")
    assert f"{rows} agenda item{'s' if rows > 1 else ''} · {rows} paper" in next_group
    assert next_group.count('<a href="/documents/') >= min(rows, ROWS_PER_GROUP)


def test_a_meeting_cancelled_before_the_next_one_says_so(client_for, board_member, organisation, clock):
    next_meeting()
    start = NOW + dt.timedelta(days=5)
    MeetingFactory(
        title="Cancelled ministerial",
        start=start,
        end=start + dt.timedelta(hours=3),
        schedule_status=Meeting.ScheduleStatus.CANCELLED,
        cancelled_at=NOW,
    )
    group = section(home_page(client_for("board_member")), "next-meeting")
    cancelled = re.search(r'<ul class="list-unstyled my-cancelled">.*?</ul>', group, re.S).group(0)
    assert "Cancelled ministerial" in cancelled
    assert "schedule-cancelled" in cancelled
    # The next meeting is the one still held.
    assert "7th IISG Board Meeting" not in cancelled
    assert "7th IISG Board Meeting" in group.split("</ul>", 1)[1]
