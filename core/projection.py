"""
Public projections of records: the columns a reader may not read are never selected, nor loaded later.

A model lists the fields it withholds from the public (`withheld_fields`); its QuerySet's public
projection defers them (`.defer(*Model.withheld_fields)`), so the database does not even send them.
Django would load a deferred field on first access (through refresh_from_db); WithholdingMixin
refuses that instead, so a page that reads such a field for the public fails loudly rather than
fetching it.
"""


class WithheldFieldError(LookupError):
    """A field withheld from this reader (deferred by a public projection) was read."""


class WithholdingMixin:
    """For a model whose `withheld_fields` the public may not read: deferred for it, and never loaded."""

    withheld_fields: tuple[str, ...] = ()

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        # Django loads a deferred field through refresh_from_db(fields=[<attname>]): refuse the withheld ones.
        withheld = {self._meta.get_field(name).attname for name in self.withheld_fields}
        refused = set(fields or ()) & withheld & self.get_deferred_fields()
        if refused:
            raise WithheldFieldError(
                f"{type(self).__name__}.{', '.join(sorted(refused))} is withheld from this reader (public projection)."
            )
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
