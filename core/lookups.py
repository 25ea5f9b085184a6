"""
"A column among these ids", written once, explicitly, for the callers that need more than Django's IN:

- `among(ids, field)`: `field = ANY(ARRAY(ids))` on PostgreSQL for a queryset of ids (the ids are
  computed once and the rows read by their index), `field = ANY(%s::bigint[])` for a list of ids
  (one parameter, however many ids: the same SQL for every chunk of an export); elsewhere (SQLite),
  `field__in`. Ids beyond the column's range are left out of a list: they match nothing.
- `fits(field, value)`: whether a value posted for a record's id is one that column can hold (it
  converts, and an integer is within the column's range). Django's own `exact`, `gt`, `lt`…
  lookups answer an integer beyond the range with no rows (IntegerFieldOverflow); its `in` lookup
  sends it to the database driver, which fails (OverflowError on SQLite, "bigint out of range" on
  PostgreSQL). The portal's multiple choice of records (core.forms.RecordsChoiceField) and the admin's
  autocomplete widgets (core.autocomplete) ask it before they look posted ids up, so that an id
  like 99999999999999999999999 is a form error, not a 500. No built-in lookup is overridden.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import BigIntegerField, BooleanField, Expression, F, Func, Model, Q, QuerySet


def fits(field, value, using: str = "default") -> bool:
    """`value` (as posted) converts to `field`'s type and, for an integer column, is within its range."""
    try:
        converted = field.to_python(value)
    except (ValidationError, ValueError, TypeError, OverflowError):
        return False
    if isinstance(converted, int) and not isinstance(converted, bool):
        low, high = connections[using].ops.integer_field_range(field.get_internal_type())
        if (low is not None and converted < low) or (high is not None and converted > high):
            return False
    return True


def id_array_text(ids: Iterable[int]) -> str:
    """Integer ids as a PostgreSQL array's text, `{1,2,3}`: one parameter (cast `::bigint[]`), however many ids."""
    return "{" + ",".join(str(int(pk)) for pk in ids) + "}"


class IdArray(Expression):
    """A list of integer ids as one PostgreSQL array parameter: `%s::bigint[]`, given as the array's text."""

    output_field = ArrayField(BigIntegerField())

    def __init__(self, ids: Iterable[int]):
        super().__init__()
        self.ids = [int(pk) for pk in ids]

    def as_sql(self, compiler, connection):
        # As text: psycopg2 would adapt a list id by id (14 ms for 5 times 2,000 ids).
        return "%s::bigint[]", [id_array_text(self.ids)]


class Any(Func):
    """`lhs = ANY(array)` (PostgreSQL): the array an ArraySubquery of a one-column queryset, or an IdArray."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def among(ids: QuerySet | Iterable[int], field: str = "pk", *, model: type[Model] | None = None, using: str = "") -> Q:
    """
    `field` is one of `ids`: a queryset of one column, or a list of integer ids (then `model`, the
    model whose `field` is compared, and `using`, the database, say which column's range to keep them in).

    As `pk = ANY(ARRAY(ids))` on PostgreSQL: the ids are computed once and the rows read by their
    index. As `pk IN (ids)` PostgreSQL may instead read the whole table, applying every other
    condition of the query (the visibility rule) to each row, and hash-join the ids to it. A list is
    one parameter (`= ANY(%s::bigint[])`): Django's IN gives one per id, hence new SQL for every length.
    Elsewhere (SQLite), `field__in`.
    """
    if isinstance(ids, QuerySet):
        if connections[ids.db].vendor != "postgresql":
            return Q(**{f"{field}__in": ids})
        return Q(Any(F(field), ArraySubquery(ids)))
    if model is None:
        raise TypeError("among() of a list of ids needs the model whose field is compared.")
    using = using or "default"
    target = model._meta.pk if field == "pk" else model._meta.get_field(field)
    kept = [pk for pk in ids if fits(target, pk, using)]
    if connections[using].vendor != "postgresql":
        return Q(**{f"{field}__in": kept})
    return Q(Any(F(field), IdArray(kept)))
