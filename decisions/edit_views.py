"""
The Secretariat's editing pages for decisions and their outcomes, documents and action items.
Thin: form → service → message → redirect. A record the user may not see is a 404; one they may
see but not change, a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from decisions import services
from decisions.forms import (
    ActionItemForm,
    ActionOutcomeForm,
    AdmitMembersForm,
    AppointmentOutcomeForm,
    DecisionForm,
    DocumentForm,
    DocumentsOutcomeForm,
    DocumentUploadForm,
    EndMembershipOutcomeForm,
)
from decisions.models import ActionItem, Decision, Document, DocumentFile, ProgressNote
from meetings.edit_views import editable_meeting, history_entries, merge_histories
from members.edit_views import add_validation_error, posted, posted_files, render_form, require_permission
from members.forms import NewOrganisationFormSet, form_helper
from members.locking import StaleVersionError
from members.models import Organisation


def _editable(request, queryset, permission: str, **lookup):
    obj = get_object_or_404(queryset.visible_to(request.user), **lookup)
    require_permission(request.user, permission)
    return obj


# --- Decisions ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def decision_create(request, slug):
    meeting = editable_meeting(request, slug, "meetings.change_meeting", "decisions.add_decision")
    decision = Decision(meeting=meeting, sequence=services.next_sequence(meeting))
    initial = {"agenda_item": request.GET.get("agenda_item")} if request.GET.get("agenda_item", "").isdigit() else {}
    form = DecisionForm(posted(request), instance=decision, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.record_decision(
                meeting=meeting,
                reference=form.cleaned_data["reference"],
                verb=form.cleaned_data["verb"],
                subject=form.cleaned_data["subject"],
                wording=form.cleaned_data["wording"],
                agenda_item=form.cleaned_data["agenda_item"],
                correction_reason=form.reason_given,
                user=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Decision %(reference)s recorded.") % {"reference": decision.reference})
            return redirect(meeting)
    return render_form(
        request,
        form,
        title=_("New decision — %(meeting)s") % {"meeting": meeting},
        intro=_(
            "For a decision that admits members, adopts documents, appoints someone or agrees an action, "
            "use the outcome helpers: they record the decision and its effect in one step."
        ),
        cancel_url=meeting.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def decision_edit(request, pk):
    decision = _editable(request, Decision.objects.select_related("meeting"), "decisions.change_decision", pk=pk)
    # The heading names the record as saved: validating the form writes the input into `decision`.
    title = _("Edit decision %(reference)s") % {"reference": decision.reference}
    form = DecisionForm(posted(request), instance=decision)
    if request.method == "POST" and form.is_valid():
        decision = form.save(commit=False)
        try:
            services.update_decision(
                decision=decision,
                expected_version=form.expected_version,
                correction_reason=form.reason_given,
                user=request.user,
            )
        except StaleVersionError as error:
            form.refuse_stale(error.current)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Decision %(reference)s saved.") % {"reference": decision.reference})
            return redirect(decision)
    return render_form(
        request,
        form,
        title=title,
        cancel_url=decision.get_absolute_url(),
    )


@require_http_methods(["GET"])
def decision_history(request, pk):
    decision = _editable(request, Decision.objects, "decisions.view_decision", pk=pk)
    require_permission(request.user, "decisions.change_decision")
    records = Decision.history.filter(id=decision.pk).select_related("history_user").order_by("-history_date")
    actions = ActionItem.history.filter(decision_id=decision.pk).select_related("history_user")
    return render(
        request,
        "members/record_history.html",
        {
            "title": _("History of decision %(reference)s") % {"reference": decision.reference},
            "entries": merge_histories(history_entries(records), history_entries(actions)),
            "back_url": decision.get_absolute_url(),
        },
    )


# --- Outcome helpers ----------------------------------------------------------------------------


def _outcome(request, slug, form_class, *, title: str, intro: str, perform, permissions=(), formset=None):
    meeting = editable_meeting(request, slug, "meetings.change_meeting", "decisions.add_decision", *permissions)
    form = form_class(posted(request), posted_files(request), meeting=meeting)
    bound_formset = None
    if formset is not None:
        bound_formset = formset(posted(request), queryset=Organisation.objects.none(), prefix="new")
    if request.method == "POST":
        valid = form.is_valid()
        valid = (bound_formset is None or bound_formset.is_valid()) and valid
        if valid:
            try:
                message = perform(meeting, form, bound_formset)
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, message)
                return redirect(meeting)
    return render_form(
        request,
        form,
        title=f"{title} — {meeting}",
        intro=intro,
        cancel_url=meeting.get_absolute_url(),
        formset=bound_formset,
        formset_title=_("New organisations") if formset else "",
        formset_help=_("Fill in a row for each organisation not in the list above; leave the others empty."),
        formset_item_label=_("New organisation"),
        formset_helper=form_helper(None),
    )


@require_http_methods(["GET", "POST"])
def admit_members(request, slug):
    def perform(meeting, form, formset):
        new_organisations = [
            sub.save(commit=False) for sub in formset.forms if sub.has_changed() and sub.cleaned_data.get("name")
        ]
        decision, memberships = services.admit_members(
            meeting=meeting,
            decision=form.decision_spec(),
            organisations=list(form.cleaned_data["organisations"]),
            new_organisations=new_organisations,
            category=form.cleaned_data["category"],
            since=form.cleaned_data["since"],
            correction_reason=form.reason_given,
            user=request.user,
        )
        return _("Decision %(reference)s: %(members)s admitted.") % {
            "reference": decision.reference,
            "members": ", ".join(str(m.organisation) for m in memberships),
        }

    return _outcome(
        request,
        slug,
        AdmitMembersForm,
        title=_("Admit members"),
        intro=_("Memberships start on the meeting's date and show the decision that admitted them."),
        perform=perform,
        permissions=("members.add_membership", "members.add_organisation"),
        formset=NewOrganisationFormSet,
    )


@require_http_methods(["GET", "POST"])
def end_membership(request, slug):
    def perform(meeting, form, _formset):
        decision, membership = services.decide_membership_end(
            meeting=meeting,
            decision=form.decision_spec(),
            membership=form.cleaned_data["membership"],
            until=form.cleaned_data["until"],
            note=form.cleaned_data["note"],
            correction_reason=form.reason_given,
            user=request.user,
        )
        return _("Decision %(reference)s: the membership “%(membership)s” ends.") % {
            "reference": decision.reference,
            "membership": membership,
        }

    return _outcome(
        request,
        slug,
        EndMembershipOutcomeForm,
        title=_("End a membership"),
        intro=_("The membership stays on record with its end date and the decision; nothing is deleted."),
        perform=perform,
        permissions=("members.change_membership",),
    )


@require_http_methods(["GET", "POST"])
def approve_documents(request, slug):
    def perform(meeting, form, _formset):
        decision, documents = services.approve_documents(
            meeting=meeting,
            decision=form.decision_spec(),
            documents=list(form.cleaned_data["documents"]),
            new_document=form.new_document(),
            new_document_pillars=list(form.cleaned_data["new_pillars"]),
            uploaded_file=form.cleaned_data.get("file"),
            correction_reason=form.reason_given,
            user=request.user,
        )
        return _("Decision %(reference)s recorded on %(documents)s.") % {
            "reference": decision.reference,
            "documents": "; ".join(str(d) for d in documents),
        }

    return _outcome(
        request,
        slug,
        DocumentsOutcomeForm,
        title=_("Endorse, adopt or approve documents"),
        intro=_("Each document then shows by which decision, at which meeting, the Board acted on it."),
        perform=perform,
        permissions=("decisions.add_document",),
    )


@require_http_methods(["GET", "POST"])
def appoint(request, slug):
    def perform(meeting, form, _formset):
        data = form.cleaned_data
        decision, appointment = services.appoint_person(
            meeting=meeting,
            decision=form.decision_spec(),
            person=data["person"],
            post=data["post"],
            organisation=data["post_organisation"],
            kind=data["kind"],
            start=data["start"],
            end=data["end"],
            note=data["note"],
            correction_reason=form.reason_given,
            user=request.user,
        )
        return _("Decision %(reference)s: %(appointment)s recorded.") % {
            "reference": decision.reference,
            "appointment": appointment,
        }

    return _outcome(
        request,
        slug,
        AppointmentOutcomeForm,
        title=_("Appoint, or extend a mandate"),
        intro=_("The appointment is recorded with its term and the decision that made it."),
        perform=perform,
        permissions=("members.add_appointment",),
    )


@require_http_methods(["GET", "POST"])
def agree_action(request, slug):
    def perform(meeting, form, _formset):
        data = form.cleaned_data
        action = services.agree_action(
            meeting=meeting,
            decision=form.decision_spec(),
            description=data["description"],
            owner_organisation=data["owner_organisation"],
            owner_person=data["owner_person"],
            due_date=data["due_date"],
            correction_reason=form.reason_given,
            user=request.user,
        )
        return _("Action recorded: %(action)s") % {"action": action}

    return _outcome(
        request,
        slug,
        ActionOutcomeForm,
        title=_("Agree an action"),
        intro=_("The action item is followed up on /actions/, linked to the decision that asked for it."),
        perform=perform,
        permissions=("decisions.add_actionitem",),
    )


# --- Documents ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def document_create(request):
    require_permission(request.user, "decisions.add_document")
    form = DocumentForm(posted(request), instance=Document())
    if request.method == "POST" and form.is_valid():
        document = form.save(commit=False)
        services.save_document(
            document=document, pillars=list(form.cleaned_data["pillars"]), expected_version=None, user=request.user
        )
        messages.success(request, _("Document “%(title)s” created. Upload its file next.") % {"title": document})
        return redirect("decisions-edit:document-upload", document.slug)
    return render_form(request, form, title=_("New document"))


@require_http_methods(["GET", "POST"])
def document_edit(request, slug):
    document = _editable(request, Document.objects, "decisions.change_document", slug=slug)
    title = _("Edit: %(title)s") % {"title": document}  # as saved, before the input is validated into it
    form = DocumentForm(posted(request), instance=document)
    if request.method == "POST" and form.is_valid():
        document = form.save(commit=False)
        try:
            services.save_document(
                document=document,
                pillars=list(form.cleaned_data["pillars"]),
                expected_version=form.expected_version,
                user=request.user,
            )
        except StaleVersionError as error:
            form.refuse_stale(error.current)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Document “%(title)s” saved.") % {"title": document})
            return redirect(document)
    return render_form(request, form, title=title, cancel_url=document.get_absolute_url())


@require_http_methods(["GET", "POST"])
def document_upload(request, slug):
    document = _editable(request, Document.objects, "decisions.add_documentfile", slug=slug)
    form = DocumentUploadForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        try:
            version = services.add_document_version(
                document=document, uploaded_file=form.cleaned_data["file"], user=request.user
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Version %(number)s of “%(title)s” uploaded; earlier versions are kept.")
                % {"number": version.number, "title": document},
            )
            return redirect(document)
    return render_form(
        request,
        form,
        title=_("Upload a new version: %(title)s") % {"title": document},
        cancel_url=document.get_absolute_url(),
        versions=document.files.all(),
    )


@require_http_methods(["GET"])
def document_history(request, slug):
    document = _editable(request, Document.objects, "decisions.change_document", slug=slug)
    records = Document.history.filter(id=document.pk).select_related("history_user").order_by("-history_date")
    files = DocumentFile.history.filter(document_id=document.pk).select_related("history_user")
    return render(
        request,
        "members/record_history.html",
        {
            "title": _("History of “%(title)s”") % {"title": document},
            "entries": merge_histories(history_entries(records), history_entries(files)),
            "back_url": document.get_absolute_url(),
        },
    )


# --- Action items -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    action = _editable(request, ActionItem.objects.select_related("meeting"), "decisions.change_actionitem", pk=pk)
    form = ActionItemForm(posted(request), instance=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_action_item(
                action=action,
                status=form.cleaned_data["status"],
                due_date=form.cleaned_data["due_date"],
                note=form.cleaned_data["note"],
                user=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Action item updated."))
            return redirect(action)
    return render_form(
        request,
        form,
        title=_("Update the action: %(action)s") % {"action": action},
        cancel_url=action.get_absolute_url(),
        progress_notes=ProgressNote.objects.filter(action_item=action).select_related("created_by"),
    )
