"""
`integer_field__in=[…]` with a number beyond the column's range matches nothing, as Django's own
`exact`, `gt`, `lt`… lookups already do (IntegerFieldOverflow), instead of failing in the database
driver (OverflowError on SQLite, "bigint out of range" on PostgreSQL). A form with a multiple choice
of records (ModelMultipleChoiceField, the admin's autocomplete) posted an id like 1e30 was a 500.
Registered on IntegerField (and so on every auto and big integer field) when this module is imported,
by core.apps.

Also `among()`: a column among the ids of a subquery, in the form PostgreSQL reads by index.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, F, Func, IntegerField, Q, QuerySet
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            kept = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
            if not kept and self.rhs:
                raise EmptyResultSet
            self.rhs = kept
        return super().process_rhs(compiler, connection)


def among(ids: QuerySet, field: str = "pk") -> Q:
    """
    `field` is one of `ids` (a queryset of one column), as `pk = ANY(ARRAY(ids))` on PostgreSQL: the
    ids are computed once and the rows read by their index. As `pk IN (ids)` PostgreSQL may instead
    read the whole table, applying every other condition of the query (the visibility rule) to each
    row, and hash-join the ids to it. Elsewhere (SQLite), `field__in`.
    """
    if connections[ids.db].vendor != "postgresql":
        return Q(**{f"{field}__in": ids})
    condition = Func(
        F(field), ArraySubquery(ids), template="%(expressions)s)", arg_joiner=" = ANY(", output_field=BooleanField()
    )
    return Q(condition)
