"""
The editing side of the portal, written once: who may edit, and the edit flow every editing page uses.

Access, decided here for every editing page: a user not signed in is sent to sign in and comes
back (whatever the record: the answer says nothing of it); an object the signed-in user may not see
is a 404 (never confirm that it exists); an action on an object they may see but not change is a
403, the portal's page that says what they may do instead (core.errors.permission_denied, which
also sends a user not signed in to sign in).

The flow (`edit_page`): the bound form (and formset) → the service → a message → a redirect. A save
the service refuses (ValidationError) or that came too late (StaleVersionError: someone else saved
the record since the form was opened; StaleListError: the list a formset edits as a whole) comes
back with the user's input, the errors beside the fields and "Nothing was saved" (or the conflict
panel) at the top. Text fields refuse control characters (core.forms.refuse_control_characters).
A GET, a preview or "more rows" only shows the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.forms import refuse_control_characters
from core.locking import StaleListError, StaleVersionError
from core.markdown import render_markdown
from core.roles import is_secretariat

FORM_TEMPLATE = "core/edit_form.html"
CONFIRM_TEMPLATE = "core/edit_confirm.html"
HISTORY_TEMPLATE = "core/record_history.html"
# Buttons that post the form only to show it again (a Markdown preview, more blank rows): nothing is saved.
REDISPLAY_BUTTONS = ("preview", "add_rows")


class Unchanged(str):
    """A save's message when it changed nothing: said as information (role=status), not as a success."""

    __slots__ = ()


def posted(request: HttpRequest):
    """The submitted data on a POST (even an empty one: it is still a submission), else None."""
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest):
    return request.FILES if request.method == "POST" else None


class NotAllowed(PermissionDenied):
    """A 403 that knows the record refused, so that the page can offer to read it instead (core.errors)."""

    def __init__(self, record=None):
        super().__init__()
        self.record = record


def require_sign_in(user) -> None:
    """An editing page is for signed-in users: anyone else is sent to sign in (core.errors), before any lookup."""
    if not user.is_authenticated:
        raise NotAllowed


def require_permission(user, *permissions: str, record=None) -> None:
    """Editing is for the Secretariat and admins holding the permissions; anyone else gets a 403."""
    require_sign_in(user)
    if not is_secretariat(user) or not all(user.has_perm(permission) for permission in permissions):
        raise NotAllowed(record)


def editable(queryset, user, *permissions: str, **lookup):
    """The object of `queryset` matching `lookup` if `user` may see it (else 404) and holds `permissions` (else 403)."""
    require_sign_in(user)
    obj = get_object_or_404(queryset.visible_to(user), **lookup)
    require_permission(user, *permissions, record=obj)
    return obj


def add_validation_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def preview(request: HttpRequest, form, field: str):
    """On a Preview button: `field`'s Markdown rendered as the record will show it (and the form checked)."""
    if request.method == "POST" and "preview" in request.POST:
        # Check the input too, so that errors show beside the fields while previewing.
        form.is_valid()
        return render_markdown(form.data.get(form.add_prefix(field), ""))
    return None


def is_saving(request: HttpRequest) -> bool:
    return request.method == "POST" and not any(button in request.POST for button in REDISPLAY_BUTTONS)


def edit_page(
    request: HttpRequest,
    form,
    *,
    save: Callable[[], Any],
    message: str | Callable[[Any], str],
    title: str = "",
    success_url: Any = None,
    template: str = FORM_TEMPLATE,
    formset=None,
    refused_message: str = "",
    refused_url: Any = None,
    **context,
) -> HttpResponse:
    """
    The one edit flow. On a save, with `form` (and `formset`) valid, call `save()` (the service, which
    may raise ValidationError or StaleVersionError), say `message` (a text, or a function of what
    `save()` returned) and redirect to `success_url` (an object, a URL or URL name, or a function of
    the result; by default the result itself, when it is a record: a service that returns a result
    object needs `success_url`). Otherwise render `template` with the form, `title` and `context`.
    `refused_url`: for a confirmation that has nothing to correct, a refusal by the service is said in
    a message and the user is sent there instead.
    """
    if is_saving(request):
        # Both checked, so that every error shows at once.
        valid = form.is_valid() and refuse_control_characters(form)
        valid = (formset is None or _formset_is_valid(formset)) and valid
        if valid:
            try:
                result = save()
            except StaleVersionError as error:
                _refuse_stale(form, formset, error)
            except ValidationError as error:
                if refused_url is not None:
                    messages.error(request, " ".join(error.messages))
                    return redirect(refused_url)
                add_validation_error(form, error)
            else:
                text = message(result) if callable(message) else message
                messages.add_message(request, messages.INFO if isinstance(text, Unchanged) else messages.SUCCESS, text)
                target = success_url(result) if callable(success_url) else success_url
                return redirect(result if target is None else target)
        _say_nothing_was_saved(request, form, refused_message, formset)
    return render(request, template, {"form": form, "formset": formset, "title": title, **context})


def _formset_is_valid(formset) -> bool:
    valid = formset.is_valid()
    for subform in formset.forms:
        # Rows left empty or being deleted are not saved: their text does not matter.
        deleting = getattr(subform, "cleaned_data", {}).get(DELETION_FIELD_NAME)
        if subform.has_changed() and not deleting:
            valid = refuse_control_characters(subform) and valid
    return valid


def _refuse_stale(form, formset, error: StaleVersionError) -> None:
    """A save that came too late: the form (or the list, for a list saved as a whole) says what changed."""
    if isinstance(error, StaleListError) and formset is not None and hasattr(formset, "refuse_stale"):
        formset.refuse_stale(error)
    else:
        form.refuse_stale(error.current)


def _say_nothing_was_saved(request: HttpRequest, form, refused_message: str, formset=None) -> None:
    # Said at the top too: whoever saved from the bottom of a long form sees why nothing happened.
    conflict = getattr(form, "conflict", None) or getattr(formset, "conflict", None)
    if conflict is not None:
        messages.error(
            request,
            _("Not saved (%(object)s): someone else saved it since you opened the form.")
            % {"object": conflict.verbose_name},
        )
    else:
        messages.error(request, refused_message or _("Nothing was saved: correct the fields marked below."))


def model_form_page(request: HttpRequest, form, *, message: str, **kwargs) -> HttpResponse:
    """`edit_page` for a record its ModelForm saves by itself (no service); `message` names it as %(name)s."""
    return edit_page(request, form, save=form.save, message=lambda record: message % {"name": record}, **kwargs)


def confirm_page(request: HttpRequest, form, *, text: str, cancel_url: str, danger: bool = False, **kwargs):
    """`edit_page` for a confirmation step: the question, what will happen, the button and Cancel."""
    return edit_page(
        request, form, template=CONFIRM_TEMPLATE, text=text, cancel_url=cancel_url, danger=danger, **kwargs
    )


def history_page(request: HttpRequest, *, title: str, back_url: str, entries: list[dict]) -> HttpResponse:
    return render(request, HISTORY_TEMPLATE, {"title": title, "entries": entries, "back_url": back_url})
