"""
The Secretariat's editing pages for decisions and their outcomes, documents and action items. Each
is the portal's one edit flow (core.editing.edit_page): form → service → message → redirect. A
record the user may not see is a 404; one they may see but not change, a 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import history
from core.editing import edit_page, editable, history_page, posted, posted_files, require_permission
from decisions import services
from decisions.effect_forms import EFFECT_FORMS, EffectForm
from decisions.forms import (
    DECISION_DETAIL_FIELDS,
    ActionItemForm,
    DecisionForm,
    DocumentForm,
    DocumentUploadForm,
    OutcomeForm,
    outcome_form,
)
from decisions.models import ActionItem, Decision, Document, DocumentFile, ProgressNote
from meetings import readiness
from meetings.models import Meeting

RECORD_DECISION = ("meetings.change_meeting", "decisions.add_decision")

# --- Decisions ----------------------------------------------------------------------------------


def _decisions_url(meeting: Meeting) -> str:
    return reverse("decisions-edit:meeting-decisions", args=[meeting.slug])


def _after_outcome(request, meeting: Meeting):
    """After recording a decision: the next step on "Save and continue", the list on "another", else the record."""
    return readiness.after_save(
        request,
        meeting,
        "outcomes",
        lambda result: _decisions_url(meeting) if "save_and_add" in request.POST else meeting,
    )


@require_http_methods(["GET"])
def meeting_decisions(request, slug):
    """The outcomes step: the meeting's decisions, and a button for each kind of outcome."""
    meeting = editable(Meeting.objects, request.user, *RECORD_DECISION, slug=slug)
    return render(
        request,
        "decisions/meeting_decisions.html",
        {
            "meeting": meeting,
            "title": _("Decisions — %(meeting)s") % {"meeting": meeting},
            "decisions": meeting.decisions.order_by("sequence"),
            "progress": readiness.PATH.progress(meeting, "outcomes"),
        },
    )


@require_http_methods(["GET", "POST"])
def decision_create(request, slug):
    meeting = editable(Meeting.objects, request.user, *RECORD_DECISION, slug=slug)
    decision = Decision(meeting=meeting, sequence=services.next_sequence(meeting))
    initial = {"agenda_item": request.GET.get("agenda_item")} if request.GET.get("agenda_item", "").isdigit() else {}
    form = DecisionForm(posted(request), instance=decision, initial=initial)
    return edit_page(
        request,
        form,
        save=lambda: services.record_decision(
            meeting=meeting,
            **{name: form.cleaned_data[name] for name in ("reference", "verb", "subject", "wording", "agenda_item")},
            **{name: form.cleaned_data[name] for name in DECISION_DETAIL_FIELDS},
            correction_reason=form.reason_given,
            user=request.user,
        ),
        message=lambda decision: _("Decision %(reference)s recorded.") % {"reference": decision.reference},
        success_url=_after_outcome(request, meeting),
        title=_("New decision — %(meeting)s") % {"meeting": meeting},
        progress=readiness.PATH.progress(meeting, "outcomes"),
        add_another=_("Save and record another decision"),
        intro=_(
            "For a decision that admits members, adopts documents, gives a post (appoints someone, names a host "
            "or a lead partner) or agrees an action, use the outcome helpers: they record the decision and its "
            "effect in one step."
        ),
        cancel_url=meeting.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def decision_edit(request, pk):
    decision = editable(Decision.objects.select_related("meeting"), request.user, "decisions.change_decision", pk=pk)
    if decision.procedure_id:
        # A written procedure's decision is what its procedure says (decisions.procedures): no meeting form.
        messages.info(request, _("This decision was taken by written procedure: its record is the procedure's."))
        return redirect(decision.procedure)
    # The heading names the record as saved: validating the form writes the input into `decision`.
    title = _("Edit decision %(reference)s") % {"reference": decision.reference}
    form = DecisionForm(posted(request), instance=decision)
    return edit_page(
        request,
        form,
        save=lambda: services.update_decision(
            decision=form.save(commit=False),
            expected_version=form.expected_version,
            concerns_organisations=form.cleaned_data["concerns_organisations"],
            concerns_people=form.cleaned_data["concerns_people"],
            correction_reason=form.reason_given,
            user=request.user,
        ),
        message=lambda decision: _("Decision %(reference)s saved.") % {"reference": decision.reference},
        title=title,
        cancel_url=decision.get_absolute_url(),
    )


@require_http_methods(["GET"])
def decision_history(request, pk):
    decision = editable(Decision.objects, request.user, "decisions.view_decision", "decisions.change_decision", pk=pk)
    return history_page(
        request,
        title=_("History of decision %(reference)s") % {"reference": decision.reference},
        back_url=decision.get_absolute_url(),
        entries=history.merged_history(
            history.records(Decision.history, id=decision.pk),
            history.records(ActionItem.history, decision_id=decision.pk),
        ),
    )


# --- Outcome helpers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """An outcome helper: the decision's fields with an effect's form (decisions.effect_forms)."""

    effect_form: type[EffectForm]

    @property
    def form(self) -> type[OutcomeForm]:
        return outcome_form(self.effect_form)

    @property
    def permissions(self) -> tuple[str, ...]:
        return self.effect_form.permissions


# One per kind of effect, by the name of its URL (decisions-edit:admit-members, …).
OUTCOMES = {form.url_name: Outcome(form) for form in EFFECT_FORMS.values()}


@require_http_methods(["GET", "POST"])
def record_outcome(request, slug, outcome: str):
    """Any outcome helper of OUTCOMES: the decision and its effect on the registers, in one step."""
    outcome = OUTCOMES[outcome]
    meeting = editable(Meeting.objects, request.user, *RECORD_DECISION, *outcome.permissions, slug=slug)
    form = outcome.form(posted(request), posted_files(request), meeting=meeting)
    effect_form = outcome.effect_form
    return edit_page(
        request,
        form,
        formset=form.formset,
        save=lambda: services.record_outcome(
            services.OutcomeInput(
                meeting=meeting,
                decision=form.decision_spec(),
                effect=form.effect(),
                correction_reason=form.reason_given,
                user=request.user,
            )
        ),
        message=lambda result: result.effect.done_message(result.decision, list(result.created)),
        success_url=_after_outcome(request, meeting),
        title=f"{effect_form.title} — {meeting}",
        progress=readiness.PATH.progress(meeting, "outcomes"),
        add_another=_("Save and record another decision"),
        intro=effect_form.intro,
        cancel_url=meeting.get_absolute_url(),
    )


# --- Documents ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def document_create(request):
    require_permission(request.user, "decisions.add_document")
    form = DocumentForm(posted(request), instance=Document())
    return _document_form(request, form, title=_("New document"))


@require_http_methods(["GET", "POST"])
def document_edit(request, slug):
    document = editable(Document.objects, request.user, "decisions.change_document", slug=slug)
    title = _("Edit: %(title)s") % {"title": document}  # as saved, before the input is validated into it
    form = DocumentForm(posted(request), instance=document)
    return _document_form(request, form, title=title, cancel_url=document.get_absolute_url())


def _document_form(request, form: DocumentForm, **context):
    is_new = form.instance.pk is None
    return edit_page(
        request,
        form,
        save=lambda: services.save_document(
            document=form.save(commit=False),
            pillars=form.cleaned_data["pillars"],
            expected_version=form.expected_version,
            user=request.user,
        ),
        message=lambda document: (
            (_("Document “%(title)s” created. Upload its file next.") if is_new else _("Document “%(title)s” saved."))
            % {"title": document}
        ),
        # A new document goes on to its first file.
        success_url=(lambda document: reverse("decisions-edit:document-upload", args=[document.slug]))
        if is_new
        else None,
        **context,
    )


def _upload_url(document: Document) -> str:
    return reverse("decisions-edit:document-upload", args=[document.slug])


@require_http_methods(["GET", "POST"])
def document_upload(request, slug):
    document = editable(Document.objects, request.user, "decisions.add_documentfile", slug=slug)
    form = DocumentUploadForm(posted(request), posted_files(request))
    return edit_page(
        request,
        form,
        save=lambda: services.add_document_version(
            document=document, uploaded_file=form.cleaned_data["file"], user=request.user
        ),
        message=lambda version: (
            _("Version %(number)s of “%(title)s” uploaded; earlier versions are kept.")
            % {"number": version.number, "title": document}
        ),
        success_url=document,
        template="decisions/document_upload.html",
        title=_("Upload a new version: %(title)s") % {"title": document},
        cancel_url=document.get_absolute_url(),
        versions=document.files.all(),
    )


@require_http_methods(["GET"])
def document_history(request, slug):
    document = editable(Document.objects, request.user, "decisions.change_document", slug=slug)
    return history_page(
        request,
        title=_("History of “%(title)s”") % {"title": document},
        back_url=document.get_absolute_url(),
        entries=history.merged_history(
            history.records(Document.history, id=document.pk),
            history.records(DocumentFile.history, document_id=document.pk),
        ),
    )


# --- Action items -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    action = editable(ActionItem.objects.select_related("meeting"), request.user, "decisions.change_actionitem", pk=pk)
    form = ActionItemForm(posted(request), instance=action)
    return edit_page(
        request,
        form,
        save=lambda: services.update_action_item(
            action=action,
            **{name: form.cleaned_data[name] for name in ("status", "due_date", "note")},
            expected_version=form.expected_version,
            user=request.user,
        ),
        message=_("Action item updated."),
        success_url=action,
        template="decisions/action_edit.html",
        title=_("Update the action: %(action)s") % {"action": action},
        cancel_url=action.get_absolute_url(),
        progress_notes=ProgressNote.objects.filter(action_item=action).select_related("created_by"),
    )
