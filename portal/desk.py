"""
The Secretariat's desk: every record that waits for the Secretariat, grouped by its next step, each
row with links straight to that step (the home page of a Secretariat user, portal.views.home).

`desk_for(user, *, today)` composes meetings and decisions (so it lives in the site layer) and
returns a frozen `Desk` of `Group`s of rows; it renders nothing (templates/portal/desk.html does).

Costs: a fixed number of queries whatever the volume, and a fixed number of rows: each group lists its
first `ROWS_PER_GROUP` rows and says how many more there are, with a link to its full list (the group's
own paginated page, `desk_group`, where no list of the portal holds exactly those records). Each group is
one query: its first rows, with the group's total counted in the same query (a scalar subquery, so no second
query for "and N more"); what each row lacks is annotated (`EXISTS`, correlated to the row), never
read per row. The meeting groups start from the indexed status (drafts and circulated records are
few even among thousands of meetings); actions from (status, due date); open procedures from
(stage, deadline). The organisations that have not answered are one query for all open procedures.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from decisions.models import ActionItem, Decision, MeetingPaper, ProcedureAnswer, WrittenProcedure
from decisions.procedures.services import deadline_display
from meetings.models import AgendaItem, Correction, Meeting, Participation
from members.models import Organisation

# The most rows a group lists on the desk; "and N more" says the rest and links to the full list. A few:
# the desk is read on a deadline, and at 100x volume 20 rows a group made it 72 KB and 160 ms.
ROWS_PER_GROUP = 5
# The rows a page of one group's full list shows (desk_group).
GROUP_PAGE_SIZE = 25
# Actions due within this many days are listed (with those past due).
ACTIONS_DUE_WITHIN = dt.timedelta(days=14)
# Meetings still to come that the desk lists under "Coming up", as the public home page does.
COMING_UP = 3


@dataclass(frozen=True)
class Link:
    """Where a step is done: a label and an address."""

    label: str | Promise
    url: str


# --- What a meeting may lack ---------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """
    A part a meeting should have. `missing(now)` is the SQL condition under which the meeting lacks it
    (annotated on each row as `missing_<key>`); `fix` the URL name (taking the meeting's slug) of the
    page where it is added. A new part is one more `Part` in a tuple below.
    """

    key: str
    label: str | Promise  # "no participants"
    fix_label: str | Promise  # "Add participants"
    fix: str
    missing: Callable[[dt.datetime], Any]  # now -> a boolean SQL expression (Q, ~Exists)

    @property
    def annotation(self) -> str:
        return f"missing_{self.key}"


def _passed(now) -> Q:
    """The meeting's (last) day is over (Meeting.has_passed, in SQL)."""
    return Q(end__lt=now, new_date_pending=False)


PARTICIPANTS = Part(
    "participants",
    _("no participants"),
    _("Add participants"),
    "meetings-edit:participants",
    # As the meeting's path says (meetings.readiness): counts of participants stand for names.
    lambda now: (
        ~Exists(Participation.objects.filter(meeting=OuterRef("pk")))
        & Q(participants_in_person__isnull=True, participants_online__isnull=True)
    ),
)
AGENDA = Part(
    "agenda",
    _("no agenda"),
    _("Add the agenda"),
    "meetings-edit:agenda",
    lambda now: ~Exists(AgendaItem.objects.filter(meeting=OuterRef("pk"))),
)
DECISION = Part(
    "decision",
    _("no decision"),
    _("Record a decision"),
    "decisions-edit:decision-create",
    # Only once the meeting has begun: one still to come cannot have decided anything yet.
    lambda now: ~Exists(Decision.objects.filter(meeting=OuterRef("pk"))) & Q(start__lt=now),
)
PUBLIC_SUMMARY = Part(
    "summary",
    _("no public summary"),
    _("Write the public summary"),
    "meetings-edit:meeting-edit",
    lambda now: Q(public_summary=""),
)
MINUTES = Part(
    "minutes",
    _("no minutes"),
    _("Write the minutes"),
    "meetings-edit:meeting-edit",
    # Only once the meeting has taken place.
    lambda now: Q(minutes="") & _passed(now),
)
# The documents put before the meeting (decisions.MeetingPaper).
PAPERS = Part(
    "papers",
    _("no papers"),
    _("Add the papers"),
    "decisions-edit:meeting-papers",
    lambda now: ~Exists(MeetingPaper.objects.filter(meeting=OuterRef("pk"))),
)

# What a draft record needs before it is circulated.
RECORD_PARTS = (PARTICIPANTS, AGENDA, DECISION, PUBLIC_SUMMARY, MINUTES)
# What a meeting still to come needs before it takes place.
PREPARATION_PARTS = (AGENDA, PARTICIPANTS, PAPERS)


def with_parts(meetings, parts, now):
    """`meetings` with a `missing_<key>` boolean per part (each an EXISTS or a column test, in the one query)."""
    return meetings.annotate(
        **{part.annotation: ExpressionWrapper(part.missing(now), output_field=BooleanField()) for part in parts}
    )


def lacking_any(parts) -> Q:
    """Rows of with_parts() that lack at least one of `parts`."""
    return reduce(or_, (Q(**{part.annotation: True}) for part in parts))


def missing_parts(meeting: Meeting, parts) -> tuple[Part, ...]:
    """The parts a meeting of with_parts() lacks, in the order of `parts`."""
    return tuple(part for part in parts if getattr(meeting, part.annotation))


def fixes(meeting: Meeting, parts) -> tuple[Link, ...]:
    """The pages that add what the meeting lacks, each page once (one page adding several: "Edit the meeting")."""
    by_page: dict[str, list[Part]] = {}
    for part in missing_parts(meeting, parts):
        by_page.setdefault(reverse(part.fix, args=[meeting.slug]), []).append(part)
    return tuple(
        Link(label=found[0].fix_label if len(found) == 1 else _("Edit the meeting"), url=url)
        for url, found in by_page.items()
    )


# --- The desk ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """
    One record waiting: `record` (a Meeting, WrittenProcedure or ActionItem), the links to its next
    step, what it lacks, and what the group says of it (since when, the deadline, the reason).
    """

    record: object
    links: tuple[Link, ...]
    missing: tuple[str | Promise, ...] = ()  # what it lacks: "no participants", …
    note: str = ""  # the reason it was unpublished
    when: str = ""  # a deadline, read
    since: dt.datetime | None = None  # circulated at, unpublished at
    overdue: bool = False
    not_answered: tuple[str, ...] = ()  # organisations' names
    owner: object = None
    meeting: Meeting | None = None


@dataclass(frozen=True)
class Group:
    key: str
    title: str | Promise
    kind: str  # "meetings", "procedures" or "actions": how its rows read
    rows: tuple[Row, ...]
    total: int
    count_label: str  # "3 to complete"
    more_url: str = ""  # the list holding the rest, where there is one

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass(frozen=True)
class Desk:
    groups: tuple[Group, ...]  # only those with something waiting, in the order of the steps
    coming_up: tuple[Meeting, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not self.groups


def _first_rows(queryset, *, limit: int = ROWS_PER_GROUP, offset: int = 0) -> tuple[list, int]:
    """
    The first ROWS_PER_GROUP rows and how many there are in all, in one query: the count is a scalar
    subquery that names no outer column (evaluated once, over the group's own table and filters only).
    Not a window count: that joins every row's related rows (select_related) before the LIMIT, 100 ms
    for 2,000 actions due where the rows alone take 0.3 ms (bench at 100x, PostgreSQL).
    """
    count = queryset.order_by().annotate(desk_count=Func(F("pk"), function="COUNT")).values("desk_count")
    rows = list(queryset.annotate(desk_total=Subquery(count))[offset : offset + limit])
    return rows, (rows[0].desk_total if rows else 0)


@dataclass(frozen=True)
class _Window:
    """
    Which rows each group reads: on the desk, the first ROWS_PER_GROUP of every group; on one group's
    full list (`only`), a page of that group and no query for the others.
    """

    only: str | None = None
    offset: int = 0
    limit: int = ROWS_PER_GROUP

    def rows(self, key: str, queryset) -> tuple[list, int]:
        if self.only is None:
            return _first_rows(queryset)
        if key != self.only:
            return [], 0
        return _first_rows(queryset, limit=self.limit, offset=self.offset)


def _number(count: int) -> str:
    """A count as the reader's language writes it: 2,135."""
    return formats.number_format(count, force_grouping=True)


def _group(key, title, kind, rows, total, count_label, more_url="") -> Group:
    return Group(
        key=key, title=title, kind=kind, rows=tuple(rows), total=total, count_label=count_label, more_url=more_url
    )


def _draft_groups(user, now, window: _Window) -> list[Group]:
    drafts = with_parts(
        Meeting.objects.visible_to(user)
        .filter(status=Meeting.Status.DRAFT)
        # A cancelled meeting waits for nothing: it has no record to complete or circulate.
        .exclude(schedule_status=Meeting.ScheduleStatus.CANCELLED)
        .defer("minutes", "public_summary"),
        RECORD_PARTS,
        now,
    ).order_by("start", "pk")
    incomplete, incomplete_total = window.rows("to-complete", drafts.filter(lacking_any(RECORD_PARTS)))
    complete, complete_total = window.rows("to-circulate", drafts.exclude(lacking_any(RECORD_PARTS)))
    to_complete = [
        Row(record=m, links=fixes(m, RECORD_PARTS), missing=tuple(p.label for p in missing_parts(m, RECORD_PARTS)))
        for m in incomplete
    ]
    to_circulate = [
        Row(record=m, links=(Link(_("Circulate"), reverse("meetings-edit:circulate", args=[m.slug])),))
        for m in complete
    ]
    return [
        _group(
            "to-complete",
            _("To complete"),
            "meetings",
            to_complete,
            incomplete_total,
            ngettext("%(count)s to complete", "%(count)s to complete", incomplete_total)
            % {"count": _number(incomplete_total)},
            full_list_url("to-complete"),
        ),
        _group(
            "to-circulate",
            _("To circulate"),
            "meetings",
            to_circulate,
            complete_total,
            ngettext("%(count)s to circulate", "%(count)s to circulate", complete_total)
            % {"count": _number(complete_total)},
            full_list_url("to-circulate"),
        ),
    ]


def _circulated_groups(user, window: _Window) -> list[Group]:
    latest = Correction.objects.filter(meeting=OuterRef("pk")).order_by("-created_at", "-pk")
    circulated = (
        Meeting.objects.visible_to(user)
        .filter(status=Meeting.Status.CIRCULATED)
        .defer("minutes", "public_summary")
        .annotate(
            latest_kind=Subquery(latest.values("kind")[:1]),
            latest_at=Subquery(latest.values("created_at")[:1]),
            latest_reason=Subquery(latest.values("reason")[:1]),
        )
    )
    # Unpublished: the latest line on the record says so, and came after its last publication (unpublishing
    # clears published_at; a record published again is no longer circulated). A Case, never NULL: a record
    # without any line must not fall out of both groups (NOT (NULL = …) is not true).
    circulated = circulated.alias(
        unpublished=Case(
            When(
                Q(latest_kind=Correction.Kind.UNPUBLISH)
                & (Q(published_at__isnull=True) | Q(latest_at__gt=F("published_at"))),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    to_publish_rows, to_publish_total = window.rows(
        "to-publish", circulated.filter(unpublished=False).order_by("circulated_at", "pk")
    )
    to_correct_rows, to_correct_total = window.rows(
        "to-correct", circulated.filter(unpublished=True).order_by("latest_at", "pk")
    )
    to_publish = [
        Row(
            record=m,
            since=m.circulated_at,
            links=(Link(_("Publish"), reverse("meetings-edit:publish", args=[m.slug])),),
        )
        for m in to_publish_rows
    ]
    to_correct = [
        Row(
            record=m,
            since=m.latest_at,
            note=m.latest_reason,
            links=(Link(_("Open the record"), m.get_absolute_url()),),
        )
        for m in to_correct_rows
    ]
    return [
        _group(
            "to-publish",
            _("To publish"),
            "meetings",
            to_publish,
            to_publish_total,
            ngettext("%(count)s to publish", "%(count)s to publish", to_publish_total)
            % {"count": _number(to_publish_total)},
            full_list_url("to-publish"),
        ),
        _group(
            "to-correct",
            _("To correct"),
            "meetings",
            to_correct,
            to_correct_total,
            ngettext("%(count)s to correct", "%(count)s to correct", to_correct_total)
            % {"count": _number(to_correct_total)},
            full_list_url("to-correct"),
        ),
    ]


def _procedure_groups(user, now, window: _Window) -> list[Group]:
    procedures = WrittenProcedure.objects.visible_to(user)
    list_url = reverse("decisions:procedure-list")
    drafts, drafts_total = window.rows(
        "procedures-draft", procedures.filter(stage=WrittenProcedure.Stage.DRAFT).order_by("deadline", "reference")
    )
    open_rows, open_total = window.rows(
        "procedures-open", procedures.filter(stage=WrittenProcedure.Stage.OPEN).order_by("deadline", "reference")
    )
    # Who has not answered yet, for every open procedure listed at once: consulted, and no answer.
    consulted = WrittenProcedure.consulted.through.objects.filter(
        writtenprocedure__in=[p.pk for p in open_rows],
        organisation__in=Organisation.objects.visible_to(user),
    ).exclude(
        Exists(
            ProcedureAnswer.objects.visible_to(user).filter(
                procedure=OuterRef("writtenprocedure"), organisation=OuterRef("organisation")
            )
        )
    )
    silent: dict[int, list[str]] = {}
    if open_rows:
        for procedure_id, name in consulted.order_by("organisation__name").values_list(
            "writtenprocedure", "organisation__name"
        ):
            silent.setdefault(procedure_id, []).append(name)
    to_launch = [
        Row(
            record=p,
            when=deadline_display(p),
            overdue=p.deadline < now,
            links=(
                Link(_("Open the procedure"), p.get_absolute_url()),
                Link(_("Launch"), reverse("decisions-edit:procedure-launch", args=[p.slug])),
            ),
        )
        for p in drafts
    ]
    running = [
        Row(
            record=p,
            when=deadline_display(p),
            overdue=p.deadline < now,
            not_answered=tuple(silent.get(p.pk, ())),
            links=(Link(_("Open the procedure"), p.get_absolute_url()),),
        )
        for p in open_rows
    ]
    return [
        _group(
            "procedures-draft",
            _("Written procedures to launch"),
            "procedures",
            to_launch,
            drafts_total,
            ngettext("%(count)s procedure to launch", "%(count)s procedures to launch", drafts_total)
            % {"count": _number(drafts_total)},
            list_url,
        ),
        _group(
            "procedures-open",
            _("Written procedures open"),
            "procedures",
            running,
            open_total,
            ngettext("%(count)s procedure open", "%(count)s procedures open", open_total)
            % {"count": _number(open_total)},
            list_url,
        ),
    ]


def _upcoming_group(user, now, window: _Window) -> Group:
    upcoming = with_parts(
        Meeting.objects.visible_to(user)
        .filter(Q(start__gt=now) | Q(new_date_pending=True))
        .exclude(schedule_status=Meeting.ScheduleStatus.CANCELLED)
        .defer("minutes", "public_summary"),
        PREPARATION_PARTS,
        now,
    )
    meetings, total = window.rows(
        "upcoming", upcoming.filter(lacking_any(PREPARATION_PARTS)).order_by("new_date_pending", "start", "pk")
    )
    rows = [
        Row(
            record=m,
            links=fixes(m, PREPARATION_PARTS),
            missing=tuple(p.label for p in missing_parts(m, PREPARATION_PARTS)),
        )
        for m in meetings
    ]
    return _group(
        "upcoming",
        _("Upcoming meetings missing parts"),
        "meetings",
        rows,
        total,
        ngettext("%(count)s upcoming meeting missing parts", "%(count)s upcoming meetings missing parts", total)
        % {"count": _number(total)},
        # The meeting list holds every meeting: the full list of those missing parts is the group's own.
        full_list_url("upcoming"),
    )


def _actions_group(user, today, window: _Window) -> Group:
    due = (
        ActionItem.objects.visible_to(user)
        .filter(
            status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS],
            due_date__lte=today + ACTIONS_DUE_WITHIN,
        )
        .select_related("owner_organisation", "owner_person", "meeting")
        .order_by("due_date", "id")
    )
    actions, total = window.rows("actions", due)
    rows = [
        Row(
            record=a,
            owner=a.owner,
            meeting=a.meeting,
            overdue=a.due_date < today,
            links=(Link(_("Update the action"), reverse("decisions-edit:action-edit", args=[a.pk])),),
        )
        for a in actions
    ]
    return _group(
        "actions",
        _("Actions due"),
        "actions",
        rows,
        total,
        ngettext("%(count)s action due", "%(count)s actions due", total) % {"count": _number(total)},
        reverse("decisions:action-list"),
    )


def full_list_url(key: str) -> str:
    """The page listing every record of the desk's group `key` (desk_group), for the groups no other list holds."""
    return f"{reverse('portal:desk-group')}?group={key}"


def _groups(user, today: dt.date, now: dt.datetime, window: _Window) -> list[Group]:
    return [
        *_draft_groups(user, now, window),
        *_circulated_groups(user, window),
        *_procedure_groups(user, now, window),
        _upcoming_group(user, now, window),
        _actions_group(user, today, window),
    ]


# The keys of the desk's groups, in the order of the steps (as _groups builds them).
GROUP_KEYS = (
    "to-complete",
    "to-circulate",
    "to-publish",
    "to-correct",
    "procedures-draft",
    "procedures-open",
    "upcoming",
    "actions",
)


def desk_group(user, key: str, *, page: int, today: dt.date, now: dt.datetime | None = None) -> Group:
    """
    One group of the desk in full, a page of GROUP_PAGE_SIZE rows at a time (page 1 first), with the same
    rows, order and links as on the desk: one query (two for open procedures, who has not answered).
    A page past the last has no rows.
    """
    if key not in GROUP_KEYS:
        raise ValueError(key)
    window = _Window(only=key, offset=(max(page, 1) - 1) * GROUP_PAGE_SIZE, limit=GROUP_PAGE_SIZE)
    [group] = [g for g in _groups(user, today, now or timezone.now(), window) if g.key == key]
    return group


def desk_for(user, *, today: dt.date, now: dt.datetime | None = None) -> Desk:
    """
    Everything waiting for the Secretariat, as `user` may see it (every list through visible_to), on
    `today` (actions due) at `now` (meetings passed or to come, deadlines; default: the current time).
    """
    now = now or timezone.now()
    groups = _groups(user, today, now, _Window())
    coming_up = Meeting.objects.listable_by(user).for_listing().upcoming(now)[:COMING_UP]
    return Desk(groups=tuple(g for g in groups if g.total), coming_up=tuple(coming_up))
