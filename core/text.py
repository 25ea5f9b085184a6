"""
Text hygiene: control characters (NUL, line breaks in a one-line field, escape codes) kept out of
the record at input, and out of every export that older rows may still hold them in.

- Input: every model CharField of the portal's own apps refuses control characters (line breaks,
  NUL, the rest of C0 and DEL; a tab is allowed), every TextField refuses them too, except line
  breaks and tabs. `attach_text_validators()` adds the validators when the apps are ready
  (core.apps), so a field added to any portal model later is covered without a word in its app.
  They run in `full_clean()`, hence in every ModelForm, every admin form and every service; the
  error shows beside the field.
- Query strings: `CleanQueryStringMiddleware` strips control characters from every GET parameter
  (search, filters, the admin's search and autocomplete), so no lookup ever sees a NUL, which
  PostgreSQL refuses with an error.
- Cookies: `DropCookiesWithControlCharactersMiddleware` drops a cookie whose name or value holds one
  (`sessionid="abcdefgh\\000"`, which Django's cookie parser decodes to a NUL) before the session or
  CSRF middleware reads it: as if it had not been sent.
- Paths: `ControlCharactersInPathMiddleware` answers a path with a control character (`/decisions/%00/`)
  with the portal's 404 page before any view reads its parameters: no page has such an address.
- Output: `one_line()` and `multi_line()` clean what rows saved before these rules may hold, for
  the iCalendar, CSV, JSON and PDF exports.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, QueryDict
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# C0 controls and DEL. A tab is allowed everywhere (it reads as a space); line breaks only in texts.
_ONE_LINE_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_MULTI_LINE_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What no address of the portal holds: C0 controls, DEL and the C1 controls (Unicode's "Cc" category).
_PATH_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# What one_line() and multi_line() change: any of the above (a carriage return included).
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
_NOT_MULTI_LINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

_CHARACTER_NAMES = {"\n": _("a line break"), "\r": _("a line break"), "\x00": _("a null character (U+0000)")}


def _describe(character: str):
    return _CHARACTER_NAMES.get(character) or _("the control character U+%(code)04X") % {"code": ord(character)}


@deconstructible
class OneLineValidator:
    """A one-line text: no line break, no NUL, no other control character (a tab is allowed)."""

    code = "control_characters"

    def __call__(self, value):
        found = _ONE_LINE_CONTROLS.search(str(value))
        if found:
            raise ValidationError(
                _("Enter this on one line: it contains %(character)s, which is not allowed here."),
                code=self.code,
                params={"character": _describe(found.group())},
            )

    def __eq__(self, other):
        return isinstance(other, OneLineValidator)


@deconstructible
class TextValidator:
    """A text of several lines: line breaks and tabs, but no NUL or other control character."""

    code = "control_characters"

    def __call__(self, value):
        found = _MULTI_LINE_CONTROLS.search(str(value))
        if found:
            raise ValidationError(
                _("Remove %(character)s from this text: only line breaks and tabs are allowed."),
                code=self.code,
                params={"character": _describe(found.group())},
            )

    def __eq__(self, other):
        return isinstance(other, TextValidator)


def one_line(value) -> str:
    """A one-line text as an export writes it: line breaks become spaces, other controls go."""
    text = "" if value is None else str(value)
    if not _NOT_ONE_LINE.search(text):  # most texts: nothing to replace (an export cleans every row's)
        return text.strip()
    text = _LINE_BREAKS.sub(" ", text).replace("\t", " ")
    return _ANY_CONTROL.sub("", text).strip()


def multi_line(value) -> str:
    """A text of several lines as an export writes it: LF line breaks and tabs kept, other controls gone."""
    text = "" if value is None else str(value)
    if not _NOT_MULTI_LINE.search(text):
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _MULTI_LINE_CONTROLS.sub("", text)


def without_controls(value: str) -> str:
    """A query parameter without control characters (a line break or tab reads as a space)."""
    text = re.sub(r"[\t\n\r]", " ", value)
    return _ANY_CONTROL.sub("", text)


# --- Input: the validators on every text field of the portal's models -------------------------


def portal_app_configs():
    """The portal's own apps: those whose code is in this project, not an installed package."""
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and "site-packages" not in path.parts:
            yield config


def text_validator_for(field: models.Field):
    """The validator a model field gets: one-line for a CharField, multi-line for a TextField, else None."""
    if isinstance(field, models.TextField):
        return TextValidator()
    if isinstance(field, models.CharField):
        return OneLineValidator()
    return None


def attach_text_validators() -> None:
    """
    Give every CharField and TextField of the portal's models its validator (once). Appended to the
    field's `validators` list, not its constructor arguments: migrations do not see it.
    """
    for config in portal_app_configs():
        for model in config.get_models():
            for field in model._meta.get_fields():
                validator = text_validator_for(field)
                if validator is not None and validator not in field.validators:
                    field.validators.append(validator)


# --- Query strings ------------------------------------------------------------------------------


class CleanQueryStringMiddleware:
    """
    Strip control characters from every GET parameter (names and values) before a view reads it:
    `/search/?q=%00` searches for nothing rather than failing in the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lists = list(request.GET.lists())
        if any(
            _ANY_CONTROL.search(key) or any(_ANY_CONTROL.search(value) for value in values) for key, values in lists
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in lists:
                cleaned.setlist(without_controls(key), [without_controls(value) for value in values])
            # Immutable again, as Django gives it to views.
            request.GET = QueryDict(cleaned.urlencode())
        return self.get_response(request)


# --- Cookies ------------------------------------------------------------------------------------


class DropCookiesWithControlCharactersMiddleware:
    """
    Drop every cookie whose name or value holds a control character, before the session, CSRF,
    message and language middleware read them. No cookie the portal sets holds one; a forged session
    cookie with a NUL (`sessionid="abcdefgh\\000ijkl"`) was looked up in PostgreSQL, which refuses it:
    a 500 on every page, also for the public. Such a cookie is treated as not sent.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookies = request.COOKIES  # parsed once per request: every later reader gets this dict
        for name in [name for name, value in cookies.items() if _ANY_CONTROL.search(name + value)]:
            del cookies[name]
        return self.get_response(request)


# --- Paths --------------------------------------------------------------------------------------


class ControlCharactersInPathMiddleware:
    """
    A path with a control character in it is no page of the portal: the 404 page, before any view
    reads its parameters (PostgreSQL refuses a NUL in a lookup: `/decisions/%00/` was a 500, also
    for the public). The check is on the decoded path, so `%00`, `%7F` and `%C2%85` are caught as
    the characters they stand for; a double-encoded `%2500` is the harmless text "%00".

    In `process_view`, after the request middleware: the 404 page is rendered as any other, for the
    user as signed in (the session and authentication middleware have run by then).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _PATH_CONTROLS.search(request.path_info) or _PATH_CONTROLS.search(request.path):
            raise Http404("A control character in the path.")
        return None
