"""The steps on a meeting's papers: frozen inputs, explicit results, one transaction each."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from decisions.models import Document, DocumentFile, DocumentKind, MeetingPaper
from decisions.services import add_document_version, save_document
from meetings.models import AgendaItem, Meeting
from meetings.services import check_correction_reason, record_correction_if_published


@dataclass(frozen=True, kw_only=True)
class AddPaper:
    """Put `document` before `meeting`, or a new document (`title`, `kind`) with `uploaded_file`."""

    meeting: Meeting
    document: Document | None = None
    title: str = ""
    kind: DocumentKind | None = None
    uploaded_file: object = None
    agenda_item: AgendaItem | None = None
    correction_reason: str = ""
    user: AbstractBaseUser | None = None


@dataclass(frozen=True, kw_only=True)
class PaperAdded:
    paper: MeetingPaper
    document: Document
    created_document: bool
    file_version: DocumentFile | None


@transaction.atomic
def add_paper(command: AddPaper) -> PaperAdded:
    meeting = command.meeting
    check_correction_reason(meeting=meeting, reason=command.correction_reason)
    if command.agenda_item is not None and command.agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("Choose an item of this meeting's agenda.")})
    document, created = command.document, False
    if document is None:
        if not command.title.strip():
            raise ValidationError({"title": _("Give the new document's title, or choose an existing document.")})
        if command.uploaded_file is None:
            raise ValidationError({"file": _("Upload the new document's file.")})
        document = save_document(
            document=Document(title=command.title.strip(), kind=command.kind or _default_kind()),
            expected_version=None,
            user=command.user,
        )
        created = True
    elif MeetingPaper.objects.filter(meeting=meeting, document=document).exists():
        raise ValidationError({"document": _("This document is already a paper of this meeting.")})
    version = None
    if command.uploaded_file is not None:
        version = add_document_version(document=document, uploaded_file=command.uploaded_file, user=command.user)
    # Lock the meeting's papers: two editors adding at once must not take the same place.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    last = MeetingPaper.objects.filter(meeting=meeting).aggregate(Max("order"))["order__max"] or 0
    paper = MeetingPaper(
        meeting=meeting, document=document, agenda_item=command.agenda_item, order=last + 1, added_by=command.user
    )
    paper.full_clean()
    paper.save()
    record_correction_if_published(meeting=meeting, reason=command.correction_reason, user=command.user)
    return PaperAdded(paper=paper, document=document, created_document=created, file_version=version)


def _default_kind() -> DocumentKind:
    kind = DocumentKind.objects.filter(slug="other").first() or DocumentKind.objects.order_by("order").first()
    if kind is None:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    return kind


@dataclass(frozen=True, kw_only=True)
class RemovePaper:
    paper: MeetingPaper
    correction_reason: str = ""
    user: AbstractBaseUser | None = None


@transaction.atomic
def remove_paper(command: RemovePaper) -> Document:
    """Take a paper off the meeting; the document itself stays (with its files and other links)."""
    meeting = command.paper.meeting
    check_correction_reason(meeting=meeting, reason=command.correction_reason)
    document = command.paper.document
    command.paper.delete()
    record_correction_if_published(meeting=meeting, reason=command.correction_reason, user=command.user)
    return document
