"""
A field's choice label (`get_FOO_display()`) read from a table made once per field, not rebuilt per call.

Django's own `get_FOO_display()` builds `dict(make_hashable(field.flatchoices))` on every call, and
hashing each (value, label) pair hashes the label: a lazy translation, so every call translates every
label of the field. A meeting's record shows a role, a level and an attendance for each of its 1,000
participants, a verb for each of 300 decisions: about 5,000 calls, a third of the large meeting's page
(issue 23, bench/README.md). Here each field's table maps the value to its label, kept lazy (translated
when shown, in the language of that request), and is rebuilt if the field's choices are replaced.

Installed on the portal's own models only (the apps at the project's root, beside iisg_portal/), as the method Django
would have put there itself; a model that defines its own `get_FOO_display` keeps it. No class of
Django or of a package is changed (tests/foundation/test_no_global_patches.py).
"""

from functools import partialmethod
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def _label_method(field):
    """A `get_FOO_display()` for `field`: the same answer as Django's, from a table made once."""
    table: list = [None, {}]  # (the choices the table was made from, value -> label)

    def get_display(self):
        choices = field.choices
        if table[0] is not choices:
            table[1] = {make_hashable(value): label for value, label in field.flatchoices}
            table[0] = choices
        value = getattr(self, field.attname)
        return force_str(table[1].get(make_hashable(value), value), strings_only=True)

    get_display.__name__ = f"get_{field.name}_display"
    get_display.__qualname__ = f"{field.model.__qualname__}.{get_display.__name__}"
    get_display.__doc__ = f"The label of {field.name}'s value (core.choices)."
    return get_display


def _default_display(model, name: str) -> bool:
    """Whether the model's `name` is the method Django put there (a partialmethod), not one the model wrote."""
    return isinstance(model.__dict__.get(name), partialmethod)


def install_choice_labels() -> None:
    """Every choice field of the portal's own models gets its label through a table made once (see above)."""
    root = Path(settings.BASE_DIR).resolve()
    for app_config in apps.get_app_configs():
        # The portal's apps sit at the project's root; the packages' (under .venv/ too) are left alone.
        if Path(app_config.path).resolve().parent != root:
            continue
        for model in app_config.get_models():
            for field in model._meta.concrete_fields:
                name = f"get_{field.name}_display"
                if field.choices is not None and field.model is model and _default_display(model, name):
                    setattr(model, name, _label_method(field))
