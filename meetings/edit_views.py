"""
The Secretariat's editing pages for meetings: the record, participants, agenda, postponements,
the workflow (circulate, publish, unpublish, correct) and the history. Each is the portal's one
edit flow (core.editing.edit_page): form → service → message → redirect. Access: a meeting the user
may not see is a 404; seen but not editable, a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from core import history, notifications
from core.editing import (
    Unchanged,
    confirm_page,
    edit_page,
    editable,
    history_page,
    posted,
    preview,
    require_permission,
    require_sign_in,
)
from core.forms import ConfirmForm, posted_count
from core.workflow import RecordStatus
from meetings import readiness, services
from meetings.forms import (
    ADD_ROWS,
    AgendaItemForm,
    AgendaOrderForm,
    CorrectionReasonForm,
    MeetingForm,
    OccasionForm,
    ParticipationFormSet,
    ReasonForm,
    RescheduleForm,
)
from meetings.forms.advance import AdvanceForm
from meetings.models import MAX_PARTICIPANTS, AgendaItem, Correction, Meeting, Occasion, Participation, Reschedule

CHANGE = "meetings.change_meeting"
PUBLISH = ("meetings.change_meeting", "meetings.publish_meeting")


def _site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _chair_note(saved) -> str:
    """Said when the chair's position at the time was taken from the records rather than typed."""
    if not saved.chair_position_taken:
        return ""
    return " " + _("The chair's position at the time was taken from the person's record: “%(position)s”.") % {
        "position": saved.chair_position_taken
    }


# --- The record ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_create(request):
    require_permission(request.user, "meetings.add_meeting")
    form = MeetingForm(posted(request), instance=Meeting())
    return edit_page(
        request,
        form,
        save=lambda: services.save_meeting(
            services.SaveMeeting(
                meeting=form.save(commit=False),
                expected_version=None,
                chair=form.chair_value,
                chair_position=form.chair_position_value,
                new_occasion=form.new_occasion,
                user=request.user,
            )
        ),
        message=lambda saved: (
            _("Meeting “%(title)s” created as a draft. Add its participants next.") % {"title": saved.meeting}
            + _chair_note(saved)
        ),
        success_url=lambda saved: reverse("meetings-edit:participants", args=[saved.meeting.slug]),
        title=_("New meeting"),
        preview=preview(request, form, "public_summary"),
        preview_button=True,
    )


@require_http_methods(["GET", "POST"])
def meeting_edit(request, slug):
    meeting = editable(Meeting.objects, request.user, CHANGE, slug=slug)
    # The heading names the record as saved: validating the form writes the input into `meeting`.
    title = _("Edit: %(title)s") % {"title": meeting}
    form = MeetingForm(posted(request), instance=meeting)
    return edit_page(
        request,
        form,
        save=lambda: services.save_meeting(
            services.SaveMeeting(
                meeting=form.save(commit=False),
                expected_version=form.expected_version,
                chair=form.chair_value,
                chair_position=form.chair_position_value,
                new_occasion=form.new_occasion,
                correction_reason=form.reason_given,
                user=request.user,
            )
        ),
        message=lambda saved: (
            _("Meeting “%(title)s” saved.") % {"title": saved.meeting} + _chair_note(saved)
            if saved.changed
            else Unchanged(
                _("Nothing changed: the meeting “%(title)s” is as it was, and no correction was recorded.")
                % {"title": saved.meeting}
            )
        ),
        success_url=readiness.after_save(request, meeting, "details", lambda saved: saved.meeting),
        title=title,
        cancel_url=meeting.get_absolute_url(),
        preview=preview(request, form, "public_summary"),
        preview_button=True,
        meeting=meeting,
        progress=readiness.PATH.progress(meeting, "details"),
    )


# --- Participants -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def participants(request, slug):
    meeting = editable(Meeting.objects, request.user, CHANGE, slug=slug)
    count = meeting.participations.count()
    if count > MAX_PARTICIPANTS:
        # A list longer than the page saves (a volume benchmark's meeting): say so, rather than draw rows
        # whose save would be refused.
        return render(
            request,
            "meetings/participants_too_many.html",
            {"meeting": meeting, "count": count, "maximum": MAX_PARTICIPANTS},
        )
    queryset = meeting.participations.select_related("person", "organisation").order_by("order", "id")
    data = posted(request)
    if data is not None and "add_rows" in data:
        # "Add rows" without JavaScript: the same input back, with more blank rows.
        data = data.copy()
        total = posted_count(data.get("form-TOTAL_FORMS"))
        data["form-TOTAL_FORMS"] = str(ADD_ROWS if total is None else total + ADD_ROWS)
    formset = ParticipationFormSet(data, queryset=queryset, meeting=meeting)
    form = CorrectionReasonForm(data, meeting=meeting)
    return edit_page(
        request,
        form,
        formset=formset,
        save=lambda: services.record_participants(
            services.RecordParticipants(
                meeting=meeting,
                entries=formset.entries(),
                removed=formset.removed(),
                correction_reason=form.reason_given,
                expected_rows=formset.expected_rows(),
                user=request.user,
            )
        ),
        message=_participants_saved,
        success_url=readiness.after_save(
            request, meeting, "participants", reverse("meetings-edit:participants", args=[meeting.slug])
        ),
        template="meetings/participants_formset.html",
        refused_message=_("Nothing was saved: correct the rows marked below."),
        meeting=meeting,
        add_rows=ADD_ROWS,
        progress=readiness.PATH.progress(meeting, "participants"),
    )


def _participants_saved(recorded: services.ParticipantsRecorded) -> str:
    text = _("Participants saved: %(saved)d added or changed, %(removed)d removed.") % {
        "saved": len(recorded.saved),
        "removed": recorded.removed,
    }
    if recorded.positions_taken:
        taken = "; ".join(f"{row.person} — {row.position}" for row in recorded.positions_taken)
        text += " " + _("Position taken from the person's record: %(positions)s.") % {"positions": taken}
    return text


# --- Agenda -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def agenda(request, slug):
    """The agenda in order, with buttons to add, edit, delete and move items."""
    meeting = editable(Meeting.objects, request.user, CHANGE, slug=slug)
    form = AgendaOrderForm(posted(request), meeting=meeting)
    return edit_page(
        request,
        form,
        save=lambda: services.reorder_agenda(
            services.ReorderAgenda(
                meeting=meeting,
                item_ids=tuple(form.ordered_ids()),
                # A move (one place up or down) is made from where the item is now; the numbers, from
                # the agenda as the editor saw it.
                expected_versions=None if form.data.get("move") else form.expected_versions(),
                correction_reason=form.reason_given,
                user=request.user,
            )
        ),
        message=_("The order of the agenda is saved."),
        success_url=readiness.after_save(
            request, meeting, "agenda", reverse("meetings-edit:agenda", args=[meeting.slug])
        ),
        template="meetings/agenda_formset.html",
        meeting=meeting,
        progress=readiness.PATH.progress(meeting, "agenda"),
        items=meeting.agenda_items.order_by("position").prefetch_related("presenters", "presenting_organisations"),
    )


def _agenda_item(request, slug: str, pk: int, *permissions: str) -> AgendaItem:
    require_sign_in(request.user)
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), slug=slug)
    # The agenda is part of the minutes: the public never sees an item, even of a published meeting.
    item = get_object_or_404(AgendaItem.objects.visible_to(request.user).filter(meeting=meeting), pk=pk)
    require_permission(request.user, *permissions, record=meeting)
    item.meeting = meeting
    return item


@require_http_methods(["GET", "POST"])
def agenda_item_create(request, slug):
    meeting = editable(Meeting.objects, request.user, CHANGE, slug=slug)
    return _agenda_item_form(request, AgendaItem(meeting=meeting))


@require_http_methods(["GET", "POST"])
def agenda_item_edit(request, slug, pk):
    return _agenda_item_form(request, _agenda_item(request, slug, pk, CHANGE))


def _agenda_item_form(request, item: AgendaItem):
    meeting, is_new = item.meeting, item.pk is None
    form = AgendaItemForm(posted(request), instance=item)
    agenda_url = reverse("meetings-edit:agenda", args=[meeting.slug])
    title = _("New agenda item") if is_new else _("Edit agenda item %(position)s") % {"position": item.position}
    done = _("Agenda item “%(title)s” added.") if is_new else _("Agenda item “%(title)s” saved.")
    return edit_page(
        request,
        form,
        save=lambda: services.save_agenda_item(
            services.SaveAgendaItem(
                item=form.save(commit=False),
                presenters=tuple(form.cleaned_data["presenters"]),
                presenting_organisations=tuple(form.cleaned_data["presenting_organisations"]),
                correction_reason=form.reason_given,
                expected_version=form.expected_version,
                user=request.user,
            )
        ),
        message=lambda saved: (
            done % {"title": saved.item.title}
            if saved.changed
            else Unchanged(_("Nothing changed: agenda item “%(title)s” is as it was.") % {"title": saved.item.title})
        ),
        success_url=readiness.after_save(
            request,
            meeting,
            "agenda",
            reverse("meetings-edit:agenda-item-create", args=[meeting.slug])
            if "save_and_add" in request.POST
            else agenda_url,
        ),
        title=f"{title} — {meeting}",
        cancel_url=agenda_url,
        preview=preview(request, form, "notes"),
        preview_button=True,
        meeting=meeting,
        add_another=_("Save and add another item"),
        progress=readiness.PATH.progress(meeting, "agenda"),
    )


@require_http_methods(["GET", "POST"])
def agenda_item_delete(request, slug, pk):
    item = _agenda_item(request, slug, pk, CHANGE, "meetings.delete_agendaitem")
    meeting = item.meeting
    form = CorrectionReasonForm(posted(request), meeting=meeting)
    form.helper.submit_label = _("Delete the item")
    return confirm_page(
        request,
        form,
        save=lambda: services.delete_agenda_item(
            services.DeleteAgendaItem(item=item, correction_reason=form.reason_given, user=request.user)
        ),
        message=lambda deleted: _("Agenda item “%(title)s” deleted.") % {"title": deleted.title},
        success_url=reverse("meetings-edit:agenda", args=[meeting.slug]),
        title=_("Delete agenda item “%(title)s”?") % {"title": item},
        text=_("The later items move up. Decisions recorded under this item stay, without an agenda item."),
        cancel_url=reverse("meetings-edit:agenda", args=[meeting.slug]),
        danger=True,
    )


# --- Announcing, postponing, cancelling -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def announce(request, slug):
    """Tell the public the meeting is coming, before any record exists: its announcement only."""
    meeting = editable(Meeting.objects, request.user, CHANGE, slug=slug)
    form = ConfirmForm(posted(request), submit_label=_("Announce to the public"))
    return confirm_page(
        request,
        form,
        save=lambda: services.announce_meeting(services.MeetingStep(meeting=meeting, user=request.user)),
        message=_("Announced: the public now sees this meeting in the lists, on the home page and in the calendars."),
        success_url=meeting,
        refused_url=meeting,
        title=_("Announce “%(title)s” to the public?") % {"title": meeting},
        text=_(
            "The public will see its kind, number, title, dates (as far as they are known), place, format and "
            "wider occasion, and whether it is postponed or cancelled. Nothing of the record — summary, "
            "participants, agenda, decisions, documents — until the record is published, and no publication date."
        ),
        cancel_url=meeting.get_absolute_url(),
        meeting=meeting,
    )


@require_http_methods(["GET", "POST"])
def reschedule(request, slug):
    meeting = editable(Meeting.objects, request.user, CHANGE, slug=slug)
    if meeting.is_cancelled:
        messages.error(request, _("This meeting is cancelled: it cannot be rescheduled."))
        return redirect(meeting)
    if meeting.has_passed:
        messages.error(request, _("This meeting has taken place: it cannot be postponed or rescheduled."))
        return redirect(meeting)
    form = RescheduleForm(posted(request), meeting=meeting)
    if form.giving_the_new_date:
        title = _("The new date of “%(title)s”") % {"title": meeting}
        intro = _("Postponed, new date to be announced. The dates announced before stay on the record.")
        done = _("The new date is saved. The meeting still says Postponed, with its new date.")
    else:
        title = _("Postpone or reschedule: %(title)s") % {"title": meeting}
        intro = _(
            "The dates announced before stay on the record with the reason; calendars that hold the meeting "
            "receive the change."
        )
        done = _("Meeting rescheduled. The dates announced before stay on the record.")
    return edit_page(
        request,
        form,
        save=lambda: services.reschedule_meeting(form.reschedule(user=request.user)),
        message=done,
        success_url=meeting,
        title=title,
        intro=intro,
        cancel_url=meeting.get_absolute_url(),
        meeting=meeting,
    )


@require_http_methods(["GET", "POST"])
def cancel(request, slug):
    meeting = editable(Meeting.objects, request.user, CHANGE, slug=slug)
    if meeting.has_passed:
        messages.error(
            request, _("This meeting has taken place: it cannot be cancelled. Its record can be unpublished.")
        )
        return redirect(meeting)
    form = ReasonForm(posted(request), submit_label=_("Cancel the meeting"))
    form.fields["reason"].help_text = _("Shown with the meeting wherever it is listed, and in the calendars.")
    return confirm_page(
        request,
        form,
        save=lambda: services.cancel_meeting(
            services.MeetingWithReason(meeting=meeting, reason=form.cleaned_data["reason"], user=request.user)
        ),
        message=_("Cancelled: the meeting says so wherever it is listed, with the reason."),
        success_url=meeting,
        refused_url=meeting,
        title=_("Cancel “%(title)s”?") % {"title": meeting},
        text=_(
            "The meeting will say Cancelled, with the reason, in the lists, on its page and in the calendars "
            "(which remove it). Its record, if any, stays as it is."
        ),
        cancel_url=meeting.get_absolute_url(),
        danger=True,
        meeting=meeting,
    )


# --- Occasions ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def occasion_edit(request, pk):
    """An occasion is shared by the meetings held at it: a correction here reaches them all."""
    occasion = editable(Occasion.objects, request.user, "meetings.change_occasion", pk=pk)
    form = OccasionForm(posted(request), instance=occasion)
    meeting = occasion.meetings.order_by("-start").first()
    return edit_page(
        request,
        form,
        save=lambda: services.save_occasion(
            services.SaveOccasion(occasion=form.save(commit=False), expected_version=form.expected_version)
        ),
        message=lambda saved: _("Occasion “%(name)s” saved.") % {"name": saved.occasion.name},
        success_url=meeting or reverse("meetings:meeting-list"),
        title=_("Edit the occasion: %(name)s") % {"name": occasion.name},
        intro=_("Every meeting held at this occasion shows the change."),
        cancel_url=meeting.get_absolute_url() if meeting else reverse("meetings:meeting-list"),
    )


# --- Workflow -----------------------------------------------------------------------------------

# The steps forward, behind a confirmation: (to which status, the button, what was done, the question, what happens).
STEPS_FORWARD = {
    "circulate": (
        RecordStatus.CIRCULATED,
        gettext_lazy("Circulate to the Board members"),
        gettext_lazy("Circulated: Board members can read the record, marked DRAFT."),
        gettext_lazy("Circulate “%(title)s”?"),
        gettext_lazy(
            "Board members will be able to read the full record, marked DRAFT, and are told by e-mail as each "
            "chose (at once, in a weekly digest, or not). The public does not see it until it is published."
        ),
    ),
    "publish": (
        RecordStatus.PUBLISHED,
        gettext_lazy("Publish"),
        gettext_lazy("Published: the public now reads the summary and the decisions."),
        gettext_lazy("Publish “%(title)s”?"),
        gettext_lazy(
            "The public will read the public summary and the decisions; Board members the full minutes. "
            "Board members are told by e-mail as each chose. Unpublishing later needs a reason, shown on the "
            "record."
        ),
    ),
}


# Past this many addresses, the message names the first ones and counts the rest.
NAMED_RECIPIENTS = 10


def emailed_message(recipients, delivery=None) -> str:
    """What the e-mail step did: to whom, or why nobody could be told; who chose their digest or turned it off."""
    recipients = list(recipients)
    held = notifications.delivery_note(delivery)
    if not recipients and held:
        return "%s %s" % (_("Nobody was e-mailed now."), held)  # noqa: UP031 (two translated sentences)
    if not recipients:
        return _("Nobody was e-mailed: no Board member has an e-mail address.")
    named = ", ".join(recipients[:NAMED_RECIPIENTS])
    more = len(recipients) - NAMED_RECIPIENTS
    if more > 0:
        named = ngettext("%(named)s and %(more)d other", "%(named)s and %(more)d others", more) % {
            "named": named,
            "more": more,
        }
    count = len(recipients)
    said = ngettext(
        "%(count)d Board member was e-mailed: %(named)s.", "%(count)d Board members were e-mailed: %(named)s.", count
    )
    said = said % {"count": count, "named": named}
    return f"{said} {held}" if held else said


@require_http_methods(["GET", "POST"])
def advance(request, slug, step: str):
    """
    Circulate or publish: the checks (meetings.readiness) with links to fix each, for publishing the
    public page as it will appear, then the step; say what happened (or why it could not be done).
    """
    to, button, done, question, text = STEPS_FORWARD[step]
    meeting = editable(Meeting.objects, request.user, *PUBLISH, slug=slug)
    refusal = services.step_refusal(meeting, to)
    if refusal:
        messages.error(request, refusal)
        return redirect(meeting)
    findings = readiness.CHECKS.run(meeting, step)
    form = AdvanceForm(posted(request), findings=findings, submit_label=button)
    return confirm_page(
        request,
        form,
        save=lambda: services.advance_meeting(
            services.AdvanceMeeting(
                meeting=meeting,
                to=to,
                user=request.user,
                site_url=_site_url(request),
                override_reason=form.override_reason,
                warnings_seen=form.warnings_seen,
            )
        ),
        message=lambda advanced: f"{done} {emailed_message(advanced.recipients, advanced.delivery)}",
        success_url=meeting,
        title=question % {"title": meeting},
        text=text,
        cancel_url=meeting.get_absolute_url(),
        meeting=meeting,
        findings=findings,
        blocked=bool(findings.errors),
        # On the page only: a POST's own transaction is the step's.
        preview_html=readiness.public_preview(request, meeting)
        if step == "publish" and request.method == "GET"
        else None,
        progress=readiness.PATH.progress(meeting, step),
    )


@require_http_methods(["GET", "POST"])
def unpublish(request, slug):
    meeting = editable(Meeting.objects, request.user, *PUBLISH, slug=slug)
    form = ReasonForm(posted(request), submit_label=_("Unpublish"))
    return confirm_page(
        request,
        form,
        save=lambda: services.unpublish_meeting(
            services.MeetingWithReason(meeting=meeting, reason=form.cleaned_data["reason"], user=request.user)
        ),
        message=_("Unpublished: the public no longer sees this record. The reason is shown on it."),
        success_url=meeting,
        title=_("Unpublish “%(title)s”?") % {"title": meeting},
        text=_("The record goes back to circulated: Board members still read it, the public no longer does."),
        cancel_url=meeting.get_absolute_url(),
        danger=True,
        meeting=meeting,
    )


@require_http_methods(["GET", "POST"])
def correct(request, slug):
    meeting = editable(Meeting.objects, request.user, *PUBLISH, slug=slug)
    form = ReasonForm(posted(request), submit_label=_("Record the correction"))
    return confirm_page(
        request,
        form,
        save=lambda: services.correct_meeting(
            services.MeetingWithReason(meeting=meeting, reason=form.cleaned_data["reason"], user=request.user)
        ),
        message=_("Correction recorded: it is shown on the record."),
        success_url=meeting,
        title=_("Record a correction of “%(title)s”") % {"title": meeting},
        text=_("The record shows “Corrected on <date>: <reason>”. The changes themselves are kept in the history."),
        cancel_url=meeting.get_absolute_url(),
        meeting=meeting,
    )


# --- History ------------------------------------------------------------------------------------


# The parts of a meeting's record whose changes its history shows, besides the meeting itself.
HISTORY_PARTS = (Participation, AgendaItem, Reschedule, Correction)


@require_http_methods(["GET"])
def meeting_history(request, slug):
    meeting = editable(Meeting.objects, request.user, "meetings.view_meeting", slug=slug)
    return history_page(
        request,
        title=_("History of “%(title)s”") % {"title": meeting},
        back_url=meeting.get_absolute_url(),
        entries=history.merged_history(
            history.records(Meeting.history, id=meeting.pk),
            *(history.records(model.history, meeting_id=meeting.pk) for model in HISTORY_PARTS),
        ),
    )
