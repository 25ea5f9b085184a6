"""
Stored web addresses as they are printed: http and https only.

A link typed in a form is checked there (meetings.models.WebAddressField refuses `javascript:`), but a
row saved before that rule, by a script or through another way in may hold any text, and
`<a href="javascript:…">` runs in the reader's page. Every place that prints a stored address — the
pages, the PDF, the iCalendar feeds, the data exports — passes it through `web_url()` (in templates,
`{{ value|web_url }}`): the address if it is an http or https one, else "" (no link: the page shows
the text alone). The admin's input for a link is `WebAddressAdminWidget`. Browsers ignore leading
controls and spaces and drop tabs and line breaks anywhere before they read the scheme
(" java<tab>script:" is `javascript:`): an address with a control character or a space inside is not
printed at all.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.contrib.admin.widgets import AdminURLFieldWidget

WEB_SCHEMES = frozenset({"http", "https"})
# Controls (C0, DEL, C1) and white space of any script: no address holds them unencoded.
_NOT_IN_AN_ADDRESS = re.compile(r"[\x00-\x20\x7f-\x9f\s]")


def web_url(value) -> str:
    """`value` if it is an http or https address (with a host), without surrounding spaces; else ""."""
    text = "" if value is None else str(value).strip(" ")
    if not text or _NOT_IN_AN_ADDRESS.search(text):
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:  # "http://[::1": an unclosed IPv6 bracket
        return ""
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return ""
    return text


class WebAddressAdminWidget(AdminURLFieldWidget):
    """The admin's input for a link, whose "Currently:" link is shown only for an http or https address."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Django's own check takes ftp: too (a javascript: it already shows as text only).
        if not web_url(value):
            context["url_valid"] = False
            context["widget"]["href"] = ""
        return context
