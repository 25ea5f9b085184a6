"""The Secretariat's page of a meeting's papers (the one edit flow: core.editing)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.editing import confirm_page, edit_page, editable, posted, posted_files
from decisions.models import MeetingPaper
from decisions.papers import services
from decisions.papers.forms import AddPaperForm
from meetings import readiness
from meetings.forms import CorrectionReasonForm
from meetings.models import Meeting

PAPERS = ("meetings.change_meeting", "decisions.add_document", "decisions.change_document")


def _papers_url(meeting: Meeting) -> str:
    return reverse("decisions-edit:meeting-papers", args=[meeting.slug])


def _paper_added_message(meeting: Meeting, document) -> str:
    if meeting.status == Meeting.Status.DRAFT and meeting.announced_at is not None:
        # Meeting.objects.prepared_for: Board members prepare an announced meeting with its papers.
        return _("Paper “%(title)s” added: Board members read it now, to prepare for the meeting.") % {
            "title": document
        }
    return _("Paper “%(title)s” added: Board members read it with the record once it is circulated.") % {
        "title": document
    }


@require_http_methods(["GET", "POST"])
def meeting_papers(request, slug):
    meeting = editable(Meeting.objects, request.user, *PAPERS, slug=slug)
    form = AddPaperForm(posted(request), posted_files(request), meeting=meeting)
    return edit_page(
        request,
        form,
        save=lambda: services.add_paper(
            services.AddPaper(
                meeting=meeting,
                document=form.cleaned_data["document"],
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
                agenda_item=form.cleaned_data["agenda_item"],
                correction_reason=form.reason_given,
                user=request.user,
            )
        ),
        message=lambda added: _paper_added_message(meeting, added.document),
        success_url=readiness.after_save(request, meeting, "papers", _papers_url(meeting)),
        template="decisions/meeting_papers.html",
        title=_("Papers — %(meeting)s") % {"meeting": meeting},
        intro=_(
            "The documents put before the meeting, under an agenda item or for the meeting as a whole. Board "
            "members read them with the record; the public does not."
        ),
        cancel_url=meeting.get_absolute_url(),
        meeting=meeting,
        papers=meeting.papers.select_related("document", "agenda_item").order_by(
            "agenda_item__position", "order", "id"
        ),
        progress=readiness.PATH.progress(meeting, "papers"),
    )


@require_http_methods(["GET", "POST"])
def paper_remove(request, slug, pk):
    meeting = editable(Meeting.objects, request.user, *PAPERS, slug=slug)
    paper = get_object_or_404(MeetingPaper.objects.select_related("document"), meeting=meeting, pk=pk)
    paper.meeting = meeting
    form = CorrectionReasonForm(posted(request), meeting=meeting)
    form.helper.submit_label = _("Remove the paper")
    return confirm_page(
        request,
        form,
        save=lambda: services.remove_paper(
            services.RemovePaper(paper=paper, correction_reason=form.reason_given, user=request.user)
        ),
        message=lambda document: (
            _("“%(title)s” is no longer a paper of this meeting. The document itself stays.") % {"title": document}
        ),
        success_url=_papers_url(meeting),
        title=_("Remove “%(title)s” from the papers?") % {"title": paper.document},
        text=_("The document and its files stay in the documents; only its place among this meeting's papers goes."),
        cancel_url=_papers_url(meeting),
        danger=True,
    )
