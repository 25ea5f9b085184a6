"""
The public's rules, built and compiled once per process.

The API always answers as the public (`AnonymousUser`), and the public's rule of each model depends on
nothing but the code: `visible_to(AnonymousUser())` reads no row, no clock and no setting when it is built
(the states the public reads are a constant, `core.workflow.visible_statuses`). Building it and compiling
it to SQL, though, cost Python on every request: at 100 times today's volume, 40 ms to build
`Organisation.objects.visible_to` and 50 more to compile it (one EXISTS of some twenty branches), 18 ms
for a role held's correlated rule. So the rule is built once per model (and database), compiled to its
WHERE clause, and that clause is ANDed to each query of the API on the same table: the same SQL as
`visible_to` gives, without making it again.

The rule is still the model's `visible_to` and nothing else: no access rule is written here. When a rule
is not a plain WHERE on its own table (a join, a DISTINCT, an order), it is not compiled: `visible_to` is
called for each query instead, as before.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BooleanField, Model, QuerySet
from django.db.models.expressions import RawSQL

_RULES: dict = {}


def _compiled(model: type[Model], correlated: bool, using: str) -> tuple[str, tuple] | None:
    """The WHERE clause of `model`'s public rule, as SQL and its parameters; None to call visible_to each time."""
    connection = connections[using]
    key = (model, correlated, using, connection.vendor)
    if key not in _RULES:
        options = {"correlated": True} if correlated else {}
        full = model.objects.visible_to(AnonymousUser(), **options)
        ruled = full.order_by().values_list("pk")
        plain = model.objects.order_by().values_list("pk")
        select, _params = plain.query.sql_with_params()
        prefix = f"{select} WHERE "
        rule = None
        try:
            sql, params = ruled.query.sql_with_params()
        except EmptyResultSet:  # the public sees none of them: visible_to's own none() each time
            sql, params = "", ()
        # A rule that also hides fields (public_projection: a meeting's minutes are not selected) keeps hiding
        # them: the same deferral is applied to the compiled rule's rows. One that annotates or joins in more
        # than its WHERE (a participation's named person) is not compiled.
        plain_rows = not full.query.annotations and not full.query.select_related
        if ruled.query.where and sql.startswith(prefix) and not ruled.query.distinct and plain_rows:
            rule = (sql[len(prefix) :], tuple(params), full.query.deferred_loading)
        _RULES[key] = rule
    return _RULES[key]


def public_rows(model: type[Model], *, correlated: bool = False, using: str = DEFAULT_DB_ALIAS) -> QuerySet:
    """`model.objects.visible_to(AnonymousUser())` (with `correlated=` where the model takes it), compiled once."""
    rule = _compiled(model, correlated, using)
    if rule is None:
        options = {"correlated": True} if correlated else {}
        return model.objects.visible_to(AnonymousUser(), **options)
    sql, params, (names, defer) = rule
    rows = model.objects.filter(RawSQL(sql, params, output_field=BooleanField()))
    if names:
        rows = rows.defer(*names) if defer else rows.only(*names)
    return rows
