"""
The decisions' part of a meeting's path and checks (meetings.readiness): the outcomes step, the
papers step, and what is odd about them before the record is circulated or published. Added to the
meeting's path from here (AppConfig.ready), so that `meetings` runs them without naming `decisions`.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.readiness import Finding, Level
from decisions.models import Decision, DocumentFile, MeetingPaper
from meetings import readiness
from meetings.models import Meeting

# Verbs that say the decision changed something it should be linked to: the documents adopted, the post given.
VERBS_ACTING_ON_DOCUMENTS = (Decision.Verb.ADOPTED, Decision.Verb.ENDORSED_ADOPTED, Decision.Verb.ENDORSED)
VERBS_ACTING_ON_ROLES = (Decision.Verb.APPOINTED,)


def _url(name: str):
    return lambda meeting, facts: reverse(f"decisions-edit:{name}", args=[meeting.slug])


def register() -> None:
    readiness.PATH.add(
        readiness.Step(
            key="outcomes",
            order=40,
            label=gettext_lazy("Decisions"),
            url=_url("meeting-decisions"),
            facts={"has_decisions": Exists(Decision.objects.filter(meeting=OuterRef("pk")))},
            done=lambda meeting, facts: bool(facts.get("has_decisions")),
        )
    )
    readiness.PATH.add(
        readiness.Step(
            key="papers",
            order=50,
            label=gettext_lazy("Papers"),
            url=_url("meeting-papers"),
            facts={"has_papers": Exists(MeetingPaper.objects.filter(meeting=OuterRef("pk")))},
            done=lambda meeting, facts: bool(facts.get("has_papers")),
        )
    )
    readiness.CHECKS.add(check_decisions)
    readiness.CHECKS.add(check_papers)


def check_decisions(meeting: Meeting, step: str):
    decisions = list(
        Decision.objects.filter(meeting=meeting)
        .annotate(
            **{
                f"has_{name}": Exists(getattr(Decision, name).through.objects.filter(decision=OuterRef("pk")))
                for name in ("documents", "memberships", "roles")
            }
        )
        .values("pk", "reference", "verb", "has_documents", "has_memberships", "has_roles")
        .order_by("sequence")
    )
    if not decisions:
        yield Finding(
            code="no_decision",
            level=Level.WARNING,
            message=_("No decision is recorded (a meeting may decide nothing: then say so as the reason)."),
            fix_url=reverse("decisions-edit:meeting-decisions", args=[meeting.slug]),
            fix_label=_("Record the decisions"),
        )
    verbs = dict(Decision.Verb.choices)
    for decision in decisions:
        if decision["has_documents"] or decision["has_memberships"] or decision["has_roles"]:
            continue
        if decision["verb"] in VERBS_ACTING_ON_DOCUMENTS:
            missing = _("the document it adopted or endorsed")
        elif decision["verb"] in VERBS_ACTING_ON_ROLES:
            missing = _("the post it gave")
        else:
            continue
        yield Finding(
            code="no_effect",
            level=Level.WARNING,
            message=_("Decision %(reference)s (%(verb)s) is linked to nothing: %(missing)s is not recorded.")
            % {"reference": decision["reference"], "verb": verbs.get(decision["verb"], ""), "missing": missing},
            fix_url=reverse("decisions-edit:decision-edit", args=[decision["pk"]]),
            fix_label=_("Edit %(reference)s") % {"reference": decision["reference"]},
        )


def check_papers(meeting: Meeting, step: str):
    without_file = list(
        MeetingPaper.objects.filter(meeting=meeting)
        .filter(~Exists(DocumentFile.objects.filter(document=OuterRef("document"))))
        .values_list("document__title", flat=True)
    )
    if without_file:
        yield Finding(
            code="paper_without_file",
            level=Level.WARNING,
            message=_("Papers without a file: %(titles)s.") % {"titles": ", ".join(without_file)},
            fix_url=reverse("decisions-edit:meeting-papers", args=[meeting.slug]),
            fix_label=_("Check the papers"),
        )
