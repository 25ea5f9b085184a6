"""
The Secretariat's path through a meeting's record, and the checks before circulating and publishing.

The path: details → participants → agenda → (the apps above add theirs: outcomes, papers) →
circulate → publish. Each editing page shows it as a progress line (which parts are done, which page
this is) and offers "Save and continue" to the next step; any step can be opened from the line.
Whether a part is done is read in one query for the whole line: each step names the annotation it
needs (an EXISTS), so that a step added from above costs no query of its own.

The checks (core.readiness): what is missing or odd before the record goes to the Board or the public.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.readiness import Checks, Finding, Level
from core.workflow import RecordStatus
from meetings.models import AgendaItem, Meeting, Participation

CIRCULATE = "circulate"
PUBLISH = "publish"


@dataclass(frozen=True, kw_only=True)
class Step:
    """A part of the record: its place on the line, its name, its page, and whether it is done."""

    key: str
    order: int
    label: str
    url: Callable[[Meeting, dict], str]
    # The annotation (name → expression over the meeting) whose truth says the part is done.
    facts: dict
    done: Callable[[Meeting, dict], bool]


@dataclass(frozen=True, kw_only=True)
class Stop:
    """One step as the progress line shows it, for one meeting."""

    key: str
    label: str
    url: str
    done: bool
    current: bool


@dataclass(frozen=True, kw_only=True)
class Progress:
    stops: tuple[Stop, ...]
    current: str

    @property
    def next(self) -> Stop | None:
        """The step after the current one (what "Save and continue" opens)."""
        keys = [stop.key for stop in self.stops]
        if self.current not in keys:
            return None
        index = keys.index(self.current)
        return self.stops[index + 1] if index + 1 < len(self.stops) else None

    @property
    def done_count(self) -> int:
        return sum(stop.done for stop in self.stops)


class Path:
    """The steps of a meeting's record, in order; the apps above add theirs (AppConfig.ready)."""

    def __init__(self) -> None:
        self._steps: dict[str, Step] = {}

    def add(self, step: Step) -> None:
        self._steps[step.key] = step

    @property
    def steps(self) -> list[Step]:
        return sorted(self._steps.values(), key=lambda step: step.order)

    def facts(self, meeting: Meeting) -> dict:
        """Every step's facts about `meeting`, in one query."""
        annotations = {name: expression for step in self.steps for name, expression in step.facts.items()}
        if not annotations:
            return {}
        return Meeting.objects.filter(pk=meeting.pk).annotate(**annotations).values(*annotations).first() or {}

    def progress(self, meeting: Meeting, current: str) -> Progress:
        facts = self.facts(meeting)
        return Progress(
            stops=tuple(
                Stop(
                    key=step.key,
                    label=str(step.label),
                    url=step.url(meeting, facts),
                    done=step.done(meeting, facts),
                    current=step.key == current,
                )
                for step in self.steps
            ),
            current=current,
        )


PATH = Path()


def after_save(request, meeting: Meeting, current: str, default):
    """
    The success URL of a save on step `current` (for core.editing.edit_page): on "Save and continue" the
    next step, read after the save (what it saved may change it), else `default` (a URL, a record, or a
    function of what the save returned).
    """

    def target(result=None):
        if request.method == "POST" and "continue" in request.POST:
            following = PATH.progress(meeting, current).next
            if following is not None:
                return following.url
        return default(result) if callable(default) else default

    return target


# What must hold before circulating or publishing a meeting (core.readiness); the apps above add theirs.
CHECKS = Checks()
# How the public will read the record once published: the site layer composes the record with the
# decisions, so it renders the preview (set in its AppConfig.ready): a function of (request, meeting).
PREVIEWS: list = []


def public_preview(request, meeting: Meeting):
    """The public page of `meeting` as it will read once published (HTML), or None if no layer renders it."""
    return PREVIEWS[0](request, meeting) if PREVIEWS else None


def _edit_url(name: str) -> Callable[[Meeting, dict], str]:
    return lambda meeting, facts: reverse(f"meetings-edit:{name}", args=[meeting.slug])


PATH.add(
    Step(
        key="details",
        order=10,
        label=gettext_lazy("Details"),
        url=_edit_url("meeting-edit"),
        facts={},
        done=lambda meeting, facts: True,
    )
)
PATH.add(
    Step(
        key="participants",
        order=20,
        label=gettext_lazy("Participants"),
        url=_edit_url("participants"),
        facts={"has_participants": Exists(Participation.objects.filter(meeting=OuterRef("pk")))},
        done=lambda meeting, facts: bool(facts.get("has_participants")) or meeting.has_participant_counts,
    )
)
PATH.add(
    Step(
        key="agenda",
        order=30,
        label=gettext_lazy("Agenda"),
        # An empty agenda opens on its first item's form: one page less on the way.
        url=lambda meeting, facts: reverse(
            "meetings-edit:agenda" if facts.get("has_agenda") else "meetings-edit:agenda-item-create",
            args=[meeting.slug],
        ),
        facts={"has_agenda": Exists(AgendaItem.objects.filter(meeting=OuterRef("pk")))},
        done=lambda meeting, facts: bool(facts.get("has_agenda")),
    )
)
PATH.add(
    Step(
        key=CIRCULATE,
        order=80,
        label=gettext_lazy("Circulate"),
        url=_edit_url("circulate"),
        facts={},
        done=lambda meeting, facts: meeting.status != RecordStatus.DRAFT,
    )
)
PATH.add(
    Step(
        key=PUBLISH,
        order=90,
        label=gettext_lazy("Publish"),
        url=_edit_url("publish"),
        facts={},
        done=lambda meeting, facts: meeting.status == RecordStatus.PUBLISHED,
    )
)


# --- Checks -------------------------------------------------------------------------------------


def _finding(code, level, message, meeting, page, label) -> Finding:
    return Finding(
        code=code,
        level=level,
        message=message,
        fix_url=reverse(f"meetings-edit:{page}", args=[meeting.slug]),
        fix_label=label,
    )


@CHECKS.add
def check_meeting(meeting: Meeting, step: str):
    """The meeting's own parts: it took place, it says what happened, who took part."""
    if meeting.is_cancelled:
        yield _finding(
            "cancelled",
            Level.ERROR,
            _("The meeting is cancelled: there is no record to circulate or publish."),
            meeting,
            "meeting-edit",
            _("Edit the meeting"),
        )
    if step == PUBLISH and meeting.start > timezone.now():
        yield _finding(
            "not_held",
            Level.ERROR,
            _("The meeting has not taken place yet: its record cannot be published before it starts."),
            meeting,
            "meeting-edit",
            _("Check the dates"),
        )
    if not meeting.public_summary.strip():
        yield _finding(
            "no_summary",
            Level.WARNING,
            _("There is no public summary: the public page will show only the facts and the decisions."),
            meeting,
            "meeting-edit",
            _("Write the summary"),
        )
    if not meeting.minutes.strip() and meeting.has_passed:
        yield _finding(
            "no_minutes",
            Level.WARNING,
            _("There are no minutes: Board members will read no account of the discussion."),
            meeting,
            "meeting-edit",
            _("Write the minutes"),
        )
    participations = list(meeting.participations.values_list("person_id", "position"))
    if not participations and not meeting.has_participant_counts:
        yield _finding(
            "no_participants",
            Level.WARNING,
            _("No participant is recorded, and no count of participants."),
            meeting,
            "participants",
            _("Add the participants"),
        )
    unplaced = sum(1 for person, position in participations if person and not position)
    if unplaced:
        yield _finding(
            "no_position",
            Level.WARNING,
            ngettext(
                "%(count)d participant has no position at the time.",
                "%(count)d participants have no position at the time.",
                unplaced,
            )
            % {"count": unplaced},
            meeting,
            "participants",
            _("Give their positions"),
        )
    if not meeting.agenda_items.exists():
        yield _finding(
            "no_agenda",
            Level.WARNING,
            _("There is no agenda."),
            meeting,
            "agenda-item-create",
            _("Add the agenda"),
        )
