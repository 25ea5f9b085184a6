"""
The admin's autocomplete widgets, safe with any posted value.

A change form posted with a value its autocomplete field cannot take (``organisation=abc``, where
ids are numbers, or an id beyond the column's range) is refused by the form field ("Select a valid
choice"), and the form is shown again with the value as posted. Django's AutocompleteMixin.optgroups
then looks that value up in the database as it is, and the lookup raises (ValueError, or the
driver's OverflowError): a 500 instead of the form error. These widgets leave such values out of
that lookup (they match no record anyway), and the form shows its error.

The portal's admin classes get them through `SafeAutocompleteAdminMixin` (core.admin.PortalAdmin and
the portal's inlines): every autocomplete field of theirs is one of these widgets, and every multiple
choice of records a core.forms.RecordsChoiceField. Django's own classes are left as they are.
"""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db import router

from core.forms import RecordsChoiceField
from core.lookups import fits


class SafeAutocompleteMixin:
    """Looks up, for the selected options, only the posted values the related field can take."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        using = self.db or router.db_for_read(remote.model)
        return super().optgroups(name, [item for item in value if fits(target, item, using)], attr)


class SafeAutocompleteSelect(SafeAutocompleteMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(SafeAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteAdminMixin:
    """
    For a ModelAdmin or an inline: its autocomplete fields are the safe widgets, and its many-to-many
    fields RecordsChoiceFields (an id beyond the column's range is a form error).
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", RecordsChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
