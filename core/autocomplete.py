"""
The admin's autocomplete widgets, safe with any posted value.

A change form posted with a value its autocomplete field cannot take (``organisation=abc``, where
ids are numbers) is refused by the form field ("Select a valid choice"), and the form is shown again
with the value as posted. Django's AutocompleteMixin.optgroups then looks that value up in the
database as it is, and the lookup raises (ValueError): a 500 instead of the form error. Every admin
form of every app has these widgets, so the fix is made once, on the widget, when the apps are ready
(core.apps): values the related field cannot convert are left out of that lookup (they match no
record anyway), and the form shows its error.
"""

from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import ValidationError


def _target_field(widget):
    remote = widget.field.remote_field
    name = getattr(remote, "field_name", None) or remote.model._meta.pk.name
    return remote.model._meta.get_field(name)


def _acceptable(widget, value) -> bool:
    try:
        _target_field(widget).to_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    return True


def make_autocomplete_safe() -> None:
    """Wrap AutocompleteMixin.optgroups (once) so that it looks up only values its field can take."""
    original = AutocompleteMixin.optgroups
    if getattr(original, "portal_safe", False):
        return

    def optgroups(self, name, value, attr=None):
        return original(self, name, [item for item in value if _acceptable(self, item)], attr)

    optgroups.portal_safe = True
    AutocompleteMixin.optgroups = optgroups
