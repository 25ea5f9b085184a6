"""
The reader's side of core/notifications.py: the page of e-mail preferences (signed-in users, through
the one edit flow) and the page of an e-mail's unsubscribe link (no sign-in: the signed token is the
proof; GET says what will be turned off, POST — the button, or a mail client's one-click — does it).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core import notifications
from core.editing import edit_page, posted, require_sign_in
from core.forms import form_helper
from core.models import EmailPreferences

PREFERENCES_TEMPLATE = "core/email_preferences.html"
UNSUBSCRIBE_TEMPLATE = "core/email_unsubscribe.html"


class EmailPreferencesForm(forms.Form):
    """A checkbox per registered kind of e-mail, and how they come: one e-mail each or a weekly digest."""

    delivery = forms.ChoiceField(
        label=gettext_lazy("How they come"),
        choices=EmailPreferences.Delivery.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, preferences: EmailPreferences, **kwargs):
        initial = {"delivery": preferences.delivery}
        for kind in notifications.kinds():
            initial[self.field_name(kind)] = notifications.wants(preferences, kind.key)
        super().__init__(*args, initial=initial, **kwargs)
        kind_fields = {}
        for kind in notifications.kinds():
            help_text = str(kind.help)
            if not kind.digest:
                help_text = f"{help_text} {_('Always sent at once, never held for the digest.')}".strip()
            kind_fields[self.field_name(kind)] = forms.BooleanField(
                label=kind.label, help_text=help_text, required=False
            )
        # The kinds first, then how they come.
        self.fields = {**kind_fields, "delivery": self.fields["delivery"]}
        self.helper = form_helper(_("Save my e-mail preferences"))

    @staticmethod
    def field_name(kind) -> str:
        return "kind_" + kind.key.replace(".", "_")

    @property
    def choices(self) -> dict[str, bool]:
        return {kind.key: bool(self.cleaned_data.get(self.field_name(kind))) for kind in notifications.kinds()}


@never_cache
@require_http_methods(["GET", "POST"])
def email_preferences(request):
    """The signed-in user's e-mail preferences."""
    require_sign_in(request.user)
    preferences = notifications.preferences_of(request.user)
    form = EmailPreferencesForm(posted(request), preferences=preferences)
    return edit_page(
        request,
        form,
        save=lambda: notifications.save_preferences(
            user=request.user, choices=form.choices, delivery=form.cleaned_data["delivery"]
        ),
        message=_("Your e-mail preferences are saved."),
        success_url=reverse("email-preferences"),
        title=_("E-mail preferences"),
        template=PREFERENCES_TEMPLATE,
        intro=_("Choose which e-mails the portal sends you, and whether one by one or in a weekly digest."),
    )


# A mail client's one-click POST (RFC 8058) carries no CSRF token: the signed token is the proof.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """An e-mail's unsubscribe link: GET shows what it turns off, POST turns it off and says so."""
    found = notifications.read_token(token)
    if found is None:
        return render(request, UNSUBSCRIBE_TEMPLATE, {"invalid": True}, status=400)
    what = found.kind.label if found.kind else _("every optional e-mail (the digest included)")
    done = False
    if request.method == "POST":
        notifications.turn_off(user=found.user, key=found.kind.key if found.kind else notifications.ALL)
        done = True
        messages.success(request, _("Done: you will no longer receive %(what)s.") % {"what": what})
    return render(
        request,
        UNSUBSCRIBE_TEMPLATE,
        {"what": what, "done": done, "address": found.user.email, "kinds": notifications.kinds()},
    )
