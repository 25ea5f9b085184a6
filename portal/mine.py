"""
My portal: the home page of a signed-in Board member (portal.views.home): what waits for their
organisation's answer, the records circulated (and published) since their last visit, the next meeting
with what changed in it since they last opened its page, and their organisation's memberships and posts.

`home_for(user, since=…, now=…)` composes members, meetings and decisions (so it lives in the site
layer) and returns a frozen `MyHome`; it renders nothing (templates/portal/my_home.html does). Every list
comes through its model's `visible_to(user)`; a procedure is listed only for an organisation the user
answers for (members.models.organisations_represented_by), as the answer page allows.

Costs: a fixed number of queries whatever the volume (tests/mine assert it with 1 and with 25 rows a
group): each group is one query of its first `ROWS_PER_GROUP` rows with its total in the same query
(portal.desk's way), what a row needs is joined or annotated, never read per row.

Last visits: `visit_home(user, now)` moves the user's HomeVisit at most once per `VISIT_GAP` (a reload,
or coming back within the gap, keeps "since your last visit" where it was, so the list is not emptied by
reading it); `meeting_opened(user, meeting, now)` stamps a MeetingVisit the same way, from the meeting's
page. Both read first and write only when the gap has passed; their writes send no model signal (no page
the public cache stores shows them: tests/foundation/test_writes_without_signals.py).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Exists, F, OuterRef, Q, When
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.roles import is_board_member, is_secretariat
from core.workflow import RecordStatus
from decisions.models import Document, DocumentFile, MeetingPaper, ProcedureAnswer, WrittenProcedure
from decisions.procedures.services import deadline_display
from meetings.models import AgendaItem, Meeting
from members.models import Membership, Organisation, RoleHeld, organisations_represented_by
from portal.desk import _first_rows
from portal.models import HomeVisit, MeetingVisit

# The most rows a group lists; "and N more" says the rest, with a link to the full list. A few: at 100x
# volume 20 newly published records a visit doubled the page.
ROWS_PER_GROUP = 5
# The most posts of the user's organisations and their people listed (as before: a Board member's
# organisation holds a few).
POSTS_LISTED = 20
# A visit lasts this long: within it, reloading the home page (or opening a meeting again) moves nothing.
VISIT_GAP = dt.timedelta(minutes=30)
# The next meetings read to find the next one not cancelled (those cancelled before it are said).
MEETINGS_LOOKED_AT = 5
# With no visit before (the first one), "new" records are those of these last days.
FIRST_VISIT_WINDOW = dt.timedelta(days=30)


def has_my_home(user) -> bool:
    """A Board member who is not the Secretariat nor an admin (they get their desk)."""
    return is_board_member(user) and not is_secretariat(user)


# --- Last visits ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    """What "since your last visit" counts from: the previous visit (None on the first one)."""

    previous_at: dt.datetime | None
    current_at: dt.datetime

    @property
    def first(self) -> bool:
        return self.previous_at is None


def visit_home(user, now: dt.datetime) -> Visit:
    """
    The user's visit to their home at `now`: one read; a write only on the first visit or once VISIT_GAP
    has passed since the current visit began (the current becomes the previous). Two requests racing
    move it once (the UPDATE is conditional on the value read).
    """
    row = HomeVisit.objects.filter(user=user).values_list("previous_at", "current_at").first()
    if row is None:
        # Not a save(): bookkeeping that no cached page shows (no model signal, no new site generation).
        HomeVisit.objects.bulk_create([HomeVisit(user=user, previous_at=None, current_at=now)], ignore_conflicts=True)
        return Visit(previous_at=None, current_at=now)
    previous_at, current_at = row
    if now - current_at < VISIT_GAP:
        return Visit(previous_at=previous_at, current_at=current_at)
    HomeVisit.objects.filter(user=user, current_at=current_at).update(previous_at=current_at, current_at=now)
    return Visit(previous_at=current_at, current_at=now)


def meeting_opened(user, meeting: Meeting, now: dt.datetime) -> None:
    """
    A Board member opened the meeting's page at `now` (portal.views.meeting_detail): remembered for "what
    changed since you opened it" on their home. One read; a write at most once per VISIT_GAP.
    """
    if not has_my_home(user):
        return
    seen_at = MeetingVisit.objects.filter(user=user, meeting=meeting).values_list("seen_at", flat=True).first()
    if seen_at is None:
        MeetingVisit.objects.bulk_create([MeetingVisit(user=user, meeting=meeting, seen_at=now)], ignore_conflicts=True)
    elif now - seen_at >= VISIT_GAP:
        MeetingVisit.objects.filter(user=user, meeting=meeting, seen_at=seen_at).update(seen_at=now)


# --- The groups ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """A written procedure open and not yet answered for one organisation the user answers for."""

    procedure: WrittenProcedure
    organisation: Organisation
    deadline: str  # read, in the portal's zone
    overdue: bool
    answer_url: str


@dataclass(frozen=True)
class Group:
    key: str
    title: str | Promise
    rows: tuple
    total: int
    more_url: str = ""

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass(frozen=True)
class Change:
    """An agenda item or paper of the next meeting added or changed since the user opened its page."""

    label: str
    url: str
    added: bool  # else changed


@dataclass(frozen=True)
class NextMeeting:
    meeting: Meeting
    record_visible: bool  # else only its announcement may be read: no agenda, no papers
    agenda_count: int = 0
    papers: tuple = ()  # MeetingPaper rows, in the agenda's order
    papers_total: int = 0
    seen_at: dt.datetime | None = None  # when the user last opened its page (None: never)
    details_changed: bool = False  # the meeting itself (date, place, …) since seen_at
    changes: tuple[Change, ...] = ()
    changes_total: int = 0

    @property
    def papers_more(self) -> int:
        return self.papers_total - len(self.papers)

    @property
    def changes_more(self) -> int:
        return self.changes_total - len(self.changes)


@dataclass(frozen=True)
class MyOrganisation:
    organisation: Organisation
    memberships: tuple[Membership, ...]


@dataclass(frozen=True)
class MyHome:
    visit: Visit
    since: dt.datetime  # what "new" counts from: the previous visit, or FIRST_VISIT_WINDOW ago
    waiting: Group
    circulated: Group
    published: Group
    next_meeting: NextMeeting | None
    cancelled: tuple[Meeting, ...]  # meetings cancelled that were to come before the next one
    organisations: tuple[MyOrganisation, ...]
    roles: tuple[RoleHeld, ...]

    @property
    def records(self) -> tuple[Group, Group]:
        return (self.circulated, self.published)

    @property
    def is_empty(self) -> bool:
        return not (
            self.waiting.total
            or self.circulated.total
            or self.published.total
            or self.next_meeting
            or self.cancelled
            or self.organisations
            or self.roles
        )


def _waiting(user, organisation_ids: list[int], now) -> Group:
    """Open procedures consulting an organisation the user answers for, with no answer from it yet: one query."""
    through = WrittenProcedure.consulted.through
    rows = (
        through.objects.filter(
            organisation__in=organisation_ids,
            writtenprocedure__in=WrittenProcedure.objects.visible_to(user).filter(stage=WrittenProcedure.Stage.OPEN),
        )
        .exclude(
            Exists(
                ProcedureAnswer.objects.filter(
                    procedure=OuterRef("writtenprocedure"), organisation=OuterRef("organisation")
                )
            )
        )
        .select_related("writtenprocedure", "organisation")
        .order_by("writtenprocedure__deadline", "writtenprocedure__reference", "organisation__name")
    )
    found, total = _first_rows(rows) if organisation_ids else ([], 0)
    waiting = [
        Waiting(
            procedure=row.writtenprocedure,
            organisation=row.organisation,
            deadline=deadline_display(row.writtenprocedure),
            overdue=row.writtenprocedure.deadline < now,
            answer_url=reverse("decisions:procedure-answer", args=[row.writtenprocedure.slug]),
        )
        for row in found
    ]
    return Group("waiting", _("Waiting for your answer"), tuple(waiting), total, reverse("decisions:procedure-list"))


def _records(user, since) -> tuple[Group, Group]:
    """Records circulated to the user since `since` (still circulated), and those published since: a query each."""
    meetings = Meeting.objects.visible_to(user).defer("minutes", "public_summary").select_related("pillar")
    circulated, circulated_total = _first_rows(
        meetings.filter(status=RecordStatus.CIRCULATED, circulated_at__gt=since).order_by("-circulated_at", "-pk")
    )
    published, published_total = _first_rows(
        meetings.filter(status=RecordStatus.PUBLISHED, published_at__gt=since).order_by("-published_at", "-pk")
    )
    meeting_list = reverse("meetings:meeting-list")
    return (
        Group("circulated", _("Circulated to you"), tuple(circulated), circulated_total, meeting_list),
        Group("published", _("Newly published"), tuple(published), published_total, meeting_list),
    )


def _changes(user, meeting: Meeting, seen_at) -> tuple[list[Change], int]:
    """Agenda items and papers added or changed since `seen_at` (their history; a paper's new file): two queries."""
    item_history = AgendaItem.history.model.objects.filter(id=OuterRef("pk"), history_date__gt=seen_at)
    items, items_total = _first_rows(
        AgendaItem.objects.visible_to(user)
        .filter(meeting=meeting)
        .filter(Exists(item_history))
        .annotate(added=Exists(item_history.filter(history_type="+")))
        .only("id", "meeting_id", "position", "title")
        .order_by("position")
    )
    paper_history = MeetingPaper.history.model.objects.filter(id=OuterRef("pk"), history_date__gt=seen_at)
    new_file = DocumentFile.objects.filter(document=OuterRef("document"), uploaded_at__gt=seen_at)
    papers, papers_total = _first_rows(
        MeetingPaper.objects.filter(meeting=meeting, document__in=Document.objects.visible_to(user))
        .filter(Q(added_at__gt=seen_at) | Exists(paper_history) | Exists(new_file))
        .select_related("document")
        .order_by("agenda_item__position", "order", "id")
    )
    changes = [
        Change(
            label=f"{item.position}. {item.title}",
            url=f"{meeting.get_absolute_url()}#agenda-{item.position}",
            added=item.added,
        )
        for item in items
    ] + [
        Change(label=str(paper.document), url=paper.document.get_absolute_url(), added=paper.added_at > seen_at)
        for paper in papers
    ]
    return changes, items_total + papers_total


def _next_meeting(user, now) -> tuple[NextMeeting | None, tuple[Meeting, ...]]:
    """
    The next meeting the user may see (its record, or its announcement), not cancelled, with what it needs;
    and the meetings cancelled that were to come before it (said, as everywhere a meeting is listed).
    """
    soonest = list(
        Meeting.objects.listable_by(user)
        .for_listing()
        .upcoming(now)
        # When the meeting itself (date, place, …) last changed: read only where its record is visible.
        .annotate(my_updated_at=Case(When(record_visible=True, then=F("updated_at")), default=None))[
            :MEETINGS_LOOKED_AT
        ]
    )
    meeting = next((m for m in soonest if not m.is_cancelled), None)
    cancelled = tuple(m for m in soonest[: soonest.index(meeting) if meeting else None] if m.is_cancelled)
    return _with_what_it_needs(user, meeting) if meeting else None, cancelled


def _with_what_it_needs(user, meeting: Meeting) -> NextMeeting:
    if not meeting.record_visible:
        return NextMeeting(meeting=meeting, record_visible=False)
    # The record is visible: its counts and papers (the full record's part), as the meeting's page lists them.
    agenda_count = AgendaItem.objects.visible_to(user).filter(meeting=meeting).count()
    papers, papers_total = _first_rows(
        MeetingPaper.objects.filter(meeting=meeting, document__in=Document.objects.visible_to(user))
        .select_related("document", "agenda_item")
        .order_by("agenda_item__position", "order", "id")
    )
    seen_at = MeetingVisit.objects.filter(user=user, meeting=meeting).values_list("seen_at", flat=True).first()
    if seen_at is None:
        return NextMeeting(meeting, True, agenda_count, tuple(papers), papers_total)
    changes, changes_total = _changes(user, meeting, seen_at)
    return NextMeeting(
        meeting,
        True,
        agenda_count,
        tuple(papers),
        papers_total,
        seen_at=seen_at,
        details_changed=bool(meeting.my_updated_at and meeting.my_updated_at > seen_at),
        changes=tuple(changes),
        changes_total=changes_total,
    )


def _organisations(user, organisation_ids: list[int], today) -> tuple[tuple[MyOrganisation, ...], tuple]:
    """The organisations the user answers for, their current memberships, and the posts of them and their people."""
    if not organisation_ids:
        return (), ()
    organisations = list(Organisation.objects.visible_to(user).filter(pk__in=organisation_ids).order_by("name"))
    memberships: dict[int, list[Membership]] = {}
    for membership in (
        Membership.objects.visible_to(user)
        .current(today)
        .filter(organisation__in=organisation_ids)
        .order_by("category", "since")
    ):
        memberships.setdefault(membership.organisation_id, []).append(membership)
    roles = tuple(
        RoleHeld.objects.visible_to(user)
        .current(today)
        .with_people()
        .filter(
            Q(organisation__in=organisation_ids)
            | Q(represented__in=organisation_ids)
            | Q(person__organisation__in=organisation_ids)
        )
        .order_by("post__order", "post__name", "pillar__code", "-start", "pk")[:POSTS_LISTED]
    )
    return tuple(MyOrganisation(o, tuple(memberships.get(o.pk, ()))) for o in organisations), roles


def home_for(user, *, visit: Visit, now: dt.datetime, today: dt.date) -> MyHome:
    """The signed-in Board member's home, as `user` may see it, at `now`, counting "new" from `visit`."""
    since = visit.previous_at or (now - FIRST_VISIT_WINDOW)
    organisation_ids = list(organisations_represented_by(user, today).values_list("pk", flat=True))
    circulated, published = _records(user, since)
    organisations, roles = _organisations(user, organisation_ids, today)
    next_meeting, cancelled = _next_meeting(user, now)
    return MyHome(
        visit=visit,
        since=since,
        waiting=_waiting(user, organisation_ids, now),
        circulated=circulated,
        published=published,
        next_meeting=next_meeting,
        cancelled=cancelled,
        organisations=organisations,
        roles=roles,
    )
