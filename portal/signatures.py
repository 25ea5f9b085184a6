"""
Which PDFs the portal signs (core/signing.py signs): those of a published record — its minutes or public
record PDF and its meeting pack — and nothing else. A draft or circulated record is not official: its
PDFs stay unsigned, so a signed PDF is always an official one. The portal makes no decision PDF (a
decision is read on its page and in the minutes; its documents' files are served as they were uploaded,
never signed by the portal).
"""

from django.utils.translation import gettext as _

from core.signing import sign_pdf
from core.workflow import RecordStatus
from meetings.models import Meeting


def is_official(meeting: Meeting) -> bool:
    """The one rule: a meeting's PDFs are official, and signed, once its record is published."""
    return meeting.status == RecordStatus.PUBLISHED


def sign_if_official(data: bytes, meeting: Meeting, request=None) -> bytes:
    """The PDF `data` of `meeting` signed by the portal if the record is published; else as it is."""
    if not is_official(meeting):
        return data
    return sign_pdf(
        data,
        reason=_("Official record of the IISG Board Portal"),
        location=request.get_host() if request is not None else "",
    )
