"""
`/verify/`: is this copy of a record official and current (portal/verification.py)? And a version's page:
what it holds and what changed from the version before (portal/versions.py). Both public; every version
comes through `RecordVersion.objects.visible_to(user)`.
"""

import json

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from core import chain
from core.chain import MIN_DIGEST_PREFIX
from core.forms import form_helper
from core.models import RecordVersion
from meetings.models import Meeting
from portal import verification, versions


class VerifyForm(forms.Form):
    """One of three ways: a PDF, a digest, a reference."""

    pdf = forms.FileField(
        label=_("A PDF of a record"),
        required=False,
        help_text=_("The minutes, the public record or the meeting pack as downloaded, at most 25 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    digest = forms.CharField(
        label=_("Or a SHA-256 digest"),
        required=False,
        max_length=80,
        help_text=_("As printed on the PDF: all 64 characters, or at least the first %(count)s.")
        % {"count": MIN_DIGEST_PREFIX},
    )
    reference = forms.CharField(
        label=_("Or a reference"),
        required=False,
        max_length=300,
        help_text=_("A meeting's address or short name, or a decision's reference (IISG/6/2022/3)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Verify"))

    def clean_pdf(self):
        uploaded = self.cleaned_data.get("pdf")
        if uploaded and uploaded.size > verification.MAX_PDF_BYTES:
            raise forms.ValidationError(_("This file is larger than 25 MB: it is not a record of this portal."))
        return uploaded

    def clean_digest(self):
        text = "".join(self.cleaned_data.get("digest", "").split()).lower()
        if text.startswith("sha-256"):
            text = text[len("sha-256") :]
        if text and (len(text) < MIN_DIGEST_PREFIX or len(text) > 64 or any(c not in "0123456789abcdef" for c in text)):
            raise forms.ValidationError(
                _("A digest is 64 characters 0–9 and a–f; give at least the first %(count)s.")
                % {"count": MIN_DIGEST_PREFIX}
            )
        return text

    def clean(self):
        data = super().clean()
        given = [name for name in ("pdf", "digest", "reference") if data.get(name)]
        if not given and not self.errors:
            raise forms.ValidationError(_("Upload a PDF, paste a digest or type a reference."))
        if len(given) > 1:
            raise forms.ValidationError(_("Give one of the three: a PDF, a digest or a reference."))
        return data


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    answer = None
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            if data.get("pdf"):
                answer = verification.verify_pdf(data["pdf"].read(), request.user)
            elif data.get("digest"):
                answer = verification.verify_digest(data["digest"], request.user)
            else:
                answer = verification.verify_reference(data["reference"], request.user)
    else:
        form = VerifyForm()
    return render(request, "portal/verify.html", {"form": form, "answer": answer})


@require_safe
def meeting_version(request, slug, number):
    """
    One version of a meeting's record, and what changed from the version before: in the chain the reader
    reads on the record (portal.versions.audience_of), or `?chain=public` for a Board member. 404 unless readable.
    """
    audience = request.GET.get("chain", "")
    if audience not in chain.audiences_for(request.user):
        audience = versions.audience_of(request.user)
    meeting_pk = Meeting.objects.filter(slug=slug).values_list("pk", flat=True).first()
    rows = RecordVersion.objects.visible_to(request.user).filter(
        record_kind=versions.MEETING_KIND, record_pk=meeting_pk, audience=audience
    )
    version = rows.filter(number=number).first() if meeting_pk is not None else None
    if version is None:
        raise Http404
    newest = rows.order_by("-number").first()
    if audience == chain.PUBLIC and newest.state != RecordVersion.State.PUBLISHED:
        # Withdrawn: its text is no longer the public's, in no version (/verify/ says only when).
        raise Http404
    previous = rows.filter(number=number - 1).first()
    content = json.loads(version.content)
    context = {
        "slug": slug,
        "title": content.get("meeting", {}).get("title", ""),
        "time_zone": content.get("meeting", {}).get("time_zone") or None,
        "version": version,
        "previous": previous,
        "newest": newest,
        "changes": versions.changes(previous, version) if previous else [],
        "verify_url": reverse("portal:verify"),
    }
    return render(request, "portal/meeting_version.html", context)
