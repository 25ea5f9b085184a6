"""
The Secretariat's editing pages for meetings: the record, participants, agenda, postponements,
the workflow (circulate, publish, unpublish, correct) and the history. Thin: form → service →
message → redirect. Access: a meeting the user may not see is a 404; seen but not editable, a 403.
"""

from __future__ import annotations

import difflib
import itertools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from meetings import services
from meetings.forms import (
    AgendaItemForm,
    AgendaOrderForm,
    ConfirmForm,
    CorrectionReasonForm,
    MeetingForm,
    ParticipationFormSet,
    ReasonForm,
    RescheduleForm,
)
from meetings.markdown import render_markdown
from meetings.models import AgendaItem, Correction, Meeting, Participation, Reschedule
from members.edit_views import add_validation_error, posted, render_form, require_permission
from members.locking import StaleVersionError

CONFIRM_TEMPLATE = "members/edit_confirm.html"


def editable_meeting(request, slug: str, *permissions: str) -> Meeting:
    """The meeting, if the user may see it (else 404) and holds the permissions (else 403)."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), slug=slug)
    require_permission(request.user, *(permissions or ("meetings.change_meeting",)))
    return meeting


def site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def markdown_preview(text: str) -> str:
    """Markdown rendered and sanitised exactly as the record will show it."""
    return render_markdown(text or "")


# --- The record ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_create(request):
    require_permission(request.user, "meetings.add_meeting")
    form = MeetingForm(posted(request), instance=Meeting())
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        meeting = form.save(commit=False)
        try:
            services.save_meeting(meeting=meeting, expected_version=None, chair=form.chair_value, user=request.user)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request, _("Meeting “%(title)s” created as a draft. Add its participants next.") % {"title": meeting}
            )
            return redirect("meetings-edit:participants", meeting.slug)
    return render_form(
        request, form, title=_("New meeting"), preview=_preview(request, form, "public_summary"), preview_button=True
    )


@require_http_methods(["GET", "POST"])
def meeting_edit(request, slug):
    meeting = editable_meeting(request, slug)
    # The heading names the record as saved: validating the form writes the input into `meeting`.
    title = _("Edit: %(title)s") % {"title": meeting}
    form = MeetingForm(posted(request), instance=meeting)
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        meeting = form.save(commit=False)
        try:
            services.save_meeting(
                meeting=meeting,
                expected_version=form.expected_version,
                chair=form.chair_value,
                correction_reason=form.reason_given,
                user=request.user,
            )
        except StaleVersionError as error:
            form.refuse_stale(error.current)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Meeting “%(title)s” saved.") % {"title": meeting})
            return redirect(meeting)
    return render_form(
        request,
        form,
        title=title,
        cancel_url=meeting.get_absolute_url(),
        preview=_preview(request, form, "public_summary"),
        preview_button=True,
        meeting=meeting,
    )


def _preview(request, form, field: str):
    if request.method == "POST" and "preview" in request.POST:
        # Check the input too, so that errors show beside the fields while previewing.
        form.is_valid()
        return markdown_preview(form.data.get(form.add_prefix(field), ""))
    return None


# --- Participants -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def participants(request, slug):
    meeting = editable_meeting(request, slug)
    queryset = meeting.participations.select_related("person", "organisation").order_by("order", "id")
    data = posted(request)
    if data is not None and "add_rows" in data:
        # "More rows" without JavaScript: the same input back, with five blank rows more.
        data = data.copy()
        total = data.get("form-TOTAL_FORMS", "")
        data["form-TOTAL_FORMS"] = str(int(total) + 5 if total.isdigit() else 5)
    formset = ParticipationFormSet(data, queryset=queryset, meeting=meeting)
    reason_form = CorrectionReasonForm(data, meeting=meeting)
    if request.method == "POST" and "add_rows" not in request.POST:
        if formset.is_valid() and reason_form.is_valid():
            try:
                saved = services.record_participants(
                    meeting=meeting,
                    entries=formset.entries(),
                    removed=formset.removed(),
                    correction_reason=reason_form.reason_given,
                    user=request.user,
                )
            except ValidationError as error:
                add_validation_error(reason_form, error)
            else:
                messages.success(
                    request,
                    _("Participants saved: %(saved)d added or changed, %(removed)d removed.")
                    % {"saved": len(saved), "removed": len(formset.removed())},
                )
                return redirect("meetings-edit:participants", meeting.slug)
        else:
            messages.error(request, _("Nothing was saved: correct the rows marked below."))
    return render(
        request,
        "meetings/participants_formset.html",
        {"meeting": meeting, "formset": formset, "reason_form": reason_form},
    )


# --- Agenda -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def agenda(request, slug):
    """The agenda in order, with buttons to add, edit, delete and move items."""
    meeting = editable_meeting(request, slug)
    form = AgendaOrderForm(posted(request), meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.reorder_agenda(
                meeting=meeting,
                item_ids=form.ordered_ids(),
                correction_reason=form.reason_given,
                user=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The order of the agenda is saved."))
            return redirect("meetings-edit:agenda", meeting.slug)
    items = meeting.agenda_items.order_by("position").prefetch_related("presenters", "presenting_organisations")
    return render(request, "meetings/agenda_formset.html", {"meeting": meeting, "form": form, "items": items})


@require_http_methods(["GET", "POST"])
def agenda_item_create(request, slug):
    meeting = editable_meeting(request, slug)
    return _agenda_item_form(request, meeting, AgendaItem(meeting=meeting))


@require_http_methods(["GET", "POST"])
def agenda_item_edit(request, slug, pk):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), slug=slug)
    item = _agenda_item(request, meeting, pk)
    require_permission(request.user, "meetings.change_meeting")
    return _agenda_item_form(request, meeting, item)


def _agenda_item(request, meeting: Meeting, pk: int) -> AgendaItem:
    # The agenda is part of the minutes: the public never sees an item, even of a published meeting.
    return get_object_or_404(AgendaItem.objects.visible_to(request.user).filter(meeting=meeting), pk=pk)


def _agenda_item_form(request, meeting: Meeting, item: AgendaItem):
    is_new = item.pk is None
    form = AgendaItemForm(posted(request), instance=item)
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        item = form.save(commit=False)
        try:
            services.save_agenda_item(
                item=item,
                presenters=list(form.cleaned_data["presenters"]),
                presenting_organisations=list(form.cleaned_data["presenting_organisations"]),
                correction_reason=form.reason_given,
                user=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            text = _("Agenda item “%(title)s” added.") if is_new else _("Agenda item “%(title)s” saved.")
            messages.success(request, text % {"title": item.title})
            if "save_and_add" in request.POST:
                return redirect("meetings-edit:agenda-item-create", meeting.slug)
            return redirect("meetings-edit:agenda", meeting.slug)
    title = _("New agenda item") if is_new else _("Edit agenda item %(position)s") % {"position": item.position}
    return render_form(
        request,
        form,
        title=f"{title} — {meeting}",
        cancel_url=reverse("meetings-edit:agenda", args=[meeting.slug]),
        preview=_preview(request, form, "notes"),
        preview_button=True,
        meeting=meeting,
    )


@require_http_methods(["GET", "POST"])
def agenda_item_delete(request, slug, pk):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), slug=slug)
    item = _agenda_item(request, meeting, pk)
    require_permission(request.user, "meetings.change_meeting", "meetings.delete_agendaitem")
    form = CorrectionReasonForm(posted(request), meeting=meeting)
    form.helper.submit_label = _("Delete the item")
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_agenda_item(item=item, correction_reason=form.reason_given, user=request.user)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Agenda item “%(title)s” deleted.") % {"title": item.title})
            return redirect("meetings-edit:agenda", meeting.slug)
    return _confirm(
        request,
        form,
        title=_("Delete agenda item “%(title)s”?") % {"title": item},
        text=_("The later items move up. Decisions recorded under this item stay, without an agenda item."),
        cancel_url=reverse("meetings-edit:agenda", args=[meeting.slug]),
        danger=True,
    )


# --- Postponing ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def reschedule(request, slug):
    meeting = editable_meeting(request, slug)
    form = RescheduleForm(posted(request), meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.reschedule_meeting(meeting=meeting, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Meeting rescheduled. The dates announced before stay on the record."))
            return redirect(meeting)
    return render_form(
        request,
        form,
        title=_("Postpone or reschedule: %(title)s") % {"title": meeting},
        cancel_url=meeting.get_absolute_url(),
        meeting=meeting,
    )


# --- Workflow -----------------------------------------------------------------------------------


def _confirm(request, form, *, title, text, cancel_url, danger=False, **context):
    return render(
        request,
        CONFIRM_TEMPLATE,
        {"form": form, "title": title, "text": text, "cancel_url": cancel_url, "danger": danger, **context},
    )


def _transition(request, slug, *, service, submit_label, done, title, text):
    """A workflow step behind a confirmation page: confirm, run the service, say what happened."""
    meeting = editable_meeting(request, slug, "meetings.change_meeting", "meetings.publish_meeting")
    form = ConfirmForm(posted(request), submit_label=submit_label)
    if request.method == "POST" and form.is_valid():
        try:
            service(meeting=meeting, user=request.user, site_url=site_url(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
        return redirect(meeting)
    return _confirm(
        request,
        form,
        title=title % {"title": meeting},
        text=text,
        cancel_url=meeting.get_absolute_url(),
        meeting=meeting,
    )


@require_http_methods(["GET", "POST"])
def circulate(request, slug):
    return _transition(
        request,
        slug,
        service=services.circulate_meeting,
        submit_label=_("Circulate to the Board members"),
        done=_("Circulated: Board members can read the record, marked DRAFT, and were emailed."),
        title=_("Circulate “%(title)s”?"),
        text=_(
            "Board members will be able to read the full record, marked DRAFT, and are told by email. "
            "The public does not see it until it is published."
        ),
    )


@require_http_methods(["GET", "POST"])
def publish(request, slug):
    return _transition(
        request,
        slug,
        service=services.publish_meeting,
        submit_label=_("Publish"),
        done=_("Published: the public now reads the summary and the decisions."),
        title=_("Publish “%(title)s”?"),
        text=_(
            "The public will read the public summary and the decisions; Board members the full minutes. "
            "Board members are told by email. Unpublishing later needs a reason, shown on the record."
        ),
    )


@require_http_methods(["GET", "POST"])
def unpublish(request, slug):
    meeting = editable_meeting(request, slug, "meetings.change_meeting", "meetings.publish_meeting")
    form = ReasonForm(posted(request), submit_label=_("Unpublish"))
    if request.method == "POST" and form.is_valid():
        try:
            services.unpublish_meeting(meeting=meeting, reason=form.cleaned_data["reason"], user=request.user)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request, _("Unpublished: the public no longer sees this record. The reason is shown on it.")
            )
            return redirect(meeting)
    return _confirm(
        request,
        form,
        title=_("Unpublish “%(title)s”?") % {"title": meeting},
        text=_("The record goes back to circulated: Board members still read it, the public no longer does."),
        cancel_url=meeting.get_absolute_url(),
        danger=True,
        meeting=meeting,
    )


@require_http_methods(["GET", "POST"])
def correct(request, slug):
    meeting = editable_meeting(request, slug, "meetings.change_meeting", "meetings.publish_meeting")
    form = ReasonForm(posted(request), submit_label=_("Record the correction"))
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_meeting(meeting=meeting, reason=form.cleaned_data["reason"], user=request.user)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Correction recorded: it is shown on the record."))
            return redirect(meeting)
    return _confirm(
        request,
        form,
        title=_("Record a correction of “%(title)s”") % {"title": meeting},
        text=_("The record shows “Corrected on <date>: <reason>”. The changes themselves are kept in the history."),
        cancel_url=meeting.get_absolute_url(),
        meeting=meeting,
    )


# --- History ------------------------------------------------------------------------------------


def word_diff(before: str, after: str) -> str:
    """An inline diff of two texts: removed words struck through, added words underlined."""
    old, new = before.split(" "), after.split(" ")
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(escape(" ".join(old[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            parts.append(format_html("<del>{}</del>", " ".join(old[i1:i2])))
        if tag in ("insert", "replace"):
            parts.append(format_html("<ins>{}</ins>", " ".join(new[j1:j2])))
    return mark_safe(" ".join(str(part) for part in parts))


def _value(record, field_name: str, value) -> str:
    model = record.instance_type
    try:
        field = model._meta.get_field(field_name)
    except Exception:
        return "" if value is None else str(value)
    if value is None or value == "":
        return ""
    if field.many_to_many:
        related = field.related_model
        ids = [row[related._meta.model_name] for row in value] if value and isinstance(value[0], dict) else value
        return ", ".join(sorted(str(obj) for obj in related._default_manager.filter(pk__in=ids)))
    if field.is_relation:
        obj = field.related_model._default_manager.filter(pk=value).first()
        return str(obj) if obj else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def history_entries(records, *, label: str = "") -> list[dict]:
    """Readable changes of simple-history records: who, when, what (with an inline diff of texts)."""
    entries = []
    for record in records:
        changes = []
        previous = record.prev_record
        if record.history_type == "~" and previous is not None:
            delta = record.diff_against(previous)
            order = [field.name for field in record.instance_type._meta.get_fields()]
            for change in sorted(delta.changes, key=lambda change: order.index(change.field)):
                field = record.instance_type._meta.get_field(change.field)
                old, new = _value(record, change.field, change.old), _value(record, change.field, change.new)
                changes.append(
                    {
                        "field": str(field.verbose_name).capitalize(),
                        "old": old,
                        "new": new,
                        "diff": word_diff(old, new) if len(old) > 60 or len(new) > 60 else None,
                    }
                )
            if not changes:
                continue
        elif record.history_type == "+":
            changes = [{"field": _("Created"), "old": "", "new": str(record.instance), "diff": None}]
        else:
            changes = [{"field": _("Deleted"), "old": str(record.instance), "new": "", "diff": None}]
        user = record.history_user
        entries.append(
            {
                "date": record.history_date,
                "user": (user.get_full_name() or user.get_username()) if user else _("(system)"),
                "object": label or record.instance_type._meta.verbose_name.capitalize(),
                "what": str(record.instance),
                "changes": changes,
                "reason": record.history_change_reason or "",
            }
        )
    return entries


def merge_histories(*groups: list[dict]) -> list[dict]:
    return sorted(itertools.chain(*groups), key=lambda entry: entry["date"], reverse=True)


def _records(model_history, **filters):
    return model_history.filter(**filters).select_related("history_user").order_by("-history_date")


@require_http_methods(["GET"])
def meeting_history(request, slug):
    meeting = editable_meeting(request, slug, "meetings.view_meeting")
    entries = merge_histories(
        history_entries(_records(Meeting.history, id=meeting.pk)),
        history_entries(_records(Participation.history, meeting_id=meeting.pk)),
        history_entries(_records(AgendaItem.history, meeting_id=meeting.pk)),
        history_entries(_records(Reschedule.history, meeting_id=meeting.pk)),
        history_entries(_records(Correction.history, meeting_id=meeting.pk)),
    )
    return render(
        request,
        "members/record_history.html",
        {
            "title": _("History of “%(title)s”") % {"title": meeting},
            "entries": entries,
            "back_url": meeting.get_absolute_url(),
        },
    )
